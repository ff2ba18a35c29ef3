"""Persistence of the analysis: compute estimates from effective values, scaling points, fits.

The arithmetic lives in analysis/ (pure functions); this module only reads their inputs from the
database and writes their outputs back.
"""
from __future__ import annotations

import math
from typing import Any, Callable, Iterable

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analysis.compute import Estimate, arithmetic_inputs, estimate_compute, paper_catalog, paper_month
from analysis.points import regime_text
from extractors.eval_regime import FINE_TUNED, NOT_TRAINED
from usecases.effective import by_paper_and_field, effective_values
from models import ComputeEstimate, Extraction, Fit, Paper, Point, Result, Run
from settings.config import Config

ESTIMATE_FIELDS = ("hardware", "training_time", "stated_compute", "forward_flops", "parameters", "epochs", "steps",
                   "training_tokens", "training_set")
# The compute measures the study fits separately, as compute_estimates methods.
MEASURE_METHODS = {"hardware_burden": "hardware", "network_operations": "arithmetic"}
# Fit fields kept in Fit.extra: everything the report needs to redraw a fit with its confidence band
# (standard errors, covariance, residual df, the compute range) and the variants' own numbers.
FIT_EXTRA_FIELDS = ("degree_study", "halving_multiple_ci_low", "halving_multiple_ci_high", "theory_gap",
                    "theory_gap_factor", "year_coef", "year_coef_ci_low", "year_coef_ci_high", "year_ref",
                    "years_per_10x_compute", "residual_std", "n_dropped", "frontier", "with_year", "slope_se",
                    "intercept_se", "cov_intercept_slope", "df_resid", "log10_compute_min", "log10_compute_max")
# Provenances that enter the nightly regressions; a human's contribution beats an extraction of the
# same paper and benchmark (it was typed from the paper by someone who read it).
NIGHTLY_SOURCES = ("contributed", "extracted")


def estimate_rows(paper_id: int, estimates: list[Estimate], *, source: str, run_id: int | None,
                  review_state: str = "auto", extra_inputs: dict | None = None) -> list[dict]:
    """compute_estimates rows for one paper: one per method (the table's key), the largest of a method
    representing it as in analysis.compute; non-finite or non-positive figures are dropped."""
    best: dict[str, Estimate] = {}
    for est in estimates:
        if not math.isfinite(est.flops) or est.flops <= 0:
            continue
        if est.method not in best or (est.preferred, est.flops) > (best[est.method].preferred, best[est.method].flops):
            best[est.method] = est
    return [dict(paper_id=paper_id, method=est.method, flops=est.flops, flops_low=est.flops_low,
                 flops_high=est.flops_high, flops_utilized=est.flops_utilized,
                 inputs={**_jsonable(est.inputs), **(extra_inputs or {}), "note": est.note},
                 preferred=est.preferred, disagreement=est.disagreement, review_state=review_state,
                 source=source, run_id=run_id) for est in best.values()]


def paper_months(session: Session, paper_ids: list[int]) -> dict[int, tuple[int, int] | None]:
    """Each paper's (year, month) of first version, which dates a chip the paper names without its
    generation (analysis.compute.dated_catalog)."""
    months = {}
    for start in range(0, len(paper_ids), 500):  # bounded statements (SQLite's variable limit)
        rows = session.execute(select(Paper.id, Paper.arxiv_id, Paper.published)
                               .where(Paper.id.in_(paper_ids[start:start + 500]))).all()
        months.update({pid: paper_month(arxiv_id, published) for pid, arxiv_id, published in rows})
    return months


def paper_chips(session: Session, paper_ids: list[int]) -> dict[int, set[str]]:
    """Every chip each paper's hardware candidates write, at any confidence (a GPU model named only
    for a timing table still says which GPUs the lab had: analysis.compute.paper_catalog)."""
    chips: dict[int, set[str]] = {}
    for start in range(0, len(paper_ids), 500):
        rows = session.execute(select(Extraction.paper_id, Extraction.attrs)
                               .where(Extraction.field == "hardware", Extraction.source == "extracted",
                                      Extraction.paper_id.in_(paper_ids[start:start + 500]))).all()
        for paper_id, attrs in rows:
            if (attrs or {}).get("chip"):
                chips.setdefault(paper_id, set()).add(str(attrs["chip"]))
    return chips


def paper_catalogs(session: Session, paper_ids: list[int]) -> dict[int, Callable[[str], Any]]:
    """Each paper's chip lookup: its date (a TPU of no generation) and the GPU models it names."""
    months, chips = paper_months(session, paper_ids), paper_chips(session, paper_ids)
    return {pid: paper_catalog(None, months.get(pid), chips.get(pid, ())) for pid in paper_ids}


