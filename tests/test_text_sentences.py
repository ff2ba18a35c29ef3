"""Sentence splitting keeps abbreviations, figure references, citations, initials and decimals intact."""
import pytest

from extractors.sentences import split_sentences


def texts(text):
    return [s for _, s in split_sentences(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We use 8 GPUs, e.g. Titan X cards. Then we stop.", ["We use 8 GPUs, e.g. Titan X cards.", "Then we stop."]),
        ("See Fig. 3 for details. It took 3.5 days.", ["See Fig. 3 for details.", "It took 3.5 days."]),
        ("Vaswani et al. (2017) used P100s. We did not.", ["Vaswani et al. (2017) used P100s.", "We did not."]),
        ("As J. K. Smith showed, i.e. in Sec. 4, it works. Good.", ["As J. K. Smith showed, i.e. in Sec. 4, it works.", "Good."]),
        ("We trained on a Titan X. Results follow.", ["We trained on a Titan X.", "Results follow."]),
        ("Accuracy is 76.3% (Table 2). Training took 12h.", ["Accuracy is 76.3% (Table 2).", "Training took 12h."]),
        ("Is it fast? Yes! It is.", ["Is it fast?", "Yes!", "It is."]),
    ],
)
def test_split(text, expected):
    assert texts(text) == expected


def test_offsets_point_into_the_text():
    text = "First one.  Second one."
    for start, sentence in split_sentences(text):
        assert text[start:start + len(sentence)] == sentence
