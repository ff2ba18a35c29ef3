"""Score the extractors on a folder of PDFs with gold labels.

    python -m extractors.evaluate ../shared/corpus/pdfs ../shared/corpus/gold-dev.jsonl [--workers 2]

Writes predictions JSONL (PaperExtraction.to_score_json), runs the scorer
(../shared/eval/score.py next to the corpus) with --min-confidence, prints its table and the timing.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

from extractors.pipeline import arxiv_id_from_filename, extract_files
from extractors.records import ExtractionError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("pdfs", type=Path)
    parser.add_argument("gold", type=Path)
    parser.add_argument("--out", type=Path, default=Path("out/predictions.jsonl"))
    parser.add_argument("--scorer", type=Path, default=None, help="default: <gold>/../../eval/score.py")
    parser.add_argument("--min-confidence", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=1)
    args = parser.parse_args(argv)

    paths = sorted(args.pdfs.glob("*.pdf"))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    wall_start, cpu_start = time.perf_counter(), time.process_time()
    failures = 0
    with args.out.open("w", encoding="utf-8") as fh:
        for path, outcome in extract_files(paths, workers=args.workers):
            if isinstance(outcome, ExtractionError):
                failures += 1
                print(f"{path.name}: {outcome.kind}: {outcome.reason}", file=sys.stderr)
                continue
            # The corpus names files by arXiv id; the stamp may be absent (conference versions).
            paper_id = outcome.arxiv_id or arxiv_id_from_filename(path) or path.stem
            if arxiv_id_from_filename(path) is None:
                paper_id = path.stem
            fh.write(json.dumps(outcome.to_score_json(paper_id)) + "\n")
    wall, cpu = time.perf_counter() - wall_start, time.process_time() - cpu_start

    scorer = args.scorer or args.gold.resolve().parent.parent / "eval" / "score.py"
    subprocess.run([sys.executable, str(scorer), str(args.gold), str(args.out),
                    "--min-confidence", str(args.min_confidence)], check=True)
    print(f"{len(paths)} papers, {failures} failed, wall {wall:.2f} s, cpu (main process) {cpu:.2f} s, "
          f"workers {args.workers}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
