"""Bad PDFs that download fine (truncated, encrypted, thousands of pages, a parser that hangs or
crashes) through the real ingest + download + extract flows: each paper gets a status and a
human-readable reason in the database, and the rest of the batch is extracted."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from bad_pdfs import encrypted_pdf, many_pages_pdf, truncated_pdf
from db.engine import session_scope
from extractors import sandbox
from faulty_worker import with_faults
from fault_helpers import task_papers, write_config
from models import Paper, PaperStatus
from settings.config import load_config
from standin.server import StandIn

pytestmark = pytest.mark.slow
TASK = "image_classification"


@pytest.fixture(scope="module")
def outcome(prefect_harness, tmp_path_factory):
    from flows.download import download_flow
    from flows.extract import extract_flow
    from flows.ingest import ingest_flow

    papers = task_papers(TASK)
    truncated, encrypted, long, hangs, crashes = papers[1:6]
    key = lambda p: f"{p.arxiv_id}v{p.version}"  # noqa: E731 - also the cache file's name stem
    pdfs = {key(truncated): truncated_pdf(), key(encrypted): encrypted_pdf(), key(long): many_pages_pdf(3000)}
    workdir = tmp_path_factory.mktemp("extract-faults")
    # A test-only worker entry hangs on one paper and segfaults on another (the pool looks the entry
    # up per paper, so it holds in flows/extract's pools too).
    real_entry = sandbox.extract_in_worker
    sandbox.extract_in_worker = with_faults(f"hang={key(hangs)}.pdf,crash={key(crashes)}.pdf")
    try:
        with StandIn(papers=papers, pdfs=pdfs) as stand_in:
            config = write_config(workdir, stand_in.api_url, pipeline={"max_attempts": 2},
                                  extraction={"timeout_seconds": 9.5, "max_pages": 200})
            ingest_flow(config_path=str(config), tasks=[TASK], start=date(2012, 1, 1), end=date(2025, 12, 31))
            download_flow(config_path=str(config))
            first = extract_flow(config_path=str(config))
            url = load_config(config).database_url
            with session_scope(url) as s:
                after_first = {p.arxiv_id: (p.status, p.status_reason) for p in s.execute(select(Paper)).scalars()}
            second = extract_flow(config_path=str(config))  # the transient failures get their second attempt
    finally:
        sandbox.extract_in_worker = real_entry
    with session_scope(url) as s:
        final = {p.arxiv_id: (p.status, p.status_reason, p.attempts) for p in s.execute(select(Paper)).scalars()}
    return dict(first=first, second=second, after_first=after_first, final=final,
                ids=dict(truncated=truncated.arxiv_id, encrypted=encrypted.arxiv_id, long=long.arxiv_id,
                         hangs=hangs.arxiv_id, crashes=crashes.arxiv_id),
                good=[p.arxiv_id for p in papers if p not in (truncated, encrypted, long, hangs, crashes)])


@pytest.mark.parametrize("which, reason", [
    ("truncated", "damaged or truncated"), ("encrypted", "needs a password"), ("long", "more than the limit of 200"),
])
def test_unreadable_pdf_is_parked_at_once_with_its_reason(outcome, which, reason):
    status, text, attempts = outcome["final"][outcome["ids"][which]]
    assert status == PaperStatus.parked and reason in text and attempts == 1


@pytest.mark.parametrize("which, reason", [("hangs", "took longer than 9.5 s"), ("crashes", "crashed")])
def test_hang_or_crash_is_retried_then_parked(outcome, which, reason):
    arxiv_id = outcome["ids"][which]
    status, text = outcome["after_first"][arxiv_id]
    assert status == PaperStatus.failed and reason in text  # worth another try: maybe a busy machine
    status, text, attempts = outcome["final"][arxiv_id]
    assert status == PaperStatus.parked and reason in text and "parked after 2 attempts" in text and attempts == 2


def test_the_rest_of_the_batch_is_extracted(outcome):
    for arxiv_id in outcome["good"]:
        status, reason, _ = outcome["final"][arxiv_id]
        assert status == PaperStatus.extracted and reason is None, (arxiv_id, reason)
    assert outcome["first"].get("extracted") == len(outcome["good"])
    assert outcome["second"] == {"parked": 2}
