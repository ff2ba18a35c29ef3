"""Render a sample paper to PDF bytes with PyMuPDF, deterministically.

Layout: US letter, a full-width title block, then the body in one or two columns flowed across
pages by `pymupdf.Story`, page numbers, and on page 1 the rotated arXiv stamp in the left margin
("arXiv:2499.01234v2  [cs.CV]  3 Mar 2021") like real arXiv PDFs. Determinism: fixed metadata
dates, no random file id (`no_new_id`), and text that depends only on the spec.
"""
from __future__ import annotations

import io
import re

import pymupdf

from standin.prose import abstract, esc, sections
from standin.specs import PaperSpec

PAGE = pymupdf.paper_rect("letter")  # 612 x 792 pt
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 72, 72, 72
COLUMN_GAP = 18

CSS = """
body { font-family: serif; font-size: 10pt; line-height: 1.25; }
h1 { font-size: 16pt; text-align: center; margin-bottom: 4pt; }
h2 { font-size: 12pt; margin-top: 8pt; margin-bottom: 3pt; }
h3 { font-size: 10.5pt; margin-top: 6pt; margin-bottom: 2pt; }
p { margin-top: 0; margin-bottom: 5pt; text-align: left; }
p.authors { text-align: center; font-size: 11pt; }
p.abstract { font-size: 9.5pt; margin-left: 24pt; margin-right: 24pt; }
p.caption { font-size: 9pt; margin-top: 6pt; margin-bottom: 2pt; }
p.ref { font-size: 8.5pt; margin-bottom: 2pt; text-align: left; }
table { border-collapse: collapse; font-size: 8.5pt; margin-bottom: 8pt; }
th, td { border-top: 0.5pt solid black; border-bottom: 0.5pt solid black; padding: 1pt 4pt; }
"""



def stamp_text(spec: PaperSpec) -> str:
    """arXiv prints the version's submission date: v1 = published, later versions = updated."""
    date = spec.updated if spec.version > 1 else spec.published
    return f"arXiv:{spec.arxiv_id}v{spec.version}  [{spec.primary_category}]  {date.day} {date:%b %Y}"


def _without_ligatures(markup: str) -> str:
    """Stop the layout engine from shaping fi/fl/ff/ffi into ligature glyphs.

    MuPDF's text shaping turns "classification" into "classiﬁcation" (U+FB01), which is what many real
    PDFs extract to; papers with `ligatures=False` should extract as plain letters, so an empty span
    after each such "f" splits the text run the shaper works on without adding any character.
    """
    parts = re.split(r"(<[^>]+>)", markup)
    return "".join(part if part.startswith("<") else re.sub(r"f(?=[fil])", "f<span></span>", part)
                   for part in parts)


def _header_html(spec: PaperSpec) -> str:
    return (f"<h1>{esc(spec.title)}</h1>"
            f"<p class='authors'>{esc(', '.join(spec.authors))}</p>"
            f"<p class='abstract'><b>Abstract.</b> {esc(abstract(spec))}</p>")


def _body_html(spec: PaperSpec) -> str:
    return "".join(f"<h2>{esc(s.heading)}</h2>{s.html}" for s in sections(spec))


def _columns(top: float, two_column: bool) -> list[pymupdf.Rect]:
    bottom = PAGE.height - MARGIN_BOTTOM
    if not two_column:
        return [pymupdf.Rect(MARGIN_X, top, PAGE.width - MARGIN_X, bottom)]
    width = (PAGE.width - 2 * MARGIN_X - COLUMN_GAP) / 2
    left = pymupdf.Rect(MARGIN_X, top, MARGIN_X + width, bottom)
    return [left, pymupdf.Rect(left.x1 + COLUMN_GAP, top, PAGE.width - MARGIN_X, bottom)]


def _render_pages(spec: PaperSpec) -> bytes:
    header, body = _header_html(spec), _body_html(spec)
    if not spec.ligatures:
        header, body = _without_ligatures(header), _without_ligatures(body)
    header_story = pymupdf.Story(html=header, user_css=CSS)
    body_story = pymupdf.Story(html=body, user_css=CSS)
    buffer = io.BytesIO()
    writer = pymupdf.DocumentWriter(buffer)
    first, more = True, True
    while more:
        device = writer.begin_page(PAGE)
        top = MARGIN_TOP
        if first:
            full = pymupdf.Rect(MARGIN_X, MARGIN_TOP, PAGE.width - MARGIN_X, PAGE.height / 2)
            _, filled = header_story.place(full)
            header_story.draw(device)
            top = pymupdf.Rect(filled).y1 + 10
            first = False
        for rect in _columns(top, spec.two_column):
            more, _ = body_story.place(rect)
            body_story.draw(device)
            if not more:
                break
        writer.end_page()
    writer.close()
    return buffer.getvalue()


def build_pdf(spec: PaperSpec) -> bytes:
    """The paper as PDF bytes; identical bytes on every call for the same spec."""
    doc = pymupdf.open("pdf", _render_pages(spec))
    try:
        stamp = stamp_text(spec)
        first = doc[0]
        # Rotated 90 degrees, reading bottom-to-top along the left margin, as arXiv stamps do.
        first.insert_text((32, PAGE.height - 220), stamp, fontname="tiro", fontsize=18,
                          rotate=90, color=(0.5, 0.5, 0.5))
        for number, page in enumerate(doc, start=1):
            page.insert_text((PAGE.width / 2 - 4, PAGE.height - 40), str(number), fontname="tiro", fontsize=9)
        date = f"D:{spec.updated:%Y%m%d%H%M%S}Z"
        doc.set_metadata({"title": spec.title, "author": ", ".join(spec.authors),
                          "subject": stamp, "keywords": ", ".join(spec.categories),
                          "creator": "computer-progress standin", "producer": "PyMuPDF",
                          "creationDate": date, "modDate": date})
        return doc.tobytes(garbage=3, deflate=True, no_new_id=True)
    finally:
        doc.close()
