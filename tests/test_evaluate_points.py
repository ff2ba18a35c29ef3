"""bench.evaluate_points judges a point's run against labels with the corpus scorer's rules."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.evaluate_points import DEFAULT_SCORER, main

pytestmark = pytest.mark.skipif(not DEFAULT_SCORER.is_file(), reason="../shared/eval/score.py absent")


def _point(count, hours):
    return {"dataset": "SQuAD 1.1", "metric": "F1", "value": 88.0, "hardware": {"chip": "V100", "count": count},
            "hardware_flops": 1e19, "parts": [{"stage": "training", "hardware": {"chip": "V100", "count": count,
                                                                               "unit": "chips"},
                                               "training_time": {"hours": hours, "kind": "wall"}, "hours": hours,
                                               "flops": 1e19}]}


def test_right_and_wrong_runs_are_told_apart(tmp_path, capsys):
    gold = [{"arxiv_id": "a", "hardware": [{"chip": "V100", "count": 1, "unit": "chips"}],
             "training_time": [{"hours": 5, "kind": "wall"}],
             "results": [{"dataset": "SQuAD 1.1", "metric": "F1", "value": 88.0}], "stated_compute": []},
            {"arxiv_id": "b", "hardware": [{"chip": "V100", "count": 1, "unit": "chips"}],
             "training_time": [{"hours": 5, "kind": "wall"}],
             "results": [{"dataset": "SQuAD 1.1", "metric": "F1", "value": 88.0}], "stated_compute": []}]
    # Paper a: the point took the labelled single-GPU run. Paper b: an 8-GPU, 40-hour run nobody labelled,
    # although b's field-by-field values (the baseline) hold the labelled ones.
    pred = [{"arxiv_id": "a", "hardware": [], "training_time": [], "points": [_point(1, 5.0)]},
            {"arxiv_id": "b", "hardware": [{"chip": "V100", "count": 1, "unit": "chips", "confidence": 0.9}],
             "training_time": [{"hours": 5.0, "kind": "wall", "confidence": 0.9}], "points": [_point(8, 40.0)]}]
    gold_path, pred_path = tmp_path / "gold.jsonl", tmp_path / "pred.jsonl"
    gold_path.write_text("\n".join(json.dumps(g) for g in gold))
    pred_path.write_text("\n".join(json.dumps(p) for p in pred))
    assert main([str(gold_path), str(pred_path), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["all"]["with_point"] == 2 and report["all"]["hardware_ok"] == 0.5 and report["all"]["time_ok"] == 0.5
    assert report["papers"]["b"]["baseline_hardware_ok"] and not report["papers"]["b"]["hardware_ok"]


def test_coverage_counts_each_measure_and_the_fallbacks_per_benchmark():
    from bench.evaluate_points import coverage

    pred = {"a": {"points": [{**_point(1, 5.0), "operations_flops": 2e19, "fallback": None},
                             {"dataset": "ImageNet", "metric": "top-1 accuracy", "hardware_flops": None,
                              "operations_flops": 3e18, "fallback": "operations"}]},
            "b": {"points": [{"dataset": "ImageNet", "metric": "top-1 accuracy", "hardware_flops": None,
                              "operations_flops": None}]},
            "c": {"points": []}}
    cov = coverage(pred)
    assert cov["per_benchmark"]["SQuAD"] == {"points": 1, "hardware": 1, "operations": 1, "either": 1, "fallback": 0}
    assert cov["per_benchmark"]["ImageNet"] == {"points": 2, "hardware": 0, "operations": 1, "either": 1,
                                                "fallback": 1}
    assert cov["papers_with_result"] == 2 and cov["papers_with_compute"] == 1 and cov["share_papers_with_compute"] == 0.5
