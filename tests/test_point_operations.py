"""Both measures on a point: the plotted model's network operations from its own inputs, search and
decoding statements kept out of its training, and the flagged fallback to the paper's main run.

Every sentence is our own wording of a form papers use (none is copied from a paper).
"""
from __future__ import annotations

import pytest

from analysis.points import build_points
from extractors import cues, operations
from extractors.document import Sentence
from extractors.runs import depth_of, is_inference, is_search, link, model_family
from candidate_factory import candidate

IMAGENET = 1281167  # extractors/datasets.yaml, ImageNet-1k
COCO = 118287


def cand(field, attrs, sentence, match, **kw):
    return candidate(field, attrs, sentence, match, value=1.0, **kw)


def result(dataset, metric, value, sentence, match, **kw):
    return cand("results", {"dataset": dataset, "metric": metric, "value": value}, sentence, match, **kw)


def forward(flops, sentence, match, kind="flops", **kw):
    return cand("forward_flops", {"flops": flops, "kind": kind}, sentence, match, **kw)


def epochs(n, sentence, match, phase="training", **kw):
    return cand("epochs", {"epochs": float(n), "phase": phase}, sentence, match, **kw)


def only(points, dataset, metric):
    (point,) = [p for p in points if p.dataset == dataset and p.metric == metric]
    return point


def test_forward_cost_comes_from_the_results_own_table_row():
    small = "Table 2: ImageNet accuracy and cost | Heron-S 76.1 1.2G"
    large = "Table 2: ImageNet accuracy and cost | Heron-L 82.3 9.6G"
    sched = "All Heron networks are trained on ImageNet for 120 epochs with a cosine schedule."
    cands = [forward(1.2e9, small, "1.2G", section="table"), forward(9.6e9, large, "9.6G", section="table"),
             epochs(120, sched, "120 epochs"),
             result("ImageNet", "top-1 accuracy", 82.3, large, "82.3", section="table")]
    point = only(build_points(cands, catalog={}), "ImageNet", "top-1 accuracy")
    assert point.operations_flops == pytest.approx(9.6e9 * 3 * 120 * IMAGENET)
    assert point.operations["inputs"]["forward_flops"] == 9.6e9
    assert "same row/sentence as the result" in point.operations["why"]
    # The result's own data set gave the training-set size (no size stated in the paper).
    (stage,) = point.operations["inputs"]["stages"]
    assert stage["size_source"].startswith("catalog") and stage["epochs"] == 120
    # Without a hardware burden the operation count is the point's compute, and it says so.
    assert point.compute_method == "arithmetic" and point.fallback is None
    assert "network operations only" in point.why


def test_multiply_adds_are_doubled_and_the_epochs_of_another_data_set_are_another_run():
    cost = "Our Plover-50 backbone needs 4 billion multiply-adds per 224x224 image."
    cls = "For classification the Plover-50 model is trained for 100 epochs on ImageNet."
    det = "The detector is fine-tuned for 24 epochs on COCO."
    cands = [forward(4e9, cost, "4 billion multiply-adds", kind="multiadds"),
             cand("epochs", {"epochs": 24.0, "phase": "finetuning", "dataset": "COCO train2017"}, det, "24 epochs"),
             cand("epochs", {"epochs": 100.0, "phase": "training", "dataset": "ImageNet-1k"}, cls, "100 epochs"),
             result("ImageNet", "top-1 accuracy", 78.0, "Table 1 | Plover-50 78.0", "78.0", section="table")]
    point = only(build_points(cands, catalog={}), "ImageNet", "top-1 accuracy")
    assert point.operations_flops == pytest.approx(2 * 4e9 * 3 * 100 * IMAGENET)
    assert all(s["training_set"] != "COCO train2017" for s in point.operations["inputs"]["stages"])


