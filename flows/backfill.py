"""Backfill: fill the database over a date range, window by window, resumable at any point.

The range is cut into calendar windows (`window_months`, monthly by default) so each arXiv query
stays small and is paged through completely. After each task's window is recorded, the task's
backfill watermark (`<task>@backfill:<first day>` in `ingest_watermarks`) moves to the last day seen
completely, so a run that dies is continued by the next one from there; the download and extract
stages then take every paper not yet done (papers carry their own state), whichever run found it.
Killed at any step and started again, a backfill ends with the same rows as an uninterrupted one.
"""
from __future__ import annotations

from datetime import date, timedelta

from prefect import flow, get_run_logger

from db.lock import run_lock
from db.runs import finish_run, get_watermark, set_watermark, start_run
from flows.startup import load_context
from flows.ingest import Query, add_counts, check_tasks, fully_seen_until, record_task, run_queries, today, \
    watermark_key
from settings.config import Config


def date_windows(start: date, end: date, months: int = 1) -> list[tuple[date, date]]:
    """[start, end] cut at calendar month boundaries into windows of `months` months (both ends inclusive)."""
    if months < 1:
        raise ValueError("window_months must be at least 1")
    if end < start:
        raise ValueError(f"the range ends ({end}) before it starts ({start})")
    windows, lo = [], start
    while lo <= end:
        month_index = lo.year * 12 + lo.month - 1 + months
        next_start = date(month_index // 12, month_index % 12 + 1, 1)
        hi = min(end, next_start - timedelta(days=1))
        windows.append((lo, hi))
        lo = hi + timedelta(days=1)
    return windows


def backfill_ingest(config: Config, url: str, names: list[str], start: date, end: date,
                    max_papers: int | None, window_months: int) -> dict[str, dict]:
    """Query every window not yet seen, all tasks of a window at once; returns counts per task."""
    logger = get_run_logger()
    seen = {name: get_watermark(url, watermark_key(name, "backfill", start)) for name in names}
    budget = {name: max_papers for name in names}  # papers this run may still take, per task
    totals: dict[str, dict] = {name: {} for name in names}
    for lo, hi in date_windows(start, end, window_months):
        queries = []
        for name in names:
            done_until = seen[name]
            if (done_until is not None and done_until >= hi) or budget[name] == 0:
                continue
            first = max(lo, done_until + timedelta(days=1)) if done_until else lo
            queries.append(Query(name, first, hi, budget[name]))
        if not queries:
            continue
        for query, metas in zip(queries, run_queries(config, queries)):
            name = query.task_name
            counts = record_task(url, metas, name)
            seen[name] = fully_seen_until(metas, query.hi, query.cap)
            set_watermark(url, watermark_key(name, "backfill", start), seen[name])
            if budget[name] is not None:
                budget[name] = max(0, budget[name] - len(metas))
            add_counts(totals[name], {"found": len(metas), **counts})
        logger.info("window %s..%s: %s", lo, hi, {q.task_name: totals[q.task_name].get("found", 0) for q in queries})
    hand_over_to_nightly(config, url, names, start, seen)
    return totals


def hand_over_to_nightly(config: Config, url: str, names: list[str], start: date,
                         seen: dict[str, date | None]) -> None:
    """A backfill that covered a task from where its nightly query would begin lets the nightly
    continue after it instead of walking the same years again."""
    for name in names:
        nightly_from = get_watermark(url, watermark_key(name)) or config.window.start
        if seen[name] is not None and start <= nightly_from <= seen[name]:
            set_watermark(url, watermark_key(name), seen[name])
            if get_watermark(url, watermark_key(name, "updated")) is None:
                # The backfill stored the versions current today; newer ones are updates from today on.
                set_watermark(url, watermark_key(name, "updated"), today())


@flow(name="backfill", log_prints=True)
def backfill_flow(config_path: str | None = None, database_url: str | None = None,
                  start: date | None = None, end: date | None = None, tasks: list[str] | None = None,
                  max_papers: int | None = None, window_months: int = 1, download: bool = True,
                  extract: bool = True, refit: bool = False) -> dict:
    """Ingest [start, end] (default: the configured window) for `tasks` (default: all), at most
    `max_papers` papers per task in this run (None: all; a later run continues where it stopped),
    then download and extract whatever is pending, and refit if asked."""
    config, url = load_context(config_path, database_url)
    names = check_tasks(config, tasks)
    lo = start or config.window.start
    hi = end or config.window.end or today()
    summary: dict = {}
    with run_lock(url):
        run_id = start_run(url, "backfill", {"tasks": names, "start": lo, "end": hi, "max_papers": max_papers,
                                             "window_months": window_months})
        try:
            summary["ingest"] = backfill_ingest(config, url, names, lo, hi, max_papers, window_months)
        except Exception as exc:
            finish_run(url, run_id, counts={}, error=f"{exc.__class__.__name__}: {exc}")
            raise
        finish_run(url, run_id, counts=summary["ingest"])
        if download:
            from flows.download import download_flow

            summary["download"] = download_flow(config_path, database_url)
        if extract:
            from flows.extract import extract_flow

            summary["extract"] = extract_flow(config_path, database_url)
        if refit:
            from flows.refit import refit_flow

            summary["fits"] = len(refit_flow(config_path, database_url))
    return summary
