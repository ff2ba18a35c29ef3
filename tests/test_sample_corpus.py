"""The bundled synthetic corpus: enough papers, labels that match the rendered text, a real scaling law,
deterministic PDFs that look like arXiv's (stamp, columns, ligatures)."""
import hashlib
import importlib.util
import json
import math
import os
import subprocess
import sys
import re
import time
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import pymupdf
import pytest

from standin.corpus import build_pdf, pdf_filename, sample_papers, write_corpus, write_labels_jsonl
from standin.hardware import CHIPS
from standin.pdf import stamp_text
from standin.tasks import TASKS

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
PAPERS = sample_papers()


@pytest.fixture(scope="module")
def pdf_bytes():
    return {paper.arxiv_id: build_pdf(paper) for paper in PAPERS}


@pytest.fixture(scope="module")
def pdf_text(pdf_bytes):
    """Body text per paper without the stamp and page numbers (which can split a sentence across
    pages) and without whitespace (line breaks may fall anywhere in a phrase)."""
    out = {}
    for paper in PAPERS:
        with pymupdf.open("pdf", pdf_bytes[paper.arxiv_id]) as doc:
            pages = [page.get_text().replace(stamp_text(paper.spec), "") for page in doc]
        text = "".join(re.sub(r"\n\d+\n?$", "\n", page) for page in pages)
        out[paper.arxiv_id] = squash(unicodedata.normalize("NFKC", text))  # NFKC undoes ligatures
    return out


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_size_and_task_coverage():
    assert len(PAPERS) >= 40
    assert len({p.arxiv_id for p in PAPERS}) == len(PAPERS)
    per_task = Counter(p.task for p in PAPERS)
    assert set(TASKS) <= set(per_task) and all(per_task[t] >= 8 for t in TASKS)
    years = {p.published.year for p in PAPERS}
    assert min(years) == 2013 and max(years) == 2024
    assert sum(p.version > 1 for p in PAPERS) >= 3


def test_fake_ids_cannot_be_real_arxiv_ids():
    for paper in PAPERS:
        new = re.fullmatch(r"(\d{2})(\d{2})\.(\d{4,5})", paper.arxiv_id)
        old = re.fullmatch(r"[a-z-]+/(\d{2})(\d{2})(\d{3})", paper.arxiv_id)
        match = new or old
        assert match, paper.arxiv_id
        assert int(match.group(2)) > 12, f"{paper.arxiv_id} has a real month"
    assert any("/" in p.arxiv_id for p in PAPERS)
    assert pdf_filename("cs/9913400", 1) == "cs_9913400v1.pdf"


def test_metadata_is_consistent():
    assert len(set(PAPERS)) == len(PAPERS)  # hashable by id + version
    for paper in PAPERS:
        assert paper.primary_category == paper.categories[0]
        assert paper.published.tzinfo is not None and paper.updated >= paper.published
        assert paper.title and paper.authors and len(paper.abstract) > 100
        assert paper.labels["arxiv_id"] == paper.arxiv_id


def test_each_task_has_at_least_six_papers_with_hardware_time_and_result():
    complete = Counter(p.task for p in PAPERS
                       if p.labels["hardware"] and p.labels["training_time"] and p.labels["results"])
    assert all(complete[t] >= 6 for t in TASKS), complete


def test_negative_controls_state_no_hardware():
    negatives = [p for p in PAPERS if not p.labels["hardware"] and not p.labels["training_time"]
                 and not p.labels["stated_compute"] and p.role != "operations_only"]
    assert 2 <= len(negatives) <= 4


def test_operations_only_papers_give_the_operation_count_and_no_hardware(tmp_path):
    """Issue 17: papers that state only forward FLOPs + epochs + data (or parameters + tokens, or
    Mult-Adds + steps x batch) get their compute from the operation count, read from their PDFs."""
    from analysis.compute import arithmetic_estimate, arithmetic_inputs
    from extractors.pipeline import extract_pdf

    papers = [p for p in PAPERS if p.spec.operations]
    only = [p for p in papers if p.role == "operations_only"]
    assert len(only) == 10 and {p.task for p in only} == set(TASKS) and len(papers) == 30
    for paper in papers:
        assert paper.labels["results"]
        if paper.role == "operations_only":
            assert not paper.labels["hardware"] and not paper.labels["training_time"]
        path = tmp_path / paper.pdf_filename
        path.write_bytes(build_pdf(paper))
        best = [c for c in extract_pdf(path).candidates if c.is_best and c.confidence >= 0.6]
        if paper.role == "operations_only":
            assert not [c for c in best if c.field in ("hardware", "training_time")], paper.arxiv_id
        fields = {}
        for c in sorted(best, key=lambda c: -c.confidence):
            fields.setdefault(c.field, []).append(c.attrs)
        estimate = arithmetic_estimate(arithmetic_inputs(fields))
        assert estimate is not None and estimate.flops == pytest.approx(paper.spec.operations, rel=0.01), paper.arxiv_id


