"""Why our headline result differs from the study's (issues 12/13): each disagreement gets a kind read
off both sides, so the misses can be counted by kind. Unit cases for analysis.compare_study.miss_kind,
then the whole path on a SQLite database the test builds (our candidates and their run marks)."""
from __future__ import annotations

import pandas as pd
import pytest

from analysis.compare_study import MISS_KINDS, compare_with_study, miss_kind
from db import session_scope, upgrade_to_head
from models import Extraction, Paper, PaperStatus, Result
from usecases.comparisons import our_papers

TOL = 0.15


def alt(value: float, confidence: float = 0.4, **marks) -> dict:
    return {"value": value, "confidence": confidence, "page": 3, "marks": marks}


@pytest.mark.parametrize("ours, study, row, other_row, marks, alternatives, other_metrics, kind", [
    (80.0, 78.0, "row 3: Quill-L", True, {}, [], [], "another of the study's rows"),
    (21.4, 78.6, "row 3: Quill", False, {}, [], [], "error read as accuracy"),
    (0.786, 78.6, "row 3: Quill", False, {}, [], [], "fraction vs percent"),
    (94.3, 78.6, "row 3: Quill", False, {}, [], [94.3], "the study's other metric"),
    (83.6, 81.0, "row 3: Quill (single model)", False, {"ensemble": True}, [alt(81.0)], [],
     "ensemble taken, the study records the single model"),
    (89.0, 85.0, "row 3: Quill", False, {"leaderboard": True}, [alt(85.0)], [], "leaderboard figure taken"),
    (85.0, 83.9, "row 3: Quill", False, {"split": "test"}, [alt(83.9, split="dev")], [], "another split"),
    (41.3, 42.6, "row 3: Quill", False, {"split": "test-dev"}, [alt(42.6, split="test-dev")], [],
     "another of our candidates"),
    (52.0, 55.1, "row 3: Quill-X", False, {}, [alt(52.0, 0.9)], [], "not among our candidates"),
])
def test_miss_kinds(ours, study, row, other_row, marks, alternatives, other_metrics, kind):
    assert kind in MISS_KINDS
    assert miss_kind(ours, study, row, other_row, marks, alternatives, other_metrics, TOL) == kind


def test_a_value_we_never_read_from_a_proceedings_version_is_named_so():
    kind = miss_kind(52.0, 55.1, "row 3: Quill-X", False, {}, [alt(52.0, 0.9)], [], TOL,
                     "http://openaccess.example.org/quill.html")
    assert kind == "not among our candidates; the study read the proceedings version"
    kind = miss_kind(52.0, 55.1, "row 3: Quill-X", False, {}, [alt(52.0, 0.9)], [], TOL,
                     "https://arxiv.org/abs/1701.00001v2")
    assert kind == "not among our candidates"


def test_an_ensemble_is_not_blamed_when_the_studys_value_is_another_ensemble():
    # Our ensemble's number against the study's value that we read as another ensemble: not a single-model miss.
    kind = miss_kind(83.6, 82.0, "row 3: Quill", False, {"ensemble": True}, [alt(82.0, ensemble=True)], [], TOL)
    assert kind == "another of our candidates"


def _extraction(paper_id: int, metric: str, value: float, confidence: float, best: bool, features: dict) -> Extraction:
    return Extraction(paper_id=paper_id, field="results", candidate_key=f"r-{metric}-{value}", raw_text=f"{value:g}",
                      value=value, attrs={"dataset": "ImageNet", "metric": metric, "value": value},
                      confidence=confidence, is_best=best, page=4, sentence=f"Quill row {value:g}",
                      extractor="results", extractor_version="test", source="extracted", features=features)


def test_our_candidates_and_marks_reach_the_comparison(db_url):
    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        paper = Paper(arxiv_id="1701.00001", title="Quill Networks for Image Recognition", source="arxiv",
                      status=PaperStatus.extracted)
        s.add(paper)
        s.flush()
        chosen = _extraction(paper.id, "top-5 error", 3.9, 0.95, True, {"ensemble": True, "split": "test"})
        other = _extraction(paper.id, "top-5 error", 5.2, 0.7, False, {"single_model": True, "split": "test"})
        s.add_all([chosen, other])
        s.flush()
        s.add(Result(paper_id=paper.id, task="image_classification", dataset="ImageNet", metric="top-5 accuracy",
                     value=96.1, extraction_id=chosen.id, source="extracted"))
    with session_scope(db_url) as s:
        ours, results = our_papers(s)
    row = results.iloc[0]
    assert row["marks"] == {"ensemble": True, "split": "test"}
    assert sorted(a["value"] for a in row["alternatives"]) == [94.8, 96.1]  # errors read as accuracies
    study = pd.DataFrame([{"study_key": "k1", "arxiv_id": "1701.00001", "title": "Quill Networks for Image Recognition",
                           "paper": "1701.00001", "where": "imagenet row 9: Quill (single model)", "dataset": "ImageNet",
                           "burden": float("nan"), "chips": "", "hours": float("nan"), "operations": float("nan"),
                           "operations_inputs": {}, "results": {"top-5 accuracy": 94.8}}])
    out = compare_with_study(ours, results, study)
    assert out["summary"]["results_miss_kinds"] == {"ensemble taken, the study records the single model": 1}
    note = [d for d in out["disagreements"] if d["kind"] == "ImageNet top-5 accuracy"][0]["note"]
    assert "ensemble taken" in note
