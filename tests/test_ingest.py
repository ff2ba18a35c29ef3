"""Incremental ingestion against the loopback stand-in: concurrent task queries share one request
spacing, pagination, per-task watermarks, and new arXiv versions of already-known papers."""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.runs import get_watermark
from flows.ingest import watermark_key
from models import Paper, PaperStatus, PaperTask
from standin.corpus import sample_paper_versions, sample_papers
from standin.server import StandIn
from test_ingest_support import pipeline_config


def _task_of(request) -> str:
    query = request.query["search_query"][0]
    return query.split(")")[0]  # the categories part names the task's query


def test_concurrent_task_queries_keep_one_request_per_delay(tmp_path, prefect_harness):
    from flows.ingest import ingest_flow

    delay = 0.15
    with StandIn() as stand_in:
        config = pipeline_config(tmp_path, stand_in.api_url, delay=delay, arxiv={"page_size": 3})
        totals = ingest_flow(config_path=str(config))
        requests = stand_in.api_requests
    times = [r.time for r in requests]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert len(requests) >= 10 and min(gaps) >= delay * 0.95, gaps
    # The tasks really ran at once: their paged requests interleave instead of coming task by task.
    order = [_task_of(r) for r in requests]
    switches = sum(1 for a, b in zip(order, order[1:]) if a != b)
    assert switches > len(set(order)) - 1
    assert all("mailto:" in r.headers["user-agent"] for r in requests)
    on_task = {p.arxiv_id for p in sample_papers() if p.task}
    with session_scope(f"sqlite:///{tmp_path / 'progress.sqlite'}") as s:
        stored = set(s.execute(select(Paper.arxiv_id)).scalars())
    assert on_task <= stored
    assert sum(t["found"] for t in totals.values()) >= len(on_task)


def test_pages_are_followed_until_the_window_is_exhausted(tmp_path, prefect_harness):
    from flows.ingest import ingest_flow

    with StandIn() as stand_in:
        config = pipeline_config(tmp_path, stand_in.api_url, arxiv={"page_size": 2})
        totals = ingest_flow(config_path=str(config), tasks=["object_detection"])
        starts = sorted(int(r.query["start"][0]) for r in stand_in.api_requests)
    expected = [p for p in sample_papers() if p.task == "object_detection"]
    assert totals["object_detection"]["found"] == len(expected)
    assert starts[:4] == [0, 2, 4, 6]


def test_deployment_processes_share_prefects_global_rate_limit(tmp_path, prefect_harness, monkeypatch):
    from prefect.client.orchestration import get_client

    from flows.startup import RATE_LIMIT_ENV
    from flows.ingest import ingest_flow
    from sources.rate_limit import ARXIV_RATE_LIMIT

    import prefect.concurrency.sync as prefect_sync

    monkeypatch.setenv(RATE_LIMIT_ENV, "prefect")
    taken: list[str] = []
    real_rate_limit = prefect_sync.rate_limit

    def counting_rate_limit(names, *args, **kwargs):  # Prefect's own call, counted on the way through
        taken.append(names)
        assert kwargs.get("strict") is True
        return real_rate_limit(names, *args, **kwargs)

    monkeypatch.setattr(prefect_sync, "rate_limit", counting_rate_limit)
    delay = 0.25
    with StandIn() as stand_in:
        config = pipeline_config(tmp_path, stand_in.api_url, delay=delay, arxiv={"page_size": 4})
        ingest_flow(config_path=str(config), tasks=["machine_translation", "object_detection"])
        times = [r.time for r in stand_in.api_requests]
    with get_client(sync_client=True) as client:
        limit = client.read_global_concurrency_limit_by_name(ARXIV_RATE_LIMIT)
    assert limit.limit == 1 and limit.active and limit.slot_decay_per_second == pytest.approx(1 / delay)
    assert len(times) >= 4 and taken == [ARXIV_RATE_LIMIT] * len(times)
    assert min(b - a for a, b in zip(times, times[1:])) >= delay * 0.95


def _new_paper(template, arxiv_id: str, day: datetime):
    return dataclasses.replace(template, arxiv_id=arxiv_id, version=1, published=day, updated=day)


def test_watermarks_make_the_next_run_incremental_and_catch_new_versions(tmp_path, prefect_harness):
    from flows.ingest import ingest_flow

    now = datetime.now(timezone.utc)
    papers = sample_paper_versions()
    with StandIn(papers) as stand_in:
        config = pipeline_config(tmp_path, stand_in.api_url)
        url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
        first = ingest_flow(config_path=str(config), tasks=["image_classification"])
        assert get_watermark(url, watermark_key("image_classification")) == now.date()
        assert get_watermark(url, watermark_key("image_classification", "updated")) == now.date()

        template = next(p for p in sample_papers() if p.task == "image_classification")
        stand_in.add_paper(_new_paper(template, "2611.00001", now))
        revised = next(p for p in sample_papers() if p.task == "image_classification" and p.version == 1)
        stand_in.add_paper(dataclasses.replace(revised, version=2, updated=now))
        stand_in.clear_requests()
        second = ingest_flow(config_path=str(config), tasks=["image_classification"])
        windows = [r.query["search_query"][0] for r in stand_in.api_requests]

    day = f"{now:%Y%m%d}"
    assert all(f"[{day}0000 TO {day}2359]" in w for w in windows), windows
    assert {w.split(" AND ")[-1].split(":")[0] for w in windows} == {"submittedDate", "lastUpdatedDate"}
    assert first["image_classification"]["new"] >= 8
    assert second["image_classification"]["new"] == 1
    assert second["image_classification"]["new_version"] == 1
    with session_scope(url) as s:
        paper = s.execute(select(Paper).where(Paper.arxiv_id == revised.arxiv_id)).scalar_one()
        assert paper.version == 2 and paper.status == PaperStatus.found
        assert s.execute(select(Paper).where(Paper.arxiv_id == "2611.00001")).scalar_one()


def test_a_paper_found_by_two_tasks_is_stored_once(tmp_path, prefect_harness):
    from flows.ingest import ingest_flow

    both = [p for p in sample_papers() if {"cs.CV", "cs.LG"} <= set(p.categories) and p.task]
    shared = dataclasses.replace(both[0], arxiv_id="2601.00042",
                                 abstract=both[0].abstract + " We also study object detection on COCO.")
    with StandIn([shared, *sample_papers()]) as stand_in:
        config = pipeline_config(tmp_path, stand_in.api_url)
        totals = ingest_flow(config_path=str(config), tasks=["image_classification", "object_detection"],
                             start=date(2012, 1, 1), end=date.today() + timedelta(days=1))
    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    with session_scope(url) as s:
        rows = s.execute(select(Paper).where(Paper.arxiv_id == "2601.00042")).scalars().all()
        tasks = set(s.execute(select(PaperTask.task).where(PaperTask.paper_id == rows[0].id)).scalars())
    assert len(rows) == 1 and tasks == {"image_classification", "object_detection"}
    assert totals["object_detection"]["unchanged"] >= 1  # the second task saw it as already stored
    # explicit windows leave the nightly watermarks alone
    assert get_watermark(url, watermark_key("image_classification")) is None
