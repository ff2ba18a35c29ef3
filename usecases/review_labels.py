"""Reviewer decisions as scorer labels: accept = 1, reject = 0, correct = 0 (the extracted value was
wrong). Each needs the candidate's stored features (extractions.features, migration 0003); decisions
whose candidate is no longer stored, or was stored without features, are counted as skipped."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, select
from sqlalchemy.orm import Session

from extractors.scoring.train import Example
from models import DecisionAction, Extraction, Paper, ReviewDecision

_LABEL = {DecisionAction.accept: 1, DecisionAction.reject: 0, DecisionAction.correct: 0}


@dataclass
class ReviewLabels:
    examples: list[Example]
    skipped: int  # decisions without a stored candidate with features


def review_labels(session: Session) -> ReviewLabels:
    """Every decision whose candidate is stored with features, as a training example of its field."""
    stmt = (select(ReviewDecision, Extraction, Paper.arxiv_id)
            .join(Paper, Paper.id == ReviewDecision.paper_id)
            .outerjoin(Extraction, and_(Extraction.paper_id == ReviewDecision.paper_id,
                                        Extraction.candidate_key == ReviewDecision.candidate_key))
            .order_by(ReviewDecision.id))
    examples, skipped = [], 0
    for decision, extraction, arxiv_id in session.execute(stmt):
        if extraction is None or not extraction.features:
            skipped += 1
            continue
        # "_field" routes the example to its field's model; train() strips it before fitting.
        features = dict(extraction.features, _field=decision.field)
        examples.append(Example(f"review:{arxiv_id}", features, _LABEL[decision.action], "review"))
    return ReviewLabels(examples, skipped)
