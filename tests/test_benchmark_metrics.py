"""Metric names read from text (extractors.benchmarks.find_metrics), and the word prefilter in front of
its patterns: every form below must still be found with the prefilter in place. Our own wording."""
from __future__ import annotations

import pytest

from extractors import benchmarks as bm

FORMS = [
    ("the model reaches a top-1 error of 21.3% on the held-out images", ["top-1 error"]),
    ("Top-5 accuracy improves by two points", ["top-5 accuracy"]),
    ("we list top-5 numbers only", ["top-5"]),
    ("Acc@1 | Acc@5", ["top-1 accuracy", "top-5 accuracy"]),
    ("Err@5 of the small variant", ["top-5 error"]),
    ("AP@[.5:.95] on the validation images", ["AP"]),
    ("mAP@0.5 and AP50 are both reported", ["AP50", "AP50"]),
    ("box AP rises to 41.0", ["AP"]),
    ("an EM of 80.2 and an F1 of 87.9", ["EM", "F1"]),
    ("exact match and F-score on the dev set", ["EM", "F1"]),
    ("a BLEU of 27.4 on the test set", ["BLEU"]),
]


@pytest.mark.parametrize("text,names", FORMS)
def test_metric_forms(text, names):
    assert [m.name for m in bm.find_metrics(text)] == names


@pytest.mark.parametrize("text", [
    "the laptop and desktop machines stop at the top shelf",  # "top" inside other words, no metric
    "mask AP is another task",  # instance masks, not box AP
    "an apple a day, emphatically",  # lower-case "ap" and "em" start ordinary words
])
def test_words_that_only_look_like_metrics(text):
    assert bm.find_metrics(text) == []


def test_every_pattern_has_its_prefilter_words():
    assert len(bm._METRIC_PATTERN_KEYS) == len(bm._METRIC_PATTERNS)