def test_phrasings_are_varied():
    units = Counter(h["unit"] for p in PAPERS for h in p.labels["hardware"])
    assert units["chips"] and units["cores"] and units["devices"]
    chips = {h["chip"] for p in PAPERS for h in p.labels["hardware"]}
    assert {"V100", "A100", "H100", "TPU v3", "TPU v4", "TITAN X", "GPU"} <= chips
    kinds = Counter(t.get("kind") for p in PAPERS for t in p.labels["training_time"])
    assert kinds["wall"] and kinds["chip-hours"]
    assert any("hours_range" in t for p in PAPERS for t in p.labels["training_time"])
    assert sum(bool(p.labels["stated_compute"]) for p in PAPERS) >= 8
    assert any("values" in r for p in PAPERS for r in p.labels["results"])
    assert any(r["metric"].endswith("error") for p in PAPERS for r in p.labels["results"])


def test_labels_agree_with_rendered_text(pdf_text):
    """Every labelled fact is written in the paper, in the phrase the spec chose."""
    for paper in PAPERS:
        text, spec = pdf_text[paper.arxiv_id], paper.spec
        for phrase in (spec.hardware, spec.time, spec.extra_time):
            if phrase is not None:
                assert squash(phrase.text) in text, (paper.arxiv_id, phrase.text)
        if spec.compute_text:
            assert squash(spec.compute_text) in text
        for result in paper.labels["results"]:
            for value in result.get("values", [result["value"]]):
                assert f"{value:.1f}" in text, (paper.arxiv_id, result)


def test_traps_are_present_but_not_labelled(pdf_text):
    """Cited hardware, memory sizes and latency GPUs appear in text but never in the labels."""
    ic = [p for p in PAPERS if p.task == "image_classification"]
    assert all(squash("NASNet [7] was searched with 500 GPUs over 4 days") in pdf_text[p.arxiv_id] for p in ic)
    assert not any(h["count"] in (450, 500) for p in PAPERS for h in p.labels["hardware"])
    qa = [p for p in PAPERS if p.task == "question_answering"]
    assert all("3.1e23FLOPs" in pdf_text[p.arxiv_id] for p in qa)  # cited compute
    assert not any(c["flops"] in (3.1e23, 12 * 8.64e19) for p in PAPERS for c in p.labels["stated_compute"])
    memory = sum("GBofmemory" in t for t in pdf_text.values())
    latency = sum(squash("measured on a single T4 GPU") in t for t in pdf_text.values())
    assert memory >= 5 and latency >= 5


def test_error_follows_a_power_law_in_compute():
    """Per benchmark: log10(error) vs log10(chips x peak x hours) is linear with slope -1/k, 6 <= k <= 15."""
    points = defaultdict(list)
    for paper in PAPERS:
        if paper.role != "scaling":
            continue
        hardware, time_label = paper.labels["hardware"][0], paper.labels["training_time"][0]
        chip = CHIPS[hardware["chip"]]
        chips = hardware["count"] / 2 if hardware["unit"] == "cores" else \
            hardware["count"] * 4 if hardware["unit"] == "devices" else hardware["count"]
        wall = time_label["hours"] / chips if time_label["kind"] == "chip-hours" else time_label["hours"]
        compute = chips * chip.peak_flops * wall * 3600
        assert compute == pytest.approx(paper.hardware_compute, rel=0.02)
        for r in paper.labels["results"]:
            value = r.get("values", [r["value"]])[0]
            error = value if r["metric"].endswith("error") else 100 - value
            points[(r["dataset"], r["metric"].replace("error", "accuracy"))].append(
                (math.log10(compute), math.log10(error)))
    for task in TASKS.values():
        main = task.benchmarks[0]
        x, y = np.array(points[(main.dataset, main.metric)]).T
        assert len(x) >= 6 and x.max() - x.min() >= 3.0, main
        slope = np.polyfit(x, y, 1)[0]
        assert 6 <= task.k <= 15 and -1 / slope == pytest.approx(task.k, rel=0.15), (main, -1 / slope)
        assert np.corrcoef(x, y)[0, 1] < -0.95


