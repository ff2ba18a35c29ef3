"""Run bookkeeping and per-task ingestion watermarks."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlalchemy import select

from db.engine import session_scope
from models import IngestWatermark, Run
from models.base import utcnow


def start_run(url: str, flow: str, params: dict) -> int:
    with session_scope(url) as session:
        run = Run(flow=flow, params={k: _jsonable(v) for k, v in params.items()})
        session.add(run)
        session.flush()
        return run.id


def finish_run(url: str, run_id: int, *, counts: dict, error: str | None = None) -> None:
    with session_scope(url) as session:
        run = session.get(Run, run_id)
        run.status = "failed" if error else "completed"
        run.finished_at = utcnow()
        run.counts = counts
        run.error = error


def get_watermark(url: str, task: str) -> date | None:
    with session_scope(url) as session:
        mark = session.get(IngestWatermark, task)
        return mark.last_submitted.date() if mark else None


def set_watermark(url: str, task: str, day: date) -> None:
    """Advance (never move back) the last submitted day a task's query has seen completely."""
    stamp = datetime.combine(day, time(), tzinfo=timezone.utc)
    with session_scope(url) as session:
        mark = session.get(IngestWatermark, task)
        if mark is None:
            session.add(IngestWatermark(task=task, last_submitted=stamp))
        elif mark.last_submitted.date() < day:
            mark.last_submitted = stamp


def last_runs(url: str, limit: int = 10) -> list[Run]:
    with session_scope(url) as session:
        return list(session.execute(select(Run).order_by(Run.id.desc()).limit(limit)).scalars())


def _jsonable(value):
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple, set)):
        return [_jsonable(v) for v in value]
    return value
