"""bench/scorer_errors.py: held-out false positives and negatives are told apart and explained."""
from __future__ import annotations

import importlib.util
from pathlib import Path

from extractors.records import Candidate, Evidence
from extractors.scoring.train import HeldOut

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "scorer_errors.py"


def _module():
    spec = importlib.util.spec_from_file_location("scorer_errors", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def cand(count: int, chip: str, confidence: float, best: bool) -> Candidate:
    text = f"The cluster held {count} {chip} cards for the main run."
    start = text.index(str(count))
    return Candidate(field="hardware", attrs={"chip": chip, "count": count, "unit": "chips"}, value=float(count),
                     unit="chips", raw_text=f"{count} {chip}", confidence=confidence,
                     evidence=Evidence(3, text, start, start + len(str(count)) + 1 + len(chip), "experiments"),
                     extractor="hardware@test", is_best=best, features={"rule_confidence": 0.6})


def test_errors_are_classified_with_their_reason():
    errors = _module().errors
    gold = {"p1": {"hardware": [{"chip": "V100", "count": 8}, {"chip": "V100", "count": 64},
                                {"chip": "A100", "count": 4}, {"chip": "K80", "count": 2}]}}
    held = [HeldOut("p1", 0, [
        cand(8, "V100", 0.9, True),    # true positive
        cand(16, "P100", 0.7, True),   # false positive: no such label
        cand(64, "V100", 0.3, True),   # the label's only mention scored low
        cand(4, "A100", 0.8, False),   # above 0.5 but not chosen by the selection
        cand(1, "T4", 0.2, False),     # not emitted, not a label: no error
    ])]
    fps, fns = errors("hardware", held, gold)
    assert [(c.attrs["chip"], c.attrs["count"]) for _, c, _ in fps] == [("P100", 16)]
    reasons = {(lab["chip"], lab["count"]): reason for _, lab, reason, _ in fns}
    assert reasons == {("V100", 64): "scored 0.30 < 0.5", ("A100", 4): "lost in selection",
                       ("K80", 2): "not generated"}


def test_the_sentence_marks_the_value():
    sentence_of = _module().sentence_of
    assert "[[8 V100]]" in sentence_of(cand(8, "V100", 0.9, True))
