"""Model sizes and costs in configuration, architecture and comparison tables (issue 17), drawn by the
test with PyMuPDF and read end to end (text reader -> table regions -> operation candidates).

Every table and sentence is the test's own wording about made-up models ("Ferrovia", "Gantry"), never
copied from a corpus paper.
"""
from __future__ import annotations

import pymupdf
import pytest

from extractors.operation_tables import SIZE_HEADER_LINE
from extractors.pipeline import generate_candidates
from extractors.tables import result_table_pages
from extractors.text import read_document
from table_pdfs import draw_table

FILLER = ("All runs share one optimiser setting and one data order so that the sizes below differ only in "
          "width and depth, which keeps the comparison in this section simple to follow for a reader. ")


def _prose(page: pymupdf.Page, y: float, lines: int, text: str = FILLER) -> float:
    words = (text + " ") * (lines * 105 // len(text) + 2)
    for i in range(lines):
        page.insert_text((60, y), words[i * 105:(i + 1) * 105], fontsize=9)
        y += 11
    return y


def _paper(title: str, abstract: str, tables: list[tuple], prose: str = FILLER) -> pymupdf.Document:
    """A paper: title page with prose, then one page per table (each with prose around it)."""
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((60, 60), title, fontsize=15)
    page.insert_text((60, 100), "Abstract", fontsize=11)
    _prose(page, 118, 3, abstract)
    _prose(page, 170, 8, prose)
    for caption, header, rows, xs in tables:
        page = pdf.new_page(width=612, height=792)
        y = _prose(page, 70, 6)
        y = draw_table(page, y + 14, caption, header, rows, xs)
        _prose(page, y + 10, 6)
    return pdf


def _best(pdf: pymupdf.Document, field: str, key: str) -> list[float]:
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    cands = generate_candidates(doc, pdf)
    return sorted(c.attrs[key] for c in cands if c.field == field and c.is_best and c.confidence >= 0.5)


ABSTRACT = ("We describe Ferrovia, a family of sequence encoders, and report how its quality grows with its "
            "size on three language understanding tasks.")


# --- configuration tables: the page the result reader never reads --------------------------------

def _configurations_pdf() -> pymupdf.Document:
    return _paper("Ferrovia: Wide Encoders for Text", ABSTRACT, [(
        "Table 1: Configurations of the Ferrovia sizes and of the encoder we start from.",
        [(60, "Model"), (200, "Layers"), (260, "Hidden"), (320, "Heads"), (420, "Params (M)")],
        [("Gantry [6]", ["12", "768", "12", "118"]),
         ("Ferrovia-S", ["12", "512", "8", "71"]),
         ("Ferrovia-L", ["24", "1024", "16", "325"])],
        [200, 260, 320, 420])])


def test_params_column_of_a_configuration_table_gives_the_own_sizes():
    assert _best(_configurations_pdf(), "parameters", "parameters") == [7.1e7, 3.25e8]


def test_without_reading_configuration_pages_the_sizes_are_missed(ablated):
    ablated("ops_config_tables")
    assert _best(_configurations_pdf(), "parameters", "parameters") == []


def test_a_table_caption_about_something_else_is_not_read_as_a_configuration():
    pdf = _paper("Ferrovia: Wide Encoders for Text", ABSTRACT, [(
        "Table 1: Statistics of the three corpora we collect.",
        [(60, "Corpus"), (200, "Documents"), (300, "Words")],
        [("News", ["12M", "3.1B"]), ("Forums", ["5M", "880M"])],
        [200, 300])])
    assert _best(pdf, "parameters", "parameters") == []


# --- a size column under a caption that names no size ---------------------------------------------

def _size_column_pdf() -> pymupdf.Document:
    return _paper("Ferrovia: Wide Encoders for Text", ABSTRACT, [(
        "Table 2: How Ferrovia compares with earlier encoders on the held-back split.",
        [(60, "Model"), (220, "#Param"), (320, "Error")],
        [("Gantry [6]", ["118M", "21.4"]),
         ("Ferrovia-S", ["71M", "19.8"]),
         ("Ferrovia-L", ["325M", "17.9"])],
        [220, 320])])


def test_a_size_column_header_makes_the_page_a_size_table_page():
    assert _best(_size_column_pdf(), "parameters", "parameters") == [7.1e7, 3.25e8]


def test_without_size_header_pages_the_column_is_not_read(ablated):
    ablated("ops_size_header_pages")
    assert _best(_size_column_pdf(), "parameters", "parameters") == []


@pytest.mark.parametrize("line, hit", [
    ("Model #Params Top-1", True),
    ("Network Params (M) Error", True),
    ("Parameter count Steps/second", True),
    ("parameters 61M 128M 7M", True),                      # a quantity row of a table set sideways
    ("Parameters are shared across all twelve layers of the encoder.", False),
    ("we count the parameters 61M in total", False),
    ("the number of parameters grows with depth", False),
])
def test_size_header_lines(line, hit):
    assert bool(SIZE_HEADER_LINE.search(line)) is hit


def test_a_size_word_in_prose_does_not_make_a_size_table_page():
    prose = ("The number of parameters matters less than the data we train on, as the comparison in the "
             "table below shows for every model that we were able to train under one shared budget. ")
    pdf = _paper("Ferrovia: Wide Encoders for Text", ABSTRACT, [(
        "Table 2: How Ferrovia compares with earlier encoders on the held-back split.",
        [(60, "Model"), (220, "Size"), (320, "Error")],
        [("Ferrovia-S", ["71M", "19.8"]), ("Ferrovia-L", ["325M", "17.9"])],
        [220, 320])], prose=prose)
    assert _best(pdf, "parameters", "parameters") == []


# --- one value per column: the architecture table's "FLOPs" row ------------------------------------

def _architecture_pdf(third_header: str) -> pymupdf.Document:
    return _paper("Ferrovia: Deep Stacks for Images", ABSTRACT, [(
        "Table 1: Architectures of the Ferrovia depths we train.",
        [(60, "stage"), (220, "20-layer"), (320, "44-layer"), (420, third_header)],
        [("width", ["64", "64", "96"]),
         ("blocks", ["6", "14", "18"]),
         ("FLOPs", ["1.2×10^9", "2.9×10^9", "3.3×10^9"])],
        [220, 320, 420])])


def test_a_flops_row_gives_one_cost_per_model_column():
    assert _best(_architecture_pdf("56-layer"), "forward_flops", "flops") == [1.2e9, 2.9e9, 3.3e9]


def test_a_column_of_another_cited_model_in_the_flops_row_is_not_the_papers():
    assert _best(_architecture_pdf("Gantry [6]"), "forward_flops", "flops") == [1.2e9, 2.9e9]


def test_the_row_reader_switched_off_reads_no_costs(ablated):
    ablated("ops_row_quantities")
    assert _best(_architecture_pdf("56-layer"), "forward_flops", "flops") == []


def test_a_table_of_one_quantity_row_gives_each_columns_size():
    pdf = _paper("Ferrovia: Deep Stacks for Images", ABSTRACT, [(
        "Table 5: Parameters of each Ferrovia network we compare (in millions).",
        [(60, "Network"), (220, "P"), (300, "Q"), (380, "R"), (460, "S")],
        [("Number of parameters", ["41", "57", "63", "90"])],
        [220, 300, 380, 460])])
    assert _best(pdf, "parameters", "parameters") == [4.1e7, 5.7e7, 6.3e7, 9e7]


def _sizes_pdf(first_header: str) -> pymupdf.Document:
    return _paper("Ferrovia: Wide Encoders for Text", ABSTRACT, [(
        "Table 1: Configurations of the Ferrovia family: depth, heads and width.",
        [(60, first_header), (200, "Layers"), (280, "Heads"), (360, "Width")],
        [("160M", ["12", "12", "768"]), ("1.4B", ["24", "32", "2048"]), ("12B", ["40", "40", "5120"])],
        [200, 280, 360])])


def test_rows_named_by_their_size_in_a_configuration_table_give_the_sizes():
    assert _best(_sizes_pdf("Model"), "parameters", "parameters") == [1.6e8, 1.4e9, 1.2e10]


def test_size_like_labels_under_another_heading_are_no_sizes():
    # "Tokens" column first: 160M tokens is a data budget, not a model size
    assert _best(_sizes_pdf("Tokens"), "parameters", "parameters") == []


# --- an "Epochs" column of a settings table, read from the page ------------------------------------

def _settings_pdf(epoch_header: str) -> pymupdf.Document:
    return _paper("Ferrovia: Wide Encoders for Text", ABSTRACT, [(
        "Table 6: Hyper-parameters for fine-tuning Ferrovia on each task.",
        [(60, "Task"), (200, "Batch"), (280, "Rate"), (380, epoch_header)],
        [("Entailment", ["32", "2e-5", "5"]), ("Paraphrase", ["64", "3e-5", "8"])],
        [200, 280, 380])])


def test_an_epochs_column_of_a_settings_table_gives_each_tasks_length():
    assert _best(_settings_pdf("Epochs"), "epochs", "epochs") == [5, 8]


def test_a_warmup_epochs_column_is_no_training_length():
    assert _best(_settings_pdf("Warm-up epochs"), "epochs", "epochs") == []


# --- model columns the grid merged: only the first columns hold plain numbers ----------------------

def _merged_architecture_pdf() -> pymupdf.Document:
    """Plain numbers sit only under the two shallow columns (the deeper ones list blocks as "[3×3]
    ×18"), so the grid finds two columns and the deeper costs land in the second one's cell."""
    return _paper("Ferrovia: Deep Stacks for Images", ABSTRACT, [(
        "Table 1: Architectures of the Ferrovia depths we train.",
        [(60, "stage"), (220, "20-layer"), (300, "44-layer"), (380, "56-layer"), (460, "110-layer")],
        [("width", ["64", "64", "[3×3, 96]", "[3×3, 128]"]),
         ("blocks", ["6", "14", "[3×3] ×18", "[3×3] ×36"]),
         ("FLOPs", ["1.2×10^9", "2.9×10^9", "3.3×10^9", "6.5×10^9"])],
        [220, 300, 380, 460])])


def _labelled_costs(pdf: pymupdf.Document) -> dict[float, str]:
    doc = read_document(pdf.tobytes(), word_pages=result_table_pages)
    return {c.attrs["flops"]: c.features.get("model_label") for c in generate_candidates(doc, pdf)
            if c.field == "forward_flops" and c.features.get("pattern") == "table_row"}


def test_costs_in_a_merged_cell_take_the_model_headers_in_order():
    assert _labelled_costs(_merged_architecture_pdf()) == {
        1.2e9: "20-layer", 2.9e9: "44-layer", 3.3e9: "56-layer", 6.5e9: "110-layer"}


def test_without_the_merged_headers_the_deeper_costs_name_no_model(ablated):
    ablated("tables_merged_model_headers")
    labels = _labelled_costs(_merged_architecture_pdf())
    assert labels[1.2e9] == "20-layer" and labels[6.5e9] == ""

