"""The attributes each candidate field may carry, with their types and ranges: one table.

A reviewer's correction (`progress review correct --value/--set`, the web form) is checked against
it as strictly as an extractor's output is shaped: only known keys for the field, each parsed by its
rule (a positive number, a whole count, one of a few words, short text), so the analysis never sees
zero or negative hours, counts or FLOPs, nor an unknown key. A new field or attribute is one entry in
`FIELD_ATTRS` (e.g. "parameters": {"count": POSITIVE}).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any, Callable


class AttrError(ValueError):
    """A value that does not fit its attribute's rule, stated in one line naming the attribute."""


@dataclass(frozen=True)
class Rule:
    """How one attribute's value is parsed: `parse(raw)` returns the stored value or raises ValueError
    with the reason (without the attribute's name, which the caller adds)."""

    describe: str
    parse: Callable[[Any], Any]


def _number(raw: Any) -> float:
    if isinstance(raw, bool):
        raise ValueError("expected a number")
    try:
        number = float(str(raw).replace(",", "").strip())
    except ValueError:
        raise ValueError(f"must be a number, got {raw!r}") from None
    if not math.isfinite(number):
        raise ValueError(f"expected a finite number, got {raw!r}")
    return number


def _positive(raw: Any) -> float:
    number = _number(raw)
    if number <= 0:
        raise ValueError(f"must be above 0, got {raw!r}")
    return number


def _count(raw: Any) -> int:
    number = _number(raw)
    if number < 1 or number != int(number):
        raise ValueError(f"must be a whole number of at least 1, got {raw!r}")
    return int(number)


def _score(raw: Any) -> float:
    number = _number(raw)
    if not 0 <= number < 100:
        raise ValueError(f"must be a score from 0 to below 100 (percent or BLEU), got {raw!r}")
    return number


def _range(raw: Any) -> list[float] | None:
    """'12-24' or [12, 24]: a low and a high number of hours, 0 < low <= high. None clears it."""
    if raw is None:
        return None
    parts = list(raw) if isinstance(raw, (list, tuple)) else re.split(r"\s*(?:-|–|\.\.|to)\s*", str(raw).strip())
    if len(parts) != 2:
        raise ValueError(f"expected LOW-HIGH, got {raw!r}")
    low, high = _positive(parts[0]), _positive(parts[1])
    if low > high:
        raise ValueError(f"low {low:g} is above high {high:g}")
    return [low, high]


def _text(raw: Any) -> str:
    text = " ".join(str(raw).split())
    if not text or len(text) > 80 or not text.isprintable():
        raise ValueError(f"expected a short name (1 to 80 printable characters), got {raw!r}")
    return text


def one_of(*choices: str) -> Rule:
    def parse(raw: Any) -> str:
        text = str(raw).strip()
        if text not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, got {raw!r}")
        return text

    return Rule(f"one of {'/'.join(choices)}", parse)


POSITIVE = Rule("a number above 0", _positive)
COUNT = Rule("a whole number >= 1", _count)
SCORE = Rule("a score in [0, 100)", _score)
HOURS_RANGE = Rule("LOW-HIGH hours", _range)
NAME = Rule("a short name", _text)

# field -> attribute -> rule. Keys not listed here are refused in a correction.
FIELD_ATTRS: dict[str, dict[str, Rule]] = {
    "hardware": {"chip": NAME, "count": COUNT, "unit": one_of("chips", "cores", "devices")},
    "training_time": {"hours": POSITIVE, "kind": one_of("wall", "chip-hours"), "hours_range": HOURS_RANGE},
    "stated_compute": {"flops": POSITIVE},
    "throughput": {"chip": NAME, "flops_per_s": POSITIVE, "precision": NAME},
    "results": {"dataset": NAME, "metric": NAME, "value": SCORE},
}


def check_attrs(field: str, attrs: dict[str, Any]) -> dict[str, Any]:
    """`attrs` parsed by the field's rules (e.g. "8" chips -> 8), or AttrError naming the first
    unknown key or bad value."""
    rules = FIELD_ATTRS.get(field)
    if rules is None:
        raise AttrError(f"field {field!r} takes no corrections here; known fields: {', '.join(FIELD_ATTRS)}")
    out: dict[str, Any] = {}
    for key, raw in attrs.items():
        rule = rules.get(key)
        if rule is None:
            raise AttrError(f"{field} has no attribute {key!r}; it has {', '.join(rules)}")
        try:
            out[key] = rule.parse(raw)
        except ValueError as exc:
            raise AttrError(f"{field}.{key}: {exc}") from None
    return out


def attrs_problem(field: str, attrs: dict[str, Any]) -> str | None:
    """Why a stored correction's known attributes break their rules (e.g. hours -5, saved before
    corrections were checked), or None. Keys the analysis does not read are left alone here."""
    rules = FIELD_ATTRS.get(field, {})
    try:
        check_attrs(field, {k: v for k, v in attrs.items() if v is not None and k in rules}) if rules else None
    except AttrError as exc:
        return str(exc)
    return None
