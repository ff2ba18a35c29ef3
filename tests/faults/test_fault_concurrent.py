"""Two runs at once (the nightly one and a manual one): the CLI lets one in and refuses the other in
one line; and even flows that bypass the lock leave no duplicate rows and no corrupt PDF."""
from __future__ import annotations

import hashlib
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from db.engine import session_scope
from fault_helpers import DRIVER, PROGRESS, PYTHON, child_env, paper_rows, task_papers, write_config
from models import Paper, PaperStatus, PaperTask
from settings.config import load_config
from sources.pdf_cache import cache_path, download_pdf
from standin.server import StandIn

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def api_env(prefect_harness):
    from prefect.settings import PREFECT_API_URL

    return child_env(PREFECT_API_URL=PREFECT_API_URL.value())


@pytest.fixture
def stand_in():
    with StandIn(papers=task_papers()) as server:
        yield server


def start_together(commands: list[list[str]], env: dict, cwd: Path) -> list[subprocess.CompletedProcess]:
    procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=cwd)
             for cmd in commands]
    outs = [p.communicate(timeout=600) for p in procs]
    return [subprocess.CompletedProcess(p.args, p.returncode, out, err) for p, (out, err) in zip(procs, outs)]


def test_same_pdf_fetched_by_many_threads_is_downloaded_once_and_intact(stand_in, tmp_path):
    paper = task_papers()[0]
    dest = cache_path(tmp_path, paper.arxiv_id, paper.version)
    url = stand_in.pdf_url(paper.arxiv_id, paper.version)
    with ThreadPoolExecutor(6) as pool:
        results = list(pool.map(lambda _: download_pdf(url, dest, timeout=10, max_bytes=10**8, user_agent="t"),
                                range(6)))
    assert sum(r.downloaded for r in results) == 1 and len(stand_in.pdf_requests) == 1
    assert dest.read_bytes() == stand_in.pdf_bytes(paper.arxiv_id, paper.version)
    assert sorted(p.name for p in tmp_path.iterdir()) == [dest.name, dest.name + ".sha256"]


def test_two_cli_runs_at_once_one_runs_one_is_refused(api_env, stand_in, tmp_path):
    config = write_config(tmp_path, stand_in.api_url)
    stand_in.set_fault("slow", times=1, delay=4)  # the first run holds the database for a few seconds
    command = [PROGRESS, "--config", str(config), "ingest", "--task", "image_classification",
               "--start", "2012-01-01", "--end", "2025-12-31"]
    first, second = start_together([command, command], api_env, tmp_path)
    codes = sorted([first.returncode, second.returncode])
    assert codes == [0, 75], (first.stderr[-2000:], second.stderr[-2000:])
    refused = first if first.returncode == 75 else second
    lines = [line for line in refused.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "another pipeline run is in progress (pid" in lines[0]
    assert "Traceback" not in first.stderr + second.stderr
    with session_scope(load_config(config).database_url) as s:
        assert s.scalar(select(func.count()).select_from(Paper)) == len(task_papers())


def test_flows_that_bypass_the_lock_still_leave_no_duplicates(api_env, stand_in, tmp_path):
    config = write_config(tmp_path, stand_in.api_url)
    from flows.startup import load_context

    load_context(str(config), None)  # migrations are not what this test races (see test_fault_migrate)
    for stage in ("ingest", "download"):
        runs = start_together([[PYTHON, DRIVER, stage, str(config)]] * 2, api_env, tmp_path)
        assert all(r.returncode == 0 for r in runs), [r.stderr[-2000:] for r in runs]
    url = load_config(config).database_url
    with session_scope(url) as s:
        papers = s.execute(select(Paper)).scalars().all()
        assert len(papers) == len(task_papers()) == s.scalar(select(func.count()).select_from(PaperTask))
        for paper in papers:
            assert paper.status == PaperStatus.downloaded
            assert paper.pdf_sha256 == hashlib.sha256(Path(paper.pdf_path).read_bytes()).hexdigest()
            assert Path(paper.pdf_path).read_bytes() == stand_in.pdf_bytes(paper.arxiv_id, paper.version)
    full = [r.path for r in stand_in.pdf_requests if not r.headers.get("range")]
    assert sorted(full) == sorted(set(full)), "one PDF was downloaded twice"
    assert dict(paper_rows(url))["extractions"] == []
