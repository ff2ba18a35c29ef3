"""The text of one paper as extractors see it: pages, sentences with their section, table regions.

`extractors/text.py` builds a `DocumentText` from a PDF (reading order, dehyphenation, NFKC); the
field extractors read only this, so they can be tested on sentences written by hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sentence:
    page: int  # 1-based
    text: str
    # abstract | body | experiments | related_work | references | appendix | acknowledgements | caption | table
    # ("table": table cells MuPDF returned as running text, kept apart from prose)
    section: str
    index: int  # position in the document's sentence list
    # Where the reader found it (extractors.runs reads a run's dataset from its paragraph and section):
    # the paragraph (prose paragraphs, captions and table units are numbered in reading order) and the
    # top-level section, numbered by the numbered level-1 headings seen before it. -1: not known.
    paragraph: int = -1
    part: int = -1


@dataclass
class TableRegion:
    """A table the layout suggests holds results: its caption and rows as cell lists (already text)."""

    page: int
    caption: str
    rows: list[list[str]]
    section: str = "table"  # "appendix" when the table sits in the appendix
    # (row, column) of cells set in bold (PyMuPDF font flags): papers mark their best value so.
    bold: set[tuple[int, int]] = field(default_factory=set)
    continued: bool = False  # "Table 8: (continued)": the caption is the first part's


@dataclass
class DocumentText:
    arxiv_id: str | None
    pages: list[str]
    sentences: list[Sentence] = field(default_factory=list)
    tables: list[TableRegion] = field(default_factory=list)
    title: str = ""
    # Word boxes (x0, y0, x1, y1, word, block, line, word_no) of the pages the table reader asked the
    # text reader for (0-based page -> words), so those pages are not read a second time.
    page_words: dict[int, list[tuple]] = field(default_factory=dict)
    page_sizes: list[tuple[float, float]] = field(default_factory=list)  # (width, height) in points
    # The same pages' XHTML (MuPDF marks bold spans with <b>): which table cells are bold.
    page_markup: dict[int, str] = field(default_factory=dict)

    @property
    def page_count(self) -> int:
        return len(self.pages)
