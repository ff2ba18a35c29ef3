"""The loopback arXiv stand-in, driven by the real `arxiv` client and plain HTTP (no real network)."""
import dataclasses
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta, timezone
from pathlib import Path

import arxiv
import pymupdf
import pytest
import requests
import yaml

from standin import StandIn
from standin.corpus import sample_papers

CV_QUERY = 'cat:cs.CV AND (abs:ImageNet OR abs:"image classification")'


@pytest.fixture(scope="module")
def standin():
    with StandIn() as server:
        yield server


@pytest.fixture
def server(standin):
    """The shared server with faults and the request log reset for each test."""
    standin.clear_faults()
    standin.clear_requests()
    yield standin
    standin.clear_faults()


def client_for(server, page_size=100, delay=0.0, retries=3):
    client = arxiv.Client(page_size=page_size, delay_seconds=delay, num_retries=retries)
    client.query_url_format = server.query_url_format
    return client


def ids(results):
    return [r.get_short_id() for r in results]


def test_category_and_term_query_returns_matching_papers_with_metadata(server):
    results = list(client_for(server).results(arxiv.Search(query=CV_QUERY, max_results=100)))
    expected = {p.arxiv_id for p in sample_papers() if p.task == "image_classification"}
    assert {r.get_short_id().rsplit("v", 1)[0] for r in results} == expected
    first = results[0]
    assert first.entry_id.startswith("http://arxiv.org/abs/")
    assert "cs.CV" in first.categories and first.primary_category in first.categories
    assert first.authors and first.title and "ImageNet" in first.summary
    assert first.published.tzinfo is not None and first.updated >= first.published
    assert first.pdf_url == f"{server.base_url}/pdf/{first.get_short_id()}"


def test_pagination_across_pages_matches_a_single_page(server):
    query = "cat:cs.CL"
    whole = ids(client_for(server, page_size=100).results(arxiv.Search(query=query)))
    server.clear_requests()
    paged = ids(client_for(server, page_size=4).results(arxiv.Search(query=query)))
    assert len(whole) > 8 and paged == whole
    starts = [int(r.query["start"][0]) for r in server.api_requests]
    assert starts == list(range(0, len(whole), 4))
    assert all(r.query["max_results"] == ["4"] for r in server.api_requests)


def test_opensearch_header_reports_totals(server):
    body = requests.get(server.api_url, params={"search_query": "cat:cs.CL", "start": 2, "max_results": 3}).content
    root = ET.fromstring(body)
    ns = {"os": "http://a9.com/-/spec/opensearch/1.1/", "a": "http://www.w3.org/2005/Atom"}
    total = sum(1 for p in sample_papers() if "cs.CL" in p.categories)
    assert root.find("os:totalResults", ns).text == str(total)
    assert root.find("os:startIndex", ns).text == "2"
    assert root.find("os:itemsPerPage", ns).text == "3"
    assert len(root.findall("a:entry", ns)) == 3


def test_submitted_date_window_filters(server):
    query = "cat:cs.CL AND submittedDate:[201901010000 TO 202012312359]"
    results = list(client_for(server).results(arxiv.Search(query=query)))
    lo, hi = datetime(2019, 1, 1, tzinfo=timezone.utc), datetime(2021, 1, 1, tzinfo=timezone.utc)
    expected = {p.arxiv_id for p in sample_papers() if "cs.CL" in p.categories and lo <= p.published < hi}
    assert expected and {r.get_short_id().rsplit("v", 1)[0] for r in results} == expected


@pytest.mark.parametrize("criterion, attribute", [(arxiv.SortCriterion.SubmittedDate, "published"),
                                                  (arxiv.SortCriterion.LastUpdatedDate, "updated")])
@pytest.mark.parametrize("order", [arxiv.SortOrder.Ascending, arxiv.SortOrder.Descending])
def test_sorting(server, criterion, attribute, order):
    search = arxiv.Search(query="cat:cs.CL OR cat:cs.CV", sort_by=criterion, sort_order=order)
    stamps = [getattr(r, attribute) for r in client_for(server, page_size=7).results(search)]
    assert len(stamps) > 20
    assert stamps == sorted(stamps, reverse=order == arxiv.SortOrder.Descending)


def test_relevance_puts_more_hits_first(server):
    results = list(client_for(server).results(arxiv.Search(query="abs:SQuAD OR ti:SQuAD")))
    assert results and all("SQuAD" in r.summary or "SQuAD" in r.title for r in results)


