"""Both measures of a point in the database: the migration's columns, refit writing the network
operations and the fallback flag, the per-measure fit input and `progress points` reading them
(a SQLite file, the real store code; our own sentences)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from db import session_scope, upgrade_to_head
from db.engine import get_engine
from extractors.records import PaperExtraction
from models import Point
from settings.config import load_config
from sources.arxiv_client import PaperMeta
from usecases.paper_stages import record_found, store_extraction
from usecases.points import rebuild_points
from usecases.scaling import rebuild_estimates, scaling_points
from candidate_factory import candidate

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config.yaml")
IMAGENET = 1281167

SETUP = "The base configuration of Plover trains in 2 days on 4 V100 GPUs."
COST = "Plover-large costs 8 GFLOPs per image at 224 pixels."
SCHEDULE = "Every Plover model is trained for 90 epochs on ImageNet."
ROW = "Table 2: ImageNet validation accuracy | Plover-large 83.0"


def cand(field, attrs, sentence, match, section="experiments"):
    return candidate(field, attrs, sentence, match, confidence=0.9, section=section, page=3, value=1.0)


@pytest.fixture
def url(db_url):
    upgrade_to_head(db_url)
    meta = PaperMeta(arxiv_id="2103.00002", version=1, title="Plover", authors=["A. Author"], abstract="We train.",
                     categories=["cs.CV"], primary_category="cs.CV", published=datetime(2021, 3, 1, tzinfo=timezone.utc),
                     updated=datetime(2021, 3, 1, tzinfo=timezone.utc), pdf_url="http://x/pdf/2103.00002v1")
    extraction = PaperExtraction(arxiv_id="2103.00002", source_path="x.pdf", pages=8, extractor_version="t", candidates=[
        cand("hardware", {"chip": "V100", "count": 4, "unit": "chips"}, SETUP, "4 V100 GPUs"),
        cand("training_time", {"hours": 48.0, "kind": "wall"}, SETUP, "2 days"),
        cand("forward_flops", {"flops": 8e9, "kind": "flops"}, COST, "8 GFLOPs"),
        cand("epochs", {"epochs": 90.0, "phase": "training"}, SCHEDULE, "90 epochs"),
        cand("results", {"dataset": "ImageNet", "metric": "top-1 accuracy", "value": 83.0}, ROW, "83.0", section="table"),
    ])
    with session_scope(db_url) as s:
        record_found(s, [meta], "image_classification")
        from models import Paper
        pid = s.execute(select(Paper.id)).scalar_one()
        store_extraction(s, pid, extraction, CONFIG)
        rebuild_estimates(s, CONFIG, None)
        rebuild_points(s, CONFIG, None)
    return db_url


def test_the_migration_adds_both_measure_columns(url):
    columns = {c["name"] for c in inspect(get_engine(url)).get_columns("points")}
    assert {"operations_flops", "operations", "fallback", "hardware_flops"} <= columns


def test_refit_stores_both_measures_and_the_fallback_flag(url):
    with session_scope(url) as s:
        point = s.execute(select(Point)).scalar_one()
        # The only time is the base configuration's: the large model's point takes the paper's main run.
        assert point.fallback == "hardware" and "FALLBACK" in point.why
        assert point.hardware_flops == pytest.approx(4 * 15.7e12 * 48 * 3600)
        assert point.operations_flops == pytest.approx(8e9 * 3 * 90 * IMAGENET)
        assert point.operations["formula"] == "forward x 3 x examples seen"
        # Each input's evidence names the stored extraction it came from.
        assert all("extraction_id" in ev for ev in point.operations["evidence"].values())
        assert point.excluded == []


def test_each_measure_is_fitted_on_the_points_own_figure(url):
    with session_scope(url) as s:
        ops = scaling_points(s, measure="network_operations")
        burden = scaling_points(s, measure="hardware_burden")
        preferred = scaling_points(s)
    assert ops["compute_flops"].tolist() == [pytest.approx(8e9 * 3 * 90 * IMAGENET)]
    assert (ops["compute_method"] == "arithmetic").all() and ops["compute_fallback"].isna().all()
    assert burden["compute_flops"].tolist() == [pytest.approx(4 * 15.7e12 * 48 * 3600)]
    assert burden["compute_fallback"].tolist() == ["hardware"]
    assert burden["chips"].iloc[0].startswith("[fallback: paper's main run for hardware]")
    assert preferred["compute_method"].tolist() == ["hardware"]


def test_progress_points_shows_both_measures_and_the_flag(url):
    from typer.testing import CliRunner

    from cli.main import _register_groups, app

    _register_groups()
    config = Path(__file__).resolve().parents[1] / "config.yaml"
    text = CliRunner().invoke(app, ["--config", str(config), "--db", url, "points"])
    assert text.exit_code == 0, text.output
    assert "[FALLBACK: paper's main run for hardware]" in text.output
    assert "network operations: 2.77e+18 FLOPs" in text.output
    as_json = CliRunner().invoke(app, ["--config", str(config), "--db", url, "points", "--json"])
    (point,) = json.loads(as_json.output)
    assert point["fallback"] == "hardware" and point["operations_flops"] > 0


def test_the_migration_downgrades_and_upgrades_again(db_url):
    from alembic import command

    from db.migrate import alembic_config

    new = {"operations_flops", "operations", "fallback", "excluded"}
    upgrade_to_head(db_url)
    command.downgrade(alembic_config(db_url), "0004")
    assert not new & {c["name"] for c in inspect(get_engine(db_url)).get_columns("points")}
    get_engine(db_url).dispose()
    command.upgrade(alembic_config(db_url), "head")
    assert new <= {c["name"] for c in inspect(get_engine(db_url)).get_columns("points")}
