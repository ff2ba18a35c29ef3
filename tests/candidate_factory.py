"""One way for tests to make a `Candidate` whose evidence points at a phrase of a sentence.

The point, run-link and operation tests each build candidates by hand; this keeps the evidence offsets
(the phrase's position in its sentence) computed in one place.
"""
from __future__ import annotations

from typing import Any

from extractors.records import Candidate, Evidence

VALUE_KEYS = ("count", "hours", "flops", "value")


def candidate(field: str, attrs: dict[str, Any], sentence: str, match: str, *, best: bool = True,
              confidence: float = 0.8, section: str = "experiments", page: int = 5,
              features: dict[str, Any] | None = None, value: float | None = None) -> Candidate:
    """A candidate for `field` found at `match` in `sentence`; its value is the first of `attrs`'s
    count/hours/flops/value unless given."""
    start = sentence.index(match)
    if value is None:
        value = next((attrs[key] for key in VALUE_KEYS if attrs.get(key)), 0)
    return Candidate(field=field, attrs=attrs, value=float(value), unit="", raw_text=match, confidence=confidence,
                     evidence=Evidence(page, sentence, start, start + len(match), section),
                     extractor=f"{field}@test", is_best=best, features=dict(features or {}))
