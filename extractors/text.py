"""PDF -> DocumentText: reading order, dehyphenation, NFKC, footnote markers, sections, sentences.

One MuPDF TextPage per page. Its block boxes come straight from the structured-text blocks (a pointer
walk; `extractBLOCKS()` would recompute every glyph box) and `extractXHTML()` gives the same blocks
with markup (<sup> superscripts, <b> bold, <hN> large type), a string built in C. Building
`get_text("dict")` (a Python object per span) was ~50% slower on the real corpus. Python then works
on blocks with a few regexes, never per character. Pages with a table caption keep their TextPage
until the end, so the table reader's word boxes come from it and its XHTML is not written a second
time (`read_document(word_pages=...)`).
"""
from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import pymupdf

from extractors.arxiv_ids import STAMP
from extractors.cues import ablated
from extractors.document import DocumentText, Sentence
from extractors.records import ExtractionError
from extractors.sentences import split_sentences
from extractors.textpage_boxes import block_boxes

# Text only (no images); ligatures NOT preserved, so MuPDF already expands "ﬁ" -> "fi"
# (NFKC below catches fonts that map ligatures to compatibility characters anyway).
_TEXT_FLAGS = (pymupdf.TEXTFLAGS_TEXT & ~pymupdf.TEXT_PRESERVE_LIGATURES) | pymupdf.TEXT_MEDIABOX_CLIP

# "arXiv:1706.03762v5 [cs.CL] 6 Dec 2017" (the vertical stamp arXiv adds to page 1) and old-style ids;
# not "arXiv:submit/3129194 [cs.CL]", the stamp of a submission that has no id yet.
_ARXIV_STAMP = STAMP
_FOOTNOTE_SYMBOLS = re.compile(r"^[\s\d,*∗†‡§¶⋆♠♣♦♥a-e]+$")
_CAPTION = re.compile(r"^(?:Figure|Fig\.|Table|Tab\.)\s*[A-Z]?\d+\s*[:.|]")

_HEADING_NUMBER = re.compile(r"^(?:(\d+(?:\.\d+)*)\.?|([A-H](?:\.\d+)*)\.?|([IVX]+)\.)\s+(?=\S)")
_SECTION_WORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("abstract", re.compile(r"^abstract\b")),
    ("references", re.compile(r"^(?:references|bibliography|literature cited)\b")),
    ("acknowledgements", re.compile(r"^acknowledge?ments?\b")),
    ("appendix", re.compile(r"^(?:appendix|appendices|supplementary|supplemental)\b")),
    ("related_work", re.compile(r"^(?:related work|prior work|previous work|background|literature review)")),
    ("experiments", re.compile(
        r"(?:experiment|training|implementation|set-?up|evaluation|results|hardware|details|"
        r"ablation|empirical|pre-?training|fine-?tuning|benchmark)")),
)


@dataclass
class _Block:
    page: int
    text: str
    kind: str  # para | heading | caption | table | footnote
    heading_level: int = 0  # 1 for "3 Experiments", 2 for "3.1 Setup"; 1 for unnumbered headings
    section_hint: str = ""


def open_pdf(path_or_bytes: str | Path | bytes, *, max_pages: int | None = None) -> pymupdf.Document:
    """Open and validate a PDF (empty, not a PDF, truncated, encrypted, too many pages -> ExtractionError)."""
    return _open(path_or_bytes, max_pages=max_pages)


