"""Every candidate value an extractor found, with its provenance, and benchmark results."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Extraction(Base):
    """One candidate. Re-extraction replaces a paper's candidates; reviewer decisions live in
    `review_decisions`, keyed by `candidate_key`, so they survive any re-run."""

    __tablename__ = "extractions"
    __table_args__ = (UniqueConstraint("paper_id", "candidate_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(32), index=True)  # extractors.records.FIELDS
    candidate_key: Mapped[str] = mapped_column(String(64), index=True)
    raw_text: Mapped[str] = mapped_column(Text)
    value: Mapped[float | None] = mapped_column(Float)
    unit: Mapped[str | None] = mapped_column(String(32))
    normalized_value: Mapped[float | None] = mapped_column(Float)  # chips, hours, FLOPs, FLOP/s or score
    attrs: Mapped[dict] = mapped_column(default=dict)
    confidence: Mapped[float] = mapped_column(Float)
    is_best: Mapped[bool] = mapped_column(Boolean, default=False)
    page: Mapped[int | None] = mapped_column(Integer)
    sentence: Mapped[str | None] = mapped_column(Text)
    section: Mapped[str | None] = mapped_column(String(32))
    char_start: Mapped[int | None] = mapped_column(Integer)
    char_end: Mapped[int | None] = mapped_column(Integer)
    extractor: Mapped[str] = mapped_column(String(64))
    extractor_version: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(64), default="extracted")  # extracted | reference:... | contributed
    # The named signals the scorer saw (Candidate.features): with a reviewer's decision they become a
    # training label (`progress scorer train --with-reviews`).
    features: Mapped[dict | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Result(Base):
    """A benchmark result attributed to a configured task (the regressions' y values)."""

    __tablename__ = "results"
    __table_args__ = (UniqueConstraint("paper_id", "dataset", "metric", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(64), index=True)
    dataset: Mapped[str] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    higher_is_better: Mapped[bool] = mapped_column(Boolean, default=True)
    confidence: Mapped[float] = mapped_column(Float, default=1.0)
    extraction_id: Mapped[int | None] = mapped_column(ForeignKey("extractions.id", ondelete="SET NULL"))
    review_state: Mapped[str] = mapped_column(String(16), default="auto", index=True)
    source: Mapped[str] = mapped_column(String(64), default="extracted")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
