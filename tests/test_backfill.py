"""Backfills over date windows on the loopback stand-in: windows, resumption from the backfill
watermark, the per-task paper cap, and the hand-over to the nightly watermark."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from db.engine import session_scope
from db.runs import get_watermark
from flows.backfill import date_windows
from flows.ingest import today, watermark_key
from models import Paper, PaperTask
from standin.corpus import sample_papers
from standin.server import StandIn
from test_ingest_support import pipeline_config

WINDOW = re.compile(r"submittedDate:\[(\d{8})0000 TO (\d{8})2359\]")


def test_date_windows_follow_calendar_months():
    assert date_windows(date(2020, 1, 15), date(2020, 3, 2)) == [
        (date(2020, 1, 15), date(2020, 1, 31)), (date(2020, 2, 1), date(2020, 2, 29)),
        (date(2020, 3, 1), date(2020, 3, 2))]
    assert date_windows(date(2019, 11, 1), date(2020, 12, 31), months=12) == [
        (date(2019, 11, 1), date(2020, 10, 31)), (date(2020, 11, 1), date(2020, 12, 31))]
    assert date_windows(date(2020, 5, 5), date(2020, 5, 5)) == [(date(2020, 5, 5), date(2020, 5, 5))]
    with pytest.raises(ValueError):
        date_windows(date(2020, 2, 1), date(2020, 1, 1))


def _in_range(start: date, end: date, tasks: set[str]) -> set[str]:
    return {p.arxiv_id for p in sample_papers() if p.task in tasks and start <= p.published.date() <= end}


def test_backfill_queries_each_month_once_and_resumes_where_it_stopped(tmp_path, prefect_harness):
    from flows.backfill import backfill_flow

    tasks = ["image_classification", "object_detection"]
    start, end = date(2019, 1, 1), date(2020, 12, 31)
    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    with StandIn() as stand_in:
        config = str(pipeline_config(tmp_path, stand_in.api_url, delay=0.005))
        first = backfill_flow(config_path=config, start=start, end=end, tasks=tasks, download=False,
                              extract=False)
        windows = [WINDOW.search(r.query["search_query"][0]).groups() for r in stand_in.api_requests]
        stand_in.clear_requests()
        again = backfill_flow(config_path=config, start=start, end=end, tasks=tasks, download=False,
                              extract=False)
        requests_again = len(stand_in.api_requests)
    assert len(windows) == 24 * len(tasks)
    assert {w for w in windows} == {(f"{lo:%Y%m%d}", f"{hi:%Y%m%d}") for lo, hi in date_windows(start, end)}
    with session_scope(url) as s:
        stored = set(s.execute(select(Paper.arxiv_id)).scalars())
    assert stored == _in_range(start, end, set(tasks)) and stored
    assert sum(first["ingest"][t]["new"] for t in tasks) == len(stored)
    assert requests_again == 0 and all(not counts for counts in again["ingest"].values())
    assert get_watermark(url, watermark_key("object_detection", "backfill", start)) == end
    # 2019 does not reach back to the configured start (2012), so the nightly keeps its own way
    assert get_watermark(url, watermark_key("object_detection")) is None


def test_max_papers_caps_each_task_and_the_next_run_continues(tmp_path, prefect_harness):
    from flows.backfill import backfill_flow

    start, end = date(2012, 1, 1), date(2025, 12, 31)
    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    task = "question_answering"
    expected = sorted((p.published, p.arxiv_id) for p in sample_papers() if p.task == task)
    with StandIn() as stand_in:
        config = str(pipeline_config(tmp_path, stand_in.api_url, delay=0.005))
        stored: set[str] = set()
        for _ in range(len(expected) + 1):
            before = len(stored)
            summary = backfill_flow(config_path=config, start=start, end=end, tasks=[task], max_papers=3,
                                    window_months=24, download=False, extract=False)
            with session_scope(url) as s:
                stored = set(s.execute(select(Paper.arxiv_id).join(PaperTask).where(PaperTask.task == task)).scalars())
            # oldest first; a run takes at most 3 (a day cut short by the cap is read again next time)
            assert summary["ingest"][task].get("found", 0) <= 3 and len(stored) - before <= 3
            assert stored == {i for _, i in expected[:len(stored)]}
            # A run that hit the cap may have stopped inside the window: done when one ends under the cap.
            if len(stored) == len(expected) and summary["ingest"][task].get("found", 0) < 3:
                break
        assert len(stored) == len(expected)
    # This backfill started at the configured start, so the nightly continues after it.
    assert get_watermark(url, watermark_key(task)) == end
    assert get_watermark(url, watermark_key(task, "updated")) == today()  # UTC day of the run