def read_document(path_or_bytes: str | Path | bytes | pymupdf.Document, *, max_pages: int | None = None,
                  word_pages: Callable[[DocumentText], Iterable[int]] | None = None) -> DocumentText:
    """Read a PDF into pages and sectioned sentences; raise ExtractionError when it cannot be read.

    An already opened `pymupdf.Document` (from `open_pdf`) is read but left open for the caller.
    `word_pages`, given the finished document, names the 0-based pages whose word boxes
    (`page.get_text("words")` tuples) the caller wants in `DocumentText.page_words`: they are taken
    from the TextPage already built here, which only pages with a "Table N" caption keep until then."""
    owned = not isinstance(path_or_bytes, pymupdf.Document)
    doc = _open(path_or_bytes, max_pages=max_pages) if owned else path_or_bytes
    kept_textpages: dict[int, tuple[pymupdf.TextPage, str]] = {}  # with the page's XHTML, read once
    try:
        page_raw: list[list[_RawBlock]] = []
        page_width: list[float] = []
        page_height: list[float] = []
        for index, page in enumerate(doc):
            textpage = page.get_textpage(flags=_TEXT_FLAGS)
            xhtml = textpage.extractXHTML()
            raw_blocks = _read_textpage(textpage, xhtml)
            page_raw.append(raw_blocks)
            rect = page.rect
            page_width.append(rect.width)
            page_height.append(rect.height)
            # One search over the page's blocks joined by "\0", which the caption pattern cannot cross.
            if word_pages is not None and _TABLE_CAPTION.search("\0".join([b.text for b in raw_blocks])):
                kept_textpages[index] = (textpage, xhtml)
    except ExtractionError:
        raise
    except Exception as exc:  # MuPDF raises plain RuntimeError on damaged content streams
        raise ExtractionError(f"text extraction failed: {exc}", kind="unreadable") from exc
    finally:
        if owned:
            doc.close()

    _mark_large_type(page_raw)
    arxiv_id = _arxiv_id_from_stamp(page_raw[0]) if page_raw else None
    title = _title(page_raw[0]) if page_raw else ""
    pages: list[str] = []
    blocks: list[_Block] = []
    for number, (raw_blocks, width, height) in enumerate(zip(page_raw, page_width, page_height), start=1):
        page_blocks = [_classify(number, b, height) for b in _reading_order(raw_blocks, width)]
        page_blocks = [b for b in page_blocks if b.text]
        blocks.extend(page_blocks)
        pages.append("\n\n".join(b.text for b in page_blocks))
    if not any(p.strip() for p in pages):
        raise ExtractionError("PDF has no extractable text (scanned images only?)", kind="empty")
    document = DocumentText(arxiv_id=arxiv_id, pages=pages, sentences=_sentences(blocks), title=title,
                            page_sizes=list(zip(page_width, page_height)))
    if kept_textpages:
        for index in word_pages(document):
            if index in kept_textpages:
                textpage, xhtml = kept_textpages[index]
                try:
                    document.page_words[index] = textpage.extractWORDS()
                except Exception:  # a damaged page: the table reader reads it again or skips it
                    continue
                document.page_markup[index] = xhtml  # the XHTML the blocks were read from
    return document


# A table caption somewhere in a block ("Table 3:", "Table IV."): the page may hold a result table.
_TABLE_CAPTION = re.compile(r"Table\s+(?:\d+|[IVX]+)\s*[:.]")


def _read_textpage(textpage: pymupdf.TextPage, xhtml: str) -> list[_RawBlock]:
    """The page's text blocks with markup. The block boxes come straight from MuPDF's structured-text
    blocks (`textpage_boxes`, a pointer walk); `extractBLOCKS()` recomputes every box
    from its characters' glyph boxes, which cost more than all the rest of the reading. A page whose
    XHTML paragraphs (`xhtml`, the TextPage's `extractXHTML()`) do not pair one-to-one with its blocks
    falls back to `extractBLOCKS()`."""
    boxes = block_boxes(textpage)
    if boxes is not None:
        paragraphs = _paragraphs(xhtml)
        if len(paragraphs) == len(boxes):
            out: list[_RawBlock] = []
            for box, (tag, body) in zip(boxes, paragraphs):
                x0, y0, x1, y1 = box
                for block in _marked_up_blocks(box, tag, body, False):
                    if block.text:  # whitespace-only blocks, lone footnote markers
                        block.rotated = (x1 - x0) < 0.1 * (y1 - y0) and len(block.text) > 12
                        out.append(block)
            return out
    return _page_blocks(textpage.extractBLOCKS(), xhtml)


def _open(source: str | Path | bytes, *, max_pages: int | None) -> pymupdf.Document:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        label = "<bytes>"
    else:
        path = Path(source)
        if not path.is_file():
            raise ExtractionError(f"no such file: {path}", kind="unreadable")
        data = path.read_bytes()
        label = path.name
    if not data:
        raise ExtractionError(f"{label}: empty file", kind="empty")
    if b"%PDF-" not in data[:1024]:
        raise ExtractionError(f"{label}: not a PDF (no %PDF- header)", kind="not_pdf")
    try:
        doc = pymupdf.open(stream=data, filetype="pdf")
    except pymupdf.EmptyFileError as exc:
        raise ExtractionError(f"{label}: empty PDF ({exc})", kind="empty") from exc
    except pymupdf.FileDataError as exc:
        raise ExtractionError(f"{label}: damaged or truncated PDF ({exc})", kind="truncated") from exc
    except Exception as exc:
        raise ExtractionError(f"{label}: cannot open PDF ({exc})", kind="unreadable") from exc
    if doc.needs_pass:
        doc.close()
        raise ExtractionError(f"{label}: encrypted PDF needs a password", kind="encrypted")
    if doc.page_count == 0:
        doc.close()
        kind = "truncated" if b"%%EOF" not in data[-2048:] else "empty"
        raise ExtractionError(f"{label}: PDF has no pages", kind=kind)
    if max_pages is not None and doc.page_count > max_pages:
        count = doc.page_count
        doc.close()
        raise ExtractionError(f"{label}: {count} pages, more than the limit of {max_pages}", kind="too_many_pages")
    return doc