def test_pdfs_are_deterministic_and_fast(tmp_path, pdf_bytes):
    started = time.monotonic()
    paths = write_corpus(tmp_path / "a")
    elapsed = time.monotonic() - started
    assert elapsed < 10, elapsed
    assert [p.name for p in paths] == [paper.pdf_filename for paper in PAPERS]
    for path, paper in zip(paths, PAPERS):
        assert hashlib.sha256(path.read_bytes()).digest() == hashlib.sha256(pdf_bytes[paper.arxiv_id]).digest()


def test_pdf_layout_stamp_columns_ligatures(pdf_bytes):
    two_column = one_column = ligatures = 0
    for paper in PAPERS:
        with pymupdf.open("pdf", pdf_bytes[paper.arxiv_id]) as doc:
            assert doc.page_count >= 2 or paper.task is None
            first = doc[0]
            assert stamp_text(paper.spec) in first.get_text()
            assert paper.versioned_id in stamp_text(paper.spec)
            assert doc.metadata["title"] == paper.title
            # second-column text starts right of the page middle on the body pages
            right = [b for b in first.get_text("blocks") if b[0] > first.rect.width / 2]
            for page in doc:  # nothing but the page number below the bottom margin
                low = [b[4] for b in page.get_text("blocks") if b[3] > page.rect.height - 60]
                assert all(text.strip().isdigit() for text in low), (paper.arxiv_id, low)
            if paper.spec.two_column:
                assert right, paper.arxiv_id
                two_column += 1
            else:
                one_column += 1
            text = "".join(page.get_text() for page in doc)
            has_ligature = any(ch in text for ch in "\ufb00\ufb01\ufb02\ufb03")
            assert has_ligature == paper.spec.ligatures, paper.arxiv_id
            ligatures += has_ligature
    assert two_column >= 10 and one_column >= 10 and ligatures >= 8


def test_results_only_in_tables_have_baseline_and_own_rows(pdf_text):
    table_only = [p for p in PAPERS if p.spec.result_style == "table" and p.task]
    assert len(table_only) >= 8
    for paper in table_only:
        text = pdf_text[paper.arxiv_id]
        assert squash(f"{paper.spec.model} (ours)") in text and "Table" in text and "[12]" in text
        assert squash(paper.spec.model + " achieves") not in text


def test_labels_jsonl_is_readable_by_the_scorer(tmp_path):
    path = write_labels_jsonl(tmp_path / "gold.jsonl")
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert len(rows) == len(PAPERS)
    assert all({"hardware", "training_time", "results", "stated_compute"} <= set(r) for r in rows)
    score_py = SHARED / "eval" / "score.py"
    if not score_py.exists():
        pytest.skip("../shared/eval/score.py not available")
    spec = importlib.util.spec_from_file_location("shared_score", score_py)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold = scorer.load(path)
    table = scorer.score(gold, gold, 0.0)  # the labels scored against themselves are perfect
    for field, row in table.items():
        assert row["labels"] > 0 and row["precision"] == 1.0 and row["recall"] == 1.0, field


def test_pdf_bytes_do_not_depend_on_the_process(pdf_bytes):
    """Same bytes in a fresh interpreter with another hash seed (no set/dict-order leaks)."""
    script = ("import hashlib, sys\nfrom standin.corpus import sample_papers, build_pdf\n"
              "print(' '.join(hashlib.sha256(build_pdf(p)).hexdigest() for p in sample_papers()[:4]))")
    env = dict(os.environ, PYTHONHASHSEED="12345")
    out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True,
                         cwd=Path(__file__).resolve().parents[1]).stdout.split()
    assert out == [hashlib.sha256(pdf_bytes[p.arxiv_id]).hexdigest() for p in PAPERS[:4]]
