"""The synthetic benchmark corpus: distinct, deterministic variants that render to real PDFs."""
from __future__ import annotations

import sys
from pathlib import Path

import pymupdf

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.synthetic import ensure_corpus, variant  # noqa: E402
from standin.corpus import sample_papers  # noqa: E402


def test_variants_have_new_distinct_ids_and_matching_labels() -> None:
    base = sample_papers()
    papers = [variant(i, base) for i in range(3 * len(base))]
    ids = [p.arxiv_id for p in papers]
    assert len(set(ids)) == len(ids)
    assert not set(ids) & {p.arxiv_id for p in base}
    assert all(p.labels["arxiv_id"] == p.arxiv_id for p in papers)


def test_variants_of_one_sample_paper_differ_but_are_deterministic() -> None:
    base = sample_papers()
    scaling = next(i for i, p in enumerate(base) if p.spec.results)
    first, second = variant(scaling, base), variant(scaling + len(base), base)
    assert first.spec.seed != second.spec.seed
    assert first.labels["results"] != second.labels["results"]  # values were jittered
    assert variant(scaling, base) == first and variant(scaling, base).spec == first.spec


def test_ensure_corpus_renders_once_and_stamps_the_new_id(tmp_path: Path) -> None:
    paths = ensure_corpus(tmp_path, 3, workers=1)
    assert [p.name for p in paths] == [variant(i).pdf_filename for i in range(3)]
    with pymupdf.open(paths[0]) as doc:
        assert f"arXiv:{variant(0).arxiv_id}v1" in doc[0].get_text()
    mtimes = [p.stat().st_mtime_ns for p in paths]
    assert ensure_corpus(tmp_path, 3, workers=1) == paths
    assert [p.stat().st_mtime_ns for p in paths] == mtimes  # cached: not rendered again