def test_a_schedule_naming_no_data_set_is_not_guessed_in_a_paper_training_on_several():
    cost = "The 34-layer Ibis network costs 3.5 GFLOPs."
    steps = "We stop after 60k iterations with a mini-batch of 128."
    cifar = "On the small-image benchmark we train on CIFAR-10 from scratch."
    cands = [forward(3.5e9, cost, "3.5 GFLOPs"),
             cand("steps", {"steps": 6e4, "batch_size": 128.0, "batch_unit": "examples", "phase": "training"},
                  steps, "60k iterations"),
             cand("training_set", {"dataset": "CIFAR-10", "examples": 50000.0, "phase": "training"}, cifar,
                  "CIFAR-10"),
             result("ImageNet", "top-1 error", 21.0, "Table 3 | Ibis-34 21.0", "21.0", section="table")]
    point = only(build_points(cands, catalog={}), "ImageNet", "top-1 error")
    assert point.operations_flops is None and point.compute_flops is None
    assert "name no data set and the paper trains on several" in point.operations["why"]


def test_fewer_examples_than_one_epoch_is_a_warm_up_not_the_run():
    cost = "Each forward pass of Wren-B takes 5 GFLOPs."
    warm = "We warm up with 2000 steps at a batch size of 256 images on ImageNet."
    cands = [forward(5e9, cost, "5 GFLOPs"),
             cand("steps", {"steps": 2000.0, "batch_size": 256.0, "batch_unit": "examples", "phase": "training"},
                  warm, "2000 steps"),
             result("ImageNet", "top-1 accuracy", 80.0, "Table 1 | Wren-B 80.0", "80.0", section="table")]
    point = only(build_points(cands, catalog={}), "ImageNet", "top-1 accuracy")
    assert point.operations_flops is None and "less than one epoch" in point.operations["why"]


def test_language_model_uses_six_n_d_with_the_larger_of_corpus_size_and_steps():
    params = "Our Swallow-large model has 340M parameters."
    corpus = "The pre-training corpus holds 3 billion words."
    steps = "We pre-train for 500k steps with batches of 128k tokens."
    cands = [cand("parameters", {"parameters": 3.4e8}, params, "340M parameters"),
             cand("training_tokens", {"tokens": 3e9}, corpus, "3 billion words"),
             cand("steps", {"steps": 5e5, "batch_size": 1.28e5, "batch_unit": "tokens", "phase": "pretraining"},
                  steps, "500k steps"),
             result("SQuAD 1.1", "F1", 90.0, "Table 2 | Swallow-large 90.0", "90.0", section="table")]
    point = only(build_points(cands, catalog={}), "SQuAD 1.1", "F1")
    assert point.operations_flops == pytest.approx(6 * 3.4e8 * 5e5 * 1.28e5)
    assert point.operations["formula"] == "6 x parameters x tokens"


def test_a_point_carries_both_measures():
    setup = "Training the Gannet model took 4 days on 8 V100 GPUs."
    cost = "Gannet runs at 2 GFLOPs per image."
    sched = "We train Gannet for 90 epochs on ImageNet."
    cands = [cand("hardware", {"chip": "V100", "count": 8, "unit": "chips"}, setup, "8 V100 GPUs"),
             cand("training_time", {"hours": 96.0, "kind": "wall"}, setup, "4 days"),
             forward(2e9, cost, "2 GFLOPs"), epochs(90, sched, "90 epochs"),
             result("ImageNet", "top-1 accuracy", 77.0, "Table 1 | Gannet 77.0", "77.0", section="table")]
    point = only(build_points(cands), "ImageNet", "top-1 accuracy")
    assert point.compute_method == "hardware"
    assert point.hardware_flops == pytest.approx(8 * 15.7e12 * 96 * 3600)
    assert point.operations_flops == pytest.approx(2e9 * 3 * 90 * IMAGENET)
    assert "operations:" in point.why and point.fallback is None


