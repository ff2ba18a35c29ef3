"""Shared fixtures. Prefect gets its own PREFECT_HOME in a temp folder (never ours, never ~/.prefect),
and one session-scoped test harness, because the ephemeral API is slow to start."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

_PREFECT_HOME = tempfile.mkdtemp(prefix="progress-test-prefect-")
os.environ["PREFECT_HOME"] = _PREFECT_HOME
os.environ.pop("PREFECT_API_URL", None)
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_LOGGING_TO_API_ENABLED", "false")
for _var in ("PROGRESS_CONFIG", "PROGRESS_DATABASE_URL"):
    os.environ.pop(_var, None)

import pytest  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"


@pytest.fixture(scope="session")
def prefect_harness():
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture
def db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'progress.sqlite'}"


@pytest.fixture(scope="session")
def shared_corpus() -> Path:
    corpus = SHARED / "corpus"
    if not (corpus / "gold-dev.jsonl").is_file():
        pytest.skip("../shared/corpus is not present beside the repository")
    return corpus


@pytest.fixture(scope="session")
def shared_reference() -> Path:
    reference = SHARED / "reference"
    if not reference.is_dir():
        pytest.skip("../shared/reference is not present beside the repository")
    return reference


@pytest.fixture(autouse=True)
def _fresh_prefect_logging():
    """A flow run inside typer's CliRunner leaves Prefect's log handlers on the runner's closed stream;
    later flows then fail while logging. Re-initialise Prefect's logging after every test."""
    yield
    import sys

    if "prefect.logging.configuration" in sys.modules:
        from prefect.logging.configuration import setup_logging

        setup_logging(incremental=False)


@pytest.fixture
def ablated():
    """Switch extraction rules off for one test (extractors.cues.ablate, a rule's worth measured by its
    absence); each call adds to the rules off, and all are back on after the test."""
    from extractors import cues
    names: list[str] = []

    def switch_off(*rules: str) -> None:
        names.extend(rules)
        cues.ablate(names)

    yield switch_off
    cues.ablate([])

