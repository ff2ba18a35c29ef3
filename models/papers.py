"""Papers and the tasks whose arXiv query found them."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, utcnow


class PaperStatus(str, enum.Enum):
    """Where a paper is in the pipeline; `failed` is retried, `parked` is not (too many attempts)."""

    found = "found"
    downloaded = "downloaded"
    extracted = "extracted"
    failed = "failed"
    parked = "parked"


class Paper(Base):
    __tablename__ = "papers"

    id: Mapped[int] = mapped_column(primary_key=True)
    arxiv_id: Mapped[str] = mapped_column(String(64), unique=True)  # without version; or "doi:..."/"ref:..." for imports
    version: Mapped[int] = mapped_column(Integer, default=1)
    title: Mapped[str] = mapped_column(Text, default="")
    authors: Mapped[list] = mapped_column(default=list)
    abstract: Mapped[str] = mapped_column(Text, default="")
    categories: Mapped[list] = mapped_column(default=list)
    primary_category: Mapped[str | None] = mapped_column(String(32))
    published: Mapped[datetime | None]
    updated: Mapped[datetime | None]
    doi: Mapped[str | None] = mapped_column(String(255))
    pdf_url: Mapped[str | None] = mapped_column(Text)
    pdf_path: Mapped[str | None] = mapped_column(Text)
    pdf_sha256: Mapped[str | None] = mapped_column(String(64))
    pdf_bytes: Mapped[int | None]
    pages: Mapped[int | None]
    source: Mapped[str] = mapped_column(String(64), default="arxiv")  # arxiv | reference:thompson2022 | contributed
    status: Mapped[PaperStatus] = mapped_column(
        Enum(PaperStatus, native_enum=False, length=16), default=PaperStatus.found, index=True
    )
    status_reason: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    extracted_version: Mapped[str | None] = mapped_column(String(32))  # extractor version of the last extraction
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    tasks: Mapped[list["PaperTask"]] = relationship(back_populates="paper", cascade="all, delete-orphan")

    @property
    def year(self) -> int | None:
        return self.published.year if self.published else None


class PaperTask(Base):
    """A paper can be found by several task queries; it is stored (and counted) once."""

    __tablename__ = "paper_tasks"
    __table_args__ = (UniqueConstraint("paper_id", "task"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(64), index=True)

    paper: Mapped[Paper] = relationship(back_populates="tasks")
