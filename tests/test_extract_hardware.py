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
        ("All our networks were fit on a single server holding 8 NVIDIA P100 GPUs.", [("P100", 8, "chips")]),
        ("Training takes eight GPUs and two days.", [("GPU", 8, "chips")]),
        ("We train the model on a single Titan X for a week.", [("TITAN X", 1, "chips")]),
        ("We use 4x A100 for all training runs.", [("A100", 4, "chips")]),
        ("Our models are trained on 8xV100.", [("V100", 8, "chips")]),
        ("Fitting our network needs five days; it runs on two GTX 580 3GB cards.", [("GTX 580", 2, "chips")]),
        ("We pre-train on 512 TPU v3 chips.", [("TPU v3", 512, "chips")]),
        ("Every variant is optimised at a batch of 128 on 32 TPUv3 cores.", [("TPU v3", 32, "cores")]),
        ("We fit the small variant with 4 Cloud TPUs arranged as a Pod (16 TPU chips total).",
         [("TPU", 4, "devices"), ("TPU", 16, "chips")]),
        ("We train with 8 servers (64 GPUs).", [("GPU", 64, "chips")]),
        ("We used 8 machines with 8 GPUs each for training.", [("GPU", 64, "chips")]),
        ("Our architecture search lasts 4.5 days on 64 TPUv2 devices.", [("TPU v2", 64, "devices")]),
        ("We trained our agents using 16 CPU cores.", [("CPU", 16, "chips")]),
        ("We trained OPT on 992 80GB A100 GPUs.", [("A100", 992, "chips")]),
        ("We train on a v3-8 TPU.", [("TPU v3", 8, "cores")]),
        ("Training used 2 nodes each with 8 V100 GPUs.", [("V100", 16, "chips")]),
        ("The number of TPUs in our training runs varied from 64 to 512.", [("TPU", 64, "chips"), ("TPU", 512, "chips")]),
        ("We trained the large model on twelve Tesla K80 GPUs.", [("K80", 12, "chips")]),
        ("Our model was trained on a GeForce GTX 1080Ti.", [("GTX 1080 Ti", 1, "chips")]),
        ("We train on 16 NVIDIA A100-SXM4-40GB GPUs.", [("A100", 16, "chips")]),
        ("Training was done on a TPUv3-512 Pod for 3 days.", [("TPU v3", 512, "cores")]),
        ("The experiments were run on 32 machines, each with 4 Titan Xp GPUs.", [("TITAN Xp", 128, "chips")]),
        # a workstation card: its number is not a count, the count before it is
        ("All models were trained on 4 Quadro RTX 8000 GPUs.", [("RTX 8000", 4, "chips")]),
        # a model the catalog does not know: a generic accelerator (its written name is in the evidence)
        ("All models were trained on 4 Vexa Q7000 accelerators.", [("GPU", 4, "chips")]),
        ("We used V100 x 8 for training.", [("V100", 8, "chips")]),
        ("Our models were trained using 2048 TPUv3 cores.", [("TPU v3", 2048, "cores")]),
        ("Experiments were run on 2x RTX 3090.", [("RTX 3090", 2, "chips")]),
        ("We use 16 Cloud TPU v3 devices.", [("TPU v3", 16, "devices")]),
        ("Training was performed on eight NVIDIA A100 80GB GPUs.", [("A100", 8, "chips")]),
        # the generic "16 GPUs" takes the model the same sentence names (hardware._name_from_nearby)
        ("Training used 2 servers (16 GPUs), each with eight TITAN X cards.", [("TITAN X", 16, "chips"), ("TITAN X", 16, "chips")]),
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
    text = "In each game, 32 TPUs served for training and 2000 TPUs for selfplay."
    assert found(text) == [("TPU", 32, "chips")]


def test_selection_merges_agreeing_mentions_and_names_generic_chips():
    sentences = [
        Sentence(1, "Our model trains in 4.5 days on eight GPUs.", "abstract", 0),
        Sentence(6, "We trained all our networks on a single server holding 8 NVIDIA P100 GPUs.", "experiments", 1),
        Sentence(7, "Optimisation lasted 4.5 days on 8 P100 GPUs.", "experiments", 2),
    ]
    cands = extract_hardware(sentences)
    best = select_best(cands, context_chips(sentences))
    assert [(c.attrs["chip"], c.attrs["count"]) for c in best] == [("P100", 8)]
    assert best[0].confidence >= 0.9
    assert best[0].evidence.page == 6 and best[0].evidence.match.startswith("8 NVIDIA P100")


