"""Analysis commands: fits, report, export, reference imports and comparisons, contributions, browse.

Logic lives in analysis/ (pure), sources/ (file formats) and db/ (imports, scaling, views); these
commands only wire them to the database and print.
"""
from __future__ import annotations

import json
import math
import socket
import sqlite3
import subprocess
import sys
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Optional

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from sqlalchemy.engine import make_url

from cli.app_state import AppContext, fail
from db.engine import is_sqlite, session_scope

console = Console()
reference_app = typer.Typer(help="Reference data (Thompson et al. 2022, Epoch AI): import and compare.",
                            no_args_is_help=True)
import_app = typer.Typer(help="Import a reference data set into the database (with its provenance).",
                         no_args_is_help=True)
compare_app = typer.Typer(help="Compare our compute estimates with a reference data set.", no_args_is_help=True)
reference_app.add_typer(import_app, name="import")

REPORT_SPECS = ("error", "study")  # drawn on the plots; every stored variant is listed in the fits table
FIT_JSON_KEYS = ("task", "dataset", "metric", "source", "spec", "n", "slope", "intercept", "ci_low", "ci_high", "r2",
                 "degree", "degree_low", "degree_high", "halving_multiple")
# A fit of the wrong sign or with a slope CI containing 0 has no meaningful degree (regression.fit_flag).
MEANINGLESS_WHEN_FLAGGED = ("degree", "degree_low", "degree_high", "halving_multiple")
_SOURCE = typer.Option(None, "--source", help="extracted | contributed | reference:thompson2022 "
                                              "(default: extracted + contributed)")


def register(app: typer.Typer) -> None:
    app.command("fits")(fits_command)
    app.command("report")(report_command)
    app.command("export")(export_command)
    app.command("contribute")(contribute_command)
    app.command("browse")(browse_command)
    app.add_typer(reference_app, name="reference")
    app.add_typer(compare_app, name="compare")


def _jsonable(value):
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    return value


def _fmt(value, spec: str) -> str:
    return "-" if value is None or (isinstance(value, float) and not math.isfinite(value)) else format(value, spec)


# --- fits, report, export -----------------------------------------------------------------------------

def fits_command(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON array for scripts"),
                 latest: bool = typer.Option(False, "--latest", help="Only the newest fit of each group"),
                 source: Optional[str] = typer.Option(None, "--source", help="Only fits of this provenance"),
                 spec: Optional[list[str]] = typer.Option(None, "--spec", help="error | frontier | year | study | "
                                                                            "hardware_burden | network_operations (repeatable)")) -> None:
    """Every stored fit (each refit's run id and time), or the latest per group."""
    from analysis.regression import FLAG_MEANING, row_fit_flag
    from usecases.scaling import fit_rows

    obj: AppContext = ctx.obj
    with session_scope(obj.url) as session:
        rows = fit_rows(session, latest_only=latest, source=source, specs=spec or None)
    for row in rows:
        row["flag"] = row_fit_flag(row)
    if as_json:
        out = [{**{k: (None if row["flag"] and k in MEANINGLESS_WHEN_FLAGGED else row[k]) for k in FIT_JSON_KEYS},
                "flag": row["flag"], "id": row["id"], "run": row["run_id"],
                "time": row["created_at"], "run_started_at": row["run_started_at"], "extra": row["extra"]}
               for row in rows]
        typer.echo(json.dumps([_jsonable(r) for r in out], indent=1))
        return
    from cli.status import print_by_task

    # One table per task, with the columns a narrow terminal can hold: fit id and time only from 120
    # columns on (--json always has them); source only when the fits mix sources.
    wide = console.width >= 120
    optional = {"id": wide, "time": wide, "source": len({r["source"] for r in rows}) > 1}
    columns = [c for c in ("benchmark", "id", "run", "time", "source", "spec", "n", "slope [95% CI]", "R²", "k",
                           "years ≈ 10x") if optional.get(c, True)]

    def cells(row: dict) -> list[str]:
        values = {"id": str(row["id"]), "run": str(row["run_id"] or "-"), "time": f"{row['created_at']:%Y-%m-%d %H:%M}",
                  "source": row["source"], "spec": row["spec"], "n": str(row["n"]),
                  "slope [95% CI]": f"{row['slope']:.4f} [{row['ci_low']:.4f}, {row['ci_high']:.4f}]",
                  "R²": f"{row['r2']:.3f}", "k": f"none: {row['flag']}" if row["flag"] else _fmt(row["degree"], ".1f"),
                  "years ≈ 10x": _fmt(row["extra"].get("years_per_10x_compute"), ".2g")}
        return [values[c] for c in columns[1:]]

    print_by_task(console, f"Stored fits ({len(rows)})", columns, rows, cells, right=("id", "run", "n", "R²", "k"))
    for flag in sorted({row["flag"] for row in rows if row["flag"]}):
        console.print(f"[dim]none: {flag}: {FLAG_MEANING[flag]}; no degree k or 2^k[/dim]")


