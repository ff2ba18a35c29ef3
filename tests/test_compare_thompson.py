"""`progress compare thompson` on a small SQLite database the test builds: extracted papers with their
evidence, compute estimates and results, and study rows imported from a CSV the test writes."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from analysis.compare_study import match_papers
from cli.main import _register_groups, app
from db import session_scope, upgrade_to_head
from models import ComputeEstimate, Extraction, Paper, PaperStatus, Point, Result

CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"
HEADER = ("name,year,title,paper_link,training_time_total_sec,training_gpu_model,training_gpu_amount,"
          "training_gpu_ptp_gflops,network_operations,hardware_burden,(TOP 1 score),(TOP 5 score)")
STUDY = [
    # Two models of one arXiv paper; the larger one is the paper's headline burden and best score.
    "Grid-S,2016,Grid Networks for Vision,https://arxiv.org/abs/1601.00001v1,86400,Tesla K80,8,5600,,3.87E+18,70.0,89.0",
    "Grid-L,2016,Grid Networks for Vision,https://arxiv.org/abs/1601.00001v2,172800,Tesla K80,8,5600,,7.74E+18,75.0,92.0",
    # Linked to a proceedings page only: matched by title.
    "Lattice-B,2017,Lattice Pooling for Image Recognition,http://openaccess.example.org/lattice.html,3600,Tesla V100,8,14000,,4.0E+17,80.0,",
    "Unrelated,2018,Some Other Network,https://arxiv.org/abs/1801.99999,,,,,,,72.5,",
]


@pytest.fixture(scope="module", autouse=True)
def groups():
    if not any(c.name == "fits" for c in app.registered_commands):
        _register_groups()


def write_study(folder: Path, header: str = HEADER, rows: list[str] = STUDY) -> Path:
    """The study's ImageNet file with `rows` under `header` (and its three rows of group labels)."""
    groups = ",".join(["group"] * len(header.split(",")))
    path = folder / "image-classification-on-imagenet.csv"
    path.write_text("\n".join([header, groups, groups, groups, *rows]) + "\n", encoding="utf-8")
    return path


def _candidate(paper_id: int, field: str, attrs: dict, value: float, page: int, sentence: str, raw: str) -> Extraction:
    return Extraction(paper_id=paper_id, field=field, candidate_key=f"{field}-{page}-{value}", raw_text=raw,
                      value=value, attrs=attrs, confidence=0.9, is_best=True, page=page, sentence=sentence,
                      extractor=field, extractor_version="test", source="extracted")


def add_extracted_paper(session, arxiv_id: str, title: str, *, burden: float | None, chips: int, hours: float,
                        results: dict[str, float]) -> None:
    paper = Paper(arxiv_id=arxiv_id, title=title, source="arxiv", status=PaperStatus.extracted)
    session.add(paper)
    session.flush()
    hardware = _candidate(paper.id, "hardware", {"chip": "V100", "count": chips, "unit": "chips"}, chips, 5,
                          f"Each model is trained on {chips} V100 accelerators.", f"{chips} V100")
    time = _candidate(paper.id, "training_time", {"hours": hours, "kind": "wall"}, hours, 5,
                      f"Training finishes after {hours:g} hours.", f"{hours:g} hours")
    session.add_all([hardware, time])
    session.flush()
    if burden:
        session.add(ComputeEstimate(paper_id=paper.id, method="hardware", flops=burden, flops_utilized=burden * 0.33,
                                    preferred=True, source="extracted",
                                    inputs={"chip": "V100", "chip_as_written": "V100", "count": chips, "chips": chips,
                                            "hours": hours, "extraction_ids": {"hardware": [hardware.id],
                                                                               "training_time": [time.id]}}))
    for metric, value in results.items():
        cell = _candidate(paper.id, "results", {"dataset": "ImageNet", "metric": metric, "value": value}, value, 7,
                          f"Our network reaches {value:g} {metric} on the ImageNet validation set.", f"{value:g}")
        session.add(cell)
        session.flush()
        session.add(Result(paper_id=paper.id, task="image_classification", dataset="ImageNet", metric=metric,
                           value=value, extraction_id=cell.id, source="extracted"))


@pytest.fixture
def progress(db_url):
    runner = CliRunner()
    return lambda *args: runner.invoke(app, ["--config", str(CONFIG), "--db", db_url, *args])


@pytest.fixture
def database(db_url, tmp_path):
    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        add_extracted_paper(s, "1601.00001", "Grid Networks for Vision", burden=7.0e18, chips=8, hours=48,
                            results={"top-1 accuracy": 75.05, "top-5 accuracy": 89.0})
        add_extracted_paper(s, "2001.00002", "Lattice Pooling for Image Recognition", burden=4.0e18, chips=8,
                            hours=10, results={"top-1 accuracy": 80.1})
        add_extracted_paper(s, "2002.00003", "A Paper the Study Never Saw", burden=1e18, chips=1, hours=1,
                            results={"top-1 accuracy": 50.0})
    return write_study(tmp_path)


