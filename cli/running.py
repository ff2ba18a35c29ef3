"""Run a flow with a live progress bar fed by the database (papers per state)."""
from __future__ import annotations

import threading
import time
from typing import Any, Callable

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from sqlalchemy import func, select

from cli.context import AppContext, fail
from db.engine import session_scope
from models import Paper, PaperStatus

DONE_STATES = {PaperStatus.extracted, PaperStatus.parked}


def paper_counts(url: str) -> dict[str, int]:
    with session_scope(url) as session:
        rows = session.execute(select(Paper.status, func.count()).where(Paper.source == "arxiv")
                               .group_by(Paper.status)).all()
    return {status.value: n for status, n in rows}


def run_with_progress(obj: AppContext, console: Console, label: str, flow_fn: Callable[..., Any],
                      **params: Any) -> Any:
    url = obj.url
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
        fail(f"{label} failed: {exc.__class__.__name__}: {exc}", code=1)
    return outcome.get("result")