def _report_inputs(obj: AppContext, source: str | None, include_pending: bool) -> tuple[pd.DataFrame, pd.DataFrame]:
    from analysis.regression import row_fit_flag
    from usecases.scaling import fit_rows, scaling_points

    with session_scope(obj.url) as session:
        points = scaling_points(session, source=source, include_pending=include_pending)
        stored = fit_rows(session, latest_only=True, source=source or "extracted")
    fits = pd.DataFrame([{**row, "status": "ok", "flag": row_fit_flag(row), "with_year": bool(row["extra"].get("with_year")),
                          "frontier": bool(row["extra"].get("frontier"))} for row in stored])
    return points, fits


def report_command(ctx: typer.Context,
                   out: Optional[Path] = typer.Option(None, "--out", help="Folder (default: the config's report_dir)"),
                   source: Optional[str] = _SOURCE,
                   include_pending: bool = typer.Option(False, "--include-pending", help="Plot unreviewed values too")) -> None:
    """One self-contained HTML report plus a PNG per task, from the database's points and latest fits."""
    from analysis.report import build_report

    obj: AppContext = ctx.obj
    points, fits = _report_inputs(obj, source, include_pending)
    if points.empty:
        fail("no points to report: run `progress refit` after extraction or an import first", code=1)
    out_dir = out or obj.config.report_dir
    title = f"Computer Progress: error vs training compute ({source or 'extracted + contributed'})"
    titles = {name: task.title for name, task in obj.config.tasks.items()}
    path = build_report(points, fits, out_dir, title=title, draw_specs=REPORT_SPECS, task_titles=titles)
    console.print(f"report: {path} ({points['task'].nunique()} tasks, {len(points)} points, {len(fits)} fits)",
                  soft_wrap=True, highlight=False)


def export_command(ctx: typer.Context,
                   out: Optional[Path] = typer.Option(None, "--out", help="Folder (default: the config's report_dir)"),
                   source: Optional[str] = _SOURCE,
                   include_pending: bool = typer.Option(False, "--include-pending"),
                   fmt: Optional[list[str]] = typer.Option(None, "--format", help="csv and/or parquet (default: both; parquet needs the 'parquet' extra)"),
                   as_json: bool = typer.Option(False, "--json", help="The files written and the row count, as JSON")) -> None:
    """The analysis table (one row per paper x result with its compute) as CSV and Parquet."""
    from analysis.export import export_points
    from usecases.scaling import scaling_points

    from settings.extras import has, missing_extra_message

    obj: AppContext = ctx.obj
    if fmt and "parquet" in fmt and not has("pyarrow"):
        fail(missing_extra_message("pyarrow"))
    # By default both formats, Parquet only when its extra is installed (said on stderr otherwise).
    formats = tuple(fmt or (("csv", "parquet") if has("pyarrow") else ("csv",)))
    with session_scope(obj.url) as session:
        points = scaling_points(session, source=source, include_pending=include_pending)
    try:
        paths = export_points(points, out or obj.config.report_dir, formats=formats)
    except ValueError as exc:
        fail(str(exc))
    if not fmt and not has("pyarrow"):
        Console(stderr=True, soft_wrap=True, highlight=False).print(f"note: no Parquet file: {missing_extra_message('pyarrow')}", markup=False)
    if as_json:
        typer.echo(json.dumps({"rows": len(points), "files": {kind: str(path) for kind, path in paths.items()}}, indent=1))
        return
    for kind, path in paths.items():
        console.print(f"{kind}: {path} ({len(points)} rows)", soft_wrap=True, highlight=False)


