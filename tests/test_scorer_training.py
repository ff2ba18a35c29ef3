"""The learned scorer: fitting on a small labelled set the test makes, calibration where the truth is
known, model files, grouped cross-validation, labels with score.py's semantics, reviews as labels."""
from __future__ import annotations

import json

import numpy as np
import pytest

from extractors.records import Candidate, Evidence
from extractors.scoring import score_and_select
from extractors.scoring.labels import label_of, same, score_table
from extractors.scoring.model import FieldModel, load_models, save_model
from extractors.scoring.train import (Example, Paper, brier, choose_columns, cross_validate, fit, fold_of,
                                      reliability, train)


def hw(count, chip="V100", page=1, **features) -> Candidate:
    sentence = f"We trained on {count} {chip} GPUs (page {page})."
    return Candidate(field="hardware", attrs={"chip": chip, "count": count, "unit": "chips"}, value=float(count),
                     unit="chips", raw_text=f"{count} {chip}", confidence=0.5,
                     evidence=Evidence(page, sentence, 0, 5, "experiments"), extractor="hardware@test",
                     features=dict(features))


# ------------------------------------------------------------ labels (score.py semantics)

def test_labels_follow_score_semantics():
    assert same("hardware", {"chip": "Tesla V100", "count": 16, "unit": "cores"}, {"chip": "V100", "count": 8})
    assert same("hardware", {"chip": "TPU v3", "count": 4, "unit": "devices"}, {"chip": "TPUv3", "count": 16})
    assert not same("hardware", {"chip": "V100", "count": 8}, {"chip": "P100", "count": 8})
    assert same("training_time", {"hours": 100, "kind": "wall"}, {"hours": 84, "hours_range": [72, 96]})
    assert not same("training_time", {"hours": 84, "kind": "chip-hours"}, {"hours": 84})
    assert same("results", {"dataset": "ImageNet", "metric": "top-1 error", "value": 23.0},
                {"dataset": "imagenet", "metric": "top-1 accuracy", "value": 77.0})
    assert label_of("results", {"dataset": "MyOwnSet", "metric": "F1", "value": 1.0}, []) is None  # not scored
    assert label_of("hardware", {"chip": "V100", "count": 8}, None) is None  # paper unlabelled for the field
    table = score_table({"p": {"hardware": [{"chip": "V100", "count": 8}, {"chip": "K80", "count": 2}]}},
                        {"p": {"hardware": [{"chip": "V100", "count": 8, "confidence": 0.9},
                                            {"chip": "A100", "count": 8, "confidence": 0.7},
                                            {"chip": "K80", "count": 2, "confidence": 0.3}]}})
    assert table["hardware"]["precision"] == 0.5 and table["hardware"]["recall"] == 0.5


# ------------------------------------------------------------ fitting and calibration

def synthetic_examples(n_papers=40, per_paper=12, seed=1):
    """Labels drawn from a known logistic model: logit = -1 + 2.5*own - 2*cited + 0.8*mentions."""
    rng = np.random.default_rng(seed)
    out, truth = [], []
    for p in range(n_papers):
        for _ in range(per_paper):
            own, cited, mentions = rng.random() < 0.5, rng.random() < 0.3, int(rng.integers(1, 4))
            prob = 1 / (1 + np.exp(-(-1 + 2.5 * own - 2 * cited + 0.8 * mentions)))
            out.append(Example(f"paper{p}", {"own_work": bool(own), "cited_subject": bool(cited), "n_mentions": mentions,
                                             "section": "body"}, int(rng.random() < prob)))
            truth.append(prob)
    return out, np.array(truth)


