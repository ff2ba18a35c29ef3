"""The real corpus (../shared/corpus, read-only): score the pipeline as the project's targets demand.

Skipped when the shared folder is absent (it is the repo's sibling folder `shared`)."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from extractors.pipeline import arxiv_id_from_filename, extract_files
from extractors.records import PaperExtraction

SHARED = Path(__file__).resolve().parents[1] / ".." / "shared"
CORPUS = SHARED / "corpus"
SCORER = SHARED / "eval" / "score.py"

pytestmark = [
    pytest.mark.corpus,
    pytest.mark.slow,
    pytest.mark.skipif(not (CORPUS / "gold-dev.jsonl").is_file() or not SCORER.is_file(),
                       reason="../shared/corpus is not available"),
]


@pytest.fixture(scope="module")
def table():
    spec = importlib.util.spec_from_file_location("corpus_score", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold = scorer.load(CORPUS / "gold-dev.jsonl")
    predictions = {}
    for path, outcome in extract_files(sorted((CORPUS / "pdfs").glob("*.pdf")), workers=2):
        assert isinstance(outcome, PaperExtraction), f"{path.name}: {outcome}"
        paper_id = arxiv_id_from_filename(path) or path.stem
        predictions[paper_id] = json.loads(json.dumps(outcome.to_score_json(paper_id)))
    return scorer.score(gold, predictions, 0.5)


# Floors: this test scores in-sample (the shipped models saw these papers; `progress scorer train`:
# hardware P 0.871 R 0.885, training time P 0.889 R 0.852), so its floors sit about 0.03 under those
# figures; the leave-one-paper-out ones (`python bench/leave_papers_out.py`) and the scorer's grouped
# CV are the README's headline. A drop below a floor means a rule or the scorer broke, not noise:
# extraction and the shipped models are deterministic.
def test_hardware_meets_floors(table):
    assert table["hardware"]["precision"] >= 0.84
    assert table["hardware"]["recall"] >= 0.85


def test_training_time_meets_floors(table):
    assert table["training_time"]["precision"] >= 0.86
    assert table["training_time"]["recall"] >= 0.82


def test_stated_compute_precision(table):
    assert table["stated_compute"]["predictions"] == 0 or table["stated_compute"]["precision"] >= 0.95
