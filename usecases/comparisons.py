"""Both sides of `progress compare thompson`, read from the database for analysis.compare_study.

Ours: extracted papers (source arxiv or local) with their hardware burden (peak: the study applies no
utilization) and the hardware and training-time evidence behind it, their network operations with the
inputs and evidence behind them, and their extracted results with the sentence each came from. The
study's: the rows `reference import thompson2022` stored (one paper per CSV row, key
"ref:thompson2022:<file>:<row>"), each with its burden and network operations.
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.compare_study import normalise_title
from analysis.ids import arxiv_id_from_text
from analysis.point_operations import OPERATION_FIELDS
from models import ComputeEstimate, Extraction, Paper, PaperStatus, Point, Result
from sources.reference_thompson import STUDY_SOURCE
from usecases.points import evidence_field

OUR_SOURCES = ("arxiv", "local")


def our_papers(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(papers, results): extracted papers with their hardware burden and network operations and what
    each was made of (the largest point's where the paper has points; else the paper-level estimate);
    their results."""
    papers = session.execute(select(Paper.id, Paper.arxiv_id, Paper.title)
                             .where(Paper.source.in_(OUR_SOURCES), Paper.status == PaperStatus.extracted)
                             .order_by(Paper.arxiv_id)).all()
    ids = [p.id for p in papers]
    burdens, operations = _paper_burdens(session, ids), _paper_operations(session, ids)
    ours = pd.DataFrame([{"arxiv_id": paper.arxiv_id, "title": paper.title, **burdens[paper.id],
                          **operations[paper.id]} for paper in papers],
                        columns=["arxiv_id", "title", "burden", "chips", "hours", "burden_evidence", *NO_OPERATIONS])
    result_rows = session.execute(
        select(Paper.id, Paper.arxiv_id, Result.dataset, Result.metric, Result.value, Extraction.page,
               Extraction.sentence, Extraction.features)
        .join(Result, Result.paper_id == Paper.id)
        .outerjoin(Extraction, Extraction.id == Result.extraction_id)
        .where(Paper.id.in_(ids), Result.source == "extracted").order_by(Paper.arxiv_id, Result.dataset)).all()
    alternatives = _result_alternatives(session, sorted({r[0] for r in result_rows}))
    results = pd.DataFrame(
        [(arxiv_id, dataset, metric, value, page, sentence, _run_marks(features),
          alternatives.get((paper_id, dataset, metric), []))
         for paper_id, arxiv_id, dataset, metric, value, page, sentence, features in result_rows],
        columns=["arxiv_id", "dataset", "metric", "value", "page", "sentence", "marks", "alternatives"])
    return ours, results


BURDEN_FIELDS = ("hardware", "training_time")


def _paper_burdens(session: Session, paper_ids: list[int]) -> dict[int, dict]:
    """Per paper its hardware burden, chips, hours and evidence: the largest point's (the run behind the
    paper's headline result, stages summed: usecases.points), else the paper-level estimate."""
    points = _largest_point_burdens(session, paper_ids)
    estimates = _estimates(session, [i for i in paper_ids if i not in points], "hardware", "extracted")
    evidence = _extractions(session, estimates.values(), BURDEN_FIELDS)
    out = dict(points)
    for paper_id in paper_ids:
        if paper_id in points:
            continue
        est = estimates.get(paper_id)
        inputs = est.inputs if est else {}
        chips = inputs.get("chips") if inputs.get("chips") is not None else inputs.get("count")
        out[paper_id] = {"burden": est.flops if est else np.nan,
                         "chips": f"{chips:g}x {inputs.get('chip')}" if chips is not None and inputs.get("chip") else
                         inputs.get("chip"),
                         "hours": inputs.get("hours", np.nan),
                         "burden_evidence": _evidence(_used(evidence, inputs, BURDEN_FIELDS), inputs)}
    return out


# A paper without any operation count (the columns of `our_papers` for the second measure).
NO_OPERATIONS = {"operations": np.nan, "operations_formula": "", "operations_inputs": {}, "operations_evidence": [],
                 "operations_why": ""}


