"""`progress add` on a folder of PDFs the test generates: arXiv-stamped, bulk-file-named, submit-stamped
and unnamed ones, plus a fake and an encrypted one; with the loopback arXiv stand-in reachable (metadata
from its API, one batched id_list request) and unreachable (metadata from the PDFs). Real flows under
Prefect's test harness, a real SQLite file, real extraction."""
from __future__ import annotations

import socket
from pathlib import Path

import pymupdf
import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.app_state import AppContext
from cli.demo import demo_config
from cli.main import _register_groups, app
from db.engine import session_scope
from models import Extraction, Paper, PaperStatus, PaperTask
from sources.pdf_cache import cached
from standin.corpus import build_pdf, sample_papers
from standin.server import StandIn

REPO_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"
STAMPED = "1699.10001"  # a sample paper (image classification): its own PDF carries the arXiv stamp
NAMED = "2099.20003"  # a sample paper at v2: our PDF has no stamp, only the bulk file name


@pytest.fixture(scope="module", autouse=True)
def groups():
    if not any(c.name == "fits" for c in app.registered_commands):
        _register_groups()


def _page_pdf(path: Path, lines: list[str], *, stamp: str | None = None, metadata: dict | None = None) -> Path:
    doc = pymupdf.open()
    page = doc.new_page()
    if stamp:
        page.insert_text((20, 620), stamp, fontsize=16, rotate=90)
    page.insert_text((72, 80), lines[0], fontsize=18)
    for n, line in enumerate(lines[1:]):
        page.insert_text((72, 120 + 14 * n), line, fontsize=10)
    if metadata:
        doc.set_metadata(metadata)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path


def make_folder(root: Path) -> Path:
    """The researcher's folder: nested, mixed names, two files that cannot be added, one non-PDF."""
    folder = root / "papers"
    paper = next(p for p in sample_papers() if p.arxiv_id == STAMPED)
    (folder / "reading").mkdir(parents=True)
    (folder / "reading" / "scaling-paper.pdf").write_bytes(build_pdf(paper))
    _page_pdf(folder / "mirror" / "2099" / f"{NAMED}v2.pdf",
              ["Adaptive Detection Heads", "We evaluate on the COCO detection benchmark.",
               "Our detector reaches 41.2 box AP on COCO test-dev."])
    _page_pdf(folder / "mirror" / "hep-th_9901001v1.pdf",
              ["Strings on a Lattice", "A note on compact dimensions without any benchmark."],
              metadata={"title": "Strings on a Lattice", "author": "Ida Noor and Pim Ross"})
    _page_pdf(folder / "drafts" / "draft.pdf",
              ["Routing Tokens for Translation", "We train on the WMT 2014 English-German data.",
               "On WMT14 English-to-German our model scores 27.9 BLEU."],
              stamp="arXiv:submit/3129194 [cs.CL] 29 Apr 2020")
    _page_pdf(folder / "drafts" / "notes.pdf", ["Reading Notes on Sparse Attention", "No experiments here."],
              metadata={"title": "Reading Notes on Sparse Attention", "author": "Uma Vale"})
    (folder / "drafts" / "saved-page.pdf").write_text("<html><body>login required</body></html>")
    locked = pymupdf.open()
    locked.new_page().insert_text((72, 72), "confidential")
    locked.save(folder / "drafts" / "locked.pdf", encryption=pymupdf.PDF_ENCRYPT_AES_256, user_pw="u", owner_pw="o")
    (folder / "README.txt").write_text("not a paper")
    return folder


def _invoke(config_path: Path, *args: str):
    result = CliRunner().invoke(app, ["--config", str(config_path), *args])
    from prefect.logging.configuration import setup_logging

    setup_logging(incremental=False)  # CliRunner closed the stream Prefect's handlers were bound to
    return result


def _papers(url: str) -> dict[str, Paper]:
    with session_scope(url) as s:
        papers = {p.arxiv_id: p for p in s.execute(select(Paper)).scalars()}
        for p in papers.values():
            p.task_names = sorted(t for t, in s.execute(select(PaperTask.task).where(PaperTask.paper_id == p.id)))
            s.expunge(p)
        return papers