# --- reference data -----------------------------------------------------------------------------------

def _files(paths: list[Path]) -> list[Path]:
    """Files, or every CSV in a folder given instead."""
    out = []
    for path in paths:
        if path.is_dir():
            out += sorted(path.glob("*.csv"))
        elif path.is_file():
            out.append(path)
        else:
            fail(f"no such file: {path}")
    return out


def _run_import(obj: AppContext, flow_name: str, params: dict, work) -> dict:
    """Run an import in one transaction, recorded as a run (its id is on every estimate written)."""
    from db.runs import finish_run, start_run

    url = obj.url
    run_id = start_run(url, flow_name, params)
    try:
        with session_scope(url) as session:
            counts = work(session, run_id)
    except Exception as exc:
        finish_run(url, run_id, counts={}, error=f"{exc.__class__.__name__}: {exc}")
        raise
    summary = counts.as_dict()
    finish_run(url, run_id, counts={k: v for k, v in summary.items() if k != "errors"} | {"rejected": len(counts.errors)})
    return {"run": run_id, **summary}


@import_app.command("thompson2022")
def import_thompson_command(ctx: typer.Context,
                            files: list[Path] = typer.Argument(..., help="The study's CSVs (or their folder)")) -> None:
    """The study's CSVs as papers, hardware, times, results and compute (source reference:thompson2022).
    Then `progress refit --source reference:thompson2022` fits them the study's way."""
    from usecases.imports import import_thompson

    obj: AppContext = ctx.obj
    paths = _files(files)
    try:
        result = _run_import(obj, "import:thompson2022", {"files": [str(p) for p in paths]},
                             lambda session, run_id: import_thompson(session, paths, obj.config, run_id=run_id))
    except ValueError as exc:
        fail(str(exc))
    console.print(f"thompson2022 (run {result['run']}): {result['papers']} models, {result['results']} results, "
                  f"{result['estimates']} compute estimates, {result['evidence']} hardware/time values")


@import_app.command("epoch")
def import_epoch_command(ctx: typer.Context, file: Path = typer.Argument(..., help="Epoch's all_ml_systems.csv")) -> None:
    """Epoch AI's All ML Systems: the systems linking an arXiv paper, with their training compute."""
    from usecases.imports import import_epoch

    obj: AppContext = ctx.obj
    path = _files([file])[0]
    try:
        result = _run_import(obj, "import:epoch", {"file": str(path)},
                             lambda session, run_id: import_epoch(session, path, run_id=run_id))
    except ValueError as exc:
        fail(str(exc))
    console.print(f"epoch (run {result['run']}): {result['papers']} systems with an arXiv link and a compute figure; "
                  f"{result['skipped']} rows without one of them skipped")


