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
        ("8xH100", ["8", "x", "H100"]),
        ("8×MI300X", ["8", "×", "MI300X"]),
        ("16×TPUv4", ["16", "×", "TPUv4"]),  # one token the TPU pattern reads
        ("10G", ["10", "G"]),  # a chip's name is kept whole, the unit rule elsewhere is unchanged
    ],
)
def test_useful_splits(text, expected):
    assert tokens(text) == expected


@pytest.mark.parametrize("text", ["1e23", "3.1e23", "3.64E+23", "V100s", "K40c", "ResNet-50", "A10G", "A10Gs",
                                  "MI250X", "L40S", "Gaudi2", "v5p-512"])
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


def _paper(*texts: str) -> list[Sentence]:
    return [Sentence(1, text, "body", i) for i, text in enumerate(texts)]


def test_sentence_index_finds_what_a_per_sentence_scan_finds():
    import re

    from extractors.nlp import SentenceIndex

    sentences = _paper("We trained on 8 GPUs for 3 DAYS.", "İstanbul has no GPU.", "The model took 12h.",
                       "Nothing to see", "A TPU v3 pod, then 5 h", "hours later", "")
    index = SentenceIndex(sentences)
    keywords = ("gpu", "day", "hour")
    assert index.containing(keywords) == [s for s in sentences if any(k in s.text.lower() for k in keywords)]
    compact = re.compile(r"\d\s?h\b")
    assert index.matching(compact) == [s for s in sentences if compact.search(s.text)]
    both = index.select(keywords=("tpu",), patterns=(compact,))
    assert [s.index for s in both] == [2, 4]


def test_keywords_learned_on_one_paper_are_found_in_one_pass_on_the_next():
    """The first paper teaches the automaton the keywords asked for; later papers answer them all in
    one pass, with the same sentences a scan per keyword finds (overlapping keywords too), and a
    keyword first asked for later is still found."""
    from extractors import nlp
    from extractors.nlp import SentenceIndex

    texts = ("Eight GPUs ran for two days.", "A gpu-hour is cheap; GPU GPU gpu.", "No accelerator here.",
             "İstanbul days, then 3 hours on one TPU.", "")
    keywords = ("gpu", "gpus", "day", "hour", "tpu", "our")
    first = SentenceIndex(_paper(*texts))
    first.containing(keywords)  # the first paper: scanned keyword by keyword, and learned
    assert all(nlp._KEYWORDS.knows(k) for k in keywords)
    second = SentenceIndex(_paper(*reversed(texts)))
    expected = {k: [n for n, t in enumerate(reversed(texts)) if k in t.lower()] for k in keywords}
    assert {k: [s.index for s in second.containing((k,))] for k in keywords} == expected
    assert second._scanned_known  # answered from the one pass
    assert [s.index for s in second.containing(("accelerator", "ran f"))] == [2, 4]  # new ones


def test_sentence_index_confirms_a_match_that_runs_across_sentences():
    import re

    from extractors.nlp import SentenceIndex

    # "[^.]*" could run from one sentence into the next in the joined text; only real matches count.
    pattern = re.compile(r"GPU[^.]*hours")
    sentences = _paper("Eight GPU", "for three hours.", "One GPU for two hours.")
    assert [s.index for s in SentenceIndex(sentences).matching(pattern)] == [2]


def test_prefilter_with_keywords_reuses_the_index_of_the_same_sentence_list():
    import re

    from extractors.nlp import index_for

    sentences = _paper("We use 8 GPUs.", "No hardware here.")
    assert index_for(sentences) is index_for(sentences)
    assert [s.index for s in prefilter(sentences, re.compile("GPU"), ("gpu",))] == [0]
    other = _paper("A TPU.", "8 GPUs.")
    assert [s.index for s in prefilter(other, re.compile("GPU"), ("gpu",))] == [1]


def test_flag_matcher_finds_what_the_matcher_finds():
    """FlagMatcher turns REGEX / IN tests on LOWER and TEXT into lexeme flags: the same matches in the
    same order as spaCy's Matcher, on words seen before and after the flags were made, and the same
    pattern errors."""
    from spacy.errors import MatchPatternError
    from spacy.matcher import Matcher

    from extractors.nlp import FlagMatcher

    nlp = get_nlp()
    patterns = {
        "CODE": [[{"LOWER": {"REGEX": r"^[a-z]{1,2}\d{2,4}$"}}]],
        "BOARD": [[{"LOWER": {"IN": ["board", "boards"]}, "OP": "?"}, {"TEXT": {"REGEX": r"^Z\d+$"}},
                   {"ORTH": {"IN": ["-", "–"]}, "OP": "?"}, {"LOWER": {"IN": ["unit", "units"]}}]],
        "PAIR": [[{"LOWER": "pair"}, {"LOWER": {"NOT_IN": ["of"]}}]],  # left as a predicate
    }
    nlp("a ZZ900 word before the flags exist")
    plain, flagged = Matcher(nlp.vocab), FlagMatcher(nlp.vocab)
    for key, pattern in patterns.items():
        plain.add(key, pattern)
        flagged.add(key, pattern)
    texts = ["Our rig held four Z12 units and two boards of XQ880 parts.",
             "Boards Z7 – Units were cheap; a pair with ab1234 or zz12 chips.",
             "The ZZ900 and q55 models, pair of Z3 units, board Z44-units.",
             "A fresh word never tokenised: WQ4321 beside Z99 UNITS and z5 units."]
    for doc in nlp.pipe(texts):
        assert flagged(doc) == plain(doc)
        assert flagged(doc)
    with pytest.raises(MatchPatternError):
        FlagMatcher(nlp.vocab).add("BAD", [[{"LOWER": {"REGEX": 7}}]])
