"""Hardware extraction on golden sentences written for these tests: forms papers use, and traps."""
from __future__ import annotations

import pytest

from extractors.document import Sentence
from extractors.hardware import context_chips, extract_hardware, select_best


def found(text: str, section: str = "experiments", threshold: float = 0.5) -> list[tuple]:
    cands = extract_hardware([Sentence(3, text, section, 0)])
    return sorted((c.attrs["chip"], c.attrs["count"], c.attrs["unit"]) for c in cands if c.confidence >= threshold)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("We trained our models on one machine with 8 NVIDIA P100 GPUs.", [("P100", 8, "chips")]),
        ("Training takes eight GPUs and two days.", [("GPU", 8, "chips")]),
        ("We train the model on a single Titan X for a week.", [("TITAN X", 1, "chips")]),
        ("We use 4x A100 for all training runs.", [("A100", 4, "chips")]),
        ("Our models are trained on 8xV100.", [("V100", 8, "chips")]),
        ("Our network takes five days to train on two GTX 580 3GB GPUs.", [("GTX 580", 2, "chips")]),
        ("We pre-train on 512 TPU v3 chips.", [("TPU v3", 512, "chips")]),
        ("Each model is trained with batch size 128 on 32 TPUv3 cores.", [("TPU v3", 32, "cores")]),
        ("Training of the base model was performed on 4 Cloud TPUs in Pod configuration (16 TPU chips total).",
         [("TPU", 4, "devices"), ("TPU", 16, "chips")]),
        ("We train with 8 servers (64 GPUs).", [("GPU", 64, "chips")]),
        ("We used 8 machines with 8 GPUs each for training.", [("GPU", 64, "chips")]),
        ("The search takes 4.5 days on 64 TPUv2 devices.", [("TPU v2", 64, "devices")]),
        ("We trained our agents using 16 CPU cores.", [("CPU", 16, "chips")]),
        ("We trained OPT on 992 80GB A100 GPUs.", [("A100", 992, "chips")]),
        ("We train on a v3-8 TPU.", [("TPU v3", 8, "cores")]),
        ("Training used 2 nodes each with 8 V100 GPUs.", [("V100", 16, "chips")]),
        ("The number of TPUs used for training ranged from 64 to 512.", [("TPU", 64, "chips"), ("TPU", 512, "chips")]),
        ("We trained the large model on twelve Tesla K80 GPUs.", [("K80", 12, "chips")]),
        ("Our model was trained on a GeForce GTX 1080Ti.", [("GTX 1080 Ti", 1, "chips")]),
        ("We train on 16 NVIDIA A100-SXM4-40GB GPUs.", [("A100", 16, "chips")]),
        ("Training was done on a TPUv3-512 Pod for 3 days.", [("TPU v3", 512, "cores")]),
        ("The experiments were run on 32 machines, each with 4 Titan Xp GPUs.", [("TITAN Xp", 128, "chips")]),
        # an unknown model: its number is not a count, the count before it is
        ("All models were trained on 4 Quadro RTX 8000 GPUs.", [("RTX 8000", 4, "chips")]),  # not in the catalog
        ("We used V100 x 8 for training.", [("V100", 8, "chips")]),
        ("Our models were trained using 2048 TPUv3 cores.", [("TPU v3", 2048, "cores")]),
        ("Experiments were run on 2x RTX 3090.", [("RTX 3090", 2, "chips")]),
        ("We use 16 Cloud TPU v3 devices.", [("TPU v3", 16, "devices")]),
        ("Training was performed on eight NVIDIA A100 80GB GPUs.", [("A100", 8, "chips")]),
        ("Training used 2 servers (16 GPUs), each with eight TITAN X cards.", [("GPU", 16, "chips"), ("TITAN X", 16, "chips")]),
    ],
)
def test_training_setups_are_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "NASNet et al. used 500 GPUs over 4 days [32].",
        "We use a batch of 8 images per GPU.",
        "Each GPU has 16GB of memory.",
        "Latency is measured on a single Titan V GPU with batch size 1.",
        "Inference runs at 20 fps on one V100 GPU.",
        "It takes 8 GPU hours to extract the features.",
        "The training cost is 2.5 GPU days.",
        "Our method is 3.75 times faster than training on a single GPU.",
        "The network is too big to fit on one GPU.",
        "The model could be trained on 4 GPUs within a week, by a rough estimate.",
        "We reuse ResNet-50 features from 2017 and 1024 hidden units.",
        "We train on RTX 8000 GPUs.",
        "Each of the 4 GPUs holds a replica of the model.",
        "In 2017 GPUs were expensive.",
        "Neural architecture search is costly: an evolutionary search [9] ran on 450 K40 GPUs for 7 days.",
        "SentinelDet [16] was trained for 8 hours on one DGX node with 8 V100 GPUs.",
        "Data preprocessing and tokenisation ran on 32 CPU cores before training.",
        "Two-stage detectors are typically trained on 8 GPUs with 2 images per GPU.",
        "For reference, a single T4 reaches 65 TFLOP/s.",
        "We thank NVIDIA for donating the 2 Titan X GPUs used for training.",
        "Our detector runs in real time on one V100 GPU.",
        "ResNet-152 takes 2 weeks to train on 8 GPUs [12].",
        "In contrast, BERT-large requires 4 days on 16 TPUs.",
    ],
)
def test_traps_give_nothing_confident(text):
    assert found(text) == []


