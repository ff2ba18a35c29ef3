"""A one-shot result is shown but not fitted: points built at refit from a SQLite file (the real store),
read by the regressions and the report. Three papers fine-tune on SQuAD, a fourth only evaluates its
model one-shot; the fit has the three, the points and the report show all four, the fourth flagged."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import select

from analysis.regression import fit_all
from analysis.report import build_report
from db import session_scope, upgrade_to_head
from extractors.eval_regime import Regime
from extractors.records import Candidate, Evidence, PaperExtraction
from models import Paper, Point
from settings.config import load_config
from sources.arxiv_client import PaperMeta
from usecases.paper_stages import record_found, store_extraction
from usecases.points import rebuild_points
from usecases.scaling import rebuild_estimates, scaling_points

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config.yaml")
# (arXiv id, GPUs, days, F1, regime): more compute, better F1 for the fine-tuned papers; the one-shot
# paper has the most compute and a poor score, which would flatten the slope if it were pooled.
PAPERS = [("2101.00011", 2, 1, 80.0, None), ("2102.00012", 8, 2, 85.0, None), ("2103.00013", 32, 4, 89.0, None),
          ("2104.00014", 256, 20, 66.0, Regime("one-shot", 1, "one-shot", "caption"))]


def _cand(field, attrs, sentence, match, features=None):
    start = sentence.index(match)
    value = attrs.get("count") or attrs.get("hours") or attrs.get("value")
    return Candidate(field=field, attrs=attrs, value=float(value), unit="", raw_text=match, confidence=0.9,
                     evidence=Evidence(4, sentence, start, start + len(match), "experiments"),
                     extractor=f"{field}@test", is_best=True, features=dict(features or {}))


def _extraction(arxiv_id, gpus, days, f1, regime) -> PaperExtraction:
    setup = f"Training the Plover model lasted {days} days on {gpus} V100 GPUs."
    row = f"Table 2: SQuAD 1.1 dev results | Plover {f1:.1f}"
    features = (regime or Regime("fine-tuned", where="default")).features()
    return PaperExtraction(arxiv_id=arxiv_id, source_path="x.pdf", pages=8, extractor_version="t", candidates=[
        _cand("hardware", {"chip": "V100", "count": gpus, "unit": "chips"}, setup, f"{gpus} V100 GPUs"),
        _cand("training_time", {"hours": 24.0 * days, "kind": "wall"}, setup, f"{days} days"),
        _cand("results", {"dataset": "SQuAD 1.1", "metric": "F1", "value": f1}, row, f"{f1:.1f}", features),
    ])


@pytest.fixture
def url(db_url):
    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        for arxiv_id, gpus, days, f1, regime in PAPERS:
            when = datetime(2021, int(arxiv_id[2:4]), 1, tzinfo=timezone.utc)
            meta = PaperMeta(arxiv_id=arxiv_id, version=1, title=f"Plover {arxiv_id}", authors=["A. Author"],
                             abstract="We train.", categories=["cs.CL"], primary_category="cs.CL", published=when,
                             updated=when, pdf_url=f"http://x/pdf/{arxiv_id}v1")
            record_found(s, [meta], "question_answering")
            pid = s.execute(select(Paper.id).where(Paper.arxiv_id == arxiv_id)).scalar_one()
            store_extraction(s, pid, _extraction(arxiv_id, gpus, days, f1, regime), CONFIG)
        rebuild_estimates(s, CONFIG, None)
        assert rebuild_points(s, CONFIG, None) == len(PAPERS)
    return db_url


def test_one_shot_point_is_stored_with_its_regime_and_says_why(url):
    with session_scope(url) as s:
        points = {a: p for a, p in s.execute(select(Paper.arxiv_id, Point).join(Point, Point.paper_id == Paper.id))}
        flagged = points["2104.00014"]
        assert flagged.flops is not None  # the point keeps its compute: it is shown
        assert flagged.evidence["regime"] == {"regime": "one-shot", "k": 1, "cue": "one-shot", "from": "caption",
                                              "fitted": False}
        assert flagged.why.startswith("NOT FITTED: a one-shot evaluation ('one-shot', in the table's caption)")
        assert all(points[a].evidence["regime"]["fitted"] for a in points if a != "2104.00014")


def test_regressions_leave_the_one_shot_point_out_and_the_report_shows_it(url, tmp_path):
    with session_scope(url) as s:
        frame = scaling_points(s)
    assert len(frame) == 4 and frame["fitted"].tolist().count(False) == 1
    assert frame.loc[~frame["fitted"], "regime"].tolist() == ["one-shot"]
    fit = fit_all(frame, ("task",), min_points=3).iloc[0]
    assert fit["status"] == "ok" and fit["n"] == 3 and fit["n_dropped"] == 0
    pooled = fit_all(frame.drop(columns="fitted"), ("task",), min_points=3).iloc[0]
    assert pooled["n"] == 4 and pooled["slope"] > fit["slope"]  # pooled, the one-shot point flattens the fit
    html = build_report(frame, fit_all(frame, ("task",), min_points=3), tmp_path, title="t").read_text()
    assert "1 point(s) shown hollow and left out of the fits" in html and "one-shot: 1" in html
    assert "not fitted: a one-shot evaluation" in html


def test_primary_point_of_a_paper_is_its_trained_result():
    """A paper with a one-shot result on the task's first benchmark and a fine-tuned one on another:
    the task-level fit takes the fine-tuned one (the one-shot one would be left out with the paper)."""
    import pandas as pd

    from flows.refit import primary_points

    frame = pd.DataFrame({"task": ["question_answering"] * 2, "arxiv_id": ["2105.00015"] * 2,
                          "dataset": ["SQuAD 1.1", "SQuAD 2.0"], "metric": ["F1", "F1"], "score": [60.0, 85.0],
                          "fitted": [False, True]})
    assert primary_points(frame, CONFIG)["dataset"].tolist() == ["SQuAD 2.0"]
    assert primary_points(frame.drop(columns="fitted"), CONFIG)["dataset"].tolist() == ["SQuAD 1.1"]