@pytest.mark.parametrize("sentence, search", [
    ("The architecture search took 5 days on 32 TPUv3 chips.", True),
    ("Each sampled child model trains for 10 minutes on the proxy task.", True),
    ("We tune the learning rate with a grid search over five values.", True),
    ("The final network found by the search is then trained for 3 days on 8 GPUs.", False),
    ("At inference we use beam search with a beam of 5.", False),
    ("Training the model took 3 days on 8 GPUs.", False),
])
def test_search_statements(sentence, search):
    assert is_search(sentence) is search


@pytest.mark.parametrize("sentence, inference", [
    ("Decoding the whole test set takes 40 minutes on one GPU.", True),
    ("Inference time is 25 ms per image on a single V100.", True),
    ("Training and decoding took two days in total.", False),
    ("All runs use the same beam width for decoding.", False),
])
def test_decoding_statements(sentence, inference):
    assert is_inference(sentence) is inference


def test_a_search_alone_is_the_points_search_stage_never_its_training_stage():
    search = "The architecture search took 5 days on 32 TPUv3 chips."
    cands = [cand("hardware", {"chip": "TPU v3", "count": 32, "unit": "chips"}, search, "32 TPUv3 chips"),
             cand("training_time", {"hours": 120.0, "kind": "wall"}, search, "5 days"),
             result("ImageNet", "top-1 accuracy", 76.0, "Table 1 | Finch-A 76.0", "76.0", section="table")]
    assert link(cands[1]).search and link(cands[1]).as_features()["run_search"] is True
    point = only(build_points(cands), "ImageNet", "top-1 accuracy")
    assert [p.stage for p in point.parts] == ["search"]
    assert point.compute_method == "hardware" and point.compute_flops == point.parts[0].flops


def test_fine_tuning_time_alone_is_not_a_pretrained_models_compute():
    pre = "We pre-train the Tern-large model on a large web corpus."
    tune = "Fine-tuning Tern-large on SQuAD takes 1 hour on 1 V100 GPU."
    cands = [cand("training_set", {"dataset": "web", "examples": 1e9, "phase": "pretraining"}, pre, "web corpus",
                  best=False, confidence=0.3),
             cand("hardware", {"chip": "V100", "count": 1, "unit": "chips"}, tune, "1 V100 GPU"),
             cand("training_time", {"hours": 1.0, "kind": "wall"}, tune, "1 hour"),
             result("SQuAD 1.1", "F1", 88.0, "Table 2 | Tern-large 88.0", "88.0", section="table")]
    # The low-confidence pretraining statement is no operation input, but it says the model was pretrained.
    point = only(build_points(cands), "SQuAD 1.1", "F1")
    assert point.hardware_flops is None and point.compute_flops is None
    assert "only a fine-tuning time is linked" in point.why


def test_fallback_to_the_papers_main_run_is_flagged():
    # The only time belongs to the base size; the result is the large model's: no linked run, so the
    # paper's main run stands in, and the point says so.
    setup = "The base configuration trains in 2 days on 4 V100 GPUs."
    cands = [cand("hardware", {"chip": "V100", "count": 4, "unit": "chips"}, setup, "4 V100 GPUs"),
             cand("training_time", {"hours": 48.0, "kind": "wall"}, setup, "2 days"),
             result("ImageNet", "top-1 accuracy", 84.0, "Table 4 | Stork-large 84.0", "84.0", section="table")]
    point = only(build_points(cands), "ImageNet", "top-1 accuracy")
    assert point.fallback == "hardware" and point.compute_method == "hardware"
    assert point.hardware_flops == pytest.approx(4 * 15.7e12 * 48 * 3600)
    assert "FALLBACK" in point.why
    # A run on another data set is never the fallback.
    other = "The COCO detector trains in 2 days on 4 V100 GPUs."
    cands2 = [cand("hardware", {"chip": "V100", "count": 4, "unit": "chips"}, other, "4 V100 GPUs"),
              cand("training_time", {"hours": 48.0, "kind": "wall"}, other, "2 days"),
              result("ImageNet", "top-1 accuracy", 84.0, "Table 4 | Stork-large 84.0", "84.0", section="table")]
    point2 = only(build_points(cands2), "ImageNet", "top-1 accuracy")
    assert point2.compute_flops is None and point2.fallback is None


