"""arXiv ids from page-1 stamps and bulk file names; a submission stamp is not an id; identify_pdf on
PDFs the test writes (stamp, file name, metadata, first-page title, benchmarks named)."""
from __future__ import annotations

import pymupdf
import pytest

from extractors.arxiv_ids import ArxivRef, filename_ref, stamp_ref, submission_year
from extractors.identity import body_text, dataset_mentions, identify_pdf
from extractors.pipeline import arxiv_id_from_filename, extract_pdf
from extractors.records import ExtractionError
from extractors.text import read_document


@pytest.mark.parametrize("text, expected", [
    ("arXiv:1707.05219v5  [cs.LG]  9 Nov 2017", ArxivRef("1707.05219", 5)),
    ("arXiv:2401.00012 [stat.ML] 1 Jan 2024", ArxivRef("2401.00012", None)),
    ("arXiv:hep-th/9901001v2 [hep-th] 4 Jan 1999", ArxivRef("hep-th/9901001", 2)),
    ("arXiv:math.GT/0309136v1 [math.GT] 8 Sep 2003", ArxivRef("math.GT/0309136", 1)),
    # A paper compiled before it had an id carries a submission number: not an arXiv id.
    ("arXiv:submit/3129194 [cs.CL] 29 Apr 2020", None),
    ("arXiv:submit/0123456v1 [cs.LG] 3 Mar 2021", None),
    ("see arXiv:1706.03762 for details", None),  # a citation, not the stamp (no category)
])
def test_stamp_ref(text, expected):
    assert stamp_ref(text) == expected


@pytest.mark.parametrize("name, expected", [
    ("1706.03762v5.pdf", ArxivRef("1706.03762", 5)),
    ("2312.00752.PDF", ArxivRef("2312.00752", None)),
    ("hep-th_9901001v1.pdf", ArxivRef("hep-th/9901001", 1)),
    ("cond-mat_0102536v3.pdf", ArxivRef("cond-mat/0102536", 3)),
    ("submit_3129194.pdf", None),
    ("notes_2020_1234567.pdf", None),
    ("alexnet_nips2012.pdf", None),
])
def test_filename_ref(name, expected):
    assert filename_ref(name) == expected
    assert arxiv_id_from_filename(name) == (expected.arxiv_id if expected else None)


def test_submission_year_comes_from_the_id():
    assert submission_year("1706.03762") == 2017
    assert submission_year("hep-th/9901001") == 1999
    assert submission_year("cs/0112017") == 2001


def _pdf(path, lines, *, stamp=None, metadata=None):
    doc = pymupdf.open()
    page = doc.new_page()
    if stamp:  # arXiv's vertical margin stamp
        page.insert_text((20, 600), stamp, fontsize=16, rotate=90)
    page.insert_text((72, 80), lines[0], fontsize=18)
    y = 120
    for line in lines[1:]:
        page.insert_text((72, y), line, fontsize=10)
        y += 14
    if metadata:
        doc.set_metadata(metadata)
    doc.save(path)
    return path


def test_the_text_reader_no_longer_takes_a_submission_number_for_the_id(tmp_path):
    path = _pdf(tmp_path / "draft.pdf", ["Sparse Routing for Wide Image Classifiers", "We train on ImageNet."],
                stamp="arXiv:submit/3129194 [cs.CV] 29 Apr 2020")
    assert read_document(path).arxiv_id is None
    assert extract_pdf(path).arxiv_id is None
    stamped = _pdf(tmp_path / "x.pdf", ["Sparse Routing for Wide Image Classifiers"],
                   stamp="arXiv:2004.01234v3 [cs.CV] 29 Apr 2020")
    assert read_document(stamped).arxiv_id == "2004.01234"


def test_identify_pdf_reads_stamp_then_file_name_then_nothing(tmp_path):
    body = ["Gated Lattices for Object Detection", "We evaluate our detector on COCO test-dev.",
            "On COCO our model improves box AP by two points.", "Pretrained weights come from ImageNet."]
    stamped = identify_pdf(_pdf(tmp_path / "renamed.pdf", body, stamp="arXiv:2105.04321v2 [cs.CV] 9 May 2021"))
    assert (stamped.ref, stamped.id_from, stamped.year) == (ArxivRef("2105.04321", 2), "stamp", 2021)
    assert stamped.title == "Gated Lattices for Object Detection" and stamped.title_from == "first page"
    assert stamped.datasets == {"COCO": 2, "ImageNet": 1}

    named = identify_pdf(_pdf(tmp_path / "2105.04321v1.pdf", body,
                              metadata={"title": "Gated Lattices for Object Detection",
                                        "author": "Ada Quill1, Ben Rowe and Cy Stone"}))
    assert (named.ref, named.id_from) == (ArxivRef("2105.04321", 1), "filename")
    assert named.title_from == "metadata" and named.authors == ["Ada Quill", "Ben Rowe", "Cy Stone"]

    submitted = identify_pdf(_pdf(tmp_path / "draft.pdf", body, stamp="arXiv:submit/3129194 [cs.CV] 29 Apr 2020",
                                  metadata={"title": "Microsoft Word - draft.docx", "creationDate": "D:20200429"}))
    assert submitted.ref is None and submitted.id_from is None
    assert submitted.title == "Gated Lattices for Object Detection" and submitted.year == 2020


def test_identify_pdf_refuses_what_is_not_a_readable_pdf(tmp_path):
    (tmp_path / "fake.pdf").write_text("<html>not a pdf</html>")
    with pytest.raises(ExtractionError) as not_pdf:
        identify_pdf(tmp_path / "fake.pdf")
    assert not_pdf.value.kind == "not_pdf"
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "secret")
    doc.save(tmp_path / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    with pytest.raises(ExtractionError) as locked:
        identify_pdf(tmp_path / "locked.pdf")
    assert locked.value.kind == "encrypted"


def test_the_bibliography_does_not_count_but_an_appendix_after_it_does():
    text = ("1 Introduction\nWe report SQuAD results.\n" + "Body text.\n" * 40 + "References\n"
            "[1] SQuAD: a reading comprehension dataset built from Wikipedia.\n"
            "[2] ImageNet: a large database of labelled images. ImageNet.\n"
            "Appendix A: More results\nOn SQuAD v1.1 dev the model reaches 80 EM.\n")
    assert "ImageNet" not in body_text(text) and "Appendix A" in body_text(text)
    assert dataset_mentions(text) == {"SQuAD 1.1": 2}


def test_links_and_citations_never_yield_a_submission_number():
    from analysis.ids import all_arxiv_ids, arxiv_id_from_text

    assert arxiv_id_from_text("arXiv:submit/3129194") is None
    assert arxiv_id_from_text("https://arxiv.org/abs/cs/0112017v2") == "cs/0112017"
    assert all_arxiv_ids("see arXiv:submit/0000001, then arxiv.org/pdf/2001.08361v1") == ["2001.08361"]
