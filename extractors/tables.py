"""Find result tables cheaply and read them into cell grids.

`page.find_tables()` on every page costs ~80x plain text extraction, far over the budget. Instead the
already-read page text says which pages carry a "Table N" caption near benchmark or metric words;
only those pages are read again as word boxes (`page.get_text("words", flags=_WORD_FLAGS)`, about the cost of plain
text), and the rows next to the caption are clustered into a grid here:

* rows: words whose vertical centres agree, inside the caption's column (or the full page width when
  the caption crosses the middle);
* extent: walk away from the caption while rows stay table-like (short, numeric) and gaps stay small,
  on the side (above or below) that holds more numeric rows;
* columns: the union of the x-intervals of the data cells; header cells that span several columns
  ("Dev" over "EM F1") are copied into each column they cover, so every column's header reads whole.

The grid's first cell per row is the row label; `TableRegion.rows[i][j]` is row i, column j.
"""
from __future__ import annotations

import re
import statistics
from dataclasses import dataclass

from extractors import benchmarks as bm
from extractors.document import DocumentText, TableRegion

# Ligatures expanded ("ﬁ" -> "fi"), text outside the page dropped; cheaper than the default flags.
_WORD_FLAGS = 64  # pymupdf.TEXT_MEDIABOX_CLIP
_CAPTION_LINE = re.compile(r"^\s*Table\s+(\d+|[IVX]+)\s*[:.]", re.M)
_NUMERIC_CELL = re.compile(r"^[-+(]?\d*\.?\d+\s*%?[*†‡§∗⋆]*\)?(?:/\d*\.?\d+%?)*$|^[-–—]$")


