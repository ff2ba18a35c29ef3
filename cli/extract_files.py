"""`progress extract-files`: PDFs in, the scorer's JSONL out, no database."""
from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from rich.console import Console
from rich.progress import Progress

from extractors.records import ExtractionError
from extractors.sandbox import ExtractionPool


def extract_files_to_jsonl(pdfs: list[Path], out: Path, *, workers: int, timeout: float,
                           console: Console) -> int:
    """Writes one line per PDF (a failed file gets empty fields and an "error"); returns failures."""
    out.parent.mkdir(parents=True, exist_ok=True)
    bad = 0
    err = Console(stderr=True, highlight=False)
    with ExtractionPool(workers=workers, timeout_seconds=timeout) as pool, \
            ThreadPoolExecutor(max_workers=workers) as threads, \
            out.open("w", encoding="utf-8") as fh, Progress(console=console, transient=True) as progress:
        bar = progress.add_task("extracting", total=len(pdfs))
        futures = [threads.submit(_one, pool, path) for path in pdfs]
        for path, future in zip(pdfs, futures):
            outcome = future.result()
            if isinstance(outcome, ExtractionError):
                bad += 1
                err.print(f"{path}: {outcome.reason}")
                line = {"arxiv_id": _id_from_name(path), "hardware": [], "training_time": [], "results": [],
                        "stated_compute": [], "error": outcome.reason}
            else:
                line = outcome.to_score_json()
            fh.write(json.dumps(line) + "\n")
            progress.advance(bar)
    console.print(f"{len(pdfs) - bad} of {len(pdfs)} PDFs extracted -> {out}")
    return bad


def _one(pool: ExtractionPool, path: Path):
    if not path.is_file():
        return ExtractionError("no such file", kind="missing")
    return pool.extract(path)


def _id_from_name(path: Path) -> str:
    from extractors.pipeline import arxiv_id_from_filename

    return arxiv_id_from_filename(path) or path.stem
