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
body { font-family: serif; font-size: 10pt; }  /* no line-height: with margins it breaks Story splitting */
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


BLOCK = re.compile(r"<(h2|h3|p|table)\b[^>]*>.*?</\1>", re.S)
MIN_SPACE_FOR_TEXT = 30  # pt; a text chunk starting closer to the column bottom moves to the next column


def _blocks(body: str) -> list[tuple[str, bool]]:
    """The body as (html, keep_together) chunks: runs of text, and each table with its caption.

    Runs of text share one Story (creating a Story per paragraph is slow); tables get their own.
    """
    out: list[tuple[str, bool]] = []
    run: list[str] = []
    for match in BLOCK.finditer(body):
        html, tag = match.group(0), match.group(1)
        if tag == "table":
            caption = run.pop() if run and run[-1].startswith("<p class='caption'>") else ""
            if run:
                out.append(("".join(run), False))
            run = []
            out.append((caption + html, True))
        else:
            run.append(html)
    if run:
        out.append(("".join(run), False))
    return out


class _Flow:
    """Flows chunks through one or two columns per page, page after page.

    Tables get their own Story: one long Story holding tables mis-reports whether content is left
    over after a few placements (MuPDF then draws past the page bottom). Separate placement also
    lets a table with its caption move to the next column instead of splitting.
    """

    def __init__(self, writer: pymupdf.DocumentWriter, two_column: bool):
        self.writer, self.two_column = writer, two_column
        self.device = writer.begin_page(PAGE)
        self.columns: list[pymupdf.Rect] = []
        self.column = 0
        self.y = MARGIN_TOP

    def place_header(self, html: str) -> None:
        story = pymupdf.Story(html=html, user_css=CSS)
        _, filled = story.place(pymupdf.Rect(MARGIN_X, MARGIN_TOP, PAGE.width - MARGIN_X, PAGE.height / 2))
        story.draw(self.device)
        self._set_columns(pymupdf.Rect(filled).y1 + 10)

    def _set_columns(self, top: float) -> None:
        self.columns, self.column, self.y = _columns(top, self.two_column), 0, top

    def _advance(self) -> None:
        self.column += 1
        if self.column == len(self.columns):
            self.writer.end_page()
            self.device = self.writer.begin_page(PAGE)
            self._set_columns(MARGIN_TOP)
        else:
            self.y = self.columns[self.column].y0

    def place(self, html: str, keep_together: bool) -> None:
        column = self.columns[self.column]
        if column.y1 - self.y < MIN_SPACE_FOR_TEXT:
            self._advance()
        story = pymupdf.Story(html=html, user_css=CSS)
        while True:
            column = self.columns[self.column]
            more, filled = story.place(pymupdf.Rect(column.x0, self.y, column.x1, column.y1))
            if more and keep_together and self.y > column.y0 + 1:
                story.reset()  # does not fit here: start it again at the top of the next column
                self._advance()
                continue
            story.draw(self.device)
            self.y = pymupdf.Rect(filled).y1
            if not more:
                return
            self._advance()

    def close(self) -> None:
        self.writer.end_page()
        self.writer.close()


def _render_pages(spec: PaperSpec) -> bytes:
    header, body = _header_html(spec), _body_html(spec)
    if not spec.ligatures:
        header, body = _without_ligatures(header), _without_ligatures(body)
    buffer = io.BytesIO()
    flow = _Flow(pymupdf.DocumentWriter(buffer), spec.two_column)
    flow.place_header(header)
    for html, keep_together in _blocks(body):
        flow.place(html, keep_together)
    flow.close()
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
