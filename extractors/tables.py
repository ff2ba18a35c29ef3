"""Find result tables cheaply and read them into cell grids.

`page.find_tables()` on every page costs ~80x plain text extraction, far over the budget. Instead the
already-read page text says which pages carry a "Table N" caption near benchmark or metric words;
only those pages (at most four per paper) are read as word boxes, from the TextPage the text reader
built anyway (`DocumentText.page_words`; `page.get_text("words")` when a caller did not ask the text
reader for them), and the rows next to the caption are clustered here:

* rows: words whose vertical centres agree, inside the caption's column, or the full page width when
  the caption crosses the middle or the table is wider than its caption's column (its rows go on
  with numbers or sizes across the middle: COCO box and mask columns) — never when the other column holds a
  table of its own (two tables side by side, each captioned in its column);
* extent: walk away from the caption while rows stay table-like (short, numeric) and gaps stay small,
  on the side (above or below) that holds more numeric rows;
* columns: the union of the x-intervals of the data cells (result numbers; in configuration tables,
  quantity cells such as "118M", "4.1G", "22,855,952" too); header cells that span several columns
  ("Dev" over "EM F1", "ImageNet" over "top-1 top-5", "box" over six AP columns and "mask" over four)
  are copied into the run of columns they are centred over, so every column's header reads whole; a
  header of tightly set subscripted metrics ("AP 50 AP 75") is split word by word onto its columns;
* cells: "25.02 / 23.61" is one slash cell (two readings); bold cells come from MuPDF's XHTML of the
  same TextPage (`DocumentText.page_markup`, <b> spans), about 1 ms a page;
* rows that two captions reach belong to the nearer caption only;
* a caption "Table 8: (continued)" reads under its first part's caption (`TableRegion.continued`);
  a table on a page of the appendix has `section == "appendix"`.

Ruling lines are not read: `page.get_drawings()` costs 0.74x the page's plain text (CPU, 75 corpus pages), and the word
boxes alone separate the forms above. The grid's first cell per row is the row label;
`TableRegion.rows[i][j]` is row i, column j.
"""
from __future__ import annotations

import html
import itertools
import re
import statistics
from dataclasses import dataclass
from operator import attrgetter

from extractors import benchmarks as bm
from extractors import cues
from extractors.document import DocumentText, TableRegion

# Ligatures expanded ("ﬁ" -> "fi"), text outside the page dropped; cheaper than the default flags.
_WORD_FLAGS = 64  # pymupdf.TEXT_MEDIABOX_CLIP
# A caption opening: "Table 3:" anywhere (a reader may run a caption into the table's last line),
# "Table 3." only at a line start ("as shown in Table 3." is prose).
_CAPTION_LINE = re.compile(r"Table\s+(?:\d+|[IVX]+)\s*([:.])")  # literal first: a fast scan


def caption_openings(page_text: str) -> list[int]:
    """Offsets where a table caption starts in a page's text."""
    out = []
    for m in _CAPTION_LINE.finditer(page_text):
        before = page_text[max(0, m.start() - 40):m.start()]
        if m.start() > 0 and page_text[m.start() - 1].isalnum():
            continue
        if m.group(1) == ":" or not before.strip(" \t") or before.rstrip(" \t").endswith("\n"):
            out.append(m.start())
    return out
# A result cell: "28.4", "3.57%", "0.790", "8.43†", "94.8/89.3", or a dash for "not reported".
# At most three integer digits, so years ("2014)") and sizes ("392k") are not results.
_NUMERIC_CELL = re.compile(r"^[-+(]?(?:\d{1,3}(?:\.\d+)?|\.\d+)\s*%?[*†‡§∗⋆]*\)?(?:/(?:\d{1,3}(?:\.\d+)?|\.\d+)%?)*$|^[-–—]$")
# A quantity cell of a size or cost column: "118M", "4.1G", "25.6 M", "1.8×10^9", "22,855,952", "1024".
# Not a result, but in a configuration table it outlines its column as well (a "Params" column next to
# narrow "Layers" and "Heads" columns would else merge into its neighbour and lose its header). A
# four-digit year ("2019") is not one: a year column stays as it was read before. Neither is a row's
# first or second cell: the label and a size beside it ("MNLI | 1.3B") name the row, as the size-label
# reader (operation_cells._size_labels) reads them.
_QUANTITY_CELL = re.compile(
    r"^[~≈]?(?:\d+(?:\.\d+)?\s?[KMBGTkmbgt]|\d+(?:\.\d+)?\s?[×x]\s?10\^?[-−]?\d+|\d{1,3}(?:,\d{3})+|"
    r"(?!(?:19|20)\d\d\b)\d{4,}(?:\.\d+)?)[*†‡]?$")


