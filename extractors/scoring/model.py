"""The shipped, versioned scorer models: load them and turn a candidate's features into a confidence.

One JSON file per field in extractors/scoring/models/<field>.json, written by `progress scorer train`
(extractors/scoring/train.py): version, trained_at, data summary, the feature columns with their
standardisation, weights, intercept, cross-validated and in-sample scores, Brier score and the
reliability table. The confidence is the model's probability (logistic regression, checked for
calibration on held-out papers). A field without a model file keeps the rule confidence.
The training report's "rules alone" column gives the rule confidences' own score for comparison.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass, field as dc_field
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from extractors.records import Candidate
from extractors.scoring.features import expand, vectorize

MODEL_DIR = Path(__file__).resolve().parent / "models"
FORMAT_VERSION = 1


@dataclass
class FieldModel:
    field: str
    columns: list[str]
    mean: list[float]
    scale: list[float]
    weights: list[float]
    intercept: float
    version: str = ""
    report: dict[str, Any] = dc_field(default_factory=dict)  # data, scores, Brier, reliability, ...

    def probabilities(self, feature_dicts: list[dict[str, Any]]) -> np.ndarray:
        if not feature_dicts:
            return np.zeros(0)
        x = vectorize([expand(f) for f in feature_dicts], self.columns)
        z = (x - np.asarray(self.mean)) / np.asarray(self.scale)
        logit = z @ np.asarray(self.weights) + self.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(logit, -35, 35)))

    def probability(self, features: dict[str, Any]) -> float:
        return float(self.probabilities([features])[0])

    def weight_table(self) -> list[tuple[str, float]]:
        """(column, weight per standard deviation), largest effect first."""
        return sorted(zip(self.columns, self.weights), key=lambda cw: -abs(cw[1]))

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, "field": self.field, "version": self.version, **self.report,
                "columns": self.columns, "mean": self.mean, "scale": self.scale,
                "weights": self.weights, "intercept": self.intercept}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "FieldModel":
        core = ("format", "field", "version", "columns", "mean", "scale", "weights", "intercept")
        if data.get("format") != FORMAT_VERSION:
            raise ValueError(f"scorer model format {data.get('format')!r}, expected {FORMAT_VERSION}")
        if not len(data["columns"]) == len(data["mean"]) == len(data["scale"]) == len(data["weights"]):
            raise ValueError(f"scorer model for {data['field']}: columns and weights differ in length")
        return cls(field=data["field"], columns=list(data["columns"]), mean=list(data["mean"]),
                   scale=list(data["scale"]), weights=list(data["weights"]), intercept=float(data["intercept"]),
                   version=str(data.get("version", "")), report={k: v for k, v in data.items() if k not in core})


def save_model(model: FieldModel, directory: Path = MODEL_DIR) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{model.field}.json"
    tmp = path.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(model.to_json(), indent=1, sort_keys=False) + "\n", encoding="utf-8")
    tmp.replace(path)
    load_models.cache_clear()
    return path


@lru_cache(maxsize=4)
def load_models(directory: Path | None = None) -> dict[str, FieldModel]:
    """Every field's model in `directory` (default: the shipped ones)."""
    directory = directory or MODEL_DIR
    models = {}
    for path in sorted(directory.glob("*.json")):
        if path.name == "training_report.json":
            continue
        model = FieldModel.from_json(json.loads(path.read_text(encoding="utf-8")))
        models[model.field] = model
    return models


def apply_models(candidates: list[Candidate], models: dict[str, FieldModel]) -> set[str]:
    """Set each candidate's confidence to its field model's probability; returns the fields scored."""
    scored = set()
    for field, model in models.items():
        members = [c for c in candidates if c.field == field]
        if not members:
            continue
        for cand, p in zip(members, model.probabilities([c.features for c in members])):
            cand.confidence = round(float(p), 4) if math.isfinite(p) else 0.0
        scored.add(field)
    return scored
