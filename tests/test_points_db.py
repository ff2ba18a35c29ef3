"""Points in the database: built at refit from stored extractions, read by the regressions, idempotent,
and reviewer decisions win (a SQLite file, the real store and review code)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db import session_scope, upgrade_to_head
from usecases.points import rebuild_points
from usecases.scaling import rebuild_estimates, scaling_points
from usecases.paper_stages import record_found, store_extraction
from extractors.records import PaperExtraction
from models import Extraction, Paper, Point
from review.decisions import decide
from settings.config import load_config
from sources.arxiv_client import PaperMeta
from candidate_factory import candidate

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config.yaml")
V100 = 15.7e12

BASE = "Pre-training the Kestrel-base model lasted 3 days on 4 V100 GPUs."
LARGE = "Pre-training the Kestrel-large model lasted 10 days on 16 V100 GPUs."
TUNE = "Fine-tuning Kestrel-large on SQuAD needs 2 hours on 1 V100 GPU."
ROW = "Table 3: SQuAD 1.1 dev results | Kestrel-large 85.0 91.5"


def cand(field, attrs, sentence, match, confidence=0.9, best=True, section="experiments"):
    return candidate(field, attrs, sentence, match, confidence=confidence, best=best, section=section, page=4)


def paper_extraction() -> PaperExtraction:
    v100 = lambda n: {"chip": "V100", "count": n, "unit": "chips"}  # noqa: E731
    return PaperExtraction(arxiv_id="2102.00001", source_path="x.pdf", pages=8, extractor_version="t", candidates=[
        cand("hardware", v100(4), BASE, "4 V100 GPUs", best=False, confidence=0.8),
        cand("training_time", {"hours": 72.0, "kind": "wall"}, BASE, "3 days", best=False, confidence=0.8),
        cand("hardware", v100(16), LARGE, "16 V100 GPUs"),
        cand("training_time", {"hours": 240.0, "kind": "wall"}, LARGE, "10 days"),
        cand("hardware", v100(1), TUNE, "1 V100 GPU", best=False, confidence=0.8),
        cand("training_time", {"hours": 2.0, "kind": "wall"}, TUNE, "2 hours", best=False, confidence=0.8),
        cand("results", {"dataset": "SQuAD 1.1", "metric": "F1", "value": 91.5}, ROW, "91.5", section="table"),
    ])


@pytest.fixture
def url(db_url):
    upgrade_to_head(db_url)
    meta = PaperMeta(arxiv_id="2102.00001", version=1, title="Kestrel", authors=["A. Author"], abstract="We train.",
                     categories=["cs.CL"], primary_category="cs.CL", published=datetime(2021, 2, 1, tzinfo=timezone.utc),
                     updated=datetime(2021, 2, 1, tzinfo=timezone.utc), pdf_url="http://x/pdf/2102.00001v1")
    with session_scope(db_url) as s:
        record_found(s, [meta], "question_answering")
        assert s.execute(select(Point)).first() is None  # the migrations created the table
        pid = s.execute(select(Paper.id)).scalar_one()
        store_extraction(s, pid, paper_extraction(), CONFIG)
    return db_url


def refit(url):
    with session_scope(url) as s:
        rebuild_estimates(s, CONFIG, None)
        written = rebuild_points(s, CONFIG, None)
    return written


def test_point_sums_the_large_models_stages_and_the_fit_reads_it(url):
    assert refit(url) == 1
    with session_scope(url) as s:
        point = s.execute(select(Point)).scalar_one()
        assert point.method == "hardware" and point.model == "Kestrel-large"
        assert point.flops == pytest.approx(V100 * 3600 * (16 * 240 + 1 * 2))
        assert point.parts_text == "pretraining 16x V100 x 240 h + fine-tuning 1x V100 x 2 h"
        assert [p["stage"] for p in point.parts] == ["pretraining", "fine-tuning"]
        assert all(p["evidence"]["hardware"]["extraction_id"] for p in point.parts)
        assert point.evidence["result"]["result_id"] == point.result_id and "same size (large)" in point.why
        frame = scaling_points(s)
    (row,) = frame.to_dict("records")
    assert row["compute_flops"] == pytest.approx(V100 * 3600 * (16 * 240 + 1 * 2))
    assert row["compute_basis"] == "point" and row["chips"].startswith("pretraining 16x V100")


def test_rebuilding_points_is_idempotent(url):
    from usecases.points import point_burdens

    refit(url)
    refit(url)
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(Point)) == 1
        (burden,) = point_burdens(s)
    assert burden["arxiv_id"] == "2102.00001" and burden["hardware_flops"] == pytest.approx(V100 * 3600 * (16 * 240 + 2))


def test_reviewer_decisions_win_over_the_linked_run(url):
    refit(url)
    with session_scope(url) as s:
        point = s.execute(select(Point)).scalar_one()
        pre = next(p for p in point.parts if p["stage"] == "pretraining")
        hw_id, time_id = pre["evidence"]["hardware"]["extraction_id"], pre["evidence"]["training_time"]["extraction_id"]
        decide(s, CONFIG, hw_id, "correct", reviewer="tester", attrs={"count": 32})
        ft = next(p for p in point.parts if p["stage"] == "fine-tuning")
        decide(s, CONFIG, ft["evidence"]["training_time"]["extraction_id"], "reject", reviewer="tester")
    refit(url)
    with session_scope(url) as s:
        point = s.execute(select(Point)).scalar_one()
        assert [(p["stage"], p["hardware"]["count"]) for p in point.parts] == [("pretraining", 32)]
        assert point.flops == pytest.approx(V100 * 3600 * 32 * 240)
        assert time_id == point.parts[0]["evidence"]["training_time"]["extraction_id"]


def test_a_result_without_a_linked_run_is_left_out_of_the_fit_input(url):
    with session_scope(url) as s:
        for key in ("10 days", "2 hours", "3 days"):
            ext = next(e for e in s.execute(select(Extraction)).scalars()
                       if e.field == "training_time" and key in e.sentence[e.char_start:e.char_end])
            decide(s, CONFIG, ext.id, "reject", reviewer="tester")
    refit(url)
    with session_scope(url) as s:
        point = s.execute(select(Point)).scalar_one()
        assert point.flops is None and "no training time" in point.why
        assert scaling_points(s).empty


def test_progress_points_shows_stages_and_why(url):
    from typer.testing import CliRunner

    from cli.main import _register_groups, app

    refit(url)
    _register_groups()
    config = Path(__file__).resolve().parents[1] / "config.yaml"
    result = CliRunner().invoke(app, ["--config", str(config), "--db", url, "points", "--json"])
    assert result.exit_code == 0, result.output
    import json
    (point,) = json.loads(result.output)
    assert point["arxiv_id"] == "2102.00001" and point["method"] == "hardware"
    assert point["parts_text"] == "pretraining 16x V100 x 240 h + fine-tuning 1x V100 x 2 h"
    table = CliRunner().invoke(app, ["--config", str(config), "--db", url, "points", "--paper", "2102.00001"])
    assert table.exit_code == 0 and "pretraining 16x V100" in table.output and "Kestrel-large" in table.output


def test_report_shows_a_points_stages_and_why(url, tmp_path):
    import pandas as pd

    from analysis.report import build_report

    refit(url)
    with session_scope(url) as s:
        frame = scaling_points(s)
    html_path = build_report(frame, pd.DataFrame(), tmp_path, title="points")
    text = html_path.read_text(encoding="utf-8")
    assert "pretraining 16x V100 x 240 h + fine-tuning 1x V100 x 2 h" in text
    assert "Kestrel-large (large): hardware burden summed over pretraining" in text
