"""Smoke tests of the benchmark scripts: they run end to end on a tiny corpus and report sane figures.

No timing assertions (the machine may be busy); only that every figure is present, positive where it
must be, and consistent with the others.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
RUN_KEYS = {"papers", "pages", "floor_s", "extract_s", "extract_db_s", "ratio", "papers_per_s", "peak_rss_mb",
            "pages_per_s", "ratio_cpu", "parallel_papers_per_s", "parallel_cpu_s", "by_corpus"}


def _run_json(*args: str, timeout: float = 600) -> dict:
    done = subprocess.run([sys.executable, *args, "--json"], cwd=REPO, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout)


@pytest.mark.slow
def test_run_json_on_five_synthetic_papers(tmp_path: Path) -> None:
    report = _run_json("bench/run.py", "--corpus", "synthetic", "--limit", "5", "--workers", "2",
                       "--cache-dir", str(tmp_path / "cache"))

    assert RUN_KEYS <= report.keys()
    assert report["papers"] == 5 and report["failures"] == 0
    assert report["pages"] >= 5  # every synthetic paper has at least one page; most have three
    for key in ("floor_s", "extract_s", "extract_db_s", "papers_per_s", "parallel_papers_per_s"):
        assert report[key] > 0, key
    assert report["ratio"] == pytest.approx(report["extract_s"] / report["floor_s"], rel=0.02)
    assert report["papers_per_s"] == pytest.approx(5 / report["extract_s"], rel=0.02)
    assert 20 < report["peak_rss_mb"] < 4000  # an interpreter with PyMuPDF and spaCy loaded, in MB
    assert list(report["by_corpus"]) == ["synthetic"]
    phases = report["by_corpus"]["synthetic"]["phases"]
    # The floor and our extraction read the same pages of the same files.
    assert phases["floor"]["pages"] == phases["extract"]["pages"] == phases["extract_db"]["pages"] == report["pages"]
    # The database phase really stored every paper, its candidates and its results.
    rows = phases["extract_db"]["db_rows"]
    assert rows["extracted"] == 5 and rows["extractions"] > 0 and rows["results"] > 0
    assert phases["parallel"]["papers"] == 5 and phases["parallel"]["failures"] == 0
    assert phases["parallel"]["worker_rss_mb"] > 20  # the workers were found and measured
    assert phases["parallel"]["workers_cpu_s"] > 0
    assert len(list((tmp_path / "cache").rglob("*.pdf"))) == 5  # the generated corpus is cached there


@pytest.mark.slow
def test_run_table_without_json(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "bench/run.py", "--corpus", "synthetic", "--limit", "2", "--workers", "1",
                           "--repeat", "2", "--cache-dir", str(tmp_path)], cwd=REPO, capture_output=True, text=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    header, rule, *rows = done.stdout.splitlines()
    assert "papers/s" in header and set(rule) <= {"-", " "}
    assert rows[0].split()[:3] == ["synthetic", "2", rows[0].split()[2]] and rows[1].split()[0] == "all"
    # --repeat 2: two floor/extraction pairs, their CPU ratios listed in order; the upper one is shown
    pairs_line = next(line for line in rows if line.startswith("synthetic: cpu ratio of each"))
    ratios = [float(r.rstrip("x")) for r in pairs_line.split(": ")[-1].split(", ")]
    assert len(ratios) == 2 and ratios == sorted(ratios) and all(r > 0 for r in ratios)
    assert float(rows[0].split()[6].rstrip("x")) == pytest.approx(ratios[1], abs=0.011)


@pytest.mark.slow
def test_refit_json_small_n() -> None:
    figures = _run_json("bench/refit.py", "--n", "600")
    assert figures["results"] == 600
    assert figures["fits_by_task"] == 5  # the five tasks of config.yaml
    assert figures["fits_by_benchmark"] == 9  # their nine benchmarks
    assert figures["refit_s"] == pytest.approx(figures["fit_by_task_s"] + figures["fit_by_benchmark_s"], abs=0.002)
    assert 0 < figures["refit_cpu_s"] and figures["report_s"] > 0 and figures["report_mb"] > 0
    assert figures["peak_rss_mb"] > 20


def test_paired_ratio_times_floor_and_extraction_per_paper(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO))
    from bench import synthetic
    from bench.profile_extract import paired_cpu_ratio

    paths = synthetic.ensure_corpus(tmp_path, 2, workers=1)
    paired = paired_cpu_ratio(paths, rounds=2)

    assert paired["papers"] == 2 and len(paired["rounds"]) == 2
    for figures in paired["rounds"]:
        assert figures["floor_cpu_s"] > 0 and figures["extract_cpu_s"] > 0
        # the ratio is taken per round, extraction over floor (both rounded to the millisecond)
        assert figures["ratio"] == pytest.approx(figures["extract_cpu_s"] / figures["floor_cpu_s"], abs=0.05 * figures["ratio"] + 0.01)
    assert paired["median_ratio"] in [figures["ratio"] for figures in paired["rounds"]] or \
        paired["median_ratio"] == pytest.approx(sum(f["ratio"] for f in paired["rounds"]) / 2)
