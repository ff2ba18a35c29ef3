"""Operation-count inputs (extractors/operations.py): each form in our own wording, and the traps.

Sentences are written for these tests (paraphrases of how papers state these figures), never copied
from a corpus paper.
"""
from __future__ import annotations

import pytest

from extractors import cues, datasets, operations
from extractors.document import Sentence, TableRegion


def _sentences(*texts: str, section: str = "experiments") -> list[Sentence]:
    return [Sentence(page=3, text=t, section=section, index=i) for i, t in enumerate(texts)]


def _best(texts, field, own=frozenset({"FooNet"}), tables=(), section="experiments"):
    found = operations.extract_operation_inputs(_sentences(*texts, section=section), own_names=own, tables=tables,
                                                title_vocabulary=frozenset({"foonet"}))
    operations.select_best(found)
    return [c for c in found if c.field == field and c.is_best]


# --- forward cost -----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, flops, kind", [
    ("Our FooNet-L needs 4.1 GFLOPs per image at 224 x 224 resolution.", 4.1e9, "flops"),
    ("The resulting network costs 600M Mult-Adds, well within the mobile setting.", 6e8, "multiadds"),
    ("With 11.3 billion FLOPs, our deepest FooNet is still cheaper than the wide variants.", 1.13e10, "flops"),
    ("Our model runs at 0.39 GMACs per forward pass.", 3.9e8, "multiadds"),
    ("FooNet-B has 2.3 × 10^9 FLOPs in total for one 224-pixel crop.", 2.3e9, "flops"),
])
def test_forward_cost_forms(text, flops, kind):
    best = _best([text], "forward_flops")
    assert [(c.attrs["flops"], c.attrs["kind"]) for c in best] == [(pytest.approx(flops), kind)]
    assert best[0].features["pattern"] == "prose" and best[0].evidence.match in text


def test_flops_a_paper_defines_as_multiply_adds_are_multiply_adds():
    texts = ["Our plain 34-layer network has 2.9 billion FLOPs (multiply-adds), a fraction of the older design.",
             "The 50-layer FooNet has 4.0 billion FLOPs."]
    kinds = {c.attrs["flops"]: c.attrs["kind"] for c in _best(texts, "forward_flops")}
    assert kinds == {2.9e9: "multiadds", 4.0e9: "multiadds"}


@pytest.mark.parametrize("text", [
    "BarNet [12] requires 7.8 GFLOPs for a single image.",                    # a cited model's cost
    "Compared to 5.7 GFLOPs of the baseline, our change is small.",          # a baseline in a comparison
    "Our pruning reduces FLOPs by 1.2 GFLOPs without hurting accuracy.",      # a difference, not a cost
    "Each accelerator sustains 125 TFLOPS in mixed precision.",              # a chip's rate
    "The model was trained with 3.1e21 FLOPs in total.",                     # a training total (stated_compute)
    "Latency is 12 ms per image on one phone core.",                         # latency, no operation count
])
def test_forward_cost_negatives(text):
    assert _best([text], "forward_flops") == []


def test_flops_column_in_a_table_of_other_models_keeps_only_our_row():
    table = TableRegion(page=5, caption="Table 2: ImageNet results of efficient models.", rows=[
        ["Model", "Params (M)", "FLOPs (G)", "Top-1"],
        ["BazNet [7]", "25.6", "4.1", "76.1"],
        ["QuxNet-S [9]", "11.7", "1.8", "70.2"],
        ["FooNet-S (ours)", "9.3", "1.2", "77.0"],
    ])
    flops = _best([], "forward_flops", tables=[table])
    params = _best([], "parameters", tables=[table])
    assert [(c.attrs["flops"], c.features["model_label"]) for c in flops] == [(pytest.approx(1.2e9), "FooNet-S (ours)")]
    assert [c.attrs["parameters"] for c in params] == [pytest.approx(9.3e6)]
    assert flops[0].features["in_table"] and flops[0].features["own_row"]


# --- parameters -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("Our FooNet-B has 25.6M parameters and fits on a phone.", 2.56e7),
    ("We train a 175B-parameter language model on a large text corpus.", 1.75e11),
    ("In total, our model contains 340 million parameters.", 3.4e8),
    ("The number of parameters of our final model is 86M.", 8.6e7),
])
def test_parameter_forms(text, value):
    assert [c.attrs["parameters"] for c in _best([text], "parameters")] == [pytest.approx(value)]


