"""Plain records that extractors return.

Extractors are pure functions from a PDF (or its text) to these records: no database, no Prefect.
The database layer (usecases/paper_stages.py) turns them into rows; `extract-files` turns them into the scorer's
JSON format (`PaperExtraction.to_score_json`).
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field as dc_field
from typing import Any

# Field names are the scorer's (../shared/eval/score.py) plus "throughput", which it does not score,
# and the inputs of the study's operation count (extractors/operations.py).
FIELDS = ("hardware", "training_time", "stated_compute", "throughput", "results",
          "forward_flops", "parameters", "epochs", "steps", "training_tokens", "training_set")


@dataclass(frozen=True)
class Evidence:
    """Where a value was read: 1-based page, the sentence, and the match's span inside that sentence."""

    page: int
    sentence: str
    char_start: int
    char_end: int
    # abstract | body | experiments | related_work | references | appendix | acknowledgements | table | caption
    section: str = "body"

    @property
    def match(self) -> str:
        return self.sentence[self.char_start:self.char_end]


@dataclass
class Candidate:
    """One value an extractor found, with its evidence and a confidence in [0, 1].

    `attrs` holds the field's structured value, in the scorer's vocabulary:
      hardware:       {"chip": "V100", "count": 8, "unit": "chips"|"cores"|"devices"}
      training_time:  {"hours": 84.0, "kind": "wall"|"chip-hours", "hours_range": [lo, hi]?}
      stated_compute: {"flops": 3.1e23}
      throughput:     {"chip": "V100"?, "flops_per_s": 1.25e14, "precision": "fp16"?}
      results:        {"dataset": "ImageNet", "metric": "top-1 accuracy", "value": 76.3}
      forward_flops:  {"flops": 4.1e9, "kind": "flops"|"multiadds"}      (per example, forward pass)
      parameters:     {"parameters": 2.56e7}
      epochs:         {"epochs": 90, "phase": "training"|"pretraining"|"finetuning", "dataset"?}
      steps:          {"steps": 3e5, "phase", "batch_size"?, "batch_unit"?: "examples"|"tokens"}
      training_tokens: {"tokens": 3e11, "phase"}
      training_set:   {"dataset": "ImageNet-1k", "examples": 1281167, "size_source": "paper"|"catalog", "phase"}
    `value`/`unit` repeat the headline number for generic queries (count, hours, FLOPs, FLOP/s, score).
    `features` are the named signals the rule saw around the value (pattern, section, cue words,
    citation, table or prose, plausibility, ...): the learned scorer turns them into `confidence`.
    They are not part of `candidate_key`, so adding a feature never detaches a reviewer's decision.
    """

    field: str
    attrs: dict[str, Any]
    value: float
    unit: str
    raw_text: str
    confidence: float
    evidence: Evidence
    extractor: str  # "name@version", e.g. "hardware@0.3"
    is_best: bool = False
    features: dict[str, Any] = dc_field(default_factory=dict)  # name -> float | bool | str

    @property
    def candidate_key(self) -> str:
        """Stable identity across re-runs and extractor versions: the same value in the same sentence.

        Reviewer decisions attach to this key, so a rejected candidate stays rejected when a newer
        extractor finds it again.
        """
        value_part = "|".join(f"{k}={self.attrs[k]}" for k in sorted(self.attrs) if k != "hours_range")
        raw = f"{self.field}|{value_part}|{self.evidence.page}|{' '.join(self.evidence.sentence.split())}"
        return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]

    def score_item(self) -> dict[str, Any]:
        item = dict(self.attrs)
        item["confidence"] = round(float(self.confidence), 4)
        return item


@dataclass
class PaperExtraction:
    """Everything extracted from one paper. `candidates` holds all of them; best ones have is_best."""

    arxiv_id: str | None
    source_path: str
    pages: int
    candidates: list[Candidate] = dc_field(default_factory=list)
    extractor_version: str = ""
    seconds: float = 0.0

    def best(self, field: str) -> list[Candidate]:
        return [c for c in self.candidates if c.field == field and c.is_best]

    def to_score_json(self, arxiv_id: str | None = None) -> dict[str, Any]:
        """One line of the scorer's format: best candidates per scored field, each with confidence."""
        out: dict[str, Any] = {"arxiv_id": arxiv_id or self.arxiv_id}
        for name in ("hardware", "training_time", "results", "stated_compute"):
            out[name] = [c.score_item() for c in self.best(name)]
        return out


class ExtractionError(Exception):
    """A PDF that cannot be read; `reason` is one human-readable line (stored as the paper's reason)."""

    def __init__(self, reason: str, *, kind: str = "unreadable"):
        super().__init__(reason)
        self.reason = reason
        self.kind = kind  # empty | truncated | not_pdf | encrypted | too_large | too_many_pages | timeout | crashed | unreadable

    def __reduce__(self):
        # Errors cross process boundaries (extraction workers, Dask); keep the keyword-only `kind`.
        return (_rebuild_extraction_error, (self.reason, self.kind))


def _rebuild_extraction_error(reason: str, kind: str) -> ExtractionError:
    return ExtractionError(reason, kind=kind)
