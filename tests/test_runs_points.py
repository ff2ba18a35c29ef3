"""Training runs and per-paper points: each headline result gets the compute of the run behind it.

The sentences are our own wording of the traps in issue 13 (none is copied from a paper).
"""
from __future__ import annotations

import pytest

from analysis.points import build_points
from extractors.runs import annotate, link
from candidate_factory import candidate

V100 = 15.7e12  # fp32 peak of the catalog's V100 (SXM2)
P100 = 10.6e12


cand = candidate


def hw(chip, count, sentence, match, **kw):
    return cand("hardware", {"chip": chip, "count": count, "unit": "chips"}, sentence, match, **kw)


def hours(h, sentence, match, **kw):
    return cand("training_time", {"hours": float(h), "kind": "wall"}, sentence, match, **kw)


def result(dataset, metric, value, sentence, match, **kw):
    return cand("results", {"dataset": dataset, "metric": metric, "value": value}, sentence, match, **kw)


def only(points, dataset, metric):
    (point,) = [p for p in points if p.dataset == dataset and p.metric == metric]
    return point


def test_link_reads_model_size_stage_and_dataset():
    s = "Pre-training our Giraffe-large network took nine days on 32 V100 GPUs using the JFT corpus."
    run = link(hw("V100", 32, s, "32 V100 GPUs"))
    assert (run.model, run.size, run.stage, run.dataset) == ("Giraffe-large", "large", "pretraining", "JFT")
    s2 = "After that we fine-tune the base variant on SQuAD for two hours."
    run2 = link(hours(2, s2, "two hours"))
    assert (run2.size, run2.stage, run2.dataset) == ("base", "fine-tuning", "SQuAD")
    assert link(hours(2, "Starting from the pre-trained weights, every task needs under 2 hours.", "2 hours")).stage \
        == "fine-tuning"
    # A size word that does not qualify a model is not a size.
    assert link(hours(5, "Training costs a small fraction of the budget: 5 hours.", "5 hours")).size is None


def test_annotate_writes_link_features_for_the_scorer():
    s = "The small models were trained for 20 hours on 4 P100 GPUs."
    cands = [hours(20, s, "20 hours"), hw("P100", 4, s, "4 P100 GPUs")]
    annotate(cands)
    assert cands[0].features["run_size"] == "small" and cands[0].features["run_stage"] == "training"
    assert cands[1].features["run_to_target"] is False and cands[1].features["run_own"] is True


def test_dataset_clause_wins_imagenet_run_over_the_longer_other_corpus_run():
    # The ImageNet result must take the ImageNet run's days, not the longer internal-corpus run.
    s = "Our ImageNet runs needed roughly 3 days apiece, whereas the JFT runs lasted more than a month apiece."
    setup = "Every model was trained with 50 NVIDIA K80 GPUs."
    cands = [hours(72, s, "roughly 3 days"), hours(720, s, "more than a month"), hw("K80", 50, setup, "50 NVIDIA K80 GPUs"),
             result("ImageNet", "top-1 accuracy", 78.5, "Table 2 | Owlnet 0.785 0.941", "0.785", section="table")]
    point = only(build_points(cands, catalog={"K80": _spec(4.37e12)}), "ImageNet", "top-1 accuracy")
    assert point.compute_method == "hardware"
    (part,) = point.parts
    assert part.hours == 72 and part.hardware["count"] == 50
    assert point.compute_flops == pytest.approx(50 * 4.37e12 * 72 * 3600)
    assert "ImageNet" in point.why


def test_language_modelling_table_is_not_the_translation_run():
    lm = "Table 4: Perplexity on the billion-word language modeling benchmark | Ours-4k 15 hours 16 K40 31.2"
    mt = "For translation, every model of ours trained for 6 days on 64 K40 GPUs."
    cands = [hours(15, lm, "15 hours", section="table"), hw("K40", 16, lm, "16 K40", section="table"),
             hours(144, mt, "6 days"), hw("K40", 64, mt, "64 K40 GPUs"),
             result("WMT14 EN-DE", "BLEU", 26.1, "We reach 26.1 BLEU on English to German.", "26.1")]
    point = only(build_points(cands, catalog={"K40": _spec(5.0e12)}), "WMT14 EN-DE", "BLEU")
    (part,) = point.parts
    assert (part.hours, part.hardware["count"]) == (144, 64)