def test_fit_learns_the_signs_of_a_known_model():
    examples, _ = synthetic_examples()
    model = fit("hardware", examples, l2=1.0)
    weights = dict(zip(model.columns, model.weights))
    assert weights["own_work"] > 0.5 and weights["n_mentions"] > 0.2
    # A citation is read both as its own column and in the negative-cue counts: together they push down.
    assert weights["cited_subject"] + weights["n_negative_cues"] + weights["any_negative_cue"] < -0.5
    good = model.probability({"own_work": True, "n_mentions": 3})
    bad = model.probability({"cited_subject": True, "n_mentions": 1})
    assert good > 0.85 and bad < 0.2


def test_calibration_on_synthetic_data_where_the_truth_is_known():
    train_set, _ = synthetic_examples(seed=2)
    test_set, true_p = synthetic_examples(n_papers=60, seed=3)
    model = fit("hardware", train_set, l2=1.0)
    p = model.probabilities([ex.features for ex in test_set])
    y = np.array([ex.label for ex in test_set], dtype=float)
    # The fitted model is nearly as good as the generating one, and far better than a constant.
    assert brier(p, y) < brier(true_p, y) + 0.01
    assert brier(p, y) < brier(np.full(len(y), y.mean()), y) - 0.05
    table = reliability(p, y)
    assert sum(b["n"] for b in table) == len(y)
    for b in table:
        if b["n"] >= 60:  # populated bins: observed share close to the mean predicted probability
            assert abs(b["observed"] - b["mean_probability"]) < 0.12, b


def test_a_cue_seen_in_one_paper_only_gets_no_column():
    examples = [Example("a", {"own_work": True, "rare_cue": True}, 1), Example("b", {"own_work": True}, 1),
                Example("b", {"own_work": False}, 0), Example("c", {"own_work": False}, 0)]
    assert choose_columns(examples, set()) == ["own_work"] or "rare_cue" not in choose_columns(examples, set())


def test_model_file_round_trip_and_unknown_features(tmp_path):
    examples, _ = synthetic_examples(n_papers=10)
    model = fit("hardware", examples)
    model.report = {"data": {"candidates": len(examples)}, "cv": {"precision": 0.9}}
    path = save_model(model, tmp_path)
    loaded = load_models(tmp_path)["hardware"]
    feats = [{"own_work": True, "n_mentions": 2, "added_later": 3.0}, {"cited_subject": True}]
    assert np.allclose(loaded.probabilities(feats), model.probabilities(feats))
    assert json.loads(path.read_text())["cv"]["precision"] == 0.9
    data = json.loads(path.read_text())
    data["weights"] = data["weights"][:-1]
    with pytest.raises(ValueError):
        FieldModel.from_json(data)


def test_score_and_select_uses_the_model_and_falls_back_to_rules(tmp_path):
    model = FieldModel("hardware", ["own_work"], [0.5], [0.5], [3.0], 0.0)
    cands = [hw(8, own_work=True), hw(2, chip="K80", own_work=False)]
    score_and_select(cands, {"hardware": model})
    assert cands[0].is_best and cands[0].confidence > 0.9
    assert not cands[1].is_best and cands[1].confidence < 0.1
    rules = [hw(8, own_work=True)]
    rules[0].confidence = 0.7
    score_and_select(rules, {})  # no model: the rule confidence decides
    assert rules[0].is_best and rules[0].confidence >= 0.7


# ------------------------------------------------------------ grouped cross-validation

def synthetic_papers(n=20):
    papers, gold = [], {}
    for i in range(n):
        true = hw(8, page=1, own_work=True, training_strong=True)
        decoy = hw(4, chip="K80", page=2, cited_subject=True, et_al=True)
        papers.append(Paper(f"p{i}", [true, decoy], pages=10))
        gold[f"p{i}"] = {"hardware": [{"chip": "V100", "count": 8, "unit": "chips"}]}
    return papers, gold


def test_folds_group_papers():
    folds = fold_of([f"p{i}" for i in range(23)], 5)
    assert sorted(set(folds.values())) == [0, 1, 2, 3, 4]
    assert max(list(folds.values()).count(k) for k in range(5)) - min(list(folds.values()).count(k) for k in range(5)) <= 1


