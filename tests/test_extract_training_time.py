"""Training-time extraction on golden sentences: wall time, ranges, chip-time totals, and traps."""
from __future__ import annotations

import pytest

from extractors.document import Sentence
from extractors.training_time import extract_training_time, select_best


def found(text: str, section: str = "experiments", threshold: float = 0.5, **kw) -> list[tuple]:
    cands = extract_training_time([Sentence(4, text, section, 0)], **kw)
    return sorted((round(c.attrs["hours"], 2), c.attrs["kind"], tuple(c.attrs.get("hours_range", ())))
                  for c in cands if c.confidence >= threshold)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The base models were trained for 12 hours.", [(12.0, "wall", ())]),
        ("We trained the largest variants for 300,000 updates (3.5 days).", [(84.0, "wall", ())]),
        ("One network needed 2-3 weeks of training on four GPUs.", [(420.0, "wall", (336.0, 504.0))]),
        ("Depending on the variant, training lasted 2–3 weeks.", [(420.0, "wall", (336.0, 504.0))]),
        ("Our network takes between five and six days to train.", [(132.0, "wall", (120.0, 144.0))]),
        ("Fine-tuning the upgrade takes about a day on a GPU.", [(24.0, "wall", ())]),
        ("We trained the model for 1200 hours in total on our cluster.", [(1200.0, "wall", ())]),
        ("The model took 5 days to train.", [(120.0, "wall", ())]),
        ("Training the network took 15h 20m on one GPU.", [(15.33, "wall", ())]),
        ("Our agents learned for four days on 16 CPU cores.", [(96.0, "wall", ())]),
        ("Our small encoder finishes training within roughly 30 minutes using one Cloud TPU.", [(0.5, "wall", ())]),
        ("The search used 2.5 GPU days in total.", [(60.0, "chip-hours", ())]),
        ("Our training run consumed 2.5k TPUv3-core-days.", [(60000.0, "chip-hours", ())]),
        ("Training the largest model took 3,000 GPU-hours.", [(3000.0, "chip-hours", ())]),
        ("In total the search consumed 1145.8 days of TPUv2 compute.", [(27499.2, "chip-hours", ())]),
        ("Optimisation ran 120 hours (61.4K total accelerator hours).", [(120.0, "wall", ()), (61400.0, "chip-hours", ())]),
        ("We pre-train for 1M steps, which takes about 24 h on 64 TPU v3 chips.", [(24.0, "wall", ())]),
        ("Training on ImageNet lasted roughly 3 days per run.", [(72.0, "wall", ())]),
        ("All models are trained on one GTX 1080 Ti card for 1.5 days.", [(36.0, "wall", ())]),
        ("The full training budget was 2.5 GPU days.", [(60.0, "chip-hours", ())]),
        ("Training took 1 day and 12 hours on 4 GPUs.", [(36.0, "wall", ())]),
        ("We trained for one and a half days.", [(36.0, "wall", ())]),
        ("Training required 3 GPU-years of compute.", [(26280.0, "chip-hours", ())]),
        ("We report the wall-clock training time of 3.5 hours on a single 8-GPU machine.", [(3.5, "wall", ())]),
    ],
)
def test_durations_are_found(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Each iteration takes 0.5 s per iteration on a GPU.",
        "The batch holds 1.6h of audio per batch.",
        "The corpus contains 2000 hours of transcribed speech used for training.",
        "We save a checkpoint every 2 hours during training.",
        "Previous work (Smith et al., 2017) trained their model for 10 days.",
        "Inference latency is 12 hours lower than the baseline's test-time budget.",
        "A rough estimate suggests the network could be trained within a week.",
        "Most random programs cannot train for more than five minutes.",
        "Fitting the linear classifiers needs under 1 hour.",
        "The dataset was collected over 3 years.",
        "Our model is trained on 960 hours of LibriSpeech.",
        "Each epoch takes about 30 minutes on a single GPU.",
        "ResNet-152 takes 2 weeks to train on 8 GPUs [12].",
        "In contrast, BERT-large requires 4 days on 16 TPUs.",
        "Computing the features takes 3 hours on a GPU.",
        "Large encoders [3] were trained on 64 TPU chips for four days before fine-tuning.",
        "Detectors are typically trained for 3 days on 64 V100 GPUs.",
        "We give each model a fixed training budget of 24 TPUv2 hours.",
        "Our model trains in under 24 hours.",
    ],
)
def test_traps_give_nothing_confident(text):
    assert found(text) == []


