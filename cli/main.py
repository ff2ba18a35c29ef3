"""The `progress` command. Sub-command groups live in their own cli/ modules and register here."""
from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from cli.app_state import AppContext, fail
from settings.config import ConfigError

app = typer.Typer(help="Computer Progress: training compute vs. accuracy in deep-learning papers, kept current.",
                  rich_markup_mode=None,  # plain help: no <bool> placeholders, no boxes cut at 80 columns
                  no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
console = Console()


@app.callback()
def _options(
    ctx: typer.Context,
    config: Optional[Path] = typer.Option(None, "--config", help="config.yaml (default: $PROGRESS_CONFIG, ./config.yaml, packaged)"),
    db: Optional[str] = typer.Option(None, "--db", help="SQLAlchemy database URL (default: $PROGRESS_DATABASE_URL or the config's)"),
) -> None:
    ctx.obj = AppContext(config_path=str(config) if config else None, database_url=db)


@app.command()
def demo(ctx: typer.Context,
         workdir: Path = typer.Option(Path("data/demo"), help="Where the demo keeps its corpus, PDFs and database"),
         delay: float = typer.Option(0.5, help="Seconds between API requests to the loopback stand-in")) -> None:
    """The whole pipeline offline: the bundled sample corpus behind a loopback arXiv stand-in."""
    console.print("progress demo: loading the pipeline (Prefect, spaCy, PyMuPDF)", highlight=False)
    from cli.demo import run_demo

    run_demo(ctx.obj, workdir, delay, console)


def _run_flow(ctx: typer.Context, label: str, flow_fn, **params):
    """Validate the config, then run a flow with the live progress bar; returns the flow's result."""
    from cli.running import run_with_progress

    from settings.extras import has, missing_extra_message

    obj: AppContext = ctx.obj
    obj.config  # a bad config is one line before anything starts; it may choose the demo's database
    if obj.config.extraction.task_runner == "dask" and not has("prefect_dask"):
        fail(f"config: {missing_extra_message('prefect_dask')}")
    return run_with_progress(obj, console, label, flow_fn, config_path=obj.config_path,
                             database_url=obj.database_url, **params)


def _fetches_from_arxiv(ctx: typer.Context) -> None:
    """New papers from arXiv go to the configured database, never to the demo's."""
    ctx.obj.use_demo_database = False


@app.command()
def run(ctx: typer.Context,
        task: Optional[list[str]] = typer.Option(None, "--task", help="Only these tasks (repeatable)"),
        start: Optional[str] = typer.Option(None, help="Submitted on or after (YYYY-MM-DD); default: watermark"),
        end: Optional[str] = typer.Option(None, help="Submitted on or before (YYYY-MM-DD); default: today"),
        max_results: Optional[int] = typer.Option(None, help="Papers per task at most")) -> None:
    """The nightly flow against the configured arXiv endpoint: ingest, download, extract, refit."""
    _fetches_from_arxiv(ctx)
    from cli.status import print_fits, print_status
    from flows.nightly import nightly_flow

    _run_flow(ctx, "nightly", nightly_flow, tasks=_tasks(ctx.obj, task), start=_day(start, "--start"),
              end=_day(end, "--end"), max_results=max_results)
    print_status(ctx.obj, console)
    print_fits(ctx.obj, console)


@app.command()
def ingest(ctx: typer.Context,
           task: Optional[list[str]] = typer.Option(None, "--task", help="Only these tasks (repeatable)"),
           start: Optional[str] = typer.Option(None, help="YYYY-MM-DD"), end: Optional[str] = typer.Option(None, help="YYYY-MM-DD"),
           max_results: Optional[int] = typer.Option(None)) -> None:
    """Query arXiv for new papers per task (incremental from each task's watermark)."""
    _fetches_from_arxiv(ctx)
    from flows.ingest import ingest_flow

    counts = _run_flow(ctx, "ingest", ingest_flow, tasks=_tasks(ctx.obj, task), start=_day(start, "--start"),
                       end=_day(end, "--end"), max_results=max_results)
    for name, c in counts.items():
        console.print(f"{name}: {c}")


@app.command()
def backfill(ctx: typer.Context,
             start: str = typer.Option(..., help="Submitted on or after (YYYY-MM-DD)"),
             end: Optional[str] = typer.Option(None, help="Submitted on or before (YYYY-MM-DD); default: today"),
             task: Optional[list[str]] = typer.Option(None, "--task", help="Only these tasks (repeatable)"),
             max_papers: Optional[int] = typer.Option(None, help="Papers per task in this run; a rerun continues"),
             window_months: int = typer.Option(1, min=1, help="Months per submittedDate window"),
             refit: bool = typer.Option(False, "--refit", help="Refit when done")) -> None:
    """Ingest a past date range month by month, then download and extract; resumable."""
    _fetches_from_arxiv(ctx)
    from flows.backfill import backfill_flow

    console.print(_run_flow(ctx, "backfill", backfill_flow, start=_day(start, "--start"), end=_day(end, "--end"),
                            tasks=_tasks(ctx.obj, task), max_papers=max_papers, window_months=window_months,
                            refit=refit))


@app.command()
def download(ctx: typer.Context, limit: Optional[int] = typer.Option(None, help="At most this many papers")) -> None:
    """Download found papers' PDFs into the cache (never twice)."""
    from flows.download import download_flow

    counts = _run_flow(ctx, "download", download_flow, limit=limit)
    console.print(counts)
    if counts and counts.get("failed") and not counts.get("downloaded") and not counts.get("cached"):
        fail(f"every download failed ({counts['failed']}); `progress status` shows the reasons", code=1)


@app.command()
def extract(ctx: typer.Context, limit: Optional[int] = typer.Option(None, help="At most this many papers")) -> None:
    """Extract hardware, training time, compute and results from downloaded PDFs."""
    from flows.extract import extract_flow

    console.print(_run_flow(ctx, "extract", extract_flow, limit=limit))


@app.command()
def refit(ctx: typer.Context,
          source: Optional[str] = typer.Option(None, help="extracted | contributed | reference:thompson2022 (default: extracted + contributed)"),
          include_pending: bool = typer.Option(False, "--include-pending", help="Let unreviewed low-confidence values in (marked)"),
          spec: Optional[list[str]] = typer.Option(None, "--spec", help="compute measure fitted separately: "
                                                   "hardware_burden | network_operations (repeatable; default both)")) -> None:
    """Re-estimate compute per paper and refit the scaling regressions; prints the fits."""
    from cli.status import print_fit_rows
    from flows.refit import MEASURES, refit_flow

    unknown = [s for s in spec or [] if s not in MEASURES]
    if unknown:
        fail(f"--spec: unknown compute measure {', '.join(unknown)}; expected {' | '.join(MEASURES)}")
    print_fit_rows(_run_flow(ctx, "refit", refit_flow, source=source, include_pending=include_pending,
                             measures=spec or None), console)


@app.command()
def status(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON object for scripts")) -> None:
    """Papers per state, parked papers with their reasons, the last runs."""
    from cli.status import print_status

    print_status(ctx.obj, console, as_json=as_json)


@app.command("extract-files")
def extract_files(ctx: typer.Context,
                  pdfs: list[Path] = typer.Argument(..., help="PDF files"),
                  jsonl: Path = typer.Option(..., "--jsonl", help="Write one JSON line per PDF (the scorer's format); - for stdout"),
                  workers: int = typer.Option(2, help="Worker processes"),
                  timeout: float = typer.Option(120.0, help="Seconds per PDF before it is stopped")) -> None:
    """Extract from PDF files without touching the database (for scoring a folder of papers)."""
    from cli.extract_files import extract_files_to_jsonl

    config = ctx.obj.config
    bad = extract_files_to_jsonl(pdfs, jsonl, workers=workers, timeout=timeout, console=console,
                                 max_pages=config.extraction.max_pages, max_bytes=config.download.max_bytes,
                                 max_memory_mb=config.extraction.max_memory_mb)
    raise typer.Exit(code=1 if bad == len(pdfs) and pdfs else 0)


def _tasks(obj: AppContext, names: list[str] | None) -> list[str] | None:
    """Check --task names against the config before anything starts."""
    unknown = [n for n in names or [] if n not in obj.config.tasks]
    if unknown:
        fail(f"--task: unknown task {', '.join(unknown)}; configured: {', '.join(obj.config.tasks)}")
    return names or None


def _day(text: str | None, option: str) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail(f"{option}: expected a date like 2024-01-31, got {text!r}")


_registered: set[str] = set()


def _register_groups() -> None:
    """Sub-command groups from other cli/ modules (each adds itself if present); idempotent."""
    import importlib
    import pkgutil

    import cli

    for info in pkgutil.iter_modules(cli.__path__):
        if info.name.startswith("group_") and info.name not in _registered:
            importlib.import_module(f"cli.{info.name}").register(app)
            _registered.add(info.name)


# click's UsageError (typer >= 0.2x vendors click; BadParameter is public and derives from it).
_USAGE_ERROR = typer.BadParameter.__mro__[1]


def main() -> None:
    # Prefect's local API starts on demand; its first start on a new machine migrates its database,
    # which takes longer than Prefect's default 20 s allowance.
    os.environ.setdefault("PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS", "180")
    # The progress bar and the closing tables are the terminal's story; Prefect's per-task INFO lines
    # still reach its API and UI (set PREFECT_LOGGING_LEVEL=INFO to see them here). Its local API's
    # telemetry would only try to reach the internet.
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    _register_groups()
    try:
        code = app(standalone_mode=False)
    except ConfigError as exc:
        Console(stderr=True).print(f"[red]config error:[/red] {exc}")
        sys.exit(2)
    except _USAGE_ERROR as exc:
        if type(exc).__name__ == "NoArgsIsHelpError":  # `progress` or a group alone: its help
            typer.echo(exc.ctx.get_help() if exc.ctx else str(exc))
            sys.exit(0)
        where = exc.ctx.command_path if exc.ctx else "progress"  # a wrong flag or value: one line
        fail(f"{exc.format_message()} (see `{where} --help`)", code=exc.exit_code)
    except typer.Abort:  # Ctrl-C at a prompt
        sys.exit(130)
    except Exception as exc:  # a damaged SQLite file is one line naming it, in every command
        from db.engine import damaged_database_line

        line = damaged_database_line(exc)
        if line is None:
            raise
        fail(line, code=1)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
