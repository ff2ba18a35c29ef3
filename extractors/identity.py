"""Who a local PDF is: its arXiv id and version, title, authors, year, and the benchmarks it names.

For `progress add` (a researcher's folder or a mirror of arXiv's bulk PDFs): pure PDF -> record, no
database and no network. The id comes from arXiv's stamp on page 1, else from an arXiv-style file
name; the rest from the PDF's metadata or its first page. arXiv's API, when reachable, replaces the
metadata later (sources/local_pdfs.py); this is the fallback and the id.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pymupdf

from extractors.arxiv_ids import ArxivRef, filename_ref, stamp_ref, submission_year
from extractors.benchmarks import find_datasets, mentions_wmt14
from extractors.text import open_pdf, read_document

# The bibliography names datasets in cited titles ("ImageNet large scale visual recognition
# challenge"): mentions there say nothing about the paper's own experiments. An appendix after it does.
_REFERENCES = re.compile(r"\n\s*(?:\d+\.?\s*|[IVX]+\.\s*)?(?:references|bibliography)\s*\n", re.IGNORECASE)
_APPENDIX = re.compile(r"\n\s*(?:[A-Z]\.?\s+)?(?:appendix|appendices|supplementary material)\b[^\n]{0,80}\n",
                       re.IGNORECASE)
# PDF metadata titles that are not the paper's title (word processors and LaTeX templates fill them).
_JUNK_TITLE = re.compile(r"^(?:untitled|title|microsoft word\b.*|.*\.(?:docx?|tex|dvi|pdf)|paper\s*\d*|\d+)$",
                         re.IGNORECASE)


@dataclass
class PdfIdentity:
    """What a PDF says about itself. `ref` is the arXiv id (None for a paper without one); `id_from`
    says where it was read: "stamp", "filename" or None."""

    ref: ArxivRef | None
    id_from: str | None
    pages: int
    title: str
    authors: list[str]
    year: int | None
    title_from: str  # "metadata" | "first page" | ""
    datasets: dict[str, int] = field(default_factory=dict)  # scored dataset -> mentions outside the bibliography


def identify_pdf(path: str | Path, *, max_pages: int | None = None) -> PdfIdentity:
    """Read one PDF's identity; raises extractors.records.ExtractionError when it cannot be read
    (not a PDF, encrypted, damaged, too many pages)."""
    path = Path(path)
    pdf = open_pdf(path, max_pages=max_pages)
    try:
        page_texts = [page.get_text() for page in pdf]
        metadata = pdf.metadata or {}
        ref, id_from = stamp_ref(page_texts[0]), "stamp"
        if ref is None:
            ref, id_from = filename_ref(path), "filename"
        if ref is None:
            id_from = None
        title, title_from = _metadata_title(metadata.get("title")), "metadata"
        if not title:
            title, title_from = _first_page_title(pdf), "first page"
        if not title:
            title_from = ""
        year = submission_year(ref.arxiv_id) if ref else None
        return PdfIdentity(ref=ref, id_from=id_from, pages=pdf.page_count, title=title,
                           authors=_authors(metadata.get("author")), year=year or _pdf_year(metadata),
                           title_from=title_from, datasets=dataset_mentions("\n".join(page_texts)))
    finally:
        pdf.close()


def body_text(text: str) -> str:
    """The text without its bibliography: from the last "References" heading in the latter part of
    the paper to an appendix heading after it (or the end)."""
    headings = [m for m in _REFERENCES.finditer(text) if m.start() > 0.3 * len(text)]
    if not headings:
        return text
    start = headings[-1].start()
    appendix = _APPENDIX.search(text, headings[-1].end())
    return text[:start] + ("\n" + text[appendix.start():] if appendix else "")


def dataset_mentions(text: str) -> dict[str, int]:
    """How often each scored dataset is named outside the bibliography."""
    body = body_text(text)
    counts: dict[str, int] = {}
    for mention in find_datasets(body, paper_has_wmt14=mentions_wmt14(body)):
        counts[mention.name] = counts.get(mention.name, 0) + 1
    return counts


def _metadata_title(raw: str | None) -> str:
    title = " ".join((raw or "").split())
    if len(title) < 8 or len(title.split()) < 2 or _JUNK_TITLE.match(title):
        return ""
    return title


def _first_page_title(pdf: pymupdf.Document) -> str:
    """The title the text reader finds on page 1 (larger type near the top)."""
    first = pymupdf.open()
    try:
        first.insert_pdf(pdf, from_page=0, to_page=0)
        return " ".join(read_document(first).title.split())
    except Exception:  # noqa: BLE001 - a page the reader cannot lay out just has no title
        return ""
    finally:
        first.close()


def _authors(raw: str | None) -> list[str]:
    """PDF metadata authors: "A, B and C" or "A; B" -> ["A", "B", "C"]."""
    parts = re.split(r"\s*(?:[,;]|\band\b)\s*", raw or "")
    # Affiliation marks glued to names ("Volodymyr Mnih1", "Ada Quill*") are not part of them.
    names = [re.sub(r"[\d*∗†‡§¶]+$", "", " ".join(p.split())).strip() for p in parts]
    return [n for n in names if len(n) > 1]


def _pdf_year(metadata: dict) -> int | None:
    """The creation year of the PDF ("D:20171207010315Z"): the best a PDF without an id offers."""
    match = re.match(r"D?:?(\d{4})", metadata.get("creationDate") or "")
    if match and 1980 <= int(match.group(1)) <= 2100:
        return int(match.group(1))
    return None