@reference_app.command("compare-burden")
def compare_burden_command(ctx: typer.Context,
                           files: list[Path] = typer.Argument(..., help="The study's CSVs (or their folder)"),
                           tolerance: float = typer.Option(0.10, help="Relative difference counted as agreement"),
                           rows: bool = typer.Option(False, "--rows", help="List every row that differs"),
                           as_json: bool = typer.Option(False, "--json")) -> None:
    """How often our hardware-burden formula (our chip catalog) lands within 10% of the study's
    hardware_burden, and why the rest differ."""
    from sources.reference_thompson import burden_summary, compare_burden, read_study_csv

    try:
        study = pd.concat([read_study_csv(p) for p in _files(files)], ignore_index=True)
    except ValueError as exc:
        fail(str(exc))
    table = compare_burden(study, tolerance=tolerance)
    summary = burden_summary(table)
    if as_json:
        differing = table[~table["within_tolerance"]][["dataset", "name", "paper", "chips", "study_burden",
                                                       "our_burden", "ratio", "reason"]]
        typer.echo(json.dumps({**summary, "rows": json.loads(differing.to_json(orient="records"))}, indent=1))
        return
    console.print(f"{summary['within_tolerance']} of {summary['n']} rows with a study burden are within "
                  f"{tolerance:.0%} of ours (median ours/study {summary['median_ratio']:.3g}).")
    reasons = Table(title="Why the rest differ")
    reasons.add_column("reason")
    reasons.add_column("rows", justify="right")
    for reason, n in summary["reasons"].items():
        reasons.add_row(reason, str(n))
    console.print(reasons)
    if rows:
        detail = Table(title="Rows that differ")
        for column in ("dataset", "model", "chips", "study", "ours", "ratio", "reason"):
            detail.add_column(column)
        for r in table[~table["within_tolerance"]].to_dict("records"):
            detail.add_row(r["dataset"], str(r["name"]), r["chips"], f"{r['study_burden']:.3g}",
                           _fmt(r["our_burden"], ".3g"), _fmt(r["ratio"], ".3g"), r["reason"])
        console.print(detail)


@compare_app.command("epoch")
def compare_epoch_command(ctx: typer.Context,
                          within: float = typer.Option(2.0, help="Factor counted as agreement"),
                          peak: bool = typer.Option(False, "--peak", help="Compare our peak hardware burden "
                                                                          "instead of the utilization-adjusted figure"),
                          as_json: bool = typer.Option(False, "--json")) -> None:
    """For papers we extracted that Epoch also lists: our compute beside theirs, the ratio, a summary.
    Epoch counts operations performed, so a hardware burden enters at its utilization-adjusted figure
    (analysis.utilization) unless --peak."""
    from usecases.imports import epoch_frame, our_compute
    from sources.reference_epoch import compare_with_epoch

    obj: AppContext = ctx.obj
    with session_scope(obj.url) as session:
        epoch, ours = epoch_frame(session), our_compute(session, "extracted", performed=not peak)
    if epoch.empty:
        fail("no Epoch data in the database: run `progress reference import epoch all_ml_systems.csv` first", code=1)
    table, summary = compare_with_epoch(ours[["arxiv_id", "flops"]], epoch, within=within)
    table = table.merge(ours[["arxiv_id", "method"]], on="arxiv_id", how="left")
    if as_json:
        typer.echo(json.dumps({"summary": _jsonable(summary),
                               "papers": json.loads(table.to_json(orient="records"))}, indent=1))
        return
    out = Table(title=f"Our compute vs Epoch's ({summary['n']} papers in both)")
    for column in ("arXiv", "Epoch system", "ours (FLOPs)", "our method", "Epoch (FLOPs)", "Epoch method", "ratio"):
        out.add_column(column)
    for r in table.to_dict("records"):
        out.add_row(r["arxiv_id"], str(r["epoch_model"]), f"{r['flops']:.3g}", str(r["method"]),
                    f"{r['epoch_flops']:.3g}", str(r["estimation_method"] or ""), f"{r['ratio']:.3g}")
    console.print(out)
    console.print(f"median ratio (ours/Epoch) {_fmt(summary['median_ratio'], '.3g')}; "
                  f"{_fmt(summary['share_within'], '.0%')} within {within:g}x; "
                  f"of our {summary['n_ours']} papers with compute, Epoch lists {summary['n_listed_by_epoch']}.")


# --- contributions ------------------------------------------------------------------------------------

