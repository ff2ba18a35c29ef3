"""Writes of `progress add`: local PDFs as papers ready for extraction, and their tasks.

Idempotent: a file whose sha256 the paper already has changes nothing. A paper known without a PDF
(found by an ingest, or only contributed) gets the local file; a newer version replaces an older one
and is extracted again. Papers with an arXiv id are arXiv papers (source "arxiv"), so a later nightly
ingest finds them known; a PDF without an id is keyed "local:<sha256 prefix>" (source "local").
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import Session

from extractors.arxiv_ids import submission_month
from db.upsert import upsert
from models import Paper, PaperStatus, PaperTask, Result
from sources.local_pdfs import LOCAL_SOURCE, LocalPdf
from sources.pdf_cache import CachedPdf


@dataclass
class AddCounts:
    added: int = 0  # new papers
    attached: int = 0  # known papers that got this PDF (none before, or an older version)
    unchanged: int = 0  # the paper already has this file (or a newer version)
    tasks: int = 0  # paper x task rows written
    paper_ids: list[int] = field(default_factory=list)  # every paper the files stand for

    def as_dict(self) -> dict:
        return {"added": self.added, "attached": self.attached, "unchanged": self.unchanged, "tasks": self.tasks}


def newest_per_paper(items: list[LocalPdf]) -> tuple[list[LocalPdf], list[LocalPdf]]:
    """One file per paper: the highest version (then the first found); returns (kept, left out)."""
    best: dict[str, LocalPdf] = {}
    for item in items:
        kept = best.get(item.key)
        if kept is None or item.version > kept.version:
            best[item.key] = item
    chosen = {id(i) for i in best.values()}
    return list(best.values()), [i for i in items if id(i) not in chosen]


def known_checksums(session: Session, checksums: list[str]) -> dict[str, int]:
    """Checksum -> paper id for the files some paper already has (added or downloaded before)."""
    found: dict[str, int] = {}
    for start in range(0, len(checksums), 500):  # bounded statements (SQLite's variable limit)
        found.update(session.execute(select(Paper.pdf_sha256, Paper.id)
                                     .where(Paper.pdf_sha256.in_(checksums[start:start + 500]))).all())
    return found


def _fields(item: LocalPdf, pdf: CachedPdf) -> dict:
    identity, meta = item.identity, item.meta
    ref = identity.ref
    if meta is not None:
        described = dict(title=meta.title, authors=meta.authors, abstract=meta.abstract, categories=meta.categories,
                         primary_category=meta.primary_category, published=meta.published, updated=meta.updated,
                         doi=meta.doi)
    else:
        # The id encodes the first version's month; a PDF without one gives at most its year.
        month = submission_month(ref.arxiv_id) if ref else None
        published = (datetime(*month, 1, tzinfo=timezone.utc) if month
                     else datetime(identity.year, 1, 1, tzinfo=timezone.utc) if identity.year else None)
        described = dict(title=identity.title, authors=identity.authors, abstract="", categories=[],
                         primary_category=None, published=published, updated=None, doi=None)
    pdf_url = (meta.pdf_url if meta and meta.pdf_url else f"https://arxiv.org/pdf/{ref.arxiv_id}v{item.version}") \
        if ref else item.path.resolve().as_uri()
    return dict(version=item.version, pdf_url=pdf_url, pdf_path=str(pdf.path), pdf_sha256=pdf.sha256,
                pdf_bytes=pdf.size, pages=identity.pages, **described)


def record_local_papers(session: Session, placed: list[tuple[LocalPdf, CachedPdf]]) -> AddCounts:
    """Store each (file, cached PDF) as a paper waiting for extraction, with its named tasks."""
    counts = AddCounts()
    for item, pdf in placed:
        fields = _fields(item, pdf)
        source = "arxiv" if item.identity.ref else LOCAL_SOURCE
        paper = session.execute(select(Paper).where(Paper.arxiv_id == item.key)).scalar_one_or_none()
        if paper is None:
            upsert(session, Paper, [dict(arxiv_id=item.key, source=source, status=PaperStatus.downloaded,
                                         attempts=0, **fields)], conflict=["arxiv_id"])
            paper = session.execute(select(Paper).where(Paper.arxiv_id == item.key)).scalar_one()
            counts.added += 1
        elif paper.pdf_sha256 == item.sha256:
            counts.unchanged += 1
        elif paper.pdf_sha256 is None or paper.version < item.version or paper.source not in ("arxiv", LOCAL_SOURCE):
            for key, value in fields.items():
                if value not in (None, "", []) or key.startswith("pdf_"):
                    setattr(paper, key, value)
            paper.source = source
            paper.status, paper.status_reason, paper.attempts = PaperStatus.downloaded, None, 0
            counts.attached += 1
        else:
            counts.unchanged += 1  # the database has another file of the same or a newer version
        counts.paper_ids.append(paper.id)
        counts.tasks += _add_tasks(session, [(paper.id, t) for t in item.tasks])
        session.flush()
    return counts


def assign_result_tasks(session: Session, paper_ids: list[int]) -> int:
    """After extraction: a paper reporting a result on a configured benchmark belongs to its task too
    (the results table already maps benchmarks to tasks). Returns the paper x task rows written."""
    if not paper_ids:
        return 0
    pairs = session.execute(select(Result.paper_id, Result.task).where(Result.paper_id.in_(paper_ids),
                                                                       Result.source == "extracted")
                            .distinct()).all()
    return _add_tasks(session, [tuple(p) for p in pairs])


def _add_tasks(session: Session, pairs: list[tuple[int, str]]) -> int:
    """Write paper x task rows that are not there yet; returns how many were new."""
    if not pairs:
        return 0
    ids = {p for p, _ in pairs}
    have = set(session.execute(select(PaperTask.paper_id, PaperTask.task).where(PaperTask.paper_id.in_(ids))).all())
    new = list(dict.fromkeys(pair for pair in pairs if pair not in have))
    upsert(session, PaperTask, [dict(paper_id=p, task=t) for p, t in new], conflict=["paper_id", "task"])
    return len(new)


def added_summary(session: Session, paper_ids: list[int]) -> dict:
    """Of these papers: how many have an arXiv id, and how many belong to each task."""
    per_task: dict[str, int] = {}
    for task, in session.execute(select(PaperTask.task).where(PaperTask.paper_id.in_(paper_ids))):
        per_task[task] = per_task.get(task, 0) + 1
    with_id = session.execute(select(Paper.id).where(Paper.id.in_(paper_ids), Paper.source == "arxiv")).all()
    return {"with_arxiv_id": len(with_id), "papers_per_task": dict(sorted(per_task.items()))}
