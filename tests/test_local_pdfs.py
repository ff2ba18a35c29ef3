"""The steps of `progress add` without Prefect: finding files, one file per paper, the cache copy, the
tasks a paper names, and arXiv metadata from the loopback stand-in (reachable and not)."""
from __future__ import annotations

import socket
from pathlib import Path

import pymupdf

from extractors.arxiv_ids import ArxivRef
from extractors.identity import PdfIdentity
from settings.config import load_config
from sources.local_pdfs import (LocalPdf, Problem, fetch_metadata, find_pdfs, inspect_pdf, place_in_cache,
                                tasks_named)
from sources.pdf_cache import cached
from usecases.local_papers import newest_per_paper
from standin.corpus import sample_papers
from standin.server import StandIn

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config.yaml")


def _identity(ref: ArxivRef | None, **datasets: int) -> PdfIdentity:
    return PdfIdentity(ref=ref, id_from="filename" if ref else None, pages=1, title="A Title Long Enough",
                       authors=[], year=None, title_from="first page",
                       datasets={k.replace("_", " "): v for k, v in datasets.items()})


def _item(path: Path, ref: ArxivRef | None, sha: str = "ab" * 32) -> LocalPdf:
    return LocalPdf(path=path, sha256=sha, size=path.stat().st_size if path.exists() else 0, identity=_identity(ref))


def test_find_pdfs_recurses_folders_and_names_missing_paths(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    for name in ("a/x.pdf", "a/b/y.PDF", "a/b/z.txt", "single.bin"):
        (tmp_path / name).write_bytes(b"%PDF-1.4")
    files, problems = find_pdfs([tmp_path / "a", tmp_path / "single.bin", tmp_path / "a" / "x.pdf", tmp_path / "gone"])
    assert [f.name for f in files] == ["y.PDF", "x.pdf", "single.bin"]  # the explicit file whatever its name; no repeats
    assert problems == [Problem(str(tmp_path / "gone"), "no such file or folder")]


def test_one_file_per_paper_the_newest_version(tmp_path):
    old, new, other = (_item(tmp_path / n, r) for n, r in (("o.pdf", ArxivRef("1601.00001", 1)),
                                                            ("n.pdf", ArxivRef("1601.00001", 3)),
                                                            ("p.pdf", None)))
    kept, left_out = newest_per_paper([old, new, other])
    assert kept == [new, other] and left_out == [old]


def test_tasks_need_two_mentions_of_their_benchmarks():
    named = _identity(None, ImageNet=1, COCO=2, **{"WMT14 EN-DE": 1, "WMT14 EN-FR": 1})
    # COCO twice; WMT14 EN-DE + EN-FR are one task's benchmarks (two mentions); ImageNet once is an aside.
    assert tasks_named(named, CONFIG) == ["object_detection", "machine_translation"]


def test_the_cache_copy_is_checksummed_and_trusted(tmp_path):
    doc = pymupdf.open()
    doc.new_page().insert_text((72, 72), "Lattice Pooling for Image Recognition")
    source = tmp_path / "in" / "1601.00001v2.pdf"
    source.parent.mkdir()
    doc.save(source)
    item = inspect_pdf(source, max_pages=10, max_bytes=10_000_000)
    assert isinstance(item, LocalPdf) and item.key == "1601.00001" and item.version == 2
    placed = place_in_cache(item, tmp_path / "cache")
    assert placed.path == (tmp_path / "cache" / "1601.00001v2.pdf").resolve()
    assert cached(placed.path).sha256 == item.sha256
    again = place_in_cache(item, tmp_path / "cache")
    assert not again.downloaded  # already there: not copied twice
    assert place_in_cache(item, tmp_path / "cache", reference=True).path == source.resolve()
    assert isinstance(inspect_pdf(source, max_pages=10, max_bytes=10), Problem)  # over the size limit


def test_metadata_from_the_stand_in_in_one_batched_request(tmp_path):
    stamped = next(p for p in sample_papers() if p.arxiv_id == "2099.20003")
    items = [_item(tmp_path / "a.pdf", ArxivRef("2099.20003", 1)), _item(tmp_path / "b.pdf", ArxivRef("cs/9913400")),
             _item(tmp_path / "c.pdf", ArxivRef("1601.99999", 1)), _item(tmp_path / "d.pdf", None)]
    with StandIn() as stand_in:
        settings = CONFIG.arxiv.model_copy(update={"api_url": stand_in.api_url, "delay_seconds": 0.0})
        answered, note = fetch_metadata(items, settings)
        requests = list(stand_in.api_requests)
    assert (answered, note) == (2, None) and len(requests) == 1
    assert items[0].meta.version == 1 and items[0].meta.title == stamped.title  # the version the PDF states
    assert items[1].meta.arxiv_id == "cs/9913400" and items[2].meta is None and items[3].meta is None


def test_metadata_gives_up_quietly_when_arxiv_is_unreachable(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = CONFIG.arxiv.model_copy(update={"api_url": f"http://127.0.0.1:{port}/api/query", "delay_seconds": 0.0,
                                               "num_retries": 0})
    items = [_item(tmp_path / "a.pdf", ArxivRef("2099.20003", 1))]
    answered, note = fetch_metadata(items, settings)
    assert answered == 0 and "not reachable" in note and items[0].meta is None
