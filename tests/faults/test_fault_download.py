"""Download faults through the real ingest + download flows against the loopback stand-in: an HTML
page instead of a PDF, a PDF over download.max_bytes, a connection reset halfway (resumed with Range).
Each bad paper gets a status and a reason; the rest of the batch is downloaded."""
from __future__ import annotations

import hashlib
from datetime import date

import pytest
from sqlalchemy import select

from db.engine import session_scope
from fault_helpers import task_papers, write_config
from models import Paper, PaperStatus
from settings.config import load_config
from standin.corpus import build_pdf
from standin.server import StandIn

TASK = "image_classification"
MAX_BYTES = 400_000


@pytest.fixture(scope="module")
def outcome(prefect_harness, tmp_path_factory):
    from flows.download import download_flow
    from flows.ingest import ingest_flow

    papers = task_papers(TASK)
    html, huge = papers[1], papers[2]
    big_pdf = build_pdf(huge)
    big_pdf += b"\n%" + b"x" * (MAX_BYTES + 1000 - len(big_pdf)) + b"\n"  # still a valid PDF, just too big
    pdfs = {f"{html.arxiv_id}v{html.version}": b"<!DOCTYPE html><html><body>Access denied</body></html>",
            f"{huge.arxiv_id}v{huge.version}": big_pdf}
    workdir = tmp_path_factory.mktemp("download-faults")
    with StandIn(papers=papers, pdfs=pdfs) as stand_in:
        config_path = write_config(workdir, stand_in.api_url, download={"max_bytes": MAX_BYTES})
        ingest_flow(config_path=str(config_path), tasks=[TASK], start=date(2012, 1, 1), end=date(2025, 12, 31))
        stand_in.set_fault("reset_pdf", times=1)
        counts = download_flow(config_path=str(config_path))
        served = {p.arxiv_id: stand_in.pdf_bytes(p.arxiv_id, p.version) for p in papers}
        pdf_requests = stand_in.pdf_requests
        again = download_flow(config_path=str(config_path))
        requests_again = len(stand_in.pdf_requests) - len(pdf_requests)
    config = load_config(config_path)
    with session_scope(config.database_url) as s:
        rows = {p.arxiv_id: p for p in s.execute(select(Paper)).scalars()}
    return dict(counts=counts, again=again, rows=rows, served=served, html=html.arxiv_id, huge=huge.arxiv_id,
                good=len(papers) - 2,
                pdf_requests=pdf_requests, requests_again=requests_again, cache=config.pdf_cache)


def test_html_page_is_parked_with_a_reason(outcome):
    paper = outcome["rows"][outcome["html"]]
    assert paper.status == PaperStatus.parked and "HTML page instead of a PDF" in paper.status_reason
    assert paper.pdf_sha256 is None


def test_pdf_over_the_byte_limit_is_parked_with_a_reason(outcome):
    paper = outcome["rows"][outcome["huge"]]
    assert paper.status == PaperStatus.parked
    assert f"over the {MAX_BYTES:,}-byte limit" in paper.status_reason


def test_reset_download_resumes_and_every_good_paper_is_complete(outcome):
    ranged = [r for r in outcome["pdf_requests"] if r.headers.get("range")]
    reset = [r for r in outcome["pdf_requests"] if r.fault == "reset_pdf"]
    assert len(reset) == 1 and ranged and ranged[0].path == reset[0].path  # resumed, not restarted
    good = [i for i in outcome["rows"] if i not in (outcome["html"], outcome["huge"])]
    assert len(good) == outcome["good"] and outcome["counts"]["downloaded"] == outcome["good"]
    assert outcome["counts"]["failed"] == 2
    for arxiv_id in good:
        paper = outcome["rows"][arxiv_id]
        assert paper.status == PaperStatus.downloaded and paper.status_reason is None
        assert paper.pdf_sha256 == hashlib.sha256(outcome["served"][arxiv_id]).hexdigest()


def test_cache_holds_only_complete_checksummed_pdfs(outcome):
    files = sorted(p.name for p in outcome["cache"].iterdir())
    assert not [f for f in files if f.endswith((".part", ".tmp"))]
    pdfs, sums = [f for f in files if f.endswith(".pdf")], [f for f in files if f.endswith(".sha256")]
    assert len(pdfs) == outcome["good"] == len(sums)


def test_second_run_fetches_nothing(outcome):
    assert outcome["requests_again"] == 0  # parked papers are not retried, cached ones not re-fetched
    assert outcome["again"] == {"downloaded": 0, "cached": 0, "failed": 0}