@pytest.mark.parametrize("text", [
    "GPT-7 (Smith et al., 2020) has 175B parameters, far more than ours.",  # a cited model
    "Model parallelism keeps about 1 billion parameters per GPU.",          # a rate, not a size
    "We tune 5 hyperparameters on the validation set.",                     # hyper-parameters
])
def test_parameter_negatives(text):
    assert _best([text], "parameters", own=frozenset({"FooNet"})) == []


# --- epochs and steps -------------------------------------------------------------------------------

def test_epochs_with_schedule_points_ignored():
    text = ("We train FooNet for 120 epochs on ImageNet, cutting the learning rate tenfold every 30 epochs, "
            "with a linear warm-up over the first 5 epochs.")
    best = _best([text], "epochs")
    assert [c.attrs["epochs"] for c in best] == [120.0]
    assert best[0].attrs["dataset"] == "ImageNet-1k" and best[0].attrs["phase"] == "training"


def test_epoch_axis_of_a_figure_is_not_a_schedule():
    assert _best(["0 40 80 120 160 200 Epochs"], "epochs") == []


def test_steps_with_batch_size():
    text = "Our model is trained for 300k steps; each batch holds 4096 images."
    best = _best([text], "steps")
    assert [(c.attrs["steps"], c.attrs["batch_size"], c.attrs["batch_unit"]) for c in best] == [(3e5, 4096.0, "examples")]


@pytest.mark.parametrize("text, steps", [
    ("Our detector is trained for 1.2 × 10^5 iterations with a mini-batch of 32 images.", 1.2e5),
    ("We run FooNet for 3x10^4 steps with a batch of 512 images.", 3e4),
    ("Training runs for 45 · 10^4 iterations with a batch of 64 images.", 4.5e5),
])
def test_steps_written_as_a_power_of_ten(text, steps):
    best = _best([text], "steps")
    assert [c.attrs["steps"] for c in best] == [steps] and best[0].attrs["batch_unit"] == "examples"
    cues.ablate(["ops_steps_power_of_ten"])
    try:
        assert _best([text], "steps") == []
    finally:
        cues.ablate([])


def test_a_learning_rate_in_powers_of_ten_is_no_step_count():
    text = "The learning rate starts at 4 × 10^-4 and the batch holds 128 images; warm-up takes 500 steps."
    assert _best([text], "steps") == []


@pytest.mark.parametrize("text, steps, batch_tokens", [
    # a batch counted as a rate of tokens (or words) per batch
    ("FooNet is pretrained for 400k steps, roughly 1M tokens per batch.", 4e5, 1e6),
    ("We ran 200k updates of FooNet with 64k words/batch.", 2e5, 6.4e4),
    # a batch counted in words is a batch counted in tokens
    ("FooNet ran for 150,000 steps; its batch size was 96,000 words.", 1.5e5, 9.6e4),
    # a batch of sequences whose length the sentence gives
    ("We pretrain FooNet for 500k steps on batches of 1024 sequences with a sequence length of 256.", 5e5, 1024 * 256),
    ("Every FooNet run uses sequences of 2048 tokens at a batch size of 300 for 150k iterations.", 1.5e5, 300 * 2048),
    ("A batch holds 64 sequences * 512 tokens, and FooNet trains for 90,000 steps.", 9e4, 64 * 512),
])
def test_a_language_models_batch_counted_in_tokens(text, steps, batch_tokens):
    best = _best([text], "steps")
    assert [(c.attrs["steps"], c.attrs["batch_size"], c.attrs["batch_unit"]) for c in best] == \
        [(steps, float(batch_tokens), "tokens")]


@pytest.mark.parametrize("text, rule", [
    ("We pretrain FooNet for 500k steps on batches of 1024 sequences with a sequence length of 256.",
     "ops_batch_sequence_length"),
    ("FooNet ran for 150,000 steps; its batch size was 96,000 words.", "ops_batch_token_units"),
])
def test_batch_token_rules_switch_off(text, rule):
    cues.ablate([rule])
    try:
        best = _best([text], "steps")
    finally:
        cues.ablate([])
    assert [c.attrs["batch_unit"] for c in best] == ["examples"]


