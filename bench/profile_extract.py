"""Where extraction time goes: cProfile over extract_pdf on a corpus, one process.

    python bench/profile_extract.py --corpus synthetic --limit 200
    python bench/profile_extract.py --corpus shared --sort tottime --top 40 --out data/extract.prof
    python bench/profile_extract.py --corpus shared --limit 53 --paired 3   # the paired ratio only

First the CPU cost of each stage of extractors.pipeline (timed directly, no profiler) beside the
floor (plain get_text() on the same PDFs), then a cProfile run: stages found from the call graph as
a share of the total, and the top functions.
Times are process CPU seconds; start-up (imports, spaCy) happens before profiling starts.

`--paired N` measures the ratio to the floor paper by paper instead: each paper's floor and then its
extraction, alternating, N rounds in one warm process. On a machine shared with other jobs, a
slowdown then hits both sides of the ratio; timing the floor and the extraction minutes apart (as
bench/run.py's separate processes do) moved the CPU ratio by +-0.1 between identical runs.
"""
from __future__ import annotations

import argparse
import cProfile
import functools
import inspect
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


def floor_cpu_s(paths: list[Path]) -> float:
    """CPU seconds of plain page.get_text() on every page: the yardstick for the stages."""
    import pymupdf

    start = time.process_time()
    for path in paths:
        with pymupdf.open(path) as doc:
            for page in doc:
                page.get_text()
    return time.process_time() - start


def stage_cpu_s(paths: list[Path]) -> tuple[float, dict[str, float]]:
    """(total, CPU seconds per stage) of extract_pdf over `paths`, without a profiler.

    cProfile charges every Python call, so it inflates generator-heavy code several-fold; here only
    the functions the pipeline calls are wrapped (every public function of the extractor modules it
    imports, and the functions it imports by name), and only the outermost wrapped call is timed."""
    import extractors.pipeline as pipeline
    from extractors.records import ExtractionError

    totals: dict[str, float] = {}
    active = [False]

    def wrap(label: str, function):
        @functools.wraps(function)
        def timed(*args, **kwargs):
            if active[0]:
                return function(*args, **kwargs)
            active[0], start = True, time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                totals[label] = totals.get(label, 0.0) + time.process_time() - start
                active[0] = False
        return timed

    patches = []
    for name, value in vars(pipeline).items():
        if inspect.ismodule(value) and value.__name__.startswith("extractors."):
            patches += [(value, fname, f) for fname, f in vars(value).items()
                        if inspect.isfunction(f) and f.__module__ == value.__name__ and not fname.startswith("_")]
        elif (inspect.isfunction(value) and value.__module__.startswith("extractors.")
              and value.__module__ != pipeline.__name__):
            patches.append((pipeline, name, value))
    for owner, name, function in patches:
        setattr(owner, name, wrap(f"{function.__module__.split('.')[-1]}.{name}", function))
    try:
        start = time.process_time()
        for path in paths:
            try:
                pipeline.extract_pdf(path, max_pages=200)
            except ExtractionError:
                pass
        total = time.process_time() - start
    finally:
        for owner, name, function in patches:
            setattr(owner, name, function)
    return total, totals


def paired_cpu_ratio(paths: list[Path], rounds: int = 3) -> dict:
    """CPU seconds of the floor and of extract_pdf, timed paper by paper alternately, per round, and
    the median round's ratio (extraction / floor)."""
    import statistics

    import pymupdf

    from bench.phases import _load_extractor
    from extractors.records import ExtractionError

    extract_pdf = _load_extractor()
    out = []
    for _ in range(rounds):
        floor = extract = 0.0
        for path in paths:
            start = time.process_time()
            with pymupdf.open(path) as doc:
                for page in doc:
                    page.get_text()
            middle = time.process_time()
            try:
                extract_pdf(path, max_pages=200)
            except ExtractionError:
                pass
            floor, extract = floor + middle - start, extract + time.process_time() - middle
        out.append({"floor_cpu_s": round(floor, 3), "extract_cpu_s": round(extract, 3),
                    "ratio": round(extract / floor, 3) if floor else None})
    ratios = [r["ratio"] for r in out if r["ratio"] is not None]
    return {"papers": len(paths), "rounds": out, "median_ratio": statistics.median(ratios) if ratios else None}


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
    parser.add_argument("--paired", type=int, metavar="ROUNDS",
                        help="only the paired floor/extraction ratio, paper by paper, over ROUNDS rounds")
    args = parser.parse_args(argv)
    paths = corpus_paths(args.corpus, limit=args.limit, size=args.limit, cache_dir=DEFAULT_CACHE)
    if not paths:
        print(f"no PDFs for corpus {args.corpus}", file=sys.stderr)
        return 2
    if args.paired:
        paired = paired_cpu_ratio(paths, args.paired)
        for number, figures in enumerate(paired["rounds"], start=1):
            print(f"round {number}: floor {figures['floor_cpu_s']:.2f} s, extract_pdf {figures['extract_cpu_s']:.2f} s"
                  f" = {figures['ratio']:.3f}x")
        print(f"{paired['papers']} PDFs from {args.corpus}: median paired CPU ratio {paired['median_ratio']:.3f}x")
        return 0
    from extractors.nlp import get_nlp

    get_nlp()
    floor = floor_cpu_s(paths)
    total, stages = stage_cpu_s(paths)
    print(f"{len(paths)} PDFs from {args.corpus}: CPU seconds without a profiler")
    print(f"  floor (plain get_text)  {floor:7.2f} s")
    print(f"  extract_pdf             {total:7.2f} s  = {total / floor:.2f}x floor")
    for label, seconds in sorted(stages.items(), key=lambda item: -item[1]):
        print(f"    {label:<40} {seconds:7.2f} s  {seconds / floor:5.2f}x floor")
    print(f"    {'(pipeline itself)':<40} {total - sum(stages.values()):7.2f} s")
    print("\ncProfile (CPU time; inflates many small Python calls):")
    stats = profile(paths)
    if args.out:
        stats.dump_stats(args.out)
    print("\n".join(stage_lines(stats)))
    buffer = io.StringIO()
    stats.stream = buffer
    stats.sort_stats(args.sort).print_stats(args.top)
    print(buffer.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