def test_id_list_with_and_without_versions(server):
    twice_revised = next(p for p in sample_papers() if p.version >= 2)
    old_style = next(p for p in sample_papers() if "/" in p.arxiv_id)
    search = arxiv.Search(id_list=[twice_revised.arxiv_id, f"{twice_revised.arxiv_id}v1", old_style.arxiv_id,
                                   "2499.99999"])
    got = ids(client_for(server).results(search))
    assert got == [twice_revised.versioned_id, f"{twice_revised.arxiv_id}v1", old_style.versioned_id]


def test_id_list_combined_with_query_filters(server):
    cv = next(p for p in sample_papers() if p.primary_category == "cs.CV")
    cl = next(p for p in sample_papers() if p.categories == ["cs.CL"])
    search = arxiv.Search(query="cat:cs.CV", id_list=[cv.arxiv_id, cl.arxiv_id])
    assert ids(client_for(server).results(search)) == [cv.versioned_id]


@pytest.mark.parametrize("params", [{"search_query": "cat:cs.CV AND ("},
                                    {"search_query": "cat:cs.CV", "max_results": "ten"},
                                    {"search_query": "cat:cs.CV", "sortBy": "citations"}])
def test_malformed_request_gets_http_400(server, params):
    response = requests.get(server.api_url, params=params)
    assert response.status_code == 400 and b"Error" in response.content


def test_pdf_download_and_range(server):
    paper = sample_papers()[0]
    url = server.pdf_url(paper.arxiv_id, paper.version)
    full = requests.get(url)
    assert full.status_code == 200 and full.headers["Content-Type"] == "application/pdf"
    assert int(full.headers["Content-Length"]) == len(full.content)
    assert full.headers["Accept-Ranges"] == "bytes"
    assert pymupdf.open("pdf", full.content).page_count >= 2
    part = requests.get(url, headers={"Range": "bytes=100-"})
    assert part.status_code == 206
    assert part.headers["Content-Range"] == f"bytes 100-{len(full.content) - 1}/{len(full.content)}"
    assert part.content == full.content[100:]
    tail = requests.get(url, headers={"Range": "bytes=-10"})
    assert tail.status_code == 206 and tail.content == full.content[-10:]
    assert requests.get(url, headers={"Range": f"bytes={len(full.content)}-"}).status_code == 416
    assert requests.get(server.pdf_url(paper.arxiv_id)).content == full.content  # unversioned = latest
    head = requests.head(url)
    assert head.status_code == 200 and int(head.headers["Content-Length"]) == len(full.content)
    assert requests.get(server.pdf_url("2499.99999", 1)).status_code == 404
    assert len(server.pdf_requests) == 7


def test_old_style_id_pdf_url(server):
    old = next(p for p in sample_papers() if "/" in p.arxiv_id)
    result = next(client_for(server).results(arxiv.Search(id_list=[old.arxiv_id])))
    assert requests.get(result.pdf_url).content[:5] == b"%PDF-"


# ------------------------------------------------------------------------- faults

@pytest.mark.parametrize("kind, status", [("http_429", 429), ("http_503", 503)])
def test_rate_limit_and_unavailable_carry_retry_after_and_client_recovers(server, kind, status):
    server.set_fault(kind, times=2, retry_after=7)
    raw = requests.get(server.api_url, params={"search_query": "cat:cs.CV"})
    assert raw.status_code == status and raw.headers["Retry-After"] == "7"
    results = list(client_for(server).results(arxiv.Search(query=CV_QUERY)))
    assert results
    statuses = [r.status for r in server.api_requests]
    assert statuses == [status, status, 200]  # one fault left for the client, then success
    assert [r.fault for r in server.api_requests] == [kind, kind, None]


def test_faults_can_target_pdf_downloads(server):
    paper = sample_papers()[1]
    url = server.pdf_url(paper.arxiv_id, paper.version)
    server.set_fault("http_503", on="pdf", retry_after=2)
    assert requests.get(server.api_url, params={"search_query": "cat:cs.CV"}).status_code == 200
    refused = requests.get(url)
    assert refused.status_code == 503 and refused.headers["Retry-After"] == "2"
    assert requests.get(url).status_code == 200
    assert [r.status for r in server.pdf_requests] == [503, 200]


def test_faults_are_limited_to_n_occurrences(server):
    server.set_fault("http_503", times=3)
    with pytest.raises(arxiv.HTTPError):
        list(client_for(server, retries=2).results(arxiv.Search(query=CV_QUERY)))
    assert [r.status for r in server.api_requests] == [503, 503, 503]
    assert list(client_for(server, retries=0).results(arxiv.Search(query=CV_QUERY)))