def test_a_search_named_earlier_in_the_sentence_covers_its_short_schedule():
    s = "We run the architecture search directly on ImageNet, but with a shortened schedule (4 epochs)."
    short = cand("epochs", {"epochs": 4.0, "phase": "training", "dataset": "ImageNet-1k"}, s, "4 epochs")
    assert link(short).search
    final = "The search is costly, while training the final model takes 350 epochs."
    assert not link(cand("epochs", {"epochs": 350.0, "phase": "training"}, final, "350 epochs")).search
    cost = "Our searched Kite-A1 network needs 300M multiply-adds."
    cands = [short, forward(3e8, cost, "300M multiply-adds", kind="multiadds"),
             result("ImageNet", "top-1 accuracy", 75.0, "Table 1 | Kite-A1 75.0", "75.0", section="table")]
    point = only(build_points(cands, catalog={}), "ImageNet", "top-1 accuracy")
    assert point.operations_flops is None


def test_a_search_run_is_a_stage_of_the_point_as_the_study_counts_nas_papers():
    search = "The architecture search took 5 days on 32 V100 GPUs."
    final = "Training the Finch-A model took 2 days on 8 V100 GPUs."
    cands = [cand("hardware", {"chip": "V100", "count": 32, "unit": "chips"}, search, "32 V100 GPUs"),
             cand("training_time", {"hours": 120.0, "kind": "wall"}, search, "5 days"),
             cand("hardware", {"chip": "V100", "count": 8, "unit": "chips"}, final, "8 V100 GPUs"),
             cand("training_time", {"hours": 48.0, "kind": "wall"}, final, "2 days"),
             result("ImageNet", "top-1 accuracy", 76.0, "Table 1 | Finch-A 76.0", "76.0", section="table")]
    point = only(build_points(cands), "ImageNet", "top-1 accuracy")
    final_run, search_run = 8 * 15.7e12 * 48 * 3600, 32 * 15.7e12 * 120 * 3600
    assert point.hardware_flops == pytest.approx(final_run + search_run)
    assert point.compute_method == "hardware" and point.compute_flops == pytest.approx(final_run + search_run)
    assert [p.stage for p in point.parts] == ["training", "search"]
    assert point.excluded == [] and "search stage counted" in point.why


def test_a_decoding_run_stays_beside_the_point():
    decode = "Decoding the test set takes 3 hours on 4 V100 GPUs."
    final = "Training the Finch-A model took 2 days on 8 V100 GPUs."
    cands = [cand("hardware", {"chip": "V100", "count": 4, "unit": "chips"}, decode, "4 V100 GPUs"),
             cand("training_time", {"hours": 3.0, "kind": "wall"}, decode, "3 hours"),
             cand("hardware", {"chip": "V100", "count": 8, "unit": "chips"}, final, "8 V100 GPUs"),
             cand("training_time", {"hours": 48.0, "kind": "wall"}, final, "2 days"),
             result("ImageNet", "top-1 accuracy", 76.0, "Table 1 | Finch-A 76.0", "76.0", section="table")]
    point = only(build_points(cands), "ImageNet", "top-1 accuracy")
    assert point.hardware_flops == pytest.approx(8 * 15.7e12 * 48 * 3600)
    (beside,) = point.excluded
    assert beside["kind"] == "decoding/inference" and "not counted, kept beside" in point.why