@dataclass(slots=True)
class _Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    block: int
    line: int
    yc: float = 0.0
    bold: bool = False

    def __post_init__(self) -> None:
        self.yc = (self.y0 + self.y1) / 2


class _Row:
    """Words on one line. The box is fixed once the row is built; left-to-right order and the count
    of numeric words are worked out only for the few rows near a caption that are looked at."""

    __slots__ = ("_words", "_sorted", "x0", "y0", "x1", "y1", "_numeric")

    def __init__(self, words: list[_Word]):
        self._words = words
        self._sorted = False
        self.x0 = min([w.x0 for w in words])
        self.y0 = min([w.y0 for w in words])
        self.x1 = max([w.x1 for w in words])
        self.y1 = max([w.y1 for w in words])
        self._numeric = -1

    @property
    def words(self) -> list[_Word]:
        if not self._sorted:
            self._words.sort(key=lambda w: w.x0)
            self._sorted = True
        return self._words

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def numeric_count(self) -> int:
        if self._numeric < 0:
            self._numeric = sum(1 for w in self._words if w.text not in "-–—" and _NUMERIC_CELL.match(w.text))
        return self._numeric


_STRONG_METRIC = re.compile(r"\b[Tt]op-?\s?[15]\b|\bBLEU\b|\bm?AP\b|\bEM\b|\b[Ff]1\b")


def caption_score(snippet: str) -> int:
    """How strongly a caption's opening text points at a scored result table."""
    datasets = {m.name for m in bm.find_datasets(snippet)}
    score = 2 if datasets else 0
    score += 1 if bm.find_metrics(snippet) else 0
    score += 1 if _mentions_results(snippet) else 0
    if not datasets and bm.OTHER_DATASETS.search(snippet):
        score -= 2  # "Pascal VOC", "CIFAR-10": results, but not on a scored benchmark
    if datasets == {"ImageNet"} and re.search(r"locali[sz]ation|detection|segmentation", snippet, re.I):
        score -= 1  # ImageNet is scored for classification only
    return score


# The last answer of result_table_pages: (the page list it read, max_pages, pages). The text reader
# asks which pages to keep word boxes of, then the table reader which to read: one decision, as
# index_for keeps one paper's sentence index.
_last_pages: tuple[list[str], int, list[int]] | None = None


def result_table_pages(doc: DocumentText, max_pages: int = 4) -> list[int]:
    """0-based pages worth reading as word boxes, best first by caption evidence, at most max_pages.

    Decided on the page text already read: each "Table N" caption's first 300 characters must name
    a scored dataset, or name a metric or "results" on a page that prints a scored metric."""
    global _last_pages
    last = _last_pages
    if last is not None and last[0] is doc.pages and last[1] == max_pages and len(last[0]) == len(doc.pages):
        return list(last[2])
    pages = _rank_table_pages(doc, max_pages)
    _last_pages = (doc.pages, max_pages, pages)
    return list(pages)


def _rank_table_pages(doc: DocumentText, max_pages: int) -> list[int]:
    ranked: list[tuple[int, int]] = []
    by_number: dict[str, int] = {}  # a "(continued)" caption scores as its table's first part
    for index, text in enumerate(doc.pages):
        best = 0
        for start in caption_openings(text):
            snippet = text[start:start + 300].split("\n\n")[0]
            number = _table_number(snippet)
            if number and _CONTINUED.search(snippet[:40]):
                score = by_number.get(number, 0)
            else:
                score = caption_score(snippet)
                if number:
                    by_number.setdefault(number, score)
            best = max(best, score)
        # A caption that names no benchmark ("Classification performance.") still counts when its
        # page prints a scored metric and a scored dataset.
        if best >= 2 or (best == 1 and _STRONG_METRIC.search(text) and bm.find_datasets(text)):
            ranked.append((best, index))
    ranked.sort(key=lambda r: (-r[0], r[1]))
    # Weaker pages only fill in when the strong ones are few: each page read costs about as much
    # as the plain text of the whole page.
    strong = sum(1 for score, _ in ranked if score >= 3)
    ranked = [(score, index) for score, index in ranked
              if score >= 3 or (score == 2 and strong < 2) or (score == 1 and strong == 0)]
    return sorted(index for _score, index in ranked[:max_pages])