def test_related_work_and_references_are_penalised_hard():
    text = "They trained on 128 TPU v3 chips."
    assert found(text, "related_work") == []
    assert found(text, "references") == []


def test_self_play_hardware_is_not_training_hardware():
    text = "For each game, we used 16 TPUs for training and 1000 TPUs for selfplay."
    assert found(text) == [("TPU", 16, "chips")]


def test_selection_merges_agreeing_mentions_and_names_generic_chips():
    sentences = [
        Sentence(1, "Our model trains in 3.5 days on eight GPUs.", "abstract", 0),
        Sentence(6, "We trained our models on one machine with 8 NVIDIA P100 GPUs.", "experiments", 1),
        Sentence(7, "Training took 3.5 days on 8 P100 GPUs.", "experiments", 2),
    ]
    cands = extract_hardware(sentences)
    best = select_best(cands, context_chips(sentences))
    assert [(c.attrs["chip"], c.attrs["count"]) for c in best] == [("P100", 8)]
    assert best[0].confidence >= 0.9
    assert best[0].evidence.page == 6 and best[0].evidence.match.startswith("8 NVIDIA P100")


def test_generation_named_in_another_sentence_names_generic_tpus():
    sentences = [
        Sentence(5, "All experiments were run using third generation Google Cloud TPUs.", "experiments", 0),
        Sentence(5, "For each board game, we used 16 TPUs for training.", "experiments", 1),
    ]
    best = select_best(extract_hardware(sentences), context_chips(sentences))
    assert [(c.attrs["chip"], c.attrs["count"]) for c in best] == [("TPU v3", 16)]


def test_evidence_span_points_at_the_match():
    cand = extract_hardware([Sentence(2, "We train on 32 TPUv3 cores for a day.", "body", 0)])[0]
    assert cand.evidence.match == "32 TPUv3 cores"
    assert cand.extractor.startswith("hardware@")


@pytest.mark.parametrize("text, expected", [
    ("We train on 8 Tesla V100-PCIE-16GB GPUs.", {"chip": "V100", "count": 8, "unit": "chips", "variant": "PCIe"}),
    ("We train on 4 V100 PCIe GPUs for three days.", {"chip": "V100", "count": 4, "unit": "chips", "variant": "PCIe"}),
    ("We used 8 NVIDIA V100 GPUs.", {"chip": "V100", "count": 8, "unit": "chips"}),
    ("Training used 4 GTX 1080 GPUs.", {"chip": "GTX 1080", "count": 4, "unit": "chips"}),
    ("We trained on 8 GTX 1080 Ti GPUs.", {"chip": "GTX 1080 Ti", "count": 8, "unit": "chips"}),
    ("We use 2 GTX Titan Xp GPUs.", {"chip": "TITAN Xp", "count": 2, "unit": "chips"}),
])
def test_card_models_and_the_pcie_form_factor(text, expected):
    assert [c.attrs for c in extract_hardware([Sentence(1, text, "experiments", 0)])] == [expected]


@pytest.mark.parametrize("text, expected", [
    ("We trained the model on a TPU v3 Pod (1024 chips) for 4 days.", {"chip": "TPU v3", "count": 1024, "unit": "chips"}),
    ("We use one TPU v2 pod (512 cores).", {"chip": "TPU v2", "count": 512, "unit": "cores"}),
    ("We train on a TPU v3 pod for two days.", {"chip": "TPU v3", "count": 1024, "unit": "chips"}),
    ("We train on a full TPU v3 pod.", {"chip": "TPU v3", "count": 1024, "unit": "chips"}),
    ("Training used a v3-256 pod slice.", {"chip": "TPU v3", "count": 256, "unit": "cores"}),
    ("We train on 2 TPU v3 pods.", {"chip": "TPU v3", "count": 2048, "unit": "chips"}),
])
def test_whole_pods_count_their_chips(text, expected):
    assert [c.attrs for c in extract_hardware([Sentence(1, text, "experiments", 0)])] == [expected]
