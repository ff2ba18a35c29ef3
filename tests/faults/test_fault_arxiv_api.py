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


def test_malformed_first_page_once_is_re_requested(prefect_harness, stand_in, tmp_path):
    # Two entries per page: the cut-off feed would parse with no entry at all ("no results").
    config = write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 2})
    stand_in.set_fault("malformed_xml", times=1)
    counts = ingest(config)
    assert counts[TASK]["found"] == len(expected_ids())
    assert stored(config)[0] == expected_ids()
    api = stand_in.api_requests
    assert api[0].fault == "malformed_xml" and api[1].query["start"] == ["0"] and api[1].fault is None


def test_malformed_first_page_that_persists_fails_the_query_and_keeps_the_watermark(prefect_harness, stand_in,
                                                                                      tmp_path):
    from flows.ingest import IngestFailed

    config = write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 2, "num_retries": 2})
    stand_in.set_fault("malformed_xml", times=1000)
    with pytest.raises(IngestFailed, match=r"malformed feed \(not XML\) after 3 tries"):
        ingest(config)
    assert len(stand_in.api_requests) == 3  # 1 + num_retries, nothing more
    url = load_config(config).database_url
    assert get_watermark(url, TASK) is None and stored(config)[0] == set()
    stand_in.clear_faults()
    ingest(config)  # the next nightly run finds every paper
    assert stored(config)[0] == expected_ids()


def test_empty_first_page_with_a_total_is_re_requested(prefect_harness, stand_in, tmp_path):
    # issue 15.1: arXiv answers the first page with totalResults > 0 and no entries; the arxiv
    # package reads that as "no results" (it only retries later pages).
    config = write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 3})
    stand_in.set_fault("empty_page", times=1)  # the stand-in's default now hits the first page too
    counts = ingest(config)
    assert counts[TASK]["found"] == len(expected_ids())
    assert stored(config)[0] == expected_ids()
    faulted = [r for r in stand_in.api_requests if r.fault == "empty_page"]
    assert len(faulted) == 1 and faulted[0].query["start"] == ["0"]
    assert get_watermark(load_config(config).database_url, TASK) == date(2025, 12, 31)


def test_empty_first_page_that_persists_fails_the_query_and_keeps_the_watermark(prefect_harness, stand_in,
                                                                                   tmp_path):
    from flows.ingest import IngestFailed

    config = write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 3, "num_retries": 2})
    url = load_config(config).database_url
    stand_in.set_fault("empty_page", times=1000)
    with pytest.raises(IngestFailed, match=r"no entries at offset 0 of \d+ results after 3 tries"):
        ingest(config)
    assert len(stand_in.api_requests) == 3
    assert get_watermark(url, TASK) is None and get_watermark(url, f"{TASK}@updated") is None
    assert stored(config)[0] == set()
    stand_in.clear_faults()
    ingest(config)  # a rerun finds all of them (before the fix: "found 0" and the watermark at the end)
    assert stored(config)[0] == expected_ids()


def test_never_ending_503_costs_one_plus_num_retries_requests(prefect_harness, stand_in, tmp_path):
    # issue 15.5: before, 4 session attempts x 2 client tries x 3 Prefect tries = 24 requests.
    from flows.ingest import IngestFailed

    config = write_config(tmp_path, stand_in.api_url, arxiv={"num_retries": 2})
    stand_in.set_fault("http_503", times=1000, retry_after=0)
    with pytest.raises(IngestFailed) as failure:
        ingest(config)
    assert [r.status for r in stand_in.api_requests] == [503, 503, 503]
    host = f"127.0.0.1:{stand_in.port}"
    assert f"arXiv API at {host}: HTTP 503 after 3 tries" in str(failure.value)
    assert "\n" not in str(failure.value)
    assert get_watermark(load_config(config).database_url, TASK) is None


def test_every_request_of_the_client_goes_through_our_session(stand_in, tmp_path):
    # The seam into the `arxiv` package (Client._session, pinned arxiv>=4.0,<5): an upgrade that stops
    # using it would send the package's own User-Agent, without our timeout, spacing and retries.
    settings = load_config(write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 2})).arxiv
    task = load_config(tmp_path / "config.yaml").tasks[TASK]
    got = list(search_task(get_client(settings), task, date(2012, 1, 1), date(2025, 12, 31), 100))
    assert sorted(m.arxiv_id for m in got) == sorted(expected_ids())
    api = stand_in.api_requests
    assert len(api) == -(-len(got) // 2)  # one request per page
    assert {r.headers.get("user-agent") for r in api} == {settings.user_agent}


def test_requests_are_spaced_by_delay_seconds_across_concurrent_queries(stand_in, tmp_path):
    import threading

    settings = load_config(write_config(tmp_path, stand_in.api_url, arxiv={"page_size": 2})).arxiv
    settings = settings.model_copy(update={"delay_seconds": 0.4})
    task = load_config(tmp_path / "config.yaml").tasks[TASK]
    client = get_client(settings)
    threads = [threading.Thread(target=lambda: list(search_task(client, task, date(2012, 1, 1),
                                                                date(2025, 12, 31), 100))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    times = sorted(r.time for r in stand_in.api_requests)
    assert len(times) >= 4 and min(b - a for a, b in zip(times, times[1:])) >= 0.38