def test_an_architecture_tables_depth_column_is_the_results_model_of_that_depth():
    """Architecture tables head their model columns by depth ("50-layer"); the result names the model
    ("Plover-101"). The column of the same depth gives the cost, deeper and shallower ones do not."""
    table = "Table 1: Architectures for ImageNet | FLOPs: 1.9×10^9 4.0×10^9 7.7×10^9"
    sched = "All Plover networks are trained on ImageNet for 90 epochs."
    cands = [forward(f, table, raw, section="table", features={"model_label": label})
             for f, raw, label in ((1.9e9, "1.9×10^9", "26-layer"), (4.0e9, "4.0×10^9", "50-layer"),
                                   (7.7e9, "7.7×10^9", "101-layer"))]
    cands += [epochs(90, sched, "90 epochs"),
              result("ImageNet", "top-1 accuracy", 78.5, "Table 3: ImageNet | Plover-50 78.5", "78.5", section="table")]
    point = only(build_points(cands, catalog={}), "ImageNet", "top-1 accuracy")
    assert point.operations["inputs"]["forward_flops"] == 4.0e9
    assert "same depth (50 layers)" in point.operations["why"]


@pytest.mark.parametrize("name, depth", [("152-layer", 152), ("34-layers", 34), ("ResNet-50", 50), ("VGG-16", 16),
                                         ("GPT-3", None), ("T5-11B", None), ("Plover-L", None), (None, None)])
def test_depth_of_a_model_name(name, depth):
    assert depth_of(name) == depth
    if name and name[0].isdigit():
        assert model_family(name) is None  # a depth alone names no family


def test_a_forward_cost_stated_at_inference_is_the_models_while_a_decoding_time_is_not_training():
    cost = "Inference time for the Plover network stays low: 2 billion multiply-adds per image."
    sched = "The Plover network is trained on ImageNet for 90 epochs."
    decode = "Inference takes 30 hours on one GPU for the whole test set."
    cands = [forward(2e9, cost, "2 billion multiply-adds", kind="multiadds"), epochs(90, sched, "90 epochs"),
             cand("training_time", {"hours": 30.0}, decode, "30 hours"),
             result("ImageNet", "top-1 accuracy", 74.0, "Table 2: ImageNet | Plover 74.0", "74.0", section="table")]
    point = only(build_points(cands, catalog={}), "ImageNet", "top-1 accuracy")
    assert point.operations["inputs"]["forward_flops"] == 2 * 2e9
    assert point.operations_flops == pytest.approx(2 * 2e9 * 3 * 90 * IMAGENET)
    assert point.hardware_flops is None  # the decoding time is no training run


def test_a_schedule_borrowing_another_models_batch_is_that_models_run():
    texts = ["For the PloverLM models, every run feeds sequences of 1024 tokens in batches of 512.",
             "The learning rate then decays linearly over the remaining 200k iterations.",
             "Our Kestrel reader has 1.2B parameters.", "Our PloverLM-XL decoder has 2.5B parameters."]
    sentences = [Sentence(4, t, "experiments", i) for i, t in enumerate(texts)]
    own = frozenset({"Kestrel", "PloverLM"})  # the paper trains both
    found = operations.extract_operation_inputs(sentences, own_names=own)
    operations.select_best(found)
    (steps,) = [c for c in found if c.field == "steps"]
    assert (steps.attrs["batch_size"], steps.attrs["batch_unit"]) == (512 * 1024, "tokens")
    assert steps.features["model_label"] == "PloverLM"  # the model of the sentence it borrowed the batch from
    best = [c for c in found if c.is_best]
    kestrel = result("SQuAD 1.1", "F1", 91.0, "Table 3 | Kestrel 91.0", "91.0", section="table")
    plover = result("SQuAD 1.1", "EM", 84.0, "Table 4 | PloverLM-XL 84.0", "84.0", section="table")
    points = build_points(best + [kestrel, plover], catalog={})
    kestrel_point, plover_point = only(points, "SQuAD 1.1", "F1"), only(points, "SQuAD 1.1", "EM")
    assert kestrel_point.operations_flops is None
    assert "200k iterations (PloverLM's run: another model)" in kestrel_point.operations["why"]
    assert plover_point.operations_flops == pytest.approx(6 * 2.5e9 * 2e5 * 512 * 1024)
    cues.ablate(["ops_batch_model"])
    try:
        found = operations.extract_operation_inputs(sentences, own_names=own)
    finally:
        cues.ablate([])
    assert [c.features.get("model_label") for c in found if c.field == "steps"] == [None]