def test_compare_thompson_ratios_shares_and_disagreements_with_both_sides_evidence(progress, database):
    refused = progress("compare", "thompson")
    assert refused.exit_code == 1 and "reference import thompson2022" in refused.output
    assert progress("reference", "import", "thompson2022", str(database)).exit_code == 0

    result = progress("compare", "thompson", "--json", "--rows")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    summary = out["summary"]
    assert (summary["matched_papers"], summary["matched_by_id"], summary["our_papers"]) == (2, 1, 3)
    # Burden: 7.0e18 vs the headline model's 7.74e18 (within 2x); 4.0e18 vs 4.0e17 (10x: a disagreement).
    assert (summary["burden_both"], summary["burden_within"], summary["burden_share_within"]) == (2, 1, 0.5)
    papers = {p["arxiv_id"]: p for p in out["papers"]}
    assert papers["1601.00001"]["ratio"] == pytest.approx(7.0e18 / 7.74e18)
    assert "Grid-L" in papers["1601.00001"]["study_model"] and papers["1601.00001"]["study_rows"] == 2
    # Results: 75.05 vs 75.0 and 80.1 vs 80.0 are within 0.15; top-5 89.0 is the small model's, not the best.
    assert (summary["results_both"], summary["results_within"], summary["results_other_row"]) == (3, 2, 1)
    kinds = {(d["arxiv_id"], d["kind"]): d for d in out["disagreements"]}
    assert set(kinds) == {("2001.00002", "hardware burden"), ("1601.00001", "ImageNet top-5 accuracy")}
    burden = kinds[("2001.00002", "hardware burden")]
    assert burden["ratio"] == pytest.approx(10.0) and "Lattice-B" in burden["study_row"]
    assert {(e["field"], e["page"]) for e in burden["our_evidence"]} == {("hardware", 5), ("training_time", 5)}
    assert any("8 V100 accelerators" in e["sentence"] for e in burden["our_evidence"])
    top5 = kinds[("1601.00001", "ImageNet top-5 accuracy")]
    assert "Grid-S" in top5["note"] and "89" in top5["our_evidence"][0]["sentence"]

    text = progress("compare", "thompson")
    assert text.exit_code == 0
    assert "2 of our 3 extracted papers are in the study" in text.output and "1 within 2x (50%)" in text.output


def test_titles_match_only_when_long_and_unambiguous():
    ours = pd.DataFrame({"arxiv_id": ["a", "b", "c"], "title": ["BERT", "Residual Nets for Images", "Residual Nets for Images"]})
    study = pd.DataFrame({"study_key": ["k1", "k2", "k3"], "arxiv_id": [None, None, "a"],
                          "title": ["BERT: BERT", "Net-50: Residual Nets for Images", "Anything"]})
    # "BERT" is too short to trust; two of our papers share the other title; k3 matches by id.
    assert match_papers(ours, study) == {"k3": "a"}


def test_a_papers_point_burden_replaces_its_paper_level_estimate(db_url):
    """The paper-level estimate multiplies the paper's largest set-up by its longest time (here 8x V100
    for 480 h, a pretraining run on another corpus); the point pairs the headline result with the run
    that produced it (8x V100 for 48 h), and that is what the study's curation measures."""
    from usecases.comparisons import our_papers

    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        add_extracted_paper(s, "1601.00001", "Grid Networks for Vision", burden=7.0e19, chips=8, hours=480,
                            results={"top-1 accuracy": 75.0})
        paper = s.query(Paper).one()
        result = s.query(Result).one()
        run = {"stage": "training", "hardware": {"chip": "V100", "count": 8, "unit": "chips"},
               "training_time": {"hours": 48.0, "kind": "wall"}, "flops": 7.0e18, "chips": 8.0, "hours": 48.0,
               "evidence": {"hardware": {"page": 4, "sentence": "The ImageNet run used 8 V100 accelerators.",
                                         "match": "8 V100", "confidence": 0.9},
                            "training_time": {"page": 4, "sentence": "The ImageNet run took 48 hours.",
                                              "match": "48 hours", "confidence": 0.8}}}
        s.add(Point(paper_id=paper.id, result_id=result.id, task="image_classification", dataset="ImageNet",
                    metric="top-1 accuracy", value=75.0, flops=7.0e18, method="hardware", hardware_flops=7.0e18,
                    parts=[run], parts_text="training 8x V100 x 48 h", why="same dataset (ImageNet)"))
    with session_scope(db_url) as s:
        ours, _ = our_papers(s)
    (row,) = ours.to_dict("records")
    assert row["burden"] == pytest.approx(7.0e18) and row["hours"] == pytest.approx(48.0)
    assert row["chips"] == "training 8x V100 x 48 h"
    assert {(e["field"], e["page"], e["raw"]) for e in row["burden_evidence"]} == {
        ("hardware", 4, "8 V100"), ("training_time", 4, "48 hours")}
