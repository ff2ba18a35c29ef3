"""A run on "8 GPUs" of no stated model, in a paper that names exactly one GPU model elsewhere (the card
of its timing table), is estimated on that model, as the study curated such papers; the assumption is
stated on the estimate and the point. Several models named, or none: nothing is assumed. Sentences are
our own wording."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import select

from analysis.compute import (ASSUMED_GPU_MODEL, extraction_catalog, hardware_estimates, named_gpu_model, paper_catalog,
                              resolve_catalog)
from analysis.points import build_points
from db import session_scope
from extractors.chips import lookup
from models import ComputeEstimate, Point
from candidate_factory import candidate
from stored_paper import store_and_rebuild

P100 = lookup("P100").peak["fp32"]
SETUP = "The Kestrel detector was trained with synchronous SGD across 8 GPUs for 12 hours."
TIMING = "Inference takes 70 ms per image on one NVIDIA Tesla P100 card."
ROW = "Table 3: COCO test-dev | Kestrel 41.2 60.3"
RUN = [{"chip": "GPU", "count": 8, "unit": "chips"}], [{"hours": 12.0, "kind": "wall"}]


@pytest.mark.parametrize("named, model", [
    (["GPU", "P100", "Tesla P100"], "P100"),  # two spellings of one model
    (["GPU"], None),                          # no model anywhere
    (["GPU", "P100", "V100"], None),          # two models: which one trained is not known
    (["GPU", "TPU v3"], None),                # a TPU says nothing of the GPUs
    (["GPU", "Xeon E5-2680"], None),          # nor does a CPU
])
def test_only_one_named_gpu_model_is_assumed(named, model):
    found = named_gpu_model(named, resolve_catalog(None))
    assert (found.name if found else None) == model


def test_the_estimate_says_the_model_was_assumed():
    assert hardware_estimates(*RUN)[0] == []  # a bare "GPU" has no peak
    (est,), _ = hardware_estimates(*RUN, catalog=paper_catalog(None, (2017, 3), ["GPU", "P100"]))
    assert est.flops == pytest.approx(8 * P100 * 12 * 3600)
    assert est.inputs["chip"] == "P100" and est.inputs["chip_as_written"] == "GPU"
    assert est.inputs["chip_assumed"].startswith(ASSUMED_GPU_MODEL) and "P100" in est.note


def test_a_run_that_names_its_model_keeps_it():
    resolve = paper_catalog(None, (2017, 9), ["GPU", "P100"])
    assert resolve("K80").name == "K80" and not resolve("K80").note.startswith(ASSUMED_GPU_MODEL)
    assert resolve("Cloud TPU").name == "TPU v2"  # the date still dates a TPU


def test_an_extractions_catalog_reads_the_chips_of_its_hardware_candidates():
    resolve = extraction_catalog(_run_candidates("P100"), (2017, 3))
    assert resolve("GPU").name == "P100" and resolve("GPU").note.startswith(ASSUMED_GPU_MODEL)
    assert extraction_catalog(_run_candidates(None), (2017, 3))("GPU").name == "GPU"


def _paper(db_url: str, cands: list) -> None:
    store_and_rebuild(db_url, cands, arxiv_id="1703.00007", title="Kestrel", published=datetime(2017, 3, 2),
                      task="object_detection", category="cs.CV")


def _run_candidates(timing_chip: str | None) -> list:
    cands = [candidate("hardware", {"chip": "GPU", "count": 8, "unit": "chips"}, SETUP, "8 GPUs"),
             candidate("training_time", {"hours": 12.0, "kind": "wall"}, SETUP, "12 hours"),
             candidate("results", {"dataset": "COCO", "metric": "AP", "value": 41.2}, ROW, "41.2", section="table")]
    if timing_chip:  # the timing card: read, but not training hardware (confidence 0, not best)
        cands.append(candidate("hardware", {"chip": timing_chip, "count": 1, "unit": "chips"}, TIMING,
                               "one NVIDIA Tesla P100 card", best=False, confidence=0.0))
    return cands


def test_a_point_and_the_stored_estimate_use_the_papers_gpu_model(db_url):
    cands = _run_candidates("P100")
    (point,) = build_points(cands, catalog=paper_catalog(None, (2017, 3), ["GPU", "P100"]))
    assert point.compute_flops == pytest.approx(8 * P100 * 12 * 3600)
    assert ASSUMED_GPU_MODEL in point.main_part().why

    _paper(db_url, cands)
    with session_scope(db_url) as s:
        estimate = s.execute(select(ComputeEstimate).where(ComputeEstimate.method == "hardware")).scalar_one()
        assert estimate.flops == pytest.approx(8 * P100 * 12 * 3600)
        assert "P100" in estimate.inputs["chip_assumed"]
        assert s.execute(select(Point)).scalar_one().flops == pytest.approx(8 * P100 * 12 * 3600)


def test_without_a_named_model_the_run_has_no_burden(db_url):
    _paper(db_url, _run_candidates(None))
    with session_scope(db_url) as s:
        assert s.execute(select(ComputeEstimate).where(ComputeEstimate.method == "hardware")).first() is None
        assert s.execute(select(Point)).scalar_one().flops is None
