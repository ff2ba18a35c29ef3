"""Corrections are validated as strictly as extracted values (issue 15.3): known keys per field, types
and ranges, through `review correct --value/--set`, the web form's parser and `decide`; a bad
correction stored before the check never reaches the analysis; reviewing raises no SAWarning (15.6)."""
from __future__ import annotations

import warnings

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import SAWarning
from typer.testing import CliRunner

import cli.main
from db import session_scope
from usecases.effective import effective_values
from extractors.field_attrs import FIELD_ATTRS, AttrError, check_attrs
from models import DecisionAction, Result, ReviewDecision
from review.decisions import decide, parse_attr_assignments
from review.queue import ReviewError
from test_review import build_database, item_id, write_config

RUNNER = CliRunner()


@pytest.fixture
def paper_db(tmp_path):
    return build_database(tmp_path)


@pytest.mark.parametrize("field, attrs, message", [
    ("training_time", {"hours": "-5"}, "training_time.hours: must be above 0"),
    ("training_time", {"hours": "0"}, "training_time.hours: must be above 0"),
    ("training_time", {"hours": "nan"}, "finite"),
    ("training_time", {"hours": "lots"}, "must be a number"),
    ("training_time", {"kind": "gpu-years"}, "must be one of wall, chip-hours"),
    ("training_time", {"hours_range": "24-12"}, "low 24 is above high 12"),
    ("training_time", {"mood": "happy"}, "training_time has no attribute 'mood'"),
    ("hardware", {"count": "0"}, "whole number of at least 1"),
    ("hardware", {"count": "2.5"}, "whole number"),
    ("hardware", {"unit": "racks"}, "one of chips, cores, devices"),
    ("hardware", {"chip": "x" * 200}, "short name"),
    ("stated_compute", {"flops": "-1e20"}, "must be above 0"),
    ("stated_compute", {"flops": "0"}, "must be above 0"),
    ("throughput", {"flops_per_s": "0"}, "must be above 0"),
    ("results", {"value": "130"}, "score from 0 to below 100"),
    ("results", {"value": "-3"}, "score"),
    ("cooking", {"x": "1"}, "field 'cooking' takes no corrections"),
])
def test_bad_corrections_are_refused_naming_the_attribute(field, attrs, message):
    with pytest.raises(AttrError, match=message):
        check_attrs(field, attrs)


def test_good_corrections_are_parsed_by_type():
    assert check_attrs("hardware", {"count": "16", "chip": " A100 ", "unit": "chips"}) == \
        {"count": 16, "chip": "A100", "unit": "chips"}
    assert check_attrs("training_time", {"hours": "1,200", "hours_range": "1000-1400", "kind": "wall"}) == \
        {"hours": 1200.0, "hours_range": [1000.0, 1400.0], "kind": "wall"}
    assert check_attrs("stated_compute", {"flops": "3.1e23"}) == {"flops": 3.1e23}
    assert check_attrs("results", {"value": "0"}) == {"value": 0.0}
    # the table is the one place a field's attributes are named
    assert set(FIELD_ATTRS) >= {"hardware", "training_time", "stated_compute", "throughput", "results"}


def test_set_with_negative_hours_is_refused_and_nothing_is_stored(paper_db, tmp_path):
    # The reproduction from the issue: `review correct ID --set hours=-5` stored "-5.0 h".
    config, url, _ = paper_db
    hours = item_id(url, config, "training_time", 72.0)
    config_path = write_config(config, tmp_path / "config.yaml")
    for assignment in ("hours=-5", "hours=0", "flavour=sweet", "hours=abc"):
        result = RUNNER.invoke(cli.main.app, ["--config", str(config_path), "review", "correct", str(hours),
                                              "--set", assignment, "--reviewer", "ann"])
        assert result.exit_code != 0, (assignment, result.output)
        assert "Traceback" not in result.output
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 0


def test_the_web_forms_parser_hands_raw_text_to_the_same_rules(paper_db):
    config, url, _ = paper_db
    hardware = item_id(url, config, "hardware", 8)
    with session_scope(url) as s:
        with pytest.raises(ReviewError, match="hardware.count: must be a whole number"):
            decide(s, config, hardware, "correct", reviewer="ann", attrs=parse_attr_assignments("count=-3".split()))
        item = decide(s, config, hardware, "correct", reviewer="ann",
                      attrs=parse_attr_assignments("count=16 chip=3090".split())).item
        assert item.effective_attrs["count"] == 16 and item.effective_attrs["chip"] == "3090"


def test_a_bad_correction_stored_before_the_check_never_reaches_the_analysis(paper_db):
    config, url, _ = paper_db
    hours = item_id(url, config, "training_time", 72.0)
    with session_scope(url) as s:
        decide(s, config, hours, "correct", reviewer="ann", value="80")
        decision = s.execute(select(ReviewDecision)).scalar_one()
        decision.corrected_attrs = {"hours": -5.0}  # what the unchecked `--set hours=-5` stored
    with session_scope(url) as s:
        values = effective_values(s, min_confidence=config.review.min_confidence, fields=["training_time"])
        assert all(v.attrs.get("hours", 1) > 0 for v in values)
        assert s.execute(select(ReviewDecision.action)).scalar_one() == DecisionAction.correct


def test_reviewing_raises_no_identity_map_warning(paper_db):
    config, url, _ = paper_db
    ensemble = item_id(url, config, "results", 78.1)
    top1 = item_id(url, config, "results", 76.5)
    with warnings.catch_warnings():
        warnings.simplefilter("error", SAWarning)
        with session_scope(url) as s:
            decide(s, config, ensemble, "accept", reviewer="ann")
            # The reviewer's session holds the rebuilt result rows (the identity map keeps held objects).
            held = s.execute(select(Result)).scalars().all()
            decide(s, config, top1, "correct", reviewer="ann", value=77.2)
            assert held and s.execute(select(Result.value).where(Result.metric == "top-1 accuracy")).scalar_one() == 77.2