@dataclass
class _RawBlock:
    bbox: tuple[float, float, float, float]
    text: str
    styled: bool  # bold (or, after `_mark_large_type`, larger than the body text): a heading candidate
    rotated: bool
    tag: str = "p"  # MuPDF's XHTML tag: "p", or "h1".."h6" for type larger than MuPDF's normal size
    large: bool = False


_PARAGRAPH = re.compile(r"<(p|h\d)>(.*?)</\1>", re.S)
_PARAGRAPH_OPEN = re.compile(r"<(p|h\d)>")


def _paragraphs(xhtml: str) -> list[tuple[str, str]]:
    """`_PARAGRAPH.findall(xhtml)`: (tag, body) of each paragraph. MuPDF writes each paragraph on a line
    of its own, so the lines are read first; a page with any other line falls back to a search."""
    paragraphs = _line_paragraphs(xhtml)
    return paragraphs if paragraphs is not None else _searched_paragraphs(xhtml)


def _line_paragraphs(xhtml: str) -> list[tuple[str, str]] | None:
    """The paragraphs of a page whose every paragraph is one line ("<p>...</p>", "<h2>...</h2>"), found
    with str methods; None when some line opens a paragraph it does not close, or holds an opening
    tag elsewhere (the search then decides)."""
    out: list[tuple[str, str]] = []
    for line in xhtml.split("\n"):
        # The body ends at the first closing tag after the opening one: here, at the end of the line.
        if line.startswith("<p>"):
            end = len(line) - 4
            if end < 3 or line.find("</p>", 3) != end:
                return None
            out.append(("p", line[3:end]))
        elif line.startswith("<h") and line[3:4] == ">" and line[2:3].isdecimal():  # what \d matches
            tag = line[1:3]
            end = len(line) - 5
            if end < 4 or line.find(f"</{tag}>", 4) != end:
                return None
            out.append((tag, line[4:end]))
        elif "<p>" in line or "<h" in line:
            return None
    return out


def _searched_paragraphs(xhtml: str) -> list[tuple[str, str]]:
    """`_PARAGRAPH.findall(xhtml)` for any page. Each closing tag is found with `str.find` instead of the
    lazy `.*?`, which tests for it at every character (half the cost)."""
    out: list[tuple[str, str]] = []
    at = 0
    while True:
        opening = _PARAGRAPH_OPEN.search(xhtml, at)
        if opening is None:
            return out
        tag = opening.group(1)
        end = xhtml.find(f"</{tag}>", opening.end())
        if end < 0:  # never closed: the regex would go on from the next character
            at = opening.start() + 1
            continue
        out.append((tag, xhtml[opening.end():end]))
        at = end + len(tag) + 3


_SUP = re.compile(r"<sup>(.*?)</sup>", re.S)
_BOLD = re.compile(r"<b>(.*?)</b>", re.S)
_TAG = re.compile(r"<[^>]+>")
_LEADING_BOLD = re.compile(r"^\s*((?:<b>[^<]*</b>\s*)+)(?=\S)")


def _page_blocks(blocks: list[tuple], xhtml: str) -> list[_RawBlock]:
    """Pair MuPDF's text blocks (boxes, plain text) with their XHTML paragraphs (markup).

    MuPDF writes one XHTML paragraph per text block; when a block changes type size mid-way it writes
    two (rare: 3 of 347 real pages), and then the page falls back to the plain block text."""
    text_blocks = [b for b in blocks if b[6] == 0 and b[4].strip()]
    paragraphs = _paragraphs(xhtml)
    paragraphs = [(tag, body) for tag, body in paragraphs if _TAG.sub("", body).strip()]
    aligned = len(paragraphs) == len(text_blocks)
    out: list[_RawBlock] = []
    for index, block in enumerate(text_blocks):
        x0, y0, x1, y1 = block[:4]
        rotated = (x1 - x0) < 0.1 * (y1 - y0) and len(block[4]) > 12
        if aligned:
            tag, body = paragraphs[index]
            out.extend(_marked_up_blocks((x0, y0, x1, y1), tag, body, rotated))
        else:
            text = _dehyphenate(" ".join(line.strip() for line in block[4].splitlines()))
            out.append(_RawBlock((x0, y0, x1, y1), unicodedata.normalize("NFKC", text), False, rotated))
    return out


