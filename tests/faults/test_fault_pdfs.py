"""Bad PDFs through the extraction sandbox, all in one concurrent batch: each gets its status kind and
a human-readable reason, the good papers between them are extracted, a hung parser is killed."""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bad_pdfs import cases
from extractors.records import ExtractionError, PaperExtraction
from extractors.sandbox import FAULT_HOOK_ENV, ExtractionPool, parse_fault_hook

MAX_PAGES, MAX_BYTES, TIMEOUT = 200, 2_000_000, 8.0
CASES = cases(MAX_PAGES, MAX_BYTES)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-pdfs")
    for case in CASES:
        (folder / case.name).write_bytes(case.data)
    os.environ[FAULT_HOOK_ENV] = "hang=HANG,crash=CRASH"  # read when the pool starts its workers
    try:
        with ExtractionPool(workers=2, timeout_seconds=TIMEOUT, max_pages=MAX_PAGES, max_bytes=MAX_BYTES) as pool:
            pool.extract(folder / "good-1.pdf")  # start-up (spaCy in every worker) is not under test
            started = time.monotonic()
            with ThreadPoolExecutor(2) as threads:
                outcomes = list(threads.map(lambda c: pool.extract(folder / c.name), CASES))
            seconds = time.monotonic() - started
    finally:
        os.environ.pop(FAULT_HOOK_ENV, None)
    return dict(folder=folder, outcomes=dict(zip((c.name for c in CASES), outcomes)), seconds=seconds)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_each_file_gets_its_outcome(batch, case):
    outcome = batch["outcomes"][case.name]
    if case.kind is None:
        assert isinstance(outcome, PaperExtraction), getattr(outcome, "reason", outcome)
        assert outcome.pages == 2 and outcome.best("hardware")
    else:
        assert isinstance(outcome, ExtractionError), f"{case.name} was extracted"
        assert (outcome.kind, case.reason in outcome.reason) == (case.kind, True), outcome.reason
        assert "\n" not in outcome.reason and "Traceback" not in outcome.reason


def test_hung_worker_is_really_killed(batch):
    pid = int((batch["folder"] / "HANG-parser.pdf.worker-pid").read_text())
    for _ in range(50):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)
    status = open(f"/proc/{pid}/status").read()
    assert "State:\tZ" in status, f"hung worker {pid} still running"


def test_batch_time_is_bounded_by_the_time_limit(batch):
    # One hang costs one time limit; the crash costs fresh solo processes; nothing waits forever.
    assert batch["seconds"] < TIMEOUT + 120


def test_fault_hook_parsing():
    assert parse_fault_hook("hang=SLOW, crash=BOOM") == {"hang": "SLOW", "crash": "BOOM"}
    assert parse_fault_hook("") == {} and parse_fault_hook("explode=X,hang=") == {}


def test_bad_pool_options_are_refused():
    with pytest.raises(ValueError, match="workers"):
        ExtractionPool(workers=0)
    with pytest.raises(ValueError, match="timeout"):
        ExtractionPool(timeout_seconds=0)
