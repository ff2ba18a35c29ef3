"""Hardware set-ups (issue 11, round 3): machines times what one machine holds, processor model
numbers, a generic count named by a nearby sentence. Sentences written for these tests,
with traps."""
from __future__ import annotations

import pytest

from extractors import cues
from extractors.document import Sentence
from extractors.hardware import extract_hardware, select_best


def read(*texts: str, page: int = 4, section: str = "experiments") -> list:
    sentences = [Sentence(page, text, section, 30 + i) for i, text in enumerate(texts)]
    return extract_hardware(sentences)


def confident(*texts: str, **kwargs) -> list[tuple]:
    return sorted((c.attrs["chip"], c.attrs["count"], c.attrs["unit"]) for c in read(*texts, **kwargs)
                  if c.confidence >= 0.5)


@pytest.mark.parametrize("text, expected", [
    # the parenthesis says what one machine holds: "8x", "each", or fewer chips than machines
    ("Our runs used 32× NVIDIA DGX H100 nodes (8× H100 80GB) for pre-training.", [("H100", 256, "chips")]),
    ("We pre-train on 12 DGX-2 servers (16x V100 each).", [("V100", 192, "chips")]),
    ("The network was trained on 64 compute nodes (4 A100 GPUs per node).", [("A100", 256, "chips")]),
    ("We trained it on 20 nodes (4 GPUs) for nine days.", [("GPU", 80, "chips")]),
    ("Pre-training used 2 servers (8 GPUs each).", [("GPU", 16, "chips")]),
    ("Pre-training used 2 nodes (8 RTX 3090 cards per node).", [("RTX 3090", 16, "chips")]),
    # a multiplication sign between the machines and the per-machine count
    ("Pre-training ran on 6 nodes x 8 A100 GPUs.", [("A100", 48, "chips")]),
    ("We trained with 3 machines × 4 TITAN Xp cards.", [("TITAN Xp", 12, "chips")]),
    # a machine name between the count and the machine word
    ("Training used 4 DGX-1 machines with 8 P100 GPUs each.", [("P100", 32, "chips")]),
])
def test_machines_times_what_one_machine_holds(text, expected):
    assert confident(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the parenthesis gives the total: it is at least the machine count and written without "x"/"each"
    ("We trained on 10 servers (80 GPUs) for a week.", [("GPU", 80, "chips")]),
    ("Training took 3 days on 6 hosts (48 V100 GPUs in all).", [("V100", 48, "chips")]),
    # one machine: the count stays the chips' count
    ("Training used a DGX-2 server with 16 V100 GPUs.", [("V100", 16, "chips")]),
    # "DGX-2" names a machine; its "2" is no machine count
    ("We trained on DGX-2 servers with 16 V100 GPUs each.", [("V100", 16, "chips")]),
])
def test_totals_and_single_machines_are_not_multiplied(text, expected):
    assert confident(text) == expected


@pytest.mark.parametrize("text, expected", [
    # the count before the processor's name is read past its model number
    ("We train on a box with 2 Intel Xeon Gold 6230 CPU @ 2.10GHz and 8 RTX 6000 GPUs.",
     [("CPU", 2, "chips"), ("RTX 6000", 8, "chips")]),
    ("Training runs on a host with two AMD EPYC 7543 CPUs and four A100 GPUs.",
     [("A100", 4, "chips"), ("CPU", 2, "chips")]),
    ("The agents were trained with 48 CPU cores.", [("CPU", 48, "chips")]),
    ("We train the policy on 2 CPUs @ 3.0GHz.", [("CPU", 2, "chips")]),
])
def test_a_processor_model_number_is_not_a_count(text, expected):
    assert confident(text) == expected


def test_a_processor_model_number_without_a_count_gives_nothing():
    assert confident("The simulator was trained on a single-socket Xeon(R) Plat-inum 8380 CPU @ 2.30GHz.") == []


def test_a_generic_count_takes_the_model_named_just_before():
    found = read("All of our language-model runs used 32GB V100 GPUs.",
                 "The base model needs two days of training on 4 GPUs, the big one three days on 16 GPUs.")
    assert sorted((c.attrs["chip"], c.attrs["count"]) for c in found) == [("V100", 4), ("V100", 16)]
    assert all(c.features["generic_named_nearby"] for c in found)


def test_a_generic_count_takes_the_model_named_in_its_own_sentence():
    found = read("The parser runs were done on RTX 3090 GPUs and each epoch takes a day on 2 GPUs.")
    assert [(c.attrs["chip"], c.attrs["count"]) for c in found] == [("RTX 3090", 2)]


