"""Download: fetch every found paper's PDF into the cache (once), a few at a time.

PDFs from arXiv's hosts (and from the configured API's host, e.g. the loopback stand-in) follow arXiv's
terms like the API does: one request every `arxiv.delay_seconds`, one connection at a time, sharing the
API's spacer (sources/rate_limit). Other hosts are fetched `download.max_concurrent` at a time."""
from __future__ import annotations

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.task_runners import ThreadPoolTaskRunner

from db.engine import session_scope
from db.runs import finish_run, start_run
from usecases.paper_stages import mark_downloaded, mark_failed, papers_to_download
from flows.startup import load_context
from settings.config import Config
from sources.pdf_cache import DownloadError, cache_path, download_pdf
from sources.rate_limit import host_group, polite_turn, spacer_for


def polite_turn_for(config: Config, url: str):
    """The turn a request to `url` waits for: arXiv's spacing for its hosts, none elsewhere."""
    key = host_group(url, config.arxiv.api_url)
    spacer = spacer_for(key, config.arxiv.delay_seconds) if key else None
    return lambda: polite_turn(spacer)


@task(name="download-pdf", retries=2, retry_delay_seconds=[5, 30], cache_policy=NO_CACHE,
      retry_condition_fn=lambda task, run, state: _is_transient(state))
def fetch_task(config: Config, arxiv_id: str, version: int, pdf_url: str | None):
    if not pdf_url:
        raise DownloadError("arXiv gave no PDF link for this paper", transient=False)
    try:
        dest = cache_path(config.pdf_cache, arxiv_id, version)
    except ValueError as exc:  # an id that cannot name a file in the cache: no retry will fix it
        raise DownloadError(str(exc), transient=False) from None
    return download_pdf(pdf_url, dest, timeout=config.download.timeout_seconds,
                        max_bytes=config.download.max_bytes, user_agent=config.arxiv.user_agent,
                        turn=polite_turn_for(config, pdf_url))


def _is_transient(state) -> bool:
    try:
        state.result()
    except DownloadError as exc:
        return exc.transient
    except Exception:  # noqa: BLE001 - unknown failures are worth a retry
        return True
    return False


@flow(name="download", log_prints=True)
def download_flow(config_path: str | None = None, database_url: str | None = None,
                  limit: int | None = None) -> dict:
    config, url = load_context(config_path, database_url)
    logger = get_run_logger()
    with session_scope(url) as session:
        todo = [(p.id, p.arxiv_id, p.version, p.pdf_url) for p in
                papers_to_download(session, config.pipeline.max_attempts)][:limit]
    run_id = start_run(url, "download", {"papers": len(todo)})
    counts = {"downloaded": 0, "cached": 0, "failed": 0}
    runner = ThreadPoolTaskRunner(max_workers=config.download.max_concurrent)
    with runner:
        futures = [(paper_id, arxiv_id, runner.submit(fetch_task, {
            "config": config, "arxiv_id": arxiv_id, "version": version, "pdf_url": pdf_url}))
            for paper_id, arxiv_id, version, pdf_url in todo]
        for paper_id, arxiv_id, future in futures:
            with session_scope(url) as session:
                try:
                    pdf = future.result(raise_on_failure=True)
                except DownloadError as exc:
                    mark_failed(session, paper_id, exc.reason, max_attempts=config.pipeline.max_attempts,
                                permanent=not exc.transient)
                    counts["failed"] += 1
                    logger.warning("%s: %s", arxiv_id, exc.reason)
                    continue
                except Exception as exc:  # noqa: BLE001 - recorded as the paper's reason, batch goes on
                    mark_failed(session, paper_id, f"download failed: {exc}", max_attempts=config.pipeline.max_attempts,
                                permanent=False)
                    counts["failed"] += 1
                    continue
                mark_downloaded(session, paper_id, pdf)
                counts["downloaded" if pdf.downloaded else "cached"] += 1
    finish_run(url, run_id, counts=counts)
    logger.info("download: %s", counts)
    return counts
