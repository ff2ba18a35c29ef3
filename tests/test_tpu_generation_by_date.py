"""A TPU named without its generation ("Cloud TPUs") is the generation Google offered at the paper's
date, as the study curated such papers; the assumption is stated on the estimate and the point.
Sentences are our own wording."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest
from sqlalchemy import select

from analysis.compute import (ASSUMED_GENERATION, dated_catalog, hardware_estimates, paper_month,
                              tpu_generation_at)
from analysis.points import build_points
from db import session_scope
from extractors.arxiv_ids import submission_month
from extractors.chips import lookup
from models import ComputeEstimate, Point
from candidate_factory import candidate
from stored_paper import store_and_rebuild

V3_CHIP = lookup("TPU v3").device_peak["bf16"] / lookup("TPU v3").chips_per_device  # 105 TFLOP/s, the study's figure
SETUP = "The Osprey network was optimised for 4 days on 64 Cloud TPU chips."
ROW = "Table 2: SQuAD 1.1 dev | Osprey 88.1 93.0"


@pytest.mark.parametrize("when, generation", [
    ((2017, 4), None),            # before Cloud TPUs trained anything
    ((2017, 5), "TPU v2"),
    ((2018, 4), "TPU v2"),
    ((2018, 10), "TPU v3"),
    ((2021, 4), "TPU v3"),
    ((2021, 5), "TPU v4"),
    ((2023, 7), "TPU v4"),
    ((2023, 8), None),            # v5e, v5p and v6e side by side: a date says nothing
    (None, None),
])
def test_the_generation_current_at_a_date(when, generation):
    assert tpu_generation_at(when) == generation


def test_only_a_tpu_without_generation_is_dated():
    resolve = dated_catalog(None, (2018, 10))
    assert resolve("Cloud TPU").name == "TPU v3" and resolve("Cloud TPU").note.startswith(ASSUMED_GENERATION)
    assert resolve("TPU v2").name == "TPU v2" and not resolve("TPU v2").note.startswith(ASSUMED_GENERATION)
    assert resolve("V100").name == "V100"
    assert resolve("GPU").name == "GPU"  # a generic GPU has no date-bound model
    assert dated_catalog(None, None)("Cloud TPU").name == "TPU"


def test_the_estimate_says_the_generation_was_assumed():
    hardware = [{"chip": "TPU", "count": 64, "unit": "chips"}]
    time = [{"hours": 96.0, "kind": "wall"}]
    undated, skipped = hardware_estimates(hardware, time)
    assert undated == [] and "no peak" in skipped[0].reason
    (est,), _ = hardware_estimates(hardware, time, catalog=dated_catalog(None, (2018, 10)))
    assert est.flops == pytest.approx(64 * V3_CHIP * 96 * 3600)
    assert est.inputs["chip"] == "TPU v3" and est.inputs["chip_as_written"] == "TPU"
    assert "TPU v3" in est.inputs["chip_assumed"] and "2018-10" in est.note


def test_a_papers_month_comes_from_its_id_first():
    assert submission_month("1810.04805") == (2018, 10)
    assert submission_month("cs/0112017") == (2001, 12)
    assert submission_month("local:abc123") is None
    assert paper_month("1810.04805", datetime(2019, 5, 24)) == (2018, 10)  # v1's month, not the latest version's
    assert paper_month(None, datetime(2019, 5, 24, tzinfo=timezone.utc)) == (2019, 5)
    assert paper_month(None, "2020-07-01") == (2020, 7)
    assert paper_month(None, None) is None


def test_a_point_and_the_stored_estimate_use_the_dated_generation(db_url):
    cands = [candidate("hardware", {"chip": "TPU", "count": 64, "unit": "chips"}, SETUP, "64 Cloud TPU chips"),
             candidate("training_time", {"hours": 96.0, "kind": "wall"}, SETUP, "4 days"),
             candidate("results", {"dataset": "SQuAD 1.1", "metric": "F1", "value": 93.0}, ROW, "93.0",
                       section="table")]
    (point,) = build_points(cands, catalog=dated_catalog(None, (2018, 10)))
    assert point.compute_flops == pytest.approx(64 * V3_CHIP * 96 * 3600)
    assert "TPU v3" in point.main_part().why

    store_and_rebuild(db_url, cands, arxiv_id="1811.00007", title="Osprey", published=datetime(2019, 6, 1),
                      task="question_answering", category="cs.CL")
    with session_scope(db_url) as s:
        estimate = s.execute(select(ComputeEstimate).where(ComputeEstimate.method == "hardware")).scalar_one()
        assert estimate.flops == pytest.approx(64 * V3_CHIP * 96 * 3600)
        assert "TPU v3" in estimate.inputs["chip_assumed"]
        stored = s.execute(select(Point)).scalar_one()
        assert stored.flops == pytest.approx(64 * V3_CHIP * 96 * 3600)