def _marked_up_blocks(bbox, tag: str, body: str, rotated: bool) -> list[_RawBlock]:
    # Most blocks carry no markup at all: substring tests skip the regexes for them.
    if "<sup>" in body:
        body = _SUP.sub(_superscript, body)
    out: list[_RawBlock] = []
    bold = "<b>" in body
    run_in = _LEADING_BOLD.match(body) if bold else None
    if run_in:
        heading = _plain(run_in.group(1))
        rest = body[run_in.end():]
        # "5.2 Hardware and Schedule We trained ..." in one block: split a short bold lead-in that
        # reads like a heading off its paragraph, so it can start a section.
        if heading and len(heading.split()) <= 10 and _plain(rest) and (
                _HEADING_NUMBER.match(heading) or _section_hint(heading) != "body"):
            out.append(_RawBlock(bbox, heading, True, rotated, tag))
            body = rest
    text = _plain(body)
    bold_chars = sum(len(_TAG.sub("", m)) for m in _BOLD.findall(body)) if bold else 0
    styled = bool(text) and bold_chars >= 0.6 * len(text)
    out.append(_RawBlock(bbox, text, styled, rotated, tag))
    return out


def _mark_large_type(pages: list[list[_RawBlock]]) -> None:
    """MuPDF tags type by absolute size, so a paper set in 12 pt has its body in <h3>. Only tags
    of larger type than the document's body tag (the one holding most text) mark headings/titles."""
    chars: Counter[str] = Counter()
    for blocks in pages:
        for block in blocks:
            chars[block.tag] += len(block.text)
    if not chars:
        return
    body_tag = chars.most_common(1)[0][0]
    body_rank = int(body_tag[1]) if body_tag.startswith("h") else 9
    for blocks in pages:
        for block in blocks:
            if block.tag.startswith("h") and int(block.tag[1]) < body_rank:
                block.large = True
                block.styled = True


def _superscript(match: re.Match[str]) -> str:
    """Superscripts after a number become '^' exponents ("10^19", "32^2"); footnote markers glued to
    words or numbers ("GPUs^1", "v3-8" + footnote "1") are dropped, keeping one space."""
    inner = match.group(1)
    inner = _unescape(_TAG.sub("", inner) if "<" in inner else inner)
    stripped = inner.strip()
    if not stripped:
        return inner
    if _EXPONENT.fullmatch(stripped):  # the text before matters only to a number (_SMALL_POWER is one too)
        before = match.string[max(0, match.start() - 12):match.start()]
        before_plain = _TAG.sub("", before) if "<" in before else before
        if _AFTER_TEN.search(before_plain):
            return "^" + stripped.replace("−", "-") + (" " if inner.endswith(" ") else "")
        if _SMALL_POWER.fullmatch(stripped) and _AFTER_WORD.search(before_plain) is None and \
                _AFTER_DIGIT.search(before_plain) and not _AFTER_RANGE.search(before_plain):
            return "^" + stripped + (" " if inner.endswith(" ") else "")  # "32^2 pixels"
    if _FOOTNOTE_SYMBOLS.match(stripped) or _MARKER_NUMBERS.fullmatch(stripped):
        return " " if inner.endswith(" ") else ""
    return inner


# `_superscript`'s tests, compiled once (it runs on every superscript of the paper).
_EXPONENT = re.compile(r"[−\-]?\d{1,3}")
_AFTER_TEN = re.compile(r"(?:^|[^\d.])10\s*$")
_SMALL_POWER = re.compile(r"\d{1,2}")
_AFTER_WORD = re.compile(r"[A-Za-z)]\s*$")
_AFTER_DIGIT = re.compile(r"\d\s*$")
_AFTER_RANGE = re.compile(r"-\d+\s*$")
_MARKER_NUMBERS = re.compile(r"[\d,]{1,5}")


# html.unescape's own pattern (the standard library's `html._charref`): what it replaces depends on the
# matched text alone, so each distinct reference is decoded once, not at each of its occurrences
# (MuPDF writes every non-ASCII character as one, "&#x3b4;").
_CHARREF = re.compile(r"&(#[0-9]+;?|#[xX][0-9a-fA-F]+;?|[^\t\n\f <&#;]{1,32};?)")
_DECODED: dict[str, str] = {}


def _decode_reference(match: re.Match[str]) -> str:
    reference = match.group()
    decoded = _DECODED.get(reference)
    if decoded is None:
        decoded = html.unescape(reference)
        if len(_DECODED) < 20000:  # a bound for streams of odd "&name" text; real papers use a few hundred
            _DECODED[reference] = decoded
    return decoded


def _unescape(text: str) -> str:
    """`html.unescape(text)`, with each distinct character reference decoded once per process."""
    return _CHARREF.sub(_decode_reference, text) if "&" in text else text