def find_result_tables(pdf_doc, doc: DocumentText, *, max_pages: int = 4) -> list[TableRegion]:
    """Result-table regions of the paper (caption and grid), read only on the most promising pages."""
    if pdf_doc is None and not doc.page_words:
        return []
    regions: list[TableRegion] = []
    for index in result_table_pages(doc, max_pages):
        if index >= len(doc.pages):
            continue
        raw = doc.page_words.get(index)
        markup = doc.page_markup.get(index)
        if raw is not None and index < len(doc.page_sizes):
            width = doc.page_sizes[index][0]
        else:  # the text reader was not asked for this page's words: read them now
            try:
                page = pdf_doc[index]
                textpage = page.get_textpage(flags=_WORD_FLAGS)
                raw = textpage.extractWORDS()
                markup = textpage.extractXHTML()
                width = page.rect.width
            except Exception:  # MuPDF raises plain RuntimeError on a damaged page: skip the page
                continue
        bold = bold_words(markup, raw) if markup else None
        regions.extend(tables_on_page(raw, width, index + 1, bold=bold))
    _join_continued(regions, doc)
    for region in regions:
        region.section = _page_section(doc, region.page)
    return regions


_CONTINUED = re.compile(r"\(?\s*(?:continued|cont(?:inued|\.|'d))\s*\)?", re.I)
_TABLE_NUMBER = re.compile(r"Table\s+(\d+|[IVX]+)")


def _table_number(caption: str) -> str | None:
    m = _TABLE_NUMBER.match(caption)
    return m.group(1) if m else None


def _join_continued(regions: list[TableRegion], doc: DocumentText) -> None:
    """A table that runs onto the next page repeats its number with "(continued)": that part reads
    under the first part's caption, found among the regions or in the page texts."""
    first: dict[str, str] = {}
    for page_text in doc.pages:
        for start in caption_openings(page_text):
            snippet = page_text[start:start + 300].split("\n\n")[0]
            number = _table_number(snippet)
            if number and number not in first and not _CONTINUED.search(snippet[:40]):
                first[number] = " ".join(snippet.split())
    for region in regions:
        number = _table_number(region.caption)
        if number and _CONTINUED.search(region.caption[:40]) and number in first:
            region.caption = first[number]
            region.continued = True


def _page_section(doc: DocumentText, page: int) -> str:
    """ "appendix" when the page's prose sits in the appendix (a feature for the scorer)."""
    sections = [s.section for s in doc.sentences if s.page == page and s.section not in ("table", "caption")]
    if sections and sections.count("appendix") > len(sections) / 2:
        return "appendix"
    return "table"


def bold_words(markup: str, raw_words: list) -> list[bool] | None:
    """Which of the page's words (extractWORDS order) MuPDF set in bold (<b> in its XHTML of the same
    TextPage). Both list the same characters in the same order, so the non-space characters are
    walked side by side; None when they do not line up.

    The markup's non-space characters become one string of "1" (bold) and "0", so each word's bold
    share is a `str.count` over its slice, in C, not a Python loop per character."""
    flags: list[str] = []
    depth = 0
    for number, piece in enumerate(_TAG_SPLIT.split(markup)):
        if number % 2:  # a tag (split keeps them at the odd places)
            if piece.startswith("<b>") or piece.startswith("<b "):
                depth += 1
            elif piece.startswith("</b>"):
                depth = max(0, depth - 1)
            continue
        if "<" in piece:  # a stray "<" that opens no tag is no character of the text
            piece = piece.replace("<", "")
        chars = "".join((html.unescape(piece) if "&" in piece else piece).split())
        if chars:
            flags.append(("1" if depth > 0 else "0") * len(chars))
    marks = "".join(flags)
    total = len(marks)
    out: list[bool] = []
    at = 0
    for w in raw_words:
        text = str(w[4])
        n = len(text) if text.isprintable() and " " not in text else len("".join(text.split()))
        if at + n > total:
            return None
        out.append(marks.count("1", at, at + n) * 2 > n)
        at += n
    return out if at == total else None


# Tags and the text between them, tags kept: "<p>a <b>1</b></p>" -> "", "<p>", "a ", "<b>", "1", ...
_TAG_SPLIT = re.compile(r"(<[^>]*>)")


