"""The sentences around a candidate's sentence, read from the cached PDF.

The stored evidence holds only the sentence itself; a reviewer often needs the one before (which
model? which experiment?) and the one after. The PDF is read with the extractors' own reader, so the
sentences are split exactly as the extractor saw them.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from extractors.document import DocumentText
from extractors.records import ExtractionError
from extractors.text import read_document


@dataclass
class SentenceContext:
    before: list[str] = field(default_factory=list)
    after: list[str] = field(default_factory=list)
    found: bool = False  # False: no PDF, unreadable, or the sentence was not located in it


def sentences_around(pdf_path: str | Path | None, page: int | None, sentence: str | None, *,
                     around: int = 2) -> SentenceContext:
    """Up to `around` sentences before and after `sentence` (on or near `page`)."""
    if not pdf_path or not sentence or not Path(pdf_path).is_file():
        return SentenceContext()
    try:
        doc = _document(str(pdf_path), Path(pdf_path).stat().st_mtime_ns)
    except ExtractionError:
        return SentenceContext()
    index = _locate(doc, page, sentence)
    if index is None:
        return SentenceContext()
    texts = [s.text for s in doc.sentences]
    return SentenceContext(before=texts[max(0, index - around):index], after=texts[index + 1:index + 1 + around],
                           found=True)


@lru_cache(maxsize=4)
def _document(path: str, _mtime_ns: int) -> DocumentText:
    # Keyed by modification time too, so a re-downloaded PDF is read again. Small: a reviewer walks
    # one paper's candidates in a row, and each document can hold thousands of sentences.
    return read_document(path)


def _locate(doc: DocumentText, page: int | None, sentence: str) -> int | None:
    wanted = _squash(sentence)
    if not wanted:
        return None
    same_page = [s for s in doc.sentences if page is None or s.page == page]
    for pool in (same_page, doc.sentences):
        for s in pool:
            if _squash(s.text) == wanted:
                return s.index
    # Table rows and captions can be stored in a slightly different cut: accept containment.
    for pool in (same_page, doc.sentences):
        for s in pool:
            text = _squash(s.text)
            if text and (wanted in text or (len(text) > 20 and text in wanted)):
                return s.index
    return None


def _squash(text: str) -> str:
    return " ".join(text.split()).lower()
