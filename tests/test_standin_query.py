"""The stand-in's arXiv query grammar, on small hand-made papers (no server, no PDFs)."""
from dataclasses import dataclass, field
from datetime import datetime, timezone

import pytest

from standin.query import QuerySyntaxError, parse_query, score


@dataclass
class Paper:
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str] = field(default_factory=lambda: ["Ada Lovelace"])
    categories: list[str] = field(default_factory=lambda: ["cs.CV"])
    published: datetime = datetime(2020, 5, 1, 12, 0, tzinfo=timezone.utc)
    updated: datetime = datetime(2020, 5, 1, 12, 0, tzinfo=timezone.utc)
    comment: str | None = None


VISION = Paper("2099.00001", "Scaling Residual Networks for Image Classification",
               "We train on ImageNet and report top-1 accuracy.", ["Ada Lovelace", "Juan del Maestro"])
NER = Paper("2099.00002", "Contextual Tagging", "Results on CoNLL-2003 named entity recognition.",
            ["Grace Hopper"], ["cs.CL", "stat.ML"], published=datetime(2016, 1, 2, tzinfo=timezone.utc),
            updated=datetime(2016, 3, 1, tzinfo=timezone.utc))


def matches(query: str, paper: Paper) -> bool:
    return score(parse_query(query), paper) > 0


@pytest.mark.parametrize("query, vision, ner", [
    ("cat:cs.CV", True, False),
    ("cat:CS.cl", False, True),  # case-insensitive category
    ("cat:cs.*", True, True),
    ("cat:stat.ML AND abs:CoNLL-2003", False, True),
    ("ti:imagenet", False, False),  # ImageNet is only in the abstract
    ("abs:imagenet", True, False),
    ("all:imagenet", True, False),
    ("imagenet", True, False),  # no prefix means all:
    ('ti:"image classification"', True, False),
    ('ti:"classification image"', False, False),  # phrases keep word order
    ("abs:CoNLL-2003", False, True),  # punctuation inside a term makes it a phrase
    ("abs:conll 2003", False, True),  # juxtaposed terms are ANDed
    ("ti:scal*", True, False),
    ("au:del_maestro", True, False),
    ("au:hopper", False, True),
    ("cat:cs.CV OR cat:cs.CL", True, True),
    ("cat:cs.CV ANDNOT abs:imagenet", False, False),
    ("(cat:cs.CV OR cat:cs.CL) ANDNOT ti:tagging", True, False),
    ("cat:cs.CL AND (abs:imagenet OR abs:conll)", False, True),
    ("submittedDate:[202001010000 TO 202012312359]", True, False),
    ("submittedDate:[20160101 TO 20160102]", False, True),  # 8-digit dates, end of day inclusive
    ("cat:cs.CV AND submittedDate:[201001010000 TO 201912312359]", False, False),
    ("lastUpdatedDate:[202005010000 TO 202005011200]", True, False),
])
def test_query_grammar(query, vision, ner):
    assert matches(query, VISION) is vision
    assert matches(query, NER) is ner


def test_or_binds_looser_than_and():
    # a OR (b AND c): VISION matches through "a" even though "c" fails for it
    assert matches("cat:cs.CV OR cat:cs.CL AND abs:conll", VISION)
    assert not matches("(cat:cs.CV OR cat:cs.CL) AND abs:conll", VISION)


def test_relevance_counts_term_hits():
    busy = Paper("2099.00003", "ImageNet ImageNet", "ImageNet again.")
    assert score(parse_query("all:imagenet"), busy) > score(parse_query("all:imagenet"), VISION)


@pytest.mark.parametrize("bad", ["cat:cs.CV AND", "(cat:cs.CV", "submittedDate:[2020 TO 2021]", "AND ti:x",
                                 "submittedDate:[202001010000 202012312359]"])
def test_syntax_errors_are_reported(bad):
    with pytest.raises(QuerySyntaxError):
        parse_query(bad)


def test_empty_query_matches_nothing():
    assert parse_query("   ") is None
    assert score(None, VISION) == 0
