"""Ingest: query arXiv per task, incrementally from each task's watermarks, and record found papers.

Each task has two watermarks (rows of `ingest_watermarks`, see `watermark_key`):
- `<task>`: the last submittedDate its new-paper query has seen completely;
- `<task>@updated`: the last lastUpdatedDate its update query has seen completely. That second query
  finds new arXiv versions of papers submitted before the first watermark, which a submittedDate
  window never returns again; `record_found` then sends them back through download and extraction.
The tasks' queries run as concurrent Prefect tasks; the API spacing is shared (sources/rate_limit).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from db.engine import session_scope
from db.runs import finish_run, get_watermark, set_watermark, start_run
from usecases.paper_stages import record_found
from flows.startup import load_context
from settings.config import Config
from sources.arxiv_client import PaperMeta, get_client, search_task

SUBMITTED, UPDATED = "submittedDate", "lastUpdatedDate"


def watermark_key(task_name: str, kind: str = "new", backfill_start: date | None = None) -> str:
    """Row name in `ingest_watermarks`: "new" (nightly submissions), "updated" (nightly new versions)
    or "backfill" (a backfill's progress, per first day of its range so ranges do not mix)."""
    if kind == "new":
        return task_name
    if kind == "updated":
        return f"{task_name}@updated"
    if kind == "backfill" and backfill_start is not None:
        return f"{task_name}@backfill:{backfill_start:%Y%m%d}"
    raise ValueError(f"bad watermark kind {kind!r}")


def today() -> date:
    return datetime.now(timezone.utc).date()


def ingest_window(config: Config, task_name: str, start: date | None, end: date | None,
                  watermark: date | None) -> tuple[date, date]:
    """The submittedDate window to query: explicit bounds win; else from the watermark (inclusive,
    so a day that was cut short is queried again) or the configured start, up to today."""
    lo = start or watermark or config.window.start
    hi = end or config.window.end or today()
    return lo, hi


@dataclass(frozen=True)
class Query:
    """One task's query over one date window."""

    task_name: str
    lo: date
    hi: date
    cap: int | None
    date_field: str = SUBMITTED


# No Prefect retries: the API session owns them (sources/arxiv_client.PoliteSession), so a failing
# endpoint costs 1 + arxiv.num_retries requests, not that times the task's tries.
@task(name="query-arxiv", retries=0, cache_policy=NO_CACHE,
      task_run_name="{query.task_name} {query.date_field} {query.lo}..{query.hi}")
def query_task(config: Config, query: Query) -> list[PaperMeta]:
    client = get_client(config.arxiv)
    return list(search_task(client, config.tasks[query.task_name], query.lo, query.hi, query.cap,
                            query.date_field))


def run_queries(config: Config, queries: list[Query]) -> list[list[PaperMeta]]:
    """Every query as a concurrent task; results in the queries' order (so rows are written in a
    deterministic order). Each HTTP request still waits its turn at the shared rate limit."""
    futures = [query_task.submit(config, q) for q in queries]
    return [f.result() for f in futures]


class IngestFailed(RuntimeError):
    """Some queries failed after their retries; the message names each query and its cause."""


def run_queries_settled(config: Config, queries: list[Query]) -> list[list[PaperMeta] | Exception]:
    """Like `run_queries`, but a failed query gives its exception in its place instead of raising, so
    the queries that succeeded are still recorded."""
    futures = [query_task.submit(config, q) for q in queries]
    outcomes: list[list[PaperMeta] | Exception] = []
    for future in futures:
        try:
            outcomes.append(future.result())
        except Exception as exc:  # noqa: BLE001 - reported by the flow, one line per query
            outcomes.append(exc)
    return outcomes


@task(name="record-found", cache_policy=NO_CACHE)
def record_task(url: str, metas: list[PaperMeta], task_name: str) -> dict:
    with session_scope(url) as session:
        return vars(record_found(session, metas, task_name))


def fully_seen_until(metas: list[PaperMeta], hi: date, max_results: int | None,
                     date_field: str = SUBMITTED) -> date:
    """Last day the query has seen completely. A capped result list may have cut its last day short."""
    if not max_results or len(metas) < max_results or not metas:
        return hi
    attr = "published" if date_field == SUBMITTED else "updated"
    days = [getattr(m, attr) for m in metas if getattr(m, attr)]
    if not days:
        return hi
    return max(days).date() - timedelta(days=1)


def add_counts(total: dict, counts: dict) -> dict:
    for key, value in counts.items():
        total[key] = total.get(key, 0) + value
    return total


def check_tasks(config: Config, tasks: list[str] | None) -> list[str]:
    names = tasks or list(config.tasks)
    unknown = [n for n in names if n not in config.tasks]
    if unknown:
        raise ValueError(f"unknown task(s): {', '.join(unknown)}; configured: {', '.join(config.tasks)}")
    return names


def incremental_queries(config: Config, url: str, names: list[str], end: date | None,
                        cap: int) -> list[Query]:
    """Per task: new submissions since its watermark, and (once it has one) updates since its update
    watermark. On a task's first run there is nothing to update: the query returns latest versions."""
    queries = []
    for name in names:
        lo, hi = ingest_window(config, name, None, end, get_watermark(url, watermark_key(name)))
        queries.append(Query(name, lo, hi, cap, SUBMITTED))
        updated_mark = get_watermark(url, watermark_key(name, "updated"))
        if updated_mark is not None:
            queries.append(Query(name, updated_mark, hi, cap, UPDATED))
    return queries


@flow(name="ingest", log_prints=True)
def ingest_flow(config_path: str | None = None, database_url: str | None = None,
                tasks: list[str] | None = None, start: date | None = None, end: date | None = None,
                max_results: int | None = None) -> dict:
    """Find new papers for each task. Without explicit dates, continues from each task's watermarks;
    with them, queries that window once and leaves the watermarks alone."""
    config, url = load_context(config_path, database_url)
    logger = get_run_logger()
    names = check_tasks(config, tasks)
    cap = max_results or config.arxiv.max_results_per_task
    incremental = start is None
    run_id = start_run(url, "ingest", {"tasks": names, "start": start, "end": end, "max_results": cap})
    totals: dict[str, dict] = {}
    failed: list[str] = []
    try:
        if incremental:
            queries = incremental_queries(config, url, names, end, cap)
        else:
            queries = [Query(name, *ingest_window(config, name, start, end, None), cap) for name in names]
        for query, metas in zip(queries, run_queries_settled(config, queries)):
            if isinstance(metas, Exception):
                # A failed query records nothing and never moves a watermark: the next run asks again.
                failed.append(f"{query.task_name} ({query.date_field} {query.lo}..{query.hi}): {metas}")
                logger.error("%s: query failed: %s", query.task_name, metas)
                continue
            counts = record_task(url, metas, query.task_name)
            if incremental:
                kind = "new" if query.date_field == SUBMITTED else "updated"
                set_watermark(url, watermark_key(query.task_name, kind),
                              fully_seen_until(metas, query.hi, cap, query.date_field))
                if kind == "new" and get_watermark(url, watermark_key(query.task_name, "updated")) is None:
                    # From now on, a new version of anything found so far shows up as an update.
                    set_watermark(url, watermark_key(query.task_name, "updated"), query.hi)
            add_counts(totals.setdefault(query.task_name, {}), {"found": len(metas), **counts})
            logger.info("%s: %d papers by %s in %s..%s (%s)", query.task_name, len(metas), query.date_field,
                        query.lo, query.hi, counts)
        if failed:
            raise IngestFailed(f"{len(failed)} of {len(queries)} arXiv queries failed: " + "; ".join(failed))
    except Exception as exc:
        finish_run(url, run_id, counts=totals, error=f"{exc.__class__.__name__}: {exc}")
        raise
    finish_run(url, run_id, counts=totals)
    return totals
