"""A damaged SQLite file (issue 15.4): every command prints one line naming the database and the
problem, and points to PRAGMA integrity_check or a backup; no traceback."""
from __future__ import annotations

import sqlite3

import pytest

from db.engine import damaged_database_line, get_engine
from db.migrate import upgrade_to_head
from fault_helpers import REPO_CONFIG, run_progress


def make_damaged(path, offset: int, length: int | None) -> str:
    """A migrated database with `length` bytes (None: all the rest) overwritten at `offset`."""
    url = f"sqlite:///{path}"
    upgrade_to_head(url)
    get_engine(url).dispose()
    with sqlite3.connect(path) as conn:  # everything in the main file, nothing left in the WAL
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("PRAGMA journal_mode=DELETE")
    with open(path, "r+b") as fh:
        fh.seek(offset)
        fh.write(b"\xa5" * (length if length is not None else path.stat().st_size - offset))
    return str(path)


@pytest.fixture(scope="module")
def damaged_db(tmp_path_factory) -> str:
    """Every page but the first (the header and schema) overwritten: each table is damaged."""
    return make_damaged(tmp_path_factory.mktemp("damaged") / "progress.sqlite", 4096, None)


def test_the_issues_reproduction_status_after_6_kb_at_12288(tmp_path):
    path = make_damaged(tmp_path / "progress.sqlite", 12288, 6144)
    done = run_progress("--config", str(REPO_CONFIG), "--db", f"sqlite:///{path}", "status", cwd=tmp_path)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1 and len(lines) == 1 and "Traceback" not in done.stderr, done.stderr[-3000:]
    assert path in lines[0] and "PRAGMA integrity_check" in lines[0]


@pytest.mark.parametrize("command", [["status"], ["fits"], ["review", "list"], ["refit"], ["download"]],
                         ids=lambda c: " ".join(c))
def test_every_command_says_one_line_naming_the_damaged_file(damaged_db, tmp_path, command):
    done = run_progress("--config", str(REPO_CONFIG), "--db", f"sqlite:///{damaged_db}", *command, cwd=tmp_path,
                        timeout=300)
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == 1, done.stderr[-3000:]
    assert "Traceback" not in done.stderr + done.stdout
    assert len(lines) == 1, done.stderr[-3000:]
    assert damaged_db in lines[0] and "database disk image is malformed" in lines[0]
    assert "PRAGMA integrity_check" in lines[0] and "backup" in lines[0]


def test_other_database_errors_are_not_called_damage():
    assert damaged_database_line(sqlite3.OperationalError("no such table: papers")) is None
    assert damaged_database_line(RuntimeError("boom")) is None
    line = damaged_database_line(sqlite3.DatabaseError("database disk image is malformed"), "sqlite:////x/p.sqlite")
    assert line.startswith("database /x/p.sqlite is damaged (database disk image is malformed)")
