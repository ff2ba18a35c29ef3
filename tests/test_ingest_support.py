"""Shared by the ingest, backfill, deployment, Dask and PostgreSQL tests (no tests in here): a
pipeline config pointed at a loopback arXiv stand-in, and table contents compared by natural keys."""
from __future__ import annotations

from pathlib import Path

import yaml
from sqlalchemy import select

from db.engine import session_scope
from models import ComputeEstimate, Extraction, IngestWatermark, Paper, PaperTask, Result

REPO_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"


def pipeline_config(workdir: Path, api_url: str, *, database_url: str | None = None, delay: float = 0.02,
                    **sections: dict) -> Path:
    """The repository's config.yaml with the stand-in as endpoint, a database and PDF cache in
    `workdir`, and any section's keys overridden (e.g. arxiv={"page_size": 2})."""
    data = yaml.safe_load(REPO_CONFIG.read_text())
    workdir.mkdir(parents=True, exist_ok=True)
    data["database_url"] = database_url or f"sqlite:///{(workdir / 'progress.sqlite').resolve()}"
    data["pdf_cache"] = str((workdir / "pdfs").resolve())
    data["report_dir"] = str((workdir / "report").resolve())
    data["arxiv"].update(api_url=api_url, delay_seconds=delay)
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, default_flow_style=False))
    return path


def table_contents(url: str) -> dict[str, list[tuple]]:
    """Every pipeline table as sorted rows of the values that matter, ids and timestamps left out
    (papers are named by arXiv id, PDFs by checksum, so two databases built in different folders compare)."""
    with session_scope(url) as s:
        ids = dict(s.execute(select(Paper.id, Paper.arxiv_id)).all())
        papers = [(p.arxiv_id, p.version, p.title, p.status.value, p.status_reason, p.attempts, p.pdf_sha256,
                   p.pages, p.extracted_version) for p in s.execute(select(Paper)).scalars()]
        tasks = [(ids[t.paper_id], t.task) for t in s.execute(select(PaperTask)).scalars()]
        extractions = [(ids[e.paper_id], e.field, e.candidate_key, e.value, e.unit, repr(sorted(e.attrs.items())),
                        round(e.confidence, 6), e.is_best, e.page, e.sentence)
                       for e in s.execute(select(Extraction)).scalars()]
        results = [(ids[r.paper_id], r.task, r.dataset, r.metric, r.value, r.review_state)
                   for r in s.execute(select(Result)).scalars()]
        estimates = [(ids[c.paper_id], c.method, c.flops, c.preferred)
                     for c in s.execute(select(ComputeEstimate)).scalars()]
        marks = [(m.task, m.last_submitted.date().isoformat()) for m in s.execute(select(IngestWatermark)).scalars()]
    return {name: sorted(rows, key=repr) for name, rows in
            (("papers", papers), ("paper_tasks", tasks), ("extractions", extractions), ("results", results),
             ("compute_estimates", estimates), ("ingest_watermarks", marks))}
