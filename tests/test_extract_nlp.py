"""The narrow tokenizer rules: counts, units and TPU names split; scientific numbers and models intact."""
import pytest

from extractors.document import Sentence
from extractors.nlp import get_nlp, parse, prefilter


def tokens(text):
    return [t.text for t in get_nlp()(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("8x V100", ["8", "x", "V100"]),
        ("8xV100", ["8", "x", "V100"]),
        ("4×A100", ["4", "×", "A100"]),
        ("12h", ["12", "h"]),
        ("3.5days", ["3.5", "days"]),
        ("TPUv3 cores", ["TPU", "v3", "cores"]),
        ("v3-8", ["v3", "-", "8"]),
        ("GPU·hours", ["GPU", "·", "hours"]),
        ("~140 hours", ["~", "140", "hours"]),
    ],
)
def test_useful_splits(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize("text", ["1e23", "3.1e23", "3.64E+23", "V100s", "K40c", "ResNet-50"])
def test_kept_intact(text):
    assert tokens(text) == [text]


def test_one_pipeline_per_process():
    assert get_nlp() is get_nlp()


def test_prefilter_then_parse_only_candidate_sentences():
    import re

    sentences = [Sentence(1, "We use 8 GPUs.", "body", 0), Sentence(1, "No hardware here.", "body", 1)]
    kept = prefilter(sentences, re.compile("GPU"))
    assert [s.index for s in kept] == [0]
    [(sentence, doc)] = list(parse(kept))
    assert sentence is kept[0] and doc.text == "We use 8 GPUs."