def tables_on_page(raw_words: list, page_width: float, page_number: int,
                   bold: list[bool] | None = None, accept=None) -> list[TableRegion]:
    """Result tables on one page from its word boxes (x0, y0, x1, y1, text, block, line, ...);
    `bold[i]` says whether word i is set in bold. `accept(caption) -> bool`, when given, chooses the
    captions instead of the results test (operation_tables reads configuration tables so)."""
    words = [w if isinstance(w, _Word) else _Word(*w[:7]) for w in raw_words]
    if bold is not None and len(bold) == len(words):
        for w, b in zip(words, bold):
            w.bold = b
    out: list[TableRegion] = []
    found: list[tuple[float, TableRegion]] = []
    lines: dict[tuple[int, int], list[_Word]] = {}
    for w in words:
        lines.setdefault((w.block, w.line), []).append(w)
    for line in lines.values():
        line.sort(key=lambda w: w.x0)
    starts = _caption_starts(lines)
    caption_keys = [_caption_lines(lines, start) for start in starts]
    all_caption_ids = {id(w) for keys in caption_keys for key in keys for w in lines[key]}
    rows_by_band: dict[tuple[float, float], tuple[list[_Row], float]] = {}
    # Quantity cells outline columns in the size and configuration tables (`accept` given): in result
    # tables a "Params" column would be read row by row, other models' rows too, while merged there
    # only the own rows are read (operation_cells._merged_row_inputs), which kept the sizes' precision.
    quantities = accept is not None and not cues.ablated("tables_quantity_columns")
    for keys in caption_keys:
        caption_words = [w for key in keys for w in lines[key]]
        caption = " ".join(w.text for w in caption_words)
        if accept is not None:
            if not accept(caption):
                continue
        elif not (bm.find_metrics(caption) or bm.find_datasets(caption) or _mentions_results(caption)
                  or _CONTINUED.search(caption[:40])):
            continue
        own_ids = {id(w) for w in caption_words}
        grid, bold_cells, gap = _table_near_caption(words, caption_words, page_width, all_caption_ids - own_ids,
                                                    rows_by_band, quantities=quantities)
        if grid:
            found.append((gap, TableRegion(page=page_number, caption=caption, rows=grid, bold=bold_cells)))
    # Two captions may reach the same rows (one caption's own table was not found, e.g. it is a
    # figure-like layout): the rows belong to the nearer caption only, else the other caption's
    # benchmark and words ("The effect of ...") are read into a table that is not its own.
    for i, (gap, region) in enumerate(found):
        if not any(other.rows == region.rows and (other_gap, j) < (gap, i)
                   for j, (other_gap, other) in enumerate(found) if j != i):
            out.append(region)
    return out


def _caption_starts(lines: dict[tuple[int, int], list[_Word]]) -> list[tuple[int, int]]:
    """Lines that open a table caption: "Table 3:" / "Table 3." / "Table IV:" at the line start."""
    starts = []
    for key, ws in lines.items():
        if len(ws) >= 2 and ws[0].text == "Table" and re.match(r"^(\d+|[IVX]+)[:.]?$", ws[1].text):
            if ws[1].text[-1:] in ":." or (len(ws) > 2 and ws[2].text in (":", ".")) or len(ws) == 2:
                starts.append(key)
    return starts


def _caption_lines(lines: dict[tuple[int, int], list[_Word]], start: tuple[int, int]) -> list[tuple[int, int]]:
    """The caption's lines: from its first line on, within its block, until a line that is a table
    row set into the same block (three or more widely spaced cells)."""
    block, first = start
    keys = [start]
    for number in sorted(n for b, n in lines if b == block and n > first):
        line = lines[(block, number)]
        height = statistics.median(w.y1 - w.y0 for w in line)
        if len(_cells(_Row(line), height)) >= 3 or (line[0].text == "Table" and number != first):
            break
        keys.append((block, number))
    return keys


def _mentions_results(caption: str) -> bool:
    return bool(re.search(r"\b(?:results?|performance|accuracy|error|comparison|comparisons|scores?)\b", caption, re.I))


