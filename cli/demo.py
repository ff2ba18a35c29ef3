"""`progress demo`: the nightly pipeline, offline, on the bundled synthetic corpus.

A loopback arXiv stand-in serves the sample papers' Atom feeds and PDFs; the real `arxiv` client,
downloader, extractors, database and Prefect flows run against it exactly as they would against arXiv.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml
from rich.console import Console

from cli.context import AppContext


def demo_config(obj: AppContext, workdir: Path, api_url: str, delay: float) -> Path:
    """The user's config with the stand-in as endpoint and the demo's own database and cache."""
    data = obj.config.model_dump(mode="json", exclude={"source_path"})
    explicit_db = obj.database_url or os.environ.get("PROGRESS_DATABASE_URL")
    data["database_url"] = explicit_db or f"sqlite:///{(workdir / 'progress.sqlite').resolve()}"
    data["pdf_cache"] = str((workdir / "pdfs").resolve())
    data["report_dir"] = str((workdir / "report").resolve())
    data["arxiv"].update(api_url=api_url, delay_seconds=delay)
    data["window"] = {"start": "2012-01-01", "end": None}
    path = workdir / "demo-config.yaml"
    path.write_text("# Written by `progress demo`; points the pipeline at the loopback stand-in.\n"
                    + yaml.safe_dump(data, sort_keys=False))
    return path


def run_demo(obj: AppContext, workdir: Path, delay: float, console: Console) -> None:
    from cli.running import run_with_progress
    from cli.status import print_fits, print_status
    from flows.nightly import nightly_flow
    from standin.server import StandIn

    workdir.mkdir(parents=True, exist_ok=True)
    with StandIn() as stand_in:
        console.print(f"arXiv stand-in serving the sample corpus at {stand_in.api_url}")
        config_path = demo_config(obj, workdir, stand_in.api_url, delay)
        demo = AppContext(config_path=str(config_path))
        run_with_progress(demo, console, "nightly (demo)", nightly_flow, config_path=str(config_path))
    print_status(demo, console)
    print_fits(demo, console)
    console.print(f"\nDatabase: {demo.config.database_url}\nConfig used: {config_path}")
