"""Compute estimates per paper and the stored scaling fits."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class ComputeEstimate(Base):
    __tablename__ = "compute_estimates"
    __table_args__ = (UniqueConstraint("paper_id", "method", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    method: Mapped[str] = mapped_column(String(32))  # stated | hardware | arithmetic
    flops: Mapped[float] = mapped_column(Float)
    flops_low: Mapped[float | None] = mapped_column(Float)
    flops_high: Mapped[float | None] = mapped_column(Float)
    flops_utilized: Mapped[float | None] = mapped_column(Float)  # hardware method x utilization
    inputs: Mapped[dict] = mapped_column(default=dict)  # chips, counts, hours, peak, extraction ids...
    preferred: Mapped[bool] = mapped_column(Boolean, default=False)
    disagreement: Mapped[bool] = mapped_column(Boolean, default=False)
    review_state: Mapped[str] = mapped_column(String(16), default="auto")  # "pending" if built on unreviewed inputs
    source: Mapped[str] = mapped_column(String(64), default="extracted")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Fit(Base):
    """One regression of log10(error) on log10(compute). Fits are appended per run, never updated."""

    __tablename__ = "fits"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"), index=True)
    task: Mapped[str] = mapped_column(String(64), index=True)
    dataset: Mapped[str | None] = mapped_column(String(64))  # null: pooled over the task's benchmarks
    metric: Mapped[str | None] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64), default="extracted")
    spec: Mapped[str] = mapped_column(String(32), default="error")  # error | study | frontier | year
    n: Mapped[int] = mapped_column(Integer)
    slope: Mapped[float] = mapped_column(Float)
    intercept: Mapped[float] = mapped_column(Float)
    ci_low: Mapped[float] = mapped_column(Float)
    ci_high: Mapped[float] = mapped_column(Float)
    r2: Mapped[float] = mapped_column(Float)
    degree: Mapped[float | None] = mapped_column(Float)
    degree_low: Mapped[float | None] = mapped_column(Float)
    degree_high: Mapped[float | None] = mapped_column(Float)
    halving_multiple: Mapped[float | None] = mapped_column(Float)
    extra: Mapped[dict] = mapped_column(default=dict)  # year coefficient, frontier size, ...
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
