"""Run extraction in worker processes, so a crash or hang inside the PDF library costs one paper.

A pool of `workers` processes (forkserver: no threads or locks inherited from the caller) takes one
paper each. A new pool is warmed up (spaCy and the extractors imported) before it takes papers, so
the per-paper time limit measures the paper, not the start-up. A paper that runs past its limit gets
its worker killed and the pool rebuilt. A worker that dies (segfault in C code) breaks the pool for
every paper in flight, so each of those runs again alone in a fresh process, where a second death is
reported as that paper's crash. A file over `max_bytes` is refused before any worker reads it. Every outcome is a
PaperExtraction or an ExtractionError with a human-readable reason — never an exception out of
`extract`.

Test hook: $PROGRESS_TEST_WORKER_FAULT (read when a pool starts, e.g. "hang=SLOW,crash=BOOM") makes a
worker hang forever, or kill itself with SIGSEGV, on a file whose name contains that marker. It is
how the tests get a real hung and a real crashed process; unset, it costs one dict lookup per paper.
"""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from extractors.records import ExtractionError, PaperExtraction

FAULT_HOOK_ENV = "PROGRESS_TEST_WORKER_FAULT"
STARTUP_SECONDS = 180.0  # a cold worker imports spaCy and the extractors; slow machines need a while
DEFAULT_MAX_BYTES = 60_000_000  # settings.config.DownloadSettings.max_bytes

_worker_faults: dict[str, str] = {}  # in a worker: fault kind -> file-name marker (test hook)


def parse_fault_hook(text: str | None) -> dict[str, str]:
    """'hang=SLOW,crash=BOOM' -> {'hang': 'SLOW', 'crash': 'BOOM'}; unknown kinds are ignored."""
    out: dict[str, str] = {}
    for part in (text or "").split(","):
        kind, _, marker = part.partition("=")
        if kind.strip() in ("hang", "crash") and marker.strip():
            out[kind.strip()] = marker.strip()
    return out


def _injected_fault(path: str) -> None:
    name = Path(path).name
    if _worker_faults.get("crash") and _worker_faults["crash"] in name:
        os.kill(os.getpid(), signal.SIGSEGV)  # what a segfault in MuPDF looks like to the pool
    if _worker_faults.get("hang") and _worker_faults["hang"] in name:
        Path(path + ".worker-pid").write_text(str(os.getpid()))  # so a test can check it was killed
        while True:  # an endless parse: only a kill from outside ends it
            time.sleep(60)


def _extract_in_worker(path: str, max_pages: int, arxiv_id: str | None) -> PaperExtraction | ExtractionError:
    from extractors.pipeline import extract_pdf

    _injected_fault(path)
    try:
        result = extract_pdf(path, max_pages=max_pages)
    except ExtractionError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes the paper's reason
        return ExtractionError(f"extraction failed: {exc.__class__.__name__}: {exc}", kind="unreadable")
    if arxiv_id:
        result.arxiv_id = arxiv_id
    return result


def _warm_up(fault_hook: str | None) -> None:
    """Import the heavy modules once per worker, not once per paper."""
    import extractors.pipeline  # noqa: F401
    from extractors.nlp import get_nlp

    import pymupdf

    # MuPDF prints its complaints about damaged files on stderr; the reason we return says it once.
    pymupdf.TOOLS.mupdf_display_errors(False)
    pymupdf.TOOLS.mupdf_display_warnings(False)
    _worker_faults.update(parse_fault_hook(fault_hook))
    get_nlp()


def _ready() -> int:
    return os.getpid()


class ExtractionPool:
    def __init__(self, workers: int = 2, timeout_seconds: float = 120.0, max_pages: int = 200,
                 max_bytes: int | None = DEFAULT_MAX_BYTES):
        if workers < 1:
            raise ValueError(f"workers must be at least 1, got {workers}")
        if timeout_seconds <= 0:
            raise ValueError(f"timeout must be positive, got {timeout_seconds:g}")
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
                    initializer=_warm_up, initargs=(os.environ.get(FAULT_HOOK_ENV),))
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
            future = pool.submit(_extract_in_worker, str(path), self.max_pages, arxiv_id)
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
                                   initializer=_warm_up, initargs=(os.environ.get(FAULT_HOOK_ENV),))
        try:
            solo.submit(_ready).result(timeout=STARTUP_SECONDS)
            future = solo.submit(_extract_in_worker, str(path), self.max_pages, arxiv_id)
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
