"""`progress status` (papers per state, work queues, parked papers, watermarks, last runs with counts
and durations) and the fits tables printed after runs."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timezone

from rich.console import Console
from rich.table import Table
from sqlalchemy import func, select

from analysis.regression import FLAG_MEANING, row_fit_flag
from cli.app_state import AppContext, shown_url
from db.engine import session_scope
from db.runs import last_runs
from usecases.paper_stages import papers_to_download, papers_to_extract
from models import ComputeEstimate, Extraction, Fit, IngestWatermark, Paper, PaperStatus, Result, Run
from settings.config import Config


@dataclass
class StatusSummary:
    states: dict[str, int]                       # papers per state
    queues: dict[str, int]                       # work waiting for the next run
    totals: dict[str, int]                       # rows in the result tables
    parked: list[tuple[str, int, str | None]]    # (arxiv id, attempts, reason), newest first
    failed: list[tuple[str, int, str | None]]    # will be retried
    watermarks: list[tuple[str, str]]            # (ingest_watermarks row, last day seen completely)
    runs: list[Run]


def status_summary(url: str, config: Config, *, max_papers: int = 50, max_runs: int = 10) -> StatusSummary:
    from extractors.pipeline import EXTRACTOR_VERSION

    attempts = config.pipeline.max_attempts
    with session_scope(url) as session:
        # Pipeline states are about arXiv papers; imported reference and contributed rows are counted apart.
        states = {status.value: n for status, n in
                  session.execute(select(Paper.status, func.count()).where(Paper.source == "arxiv")
                                  .group_by(Paper.status)).all()}
        imported = dict(session.execute(select(Paper.source, func.count()).where(Paper.source != "arxiv")
                                        .group_by(Paper.source)).all())
        queues = {"to download": len(papers_to_download(session, attempts)),
                  "to extract": len(papers_to_extract(session, EXTRACTOR_VERSION, attempts))}
        totals = {name: session.scalar(select(func.count()).select_from(model)) for name, model in
                  (("extractions", Extraction), ("results", Result), ("compute estimates", ComputeEstimate),
                   ("fits", Fit))}
        totals.update({f"papers from {source}": n for source, n in sorted(imported.items())})

        def listed(status: PaperStatus) -> list[tuple[str, int, str | None]]:
            return [tuple(row) for row in session.execute(
                select(Paper.arxiv_id, Paper.attempts, Paper.status_reason).where(Paper.status == status)
                .order_by(Paper.updated_at.desc(), Paper.arxiv_id).limit(max_papers)).all()]

        parked, failed = listed(PaperStatus.parked), listed(PaperStatus.failed)
        watermarks = [(m.task, f"{m.last_submitted:%Y-%m-%d}") for m in
                      session.execute(select(IngestWatermark).order_by(IngestWatermark.task)).scalars()]
    return StatusSummary(states, queues, totals, parked, failed, watermarks, last_runs(url, max_runs))


def run_duration(run: Run, now: datetime | None = None) -> str:
    """'12.3s' for a finished run; 'running 5m' (or the time since it started) for one without an end,
    which may also be a run that was killed."""
    end = run.finished_at or now or datetime.now(timezone.utc)
    started = run.started_at if run.started_at.tzinfo else run.started_at.replace(tzinfo=timezone.utc)
    end = end if end.tzinfo else end.replace(tzinfo=timezone.utc)
    seconds = (end - started).total_seconds()
    text = f"{seconds:.1f}s" if seconds < 120 else f"{seconds / 60:.0f}m" if seconds < 7200 else f"{seconds / 3600:.1f}h"
    return text if run.finished_at else f"unfinished, {text} since start"


def status_json(url: str, summary: StatusSummary) -> dict:
    """`progress status --json`: the same summary for scripts (timestamps in ISO 8601, UTC)."""
    def stamp(value: datetime | None) -> str | None:
        if value is None:
            return None
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()

    def papers(rows):
        return [{"arxiv_id": a, "attempts": n, "reason": reason} for a, n, reason in rows]

    return {"database": shown_url(url), "states": summary.states, "queues": summary.queues, "totals": summary.totals,
            "parked": papers(summary.parked), "failed": papers(summary.failed),
            "watermarks": dict(summary.watermarks),
            "runs": [{"id": r.id, "flow": r.flow, "status": r.status, "started_at": stamp(r.started_at),
                      "finished_at": stamp(r.finished_at), "counts": r.counts, "error": r.error} for r in summary.runs]}


def format_counts(counts: dict | None) -> str:
    """A run's counts as words, not a Python dict: "extracted 40", or for per-task counts (ingest)
    their sums and the number of tasks: "5 tasks: found 40, new 40"."""
    if not counts:
        return ""
    if all(isinstance(v, dict) for v in counts.values()):
        totals: dict[str, float] = {}
        for per_task in counts.values():
            for key, value in per_task.items():
                if isinstance(value, (int, float)):
                    totals[key] = totals.get(key, 0) + value
        return f"{len(counts)} task{'s' if len(counts) != 1 else ''}: " + ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in totals.items() if v)
    return ", ".join(f"{k.replace('_', ' ')} {v:g}" if isinstance(v, (int, float)) else f"{k.replace('_', ' ')} {v}"
                     for k, v in counts.items())


def print_status(obj: AppContext, console: Console, as_json: bool = False) -> None:
    url = obj.url
    summary = status_summary(url, obj.config)
    if as_json:
        import json

        print(json.dumps(status_json(url, summary), indent=1))
        return
    # The database on a line of its own: a table title would break the path mid-word at 80 columns.
    console.print(f"Database: {shown_url(url)}", soft_wrap=True, highlight=False)
    table = Table(title="Papers")
    table.add_column("state")
    table.add_column("papers", justify="right")
    for state in PaperStatus:
        table.add_row(state.value, str(summary.states.get(state.value, 0)))
    for name, n in summary.queues.items():
        table.add_row(f"[bold]queue: {name}[/bold]", str(n))
    for name, n in summary.totals.items():
        table.add_row(f"[dim]{name}[/dim]", str(n))
    console.print(table)
    for title, rows in ((f"Parked papers (no more attempts; max {obj.config.pipeline.max_attempts})", summary.parked),
                        ("Failed papers (retried by the next run)", summary.failed)):
        if rows:
            bad = Table(title=title)
            for col in ("arxiv id", "attempts", "reason"):
                bad.add_column(col)
            for arxiv_id, attempts, reason in rows:
                bad.add_row(arxiv_id, str(attempts), reason or "")
            console.print(bad)
    if summary.watermarks:
        marks = Table(title="Ingestion watermarks (last day seen completely)")
        marks.add_column("task / query")
        marks.add_column("day")
        for name, day in summary.watermarks:
            marks.add_row(name, day)
        console.print(marks)
    runs = Table(title="Last runs")
    for col in ("id", "flow", "status", "started", "duration", "counts"):
        runs.add_column(col)
    for run in summary.runs:
        runs.add_row(str(run.id), run.flow, run.status, f"{run.started_at:%Y-%m-%d %H:%M:%S}", run_duration(run),
                     format_counts(run.counts) or str(run.error or ""))
    console.print(runs)


def print_fits(obj: AppContext, console: Console) -> None:
    with session_scope(obj.url) as session:
        latest = select(Fit.task, Fit.dataset, Fit.metric, Fit.source, Fit.spec, func.max(Fit.id).label("id")) \
            .group_by(Fit.task, Fit.dataset, Fit.metric, Fit.source, Fit.spec).subquery()
        fits = session.execute(select(Fit).join(latest, Fit.id == latest.c.id).where(Fit.spec == "error")
                               .order_by(Fit.task, Fit.dataset)).scalars().all()
        rows = [dict(task=f.task, dataset=f.dataset, metric=f.metric, source=f.source, spec=f.spec, n=f.n, slope=f.slope, ci_low=f.ci_low,
                     ci_high=f.ci_high, r2=f.r2, degree=f.degree, halving_multiple=f.halving_multiple,
                     extra=dict(f.extra or {})) for f in fits]
    print_fit_rows(rows, console)
    console.print("[dim]Frontier and publication-year variants: progress fits --spec frontier | year[/dim]")


def print_by_task(console: Console, title: str, columns: list[str], rows: list[dict], cells,
                  right: tuple[str, ...] = ()) -> None:
    """One table per task, titled with the task's name: at 80 columns a task name is never cut (a title
    wraps between words and a name is one word), and the other columns wrap between words."""
    console.print(f"[bold]{title}[/bold]", highlight=False)
    for task in dict.fromkeys(str(r["task"]) for r in rows):
        table = Table(title=task, title_justify="left", min_width=min(console.width, 60))
        for column in columns:
            table.add_column(column, justify="right" if column in right else "left")
        for r in rows:
            if str(r["task"]) == task:
                bench = "all (primary)" if _missing(r.get("dataset")) else f"{r['dataset']} {r['metric']}"
                table.add_row(bench, *cells(r))
        console.print(table)


def print_fit_rows(rows: list[dict], console: Console) -> None:
    # Source and spec columns only when the rows mix them, so the usual table fits a terminal.
    varying = [c for c in ("source", "spec") if len({r.get(c) for r in rows}) > 1]
    columns = ["benchmark", *varying, "n", "slope [95% CI]", "R²", "k", "compute to halve error"]
    flagged = set()

    def cells(r: dict) -> list[str]:
        # the refit flow's rows carry their flag (None or NaN when none); stored rows get it computed
        flag = (r["flag"] if isinstance(r["flag"], str) else None) if "flag" in r else row_fit_flag(r)
        # A fit of the wrong sign or with a CI containing 0 has no meaningful degree or 2^k (regression.fit_flag).
        degree, halving = ("-", f"none: {flag}") if flag else (_num(r.get("degree"), ".1f"),
                                                              _num(r.get("halving_multiple"), ".3g", "x"))
        flagged.update([flag] if flag else [])
        return [*(str(r.get(c)) for c in varying), str(int(r["n"])),
                f"{r['slope']:.3f} [{r['ci_low']:.3f}, {r['ci_high']:.3f}]", f"{r['r2']:.2f}", degree, halving]

    print_by_task(console, "Scaling fits: log10(error) on log10(training compute)", columns,
                  sorted(rows, key=lambda r: str(r["task"])), cells, right=("n", "R²", "k"))
    for flag in sorted(flagged):
        console.print(f"[dim]none: {flag}: {FLAG_MEANING[flag]}; no degree k or 2^k[/dim]")


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _num(value, fmt: str, suffix: str = "") -> str:
    return "-" if _missing(value) else f"{value:{fmt}}{suffix}"
