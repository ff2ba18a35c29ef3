"""`progress compare thompson`'s second measure, network operations (issue 17): per matched paper the
study's largest count against ours, with what each multiplied. Pure pandas cases for
analysis.compare_study, then the whole path on a SQLite database and a study CSV the test builds."""
from __future__ import annotations

import json
import math

import pandas as pd
import pytest

from analysis.compare_study import compare_with_study, operations_text
from db import session_scope, upgrade_to_head
from models import ComputeEstimate, Paper, Point, Result
from test_compare_thompson import _candidate, add_extracted_paper, groups, progress, write_study  # noqa: F401

NAN = math.nan
IMAGENET = {"stage": "training", "epochs": 300.0, "training_set_size": 1.28e6, "training_set": "ImageNet"}


def ours_frame(*rows: tuple) -> pd.DataFrame:
    """Our papers (arxiv_id, operations, inputs, why) without a hardware burden."""
    return pd.DataFrame([{"arxiv_id": a, "title": f"A Long Enough Title for Paper {a}", "burden": NAN, "chips": None,
                          "hours": NAN, "burden_evidence": [], "operations": ops,
                          "operations_formula": "forward x 3 x examples seen" if inputs else "",
                          "operations_inputs": inputs, "operations_evidence": [], "operations_why": why}
                         for a, ops, inputs, why in rows])


def study_frame(*rows: tuple) -> pd.DataFrame:
    """The study's rows (key, arxiv_id, model, operations, inputs), matched to ours by arXiv id."""
    return pd.DataFrame([{"study_key": key, "arxiv_id": a, "title": f"{model}: A Long Enough Title for Paper {a}",
                          "paper": a, "where": f"imagenet row {i}: {model}", "dataset": "ImageNet", "burden": NAN,
                          "chips": "", "hours": NAN, "operations": ops, "operations_inputs": inputs, "results": {},
                          "link": ""}
                         for i, (key, a, model, ops, inputs) in enumerate(rows, start=5)])


def test_largest_study_row_within_outside_and_one_sided_papers():
    forward = {"forward_flops": 4e10, "forward_kind": "flops", "stages": [IMAGENET]}
    ours = ours_frame(("1701.00001", 4.0e20, forward, "same model"),
                      ("1701.00002", 5.0e19, {**forward, "stages": [{**IMAGENET, "epochs": 1500.0}]},
                       "epochs x training set (paper-wide)"),
                      ("1701.00003", NAN, {}, ""),
                      ("1701.00004", 1.0e18, forward, ""))
    study = study_frame(("k1", "1701.00001", "Quill-S", 2.0e20, {}),
                        ("k2", "1701.00001", "Quill-L", 5.0e20, {"forward_flops": 4.3e10, "stages": [IMAGENET]}),
                        ("k3", "1701.00002", "Lattice", 1.0e19, {"forward_flops": 8.7e9, "stages": [IMAGENET]}),
                        ("k4", "1701.00003", "Grid", 3.0e18, {}),
                        ("k5", "1701.00004", "Mesh", NAN, {}))
    out = compare_with_study(ours, pd.DataFrame(columns=["arxiv_id", "dataset", "metric", "value"]), study)
    table = out["operations"].set_index("arxiv_id")
    # The paper's largest row stands for it (Quill-L, not Quill-S), with the inputs the import kept.
    assert table.loc["1701.00001", "ratio"] == pytest.approx(0.8) and table.loc["1701.00001", "within"]
    assert "Quill-L" in table.loc["1701.00001", "study_model"]
    assert table.loc["1701.00001", "study_inputs"]["forward_flops"] == 4.3e10
    assert table.loc["1701.00002", "ratio"] == pytest.approx(5.0) and not table.loc["1701.00002", "within"]
    summary = out["summary"]
    assert (summary["ops_both"], summary["ops_within"], summary["ops_share_within"]) == (2, 1, 0.5)
    assert summary["ops_median_ratio"] == pytest.approx(2.9)
    assert (summary["ops_study_only"], summary["ops_ours_only"]) == (1, 1)
    (disagreement,) = [d for d in out["disagreements"] if d["kind"] == "network operations"]
    assert disagreement["arxiv_id"] == "1701.00002" and "Lattice" in disagreement["study_row"]
    # Both sides say what they multiplied: here our 1500 epochs against the study's 300.
    assert "1500 epochs" in disagreement["ours"] and "300 epochs" in disagreement["study"]
    assert "outside 2x" in disagreement["note"] and "paper-wide" in disagreement["note"]