def _plain(fragment: str) -> str:
    text = _TAG.sub("", fragment) if "<" in fragment else fragment
    if "&" in text:
        text = _unescape(text)
    if not text.isascii():  # ASCII text is already in NFKC form
        text = unicodedata.normalize("NFKC", text)
    if not (text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " "):
        # split() and \s agree on what is whitespace. A printable text holds no whitespace but " "
        # (every other kind is a control or separator character), so without a double, leading or
        # trailing space it is already collapsed: most blocks, spared a split into words and a join.
        text = " ".join(text.split())
    return _dehyphenate(text)


_HYPHEN_BREAK = re.compile(r"\b([A-Za-z][a-z]*)- ([a-z][a-z]*)")


_COMPOUND_BREAK = re.compile(r"\b(\w*\d)- ([A-Z0-9])")


def _dehyphenate(text: str) -> str:
    """MuPDF joins a block's lines with a space, so a line-end hyphen reads "train- ing"; a model
    name broken after a number ("A100- SXM4", "ResNet- 50") is joined keeping its hyphen."""
    if "- " not in text:
        return text
    return _sub_at_breaks(_COMPOUND_BREAK, _join_compound, _sub_at_breaks(_HYPHEN_BREAK, _join_hyphen, text))


def _sub_at_breaks(pattern: re.Pattern[str], join: Callable[[re.Match[str]], str], text: str) -> str:
    """`pattern.sub(join, text)` for a pattern of the form \\b<word characters>"- "...: the regex is tried
    only where a "- " is, at the start of the word run before it (the one place its \\b lets it
    start), instead of at every character of the block. Same matches, same left-to-right order."""
    out: list[str] = []
    last = 0
    at = text.find("- ")
    while at >= 0:
        start = at
        while start > 0 and (text[start - 1].isalnum() or text[start - 1] == "_"):  # what \w matches
            start -= 1
        match = pattern.match(text, start) if start >= last else None
        if match:
            out.append(text[last:start])
            out.append(join(match))
            last = match.end()
        at = text.find("- ", max(at + 1, last))
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


def _join_compound(match: re.Match[str]) -> str:
    return f"{match.group(1)}-{match.group(2)}"


def _join_hyphen(match: re.Match[str]) -> str:
    first, second = match.group(1), match.group(2)
    if second in ("and", "or", "to", "vs") or not first.islower():
        # "pre- and post-training" keeps its hyphen and space; "English- to-German" -> "English-to-German"
        return f"{first}-{second}" if not first.islower() and second not in ("and", "or") else match.group(0)
    return first + second


_LAST_WORD = re.compile(r"([A-Za-z0-9]+)-$")


def _is_soft_hyphen_break(before: str, after: str) -> bool:
    """A line-end hyphen that only splits a word ("train-" + "ing"), not a compound ("English-" +
    "to-German", "GPU-" + "days", "ResNet-" + "50"): the fragment before is lower-case letters and the
    fragment after starts lower-case."""
    if not before.endswith("-") or not after[:1].islower():
        return False
    word = _LAST_WORD.search(before[-40:])
    return bool(word) and word.group(1).isalpha() and word.group(1).islower()


def _arxiv_id_from_stamp(blocks: list[_RawBlock]) -> str | None:
    # Prefer the rotated margin stamp; fall back to any stamp-shaped text on page 1.
    for block in sorted(blocks, key=lambda b: not b.rotated):
        match = _ARXIV_STAMP.search(block.text)
        if match:
            return match.group("id")
    return None


# Lines above a title that are not the title: venue and status notes, page numbers, arXiv stamps.
_NOT_TITLE = re.compile(
    r"^(?:\d{1,3}|page \d+.*|published (?:as|in|at)\b.*|accepted (?:as|at|to|for|in)\b.*|under review\b.*|"
    r"to appear\b.*|appearing in\b.*|(?:in )?proceedings of\b.*|preprint\b.*|.*\bpreprint\.?|"
    r"(?:workshop|conference) (?:track|paper)\b.*|arxiv:.*|technical report\b.*)$",
    re.IGNORECASE,
)


def _title(blocks: list[_RawBlock]) -> str:
    """The paper's title: the first block set in larger type near the top of page 1 (else the first
    block there that is not a venue line or page number), with the next block when the title wraps
    onto a second line that MuPDF set as its own block."""
    candidates = [b for b in sorted(blocks, key=lambda b: b.bbox[1])
                  if not b.rotated and b.bbox[1] < 300 and len(b.text) < 300 and not _NOT_TITLE.match(b.text.strip())]
    if not candidates:
        return ""
    large = [b for b in candidates if b.large]
    title = large[0] if large else candidates[0]
    text = title.text
    following = candidates[candidates.index(title) + 1:]
    if following and title.large:
        line = following[0]
        gap = line.bbox[1] - title.bbox[3]  # boxes of tightly set lines may overlap a little
        height = line.bbox[3] - line.bbox[1]
        if line.large and line.tag == title.tag and -0.5 * height < gap < 0.6 * height:
            text = _join_lines(text, line.text)
    return text


