"""One request to arXiv per configured delay, across every task, thread and process.

arXiv's terms (one request every 3 s, one connection at a time) hold for every request to its hosts:
API queries, their retries and PDF downloads share one spacer (`host_group`: arxiv.org and its
subdomains, plus the configured API's host, which plays arXiv when it is the loopback stand-in).
Two gates are passed before each request (see sources/arxiv_client.PoliteSession, flows/download):
- `RequestSpacer`, in the process: concurrent Prefect tasks are threads of one flow-run process, and
  the `arxiv` package's own spacing is per Client object and not thread-safe, so the process keeps
  one spacer per host group; its turn is held for the whole request (one connection at a time).
- an optional cross-process gate: a Prefect global concurrency limit used as a rate limit (limit 1,
  one slot decaying per `delay` seconds), so flow runs in different processes (a serve process and a
  worker, or two deployments) keep the spacing too. Prefect's `rate_limit` silently does nothing when
  the limit does not exist, so `ensure_prefect_rate_limit` creates it and the gate uses strict=True.
"""
from __future__ import annotations

import logging
import threading
import time
from contextlib import contextmanager
from typing import Callable, Iterator
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

ARXIV_RATE_LIMIT = "arxiv-api"
ARXIV_DOMAIN = "arxiv.org"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1"}

Gate = Callable[[], None]


class RequestSpacer:
    """Lets a caller through at most once per `delay` seconds, counted from the end of the previous
    request (as the `arxiv` package does), so latency never squeezes two arrivals closer together."""

    def __init__(self, delay: float):
        self.delay = delay
        self._lock = threading.Lock()
        self._next_allowed = 0.0

    @contextmanager
    def turn(self) -> Iterator[float]:
        """Hold the turn for one request; yields the seconds waited for it."""
        with self._lock:
            waited = max(0.0, self._next_allowed - time.monotonic())
            if waited:
                time.sleep(waited)
            try:
                yield waited
            finally:
                self._next_allowed = time.monotonic() + self.delay


_spacers: dict[str, RequestSpacer] = {}
_spacers_lock = threading.Lock()


def is_arxiv_host(url: str) -> bool:
    """arxiv.org or one of its subdomains (export.arxiv.org, the API; arxiv.org/pdf, the PDFs)."""
    host = (urlsplit(url).hostname or "").lower()
    return host == ARXIV_DOMAIN or host.endswith("." + ARXIV_DOMAIN)


def is_loopback(url: str) -> bool:
    return (urlsplit(url).hostname or "").lower() in LOOPBACK_HOSTS


def host_group(url: str, api_url: str) -> str | None:
    """The spacer key for a request to `url`: "arxiv" for arXiv's hosts, host:port of the configured
    API when `url` is on it (the stand-in plays arXiv, so it is spaced like arXiv), else None (a
    host arXiv's terms do not cover: no spacing)."""
    if is_arxiv_host(url):
        return "arxiv"
    parts, api = urlsplit(url), urlsplit(api_url)
    if parts.hostname and (parts.hostname, parts.port) == (api.hostname, api.port):
        return "arxiv" if is_arxiv_host(api_url) else f"{parts.hostname}:{parts.port}"
    return None


def spacer_for(key: str, delay: float) -> RequestSpacer:
    """The process's spacer for a host group (see `host_group`), with the latest configured delay."""
    with _spacers_lock:
        spacer = _spacers.get(key)
        if spacer is None:
            spacer = _spacers[key] = RequestSpacer(delay)
        spacer.delay = delay
        return spacer


_cross_process_gate: Gate | None = None


def set_cross_process_gate(gate: Gate | None) -> None:
    """Install (or remove, with None) the gate every API request in this process also passes."""
    global _cross_process_gate
    _cross_process_gate = gate


def pass_cross_process_gate() -> None:
    """Take a slot of the cross-process limit, if one is installed (a retry inside a turn does too)."""
    gate = _cross_process_gate
    if gate is not None:
        gate()


@contextmanager
def polite_turn(spacer: RequestSpacer | None) -> Iterator[None]:
    """Around one request: wait for this process's turn, then for a slot of the shared limit.
    None (a host outside arXiv's terms) passes at once."""
    if spacer is None:
        yield
        return
    with spacer.turn():
        pass_cross_process_gate()
        yield


def ensure_prefect_rate_limit(delay: float, name: str = ARXIV_RATE_LIMIT) -> bool:
    """Create or update the Prefect global limit `name` as "1 request per `delay` s". Returns False
    (and the caller keeps only the in-process spacing) when no Prefect API answers."""
    if delay <= 0:
        return False
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import GlobalConcurrencyLimitCreate, GlobalConcurrencyLimitUpdate
    from prefect.exceptions import ObjectNotFound

    decay = 1.0 / delay
    try:
        with get_client(sync_client=True) as client:
            try:
                current = client.read_global_concurrency_limit_by_name(name)
            except ObjectNotFound:
                client.create_global_concurrency_limit(
                    GlobalConcurrencyLimitCreate(name=name, limit=1, slot_decay_per_second=decay, active=True))
                return True
            if current.limit != 1 or abs((current.slot_decay_per_second or 0) - decay) > 1e-9 or not current.active:
                client.update_global_concurrency_limit(name, GlobalConcurrencyLimitUpdate(
                    limit=1, slot_decay_per_second=decay, active=True))
    except Exception as exc:  # noqa: BLE001 - no server: the in-process spacer still holds
        log.warning("no Prefect global rate limit %r (%s); spacing arXiv requests within this process only",
                    name, exc)
        return False
    return True


def prefect_rate_limit_gate(name: str = ARXIV_RATE_LIMIT) -> Gate:
    """A gate that takes one slot of the Prefect rate limit `name` (which must exist: strict)."""
    def gate() -> None:
        from prefect.concurrency.sync import rate_limit

        rate_limit(name, occupy=1, strict=True)

    return gate
