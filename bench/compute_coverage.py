"""Share of papers with a benchmark result that also get a compute estimate (issue 17's target).

Extracts a folder of PDFs (or the synthetic sample corpus), keeps what the nightly refit would keep
(best candidates at or above review.min_confidence; results on a configured benchmark) and counts the
papers with a result whose compute can be estimated, by method, with and without the operation count:

    python bench/compute_coverage.py --corpus synthetic            # the demo's 52 sample papers
    python bench/compute_coverage.py --corpus shared               # ../shared/corpus/pdfs
    python bench/compute_coverage.py --json

"without" is what the pipeline did before issue 17 (stated FLOPs or hardware burden only).
"per point" links each kept result to its own run (analysis.points): how many results get a hardware
burden, network operations, either, or a flagged fallback to the paper's main run, and the share of
papers with a result whose points get a compute estimate.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from analysis.compute import arithmetic_inputs, estimate_compute, extraction_catalog, paper_month  # noqa: E402
from analysis.points import build_points  # noqa: E402
from extractors.pipeline import extract_files  # noqa: E402
from settings.config import load_config  # noqa: E402

ESTIMATE_FIELDS = ("hardware", "training_time", "stated_compute", "forward_flops", "parameters", "epochs", "steps",
                   "training_tokens", "training_set")


def _pdfs(corpus: str) -> list[Path]:
    if corpus == "shared":
        return sorted((REPO / ".." / "shared" / "corpus" / "pdfs").glob("*.pdf"))
    from standin.corpus import write_corpus
    return write_corpus(Path(tempfile.mkdtemp(prefix="coverage-")))


def coverage(paths: list[Path], workers: int = 2) -> dict:
    config = load_config(None)
    threshold = config.review.min_confidence
    with_result = 0
    methods_with, methods_without = Counter(), Counter()
    per_point = Counter()
    for _path, extraction in extract_files(paths, workers=workers):
        if not hasattr(extraction, "candidates"):
            continue
        kept = [c for c in extraction.candidates if c.is_best and c.confidence >= threshold]
        results = [c for c in kept if c.field == "results"
                   and config.benchmark_task(c.attrs.get("dataset", ""), str(c.attrs.get("metric", "")).replace("error", "accuracy"))]
        if not results:
            continue
        with_result += 1
        catalog = extraction_catalog(extraction.candidates, paper_month(extraction.arxiv_id))
        points = build_points(extraction.candidates, results=results, catalog=catalog)
        per_point["points"] += len(points)
        per_point["hardware_burden"] += sum(bool(p.hardware_flops) for p in points)
        per_point["network_operations"] += sum(bool(p.operations_flops) for p in points)
        per_point["either"] += sum(bool(p.compute_flops or p.operations_flops) for p in points)
        per_point["fallback"] += sum(bool(p.fallback) for p in points)
        per_point["papers_with_compute"] += any(p.compute_flops or p.operations_flops for p in points)
        fields = {f: [c.attrs for c in sorted(kept, key=lambda c: -c.confidence) if c.field == f] for f in ESTIMATE_FIELDS}
        base = (fields["hardware"], fields["training_time"], fields["stated_compute"])
        for counter, arithmetic in ((methods_without, None), (methods_with, arithmetic_inputs(fields))):
            estimates = estimate_compute(*base, arithmetic, catalog=catalog)
            preferred = next((e.method for e in estimates if e.preferred), None)
            counter[preferred or "none"] += 1
            if counter is methods_with and any(e.method == "arithmetic" for e in estimates):
                counter["has_network_operations"] += 1
            if counter is methods_with and any(e.method == "hardware" for e in estimates):
                counter["has_hardware_burden"] += 1

    def share(counter: Counter) -> float:
        return round((with_result - counter["none"]) / with_result, 3) if with_result else 0.0

    return {"papers": len(paths), "with_result": with_result,
            "estimated_without_operations": with_result - methods_without["none"], "share_without": share(methods_without),
            "estimated_with_operations": with_result - methods_with["none"], "share_with": share(methods_with),
            "preferred_method": {k: v for k, v in methods_with.items() if not k.startswith("has_")},
            "has_hardware_burden": methods_with["has_hardware_burden"],
            "has_network_operations": methods_with["has_network_operations"],
            "per_point": {**per_point, "share_papers": round(per_point["papers_with_compute"] / with_result, 3)
                          if with_result else 0.0}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", choices=("synthetic", "shared"), default="synthetic")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    summary = coverage(_pdfs(args.corpus), workers=args.workers)
    if args.json:
        print(json.dumps(summary))
        return
    print(f"{args.corpus}: {summary['papers']} papers, {summary['with_result']} with a benchmark result")
    print(f"  compute estimate without the operation count: {summary['estimated_without_operations']} "
          f"({summary['share_without']:.0%})")
    print(f"  compute estimate with the operation count:    {summary['estimated_with_operations']} "
          f"({summary['share_with']:.0%}); preferred method {summary['preferred_method']}")
    print(f"  both measures: hardware burden {summary['has_hardware_burden']}, "
          f"network operations {summary['has_network_operations']}")
    pp = summary["per_point"]
    print(f"  per point (each result with its own run): {pp.get('points', 0)} points, hardware burden "
          f"{pp.get('hardware_burden', 0)}, network operations {pp.get('network_operations', 0)}, either "
          f"{pp.get('either', 0)}, fallback {pp.get('fallback', 0)}; papers {pp.get('papers_with_compute', 0)} "
          f"({pp['share_papers']:.0%})")


if __name__ == "__main__":
    main()
