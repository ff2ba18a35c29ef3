"""Run extraction in worker processes, so a crash or hang inside the PDF library costs one paper.

A pool of `workers` processes (forkserver: no threads or locks inherited from the caller) takes one
paper each. A new pool is warmed up (spaCy and the extractors imported) before it takes papers, so
the per-paper time limit measures the paper, not the start-up. A paper that runs past its limit gets
its worker killed and the pool rebuilt. A worker that dies (segfault in C code) breaks the pool for
every paper in flight, so each of those runs again alone in a fresh process, where a second death is
reported as that paper's crash. A file over `max_bytes` is refused before any worker reads it. Each
worker's address space is capped at `max_memory_mb` (RLIMIT_AS, set before it imports anything): a
PDF whose content stream draws billions of glyphs fails its allocation in that worker instead of
taking the machine's memory, and is reported as "exceeded the memory limit" (kind "memory", a
permanent reason). Every outcome is a PaperExtraction or an ExtractionError with a human-readable
reason — never an exception out of `extract`.

Each paper runs `extract_in_worker`, looked up when the paper is submitted; the fault tests replace it
(monkeypatch, or a wrapper process) with one that hangs or segfaults on chosen files. Production code
has no fault hook.

Why not pebble (ProcessPool.schedule(timeout=)): it would replace `_rebuild` and `_extract_alone` (it
knows which task a dead worker held), and it supports a forkserver context and an initializer. It is
not adopted here because it is a new dependency for ~40 lines whose crash, timeout and warm-up
semantics the fault tests pin down today; switching is a contained follow-up behind the same
`ExtractionPool.extract` interface.
"""
from __future__ import annotations

import multiprocessing
import os
import re
import resource
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from extractors.records import ExtractionError, PaperExtraction

STARTUP_SECONDS = 180.0  # a cold worker imports spaCy and the extractors; slow machines need a while
DEFAULT_MAX_BYTES = 60_000_000  # settings.config.DownloadSettings.max_bytes
DEFAULT_MAX_MEMORY_MB = 2048  # settings.config.ExtractionSettings.max_memory_mb

# How a failed allocation shows up: Python's MemoryError, or MuPDF's "malloc (N bytes) failed".
_ALLOCATION_FAILED = re.compile(r"\b(?:malloc|realloc|calloc)\b.*\bfailed\b|out of memory|cannot allocate memory",
                                re.IGNORECASE)
_memory_limit_mb: int | None = None  # in a worker: the cap it runs under


def _memory_error(exc: BaseException) -> ExtractionError | None:
    """The paper's reason when `exc` is a failed allocation under this worker's cap, else None."""
    if _memory_limit_mb is None:
        return None
    if isinstance(exc, MemoryError) or _ALLOCATION_FAILED.search(str(exc)):
        return ExtractionError(f"exceeded the memory limit of {_memory_limit_mb:,} MB", kind="memory")
    return None


def extract_in_worker(path: str, max_pages: int, arxiv_id: str | None) -> PaperExtraction | ExtractionError:
    """What a worker runs per paper (module-level so it pickles by name)."""
    from extractors.pipeline import extract_pdf

    try:
        result = extract_pdf(path, max_pages=max_pages)
    except Exception as exc:  # noqa: BLE001 - any failure (MemoryError included) becomes the reason
        memory = _memory_error(exc)
        if memory is not None:
            return memory
        if isinstance(exc, ExtractionError):
            return exc
        return ExtractionError(f"extraction failed: {exc.__class__.__name__}: {exc}", kind="unreadable")
    if arxiv_id:
        result.arxiv_id = arxiv_id
    return result


def _limit_memory(max_memory_mb: int | None) -> None:
    global _memory_limit_mb
    if max_memory_mb is None:
        return
    limit = int(max_memory_mb) << 20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    _memory_limit_mb = int(max_memory_mb)


def _warm_up(max_memory_mb: int | None = None) -> None:
    """Cap the worker's memory, then import the heavy modules once per worker, not once per paper."""
    _limit_memory(max_memory_mb)
    import extractors.pipeline  # noqa: F401
    from extractors.nlp import get_nlp

    import pymupdf

    # MuPDF prints its complaints about damaged files on stderr; the reason we return says it once.
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    get_nlp()
    # The chip matchers (every catalog name) and the scorer's models are built once here, so no
    # paper's time limit pays for them.
    from extractors import hardware
    from extractors.scoring.model import load_models

    hardware.warm_up()
    load_models()


