"""The arXiv API through the `arxiv` package, made polite and robust.

The package's Client rate-limits per instance, has no request timeout and retries without backoff. So:
- one Client per process and settings (`get_client`);
- its requests.Session is swapped for `PoliteSession`: a timeout on every call, our User-Agent with a
  contact address, one connection at a time, and the one retry layer (urllib3 `Retry`: backoff,
  Retry-After, 429/5xx, connection errors; plus re-requesting a 200 page that is malformed or empty
  although its feed counts results there). The Client itself and the Prefect task never retry.
- the spacing between requests (arXiv: one every 3 s) is ours, not the package's: its per-instance,
  unlocked timer does not hold for concurrent tasks, so every request, retries included, passes the
  gates of sources/rate_limit (a per-process spacer shared with PDF downloads from arXiv's hosts, plus
  a Prefect global rate limit when a flow installed it).
"""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Iterator
from urllib.parse import parse_qs, urlsplit
from xml.etree import ElementTree

import arxiv
import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import MaxRetryError
from urllib3.util.retry import Retry

from settings.config import ArxivSettings, Task
from sources.rate_limit import RequestSpacer, host_group, pass_cross_process_gate, polite_turn, spacer_for

log = logging.getLogger(__name__)

_NEW_ID = re.compile(r"(?P<id>\d{4}\.\d{4,5})(?:v(?P<v>\d+))?$")
_OLD_ID = re.compile(r"(?P<id>[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7})(?:v(?P<v>\d+))?$")
RETRY_STATUSES = {429, 500, 502, 503, 504}
MAX_RETRY_AFTER_SECONDS = 120.0


def split_arxiv_id(entry_id: str) -> tuple[str, int]:
    """'http://arxiv.org/abs/2202.12139v2' -> ('2202.12139', 2); old ids like 'hep-th/9901001v1' too."""
    tail = entry_id.strip()
    tail = re.sub(r"^https?://[^/]+/(abs|pdf)/", "", tail)
    tail = re.sub(r"\.pdf$", "", tail)
    for pattern in (_NEW_ID, _OLD_ID):
        m = pattern.search(tail)
        if m:
            return m.group("id"), int(m.group("v") or 1)
    raise ValueError(f"not an arXiv identifier: {entry_id!r}")


@dataclass
class PaperMeta:
    arxiv_id: str
    version: int
    title: str
    authors: list[str]
    abstract: str
    categories: list[str]
    primary_category: str | None
    published: datetime | None
    updated: datetime | None
    pdf_url: str | None
    doi: str | None = None
    tasks: set[str] = field(default_factory=set)

    @classmethod
    def from_result(cls, result: arxiv.Result) -> "PaperMeta":
        arxiv_id, version = split_arxiv_id(result.entry_id)
        return cls(
            arxiv_id=arxiv_id,
            version=version,
            title=" ".join((result.title or "").split()),
            authors=[a.name for a in result.authors],
            abstract=" ".join((result.summary or "").split()),
            categories=list(result.categories),
            primary_category=result.primary_category or None,
            published=result.published,
            updated=result.updated,
            pdf_url=result.pdf_url,
            doi=result.doi or None,
        )


class PoliteRetry(Retry):
    """urllib3's Retry, keeping arXiv's terms between tries: each retry waits at least `min_wait` s
    (the API delay) even when Retry-After or the backoff says less, takes a slot of the cross-process
    limit, and is logged. Retry-After is capped (a server asking for an hour gets MAX_RETRY_AFTER)."""

    def __init__(self, *args, min_wait: float = 0.0, **kwargs):
        kwargs.setdefault("retry_after_max", MAX_RETRY_AFTER_SECONDS)
        super().__init__(*args, **kwargs)
        self.min_wait = min_wait

    def new(self, **kw) -> "PoliteRetry":
        retry = super().new(**kw)
        retry.min_wait = self.min_wait
        return retry

    def sleep(self, response=None) -> None:
        last = self.history[-1] if self.history else None
        cause = (f"HTTP {last.status}" if last and last.status else
                 short_cause(last.error) if last and last.error else "no answer")
        log.warning("arXiv request failed (%s); retrying", cause)
        started = time.monotonic()
        super().sleep(response)
        rest = self.min_wait - (time.monotonic() - started)
        if rest > 0:
            time.sleep(rest)
        pass_cross_process_gate()


