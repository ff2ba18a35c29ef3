"""Named features on candidates: each cue, paraphrased, and tricky negatives (sentences written for
these tests, not taken from any paper)."""
from __future__ import annotations

import pytest

from extractors.compute import extract_stated_compute
from extractors.document import Sentence
from extractors.hardware import extract_hardware
from extractors.scoring.features import cue_counts, expand, vectorize
from extractors.scoring.paper_features import add_paper_features
from extractors.training_time import extract_training_time


def sentences(*texts: str, section: str = "experiments", page: int = 1) -> list[Sentence]:
    return [Sentence(page, t, section, i) for i, t in enumerate(texts)]


def only(cands, **attrs):
    hits = [c for c in cands if all(c.attrs.get(k) == v for k, v in attrs.items())]
    assert hits, [c.attrs for c in cands]
    return hits[0]


@pytest.mark.parametrize("text", [
    "We optimise the network with Adam on eight A100 GPUs.",
    "Our models were fit using 8 A100 GPUs over two days.",
    "Pre-training ran on a cluster of 8 NVIDIA A100 GPUs.",
])
def test_own_training_setups_carry_own_and_training_cues(text):
    cand = only(extract_hardware(sentences(text)), chip="A100", count=8)
    f = cand.features
    assert f["known_chip"] and not f["generic_chip"]
    assert f["own_work"] or f["training_cue"]
    assert f["section"] == "experiments" and f["in_table"] is False
    assert cue_counts(f)["n_negative_cues"] == 0


@pytest.mark.parametrize("text, cue", [
    ("Latency was measured on a single T4 GPU at batch size one.", "inference_cue"),
    ("Jones et al. report results with 128 V100 GPUs.", "et_al"),
    ("A search of this size would need roughly 300 V100 GPUs.", "hypothetical"),
    ("This gives a 3x speedup compared to 16 V100 GPUs.", "comparison_before"),
    ("We are grateful to the sponsor who donated 4 TITAN V cards.", "donation"),
    ("We use 64 TPUv3 chips for self-play and 16 for training.", "non_training_use_after"),
])
def test_negative_cues_are_named_features(text, cue):
    cands = extract_hardware(sentences(text))
    assert cands, text
    assert any(c.features[cue] for c in cands), [c.features for c in cands]
    assert all(cue_counts(c.features)["n_negative_cues"] >= 1 for c in cands if c.features[cue])


@pytest.mark.parametrize("text, count", [
    ("The policy was trained on 1024 Zephyr Z900 accelerators.", 1024),
    ("We fine-tune on four Q7000 GPUs.", 4),
])
def test_chips_the_catalog_does_not_know_are_still_candidates(text, count):
    # an unknown model is a generic set-up (its written name stays in the evidence), flagged for the scorer
    cand = only(extract_hardware(sentences(text)), chip="GPU", count=count)
    assert cand.features["known_chip"] is False


@pytest.mark.parametrize("text, chip, count", [
    ("The policy was trained on 1024 MI300X GPUs.", "MI300X", 1024),
    ("Our run used 16 A800 GPUs.", "A800", 16),
])
def test_catalog_chips_are_known(text, chip, count):
    cand = only(extract_hardware(sentences(text)), chip=chip, count=count)
    assert cand.features["known_chip"] is True


@pytest.mark.parametrize("text", [
    "The batch size is 32 per GPU.",
    "The whole search costs about 20 GPU hours.",
])
def test_tricky_hardware_negatives_are_not_setups(text):
    assert extract_hardware(sentences(text)) == []


@pytest.mark.parametrize("text, cue", [
    ("Every epoch takes about 20 minutes on our machine.", "unit_of_work_before"),
    ("Reaching that accuracy would take roughly a month.", "hypothetical"),
    ("Our model converges in less than 10 hours.", "bound_qualifier"),
    ("Our run is short compared with the 9 days the older system needs.", "comparison_before"),
    ("Previous methods needed 9 days to train.", "third_person_before"),
    ("The acoustic model learns from 960 hours of LibriSpeech.", "data_amount_after"),
])
def test_training_time_cues(text, cue):
    cands = extract_training_time(sentences(text))
    assert cands and any(c.features[cue] for c in cands), [c.features for c in cands]


def test_training_time_positive_form_and_value_features():
    (cand,) = extract_training_time(sentences("We trained the full model for 3.5 days on the cluster."))
    f = cand.features
    assert cand.attrs == {"hours": 84.0, "kind": "wall"}
    assert f["train_cue_local"] and f["own_work"] and f["pattern"] == "number" and f["unit_word"] == "day"
    assert f["hours_log10"] == pytest.approx(1.924, abs=1e-3)


def test_compute_cues_and_plausibility():
    own = extract_stated_compute(sentences("Training our largest model required 4.1e22 FLOPs in total."))
    saved = extract_stated_compute(sentences("Distillation saves 2e21 FLOPs of compute."))
    assert own[0].features["compute_cue"] and own[0].features["flops_log10"] == pytest.approx(22.613, abs=1e-3)
    assert saved[0].features["difference_before"] is True


def test_paper_features_count_agreeing_mentions_and_position():
    text = ("We train on 8 V100 GPUs.", "Training used 8 V100 GPUs in total.", "A baseline used 2 K80 GPUs.")
    cands = extract_hardware(sentences(*text[:2], page=2) + sentences(text[2], page=9))
    add_paper_features(cands, page_count=10)
    v100 = [c for c in cands if c.attrs["chip"] == "V100"]
    k80 = only(cands, chip="K80")
    assert all(c.features["n_mentions"] == 2 and c.features["repeated"] for c in v100)
    assert k80.features["n_mentions"] == 1 and k80.features["page_frac"] == 0.9
    assert all(c.features["n_values_in_field"] == 2 for c in cands)
    assert all("rule_confidence" in c.features for c in cands)


def test_expand_and_vectorize_are_generic_over_names():
    row = expand({"own_work": True, "section": "table", "count_log2": 3.0, "skip": None})
    assert row["own_work"] == 1.0 and row["section=table"] == 1.0 and row["count_log2"] == 3.0
    assert "skip" not in row and "n_negative_cues" in row
    matrix = vectorize([row, {"never_seen": 5.0}], ["own_work", "section=table", "absent"])
    assert matrix.tolist() == [[1.0, 1.0, 0.0], [0.0, 0.0, 0.0]]


@pytest.mark.parametrize("extract, text", [
    (extract_hardware, "A full sweep would have required 96 A100 GPUs, compared to the 8 A100 GPUs we could borrow."),
    (extract_training_time, "One sweep would last 4 days, in contrast to the 9 hours of our final run."),
])
def test_whole_sentence_cues_reach_the_scorer_as_numbers(extract, text):
    cands = extract(sentences(text))
    assert cands
    for cand in cands:
        row = expand(cand.features)
        for name in ("comparison_earlier", "counterfactual", "speedup_cue", "benchmark_before"):
            assert row[name] in (0.0, 1.0)
        assert row["counterfactual"] == 1.0
    later = max(cands, key=lambda c: c.evidence.char_start)
    assert expand(later.features)["comparison_earlier"] == 1.0
