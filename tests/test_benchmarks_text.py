"""Metric and data-set names read from text (extractors.benchmarks), with the shortcuts in front of
the patterns: every metric form must still be found behind the word prefilter, and a whole paper's
data sets are the same whether the word positions come from the text or from the paper's keyword
pass. Our own wording."""
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


def _paper_sentences():
    from extractors.document import Sentence

    texts = ["We pre-train a small encoder on unlabeled news text for two weeks.",
             "It is then fine-tuned on ImageNet and on the COCO detection split.",
             "Related systems were compared on WMT 2014 English-German, which we skip.",
             "Our translation runs use newstest2014 for testing; EN-DE and En-Fr both appear.",
             "A note on the İstanbul cluster used for SQuAD v1.1 runs."] * 12
    return [Sentence(1 + i // 10, t, "experiments" if i % 7 else "related_work", i) for i, t in enumerate(texts)]


def test_a_papers_data_sets_are_the_same_from_the_keyword_pass():
    from extractors.result_context import SKIPPED_SECTIONS, _word_positions

    sentences = [s for s in _paper_sentences() if "İ" not in s.text]
    body = [s for s in sentences if s.section not in SKIPPED_SECTIONS]
    text = "\n".join(s.text for s in body)
    assert len(text) > 2000  # the long-text path, with windows around the words
    positions = _word_positions(text, body, sentences)
    assert positions == {w: bm.word_positions(text.lower(), w) for w in bm.LONG_TEXT_WORDS}
    assert bm.find_datasets(text, positions=positions) == bm.find_datasets(text)
    assert {m.name for m in bm.find_datasets(text)} >= {"ImageNet", "COCO"}
    assert bm.mentions_wmt14(text, positions) == bm.mentions_wmt14(text)


def test_no_keyword_positions_when_lower_casing_changes_the_length():
    from extractors.result_context import _word_positions

    sentences = _paper_sentences()  # "İ" lower-cases to two characters
    text = "\n".join(s.text for s in sentences)
    assert _word_positions(text, sentences, sentences) is None
