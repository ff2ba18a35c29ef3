"""`progress demo`: the nightly pipeline, offline, on the bundled synthetic corpus.

A loopback arXiv stand-in serves the sample papers' Atom feeds and PDFs; the real `arxiv` client,
downloader, extractors, database and Prefect flows run against it exactly as they would against arXiv.
"""
from __future__ import annotations

import os
from pathlib import Path

import yaml
from rich.console import Console

from cli.app_state import AppContext, demo_database_instead, shown_url, sqlite_file

NEXT_COMMANDS = ("status", "fits", "review list", "report")


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

    obj.use_demo_database = False  # the demo writes its own database, never an earlier demo's
    workdir.mkdir(parents=True, exist_ok=True)
    with StandIn() as stand_in:
        console.print(f"arXiv stand-in serving the sample corpus at {stand_in.api_url}")
        config_path = demo_config(obj, workdir, stand_in.api_url, delay)
        demo = AppContext(config_path=str(config_path), use_demo_database=False)
        run_with_progress(demo, console, "nightly (demo)", nightly_flow, config_path=str(config_path))
    print_status(demo, console)
    print_fits(demo, console)
    # soft_wrap: a path is never broken inside a word at 80 columns
    console.print(f"\nDatabase: {shown_url(demo.config.database_url)}\nConfig used: {config_path}", soft_wrap=True,
                  highlight=False)
    console.print(next_steps(obj, demo.config.database_url), soft_wrap=True, highlight=False)


def next_steps(obj: AppContext, demo_url: str) -> str:
    """The commands to look at the demo's results, exactly as they reach its database from here."""
    prefix = "progress"
    if obj.database_url:
        prefix = f"progress --db {shown_url(obj.database_url)}"
    elif not os.environ.get("PROGRESS_DATABASE_URL") and not _same_file(obj.config.database_url, demo_url) \
            and not _same_file(demo_database_instead(obj.config.database_url) or "", demo_url):
        prefix = f"progress --db {demo_url}"  # the configured database exists, or the workdir is not the default
    return "Next, from this folder: " + " | ".join(f"{prefix} {command}" for command in NEXT_COMMANDS)


def _same_file(url: str, other: str) -> bool:
    a, b = sqlite_file(url), sqlite_file(other)
    return a is not None and b is not None and a.resolve() == b.resolve()
