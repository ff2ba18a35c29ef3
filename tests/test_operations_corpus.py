"""The operation-count fields on the real corpus (bench/score_operations.py's labels and counting).

Floors are the measured figures less about 0.03 per half (both halves have been read, see
bench/score_operations.py's docstring; bench/leave_papers_out.py gives the leave-one-paper-out figure).
Skips when ../shared is absent.
"""
from __future__ import annotations

import json

import pytest

from bench.score_operations import CORPUS, LABELS, predictions, score

# split -> field -> (precision floor, recall floor), measured with `python bench/score_operations.py`
FLOORS = {
    "held_out": {"forward_flops": (0.90, 0.97), "parameters": (0.77, 0.68), "epochs": (0.92, 0.88)},
    "dev": {"forward_flops": (0.91, 0.97), "parameters": (0.86, 0.78), "epochs": (0.88, 0.97)},
}


@pytest.fixture(scope="module")
def report(shared_corpus):
    labels = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    paths = [CORPUS / f"{label['arxiv_id']}.pdf" for label in labels]
    if not all(p.exists() for p in paths):
        pytest.skip("corpus PDFs missing")
    predicted, _ = predictions(paths, workers=2)
    return {split: score([l for l in labels if l["split"] == split], predicted, 0.5) for split in FLOORS}


@pytest.mark.parametrize("split", ["held_out", "dev"])
def test_operation_fields_hold_their_floors(report, split):
    for field, (precision, recall) in FLOORS[split].items():
        row = report[split][field]
        assert row["precision"] is not None and row["precision"] >= precision, (split, field, row["precision"])
        assert row["recall"] is not None and row["recall"] >= recall, (split, field, row["recall"])
