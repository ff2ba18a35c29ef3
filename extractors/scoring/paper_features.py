"""Paper-level features, set at generation time on every candidate: position in the paper, agreeing
mentions of the same value (select_best's notion of agreement), how many distinct values the field
has, whether it is the largest, and the rule's own confidence and choice."""
from __future__ import annotations

import math
from collections import Counter

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
