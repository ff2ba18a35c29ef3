"""One pipeline run at a time per database: `with run_lock(url): ...`.

The nightly schedule and a manual `progress run` may start together. The upserts in db/store keep
rows unique anyway, but two runs would download the same PDFs, fight over worker processes and write
interleaved run records; so the second one stops at once with `RunLocked`, naming the holder.

- SQLite: an exclusive `flock` on a lock file beside the database (`<db file>.<name>.lock`). The
  kernel drops the lock when its process ends in any way (SIGKILL included), so a stale lock is
  taken over by simply acquiring it; the file's text (pid, host, start time) only serves the message.
- PostgreSQL: `pg_try_advisory_lock` on a connection held open for the run; the server releases it
  when that connection ends, so a killed run leaves no stale lock there either.

The lock is re-entrant within one process: the CLI takes it around a flow that takes it again
(flows/nightly.py), and that inner acquire must not see its own process as a rival.
"""
from __future__ import annotations

import hashlib
import json
import os
import socket
import sys
import threading
import time
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from sqlalchemy import text
from sqlalchemy.engine import make_url

_held: dict[tuple[str, str], int] = {}  # (lock identity, name) -> depth held by this process
_held_guard = threading.Lock()


class RunLocked(Exception):
    """Another process holds the run lock. `holder` describes it (pid, host, since) when known."""

    def __init__(self, name: str, holder: str):
        super().__init__(f"another {name} run is in progress ({holder}); try again when it has finished")
        self.name = name
        self.holder = holder


def _owner_text() -> str:
    return json.dumps({"pid": os.getpid(), "host": socket.gethostname(),
                       "since": datetime.now(timezone.utc).isoformat(timespec="seconds")})


def describe_owner(raw: str) -> str:
    """'pid 123 on host-a since 2026-01-01T02:00:00+00:00' from a lock file's text; tolerant of junk."""
    try:
        owner = json.loads(raw)
        return f"pid {owner['pid']} on {owner['host']} since {owner['since']}"
    except (ValueError, KeyError, TypeError):
        return "holder unknown"


def lock_file_for(url: str, name: str) -> Path | None:
    """The lock file of a SQLite file database; None for other backends and in-memory SQLite."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    database = parsed.database
    if not database or database == ":memory:" or database.startswith("file::memory:"):
        return None
    db_path = Path(database).expanduser().resolve()
    return db_path.with_name(f"{db_path.name}.{name}.lock")


@contextmanager
def run_lock(url: str, name: str = "pipeline", *, wait: float = 0.0) -> Iterator[None]:
    """Hold the `name` run lock of the database at `url` for the block, or raise RunLocked.

    `wait` seconds: keep trying that long first (for short critical sections such as migrations,
    name="migrate"); the default 0 refuses at once, which is what a second pipeline run wants."""
    parsed = make_url(url)
    lock_file = lock_file_for(url, name)
    identity = str(lock_file) if lock_file else parsed.render_as_string(hide_password=True)
    key = (identity, name)
    with _held_guard:
        if _held.get(key):
            _held[key] += 1
            reentered = True
        else:
            reentered = False
    if reentered:
        try:
            yield
        finally:
            with _held_guard:
                _held[key] -= 1
        return

    with _acquire(url, name, lock_file, wait):
        with _held_guard:
            _held[key] = 1
        try:
            yield
        finally:
            with _held_guard:
                _held.pop(key, None)


@contextmanager
def _acquire(url: str, name: str, lock_file: Path | None, wait: float) -> Iterator[None]:
    deadline = time.monotonic() + wait
    while True:
        if make_url(url).get_backend_name() == "postgresql":
            attempt = _postgres_lock(url, name)
        elif lock_file is not None:
            attempt = _file_lock(lock_file, name)
        else:
            attempt = _nothing_to_lock()  # in-memory SQLite: no other process can see this database
        try:
            attempt.__enter__()
        except RunLocked:
            if time.monotonic() >= deadline:
                raise
            time.sleep(0.2)
            continue
        break
    try:
        yield
    except BaseException:
        if not attempt.__exit__(*sys.exc_info()):
            raise
    else:
        attempt.__exit__(None, None, None)


@contextmanager
def _nothing_to_lock() -> Iterator[None]:
    yield


@contextmanager
def _file_lock(path: Path, name: str) -> Iterator[None]:
    import fcntl

    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise RunLocked(name, describe_owner(_read_all(fd))) from None
        # We hold it: record who we are for the message a rival will print.
        os.ftruncate(fd, 0)
        os.pwrite(fd, _owner_text().encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)  # the file stays (unlinking it would race a rival's open); its text goes
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def _read_all(fd: int) -> str:
    return os.pread(fd, 4096, 0).decode("utf-8", "replace")


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock from the lock's name."""
    digest = hashlib.sha256(f"computer-progress:{name}".encode()).digest()
    return int.from_bytes(digest[:8], "big", signed=True)


@contextmanager
def _postgres_lock(url: str, name: str) -> Iterator[None]:
    from db.engine import get_engine

    key = advisory_key(name)
    # A dedicated connection: the lock lives exactly as long as it does.
    with get_engine(url).connect() as conn:
        got = conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar()
        if not got:
            conn.rollback()
            raise RunLocked(name, _postgres_holder(conn, key))
        conn.commit()
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
            conn.commit()


def _postgres_holder(conn, key: int) -> str:
    # A bigint advisory key is stored as classid (high 32 bits) and objid (low 32 bits).
    high, low = (key >> 32) & 0xFFFFFFFF, key & 0xFFFFFFFF
    row = conn.execute(text(
        "SELECT a.pid, a.client_addr, a.application_name, a.backend_start FROM pg_locks l "
        "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' AND l.granted "
        "AND l.classid::bigint = :high AND l.objid::bigint = :low LIMIT 1"), {"high": high, "low": low}).first()
    if row is None:
        return "holder unknown"
    where = row.client_addr or "local socket"
    return f"server backend pid {row.pid} from {where} since {row.backend_start:%Y-%m-%dT%H:%M:%S%z}"
