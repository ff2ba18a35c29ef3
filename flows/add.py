"""Add: local PDFs (a researcher's folder, a mirror of arXiv's bulk PDFs) as papers, then the usual
extract and refit. Orchestration only: the steps are sources/local_pdfs.py and db/local_papers.py,
extraction and refit are the existing flows (run as subflows)."""
from __future__ import annotations

from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE

from db.engine import session_scope
from usecases.local_papers import added_summary, assign_result_tasks, known_checksums, newest_per_paper, record_local_papers
from db.runs import finish_run, start_run
from flows.startup import load_context
from flows.extract import extract_flow
from flows.refit import refit_flow
from settings.config import Config
from sources.local_pdfs import (LocalPdf, Problem, fetch_metadata, find_pdfs, inspect_pdf, place_in_cache, sha256_of,
                                tasks_named)


@task(name="inspect-pdfs", cache_policy=NO_CACHE)
def inspect_task(config: Config, url: str, files: list[Path]) -> tuple[list[LocalPdf], list[Problem], list[int]]:
    """Identity of every file the database does not have yet; returns (items, problems, the paper ids
    of the files it has).
    A file whose checksum a paper already has is not parsed again: re-adding a mirror stays cheap."""
    checksums, problems = {}, []
    for path in files:
        try:
            checksums[path] = sha256_of(path)
        except OSError as exc:
            problems.append(Problem(str(path), f"cannot read: {exc.strerror or exc}"))
    with session_scope(url) as session:
        known = known_checksums(session, list(checksums.values()))
    items = []
    for path, digest in checksums.items():
        if digest in known:
            continue
        outcome = inspect_pdf(path, max_pages=config.extraction.max_pages, max_bytes=config.download.max_bytes,
                              sha256=digest)
        (problems if isinstance(outcome, Problem) else items).append(outcome)
    for item in items:
        item.tasks = tasks_named(item.identity, config)
    return items, problems, [known[d] for d in checksums.values() if d in known]


@task(name="arxiv-metadata", cache_policy=NO_CACHE)
def metadata_task(config: Config, items: list[LocalPdf]) -> tuple[int, str | None]:
    return fetch_metadata(items, config.arxiv)


@task(name="record-local-papers", cache_policy=NO_CACHE)
def record_task(config: Config, url: str, items: list[LocalPdf], reference: bool):
    placed = [(item, place_in_cache(item, config.pdf_cache, reference=reference)) for item in items]
    with session_scope(url) as session:
        return record_local_papers(session, placed)


@flow(name="add", log_prints=True)
def add_flow(paths: list[str], config_path: str | None = None, database_url: str | None = None,
             reference: bool = False, lookup: bool = True, refit: bool = True) -> dict:
    """Add the PDFs under `paths`. `reference` leaves the files where they are instead of copying them
    into the cache; `lookup` asks arXiv's API for the metadata of papers with an id."""
    config, url = load_context(config_path, database_url)
    logger = get_run_logger()
    run_id = start_run(url, "add", {"paths": [str(p) for p in paths], "reference": reference, "lookup": lookup})
    try:
        files, problems = find_pdfs(paths)
        items, unreadable, known_files = inspect_task(config, url, files)
        problems += unreadable
        kept, older = newest_per_paper(items)
        problems += [Problem(str(i.path), f"another file of {i.key} (v{i.version}) is older than the one added")
                     for i in older]
        answered, metadata_note = metadata_task(config, kept) if lookup else (0, "arXiv look-up off (--no-lookup)")
        counts = record_task(config, url, kept, reference)
        counts.unchanged += len(known_files)
        counts.paper_ids = list(dict.fromkeys(counts.paper_ids + known_files))
        extracted = extract_flow(config_path=config_path, database_url=database_url)
        with session_scope(url) as session:
            counts.tasks += assign_result_tasks(session, counts.paper_ids)
            described = added_summary(session, counts.paper_ids)
        fits = refit_flow(config_path=config_path, database_url=database_url) if refit else []
    except Exception as exc:
        finish_run(url, run_id, counts={}, error=f"{exc.__class__.__name__}: {exc}")
        raise
    summary = {"files": len(files) + sum(1 for p in problems if p.reason == "no such file or folder"),
               "pdfs": len(items) + len(known_files), **counts.as_dict(), **described,
               "metadata_from_arxiv": answered, "metadata_note": metadata_note,
               "extract": extracted, "fits": len(fits),
               "problems": [str(p) for p in problems]}
    finish_run(url, run_id, counts={k: v for k, v in summary.items() if isinstance(v, int)})
    for problem in problems:
        logger.warning("skipped %s", problem)
    logger.info("add: %s", {k: v for k, v in summary.items() if k != "problems"})
    return summary
