"""Result tables found in PDFs that the test draws with PyMuPDF: a two-column page with a table in
the right column (caption above, rules drawn), and a full-width table with a spanning "Dev / Test"
header and its caption below."""
from __future__ import annotations

import pymupdf
import pytest

from extractors.document import DocumentText, Sentence
from extractors.results import extract_results
from extractors.tables import find_result_tables, result_table_pages

PROSE = ("We train deep networks on many images and report the results of our experiments in the "
         "tables of this paper. The training follows common practice and the details are given below "
         "for completeness of the description.")


def _write_prose(page: pymupdf.Page, x: float, y: float, width_chars: int, lines: int) -> float:
    words = (PROSE + " ") * 4
    for i in range(lines):
        chunk = words[i * width_chars:(i + 1) * width_chars]
        page.insert_text((x, y), chunk, fontsize=9)
        y += 11
    return y


def _row(page: pymupdf.Page, y: float, cells: list[tuple[float, str]], size: float = 9) -> None:
    for x, text in cells:
        page.insert_text((x, y), text, fontsize=size)


def make_pdf() -> pymupdf.Document:
    pdf = pymupdf.open()
    # Page 1: two columns; prose left, prose + table right.
    page = pdf.new_page(width=612, height=792)
    page.insert_text((50, 60), "Ournet: Deep Networks for Image Recognition", fontsize=14)
    _write_prose(page, 50, 100, 52, 40)
    y = _write_prose(page, 320, 100, 52, 8) + 20
    page.insert_text((320, y), "Table 1: ImageNet error (%), top-1 and top-5,", fontsize=8)
    page.insert_text((320, y + 10), "validation set. Lower is better.", fontsize=8)
    y += 28
    page.draw_line((320, y - 9), (560, y - 9))
    _row(page, y, [(322, "method"), (452, "top-1 err."), (512, "top-5 err.")])
    page.draw_line((320, y + 4), (560, y + 4))
    for label, a, b in [("VGG [41]", "24.4", "7.1"), ("GoogLeNet [44]", "-", "7.89"),
                        ("PReLU-net [13]", "21.59", "5.71"), ("Ournet-152", "19.38", "4.49")]:
        y += 12
        _row(page, y, [(322, label), (460, a), (520, b)])
    page.draw_line((320, y + 4), (560, y + 4))
    _write_prose(page, 320, y + 30, 52, 10)

    # Page 2: full-width SQuAD table, caption below, "Dev"/"Test" spanning two columns each.
    page = pdf.new_page(width=612, height=792)
    y = 90
    _row(page, y, [(60, "System"), (330, "Dev"), (450, "Test")])
    y += 12
    _row(page, y, [(300, "EM"), (355, "F1"), (420, "EM"), (475, "F1")])
    page.draw_line((50, y + 4), (560, y + 4))
    for label, cells in [("BiDAF (Seo et al., 2017)", ["67.7", "77.3", "68.0", "77.3"]),
                         ("Ournet (Single)", ["84.1", "90.9", "-", "-"]),
                         ("Ournet with data augmentation and more steps", ["84.9", "91.2", "-", "-"]),
                         ("Ournet (Ensemble)", ["85.8", "91.8", "87.4", "93.2"])]:
        y += 12
        _row(page, y, [(60, label)] + list(zip((300, 355, 420, 475), cells)))
    page.draw_line((50, y + 4), (560, y + 4))
    page.insert_text((50, y + 22), "Table 2: SQuAD 1.1 results on the dev and test sets.", fontsize=8)
    _write_prose(page, 50, y + 60, 100, 10)

    # Page 3: a results table on a benchmark the scorer does not know.
    page = pdf.new_page(width=612, height=792)
    page.insert_text((50, 80), "Table 3: CIFAR-10 test-set classification error.", fontsize=8)
    _row(page, 100, [(60, "method"), (300, "error (%)")])
    _row(page, 112, [(60, "Ournet-110"), (305, "6.43")])
    return pdf


@pytest.fixture(scope="module")
def pdf_and_doc():
    pdf = make_pdf()
    pages = [p.get_text() for p in pdf]
    sentences = [Sentence(1, "We call our model Ournet and evaluate Ournet on ImageNet and SQuAD.", "body", 0),
                 Sentence(1, "Our Ournet is deep.", "body", 1)]
    doc = DocumentText(arxiv_id=None, pages=pages, sentences=sentences,
                       title="Ournet: Deep Networks for Image Recognition")
    yield pdf, doc
    pdf.close()