def test_operations_text_names_each_factor_of_either_formula():
    assert operations_text({"parameters": 3.4e8, "tokens": 1.3e11}) == "6 x 3.4e+08 parameters x 1.3e+11 tokens"
    madds = {"forward_flops": 1.4e9, "forward_kind": "multiadds",
             "stages": [{"stage": "pretraining", "epochs": 90.0, "training_set_size": 1.42e7, "training_set": None},
                        {"stage": "training", "steps": 6e5, "batch_size": 256.0}]}
    assert operations_text(madds) == ("forward 1.4e+09 (multiply-adds doubled) x 3 x (pretraining 90 epochs x "
                                       "1.42e+07 + training 600000 steps x batch 256)")
    # A study row with a forward cost but no epochs column: the missing factor shows as "?".
    assert operations_text({"forward_flops": 2e9, "stages": [{"stage": "training", "training_set_size": 1.28e6}]}) == (
        "forward 2e+09 x 3 x (training ? epochs x 1.28e+06)")
    assert operations_text({}) == "inputs not stored"


# The study's ImageNet file with the columns its network operations multiplied.
OPS_HEADER = ("name,year,title,paper_link,flops,multiadds,training_epochs,training_set_size,training_dataset,"
              "network_operations,hardware_burden,(TOP 1 score),(TOP 5 score)")
OPS_STUDY = [
    # Two models of one paper: the larger count (Grid-L, 2e10 x 3 x 400 x 1.28e6) is the paper's.
    "Grid-S,2016,Grid Networks for Vision,https://arxiv.org/abs/1601.00001,1e10,,400,1280000,ImageNet,1.536E+19,,70.0,",
    "Grid-L,2016,Grid Networks for Vision,https://arxiv.org/abs/1601.00001,2e10,,400,1280000,ImageNet,3.072E+19,,75.0,",
    # Multiply-adds, doubled by the study: 1e10 x 3 x 90 x 1.28e6.
    "Lattice-B,2017,Lattice Pooling for Image Recognition,https://arxiv.org/abs/2001.00002,,5e9,90,1280000,ImageNet,"
    "3.456E+18,,80.0,",
]


@pytest.fixture
def operations_database(db_url, tmp_path):
    """Grid: two points with a count (the larger within 2x of the study's); Lattice: no point, a
    paper-level estimate that read 900 epochs where the study has 90."""
    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        add_extracted_paper(s, "1601.00001", "Grid Networks for Vision", burden=None, chips=8, hours=48,
                            results={"top-1 accuracy": 75.0, "top-5 accuracy": 92.0})
        add_extracted_paper(s, "2001.00002", "Lattice Pooling for Image Recognition", burden=None, chips=8, hours=10,
                            results={"top-1 accuracy": 80.0})
        grid, lattice = s.query(Paper).order_by(Paper.arxiv_id).all()
        for result, flops in zip(s.query(Result).filter_by(paper_id=grid.id).order_by(Result.metric), (2.5e19, 1e18)):
            ops = {"flops": flops, "formula": "forward x 3 x examples seen",
                   "inputs": {"forward_flops": 2e10, "forward_kind": "flops", "forward_as_stated": 2e10,
                              "stages": [{"stage": "training", "epochs": 325.0, "training_set_size": 1.28e6,
                                          "training_set": "ImageNet-1k", "examples": 325 * 1.28e6}]},
                   "evidence": {"forward_flops": {"page": 3, "sentence": "Grid-L costs 20 GFLOPs per image.",
                                                  "match": "20 GFLOPs", "confidence": 0.9},
                                "epochs_2": {"page": 4, "sentence": "We train for 325 epochs.", "match": "325 epochs",
                                             "confidence": 0.8}},
                   "why": "forward cost: same model (Grid-L)", "fallback": False}
            s.add(Point(paper_id=grid.id, result_id=result.id, task="image_classification", dataset="ImageNet",
                        metric=result.metric, value=result.value, operations_flops=flops, operations=ops))
        forward = _candidate(lattice.id, "forward_flops", {"flops": 5e9, "kind": "multiadds"}, 5e9, 2,
                             "Lattice-B needs 5 billion multiply-adds.", "5 billion multiply-adds")
        epochs = _candidate(lattice.id, "epochs", {"epochs": 900.0}, 900.0, 6, "We train for 900 epochs.",
                            "900 epochs")
        s.add_all([forward, epochs])
        s.flush()
        s.add(ComputeEstimate(paper_id=lattice.id, method="arithmetic", flops=1e10 * 3 * 900 * 1.28e6,
                              source="extracted",
                              inputs={"forward_flops": 1e10, "forward_kind": "multiadds", "forward_as_stated": 5e9,
                                      "examples": 1.28e6, "epochs": 900.0, "training_set": "ImageNet-1k",
                                      "size_source": "catalog", "note": "forward FLOPs x 3 x examples x epochs",
                                      "extraction_ids": {"forward_flops": [forward.id], "epochs": [epochs.id]}}))
    return write_study(tmp_path, OPS_HEADER, OPS_STUDY)