def _paper_operations(session: Session, paper_ids: list[int]) -> dict[int, dict]:
    """Per paper its network operations, the formula and inputs they multiplied, their evidence and why:
    the point with the largest count (the plotted model's own inputs, analysis.point_operations), else,
    for a paper without points, the paper-level arithmetic estimate (the paper's largest forward cost and
    schedule). When the paper's points found no count, that is the answer: the paper-level estimate
    pairs inputs of different runs (a detector's cost with its architecture search's 5 epochs), which
    the points' run links keep apart."""
    points = _largest_points(session, paper_ids, Point.operations_flops)
    uncounted = {p.paper_id: p for p in session.execute(
        select(Point).where(Point.paper_id.in_([i for i in paper_ids if i not in points]), Point.source == "extracted")
        .order_by(Point.id)).scalars()}
    estimates = _estimates(session, [i for i in paper_ids if i not in points and i not in uncounted], "arithmetic",
                           "extracted")
    evidence = _extractions(session, estimates.values(), OPERATION_FIELDS)  # analysis.point_operations' inputs
    out = {}
    for paper_id in paper_ids:
        if paper_id in points:
            out[paper_id] = _point_operations(points[paper_id])
        elif paper_id in uncounted:
            point = uncounted[paper_id]
            out[paper_id] = {**NO_OPERATIONS, "operations_why": f"no point has an operation count ({point.dataset} "
                             f"{point.metric} {point.value:g}: {(point.operations or {}).get('why') or 'no inputs'})"}
        elif paper_id in estimates:
            est = estimates[paper_id]
            used = _used(evidence, est.inputs, _estimate_operation_fields(est.inputs))
            out[paper_id] = {"operations": est.flops, "operations_formula": est.inputs.get("note", ""),
                             "operations_inputs": _estimate_operation_inputs(est.inputs),
                             "operations_evidence": _evidence(used, est.inputs),
                             "operations_why": "the paper-level estimate (the paper's largest forward cost and "
                                               "schedule): no point has an operation count"}
        else:
            out[paper_id] = dict(NO_OPERATIONS)
    return out


def _point_operations(point: Point) -> dict:
    ops = point.operations or {}
    evidence = [_evidence_line(evidence_field(name), ev) for name, ev in (ops.get("evidence") or {}).items()
                if isinstance(ev, dict)]
    return {"operations": point.operations_flops, "operations_formula": ops.get("formula") or "",
            "operations_inputs": ops.get("inputs") or {}, "operations_evidence": evidence,
            "operations_why": f"{point.dataset} {point.metric} {point.value:g}: {ops.get('why') or ''}"}


def _estimate_operation_fields(inputs: dict) -> tuple[str, ...]:
    """The fields a paper-level arithmetic estimate multiplied, by its form (analysis.compute.arithmetic_inputs)."""
    if inputs.get("parameters") and inputs.get("tokens"):
        return ("parameters", "training_tokens", "steps")
    return ("forward_flops", "steps") if inputs.get("steps") else ("forward_flops", "epochs", "training_set")


def _estimate_operation_inputs(inputs: dict) -> dict:
    """A paper-level arithmetic estimate's inputs (analysis.compute.arithmetic_inputs) in a point's shape:
    one training stage of steps x batch or epochs x set size, or parameters and tokens."""
    if inputs.get("parameters") and inputs.get("tokens"):
        return {k: inputs[k] for k in ("parameters", "tokens", "steps", "batch_size") if inputs.get(k) is not None}
    stage = {"stage": "training", "examples": inputs.get("examples")}
    if inputs.get("steps") and inputs.get("batch_size"):
        stage |= {"steps": inputs["steps"], "batch_size": inputs["batch_size"]}
    else:  # examples is the training set's size, seen `epochs` times
        stage |= {"epochs": inputs.get("epochs"), "training_set_size": inputs.get("examples"),
                  "training_set": inputs.get("training_set"), "size_source": inputs.get("size_source")}
    return {**{k: inputs[k] for k in ("forward_flops", "forward_kind", "forward_as_stated") if k in inputs},
            "stages": [stage]}


