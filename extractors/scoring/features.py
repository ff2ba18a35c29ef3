"""Candidate -> numeric vector for the learned scorer, generic over feature names.

Extractors fill `Candidate.features` with named signals (bool, number or short string); this module
adds the paper-level ones (position in the paper, agreeing mentions of the same value, how many
distinct values the field has, the rule's own confidence) and turns the dict into a vector:
booleans 0/1, numbers as they are, strings one-hot as "name=value". The list of columns is stored
in each model file, so a model keeps working when extractors add features later (unknown names are
ignored, missing ones are 0).
"""
from __future__ import annotations

import math
from collections import Counter
from typing import Any

import numpy as np

from extractors.records import Candidate


def value_key(cand: Candidate) -> tuple:
    """Mentions with the same key state the same value (select_best's notion of agreement)."""
    a = cand.attrs
    if cand.field == "hardware":
        from extractors.hardware import setup_key

        return setup_key(cand)
    if cand.field == "training_time":
        return a.get("kind", "wall"), round(math.log10(max(cand.value, 1e-9)) / 0.004)
    if cand.field == "results":
        return a.get("dataset"), a.get("metric"), round(float(a.get("value", cand.value)), 2)
    return (round(math.log10(max(cand.value, 1e-30)) / 0.004),)


def add_paper_features(candidates: list[Candidate], page_count: int) -> None:
    """Features that need the whole paper: set in place on every candidate (before scoring)."""
    by_field: dict[str, list[Candidate]] = {}
    for cand in candidates:
        by_field.setdefault(cand.field, []).append(cand)
    for members in by_field.values():
        keys = [value_key(c) for c in members]
        mentions = Counter(keys)
        pages_of_key: dict[tuple, set[int]] = {}
        for key, cand in zip(keys, members):
            pages_of_key.setdefault(key, set()).add(cand.evidence.page)
        largest = max((c.value for c in members), default=0.0)
        for key, cand in zip(keys, members):
            f = cand.features
            f["page_frac"] = round(cand.evidence.page / max(page_count, 1), 3)
            f["n_mentions"] = mentions[key]
            f["repeated"] = mentions[key] > 1
            f["n_pages_same_value"] = len(pages_of_key[key])
            f["n_values_in_field"] = len(mentions)
            f["largest_value"] = cand.value >= largest
            f.setdefault("section", cand.evidence.section)
            f["rule_confidence"] = round(float(cand.confidence), 4)
            f["rule_best"] = bool(cand.is_best)  # the extractor's own choice (results mark headlines)


def expand(features: dict[str, Any]) -> dict[str, float]:
    """One candidate's features as named numbers: bool -> 0/1, number -> float, str -> "name=value"."""
    out: dict[str, float] = {}
    for name, value in features.items():
        if isinstance(value, bool):
            out[name] = 1.0 if value else 0.0
        elif isinstance(value, (int, float)):
            if math.isfinite(float(value)):
                out[name] = float(value)
        elif value is not None:
            out[f"{name}={value}"] = 1.0
    return out


def vectorize(rows: list[dict[str, float]], columns: list[str]) -> np.ndarray:
    """Rows of expanded features -> matrix over `columns` (missing = 0, unknown names ignored)."""
    index = {name: i for i, name in enumerate(columns)}
    matrix = np.zeros((len(rows), len(columns)))
    for r, row in enumerate(rows):
        for name, value in row.items():
            i = index.get(name)
            if i is not None:
                matrix[r, i] = value
    return matrix
