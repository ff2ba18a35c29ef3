"""Writes of the pipeline's stages: found papers, downloads, failures, extractions.

Every write is idempotent: running a stage twice leaves the same rows. Reviewer decisions
(`review_decisions`) are never written here.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from sqlalchemy import delete, or_, select, update
from sqlalchemy.orm import Session

from usecases.effective import effective_values
from db.upsert import upsert
from extractors.records import Candidate, PaperExtraction
from models import Extraction, Paper, PaperStatus, PaperTask, Result
from settings.config import Config
from sources.arxiv_client import PaperMeta
from sources.pdf_cache import CachedPdf


@dataclass
class FoundCounts:
    new: int = 0
    new_version: int = 0
    unchanged: int = 0


def record_found(session: Session, metas: Iterable[PaperMeta], task: str) -> FoundCounts:
    """Store papers a task's query returned. A paper found by several tasks is one row; a newer arXiv
    version sends the paper back to `found`, so it is downloaded and extracted again."""
    counts = FoundCounts()
    for meta in metas:
        fields = dict(version=meta.version, title=meta.title, authors=meta.authors, abstract=meta.abstract,
                      categories=meta.categories, primary_category=meta.primary_category,
                      published=meta.published, updated=meta.updated, pdf_url=meta.pdf_url, doi=meta.doi)
        paper = session.execute(select(Paper).where(Paper.arxiv_id == meta.arxiv_id)).scalar_one_or_none()
        if paper is None:
            # ON CONFLICT DO NOTHING: a concurrent run may insert the same paper between our read and write.
            upsert(session, Paper, [dict(arxiv_id=meta.arxiv_id, source="arxiv", status=PaperStatus.found,
                                         attempts=0, **fields)], conflict=["arxiv_id"])
            paper = session.execute(select(Paper).where(Paper.arxiv_id == meta.arxiv_id)).scalar_one()
            counts.new += 1
        elif paper.version < meta.version or paper.source != "arxiv":
            # A newer version, or a paper known so far only from a contribution: (re)download it.
            for key, value in fields.items():
                setattr(paper, key, value)
            if paper.source != "arxiv":
                counts.new += 1
            else:
                counts.new_version += 1
            paper.source = "arxiv"
            paper.status, paper.status_reason, paper.attempts = PaperStatus.found, None, 0
            paper.pdf_path = paper.pdf_sha256 = paper.pdf_bytes = None
        else:
            counts.unchanged += 1
        upsert(session, PaperTask, [dict(paper_id=paper.id, task=task)], conflict=["paper_id", "task"])
        session.flush()
    return counts


def _retryable(max_attempts: int):
    return (Paper.status == PaperStatus.failed) & (Paper.attempts < max_attempts)


def papers_to_download(session: Session, max_attempts: int) -> list[Paper]:
    stmt = select(Paper).where(
        Paper.source == "arxiv", Paper.pdf_sha256.is_(None),
        or_(Paper.status == PaperStatus.found, _retryable(max_attempts)),
    ).order_by(Paper.id)
    return list(session.execute(stmt).scalars())


def papers_to_extract(session: Session, extractor_version: str, max_attempts: int) -> list[Paper]:
    """Downloaded papers, retryable failures with a PDF, and papers extracted by an older extractor."""
    stmt = select(Paper).where(
        Paper.pdf_sha256.is_not(None),
        or_(
            Paper.status == PaperStatus.downloaded,
            _retryable(max_attempts),
            (Paper.status == PaperStatus.extracted) & (Paper.extracted_version != extractor_version),
        ),
    ).order_by(Paper.id)
    return list(session.execute(stmt).scalars())


def mark_downloaded(session: Session, paper_id: int, pdf: CachedPdf) -> None:
    session.execute(update(Paper).where(Paper.id == paper_id).values(
        pdf_path=str(pdf.path), pdf_sha256=pdf.sha256, pdf_bytes=pdf.size,
        status=PaperStatus.downloaded, status_reason=None))


def mark_failed(session: Session, paper_id: int, reason: str, *, max_attempts: int, permanent: bool) -> PaperStatus:
    """Count a failed attempt. A permanent fault, or too many attempts, parks the paper with its reason."""
    paper = session.get(Paper, paper_id)
    paper.attempts += 1
    parked = permanent or paper.attempts >= max_attempts
    paper.status = PaperStatus.parked if parked else PaperStatus.failed
    paper.status_reason = reason if not parked or permanent else f"{reason} (parked after {paper.attempts} attempts)"
    return paper.status


def store_extraction(session: Session, paper_id: int, extraction: PaperExtraction, config: Config) -> int:
    """Replace the paper's extracted candidates and results with this extraction's. Returns candidates stored."""
    # Result rows go with their extractions (refresh_results rebuilds them below). Bulk statements skip
    # the ORM's session synchronisation: nothing in this session holds these rows.
    session.execute(delete(Extraction).where(Extraction.paper_id == paper_id, Extraction.source == "extracted"),
                    execution_options={"synchronize_session": False})
    # The same value in the same sentence can be found twice (say "2 servers (16 GPUs)" read two ways);
    # it is one candidate to a reviewer, so keep the chosen, most confident reading of it.
    chosen: dict[str, Candidate] = {}
    for cand in extraction.candidates:
        kept = chosen.get(cand.candidate_key)
        if kept is None or (cand.is_best, cand.confidence) > (kept.is_best, kept.confidence):
            chosen[cand.candidate_key] = cand
    rows = []
    for key, cand in chosen.items():
        rows.append(dict(
            paper_id=paper_id, field=cand.field, candidate_key=key, raw_text=cand.raw_text,
            value=cand.value, unit=cand.unit, normalized_value=cand.value, attrs=cand.attrs,
            confidence=float(cand.confidence), is_best=cand.is_best, page=cand.evidence.page,
            sentence=cand.evidence.sentence, section=cand.evidence.section,
            char_start=cand.evidence.char_start, char_end=cand.evidence.char_end,
            extractor=cand.extractor, extractor_version=extraction.extractor_version, source="extracted",
            features=cand.features or None))
    if rows:
        session.execute(Extraction.__table__.insert(), rows)
    session.flush()
    refresh_results(session, paper_id, config)
    session.execute(update(Paper).where(Paper.id == paper_id).execution_options(synchronize_session=False).values(
        status=PaperStatus.extracted, status_reason=None, pages=extraction.pages,
        extracted_version=extraction.extractor_version))
    return len(rows)


def refresh_results(session: Session, paper_id: int, config: Config) -> None:
    """Rebuild the paper's extracted result rows from its effective values (reviews applied): one row
    per configured benchmark, the most trusted candidate for that dataset+metric."""
    # Synchronised with the session: a reviewer's session has loaded these rows, and new rows reuse
    # their ids (SQLite), which would leave stale objects in the identity map (SAWarning).
    session.execute(delete(Result).where(Result.paper_id == paper_id, Result.source == "extracted"),
                    execution_options={"synchronize_session": "fetch"})
    values = effective_values(session, min_confidence=config.review.min_confidence,
                              paper_ids=[paper_id], fields=["results"])
    trust = {"corrected": 3, "accepted": 2, "auto": 1, "pending": 0}
    chosen: dict[tuple[str, str], tuple] = {}
    for v in values:
        match = config.benchmark_task(v.attrs.get("dataset", ""), _as_accuracy_metric(v.attrs.get("metric", "")))
        if not match:
            continue
        task, bench = match
        value = _as_accuracy_value(v.attrs)
        # Reviewed beats unreviewed, then confidence; among equals (single vs ensemble) the better score.
        rank = (trust[v.state], v.confidence, value if bench.higher_is_better else -value)
        key = (bench.dataset, bench.metric)
        if key not in chosen or rank > chosen[key][0]:
            chosen[key] = (rank, v, value, task, bench.higher_is_better)
    for (dataset, metric), (_, v, value, task, higher) in chosen.items():
        session.add(Result(paper_id=paper_id, task=task, dataset=dataset, metric=metric, value=value,
                           higher_is_better=higher, confidence=v.confidence, extraction_id=v.extraction_id,
                           review_state=v.state, source="extracted"))
    session.flush()


def _as_accuracy_metric(metric: str) -> str:
    """Top-k error and accuracy are one quantity; the configured benchmarks speak of accuracy."""
    return metric.replace("error", "accuracy") if metric.endswith("error") else metric


def _as_accuracy_value(attrs: dict) -> float:
    value = float(attrs.get("value"))
    return 100.0 - value if str(attrs.get("metric", "")).endswith("error") else value
