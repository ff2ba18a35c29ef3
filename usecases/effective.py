"""The values the analysis may use: extracted best candidates overlaid with reviewer decisions.

- a rejected candidate is gone (and stays gone: decisions are keyed by candidate_key, which a
  re-extraction reproduces for the same value in the same sentence);
- a correction replaces the extracted value and counts as reviewed;
- a correction whose known attributes break their rules (extractors/field_attrs; stored before they were
  checked at entry, e.g. "-5 h") is left out with a warning: the reviewer said the extracted value
  is wrong, and the correction cannot be used;
- an accepted candidate counts even when its confidence is low, even if it was not the best one;
- anything else below the confidence threshold is "pending": kept out unless asked for.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from extractors.field_attrs import attrs_problem
from models import DecisionAction, Extraction, ReviewDecision

log = logging.getLogger(__name__)


@dataclass
class EffectiveValue:
    extraction_id: int
    paper_id: int
    field: str
    attrs: dict
    confidence: float
    state: str  # auto | pending | accepted | corrected
    candidate_key: str


def effective_values(session: Session, *, min_confidence: float, paper_ids: Iterable[int] | None = None,
                     fields: Iterable[str] | None = None) -> list[EffectiveValue]:
    decided = and_(ReviewDecision.paper_id == Extraction.paper_id,
                   ReviewDecision.candidate_key == Extraction.candidate_key)
    stmt = (select(Extraction, ReviewDecision).outerjoin(ReviewDecision, decided)
            .where(or_(Extraction.is_best,
                       ReviewDecision.action.in_([DecisionAction.accept, DecisionAction.correct])))
            .order_by(Extraction.paper_id, Extraction.id))
    if paper_ids is not None:
        stmt = stmt.where(Extraction.paper_id.in_(list(paper_ids)))
    if fields is not None:
        stmt = stmt.where(Extraction.field.in_(list(fields)))
    out = []
    for ext, decision in session.execute(stmt):
        attrs, confidence = dict(ext.attrs), ext.confidence
        if decision is None:
            state = "auto" if ext.confidence >= min_confidence else "pending"
        elif decision.action == DecisionAction.reject:
            continue
        elif decision.action == DecisionAction.correct:
            problem = attrs_problem(ext.field, decision.corrected_attrs or {})
            if problem:
                log.warning("correction of %s (paper %s) left out: %s", ext.candidate_key[:12], ext.paper_id, problem)
                continue
            attrs.update(decision.corrected_attrs or {})
            state, confidence = "corrected", 1.0
        else:
            state, confidence = "accepted", 1.0
        out.append(EffectiveValue(ext.id, ext.paper_id, ext.field, attrs, confidence, state, ext.candidate_key))
    return out


def by_paper_and_field(values: Iterable[EffectiveValue]) -> dict[int, dict[str, list[EffectiveValue]]]:
    grouped: dict[int, dict[str, list[EffectiveValue]]] = {}
    for value in values:
        grouped.setdefault(value.paper_id, {}).setdefault(value.field, []).append(value)
    return grouped
