"""The text reader's cheaper equivalents (extractors/text.py, sentences.py) give exactly
what the plain forms they replace give: `_dehyphenate` tries its regexes only at each "- "
(`_sub_at_breaks`), `_paragraphs` reads lines and finds closing tags with str.find, digits are counted
as bytes, references decoded from a cache, token patterns never backtrack, paragraph ends are read with
strips, sentences are split with a period-only pattern where it suffices. Random texts check each."""
from __future__ import annotations

import random

from extractors import text
from extractors.sentences import split_sentences


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


def test_paragraphs_read_by_line_are_those_of_the_regex():
    """Pages shaped as MuPDF writes them (a paragraph a line), some lines broken: `_paragraphs` reads
    the lines or falls back to the search, and gives what `_PARAGRAPH.findall` gives either way."""
    lines = ["<p>a plain line</p>", "<p></p>", "<h2>A heading</h2>", "<h1>x</h1>",
             "<p>with <b>bold</b> and <sup>1</sup></p>", "<p>nested <p>open</p>", "<p>two</p><p>on one line</p>",
             "<p>", "</p>", "<h2>", "<h2>unclosed", "<p>x</h2>", "<h3>x</p>", '<div id="page0">', "</div>", "<hr>",
             "text <p>late</p>", "<p>a</p> tail", "", "<h٣>x</h٣>"]
    rng = random.Random(2112)
    for _ in range(20000):
        page = "\n".join(rng.choice(lines) for _ in range(rng.randint(0, 8)))
        assert text._paragraphs(page) == text._PARAGRAPH.findall(page), repr(page)


def test_block_boxes_read_through_ctypes_are_those_of_the_swig_walk(monkeypatch):
    """`textpage_boxes` reads MuPDF's block structs through ctypes: on a generated page with text
    blocks, an image block between them and a rotated line, the same boxes as the SWIG walk, and the
    self-check then trusts the ctypes walk."""
    import pymupdf

    from extractors import textpage_boxes

    doc = pymupdf.open()
    for page_number in range(3):
        page = doc.new_page()
        page.insert_text((72, 80), f"Section {page_number}: a heading line", fontsize=14)
        page.insert_textbox(pymupdf.Rect(72, 100, 300, 200), "A paragraph of body text that wraps. " * 6, fontsize=9)
        pixmap = pymupdf.Pixmap(pymupdf.csRGB, pymupdf.IRect(0, 0, 8, 8), False)
        page.insert_image(pymupdf.Rect(72, 210, 140, 270), pixmap=pixmap)
        page.insert_textbox(pymupdf.Rect(320, 100, 540, 200), "The right column holds other words. " * 4, fontsize=9)
        page.insert_text((30, 500), "A rotated margin stamp", fontsize=10, rotate=90)
    monkeypatch.setattr(textpage_boxes, "_blocks_to_check", 10)
    flags = pymupdf.TEXTFLAGS_TEXT | pymupdf.TEXT_PRESERVE_IMAGES  # image blocks sit between the text blocks
    for page in doc:
        textpage = page.get_textpage(flags=flags)
        swig = textpage_boxes._swig_boxes(textpage)
        assert len(swig) >= 4
        assert textpage_boxes._ctypes_boxes(textpage) == swig
        assert textpage_boxes.block_boxes(textpage) == swig
    assert textpage_boxes._blocks_to_check == 0  # checked enough blocks: the ctypes walk alone from now on
    assert textpage_boxes.block_boxes(doc[0].get_textpage(flags=flags)) == textpage_boxes._swig_boxes(
        doc[0].get_textpage(flags=flags))


def test_block_boxes_fall_back_to_swig_after_a_difference(monkeypatch):
    """A struct layout that gives other boxes than the SWIG walk is never trusted again."""
    import pymupdf

    from extractors import textpage_boxes

    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_text((72, 80), "One line of text", fontsize=11)
    monkeypatch.setattr(textpage_boxes, "_blocks_to_check", 50)
    monkeypatch.setattr(textpage_boxes, "_ctypes_boxes", lambda textpage: [(0.0, 0.0, 1.0, 1.0)])
    textpage = page.get_textpage()
    assert textpage_boxes.block_boxes(textpage) == textpage_boxes._swig_boxes(textpage)
    assert textpage_boxes._blocks_to_check is None
    assert textpage_boxes.block_boxes(textpage) == textpage_boxes._swig_boxes(textpage)


def test_digit_count_is_that_of_a_per_character_count():
    """`_digit_count` counts digit bytes of the UTF-8 form: the same as counting ASCII digits one
    character at a time, with other scripts' digits, multi-byte characters and lone surrogates."""
    pieces = ["0", "7", "9", "a", " ", "é", "Ω", "٣", "𝟘", "½", "\ud800", "10^19", "x", "—"]
    rng = random.Random(212)
    for _ in range(20000):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 30)))
        assert text._digit_count(block) == sum(ch in "0123456789" for ch in block), repr(block)


