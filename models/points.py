"""Per-paper points: a headline result with the compute of the run that produced it (analysis/points.py)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Float, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class Point(Base):
    """One result x the compute of its own run, with the stages summed and the evidence of both sides.

    Rebuilt by every refit from the effective values (reviewer decisions applied); the regressions
    read a paper's points instead of its paper-level compute estimate when it has them."""

    __tablename__ = "points"
    __table_args__ = (UniqueConstraint("paper_id", "dataset", "metric", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    result_id: Mapped[int | None] = mapped_column(ForeignKey("results.id", ondelete="CASCADE"), index=True)
    task: Mapped[str] = mapped_column(String(64))
    dataset: Mapped[str] = mapped_column(String(64))
    metric: Mapped[str] = mapped_column(String(64))
    value: Mapped[float] = mapped_column(Float)
    model: Mapped[str | None] = mapped_column(String(128))  # the result's model label ("BERT-large"), if read
    size: Mapped[str | None] = mapped_column(String(32))
    flops: Mapped[float | None] = mapped_column(Float)  # None: no run could be linked to this result
    flops_low: Mapped[float | None] = mapped_column(Float)
    flops_high: Mapped[float | None] = mapped_column(Float)
    flops_utilized: Mapped[float | None] = mapped_column(Float)
    method: Mapped[str | None] = mapped_column(String(32))  # stated | hardware
    hardware_flops: Mapped[float | None] = mapped_column(Float)  # summed burden of the stages
    # The study's second measure for the same model: forward FLOPs x 3 x examples seen, or 6 x N x D.
    operations_flops: Mapped[float | None] = mapped_column(Float)
    operations: Mapped[dict] = mapped_column(default=dict)  # its formula, inputs, evidence and why
    # None, or which measure(s) used the paper's main run / model: hardware | operations | hardware+operations
    fallback: Mapped[str | None] = mapped_column(String(32))
    # The paper's search / proxy / decoding runs with their burden: shown beside, never summed in.
    excluded: Mapped[list] = mapped_column(default=list)
    parts: Mapped[list] = mapped_column(default=list)  # stages: hardware, time, flops, evidence, why
    parts_text: Mapped[str] = mapped_column(Text, default="")  # "pretraining 16x V100 x 240 h + ..."
    evidence: Mapped[dict] = mapped_column(default=dict)  # result (and stated compute) evidence, extraction ids
    why: Mapped[str] = mapped_column(Text, default="")
    review_state: Mapped[str] = mapped_column(String(16), default="auto")  # pending if built on unreviewed values
    source: Mapped[str] = mapped_column(String(64), default="extracted")
    run_id: Mapped[int | None] = mapped_column(ForeignKey("runs.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
