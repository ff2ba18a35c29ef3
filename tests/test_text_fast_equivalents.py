"""The text reader's cheaper equivalents of whole-block regexes (extractors/text.py) give exactly
what the regexes give: `_dehyphenate` tries its regexes only at each "- " (`_sub_at_breaks`), and
`_paragraphs` finds closing tags with str.find."""
from __future__ import annotations

import random

from extractors import text


def _plain_sub(block: str) -> str:
    if "- " not in block:
        return block
    joined = text._HYPHEN_BREAK.sub(text._join_hyphen, block)
    return text._COMPOUND_BREAK.sub(r"\1-\2", joined)


def test_examples_join_as_the_regex_does():
    for block in ("the sched- uler runs", "a Trans- former block", "pre- and post-processing",
                  "English- to-Greek", "an X200- PCIE card", "Net- 50 layers", "a- b- c- d",
                  "kilo_- joule", "naïve- ly", "é- tude", "- leading", "trailing- ", "3- D and 3- d"):
        assert text._dehyphenate(block) == _plain_sub(block), block


def test_random_blocks_match_the_plain_substitution():
    pieces = list("abqzAQZ09_-. ,/()éΩ") + ["- ", "- a", "- Z", "- 7", "and", "or", "to", "vs", "ing", "Net", "42"]
    rng = random.Random(20261202)
    for _ in range(20000):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 24)))
        assert text._dehyphenate(block) == _plain_sub(block), repr(block)


def test_paragraphs_are_those_of_the_regex():
    """`_paragraphs` finds each closing tag with str.find: the same pairs as `_PARAGRAPH.findall`,
    unclosed and stray tags included."""
    pieces = ["<p>", "</p>", "<h2>", "</h2>", "<h3>", "</h3>", "<b>", "</b>", "<div>", "</div>", "<p",
              "</h", "x", "7 ", "&amp;", "\n"]
    rng = random.Random(1202)
    for _ in range(20000):
        page = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        assert text._paragraphs(page) == text._PARAGRAPH.findall(page), repr(page)