def rebuild_estimates(session: Session, config: Config, run_id: int | None, *,
                      include_pending: bool = False) -> int:
    """Recompute every extracted paper's compute estimates from its effective values (reviews
    applied). Only extractor candidates count: imported evidence (reference:..., contributed) has its
    own estimates, written by usecases.imports and left alone here. Returns rows written."""
    session.execute(delete(ComputeEstimate).where(ComputeEstimate.source == "extracted"))
    extracted_ids = set(session.execute(select(Extraction.id).where(Extraction.source == "extracted",
                                                                    Extraction.field.in_(ESTIMATE_FIELDS))).scalars())
    values = [v for v in effective_values(session, min_confidence=config.review.min_confidence, fields=ESTIMATE_FIELDS)
              if v.extraction_id in extracted_ids]
    rows = []
    by_paper = by_paper_and_field(values)
    catalogs = paper_catalogs(session, list(by_paper))
    for paper_id, fields in by_paper.items():
        usable = {f: sorted((v for v in vs if include_pending or v.state != "pending"), key=lambda v: -v.confidence)
                  for f, vs in fields.items()}
        estimates = estimate_compute(
            [v.attrs for v in usable.get("hardware", [])],
            [v.attrs for v in usable.get("training_time", [])],
            [v.attrs for v in usable.get("stated_compute", [])],
            arithmetic_inputs({f: [v.attrs for v in vs] for f, vs in usable.items()}),
            catalog=catalogs[paper_id],
            utilization=config.analysis.utilization, disagreement_factor=config.analysis.disagreement_factor)
        pending = any(v.state == "pending" for vs in usable.values() for v in vs)
        ids = {f: [v.extraction_id for v in vs] for f, vs in usable.items() if vs}
        rows += estimate_rows(paper_id, estimates, source="extracted", run_id=run_id,
                              review_state="pending" if pending else "auto", extra_inputs={"extraction_ids": ids})
    if rows:
        session.execute(ComputeEstimate.__table__.insert(), rows)
    return len(rows)


POINT_COLUMNS = ["paper_id", "arxiv_id", "title", "published", "doi", "link", "paper_source", "task", "dataset",
                 "metric", "score", "higher_is_better", "review_state", "source", "compute_flops", "compute_low",
                 "compute_high", "compute_method", "compute_state", "compute_disagreement", "compute_inputs", "result_id"]


def scaling_points(session: Session, *, source: str | None = None, include_pending: bool = False,
                   tasks: Iterable[str] | None = None, measure: str | None = None) -> pd.DataFrame:
    """One row per paper x result with its compute: the regressions' input.

    An extracted result with a stored point (usecases.points, rebuilt by refit) takes the compute of the run
    that produced it (stages summed; `compute_parts`, `point_why`); when the point found no run, the
    result has no compute and is left out. A result without a point keeps the paper's preferred
    estimate. `measure` ("hardware_burden" | "network_operations", MEASURE_METHODS) instead takes that
    measure: the point's own (its `hardware_flops` / `operations_flops`, the plotted model's inputs),
    else the paper-level estimate for a result without a point, so each measure is fitted on the
    results that have it, as the study does. `compute_fallback` names the measure(s) a point took from
    the paper's main run instead of the result's own (shown in `chips` too, never silently). `source` picks the provenance ("extracted", "reference:thompson2022", "contributed"); None
    takes extracted and contributed rows together (the nightly analysis), and where one paper has both
    for the same benchmark the contributed row is kept. Sorted, so fits on it are deterministic."""
    if measure is not None and measure not in MEASURE_METHODS:
        raise ValueError(f"unknown compute measure {measure!r}; expected one of {sorted(MEASURE_METHODS)}")
    chosen = (ComputeEstimate.preferred if measure is None
              else ComputeEstimate.method == MEASURE_METHODS[measure])
    stmt = (select(Paper.id, Paper.arxiv_id, Paper.title, Paper.published, Paper.doi, Paper.pdf_url, Paper.source,
                   Result.task, Result.dataset, Result.metric, Result.value, Result.higher_is_better,
                   Result.review_state, Result.source, ComputeEstimate.flops, ComputeEstimate.flops_low,
                   ComputeEstimate.flops_high, ComputeEstimate.method, ComputeEstimate.review_state,
                   ComputeEstimate.disagreement, ComputeEstimate.inputs, Result.id, Extraction.features)
            .join(Result, Result.paper_id == Paper.id)
            .outerjoin(Extraction, Extraction.id == Result.extraction_id)
            .outerjoin(ComputeEstimate, (ComputeEstimate.paper_id == Paper.id) & chosen
                       & (ComputeEstimate.source == Result.source)))
    stmt = stmt.where(Result.source.in_(NIGHTLY_SOURCES) if source is None else Result.source == source)
    if tasks is not None:
        stmt = stmt.where(Result.task.in_(list(tasks)))
    if not include_pending:
        stmt = stmt.where(Result.review_state != "pending")
    rows = session.execute(stmt.order_by(Result.task, Paper.arxiv_id, Result.dataset, Result.metric, Result.source)).all()
    frame = with_regime(pd.DataFrame([tuple(r) for r in rows], columns=[*POINT_COLUMNS, "result_features"]))
    frame = _apply_points(session, frame, measure)
    keep = frame["compute_flops"].notna()
    if not include_pending:
        keep &= frame["compute_state"] != "pending"
    frame = frame[keep].reset_index(drop=True)
    if source is None and len(frame):
        rank = frame["source"].map({s: i for i, s in enumerate(NIGHTLY_SOURCES)})
        frame = (frame.assign(_rank=rank).sort_values(["paper_id", "dataset", "metric", "_rank"], kind="stable")
                 .drop_duplicates(["paper_id", "dataset", "metric"]).drop(columns="_rank")
                 .sort_values(["task", "arxiv_id", "dataset", "metric"], kind="stable").reset_index(drop=True))
    frame["date"] = pd.to_datetime(frame["published"], utc=True, errors="coerce")
    frame["year"] = frame["date"].dt.year
    frame["chips"] = [(f"[fallback: paper's main run for {fallback}] " if fallback else "") + (parts or _chips_text(inputs))
                      for parts, inputs, fallback in zip(frame["compute_parts"], frame["compute_inputs"],
                                                         frame["compute_fallback"])]
    return frame


