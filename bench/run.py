"""Extraction throughput against the floor of plain PyMuPDF text extraction, on the same PDFs.

    python bench/run.py                       # both corpora, readable table
    python bench/run.py --json --corpus synthetic --limit 5
    python bench/run.py --corpus shared --workers 1
    python bench/run.py --corpus shared --workers 1 --repeat 5   # 5 floor/extraction pairs, the median one

Per corpus, each phase runs in its own fresh process (see bench/phases.py):
  floor       plain page.get_text() on every page
  extract     extractors.pipeline.extract_pdf on every PDF (text + all extractors), no database
  extract_db  the same plus the nightly writes: paper rows in bulk, store_extraction per paper,
              one transaction per 100 papers, into a freshly migrated SQLite file
  parallel    (--workers > 1) extract_db's work with N extraction processes (extractors.sandbox)

Corpora: `shared` is ../shared/corpus/pdfs beside the repository (real arXiv PDFs; skipped when
absent); `synthetic` is --size distinct generated papers cached under data/bench-corpus (rendering is
not timed). The top-level figures add up every corpus measured; `by_corpus` has each one.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import sys
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `python bench/run.py` puts bench/, not the repo, on the path
    sys.path.insert(0, str(REPO))

from bench import phases, synthetic  # noqa: E402

SHARED_PDFS = REPO / ".." / "shared" / "corpus" / "pdfs"
DEFAULT_CACHE = REPO / "data" / "bench-corpus"


def run_in_fresh_process(function, *args):
    """Run one phase in a new interpreter (spawn), so its timings and peak RSS are its own."""
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        return pool.submit(function, *args).result()


def corpus_paths(name: str, *, limit: int | None, size: int, cache_dir: Path) -> list[Path] | None:
    """The PDFs of a corpus, or None when it is not on this machine."""
    if name == "shared":
        if not SHARED_PDFS.is_dir():
            return None
        paths = sorted(SHARED_PDFS.resolve().glob("*.pdf"))
        return paths[:limit] if limit is not None else paths
    count = min(size, limit) if limit is not None else size
    return synthetic.ensure_corpus(cache_dir, count)


def measure(paths: list[Path], workers: int, max_pages: int, repeat: int = 1) -> dict:
    """Each phase's figures on these PDFs. With `repeat` > 1 the floor and the extraction run that many
    times, alternately, each in a fresh process: the pair with the median CPU ratio is reported, and
    every pair's ratio is kept (`ratio_cpu_runs`). On a shared machine the floor's own CPU time moves
    by up to 1.6x between runs minutes apart, so one pair can say little."""
    files = [str(p) for p in paths]
    for path in paths:  # bring every file into the page cache so no phase pays the first disk read
        path.read_bytes()
    pairs = []
    for _ in range(max(1, repeat)):
        floor = run_in_fresh_process(phases.floor, files)
        extract = run_in_fresh_process(phases.extract, files, max_pages)
        pairs.append((extract["cpu_s"] / floor["cpu_s"] if floor["cpu_s"] else 0.0, floor, extract))
    pairs.sort(key=lambda pair: pair[0])
    _ratio, floor, extract = pairs[len(pairs) // 2]
    out = {"floor": floor, "extract": extract}
    if len(pairs) > 1:
        out["ratio_cpu_runs"] = [round(ratio, 3) for ratio, _f, _e in pairs]
    with tempfile.TemporaryDirectory(prefix="bench-db-") as tmp:
        out["extract_db"] = run_in_fresh_process(phases.extract_db, files, str(Path(tmp) / "serial.sqlite"), max_pages)
        if workers > 1:
            out["parallel"] = run_in_fresh_process(phases.parallel, files, str(Path(tmp) / "parallel.sqlite"),
                                                   workers, max_pages)
    return out


def summarize(by_phase: list[dict]) -> dict:
    """Headline figures from one or more corpora's phase results (seconds and counts add up)."""
    def total(phase: str, key: str) -> float:
        return sum(m[phase][key] for m in by_phase if phase in m)

    papers, pages = int(total("floor", "papers")), int(total("floor", "pages"))
    floor_s, extract_s, extract_db_s = total("floor", "seconds"), total("extract", "seconds"), total("extract_db", "seconds")
    single_rss = [m[p]["rss_mb"] for m in by_phase for p in ("floor", "extract", "extract_db")]
    summary = dict(
        papers=papers, pages=pages, failures=int(total("extract", "failures")),
        floor_s=round(floor_s, 3), extract_s=round(extract_s, 3), extract_db_s=round(extract_db_s, 3),
        db_s=round(total("extract_db", "db_s"), 3),
        floor_cpu_s=round(total("floor", "cpu_s"), 3), extract_cpu_s=round(total("extract", "cpu_s"), 3),
        extract_db_cpu_s=round(total("extract_db", "cpu_s"), 3),
        ratio=round(extract_s / floor_s, 2) if floor_s else None,
        ratio_cpu=round(total("extract", "cpu_s") / total("floor", "cpu_s"), 2) if total("floor", "cpu_s") else None,
        ratio_db=round(extract_db_s / floor_s, 2) if floor_s else None,
        papers_per_s=round(papers / extract_s, 2) if extract_s else None,
        pages_per_s=round(pages / extract_s, 1) if extract_s else None,
        floor_pages_per_s=round(pages / floor_s, 1) if floor_s else None,
        db_papers_per_s=round(papers / extract_db_s, 2) if extract_db_s else None,
        peak_rss_mb=round(max(single_rss), 1),
        startup_s=round(max(m["extract"]["startup_s"] for m in by_phase), 2),
    )
    if all("parallel" in m for m in by_phase):
        parallel_s = total("parallel", "seconds")
        summary.update(
            workers=by_phase[0]["parallel"]["workers"],
            parallel_s=round(parallel_s, 3),
            parallel_papers_per_s=round(papers / parallel_s, 2) if parallel_s else None,
            parallel_pages_per_s=round(pages / parallel_s, 1) if parallel_s else None,
            parallel_worker_rss_mb=round(max(m["parallel"]["worker_rss_mb"] for m in by_phase), 1),
            # CPU seconds of the workers plus the writing process: the papers/s the cores would give
            # if this run had had them to itself (wall time on a shared machine also counts waiting).
            parallel_cpu_s=round(total("parallel", "workers_cpu_s") + total("parallel", "cpu_s"), 3),
        )
        cores = min(summary["workers"], os.cpu_count() or 1)
        summary["parallel_cpu_bound_papers_per_s"] = (
            round(papers * cores / summary["parallel_cpu_s"], 2) if summary["parallel_cpu_s"] else None)
    return summary


