"""A backfill killed (SIGKILL, no clean-up at all) while ingesting or while extracting, then started
again, ends with the same database as an uninterrupted backfill of the same range."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from db.engine import session_scope
from models import Paper, PaperStatus
from standin.server import StandIn
from test_ingest_support import pipeline_config, table_contents

REPO = Path(__file__).resolve().parents[1]
START, END, WINDOW_MONTHS = date(2014, 1, 1), date(2024, 12, 31), 12
DELAY = 0.05  # long enough for the ingest phase to be caught in the middle


def _states(url: str) -> dict[str, int]:
    try:
        with session_scope(url) as s:
            return {status.value: n for status, n in
                    s.execute(select(Paper.status, func.count()).group_by(Paper.status)).all()}
    except OperationalError:  # the other process has not created the tables yet
        return {}


def _backfill_kwargs() -> dict:
    return dict(start=START, end=END, window_months=WINDOW_MONTHS, refit=True)


def _start_backfill_process(config: Path, log: Path) -> subprocess.Popen:
    from prefect.settings import PREFECT_API_URL

    code = ("import sys\nfrom datetime import date\nfrom flows.backfill import backfill_flow\n"
            f"backfill_flow(config_path=sys.argv[1], start=date({START:%Y, %-m, %-d}), "
            f"end=date({END:%Y, %-m, %-d}), window_months={WINDOW_MONTHS}, refit=True)\n")
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value()}  # the test harness's server
    with log.open("wb") as out:
        # A session of its own, so the kill reaches its extraction worker processes too.
        return subprocess.Popen([sys.executable, "-c", code, str(config)], cwd=REPO, env=env,
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True)


def _kill_when(proc: subprocess.Popen, url: str, condition, timeout: float = 240) -> dict[str, int]:
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        states = _states(url)
        if condition(states):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            return states
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    pytest.fail(f"the backfill ended (or timed out) before the kill point; last states {_states(url)}")


@pytest.fixture(scope="module")
def stand_in():
    with StandIn() as server:
        yield server


@pytest.fixture(scope="module")
def uninterrupted(stand_in, tmp_path_factory, prefect_harness) -> dict:
    from flows.backfill import backfill_flow

    workdir = tmp_path_factory.mktemp("uninterrupted")
    config = pipeline_config(workdir, stand_in.api_url, delay=DELAY)
    backfill_flow(config_path=str(config), **_backfill_kwargs())
    return table_contents(f"sqlite:///{workdir / 'progress.sqlite'}")


KILL_POINTS = {
    "while ingesting": lambda s: sum(s.values()) >= 12 and not s.get("downloaded") and not s.get("extracted"),
    "while extracting": lambda s: 4 <= s.get("extracted", 0) < 30,
}


@pytest.mark.slow
@pytest.mark.parametrize("kill_point", list(KILL_POINTS))
def test_killed_backfill_resumes_to_the_same_database(kill_point, stand_in, uninterrupted, tmp_path,
                                                      prefect_harness):
    from flows.backfill import backfill_flow

    config = pipeline_config(tmp_path, stand_in.api_url, delay=DELAY)
    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    proc = _start_backfill_process(config, tmp_path / "killed.log")
    at_kill = _kill_when(proc, url, KILL_POINTS[kill_point])
    assert proc.returncode == -signal.SIGKILL
    partial = table_contents(url)
    assert partial != uninterrupted, f"killed too late to prove anything: {at_kill}"

    backfill_flow(config_path=str(config), **_backfill_kwargs())
    resumed = table_contents(url)
    for table in uninterrupted:
        assert resumed[table] == uninterrupted[table], table
    with session_scope(url) as s:
        assert not s.scalar(select(func.count()).select_from(Paper).where(
            Paper.status.in_([PaperStatus.found, PaperStatus.downloaded])))