def _estimates(session: Session, paper_ids: list[int], method: str, source: str) -> dict[int, ComputeEstimate]:
    return {e.paper_id: e for e in session.execute(
        select(ComputeEstimate).where(ComputeEstimate.paper_id.in_(paper_ids), ComputeEstimate.source == source,
                                      ComputeEstimate.method == method)).scalars()}


def _extractions(session: Session, estimates, fields: tuple[str, ...]) -> dict[int, Extraction]:
    """The candidates of `fields` that the estimates were computed from, by id."""
    ids = [i for e in estimates for field in fields for i in (e.inputs.get("extraction_ids") or {}).get(field, [])]
    return {x.id: x for x in session.execute(select(Extraction).where(Extraction.id.in_(ids))).scalars()}


def _used(extractions: dict[int, Extraction], inputs: dict, fields: tuple[str, ...]) -> list[Extraction]:
    return [extractions[i] for field in fields for i in (inputs.get("extraction_ids") or {}).get(field, [])
            if i in extractions]


# What a result candidate's features say about its run (extractors.cues.model_count_cues), kept for the
# comparison's reading of a disagreement.
RUN_MARKS = ("ensemble", "single_model", "multi_view", "single_view", "leaderboard", "split")


def _run_marks(features: dict | None) -> dict:
    return {k: (features or {}).get(k) for k in RUN_MARKS if (features or {}).get(k)}


def _result_alternatives(session: Session, paper_ids: list[int]) -> dict[tuple, list[dict]]:
    """Per paper, dataset and metric (as the results table states it: top-k errors read as accuracies),
    every result candidate we extracted: the values the headline choice had to choose from."""
    out: dict[tuple, list[dict]] = {}
    rows = session.execute(select(Extraction.paper_id, Extraction.attrs, Extraction.confidence, Extraction.page,
                                  Extraction.features)
                           .where(Extraction.paper_id.in_(paper_ids), Extraction.field == "results")).all()
    for paper_id, attrs, confidence, page, features in rows:
        metric, value = str(attrs.get("metric", "")), attrs.get("value")
        if value is None:
            continue
        if metric.endswith("error"):
            metric, value = metric.replace("error", "accuracy"), 100.0 - float(value)
        out.setdefault((paper_id, attrs.get("dataset"), metric), []).append(
            {"value": round(float(value), 4), "confidence": round(float(confidence), 3), "page": page,
             "marks": _run_marks(features)})
    return out


def _largest_points(session: Session, paper_ids: list[int], column) -> dict[int, Point]:
    """Per paper, its extracted point with the largest `column` (the study also keeps a paper's largest)."""
    best: dict[int, Point] = {}
    for point in session.execute(select(Point).where(Point.paper_id.in_(paper_ids), Point.source == "extracted",
                                                     column.is_not(None))).scalars():
        value = getattr(point, column.key)
        if point.paper_id not in best or value > getattr(best[point.paper_id], column.key):
            best[point.paper_id] = point
    return best


def _largest_point_burdens(session: Session, paper_ids: list[int]) -> dict[int, dict]:
    """Per paper, its point with the largest hardware burden: the burden of the run that produced a
    headline result, its stages and their evidence."""
    out = {}
    for paper_id, point in _largest_points(session, paper_ids, Point.hardware_flops).items():
        evidence = [_evidence_line(field, ev) for part in point.parts or []
                    for field, ev in (part.get("evidence") or {}).items()
                    if isinstance(ev, dict) and field in BURDEN_FIELDS]
        hours = sum(part.get("hours") or 0.0 for part in point.parts or []) or np.nan
        out[paper_id] = {"burden": point.hardware_flops, "chips": point.parts_text, "hours": hours,
                         "burden_evidence": evidence}
    return out


def _evidence_line(field: str, ev: dict) -> dict:
    """One input's evidence as a point stores it (analysis.points), in the comparison's shape."""
    return {"field": field, "page": ev.get("page"), "sentence": ev.get("sentence"), "raw": ev.get("match"),
            "confidence": ev.get("confidence")}