def _join_lines(first: str, second: str) -> str:
    if _is_soft_hyphen_break(first, second):
        return first[:-1] + second
    return first + ("" if first.endswith("-") else " ") + second


def _reading_order(blocks: list[_RawBlock], page_width: float) -> list[_RawBlock]:
    """Order blocks for reading: on two-column pages, left column before right column within each
    band between full-width blocks (titles, wide figures/tables); otherwise top to bottom."""
    blocks = [b for b in blocks if not b.rotated]
    mid = page_width / 2
    margin = 0.04 * page_width
    left_edge, right_edge = mid + margin, mid - margin
    sides: list[str] = []  # each block's column: one pass that also counts the characters in each
    left_chars = right_chars = total = 0
    for b in blocks:
        x0, _, x1, _ = b.bbox
        length = len(b.text)
        total += length
        if x1 <= left_edge:
            sides.append("left")
            left_chars += length
        elif x0 >= right_edge:
            sides.append("right")
            right_chars += length
        else:
            sides.append("full")
    total = total or 1
    if left_chars < 0.15 * total or right_chars < 0.15 * total:
        return sorted(blocks, key=lambda b: (round(b.bbox[1]), b.bbox[0]))

    ordered: list[_RawBlock] = []
    band: list[tuple[str, _RawBlock]] = []

    def flush() -> None:
        ordered.extend(sorted((b for s, b in band if s == "left"), key=lambda b: b.bbox[1]))
        ordered.extend(sorted((b for s, b in band if s == "right"), key=lambda b: b.bbox[1]))
        band.clear()

    for b, s in sorted(zip(blocks, sides), key=lambda pair: pair[0].bbox[1]):
        if s == "full":
            flush()
            ordered.append(b)
        else:
            band.append((s, b))
    flush()
    return ordered


_RUNNING_HEAD = re.compile(r"^(?:\d{1,3}|page \d+( of \d+)?|under review.*|published as .*)$", re.IGNORECASE)


# A footnote: low on the page, opening with its marker ("1 Code is at ...", "∗Equal contribution").
_FOOTNOTE_START = re.compile(r"^(?:\d{1,2}\s?[A-Z]|[∗*†‡§¶]\s?[A-Z]|\d{1,2}\s?https?:)")


def _classify(page: int, block: _RawBlock, page_height: float = 792.0) -> _Block:
    text = block.text.strip()
    if _RUNNING_HEAD.match(text):
        return _Block(page, "", "para")
    if _CAPTION.match(text):
        return _Block(page, text, "caption")
    if block.bbox[1] > 0.7 * page_height and _FOOTNOTE_START.match(text):
        return _Block(page, text, "footnote")
    heading = _heading(text, block)
    if heading:
        level, hint = heading
        return _Block(page, text, "heading", heading_level=level, section_hint=hint)
    if _looks_like_table(text):
        return _Block(page, text, "table")
    return _Block(page, text, "para")


def _section_hint(name: str) -> str:
    name_lower = name.strip().lower().rstrip(".: ")
    name_lower = name_lower[_HEADING_NUMBER.match(name_lower).end():] if _HEADING_NUMBER.match(name_lower) else name_lower
    return next((section for section, pattern in _SECTION_WORDS if pattern.search(name_lower)), "body")


def _heading(text: str, block: _RawBlock) -> tuple[int, str] | None:
    """(level, section hint) when the block is a section heading, else None."""
    if len(text) > 90:
        return None
    numbered = _HEADING_NUMBER.match(text)
    name = (text[numbered.end():] if numbered else text).strip()
    words = name.split()
    if not words or len(words) > 12 or not words[0][:1].isupper():
        return None
    name_lower = name.lower().rstrip(".: ")
    if name.rstrip().endswith((",", ";")) or (name.endswith(".") and len(words) > 6):
        return None  # a sentence, not a title
    hint = next((section for section, pattern in _SECTION_WORDS if pattern.search(name_lower)), "body")
    styled = block.styled
    if numbered:
        if not re.match(r"[A-Za-z]", name):
            return None  # "3 GPUs ..." in plain text
        if not styled and not (len(words) <= 8 and not name.endswith((".", ",", ";", ":"))
                               and (_title_case(words) or len(words) <= 6)):
            return None  # a numbered list item, not a heading set in plain type
        label = numbered.group(1) or numbered.group(2) or numbered.group(3) or ""
        return 1 + label.count("."), hint
    if styled:
        return 1, hint
    if hint in ("abstract", "references", "acknowledgements", "appendix") and len(words) <= 2:
        return 1, hint  # unstyled "References" / "Acknowledgments" lines
    return None