def _group_rows(words: list[_Word], height: float | None = None) -> list[_Row]:
    """Words whose vertical centres agree (within half a line height) form one row. `height`: the
    words' median height, when the caller has it already."""
    if not words:
        return []
    if height is None:
        height = statistics.median(w.y1 - w.y0 for w in words)
    reach = 0.45 * height
    groups: list[list[_Word]] = []
    group: list[_Word] = []
    centre_sum = 0.0
    for w in sorted(words, key=_BY_CENTRE):
        if group and abs(w.yc - centre_sum / len(group)) <= reach:
            group.append(w)
            centre_sum += w.yc
        else:
            group = [w]
            groups.append(group)
            centre_sum = w.yc
    return [_Row(g) for g in groups]


_BY_CENTRE = attrgetter("yc")


def _is_prose(row: _Row, width: float, height: float) -> bool:
    """A line of running text: one long run of closely spaced words, unlike a row of short cells. A
    column's line counts too when the reading spans the page (0.3 of its width). A long row label
    followed by number cells only is a table row (a line of prose beside another column is not)."""
    cells = _cells(row, height)
    wordy_cells = 0
    for x0, x1, text in cells:
        tokens = text.split()
        if len(tokens) < 7 or x1 - x0 <= 0.3 * width:
            continue  # too short or too narrow for running text: no need to look at its words
        wordy = sum(1 for t in tokens if _PLAIN_WORD.fullmatch(t))
        if wordy >= 0.6 * len(tokens):
            wordy_cells += 1
    if wordy_cells == 1 and len(cells) >= 3 and all(_NUMERIC_CELL.match(text) for _x0, _x1, text in cells[1:]):
        return False
    return wordy_cells > 0


_PLAIN_WORD = re.compile(r"[a-z][a-z’'-]*[,.;:]?")


def _table_near_caption(words: list[_Word], caption_words: list[_Word], page_width: float,
                        other_captions: set[int],
                        rows_by_band: dict[tuple[float, float], tuple[list[_Row], float]], *,
                        quantities: bool = False
                        ) -> tuple[list[list[str]], set[tuple[int, int]], float]:
    """The grid of the rows next to the caption, its bold cells, and the gap between caption and rows."""
    cx0 = min(w.x0 for w in caption_words)
    cx1 = max(w.x1 for w in caption_words)
    middle = page_width / 2
    if cx0 < middle - 20 and cx1 > middle + 20:
        bands = [(0.0, page_width)]
    elif (cx0 + cx1) / 2 < middle:
        bands = [(0.0, middle), (0.0, page_width)]
    else:
        bands = [(middle, page_width), (0.0, page_width)]
    # A short caption in one column may still sit under a full-width table: both readings are
    # tried, and the one whose rows are more numeric and wider wins. On a two-column page the
    # full-width reading stops at once, since its rows run into the other column's prose.
    # Two tables side by side, each captioned in its own column: neither is read across the page.
    cy = min(w.y0 for w in caption_words)
    left = (cx0 + cx1) / 2 < middle
    if len(bands) == 2 and other_captions and any(
            id(w) in other_captions and ((w.x0 + w.x1) / 2 < middle) != left and abs(w.y0 - cy) < 40
            for w in words):
        bands = bands[:1]
    best: tuple[float, list[_Row], float] = (0.0, [], 0.0)
    for lo, hi in bands:
        if best[1] and not any(r.x1 > middle - 15 and r.x0 < middle for r in best[1]) \
                and not _numbers_across_middle(words, best[1], middle, page_width, other_captions, quantities):
            break  # the column reading stays clear of the middle: no wider table to look for
        if (lo, hi) not in rows_by_band:  # several captions on a page share a band's rows
            inside = [w for w in words if lo - 2 <= (w.x0 + w.x1) / 2 <= hi + 2]
            height = statistics.median(w.y1 - w.y0 for w in inside) if inside else 0.0
            rows_by_band[(lo, hi)] = (_group_rows(inside, height), height)
        all_rows, height = rows_by_band[(lo, hi)]
        score, run = _best_side(all_rows, caption_words, height, hi - lo, other_captions)
        if score > best[0]:
            best = (score, run, height)
    score, run, height = best
    if not run:
        return [], set(), 0.0
    run.sort(key=lambda r: r.y0)
    cy1 = max(w.y1 for w in caption_words)
    gap = min(max(r.y0 - cy1, cy - r.y1, 0.0) for r in run)
    return (*_grid(run, height, quantities), gap)


