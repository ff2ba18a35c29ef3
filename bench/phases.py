"""The timed phases of the throughput benchmark, each meant to run in a fresh process.

A fresh process per phase keeps the figures honest: peak RSS (ru_maxrss only ever grows) belongs to
that phase alone, and no phase inherits another's warm caches or imported modules. One-off start-up
work (imports, spaCy pipeline, schema migration) is timed separately and left out of the throughput.

Every phase returns a plain dict (picklable, JSON-ready):
  papers, pages, failures, seconds, rss_mb, plus phase-specific parts (startup_s, db_s, ...).
"""
from __future__ import annotations

import hashlib
import os
import re
import resource
import time
from concurrent.futures import ThreadPoolExecutor, as_completed
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMIT_EVERY = 100  # papers per database transaction: bulk, but a crash loses little


class _Clock:
    """Wall and CPU seconds of a stretch of work. On a shared machine wall time includes waiting for
    a core; CPU time (this process only) does not, so both are reported."""

    def __init__(self) -> None:
        self.wall, self.cpu = time.perf_counter(), time.process_time()

    def stop(self) -> dict:
        return dict(seconds=time.perf_counter() - self.wall, cpu_s=time.process_time() - self.cpu)


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def _descendants() -> dict[int, str]:
    """/proc/<pid>/stat text of this process's living descendants. Extraction workers are
    grandchildren (forked by the forkserver), so RUSAGE_CHILDREN would not see them."""
    stats: dict[int, str] = {}
    for path in Path("/proc").glob("[0-9]*/stat"):
        try:
            stats[int(path.parent.name)] = path.read_text()
        except (OSError, ValueError):
            continue
    # The command name may contain spaces: fields are counted after its closing ")"; ppid is the 2nd.
    parents = {pid: int(text.rsplit(")", 1)[1].split()[1]) for pid, text in stats.items()}
    own = {os.getpid()}
    while True:
        found = {pid for pid, ppid in parents.items() if ppid in own} - own
        if not found:
            break
        own |= found
    return {pid: stats[pid] for pid in own - {os.getpid()}}


_TICKS = os.sysconf("SC_CLK_TCK")


def _descendants_cpu_s() -> float:
    """CPU seconds (user + system) used so far by the living descendants together."""
    total = 0
    for text in _descendants().values():
        fields = text.rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
    return total / _TICKS


def _descendants_peak_rss_mb() -> float:
    """Largest peak RSS (VmHWM) among the living descendants."""
    peak = 0.0
    for pid in _descendants():
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            peak = max(peak, int(match.group(1)) / 1024)
    return peak


def floor(paths: list[str]) -> dict:
    """The floor: open each PDF and call plain page.get_text() on every page, nothing else."""
    import pymupdf

    pages = failures = 0
    clock = _Clock()
    for path in paths:
        try:
            with pymupdf.open(path) as doc:
                for page in doc:
                    page.get_text()
                    pages += 1
        except Exception:  # noqa: BLE001 - a damaged file counts as a failure, as extraction would
            failures += 1
    return dict(papers=len(paths), pages=pages, failures=failures, **clock.stop(), rss_mb=_rss_mb())


def _load_extractor():
    """Import the pipeline, build the spaCy pipeline, the chip matchers and the scorer's models once,
    as a warm extraction worker does (extractors.sandbox)."""
    from extractors import hardware
    from extractors.nlp import get_nlp
    from extractors.pipeline import extract_pdf
    from extractors.scoring.model import load_models

    get_nlp()
    hardware.warm_up()
    load_models()
    return extract_pdf


def extract(paths: list[str], max_pages: int = 200) -> dict:
    """Our full extraction (text + every field extractor), one process, no database."""
    from extractors.records import ExtractionError

    start = time.perf_counter()
    extract_pdf = _load_extractor()
    startup = time.perf_counter() - start
    pages = failures = candidates = 0
    clock = _Clock()
    for path in paths:
        try:
            result = extract_pdf(path, max_pages=max_pages)
        except ExtractionError:
            failures += 1
            continue
        pages += result.pages
        candidates += len(result.candidates)
    return dict(papers=len(paths), pages=pages, failures=failures, candidates=candidates, **clock.stop(),
                startup_s=startup, rss_mb=_rss_mb())


