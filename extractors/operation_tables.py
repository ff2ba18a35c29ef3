"""Tables that state model sizes and costs but no benchmark: configuration and architecture tables.

The result-table reader (tables.find_result_tables) reads only the pages whose table captions name a
benchmark or a metric, so a paper's "Table 1: Model configurations" ("Layers | Hidden | Heads | Params")
or "Architectures for ImageNet" (a "FLOPs" row under one column per model) is never cut out of its page.
This module finds the captions that name parameters, FLOPs, configurations or architectures and reads
those tables' grids (word boxes of at most `MAX_PAGES` more pages); operation_cells.table_inputs then reads
their Params/FLOPs columns and rows like any other table.
"""
from __future__ import annotations

import re

from extractors import cues
from extractors.document import DocumentText, TableRegion
from extractors.tables import caption_openings, tables_on_page

MAX_PAGES = 3  # each page read as word boxes costs about as much as its plain text
MAX_HEADER_PAGES = 2  # pages found by a size-column header alone (see SIZE_HEADER_LINE)
_WORD_FLAGS = 64  # pymupdf.TEXT_MEDIABOX_CLIP, as tables.py reads pages

# A caption about the models' sizes or shapes: "Number of parameters (in millions)", "Model
# configurations", "Architectures for ImageNet", "Model architecture details". Captions about FLOPs
# are not enough: those are comparisons with other models' costs (on the held-out papers such pages
# added 8 forward costs, none right), and their own rows are read where results are.
OPERATION_CAPTION = re.compile(
    r"\bparam(?:eter)?s?\b|#\s?params?\b|\bmodel\s+sizes?\b|\bconfigurations?\b|\barchitectures?\b|"
    r"\bhyper-?\s?parameters\b", re.IGNORECASE)


# A size column's header ("Model #Param Test BPC", "Method Params (M) Top-1"): a table under a caption
# that names only the benchmark ("Results on enwik8") still states the models' sizes. Table headers
# write it capitalised or after "#", followed by another header, a number or the line's end; prose
# writes "parameters", or "Parameters are ..." at a sentence start.
SIZE_HEADER_LINE = re.compile(r"(?m)(?:^|[ \t])(?:#[ \t]?[Pp]aram(?:eter)?s?\.?|Params?\.?|Parameters|Parameter[ \t]+count)"
                              r"(?:[ \t]*\((?:M|B|K|m|million|billion)\))?(?=[ \t]*(?:$|[A-Z#(\d]))|"
                              # a quantity row of a table set sideways: "parameters 57M 134M 6M"
                              r"(?:^|[ \t])parameters(?:[ \t]+\d+(?:\.\d+)?[MBK]\b){2,}")


def _caption_snippets(doc: DocumentText, index: int) -> list[str]:
    text = doc.pages[index]
    return [" ".join(text[start:start + 300].split("\n\n")[0].split()) for start in caption_openings(text)]


def operation_table_pages(doc: DocumentText, max_pages: int = MAX_PAGES) -> list[int]:
    """0-based pages with a table caption about model sizes or costs, in page order, at most max_pages
    (configuration tables come early in a paper)."""
    pages = []
    for index in range(len(doc.pages)):
        if any(OPERATION_CAPTION.search(snippet[:200]) for snippet in _caption_snippets(doc, index)):
            pages.append(index)
        if len(pages) >= max_pages:
            break
    if not cues.ablated("ops_size_header_pages"):
        header_pages = [i for i in range(len(doc.pages)) if i not in pages and _size_header_page(doc, i)]
        pages = sorted(pages + header_pages[:MAX_HEADER_PAGES])
    return pages


def _size_header_page(doc: DocumentText, index: int) -> bool:
    """A page with a table caption and a size column's header line."""
    text = doc.pages[index]
    # Cheap tests first: the header search scans every position of the page.
    return not cues.ablated("ops_size_header_pages") and "aram" in text and bool(caption_openings(text)) \
        and bool(SIZE_HEADER_LINE.search(text))


def find_operation_tables(pdf_doc, doc: DocumentText, known: list[TableRegion] = (),
                          max_pages: int = MAX_PAGES) -> list[TableRegion]:
    """Grids of the configuration/size tables the result-table reader did not cut out (`known`)."""
    if pdf_doc is None and not doc.page_words:
        return []
    seen = {(t.page, t.caption[:60]) for t in known}
    regions: list[TableRegion] = []
    for index in operation_table_pages(doc, max_pages):
        raw = doc.page_words.get(index)
        if raw is not None and index < len(doc.page_sizes):
            width = doc.page_sizes[index][0]
        elif pdf_doc is not None:
            try:
                page = pdf_doc[index]
                raw = page.get_textpage(flags=_WORD_FLAGS).extractWORDS()
                width = page.rect.width
            except Exception:  # MuPDF raises plain RuntimeError on a damaged page: skip the page
                continue
        else:
            continue

        any_caption = _size_header_page(doc, index)

        def accept(caption: str, page: int = index + 1) -> bool:
            return (any_caption or bool(OPERATION_CAPTION.search(caption[:200]))) and (page, caption[:60]) not in seen

        # rows the result reader already cut out under another caption are read once, with that caption
        known_here = [t for t in known if t.page == index + 1]
        for table in tables_on_page(raw, width, index + 1, accept=accept):
            if any(t.rows == table.rows for t in known_here):
                continue
            regions.append(table)
    return regions


