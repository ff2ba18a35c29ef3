"""bench/leave_papers_out.py: which rules a paper is scored without, and how a paper's utility counts."""
from __future__ import annotations

import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

import pytest  # noqa: E402

from bench.leave_papers_out import (OUTSIDE, SHARED_SCORER, gold_utility, paper_utility, rule_switches,  # noqa: E402
                                   rules_only_supported_by, shared_scorer, utility)


def test_every_switch_of_the_extractors_is_found_even_across_lines(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text('if cues.ablated("one_rule"):\n    pass\n'
                                   'x = y and not cues.ablated(\n    "two_rule")\n')
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.py").write_text("ok = not ablated('three_rule')\nablated(name)  # no literal\n")
    assert rule_switches(tmp_path) == ["one_rule", "three_rule", "two_rule"]
    assert "ops_size_header_pages" in rule_switches()  # the real extractors


def test_a_rule_only_one_paper_supports_is_switched_off_for_that_paper_alone() -> None:
    effects = {"lonely": {"supports": ["p1"], "hurts": ["p2"]},
               "shared": {"supports": ["p1", "p3"], "hurts": []},
               "quoted": {"supports": ["p2", OUTSIDE], "hurts": []},  # Epoch's quotes support it too
               "outside_only": {"supports": [OUTSIDE], "hurts": []},
               "idle": {"supports": [], "hurts": ["p3"]}}
    assert rules_only_supported_by(effects) == {"p1": ["lonely"]}


def test_utility_counts_right_minus_wrong_plus_fields_found() -> None:
    label = {"forward_flops": [{"flops": 4.1e9}], "parameters": [{"parameters": 2.5e7}], "epochs": []}
    predicted = {"forward_flops": [(4.1e9, 0.9), (7.0e9, 0.8)],  # one right, one wrong, found
                 "parameters": [(2.52e7, 0.7), (9e9, 0.3)],      # right within 2%; the other below 0.5
                 "epochs": [(90.0, 0.6)]}                         # wrong: the paper states none
    assert utility(label, predicted, 0.5) == (1 - 1 + 1) + (1 + 1) + (-1)
    assert utility(label, {}, 0.5) == 0


@pytest.mark.skipif(not SHARED_SCORER.exists(), reason="../shared/eval/score.py is not beside the repo")
def test_the_shared_scorers_fields_count_as_it_matches_them() -> None:
    scorer = shared_scorer()
    gold = {"hardware": [{"chip": "V100", "count": 8, "unit": "chips"}],
            "training_time": [{"hours": 30.0, "kind": "wall"}],
            "results": [{"dataset": "COCO", "metric": "AP", "value": 41.2}]}  # stated_compute: not labelled
    predicted = {"scored": {
        "hardware": [{"chip": "Tesla V100", "count": 8, "confidence": 0.9},   # right (score.py's chip names)
                     {"chip": "V100", "count": 1, "confidence": 0.8}],        # wrong count
        "training_time": [{"hours": 31.5, "kind": "wall", "confidence": 0.4}],  # right but below 0.5
        "results": [{"dataset": "COCO", "metric": "AP", "value": 41.25, "confidence": 0.9},
                    {"dataset": "CIFAR-10", "metric": "accuracy", "value": 96.0, "confidence": 0.9}],  # not scored
        "stated_compute": [{"flops": 1e20, "confidence": 0.9}]}}             # a field without labels
    assert gold_utility(gold, predicted, 0.5, scorer) == (1 - 1 + 1) + 0 + (1 + 1)
    label = {"forward_flops": [], "parameters": [{"parameters": 2.5e7}], "epochs": []}
    assert paper_utility(label, gold, {**predicted, "parameters": [(2.5e7, 0.9)]}, 0.5, scorer) == 2 + 3
