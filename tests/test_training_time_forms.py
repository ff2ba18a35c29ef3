"""Training time, issue 11 round 3: general forms read from the kinds of held-out errors.

A chip count written next to a duration ("on 32 cards for nine days"), time to train or to find the
result, code listings ("min(a, b)"), a parenthesis after minutes and a chip-time total set off by a
dash after the wall time. Every sentence is our own wording.
"""
from __future__ import annotations

import math

import pytest

from extractors import cues
from extractors.document import Sentence
from extractors.scoring.features import RULE_CLIP, expand
from extractors.training_time import extract_training_time


def candidates(text: str, section: str = "experiments"):
    return extract_training_time([Sentence(3, text, section, 0)])


def accepted(text: str, section: str = "experiments") -> list[tuple[float, str]]:
    return sorted((round(c.attrs["hours"], 2), c.attrs["kind"]) for c in candidates(text, section) if c.confidence >= 0.5)


def only(text: str, section: str = "experiments"):
    found = candidates(text, section)
    assert len(found) == 1, found
    return found[0]


# ---- a chip count next to the duration


@pytest.mark.parametrize(
    "text, hours",
    [
        ("The job ran on 32 cards for nine days.", 216.0),
        ("The final network took 11 days on 128 accelerators.", 264.0),
        ("The whole schedule ran on 4 nodes with 8 GPUs each for around 5 days.", 120.0),
        ("The large configuration occupied 16 V100s for 40 hours.", 40.0),
        ("It took 6 days on a single machine.", 144.0),
    ],
)
def test_a_chip_count_next_to_the_duration_makes_it_a_run(text, hours):
    cand = only(text)
    assert cand.features["hardware_adjacent"] is True
    assert accepted(text) == [(hours, "wall")]


@pytest.mark.parametrize(
    "text",
    [
        # another model's run, marked by a citation or a comparison
        "The earlier detector [12] needs 9 days on 64 GPUs.",
        "Compared with ours, the older system took 9 days on 64 GPUs.",
        # a bound, not a measurement
        "A replication is possible in under 9 days on 64 GPUs.",
        # one epoch, not the run
        "Each epoch takes 9 hours on 64 GPUs.",
        # a task, not a run, is the subject
        "Indexing the whole archive took 10 hours on 8 machines.",
    ],
)
def test_a_chip_count_does_not_rescue_another_runs_duration(text):
    assert accepted(text) == []


def test_a_comparison_table_row_gets_no_boost_from_its_chip_cell():
    table = "Method Wall time Score Older agent 7 days on GPU 51.2 Other agent 3 days on GPU 60.1"
    for cand in candidates(table, section="table"):
        no_boost = dict(cand.features, hardware_adjacent=False)
        from extractors.training_time import rule_confidence

        assert rule_confidence(cand.features) == rule_confidence(no_boost)


@pytest.mark.parametrize(
    "text, adjacent",
    [
        ("We used 64 cards for 14 days.", True),
        ("Training ran for 3 days on eight TPU chips.", True),
        ("It lasts 2 days using 16 A100s.", True),
        ("We trained for 3 days with a batch size of 64.", False),
        ("We trained for 2 days on the full corpus.", False),
        ("We trained for 2 days on ImageNet.", False),
    ],
)
def test_hardware_adjacent_reads_both_sides(text, adjacent):
    assert only(text).features["hardware_adjacent"] is adjacent


# ---- a model as the subject of "took"


@pytest.mark.parametrize(
    "text, hours",
    [
        ("The 30B variant took 45 days.", 1080.0),
        ("Our biggest network needed about 20 days.", 480.0),
    ],
)
def test_a_model_that_took_a_duration_ran_that_long(text, hours):
    cand = only(text)
    assert cand.features["model_took_before"] is True
    assert accepted(text) == [(hours, "wall")]


@pytest.mark.parametrize(
    "text",
    [
        "Their model [3] took 45 days.",
        "A comparable model would have taken 45 days.",
        "Each epoch of the model took 45 minutes.",
    ],
)
def test_a_model_that_took_a_duration_is_not_ours_with_other_cues(text):
    assert accepted(text) == []


