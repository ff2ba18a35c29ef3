"""The shared cues (extractors/cues.py) on sentences written for these tests."""
from __future__ import annotations

import pytest

from extractors import cues
from extractors.document import Sentence
from extractors.hardware import extract_hardware


@pytest.mark.parametrize("name, own, expected", [
    ("Osprey-XL", {"Osprey-7B"}, True),  # a size of the paper's model family
    ("Osprey", {"Osprey-7B"}, True),
    ("Ospreys", {"Osprey"}, True),
    ("Heron-2", {"Osprey-7B"}, False),
    ("ResNet-50", {"R-CNN"}, False),  # a short head compares the whole name
    ("R-CNN", {"R-CNN"}, True),
])
def test_own_names_compare_by_their_head(name, own, expected):
    assert cues.is_own_name(name, frozenset(own)) is expected


def test_a_sentence_opening_with_the_papers_hyphenated_model_is_its_own():
    own = cues.own_model_names("Osprey-7B: a compact language model", [])
    assert cues.other_model_subject("Osprey-7B was trained on 64 accelerators for a week.", own) == 0.0
    assert cues.other_model_subject("HeronNet was trained on 64 accelerators for a week.", own) > 0


def _proposals(*texts: str) -> frozenset[str]:
    return cues.own_model_names("Notes on sparse training", [Sentence(1, t, "body", i) for i, t in enumerate(texts)])


@pytest.mark.parametrize("text, names", [
    ("In this work we present Kestrel, a sparse encoder for long documents.", {"Kestrel"}),
    ("Below we introduce the Kestrel architecture and study how it scales.", {"Kestrel"}),
    # a capitalised phrase is named by the short name in brackets after it, not by its first word
    ("Here we propose a Sparse Gated Recurrent Encoder (SGRE) for long inputs.", {"SGRE"}),
    ("Here we present Shared Window Attention, which reuses keys across layers.", set()),
    # after a preposition the name is what the proposal is about or for
    ("First we present a short survey of Transformer variants before our method.", set()),
    ("This paper presents encoders for NER that need no gazetteers.", set()),
])
def test_the_name_a_proposal_sentence_gives(text, names):
    assert _proposals(text) == names


def test_proposal_shape_rule_switches_off():
    cues.ablate(["own_name_proposal_shape"])
    try:
        assert _proposals("Here we present Shared Window Attention, which reuses keys across layers.") == {"Shared"}
    finally:
        cues.ablate([])


@pytest.mark.parametrize("clause, comparison", [
    ("It takes more than", False),  # an amount: "more than two weeks"
    ("Pre-training needs less than", False),
    ("Our model trains faster than", True),
    ("This is slower than the one trained on", True),
    ("compared with the baseline run on", True),
])
def test_more_than_qualifies_an_amount_not_a_comparison(clause, comparison):
    assert bool(cues.COMPARISON_BEFORE.search(clause)) is comparison


def test_a_set_up_after_more_than_keeps_its_confidence():
    text = "It takes more than ten days to pre-train the large model on 32 A100 GPUs."
    (cand,) = extract_hardware([Sentence(5, text, "experiments", 0)])
    assert not cand.features["comparison_before"] and cand.confidence >= 0.5
