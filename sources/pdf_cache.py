"""PDF cache: one file per arXiv id + version, downloaded once, checksummed, written atomically.

A download streams into `<name>.part` and resumes from there with an HTTP Range request after a
dropped connection; only a complete file with a PDF header is renamed into place, and its sha256 is
written beside it. A file that is already cached (and matches its checksum) is never fetched again.
A `<name>.lock` beside it makes concurrent fetches of one paper (two runs at once) take turns.
HTTP goes through `requests` (the one HTTP client of the project; the `arxiv` package needs it anyway).
The caller may pass `turn`, a context manager held around each request (flows/download passes arXiv's
spacing for PDFs from arXiv's hosts).
"""
from __future__ import annotations

import hashlib
import os
import re
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterator

import requests
import urllib3

_SAFE = re.compile(r"[^A-Za-z0-9._-]")
_MAX_NAME = 120  # file systems refuse names over 255 bytes; real arXiv ids are far shorter
_CHUNK = 1 << 16


class DownloadError(Exception):
    """A download that failed. `transient` ones (network, 5xx, 429) are worth retrying."""

    def __init__(self, reason: str, *, transient: bool):
        super().__init__(reason)
        self.reason = reason
        self.transient = transient


@dataclass
class CachedPdf:
    path: Path
    sha256: str
    size: int
    downloaded: bool  # False when the cache already had it


def cache_path(cache_dir: Path, arxiv_id: str, version: int) -> Path:
    """Where a paper's PDF lives. Old-style ids ('hep-th/9901001') and odd characters are flattened,
    and the result is checked to stay inside the cache folder."""
    if not arxiv_id or version < 1:
        raise ValueError(f"bad arXiv id/version: {arxiv_id!r} v{version}")
    name = _SAFE.sub("_", arxiv_id.replace("/", "_")).lstrip(".") or "_"
    if len(name) > _MAX_NAME:  # keep it distinct from other long ids that share the prefix
        name = f"{name[:_MAX_NAME - 17]}-{hashlib.sha256(arxiv_id.encode()).hexdigest()[:16]}"
    root = Path(cache_dir).resolve()
    path = (root / f"{name}v{int(version)}.pdf").resolve()
    if path.parent != root:
        raise ValueError(f"arXiv id {arxiv_id!r} would leave the cache folder")
    return path


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _checksum_file(path: Path) -> Path:
    return path.with_name(path.name + ".sha256")


def cached(path: Path) -> CachedPdf | None:
    """The cached file if it is complete and matches its recorded checksum."""
    sidecar = _checksum_file(path)
    if not (path.is_file() and sidecar.is_file()):
        return None
    recorded = sidecar.read_text().strip()
    actual = sha256_of(path)
    if recorded != actual:
        return None
    return CachedPdf(path, actual, path.stat().st_size, downloaded=False)


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    os.replace(tmp, path)


@contextmanager
def _exclusive(dest: Path) -> Iterator[None]:
    """Hold `<name>.lock` while fetching: two runs (or threads) fetching the same paper would both
    append to one `.part` file and cache a corrupt PDF under a checksum of the corruption. The lock
    file is removed by its holder, so a waiter re-checks that it locked the file still in place."""
    import fcntl

    path = dest.with_name(dest.name + ".lock")
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits for the other fetch, bounded by its own timeouts
        try:
            current = os.stat(path).st_ino == os.fstat(fd).st_ino
        except FileNotFoundError:
            current = False
        if current:
            break
        os.close(fd)  # we locked a file its holder had already removed: take the new one
    try:
        yield
    finally:
        path.unlink(missing_ok=True)
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def download_pdf(url: str, dest: Path, *, timeout: float, max_bytes: int, user_agent: str,
                 session: requests.Session | None = None,
                 turn: Callable[[], AbstractContextManager] | None = None) -> CachedPdf:
    """Fetch `url` into `dest` unless it is cached already. Raises DownloadError with a reason."""
    hit = cached(dest)
    if hit:
        return hit
    dest.parent.mkdir(parents=True, exist_ok=True)
    with _exclusive(dest):
        return cached(dest) or _fetch(url, dest, timeout=timeout, max_bytes=max_bytes, user_agent=user_agent,
                                      session=session, turn=turn or nullcontext)


