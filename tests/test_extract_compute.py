"""Stated compute and throughput on golden sentences."""
from __future__ import annotations

import pytest

from extractors.compute import extract_stated_compute, extract_throughput, select_best
from extractors.document import Sentence


def flops(text: str, threshold: float = 0.5, **kw) -> list[float]:
    cands = extract_stated_compute([Sentence(5, text, "experiments", 0)], **kw)
    return sorted(c.attrs["flops"] for c in cands if c.confidence >= threshold)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Training our model required 3.1e23 FLOPs in total.", [3.1e23]),
        ("The total training compute was 2.5 x 10^22 FLOPs.", [2.5e22]),
        ("We estimate that training our model used 2.5 × 10^22 FLOPs.", [2.5e22]),
        ("If trained longer, our model would need 2.5 × 10^22 FLOPs.", []),
        ("Our search cost ∼2.14E+21 FLOPs.", [2.14e21]),
        ("Training used 3.64E+23 floating point operations.", [3.64e23]),
        ("Our model was trained with 1,000 petaflop/s-days of compute.", [8.64e22]),
        ("Training consumed 3640 PF-days.", [3640 * 8.64e19]),
        # "FLOPS" in capitals names a total when it carries an exponent (a flattened superscript too).
        ("Pre-training our largest model took roughly 6 × 1022 FLOPS overall.", [6e22]),
        ("Our final run used close to 8e21 FLOPS of training compute.", [8e21]),
        ("We trained the flagship model with a budget of 10^23 FLOPs.", [1e23]),
        ("Training each of our largest models consumed 1021 FLOPs.", [1e21]),  # flattened superscript
    ],
)
def test_stated_compute(text, expected):
    assert flops(text) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(
    "text",
    [
        "EfficientNet-B7 needs 37B FLOPs per image.",
        "ResNet-152 has 11.3 billion FLOPs.",
        "The V100 delivers 125 TFLOPS.",
        "The compute saved by our method is 1.98E+22 FLOPs.",
        "Training the baseline Transformer cost 2.96E+22 FLOPs.",
        "Encoders were trained for days, and few-shot language models [10] consumed 3.1e23 FLOPs.",
        "Each pod of our cluster delivers 1.1 × 10^18 FLOPS per pod at peak.",  # a rate, not a total
        "The accelerator sustains 900 FLOPS of useful work during training.",  # no exponent: a rate
        "A forward pass of our encoder costs 1024 FLOPs per token.",  # per example
        "Our grid spans budgets between 3 × 10^18 and 10^20 FLOPs for the baselines [4].",  # others' runs
    ],
)
def test_not_stated_training_compute(text):
    assert flops(text, own_names=frozenset({"Primer"})) == []


def test_throughput_with_its_chip():
    cands = extract_throughput([Sentence(3, "We reach 147 TFLOP/s per A100 GPU in bf16.", "body", 0)])
    assert len(cands) == 1
    assert cands[0].attrs == {"flops_per_s": 147e12, "chip": "A100", "precision": "bf16"}


def test_selection_merges_repeated_statements():
    sentences = [Sentence(1, "Our model used 3.1e23 FLOPs of training compute.", "abstract", 0),
                 Sentence(9, "Training used 3.1 × 10^23 FLOPs.", "experiments", 1)]
    best = select_best(extract_stated_compute(sentences))
    assert len(best) == 1 and best[0].is_best


def test_table_compute_keeps_only_the_papers_own_rows():
    from extractors.compute import extract_table_compute

    sentences = [
        Sentence(8, "Table 2: Our translator scores higher BLEU while costing far less to train.", "caption", 0),
        Sentence(8, "System BLEU Train FLOPs EN-DE EN-FR RecurrentMT [38] 24.6 39.92 2.3 · 10^19 1.4 · 10^20",
                 "table", 1),
        Sentence(8, "Transformer (big) 28.4 41.8 2.3 · 10^19", "table", 2),
        Sentence(9, "Transformer (base) 27.3 38.1 3.3 · 10^18", "table", 3),  # no FLOPs column on page 9
    ]
    cands = extract_table_compute(sentences, own_names=frozenset({"Transformer"}))
    assert [(c.attrs["flops"], c.evidence.page) for c in cands] == [(2.3e19, 8)]
    assert cands[0].confidence >= 0.5