def test_plain_collapses_whitespace_as_split_and_join_do():
    """`_plain` skips `" ".join(text.split())` for text with no whitespace to collapse: the same result
    for every kind of whitespace str.split knows (tabs, newlines, no-break and ideographic spaces,
    line separators) and for leading, trailing and doubled spaces."""
    pieces = ["a", "Z", "9", ".", " ", "  ", "\t", "\n", "\xa0", "\u2009", "\u3000", "\u2028", "\x1c", "\x85",
              "\u200b", "é", "train- ", "ing"]
    rng = random.Random(1212)
    for _ in range(20000):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
        assert text._plain(block) == text._dehyphenate(" ".join(block.split())), repr(block)


def test_token_patterns_count_what_the_backtracking_patterns_counted():
    """`_numeric_cells` and `_TOKEN_WITH_DIGIT` use patterns that scan fast and never backtrack: they
    find as many tokens as the plain patterns they replace, in text with numbers, units, Unicode digits and
    every kind of whitespace."""
    import re

    numeric_cell = re.compile(r"(?:^|\s)[\d.,%±()/\-–+×x]*\d[\d.,%±()/\-–+×x]*(?=\s|$)")
    token_with_digit = re.compile(r"\S*\d\S*")
    pieces = ["1", "42", "٣", ".", ",", "%", "±", "(", ")", "/", "-", "–", "+", "×", "x", "a", "B", "é", " ",
              "  ", "\t", "\n", "\xa0", "ms", "M"]
    rng = random.Random(31202)
    for _ in range(20000):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 20)))
        assert text._numeric_cells(block) == len(numeric_cell.findall(block)), repr(block)
        assert len(text._TOKEN_WITH_DIGIT.findall(block)) == len(token_with_digit.findall(block)), repr(block)


def test_unescape_decodes_as_html_unescape():
    """`_unescape` decodes each distinct reference once and reuses it: the same text as
    `html.unescape` for numeric, hex, named, unterminated and invalid references, repeated."""
    import html

    pieces = ["&#x3b4;", "&#X3B4;", "&#948;", "&#x110000;", "&#xd800;", "&#0;", "&#x80;", "&amp;", "&amp", "&lt;",
              "&notin;", "&not", "&noti", "&bogus;", "&", "#", ";", "x", "3", " ", "é", "&#", "&#x;", "\n"]
    rng = random.Random(41202)
    for _ in range(20000):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 12)))
        assert text._unescape(block) == html.unescape(block), repr(block)


def test_paragraph_end_is_that_of_the_regex():
    """`_ends_paragraph` reads a block's end with strips: the same answer as the regex it replaces,
    with closing quotes and brackets, trailing whitespace of every kind and punctuation inside."""
    import re

    paragraph_end = re.compile(r"[.!?:][\"'”’)\]]*\s*$")
    pieces = [".", "!", "?", ":", ";", ",", '"', "'", "”", "’", ")", "]", "(", "a", "7", " ", "\n", "\t", "\xa0",
              "\u2028"]
    rng = random.Random(51202)
    for _ in range(20000):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 10)))
        assert text._ends_paragraph(block) == bool(paragraph_end.search(block)), repr(block)


def _reference_split(text: str) -> list[tuple[int, str]]:
    """The sentence splitter as first written: one pattern for every boundary, an abbreviation search at
    every period, each piece stripped."""
    import re

    from extractors.sentences import _ABBREVIATIONS

    def abbreviation(period: int) -> bool:
        word = re.compile(r"([A-Za-z][A-Za-z.]*)$").search(text, max(0, period - 12), period)
        if not word:
            return False
        token = word.group(1)
        if len(token) == 1 and token.isupper():
            before = text[max(0, word.start() - 3):word.start()]
            after = text[period + 1:period + 5]
            return word.start() == 0 or bool(re.search(r"(?:[A-Z]\. |[(,;] ?)$", before)
                                             or re.match(r" [A-Z]\. ", after))
        return token.lower().rstrip(".") in _ABBREVIATIONS

    out, start = [], 0
    pieces = []
    for match in re.finditer(r"[.!?][\"'”’)\]]*\s+(?=[\"“(\[]?[A-Z])", text):
        if text[match.start()] == "." and abbreviation(match.start()):
            continue
        pieces.append((start, match.end()))
        start = match.end()
    pieces.append((start, len(text)))
    for start, end in pieces:
        piece = text[start:end]
        if piece.strip():
            out.append((start + len(piece) - len(piece.lstrip()), piece.strip()))
    return out


def test_sentence_splitting_is_that_of_the_reference_splitter():
    """`split_sentences` searches periods alone when a text has no "!" or "?", skips the abbreviation
    search after long words and slices sentences between boundaries: the same sentences and offsets as
    the plain splitter, with abbreviations, initials, long words, quotes and odd whitespace."""
    pieces = [" ", "  ", "\n", ". ", "! ", "? ", ".", "e.g.", "et al.", "Fig.", "approx.", "training", "Models",
              "J.", "K.", "Titan X", "(A.", "”", ")", "\"", "We", "It", "3.5", "résumé", "etc..", "x", "Ab.c"]
    rng = random.Random(61202)
    for _ in range(20000):
        block = "".join(rng.choice(pieces) for _ in range(rng.randint(0, 18)))
        assert split_sentences(block) == _reference_split(block), repr(block)