def _fetch(url: str, dest: Path, *, timeout: float, max_bytes: int, user_agent: str,
           session: requests.Session | None, turn: Callable[[], AbstractContextManager]) -> CachedPdf:
    part = dest.with_name(dest.name + ".part")
    own_session = session is None
    session = session or requests.Session()
    try:
        with turn():
            _stream_into(session, url, part, max_bytes, timeout=timeout, user_agent=user_agent)
    finally:
        if own_session:
            session.close()
    with part.open("rb") as fh:
        head = fh.read(1024)
    if b"%PDF-" not in head:
        part.unlink(missing_ok=True)
        kind = "an HTML page" if b"<html" in head.lower() or b"<!doctype" in head.lower() else "not a PDF"
        raise DownloadError(f"server sent {kind} instead of a PDF ({url})", transient=False)
    digest = sha256_of(part)
    size = part.stat().st_size
    os.replace(part, dest)  # atomic: readers see no file or the whole file
    _write_atomically(_checksum_file(dest), digest + "\n")
    return CachedPdf(dest, digest, size, downloaded=True)


def body_chunks(response: requests.Response) -> Iterator[bytes]:
    """The body as it arrives (read1, not read(n)): a dropped connection loses no byte received so
    far, so the next attempt resumes exactly there."""
    while True:
        chunk = response.raw.read1(_CHUNK, decode_content=True)
        if not chunk:
            return
        yield chunk


def _stream_into(session: requests.Session, url: str, part: Path, max_bytes: int, *, timeout: float,
                 user_agent: str) -> None:
    """Append the body to `part`, resuming after whatever an earlier attempt left there."""
    have = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": user_agent, **({"Range": f"bytes={have}-"} if have else {})}
    try:
        with session.get(url, headers=headers, stream=True, timeout=timeout, allow_redirects=True) as response:
            status = response.status_code
            if status == 416:  # our partial file is already complete (or the server disagrees): restart
                part.unlink(missing_ok=True)
                raise DownloadError(f"range not satisfiable for {url}; restarting", transient=True)
            if status in (429, 500, 502, 503, 504):
                raise DownloadError(f"HTTP {status} from {url}", transient=True)
            if status >= 400:
                raise DownloadError(f"HTTP {status} from {url}", transient=False)
            if status == 200 and have:
                have = 0  # the server ignored Range: start over
            declared = response.headers.get("Content-Length")
            if declared and have + int(declared) > max_bytes:
                raise DownloadError(f"PDF is {have + int(declared):,} bytes, over the {max_bytes:,}-byte limit",
                                    transient=False)
            mode = "ab" if have else "wb"
            written = have
            with part.open(mode) as fh:
                for chunk in body_chunks(response):
                    written += len(chunk)
                    if written > max_bytes:
                        raise DownloadError(f"PDF exceeds the {max_bytes:,}-byte limit", transient=False)
                    fh.write(chunk)
                fh.flush()
                os.fsync(fh.fileno())
            if declared and written != have + int(declared):
                # The connection ended early without an error from the client: keep the part, resume later.
                raise DownloadError(f"download of {url} ended after {written:,} of {have + int(declared):,} bytes",
                                    transient=True)
    except DownloadError as exc:
        if not exc.transient:
            part.unlink(missing_ok=True)
        raise
    except (requests.RequestException, urllib3.exceptions.HTTPError, OSError) as exc:
        # Keep the partial file: the next attempt resumes with a Range request.
        raise DownloadError(f"download of {url} interrupted: {exc.__class__.__name__}: {exc}", transient=True) from exc
