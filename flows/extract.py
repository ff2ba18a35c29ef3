"""Extract: read each downloaded PDF in isolation and store every candidate.

The extraction of one paper is a Prefect task that only reads a PDF and returns records; the flow
stores them (in the order the papers were submitted). So the task can run anywhere that sees the PDF
cache - threads of this process by default, or Dask workers (`extraction.task_runner: dask`), which
need no database access.

Isolation: a crash or hang inside the PDF library must cost one paper, not the run. By default the
tasks are threads that hand each PDF to `ExtractionPool` worker processes (per-paper timeout, crash
detection). On Dask, each Dask worker keeps its own one-process pool: Dask spreads papers over
workers, the pool keeps the time limit. That needs worker processes that may have children, which a
daemonic process may not; the LocalCluster we start is therefore made with non-daemonic workers, and
a real cluster's workers should be started with DASK_DISTRIBUTED__WORKER__DAEMON=False. A worker that
is daemonic anyway extracts inline: Dask's nanny still contains a crash to that worker (the paper is
retried elsewhere, then reported), but a hang is not stopped - hence the warning.
"""
from __future__ import annotations

import atexit
import logging
import multiprocessing
import threading
from dataclasses import dataclass
from typing import Iterator

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from db.engine import session_scope
from db.runs import finish_run, start_run
from usecases.paper_stages import mark_failed, papers_to_extract, store_extraction
from extractors.pipeline import EXTRACTOR_VERSION
from extractors.records import ExtractionError, PaperExtraction
from extractors.sandbox import DEFAULT_MAX_BYTES, ExtractionPool
from flows.startup import load_context
from settings.config import Config, ExtractionSettings

log = logging.getLogger(__name__)

TRANSIENT_KINDS = ("timeout", "crashed")  # worth another attempt; anything else is the PDF itself

_pools: dict[tuple, ExtractionPool] = {}
_pools_lock = threading.Lock()


@dataclass(frozen=True)
class ExtractionFailed:
    """A paper that could not be extracted. A plain record rather than ExtractionError, whose `kind`
    would not survive pickling on its way back from a Dask worker."""

    reason: str
    kind: str

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT_KINDS


def _pool_for(settings: ExtractionSettings, workers: int, max_bytes: int | None) -> ExtractionPool:
    """One pool of warm worker processes per process and settings, reused across flow runs."""
    key = (workers, settings.timeout_seconds, settings.max_pages, max_bytes, settings.max_memory_mb)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ExtractionPool(workers=workers, timeout_seconds=settings.timeout_seconds,
                                         max_pages=settings.max_pages, max_bytes=max_bytes,
                                         max_memory_mb=settings.max_memory_mb)
            atexit.register(_pools[key].close)
        return _pools[key]


def close_pools() -> None:
    with _pools_lock:
        pools = list(_pools.values())
        _pools.clear()
    for pool in pools:
        pool.close()


def _close_pools_plugin():
    """A Dask worker plugin closing the worker's extraction pools when the worker shuts down: Dask
    worker processes end without running atexit handlers, which would orphan the pool's processes."""
    from distributed import WorkerPlugin

    class CloseExtractionPools(WorkerPlugin):
        name = "computer-progress-close-extraction-pools"

        def teardown(self, worker) -> None:
            close_pools()

    return CloseExtractionPools()


def _in_dask_worker() -> bool:
    try:
        from distributed import get_worker

        get_worker()
    except (ImportError, ValueError):
        return False
    return True


def extract_isolated(settings: ExtractionSettings, pdf_path: str, arxiv_id: str,
                     max_bytes: int | None = DEFAULT_MAX_BYTES) -> PaperExtraction | ExtractionFailed:
    """Extract one PDF in a worker process of this process's pool (one per Dask worker: Dask already
    runs one paper per worker thread), or inline where this process may not have children."""
    if multiprocessing.current_process().daemon:
        log.warning("daemonic worker process: extracting %s inline, without a time limit", arxiv_id)
        outcome = _extract_inline(pdf_path, settings.max_pages)
    else:
        workers = 1 if _in_dask_worker() else settings.workers
        outcome = _pool_for(settings, workers, max_bytes).extract(pdf_path, arxiv_id=arxiv_id)
    if isinstance(outcome, ExtractionError):
        return ExtractionFailed(outcome.reason, outcome.kind)
    outcome.arxiv_id = arxiv_id
    return outcome


