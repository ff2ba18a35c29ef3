"""Persistence of the analysis: compute estimates from effective values, scaling points, fits.

The arithmetic lives in analysis/ (pure functions); this module only reads their inputs from the
database and writes their outputs back.
"""
from __future__ import annotations

import math
from typing import Iterable

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analysis.compute import estimate_compute
from db.effective import by_paper_and_field, effective_values
from models import ComputeEstimate, Fit, Paper, Result
from settings.config import Config

ESTIMATE_FIELDS = ("hardware", "training_time", "stated_compute")


def rebuild_estimates(session: Session, config: Config, run_id: int | None, *,
                      include_pending: bool = False) -> int:
    """Recompute every extracted paper's compute estimates from its effective values (reviews
    applied). Estimates from imports (reference:..., contributed) are left alone. Returns rows written."""
    session.execute(delete(ComputeEstimate).where(ComputeEstimate.source == "extracted"))
    values = effective_values(session, min_confidence=config.review.min_confidence, fields=ESTIMATE_FIELDS)
    rows = []
    for paper_id, fields in by_paper_and_field(values).items():
        usable = {f: [v for v in vs if include_pending or v.state != "pending"] for f, vs in fields.items()}
        estimates = estimate_compute(
            [v.attrs for v in usable.get("hardware", [])],
            [v.attrs for v in usable.get("training_time", [])],
            [v.attrs for v in usable.get("stated_compute", [])],
            utilization=config.analysis.utilization, disagreement_factor=config.analysis.disagreement_factor)
        pending = any(v.state == "pending" for vs in usable.values() for v in vs)
        ids = {f: [v.extraction_id for v in vs] for f, vs in usable.items() if vs}
        for est in estimates:
            if not math.isfinite(est.flops) or est.flops <= 0:
                continue
            rows.append(dict(
                paper_id=paper_id, method=est.method, flops=est.flops, flops_low=est.flops_low,
                flops_high=est.flops_high, flops_utilized=est.flops_utilized,
                inputs={**_jsonable(est.inputs), "extraction_ids": ids, "note": est.note},
                preferred=est.preferred, disagreement=est.disagreement,
                review_state="pending" if pending else "auto", source="extracted", run_id=run_id))
    # One row per paper+method (the table's key): the largest of a method represents it, as in analysis.
    best: dict[tuple, dict] = {}
    for row in rows:
        key = (row["paper_id"], row["method"])
        if key not in best or (row["preferred"], row["flops"]) > (best[key]["preferred"], best[key]["flops"]):
            best[key] = row
    if best:
        session.execute(ComputeEstimate.__table__.insert(), list(best.values()))
    return len(best)


def scaling_points(session: Session, *, source: str | None = None, include_pending: bool = False,
                   tasks: Iterable[str] | None = None) -> pd.DataFrame:
    """One row per paper x result with the paper's preferred compute estimate: the regressions' input.

    `source` picks the provenance ("extracted", "reference:thompson2022", "contributed"); None takes
    extracted and contributed rows together (the nightly analysis)."""
    stmt = (select(Paper.arxiv_id, Paper.title, Paper.published, Result.task, Result.dataset, Result.metric,
                   Result.value, Result.higher_is_better, Result.review_state, Result.source,
                   ComputeEstimate.flops, ComputeEstimate.method, ComputeEstimate.review_state.label("compute_state"),
                   ComputeEstimate.inputs)
            .join(Result, Result.paper_id == Paper.id)
            .join(ComputeEstimate, (ComputeEstimate.paper_id == Paper.id) & ComputeEstimate.preferred
                  & (ComputeEstimate.source == Result.source)))
    if source is None:
        stmt = stmt.where(Result.source.in_(["extracted", "contributed"]))
    else:
        stmt = stmt.where(Result.source == source)
    if tasks is not None:
        stmt = stmt.where(Result.task.in_(list(tasks)))
    if not include_pending:
        stmt = stmt.where(Result.review_state != "pending", ComputeEstimate.review_state != "pending")
    rows = session.execute(stmt.order_by(Result.task, Paper.arxiv_id, Result.dataset, Result.metric)).all()
    frame = pd.DataFrame(rows, columns=["arxiv_id", "title", "published", "task", "dataset", "metric", "score",
                                        "higher_is_better", "review_state", "source", "compute_flops",
                                        "compute_method", "compute_state", "compute_inputs"])
    frame["date"] = pd.to_datetime(frame["published"], utc=True, errors="coerce")
    frame["year"] = frame["date"].dt.year
    return frame


def store_fits(session: Session, fits: pd.DataFrame, *, run_id: int | None, source: str, spec: str) -> int:
    """Append the successful fits of `analysis.regression.fit_all` (never updates older runs' fits)."""
    written = 0
    for row in fits.to_dict("records"):
        if row.get("status") != "ok":
            continue
        extra = {k: _clean(row.get(k)) for k in ("degree_study", "halving_multiple_ci_low", "halving_multiple_ci_high",
                                                   "theory_gap", "theory_gap_factor", "year_coef", "year_coef_ci_low",
                                                   "year_coef_ci_high", "years_per_10x_compute", "residual_std",
                                                   "n_dropped", "frontier", "with_year", "fit_spec")
                 if k in row}
        session.add(Fit(run_id=run_id, task=row["task"], dataset=row.get("dataset"), metric=row.get("metric"),
                        source=source, spec=spec, n=int(row["n"]), slope=row["slope"], intercept=row["intercept"],
                        ci_low=row["ci_low"], ci_high=row["ci_high"], r2=row["r2"], degree=_clean(row["degree"]),
                        degree_low=_clean(row["degree_ci_low"]), degree_high=_clean(row["degree_ci_high"]),
                        halving_multiple=_clean(row["halving_multiple"]), extra=extra))
        written += 1
    return written


def _clean(value):
    """JSON and SQL friendly: numpy scalars to Python, non-finite floats to None."""
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _jsonable(value):
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return _clean(value)