@dataclass
class _Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    block: int
    line: int

    @property
    def yc(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class _Row:
    words: list[_Word]

    @property
    def y0(self) -> float:
        return min(w.y0 for w in self.words)

    @property
    def y1(self) -> float:
        return max(w.y1 for w in self.words)

    @property
    def x0(self) -> float:
        return min(w.x0 for w in self.words)

    @property
    def x1(self) -> float:
        return max(w.x1 for w in self.words)

    @property
    def text(self) -> str:
        return " ".join(w.text for w in sorted(self.words, key=lambda w: w.x0))

    def numeric_count(self) -> int:
        return sum(1 for w in self.words if _NUMERIC_CELL.match(w.text) and w.text not in "-–—")


def page_may_hold_results(page_text: str) -> bool:
    """Cheap test on text already read: a table caption and a scored metric or dataset on the page."""
    if not _CAPTION_LINE.search(page_text):
        return False
    return bool(bm.find_metrics(page_text)) and (bool(bm.find_datasets(page_text))
                                                 or bool(re.search(r"\btop-?\s?[15]\b|\bBLEU\b|\bAP\b", page_text)))


def find_result_tables(pdf_doc, doc: DocumentText) -> list[TableRegion]:
    """Result-table regions of the paper: the caption and its grid, for pages that look promising."""
    if pdf_doc is None:
        return []
    regions: list[TableRegion] = []
    for index, page_text in enumerate(doc.pages):
        if index >= len(pdf_doc) or not page_may_hold_results(page_text):
            continue
        page = pdf_doc[index]
        words = [_Word(*w[:7]) for w in page.get_text("words", flags=_WORD_FLAGS)]
        regions.extend(tables_on_page(words, page.rect.width, index + 1))
    return regions


def tables_on_page(raw_words: list, page_width: float, page_number: int) -> list[TableRegion]:
    words = [w if isinstance(w, _Word) else _Word(*w[:7]) for w in raw_words]
    out: list[TableRegion] = []
    caption_blocks = _caption_blocks(words)
    for caption_block in caption_blocks:
        caption_words = [w for w in words if w.block == caption_block]
        caption = " ".join(w.text for w in sorted(caption_words, key=lambda w: (w.line, w.x0)))
        if not (bm.find_metrics(caption) or bm.find_datasets(caption) or _mentions_results(caption)):
            continue
        grid = _table_near_caption(words, caption_words, page_width, set(caption_blocks))
        if grid:
            out.append(TableRegion(page=page_number, caption=caption, rows=grid))
    return out


def _mentions_results(caption: str) -> bool:
    return bool(re.search(r"\b(?:results?|performance|accuracy|error|comparison|comparisons|scores?)\b", caption, re.I))


def _caption_blocks(words: list[_Word]) -> list[int]:
    blocks = []
    by_block: dict[int, list[_Word]] = {}
    for w in words:
        by_block.setdefault(w.block, []).append(w)
    for block, ws in by_block.items():
        ws = sorted(ws, key=lambda w: (w.line, w.x0))
        if len(ws) >= 2 and ws[0].text == "Table" and re.match(r"^(\d+|[IVX]+)[:.]?$", ws[1].text):
            if ws[1].text[-1:] in ":." or (len(ws) > 2 and ws[2].text in (":", ".")) or len(ws) == 2:
                blocks.append(block)
    return blocks


def _group_rows(words: list[_Word]) -> list[_Row]:
    if not words:
        return []
    height = statistics.median(w.y1 - w.y0 for w in words)
    rows: list[_Row] = []
    centre_sum = 0.0
    for w in sorted(words, key=lambda w: w.yc):
        if rows and abs(w.yc - centre_sum / len(rows[-1].words)) <= 0.45 * height:
            rows[-1].words.append(w)
            centre_sum += w.yc
        else:
            rows.append(_Row([w]))
            centre_sum = w.yc
    return rows


def _is_prose(row: _Row, width: float, height: float) -> bool:
    """A line of running text: one long run of closely spaced words, unlike a row of short cells."""
    return any(len(text.split()) >= 6 and x1 - x0 > 0.5 * width for x0, x1, text in _cells(row, height))


def _table_near_caption(words: list[_Word], caption_words: list[_Word], page_width: float,
                        caption_blocks: set[int]) -> list[list[str]]:
    cx0 = min(w.x0 for w in caption_words)
    cx1 = max(w.x1 for w in caption_words)
    cy0 = min(w.y0 for w in caption_words)
    cy1 = max(w.y1 for w in caption_words)
    middle = page_width / 2
    if cx0 < middle - 20 and cx1 > middle + 20:
        lo, hi = 0.0, page_width
    elif (cx0 + cx1) / 2 < middle:
        lo, hi = 0.0, middle
    else:
        lo, hi = middle, page_width
    caption_block = caption_words[0].block
    inside = [w for w in words if w.block != caption_block and lo - 2 <= (w.x0 + w.x1) / 2 <= hi + 2]
    rows = _group_rows(inside)
    if not rows:
        return []
    height = statistics.median(w.y1 - w.y0 for w in inside)
    above = [r for r in rows if r.y1 <= cy0 + 1][::-1]
    below = [r for r in rows if r.y0 >= cy1 - 1]
    width = hi - lo
    best: list[_Row] = []
    best_score = 0.0
    for side, downward in ((above, False), (below, True)):
        run = _walk(side, cy1 if downward else cy0, height, width, caption_blocks, downward=downward)
        # Rows of the real table are numeric and about as wide as the caption; figure tick labels
        # and a neighbouring column's table are narrow.
        score = sum(min(1.0, (r.x1 - r.x0) / max(cx1 - cx0, 1.0)) for r in run if r.numeric_count() >= 1)
        if score > best_score:
            best, best_score = run, score
    if not best:
        return []
    best.sort(key=lambda r: r.y0)
    return _grid(best, height)


def _walk(rows: list[_Row], edge: float, height: float, width: float, caption_blocks: set[int], *,
          downward: bool) -> list[_Row]:
    run: list[_Row] = []
    last = edge
    for row in rows:
        gap = (row.y0 - last) if downward else (last - row.y1)
        limit = 4.5 * height if not run else 3.0 * height
        if gap > limit or _is_prose(row, width, height) or any(w.block in caption_blocks for w in row.words):
            break
        run.append(row)
        last = row.y1 if downward else row.y0
    return run


def _cells(row: _Row, height: float) -> list[tuple[float, float, str]]:
    """Words joined into cells: a gap wider than about half a character height starts a new cell."""
    cells: list[list[_Word]] = []
    for w in sorted(row.words, key=lambda w: w.x0):
        if cells and w.x0 - cells[-1][-1].x1 <= 0.5 * height:
            cells[-1].append(w)
        else:
            cells.append([w])
    return [(c[0].x0, c[-1].x1, " ".join(w.text for w in c)) for c in cells]


def _grid(rows: list[_Row], height: float) -> list[list[str]]:
    cell_rows = [_cells(r, height) for r in rows]
    data_rows = [cells for cells, row in zip(cell_rows, rows) if row.numeric_count() >= 1]
    intervals: list[list[float]] = []
    for cells in data_rows:
        for i, (x0, x1, text) in enumerate(cells):
            if i == 0 and not _NUMERIC_CELL.match(text.split()[0]):
                continue  # the row label: its width says nothing about the columns
            intervals.append([x0, x1])
    if not intervals:
        return []
    intervals.sort()
    columns: list[list[float]] = [intervals[0][:]]
    for x0, x1 in intervals[1:]:
        if x0 < columns[-1][1] - 0.5:
            columns[-1][1] = max(columns[-1][1], x1)
        else:
            columns.append([x0, x1])
    first_data = next(i for i, row in enumerate(rows) if row.numeric_count() >= 1)
    grid: list[list[str]] = []
    for index, cells in enumerate(cell_rows):
        if index < first_data and 0 < len(cells) - 1 < len(columns):
            grid.append(_spread_header(cells, columns))
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
        grid.append(line)
    return grid


def _spread_header(cells: list[tuple[float, float, str]], columns: list[list[float]]) -> list[str]:
    """A sparse header row ("Dev", "Test" over "EM F1 EM F1"): each column takes the nearest cell."""
    line = [""] * (len(columns) + 1)
    heads = []
    for x0, x1, text in cells:
        if x1 <= columns[0][0] + 0.5:
            line[0] = (line[0] + " " + text).strip()
        else:
            heads.append(((x0 + x1) / 2, text))
    if heads:
        for j, (c0, c1) in enumerate(columns):
            centre = (c0 + c1) / 2
            line[j + 1] = min(heads, key=lambda h: abs(h[0] - centre))[1]
    return line
