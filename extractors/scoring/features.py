"""Candidate -> numeric vector for the learned scorer, generic over feature names.

Extractors fill `Candidate.features` with named signals (bool, number or short string);
paper_features.py adds the paper-level ones; this module turns the dict into a vector:
booleans 0/1, numbers as they are, strings one-hot as "name=value". The list of columns is stored
in each model file, so a model keeps working when extractors add features later (unknown names are
ignored, missing ones are 0).
"""
from __future__ import annotations

import math
from typing import Any

import numpy as np



# Cues that argue against (or for) a value being the paper's own training set-up, whichever field
# they come from. A single cue is often seen in only a few papers, too few to learn its weight alone;
# their counts are seen everywhere, so the model learns how much one more cue matters.
NEGATIVE_CUES = frozenset("""inference_cue et_al citation third_person_before hypothetical comparison_before
    capacity negation_before cited_subject data_preparation_before donation generic_practice_before
    contrast_opening non_training_use_after chip_is_subject unit_of_work_before bound_qualifier
    limit_or_budget per_example_near baseline_near
    conditional_word difference_before evaluation_cue citation_before compound_after data_amount_after
    reference_entry data_span""".split())
POSITIVE_CUES = frozenset("own_work training_strong training_use_after train_cue_local compute_cue".split())
# The rule confidence is clipped to [RULE_CLIP, 1 - RULE_CLIP] before the logit: rules clamp many
# mentions to 0.0 or 1.0 (logit -3.9 / +3.9 at the old 0.02 clip), and the few true values among the
# 0.0s (a table cell, a time-to-quality phrase) pulled the Platt slope flat, so rule 0.35-0.45 mentions
# came out above 0.5 and 0.6-0.8 ones under-confident. Grouped CV, 3 fold seeds, training time P / R:
# clip 0.02 -> 0.892 / 0.895, 0.05 -> 0.911 / 0.883, 0.08 -> 0.923 / 0.883, 0.1 -> 0.929 / 0.883,
# 0.15 -> 0.928 / 0.877, 0.2 -> 0.928 / 0.870 (L2 50 or 200 at 0.1: the same within one value);
# hardware and results CV unchanged at 0.1.
RULE_CLIP = 0.1
_NEGATIVE_VALUES = {"named_model_before": "other", "table_row": "other"}
_POSITIVE_VALUES = {"named_model_before": "own", "table_row": "own"}


def cue_counts(features: dict[str, Any]) -> dict[str, float]:
    negative = sum(1 for name in NEGATIVE_CUES if features.get(name) is True)
    negative += sum(1 for name, value in _NEGATIVE_VALUES.items() if features.get(name) == value)
    negative += 1 if (features.get("other_model_subject") or 0) > 0 else 0
    positive = sum(1 for name in POSITIVE_CUES if features.get(name) is True)
    positive += sum(1 for name, value in _POSITIVE_VALUES.items() if features.get(name) == value)
    return {"n_negative_cues": float(negative), "n_positive_cues": float(positive),
            "any_negative_cue": float(negative > 0)}


def expand(features: dict[str, Any]) -> dict[str, float]:
    """One candidate's features as named numbers: bool -> 0/1, number -> float, str -> "name=value",
    plus the cue counts (`cue_counts`)."""
    out: dict[str, float] = cue_counts(features)
    rule = features.get("rule_confidence")
    if isinstance(rule, (int, float)) and not isinstance(rule, bool):
        # the rules' confidence on the logit scale: the prior the model calibrates (train.UNPENALISED)
        p = min(max(float(rule), RULE_CLIP), 1 - RULE_CLIP)
        out["rule_logit"] = math.log(p / (1 - p))
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
