"""Refit and report speed on many synthetic results.

    python bench/refit.py                 # 100,000 results, readable lines
    python bench/refit.py --json --n 2000

Builds N results spread over the benchmarks in config.yaml, each benchmark's error following its own
power law in training compute (plus noise and a year trend), then times
  analysis.regression.fit_all by task, and by task + dataset + metric   (refit_s: both together)
  analysis.report.build_report on all points with the per-benchmark fits (report_s)
Data generation is not timed. Target: refit of 100,000 results < 2 s.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.regression import fit_all  # noqa: E402
from analysis.report import build_report  # noqa: E402
from settings.config import load_config  # noqa: E402


def synthetic_points(n: int, seed: int = 0) -> pd.DataFrame:
    """N results over the configured benchmarks: log10(error) = a + b*log10(compute) + year trend + noise."""
    benchmarks = [(task_key, b.dataset, b.metric, b.higher_is_better)
                  for task_key, task in load_config(REPO / "config.yaml").tasks.items() for b in task.benchmarks]
    rng = np.random.default_rng(seed)
    which = rng.integers(0, len(benchmarks), size=n)
    degree = rng.uniform(4.0, 12.0, size=len(benchmarks))[which]  # each benchmark's own law
    log_compute = rng.uniform(15.0, 24.0, size=n)
    year = rng.integers(2012, 2026, size=n)
    log_error = np.log10(0.3) - (log_compute - 18.0) / degree - 0.01 * (year - 2012) + rng.normal(0, 0.05, size=n)
    error = np.clip(10 ** log_error, 1e-4, 0.999)
    table = np.array(benchmarks, dtype=object)[which]
    return pd.DataFrame({
        "task": table[:, 0], "dataset": table[:, 1], "metric": table[:, 2],
        "higher_is_better": table[:, 3].astype(bool), "score": np.round(100 * (1 - error), 2),
        "compute_flops": 10 ** log_compute, "year": year,
        "arxiv_id": [f"{y % 100:02d}99.{i % 100_000:05d}" for i, y in enumerate(year)],
        "compute_method": rng.choice(np.array(["stated", "hardware", "arithmetic"]), size=n),
    })


def _timed(function, *args, **kwargs):
    """(result, wall seconds, CPU seconds): on a shared machine wall time also counts waiting for a core."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = function(*args, **kwargs)
    return result, round(time.perf_counter() - wall, 3), round(time.process_time() - cpu, 3)


def measure(n: int, *, report: bool = True) -> dict:
    points = synthetic_points(n)
    fit_all(points.head(50), ("task",))  # first call pays lazy imports inside statsmodels/scipy
    by_task, by_task_s, by_task_cpu = _timed(fit_all, points, ("task",))
    by_benchmark, by_benchmark_s, by_benchmark_cpu = _timed(fit_all, points, ("task", "dataset", "metric"))
    out = dict(results=n, fits_by_task=int((by_task["status"] == "ok").sum()),
               fits_by_benchmark=int((by_benchmark["status"] == "ok").sum()),
               fit_by_task_s=round(by_task_s, 3), fit_by_benchmark_s=round(by_benchmark_s, 3),
               refit_s=round(by_task_s + by_benchmark_s, 3), refit_cpu_s=round(by_task_cpu + by_benchmark_cpu, 3))
    if report:
        with tempfile.TemporaryDirectory(prefix="bench-report-") as tmp:
            html, out["report_s"], out["report_cpu_s"] = _timed(build_report, points, by_benchmark, Path(tmp),
                                                               title="Refit benchmark")
            out["report_mb"] = round(html.stat().st_size / 2**20, 1)
    out["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="number of synthetic results (default 100,000)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--no-report", action="store_true", help="time the fits only")
    args = parser.parse_args(argv)
    figures = measure(args.n, report=not args.no_report)
    if args.json:
        print(json.dumps(figures, indent=2))
    else:
        print(f"{figures['results']:,} results: fit_all by task {figures['fit_by_task_s']:.3f} s "
              f"({figures['fits_by_task']} fits), by task+dataset+metric {figures['fit_by_benchmark_s']:.3f} s "
              f"({figures['fits_by_benchmark']} fits); refit {figures['refit_s']:.3f} s, "
              f"{figures['refit_cpu_s']:.3f} s CPU (target < 2 s)")
        if "report_s" in figures:
            print(f"build_report: {figures['report_s']:.2f} s, {figures['report_cpu_s']:.2f} s CPU, "
                  f"{figures['report_mb']} MB of HTML")
        print(f"peak RSS {figures['peak_rss_mb']:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