# ---- a name after "on"/"in" is what the run used, not another model


@pytest.mark.parametrize(
    "text",
    [
        "Every configuration is trained on SVHN10 for 20 hours.",
        "Our code is written in PyTorch and trained on 16 cards for about 2 weeks.",
    ],
)
def test_a_data_set_or_framework_name_is_not_another_model(text):
    cand = only(text)
    assert cand.features["named_model_before"] == "none"
    assert cand.confidence >= 0.5


def test_a_model_named_as_the_subject_is_still_another_model():
    own = frozenset({"QuickNet"})
    [cand] = extract_training_time([Sentence(3, "Compared to ResNet50 trained for 9 days, ours is fast.", "body", 0)],
                                   own_names=own)
    assert cand.features["named_model_before"] == "other"
    assert cand.confidence < 0.5
    [cand] = extract_training_time([Sentence(3, "We ran QuickNet on SVHN10 for 20 hours.", "body", 0)], own_names=own)
    assert cand.features["named_model_before"] == "none"  # the data set after "on" is not the subject


# ---- time to train, or to find the result, is a run


@pytest.mark.parametrize(
    "text",
    [
        "It takes about two hours to train the retrieval model on one machine.",
        "The network needs roughly 5 hours to converge on one GPU.",
        "Our search needs 30 GPU hours to find the final vocabulary.",
    ],
)
def test_time_to_train_or_to_find_the_result_stays_a_run(text):
    cand = only(text)
    assert cand.confidence >= 0.5


# ---- a closed parenthesis or a chip-time total beside a wall time


def test_closed_parentheses_and_chip_totals_are_no_breakdown():
    text = "Pre-training takes 3 days (on 8 cards), and fine-tuning takes 2 days."
    assert accepted(text) == [(48.0, "wall"), (72.0, "wall")]
    text = "We trained our model for 90 hours (about 46K chip hours in total)."
    assert accepted(text) == [(90.0, "wall"), (46000.0, "chip-hours")]


# ---- parsing: code listings, a parenthesis after minutes and a chip-time total after a dash


def test_a_function_call_in_a_code_listing_is_not_a_duration():
    assert candidates("for k in range(lo, 25 min(hi, n)): total += k") == []


def test_minutes_followed_by_a_spaced_parenthesis_still_read():
    assert accepted("Training our model lasts 25 min (on a single GPU).") == [(0.42, "wall")]


def test_a_chip_total_after_a_dash_is_an_aside_not_a_range_end():
    assert accepted("We train our agents in 2.5 days – 160 GPU-days of training in total.") == [
        (60.0, "wall"), (3840.0, "chip-hours")]


def test_a_dash_to_a_plain_duration_is_still_a_range_fragment():
    # "3 days - 5 days": the first number is not a run of its own
    hours = [c.attrs["hours"] for c in candidates("Training our model took 3 days - 5 days per setting.")]
    assert 72.0 not in hours


# ---- the cues themselves and their ablation


def test_cues_can_be_ablated():
    text = "The job ran on 32 cards for nine days."
    try:
        cues.ablate(["hardware_adjacent"])
        assert only(text).features["hardware_adjacent"] is False
    finally:
        cues.ablate([])
    assert only(text).features["hardware_adjacent"] is True


# ---- calibration input: the clipped rule logit


def test_rule_logit_is_clipped_so_clamped_rules_do_not_flatten_the_fit():
    floor = math.log(RULE_CLIP / (1 - RULE_CLIP))
    assert expand({"rule_confidence": 0.0})["rule_logit"] == pytest.approx(floor)
    assert expand({"rule_confidence": 0.05})["rule_logit"] == pytest.approx(floor)
    assert expand({"rule_confidence": 1.0})["rule_logit"] == pytest.approx(-floor)
    assert expand({"rule_confidence": 0.7})["rule_logit"] == pytest.approx(math.log(0.7 / 0.3))