@pytest.mark.parametrize("texts", [
    # two models named: which one the generic count means is unknown
    ("Our runs used both P100 and V100 GPUs.", "The small model trains in a day on 4 GPUs."),
    # too far back, or on another page
    ("All of our runs used V100 GPUs.", "We describe the data next.", "It was prepared by hand.",
     "The small model trains in a day on 4 GPUs."),
    # a chip named for latency names no training count
    ("Latency is measured on an A10 GPU.", "We fit the detector on 8 GPUs for a day."),
])
def test_a_generic_count_stays_generic_when_the_model_is_unclear(texts):
    found = read(*texts)
    generic = [c for c in found if c.attrs["count"] in (4, 8)]
    assert generic and all(c.attrs["chip"] == "GPU" for c in generic)


def test_on_another_page_the_previous_sentence_names_nothing():
    sentences = [Sentence(4, "All of our runs used V100 GPUs.", "experiments", 10),
                 Sentence(5, "The small model trains in a day on 4 GPUs.", "experiments", 11)]
    assert [c.attrs["chip"] for c in extract_hardware(sentences)] == ["GPU"]


@pytest.mark.parametrize("rule", ["machine_multiplier", "cpu_model_number", "name_from_nearby"])
def test_each_rule_can_be_ablated(rule):
    """`scorer train --ablate NAME` measures each rule: switched off, its sentence reads as before."""
    texts = {
        "machine_multiplier": ("Our runs used 32× NVIDIA DGX H100 nodes (8× H100 80GB) for pre-training.",),
        "cpu_model_number": ("The simulator was trained on a single-socket Xeon(R) Plat-inum 8380 CPU @ 2.30GHz.",),
        "name_from_nearby": ("All of our language-model runs used 32GB V100 GPUs.", "The base model trains on 4 GPUs."),
    }[rule]
    with_rule = [(c.attrs["chip"], c.attrs["count"], round(c.confidence, 3)) for c in read(*texts)]
    try:
        cues.ablate([rule])
        without = [(c.attrs["chip"], c.attrs["count"], round(c.confidence, 3)) for c in read(*texts)]
    finally:
        cues.ablate([])
    assert with_rule != without


@pytest.mark.parametrize("text, expected", [
    # a duration after "over one" is no comparison ("a speed-up over one GPU" is)
    ("The network trained over one week on 16 NVIDIA V100 32G GPUs.", [("V100", 16, "chips")]),
    # a hyphenated number word
    ("The sweep ran on sixty-four TPU v4 chips for nine days.", [("TPU v4", 64, "chips")]),
    # a describing word between the count and the processor
    ("Fitting the parser takes about 20 hours on 6 multicore CPUs.", [("CPU", 6, "chips")]),
])
def test_forms_that_were_read_as_no_set_up(text, expected):
    assert confident(text) == expected


@pytest.mark.parametrize("text", [
    "Our kernel gives a 3x speed-up over one GPU of the same kind.",
    "One GPU holds the embeddings while the rest run the layers.",
    "Two GPUs were slower than one for the smallest model.",
])
def test_comparisons_and_chips_as_actors_stay_below_threshold(text):
    assert confident(text) == []


@pytest.mark.parametrize("text, expected", [
    # a range or alternatives kept in one token: both ends are set-ups
    ("The ablations were trained on 8–16 NVIDIA V100 GPUs, depending on the model size.",
     [("V100", 8, "chips"), ("V100", 16, "chips")]),
    ("We pre-train the base/large variants on 64/128 TPU v3 cores.",
     [("TPU v3", 64, "cores"), ("TPU v3", 128, "cores")]),
])
def test_ranges_written_as_one_token(text, expected):
    assert confident(text) == expected


@pytest.mark.parametrize("text", [
    "Prices of 2019/2020 GPUs rose sharply.",  # years, not a range of chips
    "We use a batch of 32/64 per GPU.",  # per-chip batch sizes
])
def test_ranges_written_as_one_token_traps(text):
    assert confident(text) == []


@pytest.mark.parametrize("texts", [
    ("The original detector [12] was fit on K80 GPUs.", "We fit ours on 8 GPUs for a day."),
    ("Unlike the dense baseline, which needed V100 GPUs, we train on 8 GPUs.",),
])
def test_a_cited_or_compared_chip_names_no_generic_count(texts):
    found = [c for c in read(*texts) if c.attrs["count"] == 8]
    assert [c.attrs["chip"] for c in found] == ["GPU"]


def test_a_model_cards_hours_field_is_no_chip_time():
    card = "Pretraining Hardware Type: 64 NVIDIA H100 GPUs Hours used: 300 hours Cloud Provider: none"
    assert confident(card) == [("H100", 64, "chips")]
    assert confident("The sweep took 64 GPU hours in all.") == []
