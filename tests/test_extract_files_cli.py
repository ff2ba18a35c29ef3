"""`progress extract-files` writes the scorer's format, keyed by arXiv stamp or, failing that, file name."""
from __future__ import annotations

import json

import pymupdf
from typer.testing import CliRunner

from cli.main import _register_groups, app

SENTENCE = "We train our network on two NVIDIA GTX 580 GPUs for five days."


def conference_pdf(path):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_textbox(pymupdf.Rect(72, 72, 520, 400), "3 Experiments\n" + SENTENCE, fontsize=11)
    doc.save(path)


def test_a_pdf_without_arxiv_stamp_is_keyed_by_its_file_name(tmp_path):
    _register_groups()
    pdf = tmp_path / "my_conference_paper.pdf"
    conference_pdf(pdf)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract-files", str(pdf), "--jsonl", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    assert line["arxiv_id"] == "my_conference_paper"
    assert {"chip": "GTX 580", "count": 2, "unit": "chips"} in [
        {k: v for k, v in h.items() if k in ("chip", "count", "unit")} for h in line["hardware"]]
    assert all(0 <= item["confidence"] <= 1 for field in ("hardware", "training_time") for item in line[field])


def test_points_key_pairs_each_headline_result_with_its_run(tmp_path):
    _register_groups()
    pdf = tmp_path / "two_runs.pdf"
    doc = pymupdf.open()
    page = doc.new_page()
    text = ("4 Experiments\nWe describe two sizes. We pre-train Marten-large for 6 days on 16 NVIDIA V100 GPUs. "
            "We pre-train Marten-base for 2 days on 4 NVIDIA V100 GPUs. "
            "Marten-large achieves 81.2% top-1 accuracy on ImageNet.")
    page.insert_textbox(pymupdf.Rect(72, 72, 520, 400), text, fontsize=11)
    doc.save(pdf)
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["extract-files", str(pdf), "--jsonl", str(out), "--workers", "1"])
    assert result.exit_code == 0, result.output
    (line,) = [json.loads(x) for x in out.read_text().splitlines()]
    (point,) = [p for p in line["points"] if p["metric"] == "top-1 accuracy"]
    assert point["dataset"] == "ImageNet" and point["value"] == 81.2 and point["model"] == "Marten-large"
    assert [(p["stage"], p["hardware"]["count"], p["hours"]) for p in point["parts"]] == [("pretraining", 16, 144.0)]
    assert point["compute_method"] == "hardware" and point["compute_flops"] > 0 and "same size (large)" in point["why"]
    assert point["evidence"]["result"]["page"] == 1
