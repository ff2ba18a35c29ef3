"""`progress points`: each paper's headline results with the compute of the run behind them, and why.

The points are rebuilt by every `progress refit` (usecases/points.py); this command only reads them.
"""
from __future__ import annotations

import json
from typing import Optional

import typer
from sqlalchemy import select

from cli.app_state import AppContext
from db.engine import session_scope

def register(app: typer.Typer) -> None:
    app.command("points")(points_command)


def points_command(ctx: typer.Context,
                   paper: Optional[str] = typer.Option(None, "--paper", help="Only this arXiv id"),
                   task: Optional[str] = typer.Option(None, "--task", help="Only this task"),
                   as_json: bool = typer.Option(False, "--json", help="Every point with its stages and evidence")) -> None:
    """Points (headline result x its own run's compute): stages summed, how each link was made."""
    from models import Paper, Point

    obj: AppContext = ctx.obj
    stmt = select(Paper.arxiv_id, Point).join(Point, Point.paper_id == Paper.id)
    if paper:
        stmt = stmt.where(Paper.arxiv_id == paper)
    if task:
        stmt = stmt.where(Point.task == task)
    with session_scope(obj.url) as session:
        rows = [(arxiv_id, _as_dict(point)) for arxiv_id, point in
                session.execute(stmt.order_by(Point.task, Paper.arxiv_id, Point.dataset, Point.metric))]
    if as_json:
        typer.echo(json.dumps([{"arxiv_id": a, **p} for a, p in rows], indent=1, default=str))
        return
    # Plain lines, not a table: the stages and the why are long and must stay readable when wrapped.
    left_out = sum(1 for _a, p in rows if ((p["evidence"] or {}).get("regime") or {}).get("fitted") is False)
    typer.echo(f"{len(rows)} points (stages and links from the last refit)"
               + (f"; {left_out} not fitted: zero-/few-shot or probe results, not trained on the benchmark"
                  if left_out else ""))
    for arxiv_id, p in rows:
        flops = "no compute" if p["flops"] is None else f"{p['flops']:.3g} FLOPs ({p['method']})"
        fallback = f"  [FALLBACK: paper's main run for {p['fallback']}]" if p["fallback"] else ""
        regime = (p["evidence"] or {}).get("regime") or {}
        not_fitted = (f"  [NOT FITTED: {regime.get('regime')} evaluation, not trained on the benchmark]"
                      if regime.get("fitted") is False else "")
        typer.echo(f"{arxiv_id}  {p['dataset']} {p['metric']} = {p['value']:g}  {p['model'] or '-'}  {flops}"
                   f"{fallback}{not_fitted}{'  [pending review]' if p['review_state'] == 'pending' else ''}")
        typer.echo(f"    hardware burden: {_flops(p['hardware_flops'])}   network operations: "
                   f"{_flops(p['operations_flops'])}")
        typer.echo(f"    stages: {p['parts_text'] or '-'}")
        for run in p["excluded"] or []:
            typer.echo(f"    not counted ({run['kind']}): {_flops(run.get('flops'))}, {run.get('hours'):g} h")
        typer.echo(f"    why: {p['why']}")


def _flops(value) -> str:
    return "-" if value is None else f"{value:.3g} FLOPs"


def _as_dict(point) -> dict:
    keys = ("task", "dataset", "metric", "value", "model", "size", "flops", "flops_low", "flops_high", "method",
            "hardware_flops", "operations_flops", "operations", "fallback", "excluded", "parts_text", "parts", "evidence", "why",
            "review_state", "run_id")
    return {k: getattr(point, k) for k in keys}