def test_other_agents_time_in_a_contrast_clause_is_not_ours():
    text = "Our agents were trained for four days, while the other agents needed 8 to 10 days."
    assert found(text) == [(96.0, "wall", ())]


def test_baseline_named_model_time_is_not_ours():
    text = ("We compare BERT-large stopped at 400k steps (34h of training) with our ALBERT-xxlarge "
            "variant stopped at 125k updates (32h of training).")
    assert found(text, own_names=frozenset({"ALBERT"})) == [(32.0, "wall", ())]


def test_table_rows_keep_only_the_papers_own_model():
    row = "Variant CIFAR-10 CIFAR-100 SVHN Fixed layers 21h 12m 20h 37m 31h 55m Stochastic depth 14h 51m 15h 9m 24h 47m"
    result = found(row, section="table", title_vocabulary=frozenset({"stochastic", "depth"}))
    assert [h for h, _, _ in result] == [14.85, 15.15, 24.78]


def test_related_work_is_penalised():
    assert found("They trained their network for 3 days.", section="related_work") == []


def test_selection_dedupes_agreeing_mentions():
    sentences = [Sentence(1, "Our model trains in 4.5 days on eight GPUs.", "abstract", 0),
                 Sentence(8, "Optimisation lasted 4.5 days on 8 P100 GPUs.", "experiments", 1)]
    best = select_best(extract_training_time(sentences))
    assert [c.attrs["hours"] for c in best] == [108.0]


# issue 11: comparisons opened earlier in the sentence, modal verbs, and a table row labelled by the quantity
@pytest.mark.parametrize(
    "text",
    [
        "Our agent learns the task in 20 hours, whereas the older agent needed 300 hours.",
        "Our recipe reaches the target in 2 hours where a plain schedule would otherwise have needed 11 hours.",
        "With only CPUs, fitting the full model would take about six weeks.",
        "A rough guess is that the detector could be trained within 3 days on a few modern cards.",
    ],
)
def test_comparisons_and_modal_costs_are_not_runs(text):
    # only the paper's own figure (the first one in the first two sentences) may remain
    values = [h for h, _, _ in found(text)]
    assert 300.0 not in values and 11.0 not in values and 1008.0 not in values and 72.0 not in values, values


def test_comparison_and_modal_features_are_named():
    cand = extract_training_time([Sentence(3, "Our model trains in 5 hours, compared to 40 hours for the old one.",
                                           "experiments", 0)])
    later = [c for c in cand if c.attrs["hours"] == 40.0][0]
    first = [c for c in cand if c.attrs["hours"] == 5.0][0]
    assert later.features["comparison_earlier"] and not first.features["comparison_earlier"]
    modal = extract_training_time([Sentence(3, "Fitting it on a laptop would take 9 days.", "experiments", 0)])
    assert modal[0].features["counterfactual"]


def test_a_comparison_earlier_in_the_sentence_lowers_the_later_value():
    alone = extract_training_time([Sentence(3, "The grid search needs 300 GPU hours.", "experiments", 0)])
    after = extract_training_time([Sentence(3, "Our search ends in 20 GPU hours, while the traditional grid "
                                               "search needs 300 GPU hours.", "experiments", 0)])
    later = [c for c in after if c.attrs["hours"] == 300.0][0]
    assert later.features["comparison_earlier"] and not alone[0].features["comparison_earlier"]
    assert later.confidence < alone[0].confidence


