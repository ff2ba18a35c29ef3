"""A loopback HTTP server that answers like export.arxiv.org for the real `arxiv` client.

    with StandIn() as s:                       # bundled sample corpus, free port on 127.0.0.1
        client = arxiv.Client(page_size=10, delay_seconds=0)
        client.query_url_format = s.query_url_format
        results = list(client.results(arxiv.Search(query="cat:cs.CV AND abs:ImageNet")))
        s.set_fault("http_503", times=2, retry_after=1)
        s.requests                             # every request: path, query, monotonic time, status

Routes: GET /api/query (search_query, id_list, start, max_results, sortBy, sortOrder),
GET|HEAD /pdf/<id>v<n> and /pdf/<id> (latest) with Range support, GET /abs/<id>[v<n>].
Papers are any objects with arxiv_id, version, title, authors, abstract, categories,
primary_category, published, updated (optional comment, journal_ref, doi), e.g.
`standin.corpus.SamplePaper`. PDF bytes are given explicitly or built lazily for sample papers.
"""
from __future__ import annotations

import re
import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Iterable, Mapping
from urllib.parse import parse_qs, urlencode, urlsplit

from standin import atom
from standin.query import QuerySyntaxError, parse_query, score

FAULT_KINDS = ("http_429", "http_503", "empty_page", "malformed_xml", "reset_pdf", "slow")
# Which requests a fault hits unless `on=` says otherwise.
FAULT_DEFAULT_TARGET = {"http_429": "api", "http_503": "api", "empty_page": "api",
                        "malformed_xml": "api", "reset_pdf": "pdf", "slow": "api"}
MAX_PAGE = 2000  # arXiv refuses larger pages
SORT_KEYS = {"relevance", "lastUpdatedDate", "submittedDate"}


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str
    query: dict[str, list[str]]
    time: float  # time.monotonic() when the request arrived
    headers: dict[str, str]  # range / user-agent / if-range, lower-case names
    status: int = 0  # filled in when the response is sent (0 if the connection was cut)
    fault: str | None = None

    @property
    def kind(self) -> str:
        if self.path.startswith("/api/"):
            return "api"
        if self.path.startswith("/pdf/"):
            return "pdf"
        return "other"


@dataclass
class _Fault:
    kind: str
    remaining: int
    on: str
    options: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Version:
    paper: Any
    pdf: bytes | None


