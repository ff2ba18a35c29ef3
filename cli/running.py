"""Run a flow with a live progress bar fed by the database (papers per state), under the run lock.

Only one pipeline run at a time may work on a database (db/lock.py): a manual run started while the
nightly one is going prints one line naming the holder and exits with EXIT_LOCKED.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from cli.context import AppContext, fail
from db.engine import session_scope
from db.lock import RunLocked, run_lock
from models import Paper, PaperStatus

DONE_STATES = {PaperStatus.extracted, PaperStatus.parked}
EXIT_LOCKED = 75  # sysexits EX_TEMPFAIL: nothing is wrong, try again later


def paper_counts(url: str) -> dict[str, int]:
    with session_scope(url) as session:
        rows = session.execute(select(Paper.status, func.count()).where(Paper.source == "arxiv")
                               .group_by(Paper.status)).all()
    return {status.value: n for status, n in rows}


def run_with_progress(obj: AppContext, console: Console, label: str, flow_fn: Callable[..., Any],
                      **params: Any) -> Any:
    url = obj.url
    try:
        with run_lock(url), _no_tracebacks_on_console():
            return _run_with_bar(url, console, label, flow_fn, params)
    except RunLocked as exc:
        fail(f"{label}: {exc}", code=EXIT_LOCKED)


class _WithoutTraceback(logging.Formatter):
    """Formats like `inner` but leaves out exception tracebacks and stacks (the message names the
    error). The record is restored afterwards, so other handlers (Prefect's API log) keep them."""

    def __init__(self, inner: logging.Formatter | None):
        super().__init__()
        self.inner = inner or logging.Formatter()

    def format(self, record: logging.LogRecord) -> str:
        saved = record.exc_info, record.exc_text, record.stack_info
        record.exc_info = record.exc_text = record.stack_info = None
        try:
            return self.inner.format(record)
        finally:
            record.exc_info, record.exc_text, record.stack_info = saved


@contextmanager
def _no_tracebacks_on_console() -> Iterator[None]:
    """A failing flow or task makes Prefect log its traceback to the terminal; a CLI user gets the
    one-line reason instead (from Prefect's log line and from `fail`)."""
    loggers = [logging.getLogger()] + [logging.getLogger(name) for name in list(logging.root.manager.loggerDict)
                                       if name.startswith("prefect")]
    wrapped: list[tuple[logging.Handler, logging.Formatter | None]] = []
    for logger in loggers:
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and not isinstance(handler, logging.FileHandler) \
                    and not isinstance(handler.formatter, _WithoutTraceback):
                wrapped.append((handler, handler.formatter))
                handler.setFormatter(_WithoutTraceback(handler.formatter))
    try:
        yield
    finally:
        for handler, formatter in wrapped:
            handler.setFormatter(formatter)


def _run_with_bar(url: str, console: Console, label: str, flow_fn: Callable[..., Any], params: dict) -> Any:
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["result"] = flow_fn(**params)
        except BaseException as exc:  # noqa: BLE001 - reported below as one line
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=f"flow-{label}", daemon=True)
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[detail]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        bar = progress.add_task(label, total=None, detail="starting")
        worker.start()
        while worker.is_alive():
            worker.join(0.5)
            counts = paper_counts(url)
            total = sum(counts.values())
            done = sum(counts.get(s.value, 0) for s in DONE_STATES)
            detail = " · ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            progress.update(bar, total=total or None, completed=done, detail=detail)
    if "error" in outcome:
        exc = outcome["error"]
        if isinstance(exc, RunLocked):  # the flow took the lock itself (flows/nightly.py) and lost
            raise exc
        from db.engine import damaged_database_line

        damaged = damaged_database_line(exc, url)
        if damaged:
            fail(damaged, code=1)
        fail(f"{label} failed: {exc.__class__.__name__}: {exc}", code=1)
    return outcome.get("result")
