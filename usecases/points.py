"""Persistence of the per-paper points (analysis/points.py): rebuilt at every refit from the database.

The candidates are the stored extractions with reviewer decisions applied: a rejected candidate is not
a run, a corrected one carries the reviewer's value, an accepted one counts even at a low confidence.
The results are the paper's `results` rows (which already apply decisions), with the evidence of the
extraction they came from. Idempotent: a paper's extracted points are replaced as a whole.
"""
from __future__ import annotations

import math

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analysis.points import MIN_CONFIDENCE, Point as PointRecord, build_points
from extractors.records import Candidate, Evidence
from models import DecisionAction, Extraction, Point, Result, ReviewDecision
from settings.config import Config
from usecases.scaling import paper_catalogs

RUN_FIELDS = ("hardware", "training_time", "stated_compute")
# The operation count's inputs (analysis.point_operations), read with the same reviewer decisions.
OPERATION_FIELDS = ("forward_flops", "parameters", "epochs", "steps", "training_tokens", "training_set")


def _candidate(ext: Extraction, attrs: dict, confidence: float, is_best: bool) -> Candidate:
    sentence = ext.sentence or ""
    start = min(max(ext.char_start or 0, 0), len(sentence))
    end = min(max(ext.char_end or start, start), len(sentence))
    return Candidate(field=ext.field, attrs=attrs, value=float(ext.value or 0.0), unit=ext.unit or "",
                     raw_text=ext.raw_text, confidence=confidence,
                     evidence=Evidence(ext.page or 0, sentence, start, end, ext.section or "body"),
                     extractor=ext.extractor, is_best=is_best, features=dict(ext.features or {}))


def reviewed_run_candidates(session: Session, paper_ids: list[int], min_confidence: float
                            ) -> dict[int, list[tuple[Candidate, int, str]]]:
    """paper id -> [(candidate, extraction id, state)] for the run fields and the operation-count inputs,
    decisions applied.

    state: auto | pending (below the review threshold, unreviewed) | accepted | corrected."""
    decided = (ReviewDecision.paper_id == Extraction.paper_id) & (ReviewDecision.candidate_key == Extraction.candidate_key)
    stmt = (select(Extraction, ReviewDecision).outerjoin(ReviewDecision, decided)
            .where(Extraction.source == "extracted", Extraction.field.in_(RUN_FIELDS + OPERATION_FIELDS),
                   Extraction.paper_id.in_(paper_ids)).order_by(Extraction.paper_id, Extraction.id))
    out: dict[int, list[tuple[Candidate, int, str]]] = {}
    for ext, decision in session.execute(stmt):
        attrs, confidence, is_best = dict(ext.attrs), ext.confidence, ext.is_best
        if decision is None:
            if not is_best and confidence < max(min_confidence, MIN_CONFIDENCE):
                continue
            state = "auto" if confidence >= min_confidence else "pending"
        elif decision.action == DecisionAction.reject:
            continue
        else:
            if decision.action == DecisionAction.correct:
                attrs.update(decision.corrected_attrs or {})
            state, confidence, is_best = ("corrected" if decision.action == DecisionAction.correct else "accepted",
                                          1.0, True)
        out.setdefault(ext.paper_id, []).append((_candidate(ext, attrs, confidence, is_best), ext.id, state))
    return out


def rebuild_points(session: Session, config: Config, run_id: int | None, *, include_pending: bool = False) -> int:
    """Replace every paper's extracted points; returns the points written (with or without compute)."""
    session.execute(delete(Point).where(Point.source == "extracted"), execution_options={"synchronize_session": False})
    results = session.execute(select(Result, Extraction).join(Extraction, Extraction.id == Result.extraction_id)
                              .where(Result.source == "extracted").order_by(Result.paper_id, Result.id)).all()
    if not results:
        return 0
    paper_ids = sorted({r.paper_id for r, _ in results})
    runs = reviewed_run_candidates(session, paper_ids, config.review.min_confidence)
    catalogs = paper_catalogs(session, paper_ids)
    rows = []
    for paper_id in paper_ids:
        entries = [e for e in runs.get(paper_id, []) if include_pending or e[2] != "pending"]
        candidates = [c for c, _, _ in entries]
        by_identity = {id(c): (ext_id, state) for c, ext_id, state in entries}
        paper_results = [(r, e) for r, e in results if r.paper_id == paper_id]
        result_cands = [_candidate(ext, {"dataset": res.dataset, "metric": res.metric, "value": res.value}, 1.0, True)
                        for res, ext in paper_results]
        points = build_points(candidates, results=result_cands, utilization=config.analysis.utilization,
                              catalog=catalogs[paper_id])
        for (res, ext), point in zip(paper_results, points):
            rows.append(_row(paper_id, res, ext, point, by_identity, candidates, run_id))
    if rows:
        session.execute(Point.__table__.insert(), rows)
    session.flush()
    return len(rows)


