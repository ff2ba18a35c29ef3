"""extract_pdf / extract_files on PDFs generated here; arXiv ids from stamps and file names."""
from __future__ import annotations

import json

import pymupdf
import pytest

from extractors.pipeline import EXTRACTOR_VERSION, arxiv_id_from_filename, extract_files, extract_pdf
from extractors.records import ExtractionError, PaperExtraction

CSS = "* {font-size: 10pt; font-family: serif;}"
PAPER = (
    "<p><b>Abstract</b></p><p>We present a small network for image classification.</p>"
    "<p><b>1 Related Work</b></p><p>Earlier systems were trained on 500 GPUs for 4 days [3].</p>"
    "<p><b>4 Experiments</b></p>"
    "<p>We trained all our networks on a single server holding 8 NVIDIA P100 GPUs. Training took 3.5 days. "
    "Training required 3.1e20 FLOPs in total. Inference latency is 5 ms on a single Titan V GPU.</p>"
)


def write_paper(path, stamp: str | None = None):
    doc = pymupdf.open()
    page = doc.new_page(width=612, height=792)
    page.insert_htmlbox(pymupdf.Rect(72, 72, 540, 720), PAPER, css=CSS)
    if stamp:
        page.insert_text((30, 560), stamp, fontsize=12, rotate=90)
    doc.save(path)
    doc.close()
    return path


@pytest.mark.parametrize(
    "name, expected",
    [
        ("1706.03762.pdf", "1706.03762"),
        ("1706.03762v2.pdf", "1706.03762"),
        ("hep-th_9901001v1.pdf", "hep-th/9901001"),
        ("alexnet_nips2012.pdf", None),
    ],
)
def test_arxiv_id_from_filename(name, expected):
    assert arxiv_id_from_filename(name) == expected


def test_extract_pdf_finds_the_own_setup_and_skips_traps(tmp_path):
    paper = extract_pdf(write_paper(tmp_path / "2001.00001v1.pdf"))
    assert isinstance(paper, PaperExtraction)
    assert paper.arxiv_id == "2001.00001" and paper.pages == 1
    assert paper.extractor_version == EXTRACTOR_VERSION and paper.seconds > 0
    assert [(c.attrs["chip"], c.attrs["count"]) for c in paper.best("hardware")] == [("P100", 8)]
    assert [c.attrs["hours"] for c in paper.best("training_time")] == [84.0]
    assert [c.attrs["flops"] for c in paper.best("stated_compute")] == [3.1e20]
    line = paper.to_score_json()
    assert json.loads(json.dumps(line))["hardware"][0]["confidence"] >= 0.5
    assert line["arxiv_id"] == "2001.00001"


def test_stamp_wins_over_file_name(tmp_path):
    paper = extract_pdf(write_paper(tmp_path / "paper.pdf", stamp="arXiv:1811.07213v2 [cs.CL] 3 Feb 2019"))
    assert paper.arxiv_id == "1811.07213"


def test_extract_files_yields_errors_in_order_with_two_workers(tmp_path):
    good = write_paper(tmp_path / "2001.00001.pdf")
    bad = tmp_path / "2001.00002.pdf"
    bad.write_bytes(b"not a pdf at all")
    outcomes = list(extract_files([good, bad, good], workers=2))
    assert [p.name for p, _ in outcomes] == ["2001.00001.pdf", "2001.00002.pdf", "2001.00001.pdf"]
    assert isinstance(outcomes[0][1], PaperExtraction) and isinstance(outcomes[2][1], PaperExtraction)
    assert isinstance(outcomes[1][1], ExtractionError) and outcomes[1][1].kind == "not_pdf"


def test_a_failing_results_extractor_does_not_lose_the_other_fields(tmp_path, monkeypatch, caplog):
    from extractors import pipeline

    def broken(doc, pdf):
        raise ValueError("boom")

    monkeypatch.setattr(pipeline, "extract_results", broken)
    paper = extract_pdf(write_paper(tmp_path / "2001.00003.pdf"))
    assert [c.attrs["chip"] for c in paper.best("hardware")] == ["P100"]
    assert paper.best("results") == []
    assert "results extractor failed" in caplog.text