def contribute_command(ctx: typer.Context, file: Path = typer.Argument(..., help="A contribution CSV"),
                       ) -> None:
    """Import a researcher's CSV of results and compute (provenance "contributed"). Every row is
    validated on its own: good rows are stored, each bad one is named with its row number (exit 1)."""
    from usecases.imports import import_contributions

    obj: AppContext = ctx.obj
    if not file.is_file():
        fail(f"no such file: {file}")
    result = _run_import(obj, "import:contributed", {"file": str(file)},
                         lambda session, run_id: import_contributions(session, file, obj.config, run_id=run_id))
    console.print(f"contributed (run {result['run']}): {result['results']} results for {result['papers']} papers, "
                  f"{result['estimates']} compute estimates")
    if result["skipped"]:
        console.print(f"[yellow]{result['skipped']} papers got no compute estimate (chip not in our catalog?)[/yellow]")
    for error in result["errors"]:
        Console(stderr=True).print(f"[red]rejected[/red] {error}", highlight=False)
    if result["errors"]:
        raise typer.Exit(code=1)


# --- browse -------------------------------------------------------------------------------------------

def datasette_metadata(db_name: str) -> dict:
    """Datasette metadata: descriptions of the views and the canned queries (db.views)."""
    from db.views import CANNED_QUERIES, VIEW_DESCRIPTIONS

    return {
        "title": "Computer Progress",
        "description": "Training compute vs. accuracy in deep-learning papers. Read-only. See ANALYSTS.md.",
        "databases": {db_name: {
            "tables": {name: {"description": text} for name, text in VIEW_DESCRIPTIONS.items()},
            "queries": {name: {"title": title, "sql": sql} for name, (title, sql) in CANNED_QUERIES.items()},
        }},
    }


def datasette_command(db_path: Path, metadata_path: Path, *, host: str, port: int) -> list[str]:
    """Datasette serving the file immutable (read-only, no locks taken) with our metadata."""
    return [sys.executable, "-m", "datasette", "serve", "--immutable", str(db_path), "--metadata", str(metadata_path),
            "--host", host, "--port", str(port), "--setting", "sql_time_limit_ms", "5000"]


def _checkpoint(db_path: Path) -> None:
    """Immutable mode ignores the WAL file: fold recent writes into the database file first."""
    with sqlite3.connect(db_path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def sqlite_path(url: str) -> Path:
    if not is_sqlite(url):
        fail("browse serves SQLite files; for PostgreSQL point any SQL client at the v_* views")
    database = make_url(url).database
    if not database or database == ":memory:" or not Path(database).is_file():
        fail(f"no database file at {database!r}: run the pipeline or an import first", code=1)
    return Path(database)


def browse_command(ctx: typer.Context, host: str = typer.Option("127.0.0.1", help="Listen address"),
                   port: int = typer.Option(8001, help="Port (0: a free one)"),
                   print_only: bool = typer.Option(False, "--print-command", help="Print the command and metadata, do not start")) -> None:
    """Datasette on the database, read-only, with the analysts' views and canned queries."""
    from settings.extras import has, missing_extra_message

    obj: AppContext = ctx.obj
    if not print_only and not has("datasette"):
        fail(missing_extra_message("datasette"))
    db_path = sqlite_path(obj.url)
    if port == 0:
        with socket.socket() as probe:
            probe.bind((host, 0))
            port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="progress-browse-") as folder:
        metadata_path = Path(folder) / "metadata.json"
        metadata_path.write_text(json.dumps(datasette_metadata(db_path.stem), indent=1), encoding="utf-8")
        command = datasette_command(db_path, metadata_path, host=host, port=port)
        if print_only:
            typer.echo(" ".join(command))
            typer.echo(metadata_path.read_text(encoding="utf-8"))
            return
        _checkpoint(db_path)
        console.print(f"Datasette on http://{host}:{port}/{db_path.stem} (read-only); Ctrl-C stops it")
        try:
            raise typer.Exit(code=subprocess.call(command))
        except KeyboardInterrupt:
            raise typer.Exit(code=0)
