"""The review queue: candidates with their review state, filtered the way reviewers ask for them.

A candidate is identified to reviewers by its extraction row id (short, printed by `list`) or by its
`candidate_key` (stable across re-extractions; any unambiguous prefix of at least 6 characters works).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from extractors.records import FIELDS
from models import DecisionAction, Extraction, Paper, PaperTask, ReviewDecision

FIELDS_IN_ORDER = FIELDS

# The attribute that holds each field's headline number: what `--value` corrects.
HEADLINE_ATTR = {"hardware": "count", "training_time": "hours", "stated_compute": "flops",
                 "throughput": "flops_per_s", "results": "value",
                 # the operation count's inputs (extractors/operations.py)
                 "forward_flops": "flops", "parameters": "parameters", "epochs": "epochs", "steps": "steps",
                 "training_tokens": "tokens", "training_set": "examples"}

STATUSES = ("pending", "decided", "all")
_DECIDED_STATE = {DecisionAction.accept: "accepted", DecisionAction.reject: "rejected",
                  DecisionAction.correct: "corrected"}


class ReviewError(Exception):
    """A reviewer's request that cannot be carried out, stated in one line."""


@dataclass
class QueueFilter:
    """What `list`, `next` and the web page show. `status`: pending (undecided best candidates below
    the threshold), decided (anything with a decision) or all (best candidates and decided ones)."""

    status: str = "pending"
    task: str | None = None
    field: str | None = None
    paper: str | None = None  # arXiv id, with or without version
    below: float | None = None  # confidence < below
    above: float | None = None  # confidence >= above
    limit: int | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ReviewError(f"status must be one of {', '.join(STATUSES)}, not {self.status!r}")


@dataclass
class Decision:
    action: str
    reviewer: str
    note: str | None
    decided_at: datetime
    corrected_attrs: dict | None


@dataclass
class ReviewItem:
    id: int
    candidate_key: str
    paper_id: int
    arxiv_id: str
    title: str
    tasks: list[str]
    field: str
    attrs: dict[str, Any]
    value: float | None
    confidence: float
    is_best: bool
    state: str  # pending | auto | unused (a non-best candidate) | accepted | rejected | corrected
    page: int | None
    sentence: str | None
    char_start: int | None
    char_end: int | None
    section: str | None
    raw_text: str
    extractor: str
    extractor_version: str
    pdf_path: str | None
    decision: Decision | None = None
    effective_attrs: dict[str, Any] = field(default_factory=dict)  # attrs with a correction applied

    @property
    def match(self) -> str:
        """The matched text inside the sentence (the raw text when the span is unknown)."""
        if self.sentence and self.char_start is not None and self.char_end is not None:
            return self.sentence[self.char_start:self.char_end]
        return self.raw_text

    def summary(self) -> str:
        """The value in one short line, e.g. `8 x V100 (chips)` or `ImageNet top-1 accuracy = 76.5`."""
        return describe_attrs(self.field, self.effective_attrs)

    def as_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["match"] = self.match
        data["summary"] = self.summary()
        if self.decision is not None:
            data["decision"]["decided_at"] = self.decision.decided_at.isoformat()
        return data


def describe_attrs(field_name: str, attrs: dict[str, Any]) -> str:
    if field_name == "hardware":
        return f"{attrs.get('count')} x {attrs.get('chip')} ({attrs.get('unit', 'chips')})"
    if field_name == "training_time":
        return f"{attrs.get('hours')} h ({attrs.get('kind', 'wall')})"
    if field_name == "stated_compute":
        return f"{_number(attrs.get('flops'))} FLOPs"
    if field_name == "throughput":
        chip = f"{attrs['chip']} " if attrs.get("chip") else ""
        return f"{chip}{_number(attrs.get('flops_per_s'))} FLOP/s"
    if field_name == "results":
        return f"{attrs.get('dataset')} {attrs.get('metric')} = {attrs.get('value')}"
    if field_name == "forward_flops":
        unit = "multiply-adds" if attrs.get("kind") == "multiadds" else "FLOPs"
        return f"{_number(attrs.get('flops'))} {unit} per forward pass"
    if field_name == "parameters":
        return f"{_number(attrs.get('parameters'))} parameters"
    if field_name == "epochs":
        return f"{attrs.get('epochs'):g} epochs ({attrs.get('phase', 'training')})" if isinstance(attrs.get("epochs"), (int, float)) \
            else f"{attrs.get('epochs')} epochs"
    if field_name == "steps":
        batch = f" x batch {_number(attrs['batch_size'])}" if attrs.get("batch_size") else ""
        return f"{_number(attrs.get('steps'))} steps{batch}"
    if field_name == "training_tokens":
        return f"{_number(attrs.get('tokens'))} training tokens"
    if field_name == "training_set":
        return f"{attrs.get('dataset')}: {_number(attrs.get('examples'))} examples ({attrs.get('size_source', 'catalog')})"
    return ", ".join(f"{k}={v}" for k, v in sorted(attrs.items()))


def _number(value: Any) -> str:
    return f"{value:.3g}" if isinstance(value, (int, float)) else str(value)


