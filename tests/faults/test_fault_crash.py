"""Crash consistency: each stage SIGKILLed in the middle (of a database write, of a download), then
run again, ends with exactly the rows of an uninterrupted run: no half-written paper, no partial PDF
in the cache, no duplicate. Every stage runs in its own process (tests/faults/flow_driver.py)."""
from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from fault_helpers import DRIVER, PYTHON, child_env, paper_rows, task_papers, write_config
from models import Extraction, Paper, PaperStatus, PaperTask
from settings.config import load_config
from sources.pdf_cache import cached
from standin.server import StandIn

PAUSE_LIMIT = 240  # seconds for a stage to reach its pause point (a cold extraction worker is slow)
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_env(prefect_harness):
    """Child processes talk to this test session's Prefect server instead of starting their own."""
    from prefect.settings import PREFECT_API_URL

    return child_env(PREFECT_API_URL=PREFECT_API_URL.value())


@pytest.fixture(scope="module")
def stand_in():
    with StandIn(papers=task_papers()) as server:
        yield server


def stage(api_env, name: str, config: Path, *extra: str) -> str:
    done = subprocess.run([PYTHON, DRIVER, name, str(config), *extra], capture_output=True, text=True,
                          env=api_env, timeout=600, cwd=config.parent)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def killed_at_pause(api_env, name: str, config: Path, *pause: str) -> None:
    """Start the stage, wait until it reaches its pause, SIGKILL its whole process group."""
    ready = config.parent / f"{name}.paused"
    ready.unlink(missing_ok=True)
    proc = subprocess.Popen([PYTHON, DRIVER, name, str(config), *pause, "--ready", str(ready)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=api_env,
                            cwd=config.parent, start_new_session=True)
    try:
        deadline = time.monotonic() + PAUSE_LIMIT
        while not ready.exists():
            assert proc.poll() is None, f"{name} ended before its pause: {proc.communicate()[1][-3000:]}"
            assert time.monotonic() < deadline, f"{name} never reached its pause"
            time.sleep(0.1)
    finally:
        os.killpg(proc.pid, signal.SIGKILL)  # the stage and its extraction workers, like an OOM kill
        proc.wait()
    assert proc.returncode == -signal.SIGKILL


@pytest.fixture(scope="module")
def runs(api_env, stand_in, tmp_path_factory):
    clean_dir, crash_dir = tmp_path_factory.mktemp("uninterrupted"), tmp_path_factory.mktemp("killed")
    clean = write_config(clean_dir, stand_in.api_url)
    crash = write_config(crash_dir, stand_in.api_url)
    for name in ("ingest", "download", "extract"):
        stage(api_env, name, clean)

    checks = {}
    killed_at_pause(api_env, "ingest", crash, "--pause-insert", "paper_tasks:3")
    checks["after_ingest_kill"] = paper_rows(load_config(crash).database_url)
    stage(api_env, "ingest", crash)

    stand_in.clear_requests()
    killed_at_pause(api_env, "download", crash, "--pause-download", "3")
    checks["cache_after_download_kill"] = sorted(p.name for p in load_config(crash).pdf_cache.iterdir())
    stage(api_env, "download", crash)
    checks["pdf_requests"] = stand_in.pdf_requests

    killed_at_pause(api_env, "extract", crash, "--pause-insert", "extractions:3")
    with session_scope(load_config(crash).database_url) as s:
        checks["after_extract_kill"] = [
            (p.arxiv_id, p.status, s.scalar(select(func.count()).select_from(Extraction).where(Extraction.paper_id == p.id)))
            for p in s.execute(select(Paper)).scalars()]
    stage(api_env, "extract", crash)
    return dict(clean=load_config(clean), crash=load_config(crash), **checks)


def test_kill_during_the_ingest_write_leaves_no_half_written_papers(runs):
    papers = dict(runs["after_ingest_kill"])["papers"]
    tasks = dict(runs["after_ingest_kill"])["tasks"]
    # record_found writes a task's papers and their links in one transaction: all or nothing.
    assert papers == [] and tasks == []


def test_kill_during_a_download_leaves_no_partial_pdf_in_the_cache(runs):
    cache = runs["crash"].pdf_cache
    for name in runs["cache_after_download_kill"]:
        if name.endswith(".pdf"):  # a file under its final name is always complete and checksummed
            assert cached(cache / name) is not None, name
        else:
            # a .part to resume from; a .lock its dead holder could not remove (the next fetch takes it)
            assert name.endswith((".part", ".sha256", ".tmp", ".lock")), name


def test_resumed_download_is_complete_and_nothing_was_fetched_twice_in_full(runs):
    cache = runs["crash"].pdf_cache
    assert not list(cache.glob("*.part")) and not list(cache.glob("*.lock"))
    with session_scope(runs["crash"].database_url) as s:
        for paper in s.execute(select(Paper)).scalars():
            assert paper.pdf_sha256 == hashlib.sha256(Path(paper.pdf_path).read_bytes()).hexdigest()
    full = [r.path for r in runs["pdf_requests"] if not r.headers.get("range")]
    assert len(full) == len(set(full)), "a PDF downloaded completely before the kill was fetched again"


def test_kill_during_the_extraction_write_leaves_no_partial_paper(runs):
    statuses = runs["after_extract_kill"]
    assert any(status == PaperStatus.downloaded for _, status, _ in statuses), "the kill came after every paper"
    for arxiv_id, status, n in statuses:
        # store_extraction writes a paper's rows and its status in one transaction: a paper that is
        # not marked extracted has no rows at all
        assert status in (PaperStatus.extracted, PaperStatus.downloaded), (arxiv_id, status)
        assert status == PaperStatus.extracted or n == 0, (arxiv_id, status, n)


def test_rerun_after_every_kill_has_the_rows_of_an_uninterrupted_run(runs):
    clean, crash = paper_rows(runs["clean"].database_url), paper_rows(runs["crash"].database_url)
    assert dict(clean)["papers"] and all(row[2] == "extracted" for row in dict(clean)["papers"])
    assert crash == clean


def test_no_duplicates(runs):
    with session_scope(runs["crash"].database_url) as s:
        assert s.scalar(select(func.count()).select_from(Paper)) == len(task_papers())
        assert s.scalar(select(func.count()).select_from(PaperTask)) == len(task_papers())
        dupes = s.execute(select(Extraction.paper_id, Extraction.candidate_key, func.count())
                          .group_by(Extraction.paper_id, Extraction.candidate_key).having(func.count() > 1)).all()
        assert dupes == []
