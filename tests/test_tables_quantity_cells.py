"""Quantity cells ("118M", "4.1G", "22,855,952", "1024", "1.8×10^9") outline the columns of configuration
tables like result numbers do, so a size or cost column set next to narrow numeric columns keeps its
own column and its header (issue 17). Years, citation numbers and row labels named by their size must
not outline one (`--ablate tables_quantity_columns` switches the reading off, for measuring).

Tables are drawn by the test with PyMuPDF about made-up models ("Quillon", "Marrow"); every line is the
test's own wording, never copied from a corpus paper.
"""
from __future__ import annotations

import pymupdf
import pytest

from extractors import cues
from extractors.document import DocumentText, Sentence
from extractors.operation_tables import find_operation_tables
from extractors.pipeline import generate_candidates
from extractors.results import extract_results
from extractors.tables import _QUANTITY_CELL, find_result_tables, result_table_pages
from extractors.text import read_document
from table_pdfs import draw_table

FILLER = ("Every network in this section is trained with the same optimiser and the same order of batches, "
          "so the rows of the table below differ only in the quantities that the columns list. ")


def _prose(page: pymupdf.Page, y: float, lines: int) -> float:
    words = (FILLER + " ") * (lines * 105 // len(FILLER) + 2)
    for i in range(lines):
        page.insert_text((60, y), words[i * 105:(i + 1) * 105], fontsize=9)
        y += 11
    return y


def _table_pdf(title: str, caption: str, header: list[tuple[float, str]],
               rows: list[tuple[str, list[str]]], xs: list[float]) -> pymupdf.Document:
    """A title page, then a page with prose, the captioned table (rules drawn) and prose again."""
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 60), title, fontsize=15)
    _prose(page, 100, 10)
    page = pdf.new_page(width=612, height=792)
    y = draw_table(page, _prose(page, 70, 6) + 14, caption, header, rows, xs)
    _prose(page, y + 10, 6)
    return pdf


# --- the cell form ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["118M", "4.1G", "25.6M", "25.6 M", "1.3B", "392k", "1.8×10^9",
                                  "22,855,952", "1024", "65536", "~7B"])
def test_sizes_and_counts_are_quantity_cells(text):
    assert _QUANTITY_CELL.match(text)


@pytest.mark.parametrize("text", ["2019", "1998", "[12]", "ResNet-50", "(2017)", "Quillon-L", "12 layers",
                                  "M", "v2", "2014)"])
def test_years_citations_and_names_are_not(text):
    assert not _QUANTITY_CELL.match(text)


# --- a configuration table: suffixed, comma-grouped and four-digit cells beside narrow columns ------

def _sizes_pdf() -> pymupdf.Document:
    return _table_pdf(
        "Quillon: Deeper Encoders for Long Documents",
        "Table 1: Configurations of the Quillon sizes we train, with the tokens each one reads and its steps.",
        [(60, "Model"), (170, "Layers"), (215, "Hidden"), (265, "Heads"), (305, "Tokens"), (370, "Params"),
         (430, "Steps")],
        [("Quillon-S", ["6", "512", "8", "22,855,952", "25.6M", "1024"]),
         ("Quillon-M", ["12", "768", "12", "1.8×10^9", "118M", "2048"]),
         ("Quillon-L", ["24", "1024", "16", "4.1G", "1.3B", "4096"])],
        [170, 215, 265, 305, 370, 430])


def test_each_quantity_column_keeps_its_cells_and_its_header():
    pdf = _sizes_pdf()
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    [table] = find_operation_tables(pdf, doc)
    assert table.rows[0] == ["Model", "Layers", "Hidden", "Heads", "Tokens", "Params", "Steps"]
    assert table.rows[1] == ["Quillon-S", "6", "512", "8", "22,855,952", "25.6M", "1024"]
    assert table.rows[3] == ["Quillon-L", "24", "1024", "16", "4.1G", "1.3B", "4096"]


def test_switched_off_the_quantity_cells_merge_into_their_neighbour():
    pdf = _sizes_pdf()
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    cues.ablate(["tables_quantity_columns"])
    try:
        [table] = find_operation_tables(pdf, doc)
    finally:
        cues.ablate([])
    assert "Params" not in table.rows[0]
    assert table.rows[1][-1] == "8 22,855,952 25.6M 1024"


def test_the_params_column_gives_the_own_sizes():
    pdf = _sizes_pdf()
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    best = sorted(c.attrs["parameters"] for c in generate_candidates(doc, pdf)
                  if c.field == "parameters" and c.is_best and c.confidence >= 0.5)
    assert best == [2.56e7, 1.18e8, 1.3e9]


def test_row_labels_named_by_their_size_stay_labels():
    pdf = _table_pdf(
        "Quillon: Deeper Encoders for Long Documents",
        "Table 1: Configurations of the Quillon family we release, by depth, heads and width.",
        [(60, "Size"), (200, "Layers"), (280, "Heads"), (360, "Width")],
        [("350M", ["24", "16", "1024"]), ("2.7B", ["32", "32", "2560"]), ("13B", ["40", "40", "5120"])],
        [200, 280, 360])
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    [table] = find_operation_tables(pdf, doc)
    assert table.rows == [["Size", "Layers", "Heads", "Width"], ["350M", "24", "16", "1024"],
                          ["2.7B", "32", "32", "2560"], ["13B", "40", "40", "5120"]]