def _numbers_across_middle(words: list[_Word], run: list[_Row], middle: float, page_width: float,
                           other_captions: set[int], quantities: bool = False) -> bool:
    """The column reading's rows go on across the middle with numbers (a full-width table under a
    caption set in one column, e.g. COCO box and mask columns, or a configuration table's "Params"
    column of "118M" cells): the wider reading must be tried.
    Not when the other column has a table caption of its own: its numbers are that table's."""
    left = all((r.x0 + r.x1) / 2 < middle for r in run)
    if other_captions and any(id(w) in other_captions and ((w.x0 + w.x1) / 2 > middle) == left for w in words):
        return False
    top = min(r.y0 for r in run)
    bottom = max(r.y1 for r in run)
    reach = 0.25 * page_width
    across = sum(1 for w in words if top <= w.yc <= bottom and abs((w.x0 + w.x1) / 2 - middle) <= reach
                 and ((w.x0 + w.x1) / 2 > middle) == left
                 and (_NUMERIC_CELL.match(w.text) and w.text not in "-–—" or quantities and _QUANTITY_CELL.match(w.text)))
    return across >= 2


def _best_side(all_rows: list[_Row], caption_words: list[_Word], height: float, width: float,
               other_captions: set[int]) -> tuple[float, list[_Row]]:
    cx0 = min(w.x0 for w in caption_words)
    cx1 = max(w.x1 for w in caption_words)
    cy0 = min(w.y0 for w in caption_words)
    cy1 = max(w.y1 for w in caption_words)
    caption_ids = {id(w) for w in caption_words}
    rows = []
    for row in all_rows:
        # The unsorted words answer "holds a caption word?" as well; sorting every row is not needed.
        # A row whose box lies above or below the caption's holds none of its words.
        if row.y1 >= cy0 and row.y0 <= cy1 and any(id(w) in caption_ids for w in row._words):
            rest = [w for w in row.words if id(w) not in caption_ids]
            if rest:
                rows.append(_Row(rest))
        else:
            rows.append(row)
    # Table lines may be set tight against the caption, so sides are decided by row centres.
    above = [r for r in rows if (r.y0 + r.y1) / 2 < cy0][::-1]
    below = [r for r in rows if (r.y0 + r.y1) / 2 > cy1]
    best: tuple[float, list[_Row]] = (0.0, [])
    for side, downward in ((above, False), (below, True)):
        run = _walk(side, cy1 if downward else cy0, height, width, other_captions, downward=downward)
        # Rows of the real table are numeric and at least as wide as the caption; figure tick
        # labels and a neighbouring column's table are narrow.
        score = sum(min(3.0, (r.x1 - r.x0) / max(cx1 - cx0, 1.0)) for r in run if r.numeric_count() >= 1)
        if score > best[0]:
            best = (score, run)
    return best




def _walk(rows: list[_Row], edge: float, height: float, width: float, other_captions: set[int], *,
          downward: bool) -> list[_Row]:
    """Rows moving away from the caption while they stay table-like and close together. Up to two
    lines of notes between caption and table ("† marks numbers from papers") are stepped over."""
    run: list[_Row] = []
    last = edge
    skipped = 0
    for row in rows:
        gap = (row.y0 - last) if downward else (last - row.y1)
        limit = 4.5 * height if not run else 3.0 * height
        if gap > limit or (other_captions and any(id(w) in other_captions for w in row._words)):
            break
        if _is_prose(row, width, height):
            if run or skipped >= 2:
                break
            skipped += 1
        else:
            run.append(row)
        last = row.y1 if downward else row.y0
    return run


def _cells(row: _Row, height: float) -> list[tuple[float, float, str]]:
    """Words joined into cells: a gap wider than about half a character height starts a new cell."""
    cells: list[list[_Word]] = []
    for w in row.words:
        if cells and w.x0 - cells[-1][-1].x1 <= 0.5 * height:
            cells[-1].append(w)
        else:
            cells.append([w])
    return [(c[0].x0, c[-1].x1, _cell_text(c)) for c in cells]


def _cell_text(words: list[_Word]) -> str:
    """A cell's words; "25.02 / 23.61" (two readings, e.g. single-crop / 10-crop) is one slash cell."""
    text = " ".join(w.text for w in words)
    if "/" in text and len(words) > 1:
        joined = re.sub(r"\s*/\s*", "/", text)
        if _NUMERIC_CELL.match(joined):
            return joined
    return text


