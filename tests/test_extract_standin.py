"""The synthetic sample corpus (standin.corpus) end to end: PDFs built in memory, labels from the specs.

The stand-in writes its own phrasings and traps (cited hardware in related work, GPU memory, per-GPU
batches, inference latency, data preprocessing on CPUs), independent of the extractor's rules.
"""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from extractors.pipeline import extract_document
from extractors.text import read_document

corpus = pytest.importorskip("standin.corpus")
SCORER = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "score.py"

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not SCORER.is_file(), reason="../shared/eval/score.py absent")]


def _scorer():
    spec = importlib.util.spec_from_file_location("standin_score", SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sample_corpus_meets_the_targets():
    scorer = _scorer()
    gold, predictions = {}, {}
    for paper in corpus.sample_papers():
        doc = read_document(corpus.build_pdf(paper))
        candidates = extract_document(doc)
        key = paper.arxiv_id
        gold[key] = {"arxiv_id": key, **{f: paper.labels.get(f, []) for f in ("hardware", "training_time",
                                                                             "stated_compute")}}
        predictions[key] = {f: [c.score_item() for c in candidates if c.field == f and c.is_best]
                            for f in ("hardware", "training_time", "stated_compute")}
    table = scorer.score(gold, predictions, 0.5)
    for field in ("hardware", "training_time", "stated_compute"):
        assert table[field]["precision"] >= 0.95, (field, table[field])
        assert table[field]["recall"] >= 0.85, (field, table[field])
