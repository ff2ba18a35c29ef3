"""The arXiv API through the `arxiv` package, made polite and robust.

The package's Client rate-limits per instance, has no request timeout and retries without backoff. So:
- one Client per process and settings (`get_client`);
- its requests.Session is swapped for `PoliteSession`: a timeout on every call, our User-Agent with a
  contact address, one request at a time in the process, Retry-After honoured on 429/503 and
  exponential backoff on connection errors;
- the spacing between requests (arXiv: one every 3 s) is ours, not the package's: its per-instance,
  unlocked timer does not hold for concurrent tasks, so every request, retries included, passes the
  gates of sources/rate_limit (a per-process spacer, plus a Prefect global rate limit when a flow
  installed it).
"""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from email.utils import parsedate_to_datetime
from typing import Iterator
from xml.etree import ElementTree

import arxiv
import requests

from settings.config import ArxivSettings, Task
from sources.rate_limit import RequestSpacer, polite_turn, spacer_for

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


class PoliteSession(requests.Session):
    """A requests.Session with a timeout, a User-Agent, one call at a time, and patient retries."""

    _process_lock = threading.Lock()  # "one connection at a time" across every client in the process

    def __init__(self, *, user_agent: str, timeout: float, retries: int, backoff: float = 2.0,
                 spacer: RequestSpacer | None = None):
        super().__init__()
        self.spacer = spacer or RequestSpacer(0.0)
        self.user_agent = user_agent
        self.timeout = timeout
        self.retries = retries
        self.backoff = backoff

    def request(self, method, url, *args, **kwargs):  # noqa: D401 - requests' signature
        kwargs.setdefault("timeout", self.timeout)
        headers = dict(kwargs.pop("headers", None) or {})
        headers = {k: v for k, v in headers.items() if k.lower() != "user-agent"}
        headers["User-Agent"] = self.user_agent
        attempt = 0
        while True:
            try:
                with self._process_lock, polite_turn(self.spacer):
                    response = super().request(method, url, *args, headers=headers, **kwargs)
            except (requests.ConnectionError, requests.Timeout) as exc:
                if attempt >= self.retries:
                    raise
                wait = self.backoff * (2 ** attempt)
                log.warning("arXiv request failed (%s); retrying in %.1f s", exc.__class__.__name__, wait)
            else:
                if response.status_code == 200 and not _is_xml(response.content):
                    # The arxiv package only logs a malformed feed and reads it as "no results", which
                    # would end the query early and move the watermark past papers never seen.
                    if attempt >= self.retries:
                        raise MalformedFeedError(f"arXiv sent a malformed feed for {url} {self.retries + 1} times")
                    wait = self.backoff * (2 ** attempt)
                    log.warning("arXiv sent a malformed feed; retrying in %.1f s", wait)
                elif response.status_code not in RETRY_STATUSES or attempt >= self.retries:
                    return response
                else:
                    wait = retry_after_seconds(response.headers.get("Retry-After"), self.backoff * (2 ** attempt))
                    log.warning("arXiv answered HTTP %s; retrying in %.1f s", response.status_code, wait)
            attempt += 1
            time.sleep(wait)


class MalformedFeedError(requests.RequestException):
    """arXiv kept answering with a body that is not XML; the query fails instead of looking empty."""


def _is_xml(body: bytes) -> bool:
    try:
        ElementTree.fromstring(body)
    except ElementTree.ParseError:
        return False
    return True


def retry_after_seconds(header: str | None, default: float) -> float:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date), capped."""
    if not header:
        return default
    try:
        seconds = float(header)
    except ValueError:
        try:
            seconds = (parsedate_to_datetime(header) - datetime.now(timezone.utc)).total_seconds()
        except (TypeError, ValueError):
            return default
    return max(0.0, min(seconds, MAX_RETRY_AFTER_SECONDS))


_clients: dict[tuple, arxiv.Client] = {}
_clients_lock = threading.Lock()


def get_client(settings: ArxivSettings) -> arxiv.Client:
    """The process's one Client for this API URL and settings (its rate limit is per instance)."""
    key = (settings.api_url, settings.page_size, settings.delay_seconds, settings.num_retries,
           settings.timeout_seconds, settings.user_agent)
    with _clients_lock:
        client = _clients.get(key)
        if client is None:
            # The package's own retries are immediate and its spacing is per instance; ours (in the
            # session) back off and are shared by every client of the process, so it gets neither.
            client = arxiv.Client(page_size=settings.page_size, delay_seconds=0, num_retries=1)
            client.query_url_format = settings.api_url + "?{}"
            client._session = PoliteSession(user_agent=settings.user_agent, timeout=settings.timeout_seconds,
                                            retries=settings.num_retries,
                                            spacer=spacer_for(settings.api_url, settings.delay_seconds))
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
