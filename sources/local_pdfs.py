"""Local PDFs as papers (`progress add`): a researcher's folder or a mirror of arXiv's bulk PDFs.

Steps, each a plain function the add flow orchestrates:
- `find_pdfs`: the files to look at (folders recursed, `*.pdf` in any case; files named explicitly are
  taken whatever their name);
- `inspect_pdf`: sha256 + extractors.identity (arXiv id from the stamp or the file name, title,
  authors, year, benchmarks named); a file that is not a PDF or is encrypted becomes a `Problem`;
- `fetch_metadata`: arXiv's API for the papers with an id, batched `id_list` queries through the
  process's polite client (sources/arxiv_client), with a short timeout and at most one retry: the
  metadata is a nicety, the PDF already has an id and a title. An unreachable API ends the look-ups;
- `tasks_named`: the configured tasks whose benchmarks the text names often enough;
- `place_in_cache`: the PDF copied into the cache under its id + version with its sha256 beside it
  (the cache's own format, so `sources.pdf_cache.cached` trusts it), or referenced where it is.
"""
from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import arxiv

from extractors.identity import PdfIdentity, identify_pdf
from extractors.records import ExtractionError
from settings.config import ArxivSettings, Config
from sources.arxiv_client import PaperMeta, get_client
from sources.pdf_cache import CachedPdf, cache_path, cached, sha256_of

LOCAL_SOURCE = "local"  # papers without an arXiv id; those with one are arXiv papers (source "arxiv")
METADATA_TIMEOUT_SECONDS = 10.0
METADATA_BATCH = 100  # ids per id_list request
# A task is named by a paper when its benchmarks are named at least this often outside the
# bibliography: one mention is usually a citation or an aside ("pretrained on ImageNet").
MIN_MENTIONS = 2


@dataclass(frozen=True)
class Problem:
    """A file that is skipped, with the reason (one line for the user)."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


@dataclass
class LocalPdf:
    path: Path
    sha256: str
    size: int
    identity: PdfIdentity
    meta: PaperMeta | None = None  # from arXiv's API, when it answered
    tasks: list[str] = field(default_factory=list)

    @property
    def key(self) -> str:
        """papers.arxiv_id: the arXiv id, else "local:<sha256 prefix>" (the same file is one paper)."""
        ref = self.identity.ref
        return ref.arxiv_id if ref else f"local:{self.sha256[:16]}"

    @property
    def version(self) -> int:
        ref = self.identity.ref
        if ref and ref.version:
            return ref.version
        return self.meta.version if self.meta else 1


def find_pdfs(paths: Iterable[str | Path]) -> tuple[list[Path], list[Problem]]:
    """Files to add, in a stable order, without duplicates; missing paths are problems."""
    found: list[Path] = []
    problems: list[Problem] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found += sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() == ".pdf")
        elif path.is_file():
            found.append(path)
        else:
            problems.append(Problem(str(path), "no such file or folder"))
    unique = list(dict.fromkeys(p.resolve() for p in found))
    return unique, problems


def inspect_pdf(path: Path, *, max_pages: int | None, max_bytes: int | None,
                sha256: str | None = None) -> LocalPdf | Problem:
    """One file's checksum and identity, or the reason it cannot be added."""
    try:
        size = path.stat().st_size
        if max_bytes is not None and size > max_bytes:
            return Problem(str(path), f"{size:,} bytes, over the {max_bytes:,}-byte limit")
        identity = identify_pdf(path, max_pages=max_pages)
        return LocalPdf(path=path, sha256=sha256 or sha256_of(path), size=size, identity=identity)
    except ExtractionError as exc:
        # The reader's messages start with the file name; the user sees the full path instead.
        reason = exc.reason
        return Problem(str(path), reason.split(": ", 1)[1] if reason.startswith(path.name + ": ") else reason)
    except OSError as exc:
        return Problem(str(path), f"cannot read: {exc.strerror or exc}")


def metadata_settings(settings: ArxivSettings) -> ArxivSettings:
    """The configured API with a short timeout and at most one retry."""
    return settings.model_copy(update={"timeout_seconds": min(settings.timeout_seconds, METADATA_TIMEOUT_SECONDS),
                                       "num_retries": min(settings.num_retries, 1)})


def fetch_metadata(items: list[LocalPdf], settings: ArxivSettings) -> tuple[int, str | None]:
    """Fill `meta` of the items with an arXiv id from arXiv's API; returns (papers answered, the
    reason the look-ups stopped, if they did). The version the PDF states is asked for, so title
    and dates match the file."""
    with_id = [item for item in items if item.identity.ref]
    if not with_id:
        return 0, None
    client = get_client(metadata_settings(settings))
    answered = 0
    for start in range(0, len(with_id), METADATA_BATCH):
        batch = with_id[start:start + METADATA_BATCH]
        ids = list(dict.fromkeys(_query_id(item) for item in batch))
        try:
            results = list(client.results(arxiv.Search(id_list=ids, max_results=len(ids))))
        except Exception as exc:  # noqa: BLE001 - unreachable, refused, malformed: the PDFs' own metadata stands
            return answered, f"arXiv API not reachable ({exc.__class__.__name__}); metadata taken from the PDFs"
        for result in results:
            try:
                meta = PaperMeta.from_result(result)
            except ValueError:  # an error entry instead of a paper
                continue
            for item in batch:
                if item.identity.ref.arxiv_id == meta.arxiv_id and item.meta is None:
                    item.meta = meta
                    answered += 1
    return answered, None


def _query_id(item: LocalPdf) -> str:
    ref = item.identity.ref
    return f"{ref.arxiv_id}v{ref.version}" if ref.version else ref.arxiv_id


def tasks_named(identity: PdfIdentity, config: Config, *, min_mentions: int = MIN_MENTIONS) -> list[str]:
    """Configured tasks whose benchmark datasets the paper names at least `min_mentions` times
    (summed over the task's datasets) outside its bibliography."""
    datasets_of = {name: {b.dataset.lower() for b in task.benchmarks} for name, task in config.tasks.items()}
    counts = {k.lower(): v for k, v in identity.datasets.items()}
    return [name for name, datasets in datasets_of.items()
            if sum(counts.get(d, 0) for d in datasets) >= min_mentions]


def place_in_cache(item: LocalPdf, cache_dir: Path, *, reference: bool = False) -> CachedPdf:
    """The PDF in the cache under its key + version (copied atomically, sha256 beside it), or, with
    `reference`, left where it is (its path and sha256 are recorded)."""
    if reference:
        return CachedPdf(item.path.resolve(), item.sha256, item.size, downloaded=False)
    dest = cache_path(cache_dir, item.key, item.version)
    hit = cached(dest)
    if hit and hit.sha256 == item.sha256:
        return hit
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    shutil.copyfile(item.path, part)
    os.replace(part, dest)
    sidecar = dest.with_name(dest.name + ".sha256")
    tmp = sidecar.with_name(sidecar.name + ".tmp")
    tmp.write_text(item.sha256 + "\n")
    os.replace(tmp, sidecar)
    return CachedPdf(dest, item.sha256, item.size, downloaded=True)
