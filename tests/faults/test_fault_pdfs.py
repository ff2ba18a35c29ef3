"""Bad PDFs through the extraction sandbox, all in one concurrent batch: each gets its status kind and
a human-readable reason, the good papers between them are extracted, a hung parser is killed."""
from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from bad_pdfs import cases, glyph_bomb_pdf, good_pdf
from extractors.records import ExtractionError, PaperExtraction
from extractors import sandbox
from extractors.sandbox import ExtractionPool
from faulty_worker import with_faults

MAX_PAGES, MAX_BYTES, TIMEOUT = 200, 2_000_000, 8.0
CASES = cases(MAX_PAGES, MAX_BYTES)


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad-pdfs")
    for case in CASES:
        (folder / case.name).write_bytes(case.data)
    real_entry = sandbox.extract_in_worker
    sandbox.extract_in_worker = with_faults("hang=HANG,crash=CRASH")  # test-only worker entry
    try:
        with ExtractionPool(workers=2, timeout_seconds=TIMEOUT, max_pages=MAX_PAGES, max_bytes=MAX_BYTES) as pool:
            pool.extract(folder / "good-1.pdf")  # start-up (spaCy in every worker) is not under test
            started = time.monotonic()
            with ThreadPoolExecutor(2) as threads:
                outcomes = list(threads.map(lambda c: pool.extract(folder / c.name), CASES))
            seconds = time.monotonic() - started
    finally:
        sandbox.extract_in_worker = real_entry
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


def test_fault_entry_refuses_unknown_kinds():
    with pytest.raises(ValueError, match="explode"):
        with_faults("explode=X")


BOMB_CAP_MB = 480  # a warm worker takes ~330 MB of address space; the bomb needs far more


def test_memory_bomb_is_stopped_by_the_workers_memory_cap(tmp_path):
    # issue 15.2: before, a worker had no cap and this file was simply extracted, using all it needed
    # (the real 4.7 MB bomb took one worker to 9.4 GB).
    from flows.extract import ExtractionFailed

    bomb, good = tmp_path / "bomb.pdf", tmp_path / "good.pdf"
    bomb.write_bytes(glyph_bomb_pdf(8_000_000))
    good.write_bytes(good_pdf())
    assert bomb.stat().st_size < 100_000
    with ExtractionPool(workers=1, timeout_seconds=240, max_pages=MAX_PAGES, max_memory_mb=BOMB_CAP_MB) as pool:
        outcome = pool.extract(bomb)
        after = pool.extract(good)  # the same worker goes on with the next paper
    assert isinstance(outcome, ExtractionError), "the bomb was extracted under the cap"
    assert (outcome.kind, outcome.reason) == ("memory", f"exceeded the memory limit of {BOMB_CAP_MB} MB")
    assert not ExtractionFailed(outcome.reason, outcome.kind).transient  # parked at once, never retried
    assert isinstance(after, PaperExtraction) and after.best("hardware")


def test_memory_cap_below_a_warm_worker_is_refused():
    with pytest.raises(ValueError, match="max_memory_mb"):
        ExtractionPool(max_memory_mb=100)


def test_bad_pool_options_are_refused():
    with pytest.raises(ValueError, match="workers"):
        ExtractionPool(workers=0)
    with pytest.raises(ValueError, match="timeout"):
        ExtractionPool(timeout_seconds=0)