class _Database:
    """A migrated SQLite file with one `downloaded` paper row per PDF, as ingest + download leave it."""

    def __init__(self, db_path: Path):
        from db.migrate import upgrade_to_head
        from settings.config import load_config

        self.url = f"sqlite:///{db_path}"
        start = time.perf_counter()
        upgrade_to_head(self.url)
        self.migrate_s = time.perf_counter() - start
        self.config = load_config(REPO / "config.yaml", database_url=self.url)
        self.seconds = 0.0  # time spent inside database calls

    def add_papers(self, paths: list[str]) -> list[int]:
        """Bulk-insert the paper rows (found + downloaded in one go) and return their ids in order."""
        from sqlalchemy import insert, select

        from db.engine import session_scope
        from models import Paper, PaperStatus, PaperTask

        rows = []
        for path in paths:
            data = Path(path).read_bytes()
            rows.append(dict(arxiv_id=Path(path).stem, version=1, title=Path(path).stem, source="arxiv",
                             status=PaperStatus.downloaded, attempts=0, pdf_path=path,
                             pdf_sha256=hashlib.sha256(data).hexdigest(), pdf_bytes=len(data)))
        start = time.perf_counter()
        with session_scope(self.url) as session:
            session.execute(insert(Paper), rows)
            ids = dict(session.execute(select(Paper.arxiv_id, Paper.id)).all())
            session.execute(insert(PaperTask), [dict(paper_id=ids[r["arxiv_id"]], task="benchmark") for r in rows])
        self.seconds += time.perf_counter() - start
        return [ids[r["arxiv_id"]] for r in rows]

    def store(self, batch: list[tuple[int, object]]) -> None:
        """Store a batch of (paper id, PaperExtraction | ExtractionError) in one transaction."""
        from db.engine import session_scope
        from usecases.paper_stages import mark_failed, store_extraction
        from extractors.records import ExtractionError

        start = time.perf_counter()
        with session_scope(self.url) as session:
            for paper_id, outcome in batch:
                if isinstance(outcome, ExtractionError):
                    mark_failed(session, paper_id, outcome.reason, max_attempts=3, permanent=True)
                else:
                    store_extraction(session, paper_id, outcome, self.config)
        self.seconds += time.perf_counter() - start


def extract_db(paths: list[str], db_path: str, max_pages: int = 200) -> dict:
    """Extraction plus the database writes the nightly extract flow does, one process."""
    from extractors.records import ExtractionError

    start = time.perf_counter()
    extract_pdf = _load_extractor()
    database = _Database(Path(db_path))
    startup = time.perf_counter() - start
    pages = failures = 0
    clock = _Clock()
    ids = database.add_papers(paths)
    batch: list[tuple[int, object]] = []
    for paper_id, path in zip(ids, paths):
        try:
            outcome = extract_pdf(path, max_pages=max_pages)
            pages += outcome.pages
        except ExtractionError as exc:
            outcome = exc
            failures += 1
        batch.append((paper_id, outcome))
        if len(batch) >= COMMIT_EVERY:
            database.store(batch)
            batch = []
    if batch:
        database.store(batch)
    return dict(papers=len(paths), pages=pages, failures=failures, **clock.stop(), db_s=database.seconds,
                startup_s=startup, migrate_s=database.migrate_s, rss_mb=_rss_mb(), db_rows=_row_counts(database.url))


def _row_counts(url: str) -> dict:
    from sqlalchemy import func, select

    from db.engine import session_scope
    from models import Extraction, Paper, PaperStatus, Result

    with session_scope(url) as session:
        return dict(
            extracted=session.scalar(select(func.count()).where(Paper.status == PaperStatus.extracted)),
            extractions=session.scalar(select(func.count()).select_from(Extraction)),
            results=session.scalar(select(func.count()).select_from(Result)))


def parallel(paths: list[str], db_path: str, workers: int, max_pages: int = 200, timeout_s: float = 120.0) -> dict:
    """The nightly shape on every core: `workers` extraction processes (extractors.sandbox, as the
    extract flow uses it) while this process writes each batch of outcomes to the database."""
    from extractors.sandbox import ExtractionPool

    start = time.perf_counter()
    database = _Database(Path(db_path))
    pool = ExtractionPool(workers=workers, timeout_seconds=timeout_s, max_pages=max_pages)
    # Start and warm every worker (imports, spaCy) before the clock starts: one tiny job each, at once.
    with ThreadPoolExecutor(max_workers=workers) as threads:
        list(threads.map(lambda p: pool.extract(p), paths[:workers]))
    startup = time.perf_counter() - start
    pages = failures = 0
    workers_cpu = _descendants_cpu_s()
    clock = _Clock()
    ids = database.add_papers(paths)
    batch: list[tuple[int, object]] = []
    # As many threads as workers, like the extract flow: each waits on one paper in a worker process.
    with ThreadPoolExecutor(max_workers=workers) as threads:
        futures = {threads.submit(pool.extract, path): paper_id for paper_id, path in zip(ids, paths)}
        for future in as_completed(futures):
            outcome = future.result()
            if hasattr(outcome, "pages"):
                pages += outcome.pages
            else:
                failures += 1
            batch.append((futures[future], outcome))
            if len(batch) >= COMMIT_EVERY:
                database.store(batch)
                batch = []
    if batch:
        database.store(batch)
    timing = clock.stop()  # cpu_s here is only this process's share: the database writes and waiting
    # Read before close(), while the workers are alive. Their CPU time shows what the wall time cannot
    # on a busy machine: how much of the cores the extraction itself needed.
    workers_cpu = _descendants_cpu_s() - workers_cpu
    worker_rss = _descendants_peak_rss_mb()
    pool.close()
    return dict(papers=len(paths), pages=pages, failures=failures, **timing, db_s=database.seconds,
                workers=workers, workers_cpu_s=workers_cpu, startup_s=startup, rss_mb=_rss_mb(),
                worker_rss_mb=worker_rss)
