"""arXiv API faults through the real ingest flow (and the client) against the loopback stand-in:
rate limits and outages honour Retry-After, an empty or malformed page loses no paper."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from db.runs import get_watermark
from fault_helpers import task_papers, write_config
from models import Paper, PaperTask
from settings.config import load_config
from sources.arxiv_client import get_client, search_task
from standin.server import StandIn

TASK = "image_classification"


@pytest.fixture
def stand_in():
    with StandIn(papers=task_papers(TASK)) as server:
        yield server


def ingest(config_path):
    from flows.ingest import ingest_flow

    return ingest_flow(config_path=str(config_path), tasks=[TASK], start=None, end=date(2025, 12, 31))


def stored(config_path) -> tuple[set[str], int, int]:
    url = load_config(config_path).database_url
    with session_scope(url) as s:
        ids = set(s.execute(select(Paper.arxiv_id)).scalars())
        return ids, s.scalar(select(func.count()).select_from(Paper)), \
            s.scalar(select(func.count()).select_from(PaperTask))


def expected_ids() -> set[str]:
    return {p.arxiv_id for p in task_papers(TASK)}


@pytest.mark.parametrize("kind, status", [("http_429", 429), ("http_503", 503)])
def test_rate_limit_and_outage_wait_for_retry_after(prefect_harness, stand_in, tmp_path, kind, status):
    config = write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 3})
    stand_in.set_fault(kind, times=2, retry_after=1)
    counts = ingest(config)
    assert counts[TASK]["found"] == len(expected_ids())
    ids, papers, links = stored(config)
    assert ids == expected_ids() and papers == links == len(ids)
    api = stand_in.api_requests
    assert [r.status for r in api[:3]] == [status, status, 200]
    assert api[1].time - api[0].time >= 0.95 and api[2].time - api[1].time >= 0.95  # Retry-After: 1


def test_empty_page_in_the_middle_loses_and_duplicates_nothing(prefect_harness, stand_in, tmp_path):
    config = write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 3})
    stand_in.set_fault("empty_page", times=1, min_start=3)
    ingest(config)
    ids, papers, links = stored(config)
    assert ids == expected_ids() and papers == links == len(ids)
    faulted = [r for r in stand_in.api_requests if r.fault == "empty_page"]
    assert len(faulted) == 1 and faulted[0].query["start"] == ["3"]


def test_malformed_page_in_the_middle_loses_nothing(stand_in, tmp_path):
    settings = load_config(write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 3})).arxiv
    task = load_config(tmp_path / "config.yaml").tasks[TASK]
    results = search_task(get_client(settings), task, date(2012, 1, 1), date(2025, 12, 31), 100)
    got = [next(results).arxiv_id]  # the first page is in; the next page is fetched on demand
    stand_in.set_fault("malformed_xml")
    got += [meta.arxiv_id for meta in results]
    assert any(r.fault == "malformed_xml" for r in stand_in.api_requests)
    assert sorted(got) == sorted(expected_ids())  # re-paged from the offset reached: no gap, no repeat


def test_malformed_first_page_does_not_move_the_watermark_past_unseen_papers(prefect_harness, stand_in, tmp_path):
    # Two entries per page: the cut-off feed then parses with no entry at all.
    config = write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 2})
    stand_in.set_fault("malformed_xml", times=1)
    try:
        ingest(config)
    except Exception:  # noqa: BLE001 - failing loudly is acceptable; losing papers silently is not
        pass
    ingest(config)  # the next nightly run
    ids, _, _ = stored(config)
    assert ids == expected_ids(), (sorted(expected_ids() - ids), get_watermark(load_config(config).database_url, TASK))
