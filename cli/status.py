"""`progress status` and the fits tables printed after runs."""
from __future__ import annotations

import math

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from cli.context import AppContext
from db.engine import session_scope
from db.runs import last_runs
from models import ComputeEstimate, Extraction, Fit, Paper, PaperStatus, Result


def print_status(obj: AppContext, console: Console) -> None:
    url = obj.url
    with session_scope(url) as session:
        states = dict(session.execute(select(Paper.status, func.count()).group_by(Paper.status)).all())
        totals = {name: session.scalar(select(func.count()).select_from(model)) for name, model in
                  (("extractions", Extraction), ("results", Result), ("compute estimates", ComputeEstimate),
                   ("fits", Fit))}
        parked = session.execute(select(Paper.arxiv_id, Paper.attempts, Paper.status_reason)
                                 .where(Paper.status.in_([PaperStatus.parked, PaperStatus.failed]))
                                 .order_by(Paper.arxiv_id).limit(50)).all()
    table = Table(title=f"Papers ({url})")
    table.add_column("state")
    table.add_column("papers", justify="right")
    for state in PaperStatus:
        table.add_row(state.value, str(states.get(state, 0)))
    for name, n in totals.items():
        table.add_row(f"[dim]{name}[/dim]", str(n))
    console.print(table)
    if parked:
        bad = Table(title="Failed and parked papers")
        for col in ("arxiv id", "attempts", "reason"):
            bad.add_column(col)
        for arxiv_id, attempts, reason in parked:
            bad.add_row(arxiv_id, str(attempts), reason or "")
        console.print(bad)
    runs = Table(title="Last runs")
    for col in ("id", "flow", "status", "started", "duration", "counts"):
        runs.add_column(col)
    for run in last_runs(url, 10):
        duration = f"{(run.finished_at - run.started_at).total_seconds():.1f}s" if run.finished_at else "-"
        runs.add_row(str(run.id), run.flow, run.status, f"{run.started_at:%Y-%m-%d %H:%M:%S}", duration,
                     str(run.counts or run.error or ""))
    console.print(runs)


def print_fits(obj: AppContext, console: Console) -> None:
    with session_scope(obj.url) as session:
        latest = select(Fit.task, Fit.dataset, Fit.metric, Fit.source, Fit.spec, func.max(Fit.id).label("id")) \
            .group_by(Fit.task, Fit.dataset, Fit.metric, Fit.source, Fit.spec).subquery()
        fits = session.execute(select(Fit).join(latest, Fit.id == latest.c.id).order_by(Fit.task, Fit.dataset)).scalars().all()
        rows = [dict(task=f.task, dataset=f.dataset, metric=f.metric, n=f.n, slope=f.slope, ci_low=f.ci_low,
                     ci_high=f.ci_high, r2=f.r2, degree=f.degree, halving_multiple=f.halving_multiple) for f in fits]
    print_fit_rows(rows, console)


def print_fit_rows(rows: list[dict], console: Console) -> None:
    table = Table(title="Scaling fits: log10(error) on log10(training compute)")
    for col in ("task", "benchmark", "n", "slope [95% CI]", "R²", "degree k", "compute to halve error"):
        table.add_column(col, justify="right" if col in ("n", "R²", "degree k") else "left")
    for r in rows:
        bench = "all (primary)" if _missing(r.get("dataset")) else f"{r['dataset']} {r['metric']}"
        table.add_row(r["task"], bench, str(int(r["n"])), f"{r['slope']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]",
                      f"{r['r2']:.2f}", _num(r.get("degree"), ".1f"), _num(r.get("halving_multiple"), ".3g", "x"))
    console.print(table)


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _num(value, fmt: str, suffix: str = "") -> str:
    return "-" if _missing(value) else f"{value:{fmt}}{suffix}"
