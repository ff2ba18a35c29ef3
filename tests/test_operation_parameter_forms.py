"""Parameter counts written after the noun in forms no rule read before (issue 17): the size a change
ends at ("... parameters grows to 52 million"), the count named "parameter number" or "parameter
scale", a count in parentheses right after the noun, and the own count of a pair set against another
model's ("fewer parameters than X (6M versus 70M)"). Every sentence is our own wording about made-up
models ("Lumen", "QuarryNet"), with the negatives each form invites: another model's count, a range, a
change, a part of the model, a vocabulary size.
"""
from __future__ import annotations

import pytest

from extractors import operations
from extractors.document import Sentence


def _best(text: str) -> list[float]:
    found = operations.extract_operation_inputs([Sentence(page=3, text=text, section="experiments", index=0)],
                                                own_names=frozenset({"Lumen"}), title_vocabulary=frozenset({"lumen"}))
    operations.select_best(found)
    return sorted(c.value for c in found if c.field == "parameters" and c.is_best)


# --- the size a change ends at: "... parameters (grows) to N" ---------------------------------------

@pytest.mark.parametrize("text, value", [
    ("Widening every block of Lumen lifts the overall number of parameters to 52 million.", 5.2e7),
    ("Adding the two extra decoder stages, the parameters of Lumen grow to 1.9B.", 1.9e9),
    ("A larger byte vocabulary expands the model parameters to 7.4 million in the end.", 7.4e6),
    # a cut: the count after "to" is the model's size, the verb before it is no difference
    ("Sharing the projection matrices, we reduced the number of parameters to 38M overall.", 3.8e7),
])
def test_the_count_a_change_ends_at(text, value):
    assert _best(text) == [pytest.approx(value)]


@pytest.mark.parametrize("text", [
    # the end of a range: the size-first pattern reads it, with its range cue
    "We sweep Lumen from 20M parameters to 900M parameters in six steps of width.",
    "We sweep Lumen from 20 million total parameters to 900 million in six steps of width.",
    # a ratio to tokens names no size
    "Lumen keeps the ratio of parameters to training tokens near one to twenty.",
    # another model's count the comparison names
    "The count of parameters of Lumen compared to 350M for QuarryNet stays small.",
])
def test_to_after_the_noun_that_ends_no_size(text):
    found = operations.extract_operation_inputs([Sentence(page=3, text=text, section="experiments", index=0)],
                                                own_names=frozenset({"Lumen"}))
    assert [c for c in found if c.features.get("pattern") == "prose_to"] == []


def test_a_part_whose_parameters_grow_is_not_the_whole_model():
    assert _best("A wider vocabulary makes the parameters in the embedding layer of Lumen rise to 45M.") == []


def test_without_the_to_form_the_end_state_is_missed(ablated):
    ablated("ops_params_to")
    assert _best("Widening every block of Lumen lifts the overall number of parameters to 52 million.") == []


# --- "parameter number", "parameter scale" ---------------------------------------------------------

def test_a_part_of_the_model_named_by_its_parameter_size_is_not_the_whole():
    # "per stage": a rate, and the embedding's share is a part
    assert _best("Each of the three towers has a parameter size of 0.4B per stage in our setup.") == []


# --- a count in parentheses right after the noun ----------------------------------------------------

def test_a_parenthesised_count_after_the_noun():
    assert _best("To isolate the role of depth we train Lumen at a fixed budget of parameters (24 M).") == \
        [pytest.approx(2.4e7)]


@pytest.mark.parametrize("text", [
    # another model's count in a comparison: not ours
    "QuarryNet carries far more parameters (61 M) than Lumen, yet it trails on every task.",
    # the count of one part of the model
    "The frozen QuarryNet encoder holds many parameters (300M) that we never update.",
])
def test_a_parenthesised_count_of_another_model_or_a_part(text):
    assert _best(text) == []


def test_without_the_parenthesised_form_the_count_is_missed(ablated):
    ablated("ops_params_paren")
    assert _best("To isolate the role of depth we train Lumen at a fixed budget of parameters (24 M).") == []


# --- a pair set against each other: which count is own? -------------------------------------------

@pytest.mark.parametrize("text, value", [
    # the paper's model is the subject: the first count is its own
    ("In the end Lumen needs far fewer weights to learn than QuarryNet [9] (6.2M versus 71M parameters).", 6.2e6),
    # the paper's model is the comparand: the second count is its own
    ("QuarryNet holds roughly nine times more parameters than Lumen (58M vs. 6.4M).", 6.4e6),
    # "compared to X," names the comparand; the subject comes after the comma
    ("Compared to the dense QuarryNet baseline, our variant keeps accuracy while using fewer parameters "
     "(140M vs 290M).", 1.4e8),
])
def test_the_own_count_of_a_pair(text, value):
    assert _best(text) == [pytest.approx(value)]


@pytest.mark.parametrize("text", [
    # neither side is the paper's: two other models compared
    "QuarryNet has fewer parameters than SandNet [4] (12M versus 40M), as reported by its authors.",
    # both sides are the paper's own variants: which one is meant stays open
    "Our small Lumen uses fewer parameters than our large Lumen (30M versus 95M).",
    # a vocabulary compared, not a model's size, in a sentence that names parameters too
    "With the same parameters, Lumen reads a larger vocabulary than QuarryNet (64K versus 32K tokens).",
    # forward costs compared
    "Lumen and its parameters aside, our encoder needs fewer FLOPs than QuarryNet (410M vs. 890M).",
])
def test_pairs_with_no_single_own_side(text):
    assert _best(text) == []


def test_without_the_pair_reader_the_own_count_is_missed(ablated):
    ablated("ops_params_versus")
    assert _best("QuarryNet holds roughly nine times more parameters than Lumen (58M vs. 6.4M).") == []


# --- memory is no model ----------------------------------------------------------------------------

def test_memory_named_before_a_count_is_not_another_model():
    """"of GPU RAM" before the final size: RAM is memory, not a model whose count this would be."""
    text = ("We tuned Lumen on small copies (2.2 million parameters) that fit in 24GB of GPU RAM before "
            "we scaled it to the final network (31.5 million parameters).")
    found = operations.extract_operation_inputs([Sentence(page=3, text=text, section="experiments", index=0)],
                                                own_names=frozenset({"Lumen"}))
    final = [c for c in found if c.field == "parameters" and c.value == pytest.approx(3.15e7)]
    assert final and not final[0].features["other_model"] and "model_label" not in final[0].features
