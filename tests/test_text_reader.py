"""read_document on PDFs these tests generate with PyMuPDF: layout, markup and failure modes."""
from __future__ import annotations

import pymupdf
import pytest

from extractors import cues
from extractors.records import ExtractionError
from extractors.text import read_document

LEFT_COLUMN = (
    "1 Introduction",
    "Left column first sentence about convolutional networks. The second sentence of the left column "
    "continues the argument.",
)
RIGHT_COLUMN = (
    "Right column text comes after the left column. It talks about the experiments.",
)


CSS = "* {font-size: 10pt; font-family: serif;}"


def _two_column_pdf() -> bytes:
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_htmlbox(pymupdf.Rect(72, 50, 540, 90), "<p style='font-size:18pt'>A Study of Reading Order</p>", css=CSS)
    # The right column is written FIRST into the content stream: only the layout says it comes second.
    page.insert_htmlbox(pymupdf.Rect(324, 113, 540, 400), f"<p>{RIGHT_COLUMN[0]}</p>", css=CSS)
    page.insert_htmlbox(pymupdf.Rect(72, 100, 288, 400),
                        f"<p><b>{LEFT_COLUMN[0]}</b></p><p>{LEFT_COLUMN[1]}</p>", css=CSS)
    data = doc.tobytes()
    doc.close()
    return data


def test_two_column_page_reads_left_column_before_right():
    doc = read_document(_two_column_pdf())
    text = " ".join(s.text for s in doc.sentences)
    assert text.index("Left column first sentence") < text.index("Right column text comes after")
    assert doc.title == "A Study of Reading Order"


def test_ligatures_are_expanded():
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_htmlbox(pymupdf.Rect(72, 72, 400, 200), "<p>The ﬁnal model is eﬃcient and the ﬂow is stable.</p>")
    doc = read_document(pdf.tobytes())
    assert doc.sentences[0].text == "The final model is efficient and the flow is stable."


def test_line_end_hyphenation_is_removed_but_compounds_stay():
    pdf = pymupdf.open()
    page = pdf.new_page()
    lines = ["The network was optimised at learn-", "ing rate 0.1 for the English-", "to-German task."]
    for i, line in enumerate(lines):
        page.insert_text((72, 100 + 12 * i), line, fontsize=10)
    doc = read_document(pdf.tobytes())
    assert doc.sentences[0].text == "The network was optimised at learning rate 0.1 for the English-to-German task."


def _footnote_pdf() -> bytes:
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    head = "We train on a TPU v3-8"
    page.insert_text((72, 100), head, fontsize=10)
    width = pymupdf.get_text_length(head, fontsize=10)
    page.insert_text((72 + width, 96), "1", fontsize=6)  # a raised, smaller footnote marker
    page.insert_text((72 + width + 4, 100), " slice. The cost was 2.3 x 10", fontsize=10)
    width2 = pymupdf.get_text_length(" slice. The cost was 2.3 x 10", fontsize=10)
    page.insert_text((76 + width + width2, 96), "19", fontsize=6)
    page.insert_text((86 + width + width2, 100), " FLOPs.", fontsize=10)
    page.insert_text((30, 560), "arXiv:1707.05219v5 [cs.LG] 9 Nov 2017", fontsize=12, rotate=90)
    data = pdf.tobytes()
    pdf.close()
    return data


def test_footnote_marker_is_not_glued_to_a_number_and_exponents_survive():
    doc = read_document(_footnote_pdf())
    text = " ".join(s.text for s in doc.sentences)
    assert "v3-8 slice" in text and "v3-81" not in text
    assert "10^19 FLOPs" in text


def test_arxiv_id_comes_from_the_margin_stamp_and_the_stamp_is_not_text():
    doc = read_document(_footnote_pdf())
    assert doc.arxiv_id == "1707.05219"
    assert all("arXiv:" not in s.text for s in doc.sentences)


def test_no_stamp_means_no_arxiv_id():
    assert read_document(_two_column_pdf()).arxiv_id is None