def _ready() -> int:
    return os.getpid()


class ExtractionPool:
    def __init__(self, workers: int = 2, timeout_seconds: float = 120.0, max_pages: int = 200,
                 max_bytes: int | None = DEFAULT_MAX_BYTES, max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if timeout_seconds <= 0:
            raise ValueError(f"timeout must be positive, got {timeout_seconds:g}")
        if max_memory_mb is not None and max_memory_mb < 256:
            raise ValueError(f"max_memory_mb must be at least 256 (a warm worker needs about 330), got {max_memory_mb}")
        self.max_memory_mb = max_memory_mb
        self.workers = workers
        self.timeout_seconds = timeout_seconds
        self.max_pages = max_pages
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._executor is None:
                executor = ProcessPoolExecutor(
                    max_workers=self.workers, mp_context=multiprocessing.get_context("forkserver"),
                    initializer=_warm_up, initargs=(self.max_memory_mb,))
                # Start and warm every worker now: a paper's time limit must not pay for start-up.
                # A pool that cannot start raises BrokenProcessPool to the caller.
                for ready in [executor.submit(_ready) for _ in range(self.workers)]:
                    ready.result(timeout=STARTUP_SECONDS)
                self._executor = executor
            return self._executor

    def _rebuild(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:
                return  # another thread rebuilt it already
            for proc in list((broken._processes or {}).values()):  # a hung worker must be killed
                proc.kill()
            broken.shutdown(wait=False, cancel_futures=True)
            self._executor = None

    def _too_big(self, path: Path) -> ExtractionError | None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            return ExtractionError(f"cannot read file: {exc.strerror or exc}", kind="unreadable")
        if self.max_bytes is not None and size > self.max_bytes:
            return ExtractionError(f"file is {size:,} bytes, over the {self.max_bytes:,}-byte limit",
                                   kind="too_large")
        return None

    def extract(self, path: str | Path, arxiv_id: str | None = None) -> PaperExtraction | ExtractionError:
        refused = self._too_big(Path(path))
        if refused:
            return refused
        try:
            pool = self._pool()
        except (BrokenProcessPool, FutureTimeout, OSError) as exc:
            return ExtractionError(f"extraction workers failed to start: {exc.__class__.__name__}: {exc}",
                                   kind="crashed")
        try:
            future = pool.submit(extract_in_worker, str(path), self.max_pages, arxiv_id)
            return future.result(timeout=self.timeout_seconds)
        except FutureTimeout:
            self._rebuild(pool)
            return ExtractionError(f"extraction took longer than {self.timeout_seconds:g} s; stopped",
                                   kind="timeout")
        except (BrokenProcessPool, RuntimeError):  # RuntimeError: shut down by a rebuild before submit
            self._rebuild(pool)
        # A pool broken by *any* paper (its worker killed or crashed) fails every paper in flight, so the
        # pool cannot say whose crash it was. Run this paper again in a process of its own: a crash
        # there is this paper's.
        return self._extract_alone(path, arxiv_id)

    def _extract_alone(self, path: str | Path, arxiv_id: str | None) -> PaperExtraction | ExtractionError:
        solo = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"),
                                   initializer=_warm_up, initargs=(self.max_memory_mb,))
        try:
            solo.submit(_ready).result(timeout=STARTUP_SECONDS)
            future = solo.submit(extract_in_worker, str(path), self.max_pages, arxiv_id)
            return future.result(timeout=self.timeout_seconds)
        except FutureTimeout:
            return ExtractionError(f"extraction took longer than {self.timeout_seconds:g} s; stopped",
                                   kind="timeout")
        except BrokenProcessPool:
            return ExtractionError("the PDF parser crashed while reading this file", kind="crashed")
        finally:
            for proc in list((solo._processes or {}).values()):
                proc.kill()
            solo.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            if self._executor is not None:
                self._executor.shutdown(wait=True, cancel_futures=True)
                self._executor = None

    def __enter__(self) -> "ExtractionPool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