def test_cross_validation_scores_held_out_papers_after_selection():
    papers, gold = synthetic_papers()
    cv = cross_validate("hardware", papers, gold, k=5, l2=1.0)  # 40 candidates: a light penalty
    assert cv["labels"] == 20 and cv["predictions"] == 20
    assert cv["precision"] == 1.0 and cv["recall"] == 1.0
    assert cv["brier"] < 0.05 and sum(b["n"] for b in cv["reliability"]) == 40


def test_train_writes_models_and_report_and_counts_review_labels(tmp_path):
    papers, gold = synthetic_papers()
    reviews = [Example("review:2401.00001", {"own_work": True, "_field": "hardware"}, 1, "review"),
               Example("review:2401.00002", {"et_al": True, "_field": "hardware"}, 0, "review")]
    report = train(papers, gold, fields=("hardware", "stated_compute"), k=4, review_examples=reviews,
                   out_dir=tmp_path, report_path=tmp_path / "training_report.json")
    assert (tmp_path / "hardware.json").is_file() and not (tmp_path / "stated_compute.json").exists()
    r = report["fields"]["hardware"]
    assert r["shipped"] and r["data"]["review_labels"] == 2 and r["data"]["review_positives"] == 1
    assert r["cv"]["recall"] == 1.0 and r["in_sample"]["precision"] == 1.0
    assert json.loads((tmp_path / "training_report.json").read_text())["review_labels"] == 2


def test_the_shipped_models_load_and_carry_their_report():
    from extractors.scoring.model import MODEL_DIR

    load_models.cache_clear()
    models = load_models(MODEL_DIR)
    assert models, "no model file shipped in extractors/scoring/models (run `progress scorer train`)"
    for field, model in models.items():
        assert field in ("hardware", "training_time", "stated_compute", "throughput", "results")
        assert len(model.columns) == len(model.weights) > 0
        for key in ("trained_at", "data", "cv", "in_sample"):
            assert key in model.report, (field, key)
        assert model.report["cv"]["folds"] >= 2 and model.report["cv"]["brier"] is not None
        p = model.probabilities([{}, {"own_work": True, "training_strong": True}])
        assert ((0 <= p) & (p <= 1)).all()


def test_one_example_per_paper_and_value_the_mention_the_rules_rate_highest():
    from extractors.scoring.train import examples_for

    weak = hw(8, page=1, rule_confidence=0.4)
    strong = hw(8, page=5, rule_confidence=0.8, own_work=True)
    other = hw(2, chip="K80", page=3, rule_confidence=0.6)
    papers = [Paper("p1", [weak, strong, other], pages=9)]
    gold = {"p1": {"hardware": [{"chip": "V100", "count": 8, "unit": "chips"}]}}
    heads = examples_for("hardware", papers, gold)
    assert sorted((ex.label, ex.features["rule_confidence"]) for ex in heads) == [(0, 0.6), (1, 0.8)]
    every = examples_for("hardware", papers, gold, one_per_value=False)
    assert len(every) == 3 and sum(ex.label for ex in every) == 2


def test_out_of_fold_candidates_carry_held_out_probabilities_and_selection():
    from extractors.scoring.train import cross_validate_seeds, out_of_fold

    papers, gold = synthetic_papers()
    held = out_of_fold("hardware", papers, gold, k=5, l2=1.0)
    assert sorted(h.paper_id for h in held) == sorted(p.paper_id for p in papers)
    for h in held:
        best = [c for c in h.candidates if c.is_best]
        assert [c.attrs["count"] for c in best] == [8] and best[0].confidence > 0.5
        # the held-out copies are scored, the paper's own candidates are left alone
        assert all(c.confidence == 0.5 for p in papers for c in p.candidates)
    total = cross_validate_seeds("hardware", papers, gold, k=5, seeds=(0, 1), l2=1.0)
    assert total["labels"] == 40 and total["precision"] == 1.0 and total["f1"] == 1.0