# A row that holds one size or cost per column (the architecture tables' "FLOPs | 1.8×10^9 | 3.6×10^9",
# "Number of parameters | 133 | 134"): its label is only the quantity's name.
QUANTITY_ROW_LABEL = re.compile(r"^\s*(?:#\s?|number\s+of\s+|total\s+)?(?:params?\.?|parameters|FLOPs?|GFLOPs|MFLOPs|MACs|"
                                r"Mult-?Adds|multiply-?adds)\s*(?:\(\s*(?:in\s+)?\w+\s*\)|\[\s*\w\s*\])?\s*$", re.IGNORECASE)


def _grid(rows: list[_Row], height: float, quantities: bool = False) -> tuple[list[list[str]], set[tuple[int, int]]]:
    """The rows as cells under shared columns, and the (row, column) cells whose words are all bold."""
    cell_rows = [_cells(r, height) for r in rows]
    bold_spans = [[(w.x0, w.x1) for w in r.words if w.bold] for r in rows]
    is_data = [row.numeric_count() >= 1 and not _metric_header(row) for row in rows]
    data_rows = [cells for cells, data in zip(cell_rows, is_data) if data]
    intervals: list[list[float]] = []
    for cells in data_rows:
        for k, (x0, x1, text) in enumerate(cells):
            # Only numeric and quantity cells outline the columns: labels and notes vary in width row
            # to row. A row's first two cells may name it by a size ("160M", "MNLI 1.3B"): quantities
            # there never outline a column.
            if all(_NUMERIC_CELL.match(t) for t in text.split()) or (quantities and k > 1 and _QUANTITY_CELL.match(text)):
                intervals.append([x0, x1])
    if not intervals:
        return [], set()
    intervals.sort()
    columns: list[list[float]] = [intervals[0][:]]
    for x0, x1 in intervals[1:]:
        if x0 < columns[-1][1] - 0.5:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    first_data = next(i for i, data in enumerate(is_data) if data)
    # Architecture tables (a "FLOPs" row under one column per model) keep every model header even where
    # the grid merged their columns (operations reads the merged values against them in order).
    keep_all = quantities or (not cues.ablated("tables_merged_model_headers") and any(
        cells and QUANTITY_ROW_LABEL.match(cells[0][2]) for cells in cell_rows[first_data:]))
    grid: list[list[str]] = []
    bold: set[tuple[int, int]] = set()
    for index, cells in enumerate(cell_rows):
        if index < first_data:
            grid.append(_header_line(rows[index], height, columns, keep_all=keep_all))
            continue
        line = [""] * (len(columns) + 1)
        for x0, x1, text in cells:
            covered = [j for j, (c0, c1) in enumerate(columns) if min(x1, c1) - max(x0, c0) > 0.3 * min(c1 - c0, x1 - x0)
                       or c0 <= (x0 + x1) / 2 <= c1]
            if not covered:
                if x1 <= columns[0][0] + 0.5:
                    line[0] = (line[0] + " " + text).strip()
                    continue
                nearest = min(range(len(columns)), key=lambda j: abs((columns[j][0] + columns[j][1]) / 2 - (x0 + x1) / 2))
                covered = [nearest]
            for j in covered:
                line[j + 1] = (line[j + 1] + " " + text).strip()
                if bold_spans[index] and any(x0 - 0.5 <= b0 and b1 <= x1 + 0.5 for b0, b1 in bold_spans[index]):
                    bold.add((index, j + 1))
        grid.append(line)
    return grid, bold


def _metric_header(row: _Row) -> bool:
    """A header row whose numbers are subscripts of metric names ("AP 50 AP 75", "Acc @1 @5"):
    several metrics, and no number with a decimal point."""
    return not any("." in w.text for w in row.words if _NUMERIC_CELL.match(w.text)) \
        and len(bm.find_metrics(row.text)) >= 2