def test_sections_follow_headings():
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_htmlbox(pymupdf.Rect(72, 60, 540, 760), css=CSS, text=(
        "<p><b>Abstract</b></p><p>We study things.</p>"
        "<p><b>2 Related Work</b></p><p>Others trained on 500 GPUs.</p>"
        "<p><b>4 Experiments</b></p><p>We train on 8 GPUs.</p>"
        "<p><b>4.1 Setup</b></p><p>Training takes 3 days.</p>"
        "<p><b>References</b></p><p>A. Author. A paper. 2017.</p>"
    ))
    sentences = read_document(pdf.tobytes()).sentences
    sections = {s.text: s.section for s in sentences}
    assert sections["We study things."] == "abstract"
    assert sections["Others trained on 500 GPUs."] == "related_work"
    assert sections["We train on 8 GPUs."] == "experiments"
    assert sections["Training takes 3 days."] == "experiments"  # a neutral sub-heading keeps its parent
    assert [s.section for s in sentences if "Author" in s.text] == ["references"]


@pytest.mark.parametrize(
    "data, kind",
    [
        (b"", "empty"),
        (b"<html>not a pdf</html>", "not_pdf"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog", "truncated"),
    ],
)
def test_unreadable_inputs_raise_extraction_error(data, kind):
    with pytest.raises(ExtractionError) as info:
        read_document(data)
    assert info.value.kind == kind
    assert info.value.reason


def test_encrypted_pdf_is_reported_as_encrypted():
    pdf = pymupdf.open()
    pdf.new_page().insert_text((72, 72), "secret")
    data = pdf.tobytes(encryption=pymupdf.PDF_ENCRYPT_AES_256, owner_pw="owner", user_pw="user")
    with pytest.raises(ExtractionError) as info:
        read_document(data)
    assert info.value.kind == "encrypted"


def test_more_pages_than_the_limit_is_an_error(tmp_path):
    pdf = pymupdf.open()
    for _ in range(3):
        pdf.new_page().insert_text((72, 72), "page")
    path = tmp_path / "three.pdf"
    pdf.save(path)
    assert read_document(path, max_pages=3).page_count == 3
    with pytest.raises(ExtractionError) as info:
        read_document(path, max_pages=2)
    assert info.value.kind == "too_many_pages"


def test_missing_file_is_an_extraction_error(tmp_path):
    with pytest.raises(ExtractionError):
        read_document(tmp_path / "absent.pdf")


def test_page_without_text_is_empty():
    pdf = pymupdf.open()
    pdf.new_page()
    with pytest.raises(ExtractionError) as info:
        read_document(pdf.tobytes())
    assert info.value.kind == "empty"


def test_footnote_between_column_halves_does_not_split_a_sentence():
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    left = "We trained the model on eight GPUs for"
    page.insert_htmlbox(pymupdf.Rect(72, 600, 288, 640), f"<p>{left}</p>", css=CSS)
    page.insert_htmlbox(pymupdf.Rect(72, 700, 288, 740), "<p>1 Code is available online.</p>", css=CSS)
    page.insert_htmlbox(pymupdf.Rect(324, 72, 540, 120), "<p>three days in total. Then we stopped.</p>", css=CSS)
    page.insert_htmlbox(pymupdf.Rect(324, 130, 540, 600), "<p>" + "Filler text for the right column. " * 12 + "</p>",
                        css=CSS)
    page.insert_htmlbox(pymupdf.Rect(72, 72, 288, 590), "<p>" + "Filler text for the left column. " * 12 + "</p>",
                        css=CSS)
    texts = [s.text for s in read_document(pdf.tobytes()).sentences]
    assert "We trained the model on eight GPUs for three days in total." in texts
    assert "1 Code is available online." in texts


def test_paragraph_continues_after_a_citation_and_model_names_rejoin():
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((72, 100), "The strongest baseline, SentinelDet [16]", fontsize=10)
    page.insert_text((330, 100), "was trained on two A100-", fontsize=10)
    page.insert_text((330, 112), "SXM4 GPUs for a day.", fontsize=10)
    for i in range(20):  # both columns need text for the page to read as two columns
        page.insert_text((72, 130 + 12 * i), "Left column filler text goes here.", fontsize=10)
        page.insert_text((330, 130 + 12 * i), "Right column filler text goes here.", fontsize=10)
    texts = [s.text for s in read_document(pdf.tobytes()).sentences]
    assert "The strongest baseline, SentinelDet [16] was trained on two A100-SXM4 GPUs for a day." in texts


def test_title_skips_the_venue_line_and_joins_a_wrapped_second_line():
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((108, 38), "Published as a conference paper at ICLR 2020", fontsize=10)
    page.insert_text((120, 90), "Ournet: Deep Networks That Learn Quickly", fontsize=20)
    page.insert_text((200, 114), "From Very Few Examples", fontsize=20)
    page.insert_text((250, 150), "A. Author and B. Author", fontsize=10)
    page.insert_text((72, 200), "We study networks that learn from few examples and report results.", fontsize=10)
    doc = read_document(pdf.tobytes())
    assert doc.title == "Ournet: Deep Networks That Learn Quickly From Very Few Examples"


def test_title_in_body_size_type_still_skips_the_venue_line():
    pdf = pymupdf.open()
    page = pdf.new_page(width=612, height=792)
    page.insert_text((108, 38), "Under review as a conference paper at ICLR 2021", fontsize=10)
    page.insert_text((108, 90), "A STUDY OF THINGS", fontsize=10)
    page.insert_text((72, 200), "We study things and report results on them.", fontsize=10)
    assert read_document(pdf.tobytes()).title == "A STUDY OF THINGS"


def _paragraph_pdf(*paragraphs: str) -> bytes:
    pdf = pymupdf.open()
    page = pdf.new_page()
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    page.insert_htmlbox(pymupdf.Rect(72, 60, 540, 760), css=CSS, text="<p><b>4 Experiments</b></p>" + body)
    return pdf.tobytes()


def test_prose_full_of_numbers_keeps_its_section_but_table_rows_do_not():
    prose = ("On SQuAD 1.1, our model obtains 85.7 EM and 89.6 F1 on the dev set, 86.2 EM and 92.1 F1 on "
             "the test set, and 80.1 F1 on SQuAD 2.0.")
    listed = "We vary n over {2, 4, 6, 8}, which gives 14, 26, 38, and 50-layer networks."
    rows = ("Model EM F1 BiDAF 67.7 77.3 R-Net 72.3 80.7 DrQA 69.5 78.8 Ours 85.7 89.6 Ours (ensemble) 87.4 "
            "93.2 and more rows.")
    sections = {s.text: s.section for s in read_document(_paragraph_pdf(prose, listed, rows)).sentences}
    assert sections[prose] == "experiments"
    assert sections[listed] == "experiments"
    assert sections[rows] == "table"


def test_a_short_paragraph_of_results_is_prose_not_a_table_block():
    prose = "Ours reaches 85.7 EM and 89.6 F1 with 8 GPUs in 3 days."
    cells = "ResNet-50 76.3 93.1 25.6M 4.1"
    sections = {s.text: s.section for s in read_document(_paragraph_pdf(prose, cells)).sentences}
    assert sections[prose] == "experiments"
    assert sections[cells] == "table"


def _word_broken_by_a_running_header() -> bytes:
    pdf = pymupdf.open()
    first = pdf.new_page(width=612, height=792)
    first.insert_htmlbox(pymupdf.Rect(72, 72, 540, 700), "<p>" + "Filler prose about the method fills the page. " * 30
                         + "The language model then runs for a further 120k itera-</p>", css=CSS)
    second = pdf.new_page(width=612, height=792)
    # The paper's running title in bold at the top of the next page: styled, so it reads as a heading.
    second.insert_htmlbox(pymupdf.Rect(72, 30, 540, 50),
                          "<p><b>Scaling Sparse Language Models Across Many Accelerators</b></p>", css=CSS)
    second.insert_htmlbox(pymupdf.Rect(72, 72, 540, 700), "<p>tions at a batch of 512 sequences. "
                          + "More filler prose on the second page. " * 20 + "</p>", css=CSS)
    data = pdf.tobytes()
    pdf.close()
    return data


def test_a_running_header_inside_a_hyphenated_word_is_no_heading():
    data = _word_broken_by_a_running_header()
    texts = [s.text for s in read_document(data).sentences]
    assert any(t.endswith("runs for a further 120k iterations at a batch of 512 sequences.") for t in texts)
    cues.ablate(["text_header_in_word"])
    try:
        texts = [s.text for s in read_document(data).sentences]
    finally:
        cues.ablate([])
    assert "tions at a batch of 512 sequences." in texts  # without the rule the word stays split


def test_a_heading_after_a_compound_hyphen_still_starts_a_section():
    pdf = pymupdf.open()
    page = pdf.new_page()
    page.insert_htmlbox(pymupdf.Rect(72, 60, 540, 760), css=CSS, text=(
        "<p>We compare against the state-of-the-</p><p><b>4 Experiments</b></p><p>We train on 8 GPUs.</p>"))
    sentences = read_document(pdf.tobytes()).sentences
    assert {s.text: s.section for s in sentences}["We train on 8 GPUs."] == "experiments"