class StandIn:
    """The server plus its corpus, fault switches and request log. Thread-safe."""

    def __init__(self, papers: Iterable[Any] | None = None, pdfs: Mapping[str, bytes] | None = None,
                 host: str = "127.0.0.1", port: int = 0):
        if papers is None:
            from standin.corpus import sample_paper_versions
            papers = sample_paper_versions()
        self._lock = threading.RLock()
        self._store: dict[str, dict[int, _Version]] = {}
        self._faults: list[_Fault] = []
        self._requests: list[RequestRecord] = []
        pdfs = dict(pdfs or {})
        for paper in papers:
            self.add_paper(paper, pdfs.get(f"{paper.arxiv_id}v{paper.version}"))
        self._host, self._port = host, port
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None

    # ------------------------------------------------------------ lifecycle

    def start(self) -> "StandIn":
        handler = type("StandInHandler", (_Handler,), {"standin": self})
        self._httpd = _QuietServer((self._host, self._port), handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> "StandIn":
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("StandIn is not running; use it as a context manager or call start()")
        return self._httpd.server_address[1]

    @property
    def base_url(self) -> str:
        return f"http://{self._host}:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/query"

    @property
    def query_url_format(self) -> str:
        """For arxiv.Client.query_url_format."""
        return self.api_url + "?{}"

    def pdf_url(self, arxiv_id: str, version: int | None = None) -> str:
        return f"{self.base_url}/pdf/{arxiv_id}" + (f"v{version}" if version else "")

    # ------------------------------------------------------------ corpus

    def add_paper(self, paper: Any, pdf: bytes | None = None) -> None:
        """Add a paper, or a new version of one (same arxiv_id, higher version), or replace a version."""
        with self._lock:
            self._store.setdefault(paper.arxiv_id, {})[int(paper.version)] = _Version(paper, pdf)

    def remove_paper(self, arxiv_id: str) -> None:
        with self._lock:
            self._store.pop(arxiv_id, None)

    def papers(self) -> list[Any]:
        """Latest version of every paper."""
        with self._lock:
            return [versions[max(versions)].paper for versions in self._store.values()]

    def _lookup(self, arxiv_id: str, version: int | None) -> _Version | None:
        with self._lock:
            versions = self._store.get(arxiv_id)
            if not versions:
                return None
            return versions.get(version) if version else versions[max(versions)]

    def pdf_bytes(self, arxiv_id: str, version: int | None = None) -> bytes | None:
        found = self._lookup(arxiv_id, version)
        if found is None:
            return None
        if found.pdf is None and getattr(found.paper, "spec", None) is not None:
            from standin.corpus import build_pdf
            found.pdf = build_pdf(found.paper)  # built on first request: startup stays fast
        return found.pdf

    # ------------------------------------------------------------ faults and records

    def set_fault(self, kind: str, times: int = 1, on: str | None = None, **options: Any) -> None:
        """Arm a fault for the next `times` matching requests.

        kinds: http_429 / http_503 (options: retry_after seconds, default 1), empty_page (a page
        comes back without entries but with the true total; option min_start, default 0, so the
        first page too: arXiv does that), malformed_xml
        (truncated feed), reset_pdf (headers and half the body, then a TCP reset), slow (option
        delay seconds, default 1.0, before answering). `on`: "api", "pdf" or "any".
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault {kind!r}; choose from {FAULT_KINDS}")
        target = on or FAULT_DEFAULT_TARGET[kind]
        if target not in ("api", "pdf", "any"):
            raise ValueError("on must be 'api', 'pdf' or 'any'")
        with self._lock:
            self._faults.append(_Fault(kind, times, target, options))

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()

    def _take_fault(self, kind_of_request: str, start: int) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.remaining <= 0 or fault.on not in ("any", kind_of_request):
                    continue
                if fault.kind == "empty_page" and start < int(fault.options.get("min_start", 0)):
                    continue
                fault.remaining -= 1
                return fault
        return None

    @property
    def requests(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._requests)

    @property
    def api_requests(self) -> list[RequestRecord]:
        return [r for r in self.requests if r.kind == "api"]

    @property
    def pdf_requests(self) -> list[RequestRecord]:
        return [r for r in self.requests if r.kind == "pdf"]

    def clear_requests(self) -> None:
        with self._lock:
            self._requests.clear()

    def _record(self, record: RequestRecord) -> int:
        with self._lock:
            self._requests.append(record)
            return len(self._requests) - 1

    def _finish(self, index: int, status: int, fault: str | None) -> None:
        with self._lock:
            old = self._requests[index]
            self._requests[index] = RequestRecord(old.method, old.path, old.query, old.time,
                                                  old.headers, status, fault)

    # ------------------------------------------------------------ API

    def search(self, params: Mapping[str, list[str]]) -> tuple[int, list[tuple[Any, int, Any]]]:
        """(total, [(paper, version, updated)]) for one API request's parameters, before paging."""
        query = params.get("search_query", [""])[0]
        id_list = [i.strip() for i in params.get("id_list", [""])[0].split(",") if i.strip()]
        sort_by = params.get("sortBy", ["relevance"])[0]
        order = params.get("sortOrder", ["descending"])[0]
        if sort_by not in SORT_KEYS or order not in ("ascending", "descending"):
            raise QuerySyntaxError(f"bad sortBy/sortOrder {sort_by!r}/{order!r}")
        tree = parse_query(query) if query.strip() else None

        hits: list[tuple[Any, int, int]] = []  # (paper, version, relevance)
        if id_list:
            for raw in id_list:
                m = re.fullmatch(r"(.+?)(?:v(\d+))?", raw)
                found = self._lookup(m.group(1), int(m.group(2)) if m.group(2) else None)
                if found is None:
                    continue
                relevance = score(tree, found.paper) if tree is not None else 1
                if relevance:
                    hits.append((found.paper, int(found.paper.version), relevance))
        elif tree is not None:
            for paper in self.papers():
                relevance = score(tree, paper)
                if relevance:
                    hits.append((paper, int(paper.version), relevance))

        if sort_by == "relevance" and not id_list:
            hits.sort(key=lambda h: (h[2], h[0].published, h[0].arxiv_id), reverse=order == "descending")
        elif sort_by != "relevance":
            attr = "updated" if sort_by == "lastUpdatedDate" else "published"
            hits.sort(key=lambda h: (getattr(h[0], attr), h[0].arxiv_id), reverse=order == "descending")
        return len(hits), [(paper, version, paper.updated) for paper, version, _ in hits]

    def render_api(self, raw_query: str) -> tuple[int, bytes]:
        params = parse_qs(raw_query, keep_blank_values=True)
        self_link = f"{self.api_url}?{raw_query}"
        try:
            start = max(0, int(params.get("start", ["0"])[0] or 0))
            per_page = max(0, min(int(params.get("max_results", ["10"])[0] or 10), MAX_PAGE))
        except ValueError:
            return 400, atom.error_feed("start and max_results must be integers", self_link)
        title = "arXiv Query: " + urlencode({
            "search_query": params.get("search_query", [""])[0], "id_list": params.get("id_list", [""])[0],
            "start": start, "max_results": per_page}, safe=":,[] ")
        try:
            total, hits = self.search(params)
        except QuerySyntaxError as exc:
            return 400, atom.error_feed(str(exc), self_link)
        page = hits[start:start + per_page]
        entries = [atom.entry_xml(p, v, u, self.base_url) for p, v, u in page]
        return 200, atom.feed_xml(title, self_link, total, start, per_page, entries)


def _parse_range(header: str, size: int) -> tuple[int, int] | None:
    """(first, last) byte of a single "bytes=" range; None if unsatisfiable."""
    m = re.fullmatch(r"bytes=(\d*)-(\d*)", header.strip())
    if not m or (m.group(1) == "" and m.group(2) == ""):
        return None
    if m.group(1) == "":  # suffix range: the last N bytes
        n = int(m.group(2))
        return (max(0, size - n), size - 1) if n > 0 else None
    first = int(m.group(1))
    last = int(m.group(2)) if m.group(2) else size - 1
    if first >= size or last < first:
        return None
    return first, min(last, size - 1)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up mid-response (downloads cancelled by tests) are not errors here."""


class _Handler(BaseHTTPRequestHandler):
    standin: StandIn  # set on the per-server subclass
    _record_index: int | None = None
    _fault_name: str | None = None
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms delayed-ACK stalls
    server_version = "arXiv-standin/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # keep test output quiet
        pass

    def do_GET(self) -> None:
        self._handle(head=False)

    def do_HEAD(self) -> None:
        self._handle(head=True)

    def _handle(self, head: bool) -> None:
        url = urlsplit(self.path)
        params = parse_qs(url.query, keep_blank_values=True)
        headers = {k.lower(): v for k, v in self.headers.items() if k.lower() in ("range", "user-agent", "if-range")}
        kind = "api" if url.path.startswith("/api/") else "pdf" if url.path.startswith("/pdf/") else "other"
        index = self.standin._record(RequestRecord(self.command, url.path, params, time.monotonic(), headers))
        start_text = params.get("start", ["0"])[0] if kind == "api" else "0"
        start = int(start_text) if start_text.isdigit() else 0
        fault = self.standin._take_fault(kind, start) if kind != "other" else None
        self._record_index, self._fault_name = index, fault.kind if fault else None
        self.standin._finish(index, 0, self._fault_name)
        self._respond(url, kind, fault, head)

    def send_response(self, code: int, message: str | None = None) -> None:
        # Log the status before any byte reaches the client, so a test that has its response
        # already sees the record complete.
        if getattr(self, "_record_index", None) is not None:  # None: the request line itself was bad
            self.standin._finish(self._record_index, code, self._fault_name)
        super().send_response(code, message)

    def _send(self, status: int, body: bytes, content_type: str, head: bool = False,
              extra: Mapping[str, str] | None = None) -> int:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)
        return status

    def _respond(self, url: Any, kind: str, fault: _Fault | None, head: bool) -> int:
        if fault is not None and fault.kind == "slow":
            time.sleep(float(fault.options.get("delay", 1.0)))
        if fault is not None and fault.kind in ("http_429", "http_503"):
            status = 429 if fault.kind == "http_429" else 503
            message = b"Rate exceeded.\n" if status == 429 else b"Service temporarily unavailable.\n"
            return self._send(status, message, "text/plain", head,
                              {"Retry-After": str(fault.options.get("retry_after", 1))})
        if kind == "api" and url.path == "/api/query":
            return self._api(url.query, fault, head)
        if kind == "pdf":
            return self._pdf(url.path[len("/pdf/"):], fault, head)
        if url.path.startswith("/abs/"):
            return self._abs(url.path[len("/abs/"):], head)
        return self._send(404, b"Not found\n", "text/plain", head)

    def _api(self, raw_query: str, fault: _Fault | None, head: bool) -> int:
        status, body = self.standin.render_api(raw_query)
        if fault is not None and fault.kind == "empty_page":
            params = parse_qs(raw_query, keep_blank_values=True)
            total, _ = self.standin.search(params)
            body = atom.feed_xml("arXiv Query: (empty page)", f"{self.standin.api_url}?{raw_query}", total,
                                 int(params.get("start", ["0"])[0] or 0),
                                 int(params.get("max_results", ["10"])[0] or 10), [])
        elif fault is not None and fault.kind == "malformed_xml":
            body = body[: max(1, len(body) // 2)] + b"<entry><title>unterminated"
        return self._send(status, body, "application/atom+xml; charset=utf-8", head)

    def _split_id(self, raw: str) -> tuple[str, int | None]:
        raw = raw.removesuffix(".pdf")
        m = re.fullmatch(r"(.+?)v(\d+)", raw)
        return (m.group(1), int(m.group(2))) if m else (raw, None)

    def _pdf(self, raw_id: str, fault: _Fault | None, head: bool) -> int:
        arxiv_id, version = self._split_id(raw_id)
        body = self.standin.pdf_bytes(arxiv_id, version)
        if body is None:
            return self._send(404, b"No such paper\n", "text/plain", head)
        size = len(body)
        extra = {"Accept-Ranges": "bytes", "Cache-Control": "no-cache"}
        range_header = self.headers.get("Range")
        status, first, last = 200, 0, size - 1
        if range_header:
            parsed = _parse_range(range_header, size)
            if parsed is None:
                return self._send(416, b"", "text/plain", head, {"Content-Range": f"bytes */{size}"})
            status, (first, last) = 206, parsed
            extra["Content-Range"] = f"bytes {first}-{last}/{size}"
        part = body[first:last + 1]
        if fault is not None and fault.kind == "reset_pdf" and not head:
            return self._reset_halfway(status, part, extra)
        return self._send(status, part, "application/pdf", head, extra)

    def _reset_halfway(self, status: int, part: bytes, extra: Mapping[str, str]) -> int:
        """Promise the whole body, send half of it, then abort the TCP connection (RST)."""
        self.send_response(status)
        self.send_header("Content-Type", "application/pdf")
        self.send_header("Content-Length", str(len(part)))
        for key, value in extra.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(part[: len(part) // 2])
        self.wfile.flush()
        # Linger 0 makes close() send RST instead of FIN; rfile holds a reference that would delay it.
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.rfile.close()
        self.connection.close()
        return status

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:  # the client went away, or we reset the connection on purpose
            pass

    def _abs(self, raw_id: str, head: bool) -> int:
        arxiv_id, version = self._split_id(raw_id)
        found = self.standin._lookup(arxiv_id, version)
        if found is None:
            return self._send(404, b"No such paper\n", "text/plain", head)
        paper = found.paper
        page = (f"<html><head><title>[{arxiv_id}] {atom.escape(paper.title)}</title></head><body>"
                f"<h1>{atom.escape(paper.title)}</h1><p>{atom.escape(', '.join(paper.authors))}</p>"
                f"<blockquote>{atom.escape(paper.abstract)}</blockquote>"
                f"<a href='/pdf/{arxiv_id}v{paper.version}'>PDF</a></body></html>")
        return self._send(200, page.encode(), "text/html; charset=utf-8", head)