def test_compare_thompson_sets_our_network_operations_beside_the_studys(progress, operations_database):
    assert progress("reference", "import", "thompson2022", str(operations_database)).exit_code == 0
    result = progress("compare", "thompson", "--json", "--rows")
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    summary = out["summary"]
    assert (summary["ops_both"], summary["ops_within"], summary["ops_study_only"], summary["ops_ours_only"]) == (
        2, 1, 0, 0)
    rows = {r["arxiv_id"]: r for r in out["operations"]}
    grid = rows["1601.00001"]
    # Our largest point against the study's larger model; its inputs as the import stored them.
    assert grid["our_operations"] == 2.5e19 and grid["ratio"] == pytest.approx(2.5e19 / 3.072e19)
    assert "Grid-L" in grid["study_model"] and grid["study_rows"] == 2
    assert grid["study_inputs"] == {"forward_flops": 2e10, "forward_kind": "flops", "forward_as_stated": 2e10,
                                    "stages": [{"stage": "training", "epochs": 400.0, "training_set_size": 1.28e6,
                                                "training_set": "ImageNet"}]}
    assert {(e["field"], e["page"]) for e in grid["our_evidence"]} == {("forward_flops", 3), ("epochs", 4)}
    (lattice,) = [d for d in out["disagreements"] if d["kind"] == "network operations"]
    assert lattice["arxiv_id"] == "2001.00002" and lattice["ratio"] == pytest.approx(10.0)
    assert lattice["study"] == ("3.46e+18 FLOPs (forward 1e+10 (multiply-adds doubled) x 3 x "
                                "(training 90 epochs x ImageNet 1.28e+06))")
    assert "900 epochs x ImageNet-1k 1.28e+06" in lattice["ours"] and "paper-level" in lattice["note"]
    assert {(e["field"], e["raw"]) for e in lattice["our_evidence"]} == {
        ("forward_flops", "5 billion multiply-adds"), ("epochs", "900 epochs")}

    text = progress("compare", "thompson", "--rows")
    assert text.exit_code == 0
    assert ("network operations: both sides for 2 papers, 1 within 2x (50%), median ours/study 5.41; "
            "the study only: 0, ours only: 0.") in " ".join(text.output.split())
    assert "Matched papers: network operations" in text.output


def test_a_paper_whose_points_found_no_count_does_not_fall_back_to_the_paper_level_estimate(
        progress, operations_database, db_url):
    """The paper-level estimate pairs any forward cost with any schedule; once the paper's results have
    points, their run links decide, and "no count" is the answer."""
    with session_scope(db_url) as s:
        lattice = s.query(Paper).filter_by(arxiv_id="2001.00002").one()
        (result,) = s.query(Result).filter_by(paper_id=lattice.id).all()
        s.add(Point(paper_id=lattice.id, result_id=result.id, task="image_classification", dataset="ImageNet",
                    metric=result.metric, value=result.value, operations_flops=None,
                    operations={"why": "a forward cost but no epochs x training set on this data set"}))
    assert progress("reference", "import", "thompson2022", str(operations_database)).exit_code == 0
    out = json.loads(progress("compare", "thompson", "--json", "--rows").output)
    summary = out["summary"]
    assert (summary["ops_both"], summary["ops_study_only"], summary["ops_ours_only"]) == (1, 1, 0)
    lattice_row = {r["arxiv_id"]: r for r in out["operations"]}["2001.00002"]
    assert lattice_row["our_operations"] is None
    assert lattice_row["our_why"] == ("no point has an operation count (ImageNet top-1 accuracy 80: a forward cost "
                                      "but no epochs x training set on this data set)")