def _row(paper_id: int, res: Result, ext: Extraction, point: PointRecord, by_identity: dict, candidates: list,
         run_id: int | None) -> dict:
    """A points row; each part's evidence gains the extraction id it came from, so a reviewer can act on it."""
    ids_by_sentence = {(c.field, c.evidence.page, c.evidence.sentence, c.evidence.char_start): by_identity[id(c)]
                       for c in candidates}
    states = {res.review_state}
    parts = []
    for part in point.to_json()["parts"]:
        for field, ev in part["evidence"].items():
            found = ids_by_sentence.get((field, ev["page"], ev["sentence"], _start(ev)))
            if found:
                ev["extraction_id"], ev["state"] = found
                states.add(found[1])
        parts.append(part)
    evidence = dict(point.evidence)
    evidence["result"] = {**evidence["result"], "extraction_id": ext.id, "result_id": res.id}
    # How the result was obtained; the points table has no column for it (no migration): the regressions
    # read it from the result's extraction (usecases.scaling), this copy is for `progress points`.
    evidence["regime"] = {"regime": point.regime, "k": point.regime_k, "cue": point.regime_cue,
                          "from": point.regime_from, "fitted": point.fitted}
    if "stated_compute" in evidence:
        found = ids_by_sentence.get(("stated_compute", evidence["stated_compute"]["page"],
                                     evidence["stated_compute"]["sentence"], _start(evidence["stated_compute"])))
        if found:
            evidence["stated_compute"] = {**evidence["stated_compute"], "extraction_id": found[0], "state": found[1]}
            states.add(found[1])
    flops = point.compute_flops if point.compute_flops and math.isfinite(point.compute_flops) else None
    return dict(paper_id=paper_id, result_id=res.id, task=res.task, dataset=res.dataset, metric=res.metric,
                value=res.value, model=(point.model or None) and point.model[:128], size=point.size, flops=flops,
                flops_low=point.flops_low if flops else None, flops_high=point.flops_high if flops else None,
                flops_utilized=point.flops_utilized if flops else None, method=point.compute_method if flops else None,
                hardware_flops=point.hardware_flops, parts=parts, parts_text=point.parts_text(), evidence=evidence,
                operations_flops=_finite(point.operations_flops), operations=_operations(point, ids_by_sentence),
                fallback=point.fallback, excluded=point.excluded, why=point.why,
                review_state="pending" if "pending" in states else "auto", source="extracted",
                run_id=run_id)


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) and value > 0 else None


def _operations(point: PointRecord, ids_by_sentence: dict) -> dict:
    """The operation count's inputs; each input's evidence gains its extraction id when it is stored."""
    ops = dict(point.operations or {})
    evidence = {}
    for name, ev in (ops.get("evidence") or {}).items():
        field = evidence_field(name)
        found = ids_by_sentence.get((field, ev["page"], ev["sentence"], _start(ev)))
        evidence[name] = {**ev, "extraction_id": found[0], "state": found[1]} if found else ev
    ops["evidence"] = evidence
    return ops


def evidence_field(name: str) -> str:
    """The field of an operation count's evidence key: a second input of one field is keyed "epochs_2"."""
    head, _, tail = name.rpartition("_")
    return head if head and tail.isdigit() else name


def _start(ev: dict) -> int:
    return int(ev.get("char_start") or 0)


def point_burdens(session: Session) -> list[dict]:
    """Per extracted point: the paper, benchmark, summed hardware burden of its own model's stages and
    why (for comparisons with curated tables such as the study's, which sum the same stages)."""
    from models import Paper

    stmt = (select(Paper.arxiv_id, Point).join(Point, Point.paper_id == Paper.id)
            .where(Point.source == "extracted").order_by(Paper.arxiv_id, Point.dataset, Point.metric))
    return [{"arxiv_id": arxiv_id, "dataset": p.dataset, "metric": p.metric, "value": p.value, "model": p.model,
             "hardware_flops": p.hardware_flops, "operations_flops": p.operations_flops, "fallback": p.fallback,
             "flops": p.flops, "method": p.method, "stages": p.parts_text, "why": p.why}
            for arxiv_id, p in session.execute(stmt)]
