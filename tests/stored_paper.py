"""One way for tests to put a paper with hand-made candidates into a fresh database and rebuild its
compute estimates and points, as a refit does (the TPU-generation and GPU-model tests both need it)."""
from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

from sqlalchemy import select

from db import session_scope, upgrade_to_head
from extractors.records import PaperExtraction
from models import Paper
from settings.config import load_config
from sources.arxiv_client import PaperMeta
from usecases.paper_stages import record_found, store_extraction
from usecases.points import rebuild_points
from usecases.scaling import rebuild_estimates

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config.yaml")


def store_and_rebuild(db_url: str, cands: list, *, arxiv_id: str, title: str, published: datetime,
                      task: str, category: str) -> None:
    """Migrate `db_url`, record the paper as found for `task`, store `cands` as its extraction, then
    rebuild its estimates and points."""
    upgrade_to_head(db_url)
    published = published.replace(tzinfo=published.tzinfo or timezone.utc)
    meta = PaperMeta(arxiv_id=arxiv_id, version=1, title=title, authors=["A. Author"], abstract="We train.",
                     categories=[category], primary_category=category, published=published, updated=published,
                     pdf_url=f"http://x/pdf/{arxiv_id}v1")
    with session_scope(db_url) as s:
        record_found(s, [meta], task)
        paper_id = s.execute(select(Paper.id)).scalar_one()
        store_extraction(s, paper_id, PaperExtraction(arxiv_id=arxiv_id, source_path="x.pdf", pages=6,
                                                      extractor_version="t", candidates=cands), CONFIG)
    with session_scope(db_url) as s:
        rebuild_estimates(s, CONFIG, None)
        rebuild_points(s, CONFIG, None)
