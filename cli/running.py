"""Run a flow with a live progress bar fed by the database (papers per state), under the run lock.

Only one pipeline run at a time may work on a database (db/lock.py): a manual run started while the
nightly one is going prints one line naming the holder and exits with EXIT_LOCKED.
"""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

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
        with run_lock(url):
            return _run_with_bar(url, console, label, flow_fn, params)
    except RunLocked as exc:
        fail(f"{label}: {exc}", code=EXIT_LOCKED)


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
        fail(f"{label} failed: {exc.__class__.__name__}: {exc}", code=1)
    return outcome.get("result")
