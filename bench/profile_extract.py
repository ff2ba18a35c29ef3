"""Where extraction time goes: cProfile over extract_pdf on a corpus, one process.

    python bench/profile_extract.py --corpus synthetic --limit 200
    python bench/profile_extract.py --corpus shared --sort tottime --top 40 --out data/extract.prof

Prints the stages of extractors.pipeline (every function it calls directly: text reading, each
field extractor, opening the PDF again for tables) as a share of the total, then the top functions.
Times are process CPU seconds; start-up (imports, spaCy) happens before profiling starts.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.run import DEFAULT_CACHE, corpus_paths  # noqa: E402

# The pipeline's own functions: their direct callees are its stages (text reading, each extractor).
PIPELINE_FUNCTIONS = ("extract_pdf", "extract_document")


def profile(paths: list[Path]) -> pstats.Stats:
    from extractors.nlp import get_nlp
    from extractors.pipeline import extract_pdf
    from extractors.records import ExtractionError

    get_nlp()
    # CPU time, not wall time: on a shared machine waiting for a core would be charged to whatever
    # function happened to be running.
    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for path in paths:
        try:
            extract_pdf(path, max_pages=200)
        except ExtractionError:
            pass
    profiler.disable()
    return pstats.Stats(profiler)


def stage_lines(stats: pstats.Stats, min_share: float = 0.005) -> list[str]:
    """Time under each direct callee of the pipeline functions, largest first. Found from the call
    graph rather than a fixed list, so a renamed or new extractor shows up by itself."""
    total = stats.total_tt or 1.0
    pipeline = {key for key in stats.stats
                if key[0].endswith("extractors/pipeline.py") and key[2] in PIPELINE_FUNCTIONS}
    stages: dict[str, float] = {}
    for (file, line, name), (_, _, _, _, callers) in stats.stats.items():
        if (file, line, name) in pipeline:
            continue
        under = sum(edge[3] for caller, edge in callers.items() if caller in pipeline)
        if under:
            label = f"{Path(file).name}:{name}" if file != "~" else name
            stages[label] = stages.get(label, 0.0) + under
    lines = [f"total {total:.2f} s"]
    for label, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        if seconds >= min_share * total:
            lines.append(f"  {label:<45} {seconds:7.2f} s  {100 * seconds / total:5.1f}%")
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
