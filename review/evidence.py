"""Evidence images: the PDF region around a candidate's match, rendered to PNG with the match highlighted.

The highlight is added to the page in memory only; the cached PDF is never written. Images are kept
beside the PDF cache (<pdf_cache>/evidence/), where `show` and the web page point reviewers.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pymupdf

# Points of page kept above and below the match: enough for the surrounding lines of a paragraph.
CONTEXT_MARGIN = 70.0
RENDER_DPI = 120
# How many words of the sentence are searched for to find where it starts (to pick the right hit
# when the matched text, e.g. "8", appears many times on the page).
ANCHOR_WORDS = 6


@dataclass
class EvidenceImage:
    path: Path
    highlighted: bool  # False: the match was not found on the page, the whole page is shown


def evidence_path(pdf_cache: Path, paper_id: int, candidate_key: str) -> Path:
    return Path(pdf_cache) / "evidence" / f"{paper_id}-{candidate_key}.png"


def render_evidence(pdf_path: str | Path, page_number: int, sentence: str, match: str, out_path: Path, *,
                    dpi: int = RENDER_DPI) -> EvidenceImage | None:
    """Render the match's region of page `page_number` (1-based) to `out_path`. None when there is no
    such PDF or page. Rendered afresh each time (one page, tens of milliseconds), so an image never
    outlives a re-downloaded PDF."""
    pdf_path, out_path = Path(pdf_path), Path(out_path)
    if not pdf_path.is_file():
        return None
    try:
        doc = pymupdf.open(pdf_path)
    except Exception:  # a damaged cache file: no image rather than a failed review page
        return None
    try:
        if not 1 <= page_number <= doc.page_count:
            return None
        page = doc[page_number - 1]
        quads = _match_quads(page, sentence, match)
        if quads:
            page.add_highlight_annot(quads)
            clip = _region(page, quads)
        else:
            clip = page.rect
        pixmap = page.get_pixmap(dpi=dpi, clip=clip)
        out_path.parent.mkdir(parents=True, exist_ok=True)
        partial = out_path.with_suffix(".tmp")
        pixmap.save(str(partial), output="png")
        os.replace(partial, out_path)  # atomic: a concurrent reader never sees half an image
        return EvidenceImage(out_path, highlighted=bool(quads))
    finally:
        doc.close()


def _match_quads(page: pymupdf.Page, sentence: str, match: str) -> list:
    """The quads of the match occurrence nearest the sentence's start; falls back to the sentence's
    first words when the match itself cannot be found (a line break or ligature inside it)."""
    anchor = _search(page, " ".join(sentence.split()[:ANCHOR_WORDS])) if sentence else []
    for needle in (match, _longest_token(match)):
        hits = _search(page, needle)
        if hits:
            if anchor:
                start = anchor[0].rect
                # Same line or after the sentence start, nearest first.
                hits.sort(key=lambda q: (q.rect.y1 < start.y0, abs(q.rect.y0 - start.y0) + abs(q.rect.x0 - start.x0) / 10))
            return [hits[0]]
    return anchor


def _search(page: pymupdf.Page, text: str) -> list:
    text = " ".join((text or "").split())
    if len(text) < 1:
        return []
    return page.search_for(text, quads=True)


def _longest_token(text: str) -> str:
    tokens = re.findall(r"[\w.%-]+", text or "")
    return max(tokens, key=len) if tokens else ""


def _region(page: pymupdf.Page, quads: list) -> pymupdf.Rect:
    """Full page width (both columns: the reader sees the layout) and a band of lines around the match."""
    box = pymupdf.Rect(quads[0].rect)
    for quad in quads[1:]:
        box |= quad.rect
    region = pymupdf.Rect(page.rect.x0, box.y0 - CONTEXT_MARGIN, page.rect.x1, box.y1 + CONTEXT_MARGIN)
    return region & page.rect
