"""Everything a reviewer sees about one candidate: `progress review show`, `next` and the web page."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from review.nearby import SentenceContext, sentences_around
from review.evidence import EvidenceImage, evidence_path, render_evidence
from review.queue import ReviewItem, find_item, other_candidates
from settings.config import Config


@dataclass
class ItemDetail:
    item: ReviewItem
    others: list[ReviewItem]
    context: SentenceContext
    evidence: EvidenceImage | None = None
    threshold: float = 0.0
    image_requested: bool = True

    @property
    def sentence_parts(self) -> tuple[str, str, str]:
        """The sentence cut around the match: (before, match, after), for highlighting."""
        sentence, start, end = self.item.sentence or "", self.item.char_start, self.item.char_end
        if not sentence or start is None or end is None or not 0 <= start <= end <= len(sentence):
            return sentence, "", ""
        return sentence[:start], sentence[start:end], sentence[end:]

    def as_json(self) -> dict[str, Any]:
        data = self.item.as_json()
        data["threshold"] = self.threshold
        data["context"] = {"before": self.context.before, "after": self.context.after, "found": self.context.found}
        data["others"] = [o.as_json() for o in self.others]
        data["evidence_image"] = str(self.evidence.path) if self.evidence else None
        data["evidence_highlighted"] = self.evidence.highlighted if self.evidence else False
        return data


def item_detail(session: Session, config: Config, ref: str | int, *, render_image: bool = True,
                around: int = 2) -> ItemDetail:
    threshold = config.review.min_confidence
    item = find_item(session, ref, min_confidence=threshold)
    others = other_candidates(session, item, min_confidence=threshold)
    context = sentences_around(item.pdf_path, item.page, item.sentence, around=around)
    image = None
    if render_image and item.pdf_path and item.page:
        out = evidence_path(Path(config.pdf_cache), item.paper_id, item.candidate_key)
        image = render_evidence(item.pdf_path, item.page, item.sentence or "", item.match, out)
    return ItemDetail(item, others, context, image, threshold, render_image)