# Which attribute of a candidate became which input of a paper-level estimate (analysis.compute).
FED_INPUTS = {"training_time": ("hours", "hours"), "forward_flops": ("flops", "forward_as_stated"),
              "epochs": ("epochs", "epochs"), "steps": ("steps", "steps"), "training_set": ("examples", "examples"),
              "parameters": ("parameters", "parameters"), "training_tokens": ("tokens", "tokens")}


def _evidence(used: list[Extraction], inputs: dict) -> list[dict]:
    """The candidates the estimate multiplied (the effective values whose chip and count, hours, forward
    cost, epochs, ... are its inputs; else the best ones), one line per field and sentence."""
    def feeds(x: Extraction) -> bool:
        if x.field == "hardware":
            return x.attrs.get("chip") == inputs.get("chip_as_written") and x.attrs.get("count") == inputs.get("count")
        attr, key = FED_INPUTS.get(x.field, ("", ""))
        value, fed = x.attrs.get(attr), inputs.get(key)
        return value is not None and fed is not None and math.isclose(float(value), float(fed), rel_tol=1e-6)

    chosen = [x for x in used if feeds(x)]
    fields = {x.field for x in chosen}
    chosen += [x for x in used if x.is_best and x.field not in fields]
    out: dict[tuple, dict] = {}
    for x in chosen:
        out.setdefault((x.field, x.page, x.sentence), {"field": x.field, "page": x.page, "sentence": x.sentence,
                                                       "raw": x.raw_text, "confidence": round(x.confidence, 3)})
    return list(out.values())


def study_rows(session: Session) -> pd.DataFrame:
    """The imported study: one row per CSV row with its burden, chips, time, network operations (and the
    columns they multiplied, as far as the import stored them) and scores."""
    papers = session.execute(select(Paper.id, Paper.arxiv_id, Paper.title, Paper.pdf_url)
                             .where(Paper.source == STUDY_SOURCE).order_by(Paper.id)).all()
    ids = [p.id for p in papers]
    burdens = _estimates(session, ids, "hardware", STUDY_SOURCE)
    operations = _estimates(session, ids, "arithmetic", STUDY_SOURCE)
    scores: dict[int, dict[str, float]] = {}
    datasets: dict[int, str] = {}
    for paper_id, dataset, metric, value in session.execute(
            select(Result.paper_id, Result.dataset, Result.metric, Result.value)
            .where(Result.paper_id.in_(ids), Result.source == STUDY_SOURCE)):
        scores.setdefault(paper_id, {})[metric] = value
        datasets[paper_id] = dataset
    rows = []
    for paper in papers:
        est, ops = burdens.get(paper.id), operations.get(paper.id)
        inputs = est.inputs if est else {}
        _, _, file_key, csv_row = (paper.arxiv_id.split(":") + ["", "", "", ""])[:4]
        arxiv_id = inputs.get("arxiv_id") or arxiv_id_from_text(paper.pdf_url)
        hours = sum(t.get("hours") or 0.0 for t in inputs.get("training_time") or []) or np.nan
        rows.append({"study_key": paper.arxiv_id, "arxiv_id": arxiv_id, "title": paper.title,
                     "paper": arxiv_id or normalise_title(paper.title),
                     "where": f"{file_key} row {csv_row}: {paper.title}", "dataset": datasets.get(paper.id),
                     "burden": est.flops if est else np.nan, "chips": inputs.get("chips_text") or "",
                     "hours": hours if not (isinstance(hours, float) and math.isnan(hours)) else np.nan,
                     "operations": ops.flops if ops else np.nan,
                     "operations_inputs": _study_operation_inputs(ops.inputs) if ops else {},
                     "results": scores.get(paper.id, {}), "link": paper.pdf_url or ""})
    return pd.DataFrame(rows, columns=["study_key", "arxiv_id", "title", "paper", "where", "dataset", "burden",
                                       "chips", "hours", "operations", "operations_inputs", "results", "link"])


def _study_operation_inputs(inputs: dict) -> dict:
    """The forward cost and per-phase epochs and set sizes the import kept (usecases.imports), without
    the row's provenance and note."""
    return {k: v for k, v in inputs.items() if k.startswith("forward_") or k == "stages"}
