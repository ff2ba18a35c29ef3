"""The recorded real arXiv Atom feeds (../shared/corpus/atom, issue 16.6) replayed over loopback
through the real `arxiv` client, our session and `PaperMeta.from_result`: every entry comes out with
the id, version, title, authors, categories, dates, PDF link and DOI the feed holds (read here
independently with ElementTree). The empty feed is a real "no results", not a failure. Skipped when
../shared is absent."""
from __future__ import annotations

import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.etree import ElementTree

import arxiv
import pytest

from settings.config import ArxivSettings
from sources.arxiv_client import get_client, split_arxiv_id, PaperMeta

ATOM = "{http://www.w3.org/2005/Atom}"
ARXIV = "{http://arxiv.org/schemas/atom}"


@pytest.fixture(scope="module")
def feeds(shared_corpus) -> list[Path]:
    folder = shared_corpus / "atom"
    found = sorted(folder.glob("*.xml")) if folder.is_dir() else []
    if not found:
        pytest.skip("../shared/corpus/atom holds no recorded feeds")
    return found


class _Replay(BaseHTTPRequestHandler):
    body = b""
    requests: list[str] = []

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        type(self).requests.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "application/atom+xml; charset=utf-8")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args) -> None:
        pass


def replay(feed: Path) -> tuple[list[PaperMeta], list[str]]:
    handler = type("Replay", (_Replay,), {"body": feed.read_bytes(), "requests": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings = ArxivSettings(api_url=f"http://127.0.0.1:{server.server_address[1]}/api/query", delay_seconds=0,
                                 num_retries=1, page_size=100, timeout_seconds=10)
        total = len(ElementTree.parse(feed).getroot().findall(f"{ATOM}entry"))
        search = arxiv.Search(query="all:testing", max_results=total or 10)
        metas = [PaperMeta.from_result(r) for r in get_client(settings).results(search)]
    finally:
        server.shutdown()
        server.server_close()
    return metas, handler.requests


def expected(entry) -> dict:
    text = lambda tag: " ".join((entry.findtext(tag) or "").split())  # noqa: E731
    arxiv_id, version = split_arxiv_id(entry.findtext(f"{ATOM}id"))
    pdf = next((link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("title") == "pdf"), None)
    return dict(arxiv_id=arxiv_id, version=version, title=text(f"{ATOM}title"),
                authors=[a.findtext(f"{ATOM}name") for a in entry.findall(f"{ATOM}author")],
                categories=[c.get("term") for c in entry.findall(f"{ATOM}category")],
                primary_category=entry.find(f"{ARXIV}primary_category").get("term"),
                published=datetime.fromisoformat(entry.findtext(f"{ATOM}published").replace("Z", "+00:00")),
                updated=datetime.fromisoformat(entry.findtext(f"{ATOM}updated").replace("Z", "+00:00")),
                abstract=text(f"{ATOM}summary"), pdf_url=pdf, doi=entry.findtext(f"{ARXIV}doi") or None)


def test_every_recorded_entry_becomes_the_same_paper_meta(feeds):
    checked = 0
    for feed in feeds:
        entries = ElementTree.parse(feed).getroot().findall(f"{ATOM}entry")
        metas, requests = replay(feed)
        assert len(requests) == 1, (feed.name, requests)  # one page, no retry
        assert len(metas) == len(entries), feed.name
        for meta, entry in zip(metas, entries):
            want = expected(entry)
            got = {key: getattr(meta, key) for key in want}
            assert got == want, feed.name
            assert meta.pdf_url.startswith("https://arxiv.org/pdf/") and meta.published.tzinfo is not None
            checked += 1
    assert checked >= 12  # 0 + 1 + 1 + 10 entries in the recorded feeds


def test_the_recorded_empty_feed_is_no_results_not_a_failure(feeds):
    empty = [f for f in feeds if int(ElementTree.parse(f).getroot().findtext(
        "{http://a9.com/-/spec/opensearch/1.1/}totalResults")) == 0]
    if not empty:
        pytest.skip("no empty feed among the recordings")
    metas, requests = replay(empty[0])
    assert metas == [] and len(requests) == 1
