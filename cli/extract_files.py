"""`progress extract-files`: PDFs in, the scorer's JSONL out, no database.

Each line also has a "points" key: per headline result, the compute of the run that produced it,
with the stages summed, the evidence of both sides and a "why" (analysis/points.py).

A bad file never stops the batch: it gets one line on stderr naming the file and the reason, and a
JSONL line with empty fields and an "error". Bad options and an unwritable output are one line too.
"""
from __future__ import annotations

import contextlib
import json
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.markup import escape
from rich.progress import Progress

from analysis.compute import extraction_catalog, paper_month
from analysis.points import build_points
from cli.app_state import fail
from extractors.records import ExtractionError
from extractors.sandbox import ExtractionPool
from settings.config import DownloadSettings, ExtractionSettings

DEFAULT_MAX_PAGES = ExtractionSettings().max_pages
DEFAULT_MAX_BYTES = DownloadSettings().max_bytes
DEFAULT_MAX_MEMORY_MB = ExtractionSettings().max_memory_mb


def extract_files_to_jsonl(pdfs: list[Path], out: Path, *, workers: int, timeout: float, console: Console,
                           max_pages: int = DEFAULT_MAX_PAGES, max_bytes: int = DEFAULT_MAX_BYTES,
                           max_memory_mb: int = DEFAULT_MAX_MEMORY_MB) -> int:
    """Writes one line per PDF (a failed file gets empty fields and an "error"); returns failures."""
    _check_options(workers=workers, timeout=timeout, max_pages=max_pages, max_bytes=max_bytes)
    to_stdout = str(out) == "-"
    if to_stdout:  # the lines go to stdout; the bar and the closing line to stderr, out of their way
        fh = contextlib.nullcontext(sys.stdout)
        console = Console(stderr=True, highlight=False, soft_wrap=True)
    else:
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            fh = out.open("w", encoding="utf-8")
        except OSError as exc:
            fail(f"--jsonl {out}: cannot write: {exc.strerror or exc}")
    bad = 0
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    with fh as fh, ExtractionPool(workers=workers, timeout_seconds=timeout, max_pages=max_pages,
                                  max_bytes=max_bytes, max_memory_mb=max_memory_mb) as pool, \
            ThreadPoolExecutor(max_workers=workers) as threads, Progress(console=console, transient=True) as progress:
        bar = progress.add_task("extracting", total=len(pdfs))
        futures = [threads.submit(_one, pool, path) for path in pdfs]
        for path, future in zip(pdfs, futures):
            outcome = future.result()
            if isinstance(outcome, ExtractionError):
                bad += 1
                err.print(f"{escape(str(path))}: {escape(outcome.reason)}")
                line = {"arxiv_id": _id_from_name(path), "hardware": [], "training_time": [], "results": [],
                        "stated_compute": [], "points": [], "error": outcome.reason}
            else:
                # No arXiv stamp and no arXiv-style file name (a conference PDF): the file's name keys it.
                line = outcome.to_score_json(outcome.arxiv_id or _id_from_name(path))
                # Each headline result with the compute of the run behind it (analysis.points).
                # "Cloud TPU" of its date; "8 GPUs" of the one GPU model the paper names
                catalog = extraction_catalog(outcome.candidates, paper_month(outcome.arxiv_id))
                line["points"] = [point.to_json() for point in build_points(outcome.candidates, catalog=catalog)]
            fh.write(json.dumps(valid_unicode(line)) + "\n")
            if to_stdout:
                fh.flush()  # a reader of the pipe sees each paper as it is done
            progress.advance(bar)
    console.print(f"{len(pdfs) - bad} of {len(pdfs)} PDFs extracted -> {'stdout' if to_stdout else out}",
                  highlight=False, soft_wrap=True)
    return bad


def valid_unicode(value):
    """`value` with every string made valid UTF-8 text. A file name that is not UTF-8 reaches Python
    with lone surrogates (surrogateescape), which json.dumps writes as "\\udcff" escapes that strict
    parsers reject; its bytes are shown as \\xff text instead."""
    if isinstance(value, str):
        return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    if isinstance(value, dict):
        return {valid_unicode(k): valid_unicode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [valid_unicode(v) for v in value]
    return value


def _check_options(**values: float) -> None:
    for name, value in values.items():
        if value <= 0:
            fail(f"--{name.replace('_', '-')} must be positive, got {value:g}")


def _one(pool: ExtractionPool, path: Path):
    if not path.exists():
        return ExtractionError("no such file", kind="missing")
    if not path.is_file():
        return ExtractionError("not a file", kind="missing")
    try:
        return pool.extract(path)
    except Exception as exc:  # noqa: BLE001 - the pool promises not to raise; a batch must survive if it does
        return ExtractionError(f"extraction failed: {exc.__class__.__name__}: {exc}", kind="crashed")


def _id_from_name(path: Path) -> str:
    from extractors.pipeline import arxiv_id_from_filename

    return arxiv_id_from_filename(path) or path.stem