def retry_policy(retries: int, backoff: float, min_wait: float) -> PoliteRetry:
    """The one retry policy of the API: `retries` retries after the first try, whatever failed."""
    return PoliteRetry(total=retries, connect=retries, read=retries, status=retries, other=retries,
                       redirect=5, status_forcelist=RETRY_STATUSES, allowed_methods=frozenset({"GET", "HEAD"}),
                       backoff_factor=backoff, respect_retry_after_header=True, raise_on_status=True,
                       min_wait=min_wait)


class PoliteSession(requests.Session):
    """The session the `arxiv` Client sends every API request through: a timeout, our User-Agent, one
    connection at a time spaced by `delay` (sources/rate_limit), and the only retry layer.

    Retries: urllib3 `Retry` mounted on the session owns failures it can see (connection errors,
    timeouts, 429/5xx with Retry-After). A 200 whose body is not a usable feed (not XML, or no entry
    although the feed counts results from this offset on) is re-requested here with a copy of the same
    policy. The `arxiv` Client gets num_retries=0 and the Prefect task no retries, so a 503 that never
    ends costs exactly 1 + num_retries requests."""

    def __init__(self, *, user_agent: str, timeout: float, retries: int, backoff: float = 2.0,
                 spacer: RequestSpacer | None = None, delay: float = 0.0):
        super().__init__()
        self.spacer = spacer or RequestSpacer(delay)
        self.user_agent = user_agent
        self.timeout = timeout
        self.retries = retries
        self.policy = retry_policy(retries, backoff, min_wait=delay)
        adapter = HTTPAdapter(max_retries=self.policy)
        self.mount("http://", adapter)
        self.mount("https://", adapter)

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - requests' signature
        kwargs.setdefault("timeout", self.timeout)
        headers = dict(kwargs.pop("headers", None) or {})
        headers = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
        headers["User-Agent"] = self.user_agent
        policy = self.policy
        while True:
            try:
                with polite_turn(self.spacer):
                    response = super().request(method, url, *args, headers=headers, **kwargs)
            except requests.RequestException as exc:
                raise ArxivUnavailable(f"arXiv API at {_host(url)}: {short_cause(exc)} "
                                       f"after {self.retries + 1} tries") from exc
            problem = feed_problem(response, url) if response.status_code == 200 else None
            if problem is None:
                return response
            try:
                # The arxiv package would read such a page as "no (more) results": the query would end
                # early and the watermark move past papers never seen.
                policy = policy.increment(method, url, error=BadFeed(problem))
            except MaxRetryError:
                raise MalformedFeedError(f"arXiv API at {_host(url)}: {problem} "
                                         f"after {self.retries + 1} tries") from None
            log.warning("arXiv sent %s; retrying", problem)
            time.sleep(policy.get_backoff_time())  # the next turn also waits for the spacing and the gate


class ArxivUnavailable(requests.RequestException):
    """The API did not answer usefully within the retries; one line naming the host and the cause."""


class MalformedFeedError(ArxivUnavailable):
    """arXiv kept answering 200 with a body that is not a usable page; the query fails instead of
    looking empty."""


class BadFeed(Exception):
    """A 200 response whose body cannot be a page of these results (counted as an `other` retry)."""


_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"


def feed_problem(response: requests.Response, url: str) -> str | None:
    """Why this 200 body is not a usable page of results, or None. An empty page is usable only
    when the feed's total says there is nothing at this offset."""
    try:
        root = ElementTree.fromstring(response.content)
    except ElementTree.ParseError:
        return "malformed feed (not XML)"
    if root.find(f"{_ATOM}entry") is not None:
        return None
    total_text = root.findtext(f"{_OPENSEARCH}totalResults") or "0"
    try:
        total = int(total_text.strip())
    except ValueError:
        return f"malformed feed (totalResults {total_text!r})"
    start = int((parse_qs(urlsplit(url).query).get("start") or ["0"])[0] or 0)
    if total > start:
        return f"a page with no entries at offset {start} of {total} results"
    return None


