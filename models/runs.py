"""Pipeline runs and per-task ingestion watermarks."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Run(Base):
    __tablename__ = "runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    flow: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="running")  # running | completed | failed
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    params: Mapped[dict] = mapped_column(default=dict)
    counts: Mapped[dict] = mapped_column(default=dict)
    error: Mapped[str | None] = mapped_column(Text)


class IngestWatermark(Base):
    """The last submitted date a task's query has seen completely; the next run starts there."""

    __tablename__ = "ingest_watermarks"

    task: Mapped[str] = mapped_column(String(64), primary_key=True)
    last_submitted: Mapped[datetime]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
