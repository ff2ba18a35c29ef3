"""The database layer on a real SQLite file: migrations, idempotent writes, reviews that survive re-runs."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, inspect, select, text

from db import get_engine, session_scope, upgrade_to_head
from usecases.effective import effective_values
from usecases.paper_stages import mark_failed, papers_to_download, record_found, store_extraction
from extractors.records import Candidate, Evidence, PaperExtraction
from models import DecisionAction, Extraction, Paper, PaperStatus, PaperTask, Result, ReviewDecision
from settings.config import load_config
from sources.arxiv_client import PaperMeta

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config.yaml")


def meta(arxiv_id="2101.00001", version=1, **kw) -> PaperMeta:
    return PaperMeta(arxiv_id=arxiv_id, version=version, title=kw.get("title", "A paper"), authors=["A. Author"],
                     abstract="We train.", categories=["cs.CV"], primary_category="cs.CV",
                     published=datetime(2020, 5, 1, tzinfo=timezone.utc),
                     updated=datetime(2020, 5, 1, tzinfo=timezone.utc), pdf_url=f"http://x/pdf/{arxiv_id}v{version}")


def candidate(field, attrs, value, confidence, sentence, best=True) -> Candidate:
    return Candidate(field=field, attrs=attrs, value=value, unit="", raw_text=sentence[:20], confidence=confidence,
                     evidence=Evidence(page=3, sentence=sentence, char_start=0, char_end=10, section="experiments"),
                     extractor=f"{field}@test", is_best=best)


def extraction(version="t1", top1=76.5, top1_conf=0.9) -> PaperExtraction:
    return PaperExtraction(arxiv_id="2101.00001", source_path="x.pdf", pages=9, extractor_version=version, candidates=[
        candidate("hardware", {"chip": "V100", "count": 8, "unit": "chips"}, 8, 0.95, "We train on 8 V100 GPUs."),
        candidate("training_time", {"hours": 72.0, "kind": "wall"}, 72, 0.4, "Training takes 3 days."),
        candidate("results", {"dataset": "ImageNet", "metric": "top-1 accuracy", "value": top1}, top1, top1_conf,
                  f"Our model reaches {top1}% top-1 accuracy on ImageNet."),
        candidate("results", {"dataset": "ImageNet", "metric": "top-5 error", "value": 6.5}, 6.5, 0.8,
                  "Top-5 error is 6.5% on ImageNet."),
        candidate("results", {"dataset": "CIFAR-10", "metric": "top-1 accuracy", "value": 97.0}, 97, 0.9,
                  "On CIFAR-10 we reach 97.0%."),
    ])


@pytest.fixture
def url(db_url):
    upgrade_to_head(db_url)
    return db_url


def test_migrations_create_tables_and_sqlite_pragmas(url):
    tables = set(inspect(get_engine(url)).get_table_names())
    assert {"papers", "paper_tasks", "extractions", "results", "compute_estimates", "fits", "runs",
            "review_decisions", "ingest_watermarks", "alembic_version"} <= tables
    with get_engine(url).connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() > 0
    upgrade_to_head(url)  # a second start leaves a current schema alone


def test_record_found_is_idempotent_and_counts_a_paper_once_across_tasks(url):
    with session_scope(url) as s:
        assert record_found(s, [meta(), meta("2101.00002")], "image_classification").new == 2
    with session_scope(url) as s:
        again = record_found(s, [meta()], "image_classification")
        other = record_found(s, [meta()], "object_detection")
    assert (again.new, again.unchanged, other.unchanged) == (0, 1, 1)
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(Paper)) == 2
        assert s.scalar(select(func.count()).select_from(PaperTask)) == 3


def test_new_version_sends_paper_back_for_download(url):
    with session_scope(url) as s:
        record_found(s, [meta()], "image_classification")
        paper = s.execute(select(Paper)).scalar_one()
        paper.status, paper.pdf_sha256 = PaperStatus.extracted, "abc"
    with session_scope(url) as s:
        counts = record_found(s, [meta(version=2, title="A paper, revised")], "image_classification")
        paper = s.execute(select(Paper)).scalar_one()
        assert counts.new_version == 1
        assert (paper.version, paper.status, paper.pdf_sha256, paper.title) == (2, PaperStatus.found, None,
                                                                                 "A paper, revised")
        assert [p.arxiv_id for p in papers_to_download(s, 3)] == ["2101.00001"]


def test_failures_are_counted_then_parked(url):
    with session_scope(url) as s:
        record_found(s, [meta()], "image_classification")
        pid = s.execute(select(Paper.id)).scalar_one()
        assert mark_failed(s, pid, "HTTP 503", max_attempts=2, permanent=False) == PaperStatus.failed
        assert mark_failed(s, pid, "HTTP 503", max_attempts=2, permanent=False) == PaperStatus.parked
        paper = s.get(Paper, pid)
        assert paper.attempts == 2 and "parked after 2 attempts" in paper.status_reason
        assert papers_to_download(s, 2) == []


def stored(url, ext):
    with session_scope(url) as s:
        record_found(s, [meta()], "image_classification")
        pid = s.execute(select(Paper.id)).scalar_one()
        store_extraction(s, pid, ext, CONFIG)
    return pid


def test_store_extraction_keeps_provenance_and_maps_results_to_tasks(url):
    pid = stored(url, extraction())
    with session_scope(url) as s:
        rows = s.execute(select(Extraction).order_by(Extraction.id)).scalars().all()
        assert len(rows) == 5 and all(r.page == 3 and r.sentence and r.extractor_version == "t1" for r in rows)
        results = {(r.dataset, r.metric): r for r in s.execute(select(Result)).scalars()}
        # CIFAR-10 is not a configured benchmark; top-5 error is stored as top-5 accuracy.
        assert set(results) == {("ImageNet", "top-1 accuracy"), ("ImageNet", "top-5 accuracy")}
        assert results[("ImageNet", "top-5 accuracy")].value == pytest.approx(93.5)
        assert s.get(Paper, pid).status == PaperStatus.extracted
    stored(url, extraction())  # the same extraction again adds nothing
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(Extraction)) == 5
        assert s.scalar(select(func.count()).select_from(Result)) == 2


def test_low_confidence_is_pending_and_reviews_survive_reextraction(url):
    pid = stored(url, extraction(top1_conf=0.3))
    with session_scope(url) as s:
        states = {v.field: v.state for v in effective_values(s, min_confidence=0.6, paper_ids=[pid])
                  if v.field in ("training_time", "hardware")}
        assert states == {"training_time": "pending", "hardware": "auto"}
        top1 = s.execute(select(Extraction).where(Extraction.sentence.like("Our model reaches%"))).scalar_one()
        s.add(ReviewDecision(paper_id=pid, candidate_key=top1.candidate_key, field="results",
                             action=DecisionAction.correct, corrected_attrs={"value": 77.0}, reviewer="ann"))
        hw = s.execute(select(Extraction).where(Extraction.field == "hardware")).scalar_one()
        s.add(ReviewDecision(paper_id=pid, candidate_key=hw.candidate_key, field="hardware",
                             action=DecisionAction.reject, reviewer="ann"))
    # A newer extractor finds the same candidates again: the decisions still stand.
    stored(url, extraction(version="t2", top1_conf=0.3))
    from usecases.paper_stages import refresh_results
    with session_scope(url) as s:
        refresh_results(s, pid, CONFIG)
        values = effective_values(s, min_confidence=0.6, paper_ids=[pid])
        assert not [v for v in values if v.field == "hardware"]
        top1 = next(v for v in values if v.attrs.get("metric") == "top-1 accuracy")
        assert (top1.state, top1.attrs["value"]) == ("corrected", 77.0)
        result = s.execute(select(Result).where(Result.metric == "top-1 accuracy")).scalar_one()
        assert (result.value, result.review_state) == (77.0, "corrected")
        assert s.scalar(select(func.count()).select_from(ReviewDecision)) == 2


def test_one_value_read_twice_in_one_sentence_keeps_the_chosen_reading(url):
    sentence = "Training took 130 GPU-hours on 2 servers (16 GPUs), each with eight TITAN X cards."
    hw = {"chip": "TITAN X", "count": 16, "unit": "chips"}
    ext = PaperExtraction(arxiv_id="2101.00001", source_path="x.pdf", pages=3, extractor_version="t1", candidates=[
        candidate("hardware", hw, 16, 0.72, sentence, best=False),
        candidate("hardware", hw, 16, 0.89, sentence, best=True)])
    stored(url, ext)
    with session_scope(url) as s:
        row = s.execute(select(Extraction)).scalar_one()
        assert (row.is_best, row.confidence) == (True, 0.89)
