"""The PDF cache against a real loopback HTTP server: once only, checksummed, atomic, resumable."""
from __future__ import annotations

import hashlib
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pymupdf
import pytest

from sources.pdf_cache import DownloadError, cache_path, cached, download_pdf


def make_pdf(text: str = "hello") -> bytes:
    doc = pymupdf.open()
    for n in range(20):  # uncompressed, so the file is large enough to cut in the middle
        doc.new_page().insert_text((72, 72), f"{text} page {n}")
    data = doc.tobytes(deflate=False)
    assert len(data) > 5000
    return data


class Server:
    """Serves `body` at /paper.pdf; `cut_after` bytes drop the connection once; Range is honoured."""

    def __init__(self, body: bytes, content_type: str = "application/pdf"):
        self.body, self.content_type, self.cut_after, self.hits = body, content_type, None, []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                outer.hits.append(self.headers.get("Range"))
                start = 0
                rng = self.headers.get("Range")
                if rng:
                    start = int(rng.split("=")[1].split("-")[0])
                payload = outer.body[start:]
                self.send_response(206 if rng else 200)
                self.send_header("Content-Type", outer.content_type)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if outer.cut_after is not None:
                    self.wfile.write(payload[:outer.cut_after])
                    self.wfile.flush()
                    time.sleep(0.3)  # let the client take the first bytes before the drop
                    outer.cut_after = None
                    self.connection.shutdown(2)
                    return
                self.wfile.write(payload)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/paper.pdf"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server():
    srv = Server(make_pdf())
    yield srv
    srv.close()


def fetch(url, dest, max_bytes=10_000_000):
    return download_pdf(url, dest, timeout=5, max_bytes=max_bytes, user_agent="tests")


def test_downloads_once_with_checksum(server, tmp_path):
    dest = cache_path(tmp_path, "2101.00001", 2)
    first = fetch(server.url, dest)
    assert first.downloaded and first.sha256 == hashlib.sha256(server.body).hexdigest()
    assert dest.read_bytes() == server.body
    second = fetch(server.url, dest)
    assert not second.downloaded and len(server.hits) == 1


def test_resumes_after_a_dropped_connection(server, tmp_path):
    dest = cache_path(tmp_path, "2101.00002", 1)
    server.cut_after = 1000
    with pytest.raises(DownloadError) as info:
        fetch(server.url, dest)
    assert info.value.transient
    assert not dest.exists(), "a partial download must never look like a cached PDF"
    result = fetch(server.url, dest)
    assert server.hits[-1] == "bytes=1000-"
    assert result.sha256 == hashlib.sha256(server.body).hexdigest()


def test_html_error_page_is_refused_and_not_cached(tmp_path):
    srv = Server(b"<!DOCTYPE html><html><body>Rate limited</body></html>", content_type="text/html")
    try:
        dest = cache_path(tmp_path, "2101.00003", 1)
        with pytest.raises(DownloadError, match="HTML page") as info:
            fetch(srv.url, dest)
        assert not info.value.transient
        assert not dest.exists() and not list(tmp_path.iterdir())
    finally:
        srv.close()


def test_size_limit(server, tmp_path):
    dest = cache_path(tmp_path, "2101.00004", 1)
    with pytest.raises(DownloadError, match="over the 100-byte limit"):
        fetch(server.url, dest, max_bytes=100)
    assert not dest.exists()


def test_corrupted_cache_file_is_fetched_again(server, tmp_path):
    dest = cache_path(tmp_path, "2101.00005", 1)
    fetch(server.url, dest)
    dest.write_bytes(b"%PDF-garbage")
    assert cached(dest) is None
    assert fetch(server.url, dest).downloaded


@pytest.mark.parametrize("arxiv_id, name", [
    ("hep-th/9901001", "hep-th_9901001v3.pdf"),
    ("1706.03762", "1706.03762v3.pdf"),
    ("../../etc/passwd", "_.._etc_passwdv3.pdf"),
])
def test_cache_paths_stay_inside_the_cache(tmp_path, arxiv_id, name):
    path = cache_path(tmp_path, arxiv_id, 3)
    assert path.parent == tmp_path.resolve() and path.name == name