def test_generation_named_in_another_sentence_names_generic_tpus():
    sentences = [
        Sentence(5, "Every run in this study used third generation Google Cloud TPUs.", "experiments", 0),
        Sentence(5, "Per board game, 16 TPUs served for training.", "experiments", 1),
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
    # newer pods (Cloud TPU docs): v5p 8,960 chips, v5e and v6e 256 chips
    ("We train on a full TPU v5p pod.", {"chip": "TPU v5p", "count": 8960, "unit": "chips"}),
    ("We trained on a TPU v5e pod for a day.", {"chip": "TPU v5e", "count": 256, "unit": "chips"}),
    ("We trained on 2 TPU v6e pods.", {"chip": "TPU v6e", "count": 512, "unit": "chips"}),
    # the chips used, spread over pods that are not full
    ("Our largest run used 3000 chips across two TPU v4 pods.", {"chip": "TPU v4", "count": 3000, "unit": "chips"}),
])
def test_whole_pods_count_their_chips(text, expected):
    assert [c.attrs for c in extract_hardware([Sentence(1, text, "experiments", 0)])] == [expected]


@pytest.mark.parametrize("text, expected", [
    # count glued to the chip, memory sizes and form factors around the name
    ("We pre-trained the model on 8xH100 for 10 days.", ("H100", 8, "chips")),
    ("Fine-tuning ran on 8×A100 in under a day.", ("A100", 8, "chips")),
    ("We trained on 8xMI300X for a week.", ("MI300X", 8, "chips")),
    ("The base model was trained on 2,048 A100-80GB GPUs.", ("A100", 2048, "chips")),
    ("All runs used 64 H100 SXM5 80GB GPUs.", ("H100", 64, "chips")),
    ("We train on 4 NVIDIA A100 (40GB) GPUs.", ("A100", 4, "chips")),
    ("Training ran on 8 x H100 GPUs.", ("H100", 8, "chips")),
    # NVIDIA data-centre, workstation and consumer cards
    ("Our largest model was trained with 256 H200 GPUs.", ("H200", 256, "chips")),
    ("Pretraining took 3 weeks on 1,024 B200 GPUs.", ("B200", 1024, "chips")),
    ("We trained on 72 GB200 GPUs in one rack.", ("GB200", 72, "chips")),
    ("Experiments were run on 8 A800 GPUs.", ("A800", 8, "chips")),
    ("We used 32 H800 GPUs for pretraining.", ("H800", 32, "chips")),
    ("Training was done on 4 L4 GPUs.", ("L4", 4, "chips")),
    ("The model was trained on 2 L40 GPUs.", ("L40", 2, "chips")),
    ("We fine-tuned on 8 L40S GPUs.", ("L40S", 8, "chips")),
    ("We used 4 NVIDIA A10G GPUs for training.", ("A10G", 4, "chips")),
    ("All experiments ran on a single A10 GPU.", ("A10", 1, "chips")),
    ("We trained with 4 RTX A6000 GPUs.", ("RTX A6000", 4, "chips")),
    ("We trained with 2 A6000 GPUs.", ("RTX A6000", 2, "chips")),
    ("Training used 8 RTX 4090 GPUs.", ("RTX 4090", 8, "chips")),
    ("We trained on 4 Tesla P40 GPUs.", ("P40", 4, "chips")),
    # AMD, Intel, Huawei, AWS, Cerebras
    ("We trained on 16 AMD MI250X GPUs.", ("MI250X", 16, "chips")),
    ("Training used 8 MI100 GPUs.", ("MI100", 8, "chips")),
    ("We pre-train on 32 AMD Instinct MI210 accelerators.", ("MI210", 32, "chips")),
    ("We trained the model on 64 Gaudi 2 accelerators.", ("Gaudi 2", 64, "chips")),
    ("We trained the model on 8 Gaudi2 HPUs.", ("Gaudi 2", 8, "chips")),
    ("We train on 16 Intel Gaudi 3 accelerators.", ("Gaudi 3", 16, "chips")),
    ("The model was trained on 2,048 Ascend 910B NPUs.", ("Ascend 910B", 2048, "chips")),
    ("We trained the model on 512 Ascend 910 NPUs.", ("Ascend 910", 512, "chips")),
    ("We trained on 64 AWS Trainium chips.", ("Trainium", 64, "chips")),
    ("We pretrain on 256 Trainium2 chips.", ("Trainium2", 256, "chips")),
    ("We used 4 Cerebras CS-2 systems.", ("Cerebras CS-2", 4, "chips")),
    # TPUs: slice names count TensorCores up to v5p, chips for v5e/v6e
    ("Training used a v5p-512 slice for two weeks.", ("TPU v5p", 512, "cores")),
    ("The model was trained on a TPU v4-128 slice.", ("TPU v4", 128, "cores")),
    ("We trained on a TPU v5e-256 pod.", ("TPU v5e", 256, "chips")),
    ("We trained on 2 v5litepod-16 slices.", ("TPU v5e", 32, "chips")),
    ("We trained on a v6e-256 Trillium slice.", ("TPU v6e", 256, "chips")),
    ("We train on 256 TPU v5p chips.", ("TPU v5p", 256, "chips")),
    ("We trained on 64 Trillium TPUs.", ("TPU v6e", 64, "chips")),
    ("We train on 16×TPUv4 chips.", ("TPU v4", 16, "chips")),
    # a model the catalog does not know: a generic accelerator with the count read around its name
    ("We trained on 8 MLU370 accelerators.", ("GPU", 8, "chips")),
    # one-token card names before "GPUs": the catalog's reading wins over the unknown-model one
    ("We trained on 4 RTX8000 GPUs.", ("RTX 8000", 4, "chips")),
    ("We trained on 8 GTX1080 GPUs.", ("GTX 1080", 8, "chips")),
])
def test_2026_accelerators_are_recognised(text, expected):
    assert found(text) == [expected]