_SMALL_WORDS = frozenset("a an and as at by for from in of on or the to via with vs".split())


def _title_case(words: list[str]) -> bool:
    return all(w[:1].isupper() or w.lower() in _SMALL_WORDS or not w[:1].isalpha() for w in words)


# A numeric cell: a token of digits and number punctuation holding a digit, after whitespace (searched
# in " " + text, so the first token has some: a pattern opening with `\s` is scanned for far faster
# than one opening with `(?:^|\s)`). Its first digit splits the token into two runs that never
# backtrack ("*+"); `[\d.,%±()/\-–+×x]*\d[\d.,%±()/\-–+×x]*` matched the same tokens but retried every split.
_NUMERIC_CELL = re.compile(r"\s[.,%±()/\-–+×x]*+\d[\d.,%±()/\-–+×x]*+(?=\s|$)")
# A token holding a digit, one match each: from its first digit to its end. `\S*\d\S*` found the same
# tokens but was tried (and backtracked) at every character of a token without a digit.
_TOKEN_WITH_DIGIT = re.compile(r"\d\S*+")
_SENTENCE_BREAK = re.compile(r"[a-z]{3,}[.!?]\s+[A-Z]")


def _numeric_cells(text: str) -> int:
    return len(_NUMERIC_CELL.findall(" " + text))


def _looks_like_table(text: str) -> bool:
    tokens = text.count(" ") + 1
    if tokens < 4 or _digit_count(text) < 0.4 * tokens:
        return False  # every numeric cell holds a digit: too few digits, too few numeric cells
    return _numeric_cells(text) >= 0.4 * tokens and not _SENTENCE_BREAK.search(text) and not _reads_as_prose(text)


def _sentences(blocks: list[_Block]) -> list[Sentence]:
    """Walk blocks in reading order, track the section, join paragraphs split across columns/pages,
    and split into sentences."""
    out: list[Sentence] = []
    section = "body"
    seen_references = False
    pending: list[tuple[int, str]] = []  # paragraph pieces (page, text) waiting for their sentence end
    pending_section = section
    units = 0  # paragraphs emitted so far (Sentence.paragraph)
    part = 0  # numbered level-1 headings seen so far (Sentence.part)

    def emit(pieces: list[tuple[int, str]], unit_section: str) -> None:
        nonlocal units
        _emit(out, pieces, unit_section, paragraph=units, part=part)
        units += 1

    def flush() -> None:
        nonlocal pending
        if pending:
            emit(pending, pending_section)
            pending = []

    for index, block in enumerate(blocks):
        if block.kind == "heading":
            if pending and _header_inside_word(pending[-1][1], blocks, index):
                continue  # a running page header between the halves of a hyphenated word, no section
            flush()
            section = _next_section(section, block, seen_references)
            # A new top-level section: a numbered level-1 heading ("5 Cloze Test"), not a bold run-in
            # paragraph title ("Model details."), which `_heading` also gives level 1.
            part += block.heading_level == 1 and bool(_HEADING_NUMBER.match(block.text))
            seen_references = seen_references or section == "references"
            continue
        if block.kind in ("caption", "table", "footnote"):
            # Captions, tables and footnotes are separate units; they never continue a paragraph
            # (a footnote sits between the two halves of a paragraph broken across columns).
            unit_section = section if block.kind == "footnote" or section == "references" else block.kind
            emit([(block.page, block.text)], unit_section)
            continue
        if section == "body" and index < 40 and block.page == 1 and not out and _is_abstract_start(block.text):
            section = "abstract"
        if pending and pending_section != section:
            flush()
        pending_section = section
        pending.append((block.page, block.text))
        if _ends_paragraph(block.text):
            flush()  # the paragraph ends here; otherwise it continues in the next column or page
    flush()
    return out  # `_emit` numbers each sentence by its position in `out`


_CLOSERS = "\"'”’)]"


def _header_inside_word(before: str, blocks: list[_Block], index: int) -> bool:
    """A "heading" block that falls inside a word hyphenated across a page break ("itera-" | the paper's
    running title | "tions.") is the page's running header: a real heading never splits a word."""
    if not before.endswith("-") or ablated("text_header_in_word"):
        return False
    after = next((b for b in blocks[index + 1:] if b.kind not in ("heading", "caption", "table", "footnote")), None)
    return after is not None and _is_soft_hyphen_break(before, after.text)


def _ends_paragraph(text: str) -> bool:
    r"""Whether `text` ends like a paragraph, as `re.search(r"[.!?:][\"'”’)\]]*\s*$", text)` tells: read
    from its end with two strips instead of a regex tried at every punctuation mark of the block."""
    return text.rstrip().rstrip(_CLOSERS).endswith((".", "!", "?", ":"))


def _is_abstract_start(text: str) -> bool:
    return text.lower().startswith("abstract")