def test_only_pages_with_scored_result_captions_are_read(pdf_and_doc):
    _pdf, doc = pdf_and_doc
    assert result_table_pages(doc) == [0, 1]


def test_right_column_table_is_read_into_a_grid(pdf_and_doc):
    pdf, doc = pdf_and_doc
    tables = {t.page: t for t in find_result_tables(pdf, doc)}
    grid = tables[1].rows
    assert tables[1].caption.startswith("Table 1: ImageNet error (%), top-1 and top-5")
    assert grid[0][1:] == ["top-1 err.", "top-5 err."]
    assert grid[-1] == ["Ournet-152", "19.38", "4.49"]
    assert ["GoogLeNet [44]", "-", "7.89"] in grid
    assert not any("train deep networks" in " ".join(r) for r in grid), "prose must not leak into the table"


def test_spanning_header_names_each_column(pdf_and_doc):
    pdf, doc = pdf_and_doc
    grid = {t.page: t for t in find_result_tables(pdf, doc)}[2].rows
    assert grid[0][1:] == ["Dev", "Dev", "Test", "Test"]
    assert grid[1][1:] == ["EM", "F1", "EM", "F1"]
    assert grid[-1] == ["Ournet (Ensemble)", "85.8", "91.8", "87.4", "93.2"]
    assert ["Ournet with data augmentation and more steps", "84.9", "91.2", "-", "-"] in grid


def test_headlines_from_generated_pdf(pdf_and_doc):
    pdf, doc = pdf_and_doc
    best = {(c.attrs["dataset"], c.attrs["metric"]): c.attrs["value"]
            for c in extract_results(doc, pdf) if c.is_best and c.confidence >= 0.5}
    assert best == {("ImageNet", "top-1 error"): 19.38, ("ImageNet", "top-5 error"): 4.49,
                    ("SQuAD 1.1", "EM"): 87.4, ("SQuAD 1.1", "F1"): 93.2}


def test_without_pdf_only_sentences_and_given_tables_are_used(pdf_and_doc):
    _pdf, doc = pdf_and_doc
    assert [c for c in extract_results(doc, None) if c.is_best] == []


def test_pages_without_a_table_under_the_caption_give_nothing():
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((50, 80), "Table 1: Results on ImageNet (top-1 accuracy) are in the appendix.", fontsize=9)
    _write_prose(page, 50, 120, 100, 20)
    pdf.new_page(width=612, height=792)  # an empty page
    doc = DocumentText(arxiv_id=None, pages=[p.get_text() for p in pdf], title="Ournet: Things")
    assert find_result_tables(pdf, doc) == []
    assert extract_results(doc, pdf) == []
    pdf.close()


def test_text_reader_hands_over_word_boxes_so_table_pages_are_not_read_again(pdf_and_doc):
    from extractors.text import read_document

    pdf, _doc = pdf_and_doc
    asked: list[list[int]] = []

    def word_pages(document):
        asked.append(result_table_pages(document))
        return asked[-1]

    doc = read_document(pdf.tobytes(), word_pages=word_pages)
    assert asked == [[0, 1]]
    assert sorted(doc.page_words) == [0, 1], "only the pages the table reader asked for"
    assert [w[4] for w in doc.page_words[0]] == [w[4] for w in pdf[0].get_text("words", flags=64)]
    # The word boxes alone are enough: no PDF is opened for the tables.
    from_words = {t.page: t.rows for t in find_result_tables(None, doc)}
    from_pdf = {t.page: t.rows for t in find_result_tables(pdf, doc)}
    assert from_words == from_pdf and from_words[1][-1] == ["Ournet-152", "19.38", "4.49"]


def test_without_word_pages_the_text_reader_keeps_no_words(pdf_and_doc):
    from extractors.text import read_document

    pdf, _doc = pdf_and_doc
    doc = read_document(pdf.tobytes())
    assert doc.page_words == {}
    assert [round(w) for w, _h in doc.page_sizes] == [612, 612, 612]
