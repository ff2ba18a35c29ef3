"""Reviewer decisions on extracted candidates. Never touched by a re-extraction."""
from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Enum, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class DecisionAction(str, enum.Enum):
    accept = "accept"
    reject = "reject"
    correct = "correct"


class ReviewDecision(Base):
    __tablename__ = "review_decisions"
    __table_args__ = (UniqueConstraint("paper_id", "candidate_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    paper_id: Mapped[int] = mapped_column(ForeignKey("papers.id", ondelete="CASCADE"), index=True)
    candidate_key: Mapped[str] = mapped_column(String(64), index=True)
    field: Mapped[str] = mapped_column(String(32))
    action: Mapped[DecisionAction] = mapped_column(Enum(DecisionAction, native_enum=False, length=16))
    corrected_value: Mapped[float | None] = mapped_column(Float)
    corrected_attrs: Mapped[dict | None]
    original_attrs: Mapped[dict] = mapped_column(default=dict)
    page: Mapped[int | None] = mapped_column(Integer)
    sentence: Mapped[str | None] = mapped_column(Text)
    reviewer: Mapped[str] = mapped_column(String(128))
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