def _next_section(current: str, heading: _Block, seen_references: bool) -> str:
    hint = heading.section_hint
    if hint == "body" and seen_references:
        return "appendix"  # headings after the bibliography are supplementary material
    if hint != "body":
        return hint
    if heading.heading_level >= 2 and current in ("experiments", "related_work", "appendix"):
        return current  # a neutral sub-heading stays inside its parent section
    if current == "appendix":
        return current
    return "body"


def _emit(out: list[Sentence], pieces: list[tuple[int, str]], section: str, *, paragraph: int = -1,
          part: int = -1) -> None:
    text = ""
    page_starts: list[tuple[int, int]] = []
    for page, piece in pieces:
        if text:
            if _is_soft_hyphen_break(text, piece):
                text = text[:-1]  # a word hyphenated across a column or page break
            elif not text.endswith(("-", "/")):
                text += " "
        page_starts.append((len(text), page))
        text += piece
    one_page = page_starts[0][1] if len(page_starts) == 1 else 0  # most paragraphs: their sentences are on it
    abstract = section == "abstract"
    tables_apart = section not in ("references", "caption", "table")
    for start, sentence in split_sentences(text):
        page = one_page or next(p for offset, p in reversed(page_starts) if offset <= start)
        if abstract and sentence.lower().startswith("abstract"):
            sentence = sentence[8:].lstrip(" .:—-")
            if not sentence:
                continue
        if tables_apart and _looks_like_table_text(sentence):
            # A table whose cells MuPDF returned as running text: keep it apart from prose.
            out.append(Sentence(page, sentence, "table", len(out), paragraph, part))
            continue
        out.append(Sentence(page, sentence, section, len(out), paragraph, part))


def _looks_like_table_text(sentence: str) -> bool:
    tokens = sentence.count(" ") + 1
    if tokens < 12 or _digit_count(sentence) < 0.3 * tokens:
        return False
    return len(_TOKEN_WITH_DIGIT.findall(sentence)) >= 0.3 * tokens and not _reads_as_prose(sentence)


# Words that carry the grammar of running text and are rare in table cells.
_FUNCTION_WORDS = frozenset(
    """a an the of and or to in on for with by from at as is are was were be been being we our us it its
    this that these those which who than then when while into over under after before both each not no
    only also can has have had will would such using use used per via between against whereas""".split())
# A value cell: a number, possibly with a percent sign, a short unit or scale letter ("183ms", "52M",
# "20h"), a marker or closing bracket, or a dash for "not reported"; no trailing comma (a list in
# prose separates its numbers).
_VALUE_TOKEN = re.compile(r"[-+(~∼±]?\d[\d.]*(?:%|[A-Za-z]{1,2})?[)*†‡]?|[-–—]")
_SENTENCE_END = re.compile(r"[.!?:][\"'”’)\]]*$")


def _reads_as_prose(text: str) -> bool:
    """Running text, however many numbers it holds ("On SQuAD 1.1, our model obtains 85.7 EM and
    89.6 F1, ..."): it ends like a sentence and carries function words, and it does not set values side
    by side without a word or comma between them, as table rows and figure labels run into text do
    ("52.2 71.4 56.3", "ResNet-20 ResNet-32 ResNet-44 ResNet-56")."""
    if not _SENTENCE_END.search(text):
        return False
    tokens = text.split()
    function_words = 0
    adjacent_values = adjacent_names = 0
    previous_value = previous_name = False
    for token in tokens:
        value = _VALUE_TOKEN.fullmatch(token) is not None
        # A name with a digit ("ResNet-50", "conv5"): a value next to one is prose ("89.6 F1"),
        # a run of them is a figure legend or a table header.
        name = not value and not token.endswith(",") and _DIGIT.search(token) is not None
        adjacent_values += value and previous_value
        adjacent_names += name and previous_name
        if adjacent_values >= 2 or adjacent_names >= 3:
            return False
        previous_value, previous_name = value, name
        if token.lower().strip(",.;:()") in _FUNCTION_WORDS:
            function_words += 1
    return function_words >= 0.1 * len(tokens)


_DIGIT = re.compile(r"\d")


_DIGIT_BYTES = b"0123456789"


def _digit_count(text: str) -> int:
    """ASCII digits in `text`, counted in C as the bytes its UTF-8 form loses when they are deleted
    (UTF-8 writes every other character with bytes >= 0x80, so no digit byte belongs to one): a
    third of the cost of ten `str.count`s, far cheaper than a regex. An upper bound for the number
    of tokens holding a digit, so most prose is ruled out before any regex."""
    encoded = text.encode("utf-8", "surrogatepass")
    return len(encoded) - len(encoded.translate(None, _DIGIT_BYTES))