def list_queue(session: Session, *, min_confidence: float, filters: QueueFilter | None = None) -> list[ReviewItem]:
    """Candidates matching `filters`, in reading order (paper, field, row): one paper at a time, so a
    reviewer keeps the paper's context in mind."""
    filters = filters or QueueFilter()
    stmt = _base_query()
    if filters.status == "pending":
        stmt = stmt.where(Extraction.is_best, Extraction.confidence < min_confidence, ReviewDecision.id.is_(None))
    elif filters.status == "decided":
        stmt = stmt.where(ReviewDecision.id.is_not(None))
    else:
        stmt = stmt.where(or_(Extraction.is_best, ReviewDecision.id.is_not(None)))
    if filters.field:
        stmt = stmt.where(Extraction.field == filters.field)
    if filters.paper:
        stmt = stmt.where(Paper.arxiv_id == _strip_version(filters.paper))
    if filters.task:
        stmt = stmt.where(Extraction.paper_id.in_(select(PaperTask.paper_id).where(PaperTask.task == filters.task)))
    if filters.below is not None:
        stmt = stmt.where(Extraction.confidence < filters.below)
    if filters.above is not None:
        stmt = stmt.where(Extraction.confidence >= filters.above)
    stmt = stmt.order_by(Paper.arxiv_id, Extraction.field, Extraction.id)
    if filters.limit:
        stmt = stmt.limit(filters.limit)
    return _items(session, session.execute(stmt).all(), min_confidence)


def find_item(session: Session, ref: str | int, *, min_confidence: float) -> ReviewItem:
    """One candidate by row id or candidate-key prefix; ReviewError when none or several match."""
    text = str(ref).strip()
    stmt = _base_query()
    if text.isdigit():
        stmt = stmt.where(Extraction.id == int(text))
    elif len(text) >= 6 and all(ch in "0123456789abcdef" for ch in text.lower()):
        stmt = stmt.where(Extraction.candidate_key.startswith(text.lower()))
    else:
        raise ReviewError(f"{text!r} is neither a candidate id nor a candidate-key prefix (6+ hex digits)")
    rows = session.execute(stmt.limit(2)).all()
    if not rows:
        raise ReviewError(f"no candidate {text} (ids change when a paper is re-extracted: run `progress review list`)")
    if len(rows) > 1:
        raise ReviewError(f"candidate-key prefix {text} is ambiguous: give more characters")
    return _items(session, rows, min_confidence)[0]


def other_candidates(session: Session, item: ReviewItem, *, min_confidence: float) -> list[ReviewItem]:
    """The paper's other candidates for the same field: what the extractor weighed this one against."""
    stmt = _base_query().where(Extraction.paper_id == item.paper_id, Extraction.field == item.field,
                               Extraction.id != item.id).order_by(Extraction.confidence.desc(), Extraction.id)
    return _items(session, session.execute(stmt).all(), min_confidence)


def _base_query():
    decided = and_(ReviewDecision.paper_id == Extraction.paper_id,
                   ReviewDecision.candidate_key == Extraction.candidate_key)
    return (select(Extraction, Paper, ReviewDecision)
            .join(Paper, Paper.id == Extraction.paper_id)
            .outerjoin(ReviewDecision, decided))


def _items(session: Session, rows, min_confidence: float) -> list[ReviewItem]:
    paper_ids = {paper.id for _, paper, _ in rows}
    tasks: dict[int, list[str]] = {}
    if paper_ids:
        for paper_id, task in session.execute(select(PaperTask.paper_id, PaperTask.task)
                                              .where(PaperTask.paper_id.in_(paper_ids)).order_by(PaperTask.task)):
            tasks.setdefault(paper_id, []).append(task)
    return [_item(ext, paper, decision, tasks.get(paper.id, []), min_confidence) for ext, paper, decision in rows]


def _item(ext: Extraction, paper: Paper, decision: ReviewDecision | None, tasks: list[str],
          min_confidence: float) -> ReviewItem:
    effective = dict(ext.attrs)
    if decision is not None:
        state = _DECIDED_STATE[decision.action]
        if decision.action == DecisionAction.correct:
            effective.update(decision.corrected_attrs or {})
        seen = Decision(decision.action.value, decision.reviewer, decision.note, decision.decided_at,
                        decision.corrected_attrs)
    else:
        seen = None
        state = ("auto" if ext.confidence >= min_confidence else "pending") if ext.is_best else "unused"
    return ReviewItem(
        id=ext.id, candidate_key=ext.candidate_key, paper_id=paper.id, arxiv_id=paper.arxiv_id, title=paper.title,
        tasks=tasks, field=ext.field, attrs=dict(ext.attrs), value=ext.value, confidence=ext.confidence,
        is_best=ext.is_best, state=state, page=ext.page, sentence=ext.sentence, char_start=ext.char_start,
        char_end=ext.char_end, section=ext.section, raw_text=ext.raw_text, extractor=ext.extractor,
        extractor_version=ext.extractor_version, pdf_path=paper.pdf_path, decision=seen, effective_attrs=effective)


def _strip_version(arxiv_id: str) -> str:
    head, sep, tail = arxiv_id.strip().rpartition("v")
    return head if sep and head and tail.isdigit() and head[-1].isdigit() else arxiv_id.strip()
