"""`progress status`: papers per state, the work queues, parked papers with their reasons, watermarks,
and the last runs with counts and durations (an unfinished, possibly killed, run included)."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from rich.console import Console
from sqlalchemy import select

from cli.app_state import AppContext
from cli.status import print_status, run_duration, status_summary
from db.engine import session_scope
from db.runs import finish_run, set_watermark, start_run
from usecases.paper_stages import mark_downloaded, mark_failed, record_found
from models import Paper, Run
from sources.arxiv_client import PaperMeta
from sources.pdf_cache import CachedPdf
from test_ingest_support import pipeline_config


def _meta(i: int) -> PaperMeta:
    day = datetime(2020, 1, i, tzinfo=timezone.utc)
    return PaperMeta(arxiv_id=f"2001.0000{i}", version=1, title=f"Paper {i}", authors=["A. Author"],
                     abstract="ImageNet", categories=["cs.CV"], primary_category="cs.CV", published=day,
                     updated=day, pdf_url=f"http://127.0.0.1:9/pdf/2001.0000{i}v1")


def test_status_shows_queues_parked_papers_watermarks_and_runs(tmp_path):
    config = pipeline_config(tmp_path, "http://127.0.0.1:9/api/query", pipeline={"max_attempts": 2})
    obj = AppContext(config_path=str(config))
    url = obj.url
    with session_scope(url) as s:
        record_found(s, [_meta(i) for i in range(1, 6)], "image_classification")
        ids = dict(s.execute(select(Paper.arxiv_id, Paper.id)).all())
        pdf = tmp_path / "x.pdf"
        pdf.write_bytes(b"%PDF-1.4")
        mark_downloaded(s, ids["2001.00002"], CachedPdf(pdf, "ab" * 32, 8, downloaded=True))
        mark_failed(s, ids["2001.00003"], "HTTP 503 from arXiv", max_attempts=2, permanent=False)
        mark_failed(s, ids["2001.00004"], "HTTP 503 from arXiv", max_attempts=2, permanent=False)
        mark_failed(s, ids["2001.00004"], "HTTP 503 from arXiv", max_attempts=2, permanent=False)
        mark_failed(s, ids["2001.00005"], "PDF is encrypted", max_attempts=2, permanent=True)
    finished = start_run(url, "ingest", {"tasks": ["image_classification"]})
    finish_run(url, finished, counts={"image_classification": {"found": 5, "new": 5}})
    start_run(url, "backfill", {"start": date(2020, 1, 1)})  # never finished: killed, or still going
    set_watermark(url, "image_classification", date(2020, 1, 5))

    summary = status_summary(url, obj.config)
    assert summary.states == {"found": 1, "downloaded": 1, "failed": 1, "parked": 2}
    assert summary.queues == {"to download": 2, "to extract": 1}  # the failed one is retried
    assert {p[0]: (p[1], p[2]) for p in summary.parked} == {
        "2001.00004": (2, "HTTP 503 from arXiv (parked after 2 attempts)"), "2001.00005": (1, "PDF is encrypted")}
    assert [f[0] for f in summary.failed] == ["2001.00003"]
    assert summary.watermarks == [("image_classification", "2020-01-05")]

    console = Console(record=True, width=200)
    print_status(obj, console)
    text = console.export_text()
    for expected in ("queue: to download", "Parked papers", "parked after 2 attempts", "PDF is encrypted",
                     "Failed papers", "2020-01-05", "1 task: found 5, new 5", "unfinished", "completed"):
        assert expected in text, expected


def test_run_duration_reads_finished_and_unfinished_runs():
    start = datetime(2026, 1, 1, 2, 0, tzinfo=timezone.utc)
    assert run_duration(Run(started_at=start, finished_at=start + timedelta(seconds=12.34))) == "12.3s"
    assert run_duration(Run(started_at=start, finished_at=start + timedelta(minutes=30))) == "30m"
    assert run_duration(Run(started_at=start), now=start + timedelta(hours=3)) == "unfinished, 3.0h since start"
