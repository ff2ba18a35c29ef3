"""Extracted candidates (before scoring) cached per PDF, so training and cross-validation re-runs
take seconds. Keyed by the PDF's sha256 and a digest of the extractor sources (so any rule change,
not only a version bump, invalidates the cache). One JSON file per PDF under data/scorer-cache/."""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path
from typing import Any

from extractors.records import Candidate, Evidence, PaperExtraction

DEFAULT_DIR = Path(__file__).resolve().parents[2] / "data" / "scorer-cache"


@lru_cache(maxsize=1)
def extractor_digest() -> str:
    """Digest of the extractor sources and the chip catalog (the scorer's model code excluded)."""
    root = Path(__file__).resolve().parents[1]
    h = hashlib.sha256()
    # paper_features.py adds features at generation time, so it is part of the key too.
    for path in sorted([*root.glob("*.py"), *root.glob("*.yaml"), root / "scoring" / "paper_features.py"]):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    from extractors.cues import ABLATE

    h.update(",".join(sorted(ABLATE)).encode())
    return h.hexdigest()[:16]


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def candidate_to_dict(cand: Candidate) -> dict[str, Any]:
    return {"field": cand.field, "attrs": cand.attrs, "value": cand.value, "unit": cand.unit,
            "raw_text": cand.raw_text, "confidence": cand.confidence, "evidence": asdict(cand.evidence),
            "extractor": cand.extractor, "is_best": cand.is_best, "features": cand.features}


def candidate_from_dict(data: dict[str, Any]) -> Candidate:
    return Candidate(field=data["field"], attrs=data["attrs"], value=data["value"], unit=data["unit"],
                     raw_text=data["raw_text"], confidence=data["confidence"], evidence=Evidence(**data["evidence"]),
                     extractor=data["extractor"], is_best=data.get("is_best", False),
                     features=dict(data.get("features") or {}))


class CandidateCache:
    def __init__(self, directory: Path | None = None):
        self.directory = Path(directory or DEFAULT_DIR)

    def _path(self, sha: str) -> Path:
        return self.directory / f"{sha[:24]}-{extractor_digest()}.json"

    def get(self, pdf: Path) -> PaperExtraction | None:
        path = self._path(file_sha256(pdf))
        if not path.is_file():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return PaperExtraction(arxiv_id=data["arxiv_id"], source_path=str(pdf), pages=data["pages"],
                               candidates=[candidate_from_dict(c) for c in data["candidates"]],
                               extractor_version=data["extractor_version"], seconds=data.get("seconds", 0.0))

    def put(self, pdf: Path, extraction: PaperExtraction) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self._path(file_sha256(pdf))
        data = {"arxiv_id": extraction.arxiv_id, "pages": extraction.pages, "extractor_version": extraction.extractor_version,
                "seconds": extraction.seconds, "candidates": [candidate_to_dict(c) for c in extraction.candidates]}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(data), encoding="utf-8")
        tmp.replace(path)
