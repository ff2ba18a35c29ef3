"""Politeness and giving up (issues 15.5, 14.6): PDFs from arXiv's hosts are spaced like API requests,
`delay_seconds` below arXiv's 3 s is refused for arXiv, an unreachable API ends in one line naming the
host and the cause, and `progress download` fails when every download failed."""
from __future__ import annotations

import socket
from datetime import date

import pytest
import yaml
from typer.testing import CliRunner

import cli.main
from fault_helpers import REPO_CONFIG, task_papers, write_config
from settings.config import ConfigError, load_config
from sources.rate_limit import host_group
from standin.server import StandIn

TASK = "image_classification"
RUNNER = CliRunner()


def closed_port() -> int:
    """A loopback port nobody listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def progress(config_path, *args):
    return RUNNER.invoke(cli.main.app, ["--config", str(config_path), *args])


@pytest.mark.parametrize("api_url, delay, refused", [
    ("https://export.arxiv.org/api/query", 0.0, True),
    ("https://export.arxiv.org/api/query", 2.9, True),
    ("http://export.arxiv.org/api/query", 1, True),
    ("https://export.arxiv.org/api/query", 3.0, False),
    ("http://127.0.0.1:8000/api/query", 0.0, False),
    ("http://localhost:8000/api/query", 0.5, False),
])
def test_delay_below_arxivs_terms_is_refused_for_arxiv_only(tmp_path, api_url, delay, refused):
    data = yaml.safe_load(REPO_CONFIG.read_text())
    data["arxiv"].update(api_url=api_url, delay_seconds=delay)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    if refused:
        with pytest.raises(ConfigError, match=r"bad value for 'arxiv.delay_seconds': .*below arXiv's 3 s"):
            load_config(path)
    else:
        assert load_config(path).arxiv.delay_seconds == delay


def test_arxiv_hosts_share_one_spacer_and_other_hosts_none():
    api = "https://export.arxiv.org/api/query"
    assert host_group("https://arxiv.org/pdf/2101.00001v1", api) == "arxiv"
    assert host_group("http://export.arxiv.org/pdf/2101.00001v1", api) == "arxiv"
    assert host_group("https://example.org/paper.pdf", api) is None
    assert host_group("https://notarxiv.org/x.pdf", api) is None
    stand_in = "http://127.0.0.1:5555/api/query"
    assert host_group("http://127.0.0.1:5555/pdf/1v1", stand_in) == "127.0.0.1:5555"
    assert host_group("http://127.0.0.1:6666/pdf/1v1", stand_in) is None


def test_pdf_downloads_from_the_api_host_are_spaced_one_at_a_time(prefect_harness, tmp_path):
    # Before: two downloads at a time, 0.0 s apart.
    from flows.download import download_flow
    from flows.ingest import ingest_flow

    delay = 0.4
    with StandIn(papers=task_papers(TASK)) as stand_in:
        config = write_config(tmp_path, stand_in.api_url, download={"max_concurrent": 2})
        ingest_flow(config_path=str(config), tasks=[TASK], start=date(2012, 1, 1), end=date(2025, 12, 31))
        data = yaml.safe_load(config.read_text())
        data["arxiv"]["delay_seconds"] = delay
        config.write_text(yaml.safe_dump(data))
        stand_in.clear_requests()
        counts = download_flow(config_path=str(config))
        pdfs = stand_in.pdf_requests
    assert counts["downloaded"] == len(task_papers(TASK)) >= 3
    times = sorted(r.time for r in pdfs)
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert min(gaps) >= delay - 0.02, gaps


def test_offline_ingest_gives_up_with_one_line_naming_host_and_cause(prefect_harness, tmp_path):
    port = closed_port()
    config = write_config(tmp_path, f"http://127.0.0.1:{port}/api/query", arxiv={"num_retries": 2})
    result = progress(config, "ingest", "--task", TASK)
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if "error:" in line]
    assert len(lines) == 1, result.output
    assert f"arXiv API at 127.0.0.1:{port}: Connection refused after 3 tries" in lines[0]


def test_download_exits_non_zero_when_every_download_failed(prefect_harness, tmp_path):
    # Before: `progress download` printed {'failed': N} and exited 0.
    from flows.ingest import ingest_flow

    papers = task_papers(TASK)[:3]
    with StandIn(papers=papers) as stand_in:
        config = write_config(tmp_path, stand_in.api_url)
        ingest_flow(config_path=str(config), tasks=[TASK], start=date(2012, 1, 1), end=date(2025, 12, 31))
        for paper in papers:  # withdrawn: every PDF link answers 404 (a permanent failure, no retries)
            stand_in.remove_paper(paper.arxiv_id)
        result = progress(config, "download")
    assert result.exit_code == 1, result.output
    assert "every download failed (3)" in result.output


def test_download_max_bytes_reaches_the_extraction_pool(prefect_harness, tmp_path):
    # issue 15.5: the pool always used its own 60 MB default, whatever download.max_bytes said.
    from sqlalchemy import select

    from db.engine import session_scope
    from flows.download import download_flow
    from flows.extract import extract_flow
    from flows.ingest import ingest_flow
    from models import Paper, PaperStatus

    papers = task_papers(TASK)[:2]
    with StandIn(papers=papers) as stand_in:
        config = write_config(tmp_path, stand_in.api_url, extraction={"timeout_seconds": 61})
        ingest_flow(config_path=str(config), tasks=[TASK], start=date(2012, 1, 1), end=date(2025, 12, 31))
        download_flow(config_path=str(config))
    data = yaml.safe_load(config.read_text())
    data["download"]["max_bytes"] = 1000  # smaller than any cached PDF: a PDF put in the cache by hand
    config.write_text(yaml.safe_dump(data))
    extract_flow(config_path=str(config))
    with session_scope(load_config(config).database_url) as s:
        rows = s.execute(select(Paper)).scalars().all()
        assert {p.status for p in rows} == {PaperStatus.parked}
        assert all("over the 1,000-byte limit" in p.status_reason for p in rows)
