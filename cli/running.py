"""Run a flow with a live progress bar fed by the database (papers per state), under the run lock.

Only one pipeline run at a time may work on a database (db/lock.py): a manual run started while the
nightly one is going prints one line naming the holder and exits with EXIT_LOCKED.

No long silences: each stage is named as it starts. Prefect's local API is started first, as its own
stage, before any bar is drawn (its first start on a machine migrates a database and may print).
The flow's stages (ingest, download, extract, refit) are read from the `runs` rows the flows write.
On a terminal a live bar shows the stage; when the output is not a terminal (cron, CI, a pipe), one
line per stage and one every PAPERS_PER_LINE papers done, with the time since the start.
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

from cli.app_state import AppContext, fail
from db.engine import session_scope
from db.lock import RunLocked, run_lock
from models import Paper, PaperStatus, Run

DONE_STATES = {PaperStatus.extracted, PaperStatus.parked}
EXIT_LOCKED = 75  # sysexits EX_TEMPFAIL: nothing is wrong, try again later
PAPERS_PER_LINE = 10  # without a terminal: one progress line per this many papers done
POLL_SECONDS = 0.5


def paper_counts(url: str) -> dict[str, int]:
    with session_scope(url) as session:
        rows = session.execute(select(Paper.status, func.count()).where(Paper.source == "arxiv")
                               .group_by(Paper.status)).all()
    return {status.value: n for status, n in rows}


def current_stage(url: str, after_run_id: int) -> tuple[str, bool] | None:
    """(flow name, finished) of the newest run started after `after_run_id`, or None."""
    with session_scope(url) as session:
        row = session.execute(select(Run.flow, Run.finished_at).where(Run.id > after_run_id)
                              .order_by(Run.id.desc()).limit(1)).first()
    return (row[0], row[1] is not None) if row else None


def _done(counts: dict[str, int], stage: str | None) -> int:
    """Papers through the current stage: past "found" while downloading, else extracted or parked."""
    if stage == "download":
        return sum(counts.values()) - counts.get(PaperStatus.found.value, 0)
    return sum(counts.get(s.value, 0) for s in DONE_STATES)


def _last_run_id(url: str) -> int:
    with session_scope(url) as session:
        return session.scalar(select(func.max(Run.id))) or 0


def start_prefect(say: Callable[[str], None]) -> None:
    """Start Prefect's local API now, named, rather than silently inside the first flow call (a
    configured $PREFECT_API_URL needs nothing started)."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return
    say("starting Prefect's local API (its first start on a machine takes up to a minute)")
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.api_healthcheck()


def run_with_progress(obj: AppContext, console: Console, label: str, flow_fn: Callable[..., Any],
                      **params: Any) -> Any:
    url = obj.url
    say = _Narrator(console, label)
    try:
        with run_lock(url), _no_tracebacks_on_console():
            start_prefect(say.stage)
            return _run_with_bar(url, console, label, flow_fn, params, say)
    except RunLocked as exc:
        fail(f"{label}: {exc}", code=EXIT_LOCKED)


class _Narrator:
    """Stage lines: printed on a terminal before the bar; without one, also the papers done."""

    def __init__(self, console: Console, label: str):
        self.console, self.label, self.started = console, label, time.monotonic()
        self.last_stage: str | None = None
        self.last_done = 0

    def _line(self, text: str) -> None:
        elapsed = time.monotonic() - self.started
        self.console.print(f"{self.label} [{elapsed:5.0f}s] {text}", highlight=False, soft_wrap=True)

    def stage(self, text: str) -> None:
        if text != self.last_stage:
            self.last_stage, self.last_done = text, 0
            self._line(text)

    def papers(self, done: int, total: int, detail: str) -> None:
        if done >= self.last_done + PAPERS_PER_LINE or (done == total and done > self.last_done):
            self.last_done = done
            self._line(f"{done}/{total} papers done ({detail})")


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


def _run_with_bar(url: str, console: Console, label: str, flow_fn: Callable[..., Any], params: dict,
                  say: _Narrator) -> Any:
    outcome: dict[str, Any] = {}
    before = _last_run_id(url)

    def target() -> None:
        try:
            outcome["result"] = flow_fn(**params)
        except BaseException as exc:  # noqa: BLE001 - reported below as one line
            outcome["error"] = exc

    worker = threading.Thread(target=target, name=f"flow-{label}", daemon=True)
    columns = (SpinnerColumn(), TextColumn("[bold]{task.description}"), BarColumn(), MofNCompleteColumn(),
               TextColumn("{task.fields[detail]}"), TimeElapsedColumn())
    live = console.is_terminal
    with Progress(*columns, console=console, transient=False, disable=not live) as progress:
        bar = progress.add_task(f"{label}: starting", total=None, detail="")
        if not live:
            say.stage("started")
        worker.start()
        while worker.is_alive():
            worker.join(POLL_SECONDS)
            stage = current_stage(url, before)
            counts = paper_counts(url)
            total = sum(counts.values())
            done = _done(counts, stage[0] if stage else None)
            detail = " · ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            name = f"{stage[0]}{' done' if stage[1] else ''}" if stage else "starting"
            progress.update(bar, description=f"{label}: {name}", total=total or None, completed=done, detail=detail)
            if stage and not stage[1]:
                say.stage(stage[0])  # on a terminal too: the stages stay listed above the bar
            if not live:
                say.papers(done, total, detail)
    if not live and "error" not in outcome:
        say.stage("done")
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
