"""The pipeline on PostgreSQL (postgresql+psycopg://) gives the same rows as on SQLite.

Uses $PROGRESS_TEST_POSTGRES_URL if set (a database the test may fill), else starts a throw-away
server from Debian's postgresql binaries (initdb + pg_ctl in a temp folder, as the postgres user when
run as root). Skipped, saying why, when neither is possible."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import pytest

from standin.server import StandIn
from test_ingest_support import pipeline_config, table_contents

TASKS = ["machine_translation"]


def _pg_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    return candidates[-1] if candidates else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _as_server_user(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; run its tools as the postgres user then."""
    if os.geteuid() != 0:
        return cmd
    if not shutil.which("runuser"):
        pytest.skip("running as root without runuser: cannot start PostgreSQL as the postgres user")
    try:
        import pwd

        pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and there is no postgres user to start PostgreSQL as")
    return ["runuser", "-u", "postgres", "--", *cmd]


@pytest.fixture(scope="module")
def postgres_url():
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install '.[postgres]')")
    given = os.environ.get("PROGRESS_TEST_POSTGRES_URL")
    if given:
        yield given
        return
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    if not (initdb and pg_ctl):
        pytest.skip("no PostgreSQL: install Debian's postgresql (apt-get install postgresql) "
                    "or set PROGRESS_TEST_POSTGRES_URL")
    root = Path(tempfile.mkdtemp(prefix="progress-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
    data, port = root / "data", _free_port()
    try:
        subprocess.run(_as_server_user([initdb, "-D", str(data), "--auth=trust", "--username=progress",
                                        "--encoding=UTF8", "--no-sync"]),
                       check=True, capture_output=True, timeout=120)
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "60",
                                        "-o", f"-p {port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off",
                                        "start"]), check=True, capture_output=True, timeout=120)
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        shutil.rmtree(root, ignore_errors=True)
        output = getattr(exc, "stderr", b"") or b""
        pytest.skip(f"could not start a temporary PostgreSQL server: {output.decode(errors='replace')[-300:]}")
    try:
        yield f"postgresql+psycopg://progress@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(_as_server_user([pg_ctl, "-D", str(data), "-m", "immediate", "stop"]),
                       capture_output=True, timeout=60)
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture
def fresh_postgres_database(postgres_url):
    """A database of its own on the server, dropped afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"progress_test_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(postgres_url).set(database=name).render_as_string(hide_password=False)
    yield url
    from db.engine import get_engine

    get_engine(url).dispose()
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.mark.slow
def test_pipeline_on_postgres_matches_sqlite(fresh_postgres_database, tmp_path, prefect_harness):
    from flows.nightly import nightly_flow

    with StandIn() as stand_in:
        on_sqlite = pipeline_config(tmp_path / "sqlite", stand_in.api_url)
        on_postgres = pipeline_config(tmp_path / "postgres", stand_in.api_url, database_url=fresh_postgres_database)
        nightly_flow(config_path=str(on_sqlite), tasks=TASKS)
        first = nightly_flow(config_path=str(on_postgres), tasks=TASKS)
        after_first = table_contents(fresh_postgres_database)
        nightly_flow(config_path=str(on_postgres), tasks=TASKS)  # idempotent: PostgreSQL upserts too
    expected = table_contents(f"sqlite:///{tmp_path / 'sqlite' / 'progress.sqlite'}")
    assert first["extract"].get("extracted", 0) >= 8 and first["fits"] >= 1
    assert table_contents(fresh_postgres_database) == after_first
    for table in expected:
        assert after_first[table] == expected[table], table
