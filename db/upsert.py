"""Dialect-aware INSERT ... ON CONFLICT, for SQLite and PostgreSQL alike."""
from __future__ import annotations

from typing import Any, Sequence

from sqlalchemy.orm import Session


def _insert_for(session: Session):
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover - other backends have no portable upsert
        raise NotImplementedError(f"upsert is not implemented for {dialect}")
    return insert


def upsert(session: Session, model, rows: Sequence[dict[str, Any]], *, conflict: Sequence[str],
           update: Sequence[str] | None = None) -> None:
    """Insert rows; on a conflict on `conflict` columns, update `update` columns (or do nothing)."""
    if not rows:
        return
    insert = _insert_for(session)
    stmt = insert(model).values(list(rows))
    if update:
        stmt = stmt.on_conflict_do_update(index_elements=list(conflict),
                                          set_={c: stmt.excluded[c] for c in update})
    else:
        stmt = stmt.on_conflict_do_nothing(index_elements=list(conflict))
    session.execute(stmt)