# --- result tables: sizes beside scores, and years or citation numbers that must not split ---------

def _doc(pdf: pymupdf.Document, title: str, name: str) -> DocumentText:
    pages = [p.get_text() for p in pdf]
    sentences = [Sentence(1, f"We present {name} and evaluate {name} on ImageNet.", "body", 0)]
    return DocumentText(arxiv_id=None, pages=pages, sentences=sentences, title=title)


def test_a_result_tables_size_columns_leave_its_scores_as_they_were():
    # result tables keep reading sizes merged (only the own rows' sizes are read there); the score
    # column and its header stay whole
    title = "Marrow: Small Networks for Image Recognition"
    pdf = _table_pdf(
        title, "Table 2: ImageNet top-1 accuracy (%) of the Marrow networks and earlier ones.",
        [(60, "Network"), (220, "Params"), (280, "FLOPs"), (340, "Top-1")],
        [("Lattice-B [8]", ["25.6M", "4.1G", "76.1"]),
         ("Marrow-A", ["5.3M", "0.39G", "77.3"]),
         ("Marrow-B", ["19M", "1.8G", "81.6"])],
        [220, 280, 340])
    doc = _doc(pdf, title, "Marrow")
    [table] = find_result_tables(pdf, doc)
    assert table.rows[0][-1] == "Top-1"
    assert table.rows[-1][-1] == "81.6"
    best = {(c.attrs["dataset"], c.attrs["metric"]): c.attrs["value"]
            for c in extract_results(doc, pdf) if c.is_best and c.confidence >= 0.5}
    assert best == {("ImageNet", "top-1 accuracy"): 81.6}


def test_a_year_column_and_citation_numbers_do_not_outline_columns():
    pdf = _table_pdf(
        "Quillon: Deeper Encoders for Long Documents",
        "Table 1: Configurations of the encoders we compare, with the year each appeared.",
        [(60, "Model"), (170, "Ref."), (215, "Layers"), (265, "Year"), (330, "Params (M)")],
        [("Lattice", ["[8]", "12", "2016", "110"]),
         ("Spindle", ["[21]", "24", "2019", "340"]),
         ("Quillon-L", ["", "36", "2024", "760"])],
        [170, 215, 265, 330])
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    [table] = find_operation_tables(pdf, doc)
    # the years join the layer counts' column and the citations the labels, as without quantity cells;
    # the parameter column and its header stay whole
    assert [row[-1] for row in table.rows] == ["Params (M)", "110", "340", "760"]
    assert len(table.rows[0]) == 3
    assert table.rows[-1][1] == "36 2024"


def test_a_short_caption_still_reads_quantity_columns_across_the_middle():
    # The caption fits the left half; only quantity cells go on past the page's middle, and they
    # alone must be enough to read the table at full width.
    pdf = _table_pdf(
        "Quillon: Deeper Encoders for Long Documents", "Table 1: Quillon configurations.",
        [(60, "Model"), (170, "Layers"), (215, "Hidden"), (265, "Heads"), (330, "Tokens"), (400, "Params")],
        [("Quillon-S", ["6", "512", "8", "96,000,000", "25.6M"]),
         ("Quillon-L", ["24", "1024", "16", "4.1G", "1.3B"])],
        [170, 215, 265, 330, 400])
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    [table] = find_operation_tables(pdf, doc)
    assert table.rows[0] == ["Model", "Layers", "Hidden", "Heads", "Tokens", "Params"]
    assert table.rows[-1] == ["Quillon-L", "24", "1024", "16", "4.1G", "1.3B"]


# --- two captions reaching the same rows: the nearer caption owns them --------------------------------

def test_rows_between_two_captions_belong_to_the_nearer_one_only():
    title = "Marrow: Small Networks for Image Recognition"
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 60), title, fontsize=15)
    _prose(page, 100, 10)
    page = pdf.new_page(width=612, height=792)
    y = _prose(page, 70, 6) + 14
    # the first caption's own table is a plot we do not read; a table follows it after a short gap,
    # set right above its own caption
    page.insert_text((60, y), "Table 1: ImageNet top-1 accuracy of Marrow against the training budget.", fontsize=8)
    y += 30
    for label, cells in [("Network", ["Top-1", "Top-5"]), ("Marrow-A", ["77.3", "93.5"]),
                         ("Marrow-B", ["81.6", "95.7"])]:
        page.insert_text((60, y), label, fontsize=8.5)
        for x, text in zip([300, 380], cells):
            page.insert_text((x, y), text, fontsize=8.5)
        y += 12
    page.insert_text((60, y + 2), "Table 2: CIFAR-10 accuracy (%) of the Marrow networks.", fontsize=8)
    _prose(page, y + 40, 6)
    doc = _doc(pdf, title, "Marrow")
    tables = find_result_tables(pdf, doc)
    assert [t.caption[:8] for t in tables] == ["Table 2:"]
    assert tables[0].rows[-1] == ["Marrow-B", "81.6", "95.7"]