def table(report: dict) -> str:
    rows = [("corpus", "papers", "pages", "floor s", "extract s", "ratio", "cpu ratio", "+db s", "papers/s", "pages/s",
             f"papers/s x{report.get('workers', 1)}", "peak RSS MB")]
    for name, figures in [*report["by_corpus"].items(), ("all", report)]:
        rows.append((name, figures["papers"], figures["pages"], f"{figures['floor_s']:.2f}", f"{figures['extract_s']:.2f}",
                     f"{figures['ratio']:.2f}x", f"{figures['ratio_cpu']:.2f}x", f"{figures['extract_db_s']:.2f}", f"{figures['papers_per_s']:.1f}",
                     f"{figures['pages_per_s']:.0f}", f"{figures.get('parallel_papers_per_s', float('nan')):.1f}",
                     f"{figures['peak_rss_mb']:.0f}"))
    widths = [max(len(str(r[i])) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(str(c).rjust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    notes = [f"ratio = extract / floor wall time (floor: plain page.get_text() on every page); cpu ratio = the same in "
             f"process CPU time, steadier on a busy machine; +db = extraction plus SQLite writes ({report['db_s']:.2f} s "
             f"of it in the database); start-up (imports, spaCy) {report['startup_s']:.1f} s, not counted."]
    notes += [f"{name}: cpu ratio of each floor/extraction pair, sorted (the median pair is shown): "
              + ", ".join(f"{r:.2f}x" for r in figures["ratio_cpu_runs"])
              for name, figures in report["by_corpus"].items() if "ratio_cpu_runs" in figures]
    notes += [f"skipped: {s}" for s in report.get("skipped", [])]
    return "\n".join(lines + [""] + notes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--corpus", choices=("shared", "synthetic", "both"), default="both")
    parser.add_argument("--limit", type=int, default=None, help="at most N PDFs from each corpus")
    parser.add_argument("--workers", type=int, default=2, help="extraction processes for the parallel figure (1: skip it)")
    parser.add_argument("--size", type=int, default=1000, help="synthetic corpus size (default 1000)")
    parser.add_argument("--cache-dir", type=Path, default=DEFAULT_CACHE, help="where generated PDFs are kept between runs")
    parser.add_argument("--max-pages", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=1,
                        help="floor and extraction pairs, alternating (the median pair is reported)")
    args = parser.parse_args(argv)

    names = ["shared", "synthetic"] if args.corpus == "both" else [args.corpus]
    by_corpus, skipped = {}, []
    for name in names:
        paths = corpus_paths(name, limit=args.limit, size=args.size, cache_dir=args.cache_dir)
        if not paths:
            skipped.append(f"{name}: no PDFs at {SHARED_PDFS if name == 'shared' else args.cache_dir}")
            continue
        by_corpus[name] = measure(paths, args.workers, args.max_pages, args.repeat)
    if not by_corpus:
        print("no corpus to measure: " + "; ".join(skipped), file=sys.stderr)
        return 2
    report = summarize(list(by_corpus.values()))
    report["by_corpus"] = {name: {**summarize([m]), "phases": m} for name, m in by_corpus.items()}
    for name, m in by_corpus.items():
        if "ratio_cpu_runs" in m:
            report["by_corpus"][name]["ratio_cpu_runs"] = m["ratio_cpu_runs"]
    if skipped:
        report["skipped"] = skipped
    print(json.dumps(report, indent=2) if args.json else table(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
