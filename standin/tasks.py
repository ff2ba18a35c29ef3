"""Per-task scaling laws and vocabulary for the synthetic corpus.

For each task the generator draws training compute C (FLOPs) over more than three orders of
magnitude and sets the task's base error to  error = base_error * (C / 10**log10_compute[0]) ** (-1/k).
Every benchmark the task reports is a fixed multiple of that error (top-5 error is about a third of
top-1 error, SQuAD EM error is larger than F1 error, ...), so each benchmark follows the same power
law with its own constant. "Error" is 100 - value for every metric, BLEU included.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BenchmarkScale:
    dataset: str
    metric: str  # an accuracy-like metric (higher is better)
    error_factor: float  # this benchmark's error relative to the task's base error
    columns: str  # table column header
    first_year: int = 0  # papers before this year do not report it (SQuAD 2.0 appeared in 2018)
    optional: bool = False  # only some papers report it


@dataclass(frozen=True)
class TaskProfile:
    key: str
    title: str
    categories: tuple[str, ...]  # primary first
    log10_compute: tuple[float, float]  # compute range of the scaling papers
    k: float  # error ~ compute ** (-1/k)
    base_error: float  # error (percent / BLEU points below 100) at the low end of compute
    years: tuple[int, int]
    benchmarks: tuple[BenchmarkScale, ...]
    id_prefix: int  # keeps fake ids unique across tasks
    # vocabulary for prose
    data_phrase: str  # "the ImageNet (ILSVRC-2012) training set"
    unit_phrase: str  # what a training example is: "images", "sentence pairs"
    model_stems: tuple[str, ...]
    model_suffix: str
    method_nouns: tuple[str, ...]
    title_patterns: tuple[str, ...]


TASKS: dict[str, TaskProfile] = {
    t.key: t
    for t in (
        TaskProfile(
            key="image_classification", title="Image classification", categories=("cs.CV", "cs.LG"),
            log10_compute=(16.8, 21.6), k=9.0, base_error=41.0, years=(2014, 2024),
            benchmarks=(
                BenchmarkScale("ImageNet", "top-1 accuracy", 1.0, "Top-1 (%)"),
                BenchmarkScale("ImageNet", "top-5 accuracy", 0.37, "Top-5 (%)", optional=True),
            ),
            id_prefix=1, data_phrase="the ImageNet (ILSVRC-2012) training set of 1.28M images",
            unit_phrase="images",
            model_stems=("Vista", "Lumen", "Strata", "Prism", "Cascade", "Helix", "Aurora", "Mosaic", "Facet", "Optic"),
            model_suffix="Net",
            method_nouns=("residual stage", "channel gate", "depthwise block", "attention pooling",
                          "multi-scale stem", "squeeze module"),
            title_patterns=("{model}: {adj} Residual Networks for Image Classification",
                            "{model}: Scaling {adj} Convolutions on ImageNet",
                            "Learning {adj} Visual Representations with {model}",
                            "{model}: Towards {adj} Image Recognition"),
        ),
        TaskProfile(
            key="object_detection", title="Object detection", categories=("cs.CV",),
            log10_compute=(17.6, 21.2), k=12.0, base_error=79.0, years=(2015, 2024),
            benchmarks=(
                BenchmarkScale("COCO", "AP", 1.0, "AP"),
                BenchmarkScale("COCO", "AP50", 0.62, "AP50", optional=True),
            ),
            id_prefix=2, data_phrase="the COCO train2017 split (118k images)", unit_phrase="images",
            model_stems=("Beacon", "Anchor", "Lattice", "Sentinel", "Quiver", "Radiant", "Tessel", "Vantage", "Scout", "Lookout"),
            model_suffix="Det",
            method_nouns=("feature pyramid", "box head", "anchor-free assigner", "deformable neck",
                          "query decoder", "region sampler"),
            title_patterns=("{model}: {adj} Feature Pyramids for Object Detection",
                            "{model}: {adj} One-Stage Detection on COCO",
                            "Rethinking {adj} Box Regression with {model}",
                            "{model}: Towards {adj} Object Detection"),
        ),
        TaskProfile(
            key="question_answering", title="Question answering", categories=("cs.CL", "cs.LG"),
            log10_compute=(17.0, 21.0), k=7.0, base_error=31.0, years=(2016, 2024),
            benchmarks=(
                BenchmarkScale("SQuAD 1.1", "F1", 1.0, "F1"),
                BenchmarkScale("SQuAD 1.1", "EM", 1.38, "EM"),
                BenchmarkScale("SQuAD 2.0", "F1", 1.55, "F1", first_year=2018),
            ),
            id_prefix=3, data_phrase="the SQuAD training set of 87k question-answer pairs",
            unit_phrase="question-passage pairs",
            model_stems=("Quill", "Oracle", "Sage", "Beacon", "Scribe", "Lexis", "Tandem", "Verity", "Tutor", "Clue"),
            model_suffix="QA",
            method_nouns=("span pointer", "co-attention layer", "passage encoder", "answer verifier",
                          "bidirectional reader", "question-aware gate"),
            title_patterns=("{model}: {adj} Reading Comprehension over Passages",
                            "{model}: {adj} Pre-training for Question Answering",
                            "Answering Questions with {adj} Readers: {model}",
                            "{model}: Towards {adj} Machine Reading"),
        ),
        TaskProfile(
            key="named_entity_recognition", title="Named-entity recognition", categories=("cs.CL",),
            log10_compute=(17.0, 20.8), k=12.0, base_error=14.0, years=(2013, 2024),
            benchmarks=(BenchmarkScale("CoNLL-2003", "F1", 1.0, "F1"),),
            id_prefix=4, data_phrase="the CoNLL-2003 English training data (14k sentences)",
            unit_phrase="sentences",
            model_stems=("Tagger", "Marker", "Glyph", "Nomen", "Census", "Ledger", "Signet", "Label", "Entity", "Tally"),
            model_suffix="NER",
            method_nouns=("character encoder", "CRF layer", "span classifier", "contextual embedding",
                          "gazetteer feature", "label attention"),
            title_patterns=("{model}: {adj} Sequence Labelling for Named Entity Recognition",
                            "{model}: {adj} Contextual Tagging of Entities",
                            "Recognising Named Entities with {adj} Encoders: {model}",
                            "{model}: Towards {adj} Entity Recognition"),
        ),
        TaskProfile(
            key="machine_translation", title="Machine translation", categories=("cs.CL",),
            log10_compute=(17.4, 20.6), k=14.0, base_error=90.0, years=(2014, 2024),
            benchmarks=(
                BenchmarkScale("WMT14 EN-DE", "BLEU", 1.0, "EN-DE"),
                BenchmarkScale("WMT14 EN-FR", "BLEU", 0.85, "EN-FR", optional=True),
            ),
            id_prefix=5, data_phrase="the WMT 2014 English-German data (4.5M sentence pairs)",
            unit_phrase="sentence pairs",
            model_stems=("Relay", "Bridge", "Courier", "Polyglot", "Rosetta", "Envoy", "Herald", "Parley", "Dragoman", "Conduit"),
            model_suffix="MT",
            method_nouns=("encoder-decoder", "relative attention", "shared vocabulary", "deep decoder",
                          "layer-wise dropout", "length penalty"),
            title_patterns=("{model}: {adj} Attention for Neural Machine Translation",
                            "{model}: {adj} Sequence-to-Sequence Translation",
                            "Translating with {adj} Encoders: {model}",
                            "{model}: Towards {adj} Machine Translation"),
        ),
    )
}

ADJECTIVES = ("Efficient", "Scalable", "Robust", "Deep", "Sparse", "Adaptive", "Simple", "Unified",
              "Compact", "Hierarchical", "Dynamic", "Wide")