def test_time_to_reach_a_baseline_score_is_not_training_time():
    race = "Our reader matches the accuracy of the RNN baseline within 3 hours of training, five times sooner."
    full = "Trained to convergence, our reader takes 20 hours on one P100 GPU."
    cands = [hours(3, race, "3 hours", confidence=0.9), hours(20, full, "20 hours", best=False, confidence=0.7),
             hw("P100", 1, full, "one P100 GPU"),
             result("SQuAD 1.1", "F1", 83.0, "Our reader scores 83.0 F1 on the test set.", "83.0")]
    assert link(cands[0]).to_target
    point = only(build_points(cands, catalog={"P100": _spec(P100)}), "SQuAD 1.1", "F1")
    assert [p.hours for p in point.parts] == [20]


def test_single_gpu_question_answering_run_is_not_the_eight_gpu_one():
    big = "The translation models of this paper were trained on 8 V100 GPUs for 2 days."
    qa = "On SQuAD, our reader trains in 7 hours using a single V100 GPU."
    cands = [hours(48, big, "2 days"), hw("V100", 8, big, "8 V100 GPUs"), hours(7, qa, "7 hours"),
             hw("V100", 1, qa, "a single V100 GPU"),
             result("SQuAD 1.1", "EM", 75.0, "The reader gets 75.0 EM on SQuAD.", "75.0"),
             result("WMT14 EN-FR", "BLEU", 40.0, "We obtain 40.0 BLEU on English-French.", "40.0")]
    points = build_points(cands, catalog={"V100": _spec(V100)})
    squad, wmt = only(points, "SQuAD 1.1", "EM"), only(points, "WMT14 EN-FR", "BLEU")
    assert [(p.hours, p.hardware["count"]) for p in squad.parts] == [(7, 1)]
    assert [(p.hours, p.hardware["count"]) for p in wmt.parts] == [(48, 8)]


def test_large_model_result_sums_its_pretraining_and_fine_tuning_not_the_base_model():
    base = "Pre-training of Heron-base used 4 V100 GPUs for 3 days."
    large = "Pre-training of Heron-large used 16 V100 GPUs for 10 days."
    ft = "Fine-tuning Heron-large on SQuAD takes 2 hours on 1 V100 GPU."
    cands = [hw("V100", 4, base, "4 V100 GPUs"), hours(72, base, "3 days"),
             hw("V100", 16, large, "16 V100 GPUs"), hours(240, large, "10 days"),
             hw("V100", 1, ft, "1 V100 GPU"), hours(2, ft, "2 hours"),
             result("SQuAD 1.1", "F1", 91.0, "Table 3: SQuAD results | Heron-large 84.0 91.0", "91.0", section="table")]
    point = only(build_points(cands, catalog={"V100": _spec(V100)}), "SQuAD 1.1", "F1")
    assert [(p.stage, p.hours, p.hardware["count"]) for p in point.parts] == [
        ("pretraining", 240, 16), ("fine-tuning", 2, 1)]
    assert point.compute_flops == pytest.approx(V100 * 3600 * (16 * 240 + 1 * 2))
    assert point.parts_text() == "pretraining 16x V100 x 240 h + fine-tuning 1x V100 x 2 h"
    assert "same size (large)" in point.why and point.evidence["result"]["page"] == 5


def test_base_result_takes_the_base_run():
    base = "Pre-training of Heron-base used 4 V100 GPUs for 3 days."
    large = "Pre-training of Heron-large used 16 V100 GPUs for 10 days."
    cands = [hw("V100", 4, base, "4 V100 GPUs"), hours(72, base, "3 days"),
             hw("V100", 16, large, "16 V100 GPUs"), hours(240, large, "10 days"),
             result("CoNLL-2003", "F1", 92.0, "Table 5: NER | Heron-base 95.9 92.0", "92.0", section="table")]
    point = only(build_points(cands, catalog={"V100": _spec(V100)}), "CoNLL-2003", "F1")
    assert [(p.hours, p.hardware["count"]) for p in point.parts] == [(72, 4)]


