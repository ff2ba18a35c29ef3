"""Two runs at once: db/lock.run_lock lets one in and tells the other who holds the database."""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest

from db.lock import RunLocked, describe_owner, lock_file_for, run_lock
from fault_helpers import PYTHON, REPO_CONFIG, child_env, run_progress

HOLD = """
import sys, time
from db.lock import run_lock
with run_lock(sys.argv[1]):
    print("held", flush=True)
    time.sleep(120)
"""


@pytest.fixture
def holder(db_url):
    """Another process that holds the run lock until killed."""
    proc = subprocess.Popen([PYTHON, "-c", HOLD, db_url], stdout=subprocess.PIPE, text=True, env=child_env())
    assert proc.stdout.readline().strip() == "held"
    yield proc
    if proc.poll() is None:
        proc.kill()
    proc.wait()


def test_second_holder_is_refused_with_the_holders_pid(holder, db_url):
    with pytest.raises(RunLocked) as info:
        with run_lock(db_url):
            pass
    assert f"pid {holder.pid}" in str(info.value) and "another pipeline run" in str(info.value)


def test_lock_of_a_killed_holder_is_taken_over(holder, db_url):
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait()
    with run_lock(db_url):  # the kernel dropped the dead process's flock: no stale lock to clean up
        assert lock_file_for(db_url, "pipeline").read_text().count(str(os.getpid())) == 1


def test_names_are_independent_and_the_lock_is_reentrant_in_one_process(db_url):
    with run_lock(db_url):
        with run_lock(db_url):  # the CLI holds it around a flow that takes it again
            with run_lock(db_url, name="review"):
                pass
    # released: a fresh acquire works and the file no longer names a holder
    with run_lock(db_url):
        pass
    assert lock_file_for(db_url, "pipeline").read_text() == ""


def test_lock_file_sits_beside_the_database(tmp_path):
    assert lock_file_for(f"sqlite:///{tmp_path}/x.sqlite", "pipeline") == tmp_path.resolve() / "x.sqlite.pipeline.lock"
    assert lock_file_for("sqlite://", "pipeline") is None
    assert lock_file_for("postgresql+psycopg://u@h/db", "pipeline") is None


def test_owner_text_that_is_garbage_still_gives_a_message():
    assert describe_owner("") == "holder unknown"
    assert describe_owner('{"pid": 7, "host": "h", "since": "t"}') == "pid 7 on h since t"


def test_manual_cli_run_during_another_run_prints_one_line_and_exits_nonzero(holder, db_url, tmp_path):
    started = time.monotonic()
    done = run_progress("--config", str(REPO_CONFIG), "--db", db_url, "download", cwd=tmp_path)
    assert done.returncode == 75
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and f"pid {holder.pid}" in lines[0] and "download" in lines[0], done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    assert time.monotonic() - started < 60  # refused before any flow (or Prefect server) starts


@pytest.mark.skipif(not os.environ.get("PROGRESS_TEST_POSTGRES_URL"), reason="set PROGRESS_TEST_POSTGRES_URL to test PostgreSQL")
def test_postgres_advisory_lock_refuses_a_second_session():
    url = os.environ["PROGRESS_TEST_POSTGRES_URL"]
    proc = subprocess.Popen([PYTHON, "-c", HOLD, url], stdout=subprocess.PIPE, text=True, env=child_env())
    try:
        assert proc.stdout.readline().strip() == "held"
        with pytest.raises(RunLocked, match="server backend pid"):
            with run_lock(url):
                pass
    finally:
        proc.kill()
        proc.wait()


def test_waiting_acquire_gives_up_after_its_wait_and_succeeds_once_the_holder_is_gone(holder, db_url):
    started = time.monotonic()
    with pytest.raises(RunLocked):
        with run_lock(db_url, wait=0.6):
            pass
    assert 0.6 <= time.monotonic() - started < 5
    import threading

    threading.Timer(0.5, lambda: os.kill(holder.pid, signal.SIGKILL)).start()
    with run_lock(db_url, wait=30):  # the holder dies while we wait: we get it
        assert time.monotonic() - started >= 0.5
