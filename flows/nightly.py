"""The nightly run: ingest -> download -> extract -> refit, each a subflow with its own record.

The whole run holds the database's run lock (db/lock.py): a manual run started while the scheduled
one is going stops at once with RunLocked instead of doing the same work twice."""
from __future__ import annotations

from datetime import date

from prefect import flow

from db.lock import run_lock
from flows.startup import load_context
from flows.download import download_flow
from flows.extract import extract_flow
from flows.ingest import ingest_flow
from flows.refit import refit_flow


@flow(name="nightly", log_prints=True)
def nightly_flow(config_path: str | None = None, database_url: str | None = None,
                 tasks: list[str] | None = None, start: date | None = None, end: date | None = None,
                 max_results: int | None = None) -> dict:
    _, url = load_context(config_path, database_url)
    with run_lock(url):
        found = ingest_flow(config_path, database_url, tasks=tasks, start=start, end=end, max_results=max_results)
        downloaded = download_flow(config_path, database_url)
        extracted = extract_flow(config_path, database_url)
        fits = refit_flow(config_path, database_url)
    return {"ingest": found, "download": downloaded, "extract": extracted, "fits": len(fits)}