def _header_line(row: _Row, height: float, columns: list[list[float]], keep_all: bool = False) -> list[str]:
    """A header row as one name per column. Each column takes the header cell above its centre, or
    the nearest one, so a group header centred over several columns ("Dev" over "EM F1") names each
    of them. Header cells set closer than data cells ("top-1 val. error (%) top-5 val. error (%)")
    are first cut at their widest word gaps. `keep_all` (size and architecture tables): a header no
    column took joins its nearest column's, in order, because there the grid merged model columns
    whose cells are not numbers ("3.6×10^9 3.8×10^9" under "34-layer 50-layer")."""
    line = [""] * (len(columns) + 1)
    heads: list[tuple[float, float, str]] = []
    for cell_words in _header_cells(row, height, columns):
        x0, x1 = cell_words[0].x0, cell_words[-1].x1
        text = " ".join(w.text for w in cell_words)
        if x1 <= columns[0][0] + 0.5:
            line[0] = (line[0] + " " + text).strip()
        else:
            heads.append((x0, x1, text))
    groups = _spanning_groups(heads, columns)
    if groups is not None:
        for (_x0, _x1, text), (a, b) in zip(heads, groups):
            for j in range(a, b):
                line[j + 1] = text
    elif heads:
        for j, (c0, c1) in enumerate(columns):
            centre = (c0 + c1) / 2
            above = [h for h in heads if h[0] - 1 <= centre <= h[1] + 1]
            pick = above or [min(heads, key=lambda h: abs((h[0] + h[1]) / 2 - centre))]
            line[j + 1] = pick[0][2]
        if keep_all:
            _join_unpicked_heads(line, heads, columns)
    return line


def _join_unpicked_heads(line: list[str], heads: list[tuple[float, float, str]], columns: list[list[float]]) -> None:
    """Each head no column took, appended (left to right) to the name of the column nearest to it."""
    taken = set(line[1:])
    for x0, x1, text in heads:
        if text in taken:
            continue
        j = min(range(len(columns)), key=lambda k: abs((columns[k][0] + columns[k][1]) / 2 - (x0 + x1) / 2))
        line[j + 1] = f"{line[j + 1]} {text}".strip()


def _spanning_groups(heads: list[tuple[float, float, str]], columns: list[list[float]]) -> list[tuple[int, int]] | None:
    """Group headers centred over runs of columns of different lengths ("box" over six AP columns,
    "mask" over four): the split of the columns into consecutive runs, one per header, whose runs'
    centres lie closest to the headers' centres. None when every column has its own header."""
    n, k = len(columns), len(heads)
    if not 2 <= k < n or k > 6 or n > 16:
        return None
    centres = [(h[0] + h[1]) / 2 for h in heads]
    best: tuple[float, tuple[int, ...]] | None = None
    for cuts in itertools.combinations(range(1, n), k - 1):
        bounds = (0, *cuts, n)
        cost = sum(abs(centres[g] - (columns[bounds[g]][0] + columns[bounds[g + 1] - 1][1]) / 2) for g in range(k))
        if best is None or cost < best[0]:
            best = (cost, bounds)
    bounds = best[1]
    return [(bounds[g], bounds[g + 1]) for g in range(k)]


def _header_cells(row: _Row, height: float, columns: list[list[float]]) -> list[list[_Word]]:
    groups: list[list[_Word]] = []
    for w in row.words:
        if groups and w.x0 - groups[-1][-1].x1 <= 0.5 * height:
            groups[-1].append(w)
        else:
            groups.append([w])
    out: list[list[_Word]] = []
    for group in groups:
        covered = sum(1 for c0, c1 in columns if group[0].x0 <= (c0 + c1) / 2 <= group[-1].x1)
        gaps = [b.x0 - a.x1 for a, b in zip(group, group[1:])]
        if covered < 2 or not gaps:
            out.append(group)
            continue
        usual = statistics.median(gaps)
        pieces: list[list[_Word]] = [[group[0]]]
        for gap, w in zip(gaps, group[1:]):
            if gap >= 1.6 * usual and gap >= 0.2 * height:
                pieces.append([w])
            else:
                pieces[-1].append(w)
        for piece in pieces:
            out.extend(_split_by_column(piece, columns))
    return out


def _split_by_column(piece: list[_Word], columns: list[list[float]]) -> list[list[_Word]]:
    """A header piece over several columns that names several metrics ("AP 50 AP 75 AP" set tight,
    sub- and superscripts apart) is one header per column: each word goes to the nearest column.
    A group header ("single-crop testing") names no metric twice and stays whole."""
    inside = [j for j, (c0, c1) in enumerate(columns) if piece[0].x0 <= (c0 + c1) / 2 <= piece[-1].x1]
    if len(inside) < 2 or len(bm.find_metrics(" ".join(w.text for w in piece))) < 2:
        return [piece]
    by_column: dict[int, list[_Word]] = {}
    for w in piece:
        centre = (w.x0 + w.x1) / 2
        j = min(range(len(columns)), key=lambda k: abs((columns[k][0] + columns[k][1]) / 2 - centre))
        by_column.setdefault(j, []).append(w)
    return [by_column[j] for j in sorted(by_column)]