@pytest.mark.parametrize("text", [
    "We compare against A100-class GPUs in Table 3.",
    "Our A6000 model outperforms the baseline by 2 points.",
    "Renting an H100 costs about $2 per hour.",
    "Each H100 GPU offers 80GB of HBM3 memory.",
    "The configuration files are at https://example.org/configs/tpu/v5e and in our repository.",
    "Latency was measured on a single L4 GPU.",
    "Inference runs on 4 Gaudi 2 accelerators.",
    "Appendix A10 lists the hyper-parameters for 8 tasks.",
    "We use the L2 loss with weight 4 on 8 tasks.",
    "Training the 7B model took 8 H100 hours.",
    "We store activations in FP16 accelerators memory.",
    "The pyramid has levels P7 / 128 P6 / 64 P5 / 32 P4 / 16 P3 / 8 in the figure.",  # feature levels, not cards
])
def test_2026_traps_give_nothing_confident(text):
    assert found(text) == []


def test_every_chip_of_the_catalog_is_recognised_by_its_name():
    """The catalog drives recognition: any chip it holds (chips.yaml or the Epoch part) is found by its
    canonical name with no pattern of its own."""
    from extractors import chips

    missed = []
    for spec in chips.all_chips():
        if spec.name in chips.GENERIC:
            continue
        text = f"We trained our model on 8 {spec.name} {'chips' if spec.kind == 'tpu' else 'accelerators'}."
        if found(text) != [(spec.name, 8, "chips")]:
            missed.append((spec.name, found(text)))
    assert missed == []


def test_an_unknown_model_keeps_its_written_name_in_the_evidence():
    [cand] = extract_hardware([Sentence(1, "We trained on 16 Vexa Q7000 accelerators.", "experiments", 0)])
    assert cand.attrs == {"chip": "GPU", "count": 16, "unit": "chips"}
    assert cand.evidence.match == "16 Vexa Q7000 accelerators"


