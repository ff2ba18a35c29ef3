"""Where extraction time goes: cProfile over extract_pdf on a corpus, one process.

    python bench/profile_extract.py --corpus synthetic --limit 200
    python bench/profile_extract.py --corpus shared --sort tottime --top 40 --out data/extract.prof

Prints the stages of extractors.pipeline (text reading, each field extractor) as a share of the
total, then the top functions. Start-up (imports, spaCy) happens before profiling starts.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.run import DEFAULT_CACHE, corpus_paths  # noqa: E402

# Functions whose cumulative time is a pipeline stage, matched as "file:function" suffixes.
STAGES = {
    "open + get_text('dict')": ("text.py", "read_document"),
    "hardware": ("hardware.py", "extract_hardware"),
    "training time": ("training_time.py", "extract_training_time"),
    "stated compute": ("compute.py", "extract_stated_compute"),
    "throughput": ("compute.py", "extract_throughput"),
    "results": ("results.py", "extract_results"),
    "own model names": ("context.py", "own_model_names"),
}


def profile(paths: list[Path]) -> pstats.Stats:
    from extractors.nlp import get_nlp
    from extractors.pipeline import extract_pdf
    from extractors.records import ExtractionError

    get_nlp()
    profiler = cProfile.Profile()
    profiler.enable()
    for path in paths:
        try:
            extract_pdf(path, max_pages=200)
        except ExtractionError:
            pass
    profiler.disable()
    return pstats.Stats(profiler)


def stage_lines(stats: pstats.Stats) -> list[str]:
    total = stats.total_tt or 1.0
    lines = [f"total {total:.2f} s"]
    for label, (filename, function) in STAGES.items():
        cumulative = sum(ct for (file, _, name), (_, _, _, ct, _) in stats.stats.items()
                         if file.endswith(filename) and name == function)
        lines.append(f"  {label:<24} {cumulative:7.2f} s  {100 * cumulative / total:5.1f}%")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", choices=("shared", "synthetic"), default="synthetic")
    parser.add_argument("--limit", type=int, default=200)
    parser.add_argument("--sort", choices=("tottime", "cumulative"), default="tottime")
    parser.add_argument("--top", type=int, default=30)
    parser.add_argument("--out", type=Path, help="also save the raw profile (for snakeviz, pstats)")
    args = parser.parse_args(argv)
    paths = corpus_paths(args.corpus, limit=args.limit, size=args.limit, cache_dir=DEFAULT_CACHE)
    if not paths:
        print(f"no PDFs for corpus {args.corpus}", file=sys.stderr)
        return 2
    stats = profile(paths)
    if args.out:
        stats.dump_stats(args.out)
    print(f"{len(paths)} PDFs from {args.corpus}")
    print("\n".join(stage_lines(stats)))
    buffer = io.StringIO()
    stats.stream = buffer
    stats.sort_stats(args.sort).print_stats(args.top)
    print(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
