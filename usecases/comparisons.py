"""Both sides of `progress compare thompson`, read from the database for analysis.compare_study.

Ours: extracted papers (source arxiv or local) with their hardware-method compute estimate (peak:
the study applies no utilization) and the hardware and training-time evidence behind it, and their
extracted results with the sentence each came from. The study's: the rows `reference import
thompson2022` stored (one paper per CSV row, key "ref:thompson2022:<file>:<row>").
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from analysis.compare_study import normalise_title
from analysis.ids import arxiv_id_from_text
from models import ComputeEstimate, Extraction, Paper, PaperStatus, Point, Result
from sources.reference_thompson import STUDY_SOURCE

OUR_SOURCES = ("arxiv", "local")


def our_papers(session: Session) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(papers, results): extracted papers with their hardware burden and its evidence (the largest point's,
    stages summed, where the paper has points; else the paper-level estimate); their results."""
    papers = session.execute(select(Paper.id, Paper.arxiv_id, Paper.title)
                             .where(Paper.source.in_(OUR_SOURCES), Paper.status == PaperStatus.extracted)
                             .order_by(Paper.arxiv_id)).all()
    ids = [p.id for p in papers]
    estimates = {e.paper_id: e for e in session.execute(
        select(ComputeEstimate).where(ComputeEstimate.paper_id.in_(ids), ComputeEstimate.source == "extracted",
                                      ComputeEstimate.method == "hardware")).scalars()}
    evidence_ids = [i for e in estimates.values() for field in ("hardware", "training_time")
                    for i in (e.inputs.get("extraction_ids") or {}).get(field, [])]
    evidence = {x.id: x for x in session.execute(select(Extraction).where(Extraction.id.in_(evidence_ids))).scalars()}
    points = _largest_point_burdens(session, ids)
    rows = []
    for paper in papers:
        if paper.id in points:  # the run behind the paper's headline result, stages summed (usecases.points)
            rows.append({"arxiv_id": paper.arxiv_id, "title": paper.title, **points[paper.id]})
            continue
        est = estimates.get(paper.id)
        inputs = est.inputs if est else {}
        used = [evidence[i] for field in ("hardware", "training_time")
                for i in (inputs.get("extraction_ids") or {}).get(field, []) if i in evidence]
        chips = inputs.get("chips") if inputs.get("chips") is not None else inputs.get("count")
        rows.append({"arxiv_id": paper.arxiv_id, "title": paper.title,
                     "burden": est.flops if est else np.nan,
                     "chips": f"{chips:g}x {inputs.get('chip')}" if chips is not None and inputs.get("chip") else
                     inputs.get("chip"),
                     "hours": inputs.get("hours", np.nan),
                     "burden_evidence": _evidence(used, inputs)})
    ours = pd.DataFrame(rows, columns=["arxiv_id", "title", "burden", "chips", "hours", "burden_evidence"])
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


def _largest_point_burdens(session: Session, paper_ids: list[int]) -> dict[int, dict]:
    """Per paper, its point with the largest hardware burden (the study also keeps a paper's largest):
    the burden of the run that produced a headline result, its stages and their evidence."""
    best: dict[int, Point] = {}
    for point in session.execute(select(Point).where(Point.paper_id.in_(paper_ids), Point.source == "extracted",
                                                     Point.hardware_flops.is_not(None))).scalars():
        if point.paper_id not in best or point.hardware_flops > best[point.paper_id].hardware_flops:
            best[point.paper_id] = point
    out = {}
    for paper_id, point in best.items():
        evidence = [{"field": field, "page": ev.get("page"), "sentence": ev.get("sentence"), "raw": ev.get("match"),
                     "confidence": ev.get("confidence")}
                    for part in point.parts or [] for field, ev in (part.get("evidence") or {}).items()
                    if isinstance(ev, dict) and field in ("hardware", "training_time")]
        hours = sum(part.get("hours") or 0.0 for part in point.parts or []) or np.nan
        out[paper_id] = {"burden": point.hardware_flops, "chips": point.parts_text, "hours": hours,
                         "burden_evidence": evidence}
    return out


def _evidence(used: list[Extraction], inputs: dict) -> list[dict]:
    """The hardware and time candidates the estimate multiplied (the effective values whose chip,
    count and hours are its inputs; else the best ones), one line per field and sentence."""
    def feeds(x: Extraction) -> bool:
        if x.field == "hardware":
            return x.attrs.get("chip") == inputs.get("chip_as_written") and x.attrs.get("count") == inputs.get("count")
        hours = x.attrs.get("hours")
        return hours is not None and inputs.get("hours") is not None and math.isclose(hours, inputs["hours"], rel_tol=1e-6)

    chosen = [x for x in used if feeds(x)]
    fields = {x.field for x in chosen}
    chosen += [x for x in used if x.is_best and x.field not in fields]
    out: dict[tuple, dict] = {}
    for x in chosen:
        out.setdefault((x.field, x.page, x.sentence), {"field": x.field, "page": x.page, "sentence": x.sentence,
                                                       "raw": x.raw_text, "confidence": round(x.confidence, 3)})
    return list(out.values())


def study_rows(session: Session) -> pd.DataFrame:
    """The imported study: one row per CSV row with its burden, chips, time and scores."""
    papers = session.execute(select(Paper.id, Paper.arxiv_id, Paper.title, Paper.pdf_url)
                             .where(Paper.source == STUDY_SOURCE).order_by(Paper.id)).all()
    ids = [p.id for p in papers]
    burdens = {e.paper_id: e for e in session.execute(
        select(ComputeEstimate).where(ComputeEstimate.paper_id.in_(ids), ComputeEstimate.source == STUDY_SOURCE,
                                      ComputeEstimate.method == "hardware")).scalars()}
    scores: dict[int, dict[str, float]] = {}
    datasets: dict[int, str] = {}
    for paper_id, dataset, metric, value in session.execute(
            select(Result.paper_id, Result.dataset, Result.metric, Result.value)
            .where(Result.paper_id.in_(ids), Result.source == STUDY_SOURCE)):
        scores.setdefault(paper_id, {})[metric] = value
        datasets[paper_id] = dataset
    rows = []
    for paper in papers:
        est = burdens.get(paper.id)
        inputs = est.inputs if est else {}
        _, _, file_key, csv_row = (paper.arxiv_id.split(":") + ["", "", "", ""])[:4]
        arxiv_id = inputs.get("arxiv_id") or arxiv_id_from_text(paper.pdf_url)
        hours = sum(t.get("hours") or 0.0 for t in inputs.get("training_time") or []) or np.nan
        rows.append({"study_key": paper.arxiv_id, "arxiv_id": arxiv_id, "title": paper.title,
                     "paper": arxiv_id or normalise_title(paper.title),
                     "where": f"{file_key} row {csv_row}: {paper.title}", "dataset": datasets.get(paper.id),
                     "burden": est.flops if est else np.nan, "chips": inputs.get("chips_text") or "",
                     "hours": hours if not (isinstance(hours, float) and math.isnan(hours)) else np.nan,
                     "results": scores.get(paper.id, {}), "link": paper.pdf_url or ""})
    return pd.DataFrame(rows, columns=["study_key", "arxiv_id", "title", "paper", "where", "dataset", "burden",
                                       "chips", "hours", "results", "link"])
