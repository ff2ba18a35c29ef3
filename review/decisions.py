"""Recording a reviewer's decision on one candidate.

One decision per paper + candidate_key: a new decision on the same candidate replaces the old one,
because it is the reviewer's latest word. Decisions never touch `extractions` (a re-extraction
replaces those), and the paper's result rows are rebuilt at once so the regressions' inputs reflect
the decision; compute estimates follow at the next refit, which rebuilds them from the same values.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from usecases.paper_stages import refresh_results
from extractors.field_attrs import AttrError, check_attrs
from models import DecisionAction, ReviewDecision
from models.base import utcnow
from review.queue import HEADLINE_ATTR, ReviewError, ReviewItem, find_item
from settings.config import Config

# A corrected headline number makes a stored range stale (it described the old value).
_STALE_WITH_HEADLINE = {"training_time": ("hours_range",)}


@dataclass
class Outcome:
    item: ReviewItem  # the candidate as it stands after the decision
    replaced: str | None  # the previous decision's action, if this one replaced it


def decide(session: Session, config: Config, ref: str | int, action: str, *, reviewer: str,
           value: str | float | None = None, attrs: dict[str, Any] | None = None,
           note: str | None = None) -> Outcome:
    """Accept, reject or correct candidate `ref` (row id or candidate-key prefix).

    A correction takes the new headline `value` (chip count, hours, FLOPs, FLOP/s or score) and/or
    other `attrs` (e.g. {"chip": "A100"}); accept and reject take neither."""
    try:
        kind = DecisionAction(action)
    except ValueError:
        raise ReviewError(f"action must be accept, reject or correct, not {action!r}") from None
    if not reviewer or not reviewer.strip():
        raise ReviewError("a decision needs a reviewer name (--reviewer)")
    min_confidence = config.review.min_confidence
    item = find_item(session, ref, min_confidence=min_confidence)
    corrected = _corrected_attrs(item, value, attrs) if kind == DecisionAction.correct else None
    if kind != DecisionAction.correct and (value is not None or attrs):
        raise ReviewError(f"a value can only be given with correct, not with {kind.value}")

    existing = session.execute(select(ReviewDecision).where(
        ReviewDecision.paper_id == item.paper_id, ReviewDecision.candidate_key == item.candidate_key)
    ).scalar_one_or_none()
    replaced = existing.action.value if existing is not None else None
    decision = existing or ReviewDecision(paper_id=item.paper_id, candidate_key=item.candidate_key)
    decision.field = item.field
    decision.action = kind
    decision.corrected_value = _headline(item.field, corrected) if corrected else None
    decision.corrected_attrs = corrected
    decision.original_attrs = dict(item.attrs)
    decision.page = item.page
    decision.sentence = item.sentence
    decision.reviewer = reviewer.strip()
    decision.note = note.strip() if note and note.strip() else None
    decision.decided_at = utcnow()
    if existing is None:
        session.add(decision)
    session.flush()
    refresh_results(session, item.paper_id, config)
    return Outcome(find_item(session, item.id, min_confidence=min_confidence), replaced)


def parse_attr_assignments(assignments: list[str] | None) -> dict[str, str]:
    """`["chip=A100", "count=16"]` -> {"chip": "A100", "count": "16"}; the field's rules
    (extractors/field_attrs) parse and check each value when the correction is made."""
    out: dict[str, str] = {}
    for text in assignments or []:
        key, sep, raw = text.partition("=")
        if not sep or not key.strip():
            raise ReviewError(f"expected key=value, got {text!r}")
        out[key.strip()] = raw.strip()
    return out


def _corrected_attrs(item: ReviewItem, value: str | float | None, attrs: dict[str, Any] | None) -> dict[str, Any]:
    """The correction, checked as strictly as an extractor's output: known keys for the field, each
    value parsed by its rule (no zero or negative hours, counts or FLOPs reach the analysis)."""
    corrected = dict(attrs or {})
    headline = HEADLINE_ATTR.get(item.field)
    if value is not None:
        if headline is None:
            raise ReviewError(f"field {item.field!r} has no headline number: use key=value attributes")
        corrected[headline] = value
    if not corrected:
        raise ReviewError("correct needs the right value (--value) or attributes (--set key=value)")
    try:
        corrected = check_attrs(item.field, corrected)
    except AttrError as exc:
        raise ReviewError(str(exc)) from None
    if headline in corrected:
        for stale in _STALE_WITH_HEADLINE.get(item.field, ()):
            if stale in item.attrs and stale not in corrected:
                corrected[stale] = None  # falsy: the analysis and the export ignore it
    return corrected


def _headline(field_name: str, attrs: dict[str, Any]) -> float | None:
    value = attrs.get(HEADLINE_ATTR.get(field_name, ""))
    return float(value) if isinstance(value, (int, float)) else None