# the per-machine count after "each"
@pytest.mark.parametrize(
    "text, expected",
    [
        ("For pre-training we reserved 12 hosts of the cluster, and each host contains 4 H100 GPUs.",
         [("H100", 48, "chips")]),
        ("Our runs used 6 servers; every server holds 8 A100 GPUs.", [("A100", 48, "chips")]),
        ("We trained on 3 nodes in the shared cluster, where each node features 8x V100 cards.",
         [("V100", 24, "chips")]),
    ],
)
def test_count_per_machine_after_each_is_multiplied(text, expected):
    assert found(text) == expected


# issue 11: whole-sentence cues (context.whole_sentence_signals)
@pytest.mark.parametrize(
    "text",
    [
        # a modal verb: a cost someone would pay, not the set-up used
        "Fitting every variant on one V100 GPU would cost several months.",
        "Without model parallelism the network could not be trained on fewer than 64 A100 GPUs.",
        # a benchmark verb and no training verb: hardware used to measure, not to train
        "We benchmark the kernel on 16 H100 GPUs at sequence lengths up to 64K.",
        "Finally we evaluate the serving stack on 4 A10 GPUs.",
        # a speed-up statement compares set-ups
        "Moving from one card to 4 RTX 3090 GPUs makes an epoch 3.1x faster.",
    ],
)
def test_whole_sentence_cues_keep_non_setups_below_threshold(text):
    assert found(text) == [], text


def test_whole_sentence_cues_are_named_features():
    cands = extract_hardware([Sentence(2, "We measure memory use on 8 A100 GPUs and it scales linearly with length.",
                                       "experiments", 0)])
    f = cands[0].features
    assert f["benchmark_before"] and f["speedup_cue"] and not f["counterfactual"]
    per = extract_hardware([Sentence(2, "We train with 4 A100 GPUs per replica group.", "experiments", 0)])
    assert per[0].features["per_unit"]
    total = extract_hardware([Sentence(2, "We train with 32 A100 GPUs in total.", "experiments", 0)])
    assert not total[0].features["per_unit"] and not total[0].features["benchmark_before"]


@pytest.mark.parametrize("text, expected", [
    # The count as a hyphenated unit before the chip.
    ("We pre-train our encoder on a 128-core TPUv3 for four days.", [("TPU v3", 128, "cores")]),
    ("We trained the final model on a 64-chip TPU v4 slice.", [("TPU v4", 64, "chips")]),
    # The total given after a chip named without a count.
    ("The large variant is trained on a 4x8x8 topology of TPUv5p, totaling 256 chips.", [("TPU v5p", 256, "chips")]),
    ("We train on a pod of TPU v4 accelerators, 512 chips in total.", [("TPU v4", 512, "chips")]),
    # Memory written between the count and the model, or between the model and its unit.
    ("Pre-training ran for ten days on 32 NVIDIA 40G A100 GPUs.", [("A100", 32, "chips")]),
    ("We trained the detector on 16 NVIDIA H100 80G GPUs.", [("H100", 16, "chips")]),
    # The card's name hyphenated.
    ("Each variant trains for a week on 2 TITAN-X GPUs.", [("TITAN X", 2, "chips")]),
    # The Cloud TPU written as one word.
    ("Our recipe trains in two days on 256 CloudTPUv4 chips.", [("TPU v4", 256, "chips")]),
])
def test_counts_written_around_the_chip(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    "In total, 512 chips of that pod were reserved by other teams, not for our training.",  # no chip named
    "Our encoder has 12 layers, totaling 86M parameters, and fits on one accelerator.",  # a total of something else
])
def test_count_forms_around_the_chip_traps(text):
    assert found(text) == []


# ---- issue 11, round 2: decoding words beside a training set-up, reference entries ----

def test_training_with_decoding_words_keeps_the_set_up():
    text = "We trained every translation model on 8 V100 GPUs and decode with beam search."
    assert found(text) == [("V100", 8, "chips")]
    assert context_chips([Sentence(6, text, "experiments", 0)])["gpu"] == {"V100"}


def test_a_reference_entry_in_the_body_is_not_a_set_up():
    text = "Kim, B. Scaling sparse models on 512 TPU v3 chips. arXiv preprint arXiv:2003.04567, 2020."
    cands = extract_hardware([Sentence(12, text, "experiments", 0)])
    assert cands and cands[0].features["reference_entry"]
    assert found(text) == []