def _row_counts(url: str) -> tuple[int, int, int]:
    with session_scope(url) as s:
        return tuple(s.scalar(select(func.count()).select_from(m)) for m in (Paper, PaperTask, Extraction))


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_add_with_arxiv_reachable_is_idempotent(tmp_path, prefect_harness):
    folder = make_folder(tmp_path)
    with StandIn() as stand_in:
        config = demo_config(AppContext(config_path=str(REPO_CONFIG)), tmp_path, stand_in.api_url, delay=0.05)
        url = AppContext(config_path=str(config)).config.database_url
        first = _invoke(config, "add", str(folder))
        api_calls = list(stand_in.api_requests)
        before = _row_counts(url)
        second = _invoke(config, "add", str(folder))
        api_calls_again = len(stand_in.api_requests) - len(api_calls)
    assert first.exit_code == 0, first.output
    # One line each for the two files that are not addable; the rest went on.
    assert "saved-page.pdf: not a PDF" in first.output and "locked.pdf: encrypted PDF" in first.output
    assert "README" not in first.output
    assert "5 papers added" in first.output and "7 files" in first.output
    # Metadata: one batched id_list request for the three papers with an id, the versions the PDFs state.
    assert len(api_calls) == 1 and "id_list" in api_calls[0].query
    papers = _papers(url)
    assert "submit/3129194" not in papers and not any(k.startswith("submit") for k in papers)
    stamped, named, old = papers[STAMPED], papers[NAMED], papers["hep-th/9901001"]
    sample = next(p for p in sample_papers() if p.arxiv_id == STAMPED)
    assert stamped.title == sample.title and stamped.authors == sample.authors and stamped.source == "arxiv"
    assert named.version == 2 and named.title.startswith("SentinelDet")  # arXiv's title, not the PDF's
    assert old.title == "Strings on a Lattice" and old.authors == ["Ida Noor", "Pim Ross"] and old.published.year == 1999
    local = {k: p for k, p in papers.items() if k.startswith("local:")}
    assert {p.title for p in local.values()} == {"Routing Tokens for Translation", "Reading Notes on Sparse Attention"}
    assert all(p.source == "local" and p.pdf_url.startswith("file://") for p in local.values())
    # Tasks from the benchmarks the text names (twice or more), extraction and the PDF cache.
    assert stamped.task_names == ["image_classification"] and named.task_names == ["object_detection"]
    draft = next(p for p in local.values() if p.title.startswith("Routing"))
    assert draft.task_names == ["machine_translation"] and old.task_names == []
    assert all(p.status == PaperStatus.extracted and p.pages for p in papers.values())
    hit = cached(Path(stamped.pdf_path))
    assert hit is not None and hit.sha256 == stamped.pdf_sha256 and Path(stamped.pdf_path).parent == tmp_path / "pdfs"
    # Adding the same folder again adds nothing.
    assert second.exit_code == 0, second.output
    assert "0 papers added" in second.output and "5 unchanged" in second.output
    assert _row_counts(url) == before and api_calls_again == 0


def test_add_with_arxiv_unreachable_takes_metadata_from_the_pdfs(tmp_path, prefect_harness):
    folder = make_folder(tmp_path)
    config = demo_config(AppContext(config_path=str(REPO_CONFIG)), tmp_path,
                         f"http://127.0.0.1:{_closed_port()}/api/query", delay=0.0)
    url = AppContext(config_path=str(config)).config.database_url
    result = _invoke(config, "add", "--no-refit", "--reference", str(folder))
    assert result.exit_code == 0, result.output
    assert "arXiv API not reachable" in result.output and "5 papers added" in result.output
    papers = _papers(url)
    sample = next(p for p in sample_papers() if p.arxiv_id == STAMPED)
    stamped = papers[STAMPED]
    assert stamped.title == sample.title  # the first page's title
    assert stamped.published.year == 2016 and stamped.version == 1
    assert papers[NAMED].title == "Adaptive Detection Heads" and papers[NAMED].version == 2
    # --reference: the files stay where they are, with their checksums.
    assert Path(stamped.pdf_path) == (folder / "reading" / "scaling-paper.pdf").resolve()
    assert all(p.status == PaperStatus.extracted for p in papers.values())
