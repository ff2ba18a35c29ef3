"""The learned scorer: rules propose candidates with named features, a fitted model decides.

  features.py  candidate -> numeric vector (paper-level features added here too)
  model.py     the shipped per-field model files (models/<field>.json) and applying them
  labels.py    matching candidates to hand-checked labels with score.py's semantics
  cache.py     extracted candidates cached per PDF, so training re-runs take seconds
  train.py     fitting, grouped cross-validation by paper, calibration, the training report

`score_and_select` is what the pipeline runs after the extractors: confidence from the model (or the
rule confidence when the field has no model), then the best-candidate selection per field.
"""
from __future__ import annotations

from pathlib import Path

from extractors.records import Candidate
from extractors.scoring.model import FieldModel, apply_models, load_models


def select_all(candidates: list[Candidate], learned: set[str] | frozenset[str] = frozenset(),
               threshold: float = 0.5) -> None:
    """Mark the best candidates of every field (is_best). A field scored by a model gets no
    agreement bonus in selection: agreement is one of the model's features."""
    from extractors import compute, hardware, training_time

    by_field: dict[str, list[Candidate]] = {}
    for cand in candidates:
        by_field.setdefault(cand.field, []).append(cand)
    for field, members in by_field.items():
        boost = field not in learned
        if field == "hardware":
            hardware.select_best(members, threshold=threshold, boost=boost)
        elif field == "training_time":
            training_time.select_best(members, threshold=threshold, boost=boost)
        elif field in ("stated_compute", "throughput"):
            compute.select_best(members, threshold=threshold, boost=boost)
        elif field == "results" and not boost:
            _select_results(members, threshold)
        # results without a model keep the results extractor's own headline choice


def _select_results(members: list[Candidate], threshold: float) -> None:
    """One headline per dataset and metric family, among the candidates that clear the threshold: the
    results extractor owns the convention (results.select_headlines)."""
    from extractors.results import select_headlines

    select_headlines(members, threshold)


def score_and_select(candidates: list[Candidate], models: dict[str, FieldModel] | None = None,
                     model_dir: Path | None = None) -> None:
    """Confidence from the field models, then the best-candidate selection, in place."""
    models = load_models(model_dir) if models is None else models
    apply_models(candidates, models)
    select_all(candidates, set(models))
