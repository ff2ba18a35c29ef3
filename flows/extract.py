"""Extract: read each downloaded PDF in an isolated worker process and store every candidate."""
from __future__ import annotations

import atexit
import threading

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from db.engine import session_scope
from db.runs import finish_run, start_run
from db.store import mark_failed, papers_to_extract, store_extraction
from extractors.pipeline import EXTRACTOR_VERSION
from extractors.records import ExtractionError
from extractors.sandbox import ExtractionPool
from flows.context import load_context
from settings.config import Config, ExtractionSettings

_pools: dict[tuple, ExtractionPool] = {}
_pools_lock = threading.Lock()


def _pool_for(settings: ExtractionSettings) -> ExtractionPool:
    """One pool of warm worker processes per process and settings, reused across flow runs."""
    key = (settings.workers, settings.timeout_seconds, settings.max_pages)
    with _pools_lock:
        if key not in _pools:
            _pools[key] = ExtractionPool(*key)
            atexit.register(_pools[key].close)
        return _pools[key]


@task(name="extract-paper", cache_policy=NO_CACHE)
def extract_task(config: Config, url: str, paper_id: int, arxiv_id: str, pdf_path: str) -> str:
    """Returns 'extracted', 'failed' or 'parked'; the reason is stored on the paper."""
    outcome = _pool_for(config.extraction).extract(pdf_path, arxiv_id=arxiv_id)
    with session_scope(url) as session:
        if isinstance(outcome, ExtractionError):
            permanent = outcome.kind not in ("timeout", "crashed")
            status = mark_failed(session, paper_id, outcome.reason,
                                 max_attempts=config.pipeline.max_attempts, permanent=permanent)
            get_run_logger().warning("%s: %s", arxiv_id, outcome.reason)
            return status.value
        store_extraction(session, paper_id, outcome, config)
    return "extracted"


@flow(name="extract", log_prints=True)
def extract_flow(config_path: str | None = None, database_url: str | None = None,
                 limit: int | None = None) -> dict:
    config, url = load_context(config_path, database_url)
    with session_scope(url) as session:
        todo = [(p.id, p.arxiv_id, p.pdf_path) for p in
                papers_to_extract(session, EXTRACTOR_VERSION, config.pipeline.max_attempts)][:limit]
    run_id = start_run(url, "extract", {"papers": len(todo), "extractor_version": EXTRACTOR_VERSION})
    counts: dict[str, int] = {}
    # Threads only wait on the worker processes, which do the parsing on every core.
    with ThreadPoolTaskRunner(max_workers=max(1, config.extraction.workers)) as runner:
        futures = [runner.submit(extract_task, {"config": config, "url": url, "paper_id": pid,
                                                "arxiv_id": aid, "pdf_path": path})
                   for pid, aid, path in todo]
        for future in futures:
            status = future.result(raise_on_failure=False)
            status = status if isinstance(status, str) else "failed"
            counts[status] = counts.get(status, 0) + 1
    finish_run(url, run_id, counts=counts)
    get_run_logger().info("extract: %s", counts)
    return counts
