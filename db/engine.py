"""Engine and session factory. SQLite gets WAL, a busy timeout and foreign keys on every connection;
any other SQLAlchemy URL (e.g. postgresql+psycopg://...) is used as it is. `damaged_database_line`
turns SQLite's "database disk image is malformed" into one line naming the file and what to do."""
from __future__ import annotations

from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Iterator

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000
# What SQLite says when the file itself is damaged (a torn or overwritten page), not the query.
_DAMAGE_MESSAGES = ("database disk image is malformed", "file is not a database", "database corruption")
_opened: list[str] = []  # URLs this process opened, latest last: the one a damage message names


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    # journal_mode=WAL lets analysts read while a run writes; foreign_keys is off by default in SQLite.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


@lru_cache(maxsize=8)
def get_engine(url: str) -> Engine:
    """One engine per URL per process. A SQLite file's folder is created on first use."""
    parsed = make_url(url)
    _opened.append(url)
    if is_sqlite(url):
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


@lru_cache(maxsize=8)
def _sessionmaker(url: str) -> sessionmaker[Session]:
    return sessionmaker(bind=get_engine(url), expire_on_commit=False)


@contextmanager
def session_scope(url: str) -> Iterator[Session]:
    """A transaction: committed when the block ends, rolled back on any exception."""
    session = _sessionmaker(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def _damage(exc: BaseException | None) -> str | None:
    """SQLite's damage message if `exc` (or what caused it) is one."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        for candidate in (getattr(exc, "orig", None), exc):
            text = str(candidate or "").splitlines()[0] if str(candidate or "") else ""
            for message in _DAMAGE_MESSAGES:
                if message in text.lower():
                    return message
        exc = exc.__cause__ or exc.__context__
    return None


def damaged_database_line(exc: BaseException, url: str | None = None) -> str | None:
    """One line for a damaged SQLite file: which file, what SQLite said, how to check or recover it.
    None when `exc` is not about a damaged database."""
    damage = _damage(exc)
    if damage is None:
        return None
    url = url or next((u for u in reversed(_opened) if is_sqlite(u)), None)
    path = make_url(url).database if url else None
    if not path:
        return f"database damaged ({damage}); check it with PRAGMA integrity_check or restore a backup"
    return (f"database {path} is damaged ({damage}); check it with "
            f"`sqlite3 {path} 'PRAGMA integrity_check'` or restore a backup of it")