@pytest.mark.parametrize(
    "text, expected",
    [
        # A chip model written before a chip-time unit: the model number is not the duration.
        ("Training our final recipe consumed 42,000 H100 GPU hours.", [(42000.0, "chip-hours", ())]),
        ("Pre-training used 900 A100-hours overall.", [(900.0, "chip-hours", ())]),
        ("We trained every model in 310 MI250x GPU hours.", [(310.0, "chip-hours", ())]),
        # Totals with a scale letter: k and M are thousands and millions.
        ("Pre-training stage one cost 63K H800 hours.", [(63000.0, "chip-hours", ())]),
        ("Across all training phases the project logged 1.6M GPU hours.", [(1600000.0, "chip-hours", ())]),
        # Clock words between the number and the unit.
        ("Pre-training finished after roughly 11 calendar days.", [(264.0, "wall", ())]),
        ("Our detector trains in about 30 wall-clock hours.", [(30.0, "wall", ())]),
        # A batch size before the duration is a setting, not a unit of work.
        ("With a batch size of 512 we train for 90 epochs, about 40 hours in all.", [(40.0, "wall", ())]),
        # "reported in this work" is the paper's own model.
        ("The network reported in this paper was trained for 6 days.", [(144.0, "wall", ())]),
        # A list of durations, one per model, is not a range between them.
        ("Training the tiny and the large encoder needed 3 and 9 days, respectively.",
         [(72.0, "wall", ()), (216.0, "wall", ())]),
    ],
)
def test_chip_hour_totals_and_respective_lists(text, expected):
    assert found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Our cluster of H100 GPUs hosts many jobs every day.",  # no number before the unit
        "Each of the 8 A100 GPUs processes 30 minutes of audio per batch.",  # amount per batch
        "The encoder reads 15 minutes of video during pre-training.",  # length of the input
        "Setup: 64 NVIDIA A100 GPUs Hours of use: not recorded",  # the "a" ending "NVIDIA" is no number
        "A single training epoch over our corpus lasts about 9 minutes on four GPUs.",  # one epoch's time
    ],
)
def test_chip_names_and_data_lengths_are_not_training_times(text):
    assert found(text) == []


def test_a_range_with_and_stays_a_range_without_respectively():
    assert found("Our network needs between 4 and 6 days to train.") == [(120.0, "wall", (96.0, 144.0))]


# ---- issue 11, round 2: days a data set spans, reference entries read as body text ----

@pytest.mark.parametrize(
    "text",
    [
        # the span a data set covers, described by a span verb
        "The click logs we study were collected over 14 days from a shopping app.",
        "Our shop corpus spans three weeks, the first 18 days serving as the training split.",
        "The traffic dataset covers 9 days (8 days for fitting and 1 day held out).",
        # a data noun right after the duration
        "We evaluate on a 300-hour speech corpus recorded in cafes.",
        "Gains hold on our 45-days internal logs as well.",
    ],
)
def test_days_of_data_are_not_training_time(text):
    assert found(text) == [], text
    cands = extract_training_time([Sentence(4, text, "experiments", 0)])
    assert cands and all(c.features["data_span"] for c in cands), text


@pytest.mark.parametrize(
    "text, hours",
    [
        # a data set named, then a run verb: the duration is the run's
        ("On the full dataset, which contains 1M clips, training took 6 days.", 144.0),
        ("We trained on the merged dataset, which contains 2M clips, for 5 days.", 120.0),
        ("We train the network on the merged data set for 20 hours on two cards.", 20.0),
        ("Training on these logs converges after 30 hours of optimisation.", 30.0),
    ],
)
def test_a_run_on_a_data_set_keeps_its_duration(text, hours):
    cands = extract_training_time([Sentence(4, text, "experiments", 0)])
    run = [c for c in cands if c.attrs["hours"] == hours]
    assert run and not run[0].features["data_span"], text
    assert hours in [h for h, _, _ in found(text)], text


def test_a_reference_entry_in_the_body_is_not_training_time():
    entry = "Doe, J. and Roe, K. Fitting a vision transformer in 40 minutes. arXiv preprint arXiv:2101.01234, 2021."
    proceedings = "Lee, A. Pretraining sparse experts within 2 days. In Proceedings of Sparse Systems Week, pp. 11-19."
    for text in (entry, proceedings):
        cands = extract_training_time([Sentence(9, text, "experiments", 0)])
        assert cands and all(c.features["reference_entry"] for c in cands), text
        assert found(text) == [], text
    # a body sentence that cites an arXiv paper by number only is not an entry
    body = extract_training_time([Sentence(4, "We trained our model for 40 hours, as in [12].", "experiments", 0)])
    assert not body[0].features["reference_entry"] and found("We trained our model for 40 hours, as in [12].")
