"""A new arXiv version of a paper already extracted is found by the nightly update query, downloaded
and extracted again, and the reviewer's earlier decisions still apply to the new extraction."""
from __future__ import annotations

import dataclasses
from datetime import datetime, timezone

from sqlalchemy import select

from usecases.effective import effective_values
from db.engine import session_scope
from models import DecisionAction, Extraction, Paper, PaperStatus, ReviewDecision
from standin.corpus import sample_paper_versions, sample_papers
from standin.server import StandIn
from test_ingest_support import pipeline_config

TASK = "image_classification"


def _pipeline(config: str) -> None:
    from flows.download import download_flow
    from flows.extract import extract_flow
    from flows.ingest import ingest_flow

    ingest_flow(config_path=config, tasks=[TASK])
    download_flow(config_path=config)
    extract_flow(config_path=config)


def test_new_version_is_extracted_again_and_keeps_review_decisions(tmp_path, prefect_harness):
    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    with StandIn(sample_paper_versions()) as stand_in:
        config = str(pipeline_config(tmp_path, stand_in.api_url))
        _pipeline(config)
        with session_scope(url) as s:
            paper = s.execute(select(Paper).join(Extraction).where(Paper.status == PaperStatus.extracted)
                              .order_by(Paper.arxiv_id)).scalars().first()
            candidates = s.execute(select(Extraction).where(Extraction.paper_id == paper.id)
                                   .order_by(Extraction.id)).scalars().all()
            rejected, corrected = candidates[0], candidates[-1]
            assert rejected.candidate_key != corrected.candidate_key
            s.add_all([
                ReviewDecision(paper_id=paper.id, candidate_key=rejected.candidate_key, field=rejected.field,
                               action=DecisionAction.reject, reviewer="test", original_attrs=rejected.attrs),
                ReviewDecision(paper_id=paper.id, candidate_key=corrected.candidate_key, field=corrected.field,
                               action=DecisionAction.correct, corrected_attrs={"reviewed_note": "checked"},
                               reviewer="test", original_attrs=corrected.attrs)])
            old_ids = {c.id for c in candidates}
            arxiv_id, version = paper.arxiv_id, paper.version

        latest = next(p for p in sample_papers() if p.arxiv_id == arxiv_id)
        stand_in.add_paper(dataclasses.replace(latest, version=version + 1, updated=datetime.now(timezone.utc)))
        stand_in.clear_requests()
        _pipeline(config)
        pdf_paths = [r.path for r in stand_in.pdf_requests]

    assert any(path.endswith(f"{arxiv_id}v{version + 1}") for path in pdf_paths), pdf_paths
    with session_scope(url) as s:
        paper = s.execute(select(Paper).where(Paper.arxiv_id == arxiv_id)).scalar_one()
        assert paper.version == version + 1 and paper.status == PaperStatus.extracted
        assert paper.pdf_path.endswith(f"v{version + 1}.pdf")
        fresh = s.execute(select(Extraction).where(Extraction.paper_id == paper.id)).scalars().all()
        assert fresh and not ({c.id for c in fresh} & old_ids)  # re-extracted: new rows
        assert len(s.execute(select(ReviewDecision)).scalars().all()) == 2
        values = {v.candidate_key: v for v in effective_values(s, min_confidence=0.0, paper_ids=[paper.id])}
    assert rejected.candidate_key not in values
    kept = values[corrected.candidate_key]
    assert kept.state == "corrected" and kept.attrs["reviewed_note"] == "checked"