def _host(url: str) -> str:
    parts = urlsplit(url)
    return parts.netloc or url


_ERRNO_TEXT = re.compile(r"\[Errno -?\d+\] ([^)'\"]+)")


def short_cause(exc: BaseException | None) -> str:
    """'Connection refused', 'HTTP 503', 'timed out': the gist of a requests/urllib3 failure."""
    if exc is None:
        return "unknown error"
    if isinstance(exc, requests.exceptions.RetryError) or "too many" in str(exc) and "error responses" in str(exc):
        m = re.search(r"too many (\d{3}) error responses", str(exc))
        return f"HTTP {m.group(1)}" if m else "too many error responses"
    if isinstance(exc, (requests.Timeout, TimeoutError)) or "timed out" in str(exc).lower():
        return "timed out"
    m = _ERRNO_TEXT.search(str(exc))
    if m:
        return m.group(1).strip()
    if "Failed to resolve" in str(exc) or "Name or service not known" in str(exc):
        return "host name not resolved"
    return exc.__class__.__name__


_clients: dict[tuple, arxiv.Client] = {}
_clients_lock = threading.Lock()

# The seam into the `arxiv` package: Client sends every request through `Client._session`
# (a requests.Session) in the versions pyproject allows (arxiv>=4.0,<5, the tested range).
# tests/faults/test_fault_arxiv_api.py::test_every_request_of_the_client_goes_through_our_session
# fails if an upgrade stops using it.
SESSION_ATTRIBUTE = "_session"


def get_client(settings: ArxivSettings) -> arxiv.Client:
    """The process's one Client for this API URL and settings (its rate limit is per instance)."""
    key = (settings.api_url, settings.page_size, settings.delay_seconds, settings.num_retries,
           settings.timeout_seconds, settings.user_agent)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            # The package's own retries are immediate and its spacing is per instance; ours (the
            # session) back off, keep the spacing and are shared by every client of the process.
            client = arxiv.Client(page_size=settings.page_size, delay_seconds=0, num_retries=0)
            client.query_url_format = settings.api_url + "?{}"
            spacer = spacer_for(host_group(settings.api_url, settings.api_url), settings.delay_seconds)
            setattr(client, SESSION_ATTRIBUTE, PoliteSession(
                user_agent=settings.user_agent, timeout=settings.timeout_seconds, retries=settings.num_retries,
                spacer=spacer, delay=settings.delay_seconds))
            _clients[key] = client
        return client


def _quote(term: str) -> str:
    term = term.replace('"', "")
    return f'"{term}"' if " " in term else term


DATE_FIELDS = ("submittedDate", "lastUpdatedDate")


def build_query(task: Task, start: date, end: date, date_field: str = "submittedDate") -> str:
    """arXiv search_query for a task within a date window (both days inclusive). `submittedDate` finds
    new papers; `lastUpdatedDate` also finds new versions of older ones."""
    if date_field not in DATE_FIELDS:
        raise ValueError(f"date_field must be one of {DATE_FIELDS}")
    cats = " OR ".join(f"cat:{c}" for c in task.query.categories)
    terms = " OR ".join(f"abs:{_quote(t)}" for t in task.query.terms)
    window = f"{date_field}:[{start:%Y%m%d}0000 TO {end:%Y%m%d}2359]"
    return f"({cats}) AND ({terms}) AND {window}"


def search_task(client: arxiv.Client, task: Task, start: date, end: date,
                max_results: int | None, date_field: str = "submittedDate") -> Iterator[PaperMeta]:
    """Papers of one task in [start, end], oldest first (by the same date field) so a watermark can
    advance safely. The client pages through the results, `page_size` per request."""
    sort = (arxiv.SortCriterion.SubmittedDate if date_field == "submittedDate"
            else arxiv.SortCriterion.LastUpdatedDate)
    search = arxiv.Search(query=build_query(task, start, end, date_field), max_results=max_results,
                          sort_by=sort, sort_order=arxiv.SortOrder.Ascending)
    for result in client.results(search):
        yield PaperMeta.from_result(result)
