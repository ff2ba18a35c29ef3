"""The study's second compute measure end to end: operation-count inputs -> estimates -> one fit per
measure; the study's own network-operations convention and fits reproduced from its CSVs."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import select

from analysis.compute import arithmetic_estimate, arithmetic_inputs, estimate_compute
from analysis.report import measures_table
from db import session_scope, upgrade_to_head
from usecases.scaling import rebuild_estimates, scaling_points
from usecases.paper_stages import store_extraction
from extractors.records import Candidate, Evidence, PaperExtraction
from models import ComputeEstimate, Fit, Paper
from settings.config import load_config

REPO = Path(__file__).resolve().parents[1]
CONFIG_PATH = REPO / "config.yaml"
CONFIG = load_config(CONFIG_PATH)
STUDY = REPO / ".." / "shared" / "reference" / "thompson2022"
needs_study = pytest.mark.skipif(not STUDY.is_dir(), reason="../shared/reference/thompson2022 is absent")


# --- the arithmetic -----------------------------------------------------------------------------------

def test_network_operations_follow_the_study_convention():
    inputs = arithmetic_inputs({"forward_flops": [{"flops": 4.1e9, "kind": "flops"}],
                                "epochs": [{"epochs": 90.0, "phase": "training"}],
                                "training_set": [{"dataset": "ImageNet-1k", "examples": 1281167.0, "size_source": "catalog"}]})
    estimate = arithmetic_estimate(inputs)
    assert estimate.flops == pytest.approx(4.1e9 * 3 * 90 * 1281167)
    assert estimate.inputs["training_set"] == "ImageNet-1k" and estimate.inputs["size_source"] == "catalog"
    # Multiply-adds are doubled, as the study's `multiadds` column is (ResNet-152: 11.3e9 mult-adds).
    madds = arithmetic_inputs({"forward_flops": [{"flops": 11.3e9, "kind": "multiadds"}], "epochs": [{"epochs": 100.0}],
                               "training_set": [{"dataset": "ImageNet-1k", "examples": 1.28e6}]})
    assert arithmetic_estimate(madds).flops == pytest.approx(8.68e18, rel=1e-3)  # the study's network_operations


def test_epochs_of_the_chosen_training_set_and_steps_times_batch():
    fields = {"forward_flops": [{"flops": 1e9, "kind": "flops"}],
              "epochs": [{"epochs": 300.0, "dataset": "CIFAR-10"}, {"epochs": 90.0, "dataset": "ImageNet-1k"}],
              "training_set": [{"dataset": "ImageNet-1k", "examples": 1.28e6, "phase": "training"}]}
    assert arithmetic_inputs(fields)["epochs"] == 90.0
    by_steps = arithmetic_inputs({"forward_flops": [{"flops": 2e9, "kind": "flops"}],
                                  "steps": [{"steps": 3e5, "batch_size": 4096.0, "batch_unit": "examples"}]})
    assert arithmetic_estimate(by_steps).flops == pytest.approx(2e9 * 3 * 3e5 * 4096)


def test_six_n_d_from_parameters_and_tokens_or_token_batches():
    assert arithmetic_estimate(arithmetic_inputs({"parameters": [{"parameters": 1.75e11}],
                                                  "training_tokens": [{"tokens": 3e11}]})).flops == pytest.approx(3.15e23)
    by_batch = arithmetic_inputs({"parameters": [{"parameters": 2.1e8}],
                                  "steps": [{"steps": 1e5, "batch_size": 25000.0, "batch_unit": "tokens"}]})
    assert by_batch["tokens"] == 2.5e9
    assert arithmetic_inputs({"parameters": [{"parameters": 1e8}]}) is None  # no data size: no estimate
    assert arithmetic_inputs({"forward_flops": [{"flops": 1e9}], "epochs": [{"epochs": 90.0}]}) is None


def test_both_measures_kept_with_the_disagreement_flag():
    arithmetic = {"forward_flops": 1e10, "examples": 1.28e6, "epochs": 90.0}
    hardware = [{"chip": "V100", "count": 8, "unit": "chips"}]
    agree = estimate_compute(hardware, [{"hours": 25.0, "kind": "wall"}], [], arithmetic)  # 3.5e18 both
    assert {e.method for e in agree} == {"hardware", "arithmetic"} and not any(e.disagreement for e in agree)
    assert next(e for e in agree if e.preferred).method == "hardware"
    far = estimate_compute(hardware, [{"hours": 2500.0, "kind": "wall"}], [], arithmetic)
    assert all(e.disagreement for e in far)


# --- through the database: both measures fitted separately -------------------------------------------

def _candidate(field, attrs, value, sentence):
    return Candidate(field=field, attrs=attrs, value=value, unit="", raw_text=sentence[:10], confidence=0.9,
                     evidence=Evidence(3, sentence, 0, 10, "experiments"), extractor="test@1", is_best=True)


def _extraction(i: int, compute: float, with_hardware: bool) -> PaperExtraction:
    error = 0.6 * (compute / 1e17) ** -0.1 * (1 + 0.02 * math.sin(i))  # k = 10
    cands = [_candidate("results", {"dataset": "ImageNet", "metric": "top-1 accuracy", "value": round(100 * (1 - error), 2)},
                        100 * (1 - error), f"Paper {i} reaches its accuracy."),
             _candidate("forward_flops", {"flops": compute / (3 * 90 * 1281167), "kind": "flops"}, 1.0, f"Paper {i} cost."),
             _candidate("epochs", {"epochs": 90.0, "phase": "training"}, 90.0, f"Paper {i} trains 90 epochs."),
             _candidate("training_set", {"dataset": "ImageNet-1k", "examples": 1281167.0, "size_source": "catalog",
                                         "phase": "training"}, 1281167.0, f"Paper {i} trains on ImageNet.")]
    if with_hardware:  # hardware burden = 3x the operation count (utilization 0.33: they agree)
        hours = 3 * compute / (8 * 15.7e12 * 3600)
        cands += [_candidate("hardware", {"chip": "V100", "count": 8, "unit": "chips"}, 8.0, f"Paper {i} uses 8 V100s."),
                  _candidate("training_time", {"hours": hours, "kind": "wall"}, hours, f"Paper {i} trains for a while.")]
    return PaperExtraction(arxiv_id=f"2101.{i:05d}", source_path="x.pdf", pages=8, candidates=cands,
                           extractor_version="test")


@pytest.fixture
def measured_db(db_url):
    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        for i in range(12):
            paper = Paper(arxiv_id=f"2101.{i:05d}", title=f"Paper {i}", source="arxiv")
            s.add(paper)
            s.flush()
            store_extraction(s, paper.id, _extraction(i, 10 ** (17 + 0.4 * i), with_hardware=i % 2 == 0), CONFIG)
        rebuild_estimates(s, CONFIG, run_id=None)
    return db_url


def test_operation_counts_estimate_papers_without_hardware(measured_db):
    with session_scope(measured_db) as s:
        methods = sorted((e.paper_id, e.method, e.preferred) for e in s.execute(select(ComputeEstimate)).scalars())
        by_measure = {m: scaling_points(s, source="extracted", measure=m) for m in ("hardware_burden", "network_operations")}
        preferred = scaling_points(s, source="extracted")
    assert len({p for p, _, _ in methods}) == 12  # every paper has an estimate, half of them from operations only
    assert len(by_measure["network_operations"]) == 12 and len(by_measure["hardware_burden"]) == 6
    assert set(by_measure["network_operations"]["compute_method"]) == {"arithmetic"}
    assert sorted(preferred["compute_method"].value_counts().items()) == [("arithmetic", 6), ("hardware", 6)]
    with pytest.raises(ValueError, match="unknown compute measure"):
        with session_scope(measured_db) as s:
            scaling_points(s, measure="flops")


def test_refit_fits_each_measure_and_the_report_shows_them_side_by_side(measured_db, prefect_harness, tmp_path):
    from flows.refit import refit_flow

    table = refit_flow(config_path=str(CONFIG_PATH), database_url=measured_db)
    with session_scope(measured_db) as s:
        fits = {(f.spec, f.dataset): f for f in s.execute(select(Fit)).scalars()}
    assert {spec for spec, _ in fits} >= {"error", "hardware_burden", "network_operations"}
    ops, hw = fits[("network_operations", "ImageNet")], fits[("hardware_burden", "ImageNet")]
    assert ops.n == 12 and hw.n == 6
    assert ops.degree == pytest.approx(10, rel=0.15) and hw.degree == pytest.approx(10, rel=0.15)
    assert {"hardware_burden", "network_operations"} <= {r["spec"] for r in table}
    only_ops = refit_flow(config_path=str(CONFIG_PATH), database_url=measured_db, measures=["network_operations"])
    assert "hardware_burden" not in {r["spec"] for r in only_ops}
    stored = pd.DataFrame([{"task": f.task, "dataset": f.dataset, "metric": f.metric, "source": f.source, "spec": f.spec,
                            "n": f.n, "slope": f.slope, "intercept": f.intercept, "r2": f.r2, "status": "ok"}
                           for f in fits.values()])
    html = measures_table(stored)
    assert "Compute measures side by side" in html and "network operations" in html and "hardware burden" in html


# --- the study's own data -----------------------------------------------------------------------------

@needs_study
def test_the_study_forward_pass_fit_and_operation_counts_are_reproduced():
    from sources.reference_thompson import load_study, recompute_network_operations, study_points
    from usecases.study_fits import reproduce_forward_pass_fit

    study = load_study(STUDY)
    (row,) = reproduce_forward_pass_fit(study_points(study)).to_dict("records")
    assert row["n"] == row["published_n"] == 110
    assert row["slope"] == pytest.approx(row["published_slope"], abs=5e-5)
    assert row["r2"] == pytest.approx(row["published_r2"], abs=5e-4)
    ops = recompute_network_operations(study)
    within = (ops["ratio"] - 1).abs() <= 0.05
    assert len(ops) == 84 and within.sum() >= 78  # the rest: rows whose own columns disagree with their total


@needs_study
def test_refit_of_the_study_gives_its_network_operations_fits_beside_the_hardware_ones(db_url, prefect_harness):
    from analysis.regression import fit_scaling
    from usecases.imports import import_thompson
    from flows.refit import refit_flow
    from sources.reference_thompson import PUBLISHED_FITS, STUDY_FILES, load_study, study_points

    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        import_thompson(s, [STUDY / name for name in STUDY_FILES], CONFIG)
    refit_flow(config_path=str(CONFIG_PATH), database_url=db_url, source="reference:thompson2022",
               measures=["network_operations"])
    with session_scope(db_url) as s:
        fits = {(f.spec, f.dataset, f.metric): f for f in s.execute(select(Fit)).scalars()}
    assert {spec for spec, _, _ in fits} == {"network_operations"}
    points = study_points(load_study(STUDY))
    imagenet = points[(points["dataset"] == "ImageNet") & (points["metric"] == "top-1 accuracy")
                      & (points["network_operations"] > 0)]
    direct = fit_scaling(imagenet.assign(compute_flops=imagenet["network_operations"]), spec="study_imagenet")
    stored = fits[("network_operations", "ImageNet", "top-1 accuracy")]
    assert stored.n == direct.n == 77 and stored.slope == pytest.approx(direct.slope, rel=1e-9)
    assert stored.extra["fit_spec"] == "study_imagenet"
    assert fits[("network_operations", "COCO", "AP")].extra["fit_spec"] == "study_logit"
    # Both measures by default: the hardware-burden fits still equal the published ones.
    refit_flow(config_path=str(CONFIG_PATH), database_url=db_url, source="reference:thompson2022")
    with session_scope(db_url) as s:
        study = {(f.dataset, f.metric): f for f in s.execute(select(Fit).where(Fit.spec == "study")).scalars()}
    for key, published in PUBLISHED_FITS.items():
        assert study[key].n == published["n"] and study[key].slope == pytest.approx(published["slope"], abs=5e-5)
    assert np.isfinite(stored.r2)