def _extract_inline(pdf_path: str, max_pages: int) -> PaperExtraction | ExtractionError:
    from extractors.pipeline import extract_pdf

    try:
        return extract_pdf(pdf_path, max_pages=max_pages)
    except ExtractionError as exc:
        return exc
    except Exception as exc:  # noqa: BLE001 - any parser failure becomes the paper's reason
        return ExtractionError(f"extraction failed: {exc.__class__.__name__}: {exc}", kind="unreadable")


@task(name="extract-paper", cache_policy=NO_CACHE, task_run_name="extract {arxiv_id}")
def extract_task(settings: ExtractionSettings, arxiv_id: str, pdf_path: str,
                 max_bytes: int | None = DEFAULT_MAX_BYTES) -> PaperExtraction | ExtractionFailed:
    return extract_isolated(settings, pdf_path, arxiv_id, max_bytes)


def task_runner_for(settings: ExtractionSettings):
    """Threads (default) or Dask: a scheduler at `dask_address`, else a LocalCluster of `workers`
    single-threaded, non-daemonic worker processes (so each can keep its extraction pool)."""
    if settings.task_runner != "dask":
        # Threads only wait on the worker processes, which do the parsing on every core.
        return ThreadPoolTaskRunner(max_workers=max(1, settings.workers))
    from settings.extras import require

    DaskTaskRunner = require("prefect_dask").DaskTaskRunner  # the 'dask' extra; MissingExtra names it
    import dask

    if settings.dask_address:
        return DaskTaskRunner(address=settings.dask_address)
    # Read by the nanny each time it (re)starts a worker process, so it is set for this process.
    dask.config.set({"distributed.worker.daemon": False})
    return DaskTaskRunner(cluster_kwargs={"n_workers": settings.workers, "threads_per_worker": 1,
                                          "processes": True, "dashboard_address": None})


def store_outcome(config: Config, url: str, paper_id: int, outcome) -> str:
    """Write one paper's outcome; returns 'extracted', 'failed' or 'parked'."""
    if not isinstance(outcome, (PaperExtraction, ExtractionFailed)):
        # The task itself failed (e.g. its Dask worker kept dying): count it as a crash.
        outcome = ExtractionFailed(f"extraction task failed: {outcome}", "crashed")
    with session_scope(url) as session:
        if isinstance(outcome, ExtractionFailed):
            status = mark_failed(session, paper_id, outcome.reason, max_attempts=config.pipeline.max_attempts,
                                 permanent=not outcome.transient)
            return status.value
        store_extraction(session, paper_id, outcome, config)
    return "extracted"


def batches(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _result_or_error(future):
    try:
        return future.result(raise_on_failure=False)
    except BaseException as exc:  # noqa: BLE001 - a lost worker surfaces here; the paper records it
        return exc


@flow(name="extract", log_prints=True)
def extract_flow(config_path: str | None = None, database_url: str | None = None,
                 limit: int | None = None) -> dict:
    config, url = load_context(config_path, database_url)
    settings = config.extraction
    with session_scope(url) as session:
        todo = [(p.id, p.arxiv_id, p.pdf_path) for p in
                papers_to_extract(session, EXTRACTOR_VERSION, config.pipeline.max_attempts)][:limit]
    run_id = start_run(url, "extract", {"papers": len(todo), "extractor_version": EXTRACTOR_VERSION,
                                        "task_runner": settings.task_runner})
    counts: dict[str, int] = {}
    logger = get_run_logger()
    try:
        with task_runner_for(settings) as runner:
            if settings.task_runner == "dask":
                runner.client.register_plugin(_close_pools_plugin())
            # Batches bound the results held in memory; each paper is stored as soon as its turn comes.
            for batch in batches(todo, max(32, 4 * settings.workers)):
                futures = [runner.submit(extract_task, {"settings": settings, "arxiv_id": aid, "pdf_path": path,
                                                            "max_bytes": config.download.max_bytes})
                           for _, aid, path in batch]
                for (paper_id, arxiv_id, _), future in zip(batch, futures):
                    outcome = _result_or_error(future)
                    status = store_outcome(config, url, paper_id, outcome)
                    if status != "extracted":
                        logger.warning("%s: %s", arxiv_id, getattr(outcome, "reason", outcome))
                    counts[status] = counts.get(status, 0) + 1
    except Exception as exc:
        finish_run(url, run_id, counts=counts, error=f"{exc.__class__.__name__}: {exc}")
        raise
    finish_run(url, run_id, counts=counts)
    logger.info("extract: %s", counts)
    return counts

