"""Reviewed decisions as evaluation labels, in the scorer's JSONL format (../shared/eval/score.py):

  {"arxiv_id": "...", "hardware": [...], "training_time": [...], "results": [...], "stated_compute": [...]}

Accepted values and corrections become labels, so every review grows the evaluation set. A field is
written only when the paper has at least one accepted or corrected value for it: the scorer reads a
present field as "labelled", and a rejection says what is wrong, not what is right.
"""
from __future__ import annotations

import json
from typing import Any, Iterable, TextIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from models import DecisionAction, Paper, ReviewDecision

SCORED_FIELDS = ("hardware", "training_time", "results", "stated_compute")


def review_labels(session: Session) -> list[dict[str, Any]]:
    """One object per paper with accepted or corrected values, ordered by arXiv id."""
    stmt = (select(Paper.arxiv_id, ReviewDecision)
            .join(Paper, Paper.id == ReviewDecision.paper_id)
            .where(ReviewDecision.action.in_([DecisionAction.accept, DecisionAction.correct]),
                   ReviewDecision.field.in_(SCORED_FIELDS))
            .order_by(Paper.arxiv_id, ReviewDecision.field, ReviewDecision.id))
    papers: dict[str, dict[str, list[dict]]] = {}
    for arxiv_id, decision in session.execute(stmt):
        label = _label(decision)
        items = papers.setdefault(arxiv_id, {}).setdefault(decision.field, [])
        if label not in items:  # the same value accepted in two sentences is one label
            items.append(label)
    return [{"arxiv_id": arxiv_id, **{f: fields[f] for f in SCORED_FIELDS if f in fields}}
            for arxiv_id, fields in papers.items()]


def write_jsonl(labels: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for label in labels:
        out.write(json.dumps(label, sort_keys=False) + "\n")
        count += 1
    return count


def _label(decision: ReviewDecision) -> dict[str, Any]:
    attrs = dict(decision.original_attrs or {})
    if decision.action == DecisionAction.correct:
        attrs.update(decision.corrected_attrs or {})
    # None marks a value the correction made stale (e.g. a range): the scorer must not see the key.
    return {k: v for k, v in attrs.items() if v is not None and k != "confidence"}