def with_regime(frame: pd.DataFrame) -> pd.DataFrame:
    """`regime` (how the result was obtained, extractors.eval_regime, read from its extraction) and
    `fitted`: False for a zero-/one-/few-shot or linear-probe result, which the regressions leave out
    (analysis.regression reads `fitted`) and the report shows apart. A result typed in by a person or
    imported from a curated table has no extraction: trained, as those tables record."""
    features = [f if isinstance(f, dict) else {} for f in frame.pop("result_features")]
    frame["regime"] = [str(f.get("regime") or FINE_TUNED) for f in features]
    frame["regime_note"] = [regime_text(str(f["regime"]), _k(f.get("regime_k")), str(f.get("regime_cue") or ""),
                                        str(f.get("regime_from") or "")) if f.get("regime") in NOT_TRAINED else ""
                            for f in features]
    frame["fitted"] = ~frame["regime"].isin(NOT_TRAINED)
    return frame


def _k(value) -> int | None:
    """The stated number of in-context examples (-1 in the features: not stated)."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value >= 0 else None


def _apply_points(session: Session, frame: pd.DataFrame, measure: str | None = None) -> pd.DataFrame:
    """Replace the paper-level compute of results that have a point by the point's own run compute
    (one measure's when `measure` is given: None when the point has no such figure)."""
    frame = frame.assign(compute_parts="", point_why="", compute_basis="paper", compute_fallback=None)
    if frame.empty:
        return frame
    ids = [int(i) for i in frame["result_id"].dropna().unique()]
    points = {p.result_id: p for p in session.execute(select(Point).where(Point.result_id.in_(ids))).scalars()} if ids else {}
    if not points:
        return frame
    rows = frame.to_dict("records")
    for row in rows:
        point = points.get(row["result_id"])
        if point is None:
            continue
        inputs = {"point_id": point.id, "parts": point.parts, "hardware_flops": point.hardware_flops,
                  "operations_flops": point.operations_flops, "operations": point.operations}
        fallback = point.fallback
        if measure == "hardware_burden":
            flops, low, high, method = point.hardware_flops, None, None, "hardware"
            low, high = _parts_bounds(point.parts, flops)
            fallback = "hardware" if fallback and "hardware" in fallback else None
        elif measure == "network_operations":
            flops = low = high = point.operations_flops
            method = "arithmetic"
            fallback = "operations" if fallback and "operations" in fallback else None
        else:
            flops, low, high, method = point.flops, point.flops_low, point.flops_high, point.method
        row.update(compute_flops=flops, compute_low=low, compute_high=high,
                   compute_method=method, compute_state=point.review_state, compute_disagreement=False,
                   compute_inputs=inputs, compute_parts=point.parts_text, point_why=point.why, compute_basis="point",
                   compute_fallback=fallback)
    return pd.DataFrame(rows, columns=frame.columns)


def _parts_bounds(parts: list, flops: float | None) -> tuple[float | None, float | None]:
    """Low / high of a summed burden from its stages (each stage's own range)."""
    if not flops:
        return None, None
    with_flops = [p for p in parts or [] if p.get("flops")]
    if not with_flops:
        return flops, flops
    return (sum(p.get("flops_low") or p["flops"] for p in with_flops),
            sum(p.get("flops_high") or p["flops"] for p in with_flops))


def _chips_text(inputs) -> str:
    """'8x V100' from a hardware estimate's inputs (for tables and the report); '' otherwise."""
    if not isinstance(inputs, dict):
        return ""
    if inputs.get("chips_text"):
        return str(inputs["chips_text"])
    chip, count = inputs.get("chip"), inputs.get("chips") or inputs.get("count")
    if not chip:
        return ""
    return f"{count:g}x {chip}" if isinstance(count, (int, float)) else str(chip)


def store_fits(session: Session, fits: pd.DataFrame, *, run_id: int | None, source: str, spec: str) -> int:
    """Append the successful fits of `analysis.regression.fit_all` as `spec` ("error", "frontier",
    "year", "study"); older runs' fits are never updated. A group whose latest stored fit is the same
    fit (unchanged data) gets no new row. Returns rows written."""
    written = 0
    for row in fits.to_dict("records"):
        row = {k: _clean(v) for k, v in row.items() if not isinstance(v, (dict, list))}
        if row.get("status") != "ok" or _unchanged(session, row, source, spec):
            continue
        extra = {k: row.get(k) for k in FIT_EXTRA_FIELDS if k in row}
        extra["fit_spec"] = row.get("spec")  # the regression's y (error | study_imagenet | study_logit)
        session.add(Fit(run_id=run_id, task=row["task"], dataset=row.get("dataset"), metric=row.get("metric"),
                        source=source, spec=spec, n=int(row["n"]), slope=row["slope"], intercept=row["intercept"],
                        ci_low=row["ci_low"], ci_high=row["ci_high"], r2=row["r2"], degree=row["degree"],
                        degree_low=row["degree_ci_low"], degree_high=row["degree_ci_high"],
                        halving_multiple=row["halving_multiple"], extra=extra))
        written += 1
    session.flush()
    return written


def _unchanged(session: Session, row: dict, source: str, spec: str) -> bool:
    """True when the latest stored fit for this group is the same fit: history records changes only,
    so re-running on unchanged data adds no rows."""
    dataset, metric = row.get("dataset"), row.get("metric")
    stmt = select(Fit).where(Fit.task == row["task"], Fit.source == source, Fit.spec == spec,
                             Fit.dataset.is_(None) if dataset is None else Fit.dataset == dataset,
                             Fit.metric.is_(None) if metric is None else Fit.metric == metric)
    latest = session.execute(stmt.order_by(Fit.id.desc()).limit(1)).scalar_one_or_none()
    return (latest is not None and latest.n == int(row["n"])
            and math.isclose(latest.slope, row["slope"], rel_tol=1e-9, abs_tol=1e-12)
            and math.isclose(latest.intercept, row["intercept"], rel_tol=1e-9, abs_tol=1e-12))


FIT_ROW_KEYS = ("id", "task", "dataset", "metric", "source", "spec", "n", "slope", "intercept", "ci_low", "ci_high",
                "r2", "degree", "degree_low", "degree_high", "halving_multiple", "run_id", "created_at")


def fit_rows(session: Session, *, latest_only: bool = False, source: str | None = None,
             specs: Iterable[str] | None = None) -> list[dict]:
    """Stored fits as dicts (Fit columns, `run_started_at`, and `extra`), ordered by task, benchmark,
    source, spec and id. latest_only keeps the newest fit of each (task, dataset, metric, source, spec)."""
    stmt = select(Fit, Run.started_at).outerjoin(Run, Run.id == Fit.run_id)
    if source is not None:
        stmt = stmt.where(Fit.source == source)
    if specs is not None:
        stmt = stmt.where(Fit.spec.in_(list(specs)))
    rows = []
    for fit, started in session.execute(stmt.order_by(Fit.id)):
        row = {k: getattr(fit, k) for k in FIT_ROW_KEYS}
        row.update(run_started_at=started, extra=dict(fit.extra or {}))
        rows.append(row)
    if latest_only:
        newest = {}
        for row in rows:  # ascending ids: a later fit of the same group replaces the earlier one
            newest[(row["task"], row["dataset"], row["metric"], row["source"], row["spec"])] = row
        rows = list(newest.values())
    return sorted(rows, key=lambda r: (r["task"], r["dataset"] or "", r["metric"] or "", r["source"], r["spec"], r["id"]))


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
