"""Run extraction in worker processes, so a crash or hang inside the PDF library costs one paper.

A pool of `workers` processes (forkserver: no threads or locks inherited from the caller) takes one
paper each; a paper that runs past its time limit gets its worker killed and the pool rebuilt, and a
worker that dies (segfault in C code) is reported as a crash. Every outcome is a PaperExtraction or
an ExtractionError with a human-readable reason — never an exception out of `extract`.
"""
from __future__ import annotations

import multiprocessing
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from extractors.records import ExtractionError, PaperExtraction


def _extract_in_worker(path: str, max_pages: int, arxiv_id: str | None) -> PaperExtraction | ExtractionError:
    from extractors.pipeline import extract_pdf

    try:
        result = extract_pdf(path, max_pages=max_pages)
    except ExtractionError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes the paper's reason
        return ExtractionError(f"extraction failed: {exc.__class__.__name__}: {exc}", kind="unreadable")
    if arxiv_id:
        result.arxiv_id = arxiv_id
    return result


def _warm_up() -> None:
    """Import the heavy modules once per worker, not once per paper."""
    import extractors.pipeline  # noqa: F401
    from extractors.nlp import get_nlp

    get_nlp()


class ExtractionPool:
    def __init__(self, workers: int = 2, timeout_seconds: float = 120.0, max_pages: int = 200):
        self.workers = workers
        self.timeout_seconds = timeout_seconds
        self.max_pages = max_pages
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("forkserver"),
                    initializer=_warm_up)
            return self._executor

    def _rebuild(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:
                return  # another thread rebuilt it already
            for proc in list((broken._processes or {}).values()):  # a hung worker must be killed
                proc.kill()
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def extract(self, path: str | Path, arxiv_id: str | None = None) -> PaperExtraction | ExtractionError:
        # A pool broken by *another* paper (its worker killed or crashed) fails every paper in flight;
        # so a broken pool earns one retry, and only a second break is this paper's own crash.
        for attempt in range(2):
            pool = self._pool()
            future = pool.submit(_extract_in_worker, str(path), self.max_pages, arxiv_id)
            try:
                return future.result(timeout=self.timeout_seconds)
            except FutureTimeout:
                self._rebuild(pool)
                return ExtractionError(f"extraction took longer than {self.timeout_seconds:g} s; stopped",
                                       kind="timeout")
            except BrokenProcessPool:
                self._rebuild(pool)
        return ExtractionError("the PDF parser crashed while reading this file", kind="crashed")

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