def test_empty_page_in_the_middle_is_retried_by_client(server):
    expected = ids(client_for(server).results(arxiv.Search(query="cat:cs.CL")))
    server.clear_requests()
    server.set_fault("empty_page", times=1, min_start=1)  # the bare client only retries later pages
    got = ids(client_for(server, page_size=5).results(arxiv.Search(query="cat:cs.CL")))
    assert got == expected
    faulted = [r for r in server.api_requests if r.fault == "empty_page"]
    assert len(faulted) == 1 and faulted[0].query["start"] == ["5"]  # never the first page


def test_malformed_xml(server):
    server.set_fault("malformed_xml")
    body = requests.get(server.api_url, params={"search_query": "cat:cs.CV"}).content
    with pytest.raises(ET.ParseError):
        ET.fromstring(body)
    ET.fromstring(requests.get(server.api_url, params={"search_query": "cat:cs.CV"}).content)


def test_slow_response(server):
    server.set_fault("slow", delay=0.4)
    started = time.monotonic()
    assert requests.get(server.api_url, params={"search_query": "cat:cs.CV"}).status_code == 200
    assert time.monotonic() - started >= 0.4
    started = time.monotonic()
    requests.get(server.api_url, params={"search_query": "cat:cs.CV"})
    assert time.monotonic() - started < 0.4


def test_connection_reset_halfway_then_resume_with_range(server):
    paper = sample_papers()[3]
    url = server.pdf_url(paper.arxiv_id, paper.version)
    expected = requests.get(url).content
    server.set_fault("reset_pdf")
    received = bytearray()
    with pytest.raises(requests.exceptions.RequestException):
        with requests.get(url, stream=True) as response:
            for chunk in response.iter_content(4096):
                received.extend(chunk)
    assert 0 < len(received) < len(expected)
    rest = requests.get(url, headers={"Range": f"bytes={len(received)}-"})
    assert rest.status_code == 206
    assert bytes(received) + rest.content == expected


def test_unknown_fault_kind_is_rejected(server):
    with pytest.raises(ValueError):
        server.set_fault("teapot")


# ------------------------------------------------------------------------- politeness and runtime changes

def test_request_log_shows_client_spacing(server):
    list(client_for(server, page_size=4, delay=0.15).results(arxiv.Search(query="cat:cs.CL")))
    times = [r.time for r in server.api_requests]
    assert len(times) >= 3
    assert min(b - a for a, b in zip(times, times[1:])) >= 0.14
    assert all("arxiv.py" in r.headers.get("user-agent", "") for r in server.api_requests)


def test_new_version_added_at_runtime():
    base = sample_papers()[0]
    with StandIn(papers=[base], pdfs={base.versioned_id: b"%PDF-1.7 first"}) as server:
        newer = dataclasses.replace(base, version=base.version + 1, title=base.title + " (revised)",
                                    updated=base.updated + timedelta(days=30))
        server.add_paper(newer, b"%PDF-1.7 second")
        latest = next(client_for(server).results(arxiv.Search(id_list=[base.arxiv_id])))
        assert latest.get_short_id() == newer.versioned_id and latest.title.endswith("(revised)")
        assert requests.get(server.pdf_url(base.arxiv_id)).content == b"%PDF-1.7 second"
        assert requests.get(server.pdf_url(base.arxiv_id, base.version)).content == b"%PDF-1.7 first"
        assert [p.version for p in server.papers()] == [newer.version]


def test_config_task_queries_find_exactly_that_tasks_papers(server):
    """The queries config.yaml implies (categories OR-ed, terms OR-ed) select each task's papers."""
    config = yaml.safe_load((Path(__file__).resolve().parents[1] / "config.yaml").read_text())
    for key, task in config["tasks"].items():
        cats = " OR ".join(f"cat:{c}" for c in task["query"]["categories"])
        terms = " OR ".join(f'abs:"{t}"' for t in task["query"]["terms"])
        search = arxiv.Search(query=f"({cats}) AND ({terms})")
        found = {r.get_short_id().rsplit("v", 1)[0] for r in client_for(server).results(search)}
        assert found == {p.arxiv_id for p in sample_papers() if p.task == key}, key


def test_module_entry_point_serves_the_sample_corpus():
    cwd = Path(__file__).resolve().parents[1]
    proc = subprocess.Popen([sys.executable, "-m", "standin", "--port", "0"], cwd=cwd,
                            stdout=subprocess.PIPE, text=True)
    try:
        lines = [proc.stdout.readline() for _ in range(2)]
        api = next(line.split("API: ")[1].strip() for line in lines if line.startswith("API: "))
        client = arxiv.Client(delay_seconds=0)
        client.query_url_format = api + "?{}"
        assert len(list(client.results(arxiv.Search(query="cat:cs.CV")))) >= 16
    finally:
        proc.terminate()
        proc.wait(timeout=5)
