"""Ingest: query arXiv per task, incrementally from each task's watermark, and record found papers."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from db.engine import session_scope
from db.runs import finish_run, get_watermark, set_watermark, start_run
from db.store import record_found
from flows.context import load_context
from settings.config import Config
from sources.arxiv_client import PaperMeta, get_client, search_task


def ingest_window(config: Config, task_name: str, start: date | None, end: date | None,
                  watermark: date | None) -> tuple[date, date]:
    """The submittedDate window to query: explicit bounds win; else from the watermark (inclusive,
    so a day that was cut short is queried again) or the configured start, up to today."""
    lo = start or watermark or config.window.start
    hi = end or config.window.end or datetime.now(timezone.utc).date()
    return lo, hi


@task(name="query-arxiv", retries=2, retry_delay_seconds=[10, 60], cache_policy=NO_CACHE)
def query_task(config: Config, task_name: str, lo: date, hi: date, max_results: int) -> list[PaperMeta]:
    client = get_client(config.arxiv)
    return list(search_task(client, config.tasks[task_name], lo, hi, max_results))


@task(name="record-found", cache_policy=NO_CACHE)
def record_task(url: str, metas: list[PaperMeta], task_name: str) -> dict:
    with session_scope(url) as session:
        return vars(record_found(session, metas, task_name))


def fully_seen_until(metas: list[PaperMeta], hi: date, max_results: int) -> date:
    """Last day the query has seen completely. A capped result list may have cut its last day short."""
    if len(metas) < max_results or not metas:
        return hi
    last = max(m.published for m in metas if m.published).date()
    return last - timedelta(days=1)


@flow(name="ingest", log_prints=True)
def ingest_flow(config_path: str | None = None, database_url: str | None = None,
                tasks: list[str] | None = None, start: date | None = None, end: date | None = None,
                max_results: int | None = None) -> dict:
    """Find new papers for each task. Without explicit dates, continues from each task's watermark."""
    config, url = load_context(config_path, database_url)
    logger = get_run_logger()
    names = tasks or list(config.tasks)
    unknown = [n for n in names if n not in config.tasks]
    if unknown:
        raise ValueError(f"unknown task(s): {', '.join(unknown)}; configured: {', '.join(config.tasks)}")
    cap = max_results or config.arxiv.max_results_per_task
    run_id = start_run(url, "ingest", {"tasks": names, "start": start, "end": end, "max_results": cap})
    totals: dict[str, dict] = {}
    try:
        for name in names:
            watermark = None if start else get_watermark(url, name)
            lo, hi = ingest_window(config, name, start, end, watermark)
            metas = query_task(config, name, lo, hi, cap)
            counts = record_task(url, metas, name)
            if start is None:  # only incremental runs move the watermark
                set_watermark(url, name, fully_seen_until(metas, hi, cap))
            totals[name] = {"found": len(metas), **counts}
            logger.info("%s: %d papers in %s..%s (%s)", name, len(metas), lo, hi, counts)
    except Exception as exc:
        finish_run(url, run_id, counts=totals, error=f"{exc.__class__.__name__}: {exc}")
        raise
    finish_run(url, run_id, counts=totals)
    return totals