def test_stated_compute_of_the_same_model_is_preferred_and_burden_kept():
    s = "Training Heron-large took 10 days on 16 V100 GPUs, about 2.0e21 FLOPs in total."
    cands = [hw("V100", 16, s, "16 V100 GPUs"), hours(240, s, "10 days"),
             cand("stated_compute", {"flops": 2.0e21}, s, "2.0e21 FLOPs"),
             result("ImageNet", "top-1 accuracy", 85.0, "Heron-large reaches 85.0% top-1 accuracy.", "85.0")]
    point = only(build_points(cands, catalog={"V100": _spec(V100)}), "ImageNet", "top-1 accuracy")
    assert point.compute_method == "stated" and point.compute_flops == 2.0e21
    assert point.hardware_flops == pytest.approx(16 * V100 * 240 * 3600)
    assert "stated_compute" in point.evidence


def test_result_without_any_linked_time_has_no_compute_and_says_why():
    cands = [hw("V100", 8, "We use 8 V100 GPUs.", "8 V100 GPUs"),
             result("COCO", "AP", 44.0, "Our detector gets 44.0 AP.", "44.0")]
    (point,) = build_points(cands, catalog={"V100": _spec(V100)})
    assert point.compute_flops is None and point.compute_method is None
    assert "no training time" in point.why


def test_related_work_and_low_confidence_candidates_are_not_runs():
    rw = "The earlier detector was trained for 30 days on 128 V100 GPUs."
    ours = "We train for 1 day on 8 V100 GPUs."
    cands = [hours(720, rw, "30 days", section="related_work"), hw("V100", 128, rw, "128 V100 GPUs", section="related_work"),
             hours(24, ours, "1 day"), hw("V100", 8, ours, "8 V100 GPUs"),
             hours(500, "Maybe 500 hours would help.", "500 hours", best=False, confidence=0.2),
             result("COCO", "AP", 44.0, "Our detector gets 44.0 AP.", "44.0")]
    (point,) = build_points(cands, catalog={"V100": _spec(V100)})
    assert [(p.hours, p.hardware["count"]) for p in point.parts] == [(24, 8)]


class _spec:
    """A minimal chip spec (catalog entries are looked up by name)."""

    def __init__(self, fp32):
        self.name, self.kind, self.peak = "chip", "gpu", {"fp32": fp32}


def test_a_stated_range_of_time_is_taken_at_its_upper_end_as_the_study_does():
    s = "Depending on the depth, one network takes two to three weeks on 4 V100 GPUs."
    time = cand("training_time", {"hours": 420.0, "kind": "wall", "hours_range": [336.0, 504.0]}, s,
                "two to three weeks")
    cands = [time, hw("V100", 4, s, "4 V100 GPUs"),
             result("ImageNet", "top-1 accuracy", 74.0, "Table 3 | Owlnet-19 26.0 8.1", "26.0", section="table")]
    point = only(build_points(cands, catalog={"V100": _spec(V100)}), "ImageNet", "top-1 accuracy")
    (part,) = point.parts
    assert part.hours == 504.0 and "upper end" in part.why
    assert point.compute_flops == pytest.approx(4 * V100 * 504 * 3600)
    assert (point.flops_low, point.flops_high) == (pytest.approx(4 * V100 * 336 * 3600),
                                                   pytest.approx(4 * V100 * 504 * 3600))
    # The candidate itself (the evidence, what the labels judge) keeps the value as read.
    assert part.training_time["hours"] == 420.0


def test_a_single_time_or_a_chip_hour_total_is_left_as_it_is():
    s = "Training lasts 3 days on 8 V100 GPUs."
    cands = [hours(72, s, "3 days"), hw("V100", 8, s, "8 V100 GPUs"),
             result("COCO", "AP", 40.0, "Our detector gets 40.0 AP.", "40.0")]
    (point,) = build_points(cands, catalog={"V100": _spec(V100)})
    assert point.parts[0].hours == 72 and "upper end" not in point.why
    from analysis.points import run_hours
    attrs = {"hours": 300.0, "kind": "chip-hours", "hours_range": [200.0, 400.0]}
    assert run_hours(attrs) == (attrs, "")