@pytest.mark.parametrize("text, batch, unit", [
    # images are no sequences: a sequence length elsewhere in the sentence does not multiply them
    ("FooNet sees 256 images per batch for 300k steps, and its text encoder reads sequences of 77 tokens.",
     None, None),
    ("FooNet trains for 300k steps with a batch of 256 images; the caption encoder has a sequence length of 77.",
     256.0, "examples"),
    # a percentage is not a length
    ("Using batches of 128, FooNet trains for 100k steps on sequences of 90% English text.", 128.0, "examples"),
])
def test_sequence_lengths_that_do_not_make_a_batch_of_tokens(text, batch, unit):
    best = _best([text], "steps")
    assert [(c.attrs.get("batch_size"), c.attrs.get("batch_unit")) for c in best] == [(batch, unit)]


def test_each_run_of_a_sentence_keeps_the_batch_of_its_own_clause():
    text = ("The baseline ran 1M steps with a batch of 16k tokens; "
            "FooNet ran 600k steps with a batch of 64k tokens.")
    found = operations.extract_operation_inputs(_sentences(text), own_names=frozenset({"FooNet"}))
    batches = {c.attrs["steps"]: c.attrs["batch_size"] for c in found if c.field == "steps"}
    assert batches == {1e6: 1.6e4, 6e5: 6.4e4}
    cues.ablate(["ops_batch_same_clause"])
    try:
        found = operations.extract_operation_inputs(_sentences(text), own_names=frozenset({"FooNet"}))
    finally:
        cues.ablate([])
    assert {c.attrs["batch_size"] for c in found if c.field == "steps"} == {1.6e4}


def test_steps_batch_in_tokens_and_warmup_steps_ignored():
    texts = ["We use 4000 warm-up steps and train the big model for 250,000 steps.",
             "Each training batch holds about 25000 tokens."]
    best = _best(texts, "steps")
    assert [(c.attrs["steps"], c.attrs.get("batch_unit")) for c in best] == [(2.5e5, "tokens")]


# --- tokens and the training set ---------------------------------------------------------------------

def test_training_tokens_and_not_vocabulary_or_context():
    texts = ["Our largest model is trained on 300B tokens of filtered web text.",
             "The vocabulary has 50 thousand tokens and the context holds 2 million tokens at most."]
    assert [c.attrs["tokens"] for c in _best(texts, "training_tokens")] == [3e11]


def test_training_set_from_the_catalog_and_a_stated_size_wins():
    named = _best(["We train all FooNet models on ImageNet with standard augmentation."], "training_set")
    assert [(c.attrs["dataset"], c.attrs["examples"], c.attrs["size_source"]) for c in named] == \
        [("ImageNet-1k", 1281167.0, "catalog")]
    stated = _best(["We train on the COCO train split, which holds 117k images."], "training_set")
    assert [(c.attrs["dataset"], c.attrs["examples"], c.attrs["size_source"]) for c in stated] == \
        [("COCO train2017", 117000.0, "paper")]


def test_a_dataset_only_evaluated_on_is_not_a_training_set():
    assert _best(["Results on the COCO test-dev server are listed in Table 4."], "training_set") == []


def test_candidates_carry_provenance_and_features():
    best = _best(["Our FooNet-L needs 4.1 GFLOPs per image."], "forward_flops")[0]
    assert best.extractor == operations.OPERATIONS_VERSION and best.evidence.page == 3
    assert best.evidence.sentence.startswith("Our FooNet-L") and best.raw_text == "4.1 GFLOPs"
    assert {"pattern", "section", "own", "cited", "kind", "model_label"} <= set(best.features)
    assert best.features["model_label"] == "FooNet-L"


# --- the catalog ------------------------------------------------------------------------------------

def test_catalog_sizes_have_sources_and_aliases_resolve():
    entries = {e.name: e for e in datasets.catalog()}
    assert entries["ImageNet-1k"].examples == 1281167 and entries["COCO train2017"].examples == 118287
    assert entries["SQuAD 1.1"].examples == 87599 and entries["WMT14 EN-DE"].examples == 4_500_000
    assert all(e.source for e in entries.values())
    assert datasets.lookup("ILSVRC-2012").name == "ImageNet-1k"
    found = [e.name for _, e in datasets.find_training_sets("pre-trained on ImageNet-21k, then fine-tuned on ImageNet")]
    assert found == ["ImageNet-21k", "ImageNet-1k"]
