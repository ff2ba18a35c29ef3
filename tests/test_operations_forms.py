"""Prose forms of parameter and token counts that papers nobody tuned on write (issue 17), each in our
own wording with tricky negatives: a key in title case inside a hyper-parameter list, "amounts to",
powers of ten (also with the superscript lost), "free parameters", "weights" in older papers, data-set
citations beside a token count, and counts written out in digits.
"""
from __future__ import annotations

import pytest

from extractors import operations
from extractors.document import Sentence


def _best(text: str, field: str) -> list[float]:
    found = operations.extract_operation_inputs([Sentence(page=3, text=text, section="experiments", index=0)],
                                                own_names=frozenset({"Lumen"}), title_vocabulary=frozenset({"lumen"}))
    operations.select_best(found)
    return sorted(c.value for c in found if c.field == field and c.is_best)


# --- parameters ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("Two sizes are trained: LumenSMALL (L=6, H=512, Total Parameters=44M) and a deeper one.", 4.4e7),
    ("With eighteen blocks of width 896 the parameter count amounts to 212 million.", 2.12e8),
    ("Our recogniser holds 4.7 × 10^6 parameters, small enough for a phone.", 4.7e6),
    # the text layer drops the caret of a superscript: "10^6" reads "106"
    ("Our recogniser holds 4.7 × 106 parameters, small enough for a phone.", 4.7e6),
    ("The resulting Lumen net has roughly 61 M free parameters to fit.", 6.1e7),
    ("Stacking four recurrent layers gives a network of about 19.5M weights.", 1.95e7),
])
def test_parameter_forms(text, value):
    assert _best(text, "parameters") == [pytest.approx(value)]


@pytest.mark.parametrize("text", [
    # a checkpoint named by its data set, not a count of weights
    "We start from the ImageNet-21K weights released with the backbone.",
    # weights of a precision, not a count
    "Lumen keeps 8-bit weights and 4-bit activations during inference.",
    # averaging checkpoints: a count of checkpoints
    "We average the weights of the last 20 checkpoints before testing.",
])
def test_weights_that_are_no_parameter_count(text):
    assert _best(text, "parameters") == []


# --- training tokens ------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    # the citation is the corpus's, not the count's
    ("We train Lumen at four sizes on the OpenShelf corpus [12] for 420B tokens.", 4.2e11),
    ("Lumen is pre-trained for 1.8T tokens on a mixture of WebPile (Rivera et al., 2021) and code.", 1.8e12),
    ("In the end Lumen sees 262,144,000,000 training tokens.", 2.62144e11),
])
def test_token_forms(text, value):
    assert _best(text, "training_tokens") == [pytest.approx(value)]


def test_a_cited_model_trained_on_tokens_stays_another_models():
    # the citation names the model that was trained, not the data
    assert _best("Kestrel [7] was trained on 300B tokens of filtered web text.", "training_tokens") == []


def test_without_the_data_citation_rule_the_cited_corpus_hides_the_count(ablated):
    ablated("ops_data_citation")
    assert _best("We train Lumen at four sizes on the OpenShelf corpus [12] for 420B tokens.", "training_tokens") == []


# --- numbers listed before one size are no sizes ----------------------------------------------------

@pytest.mark.parametrize("text, values", [
    # counts of layers before a size are no sizes
    ("The encoders use 6, 12 and 24 layers, the largest holding 1.1B parameters.", [1.1e9]),
    # a range names its ends, not sizes the paper trains
    ("The sweep spans from 30M to 3B parameters.", []),
])
def test_lists_that_are_no_size_lists(text, values):
    assert _best(text, "parameters") == [pytest.approx(v) for v in values]
