"""`progress compare thompson`: our per-paper hardware burden, network operations and headline results
against the study's imported table (analysis/compare_study.py on usecases/comparisons.py). Added to the
`compare` group of cli/group_analysis.py, beside `compare epoch`."""
from __future__ import annotations

import json
import math

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from cli.app_state import AppContext, fail
from db.engine import session_scope

console = Console()


def register(app: typer.Typer) -> None:
    from cli.group_analysis import compare_app

    if not any(c.name == "thompson" for c in compare_app.registered_commands):
        compare_app.command("thompson")(compare_thompson_command)


def _fmt(value, spec: str) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    return format(value, spec)


def _text(value) -> str:
    return "-" if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" else str(value)


def _records(frame) -> list[dict]:
    return json.loads(frame.to_json(orient="records"))


def _print_operations_table(operations) -> None:
    from analysis.compare_study import operations_text

    def inputs(count: float, stored: dict) -> str:  # no count, no inputs to show
        return escape(operations_text(stored)) if math.isfinite(count) else "-"

    table = Table(title="Matched papers: network operations (FLOPs)")
    for column in ("arXiv", "ours", "our inputs", "study", "study inputs", "ratio", "study row"):
        table.add_column(column)
    for r in operations.to_dict("records"):
        table.add_row(r["arxiv_id"], _fmt(r["our_operations"], ".3g"), inputs(r["our_operations"], r["our_inputs"]),
                      _fmt(r["study_operations"], ".3g"), inputs(r["study_operations"], r["study_inputs"]),
                      _fmt(r["ratio"], ".3g"), escape(str(r["study_model"])[:60]))
    console.print(table)


def compare_thompson_command(ctx: typer.Context,
                             within: float = typer.Option(2.0, help="Burden and operations factor counted as agreement"),
                             tolerance: float = typer.Option(0.15, help="Result difference (metric points) "
                                                                        "counted as agreement"),
                             rows: bool = typer.Option(False, "--rows", help="Every matched paper and result, "
                                                                             "not only the disagreements"),
                             as_json: bool = typer.Option(False, "--json")) -> None:
    """Our extracted papers against Thompson et al.'s curation (`progress reference import thompson2022`
    first): papers matched by arXiv id, else title; hardware-burden ratio per paper (ours at peak, as
    the study counts) and network-operations ratio per paper, each with the share within 2x; headline
    results per benchmark and the share within 0.15; every disagreement with our page and sentence and
    the study's row."""
    from analysis.compare_study import compare_with_study
    from usecases.comparisons import our_papers, study_rows

    obj: AppContext = ctx.obj
    with session_scope(obj.url) as session:
        study = study_rows(session)
        ours, results = our_papers(session)
    if study.empty:
        fail("no study rows in the database: run `progress reference import thompson2022 "
             "../shared/reference/thompson2022/*.csv` first", code=1)
    out = compare_with_study(ours, results, study, factor=within, tolerance=tolerance)
    summary = out["summary"]
    if as_json:
        payload = {"summary": {k: (None if isinstance(v, float) and not math.isfinite(v) else v)
                               for k, v in summary.items()},
                   "disagreements": out["disagreements"]}
        if rows:
            payload |= {"papers": _records(out["papers"]), "operations": _records(out["operations"]),
                        "results": _records(out["results"])}
        typer.echo(json.dumps(payload, indent=1, default=str))
        return
    console.print(
        f"{summary['matched_papers']} of our {summary['our_papers']} extracted papers are in the study "
        f"({summary['matched_by_id']} by arXiv id, the rest by title; the study has {summary['study_papers']} "
        f"papers in {summary['study_rows']} rows).", highlight=False)
    console.print(
        f"hardware burden: both sides for {summary['burden_both']} papers, {summary['burden_within']} within "
        f"{within:g}x ({_fmt(summary['burden_share_within'], '.0%')}), median ours/study "
        f"{_fmt(summary['burden_median_ratio'], '.3g')}; the study only: {summary['burden_study_only']}, "
        f"ours only: {summary['burden_ours_only']}.", highlight=False)
    console.print(
        f"network operations: both sides for {summary['ops_both']} papers, {summary['ops_within']} within "
        f"{within:g}x ({_fmt(summary['ops_share_within'], '.0%')}), median ours/study "
        f"{_fmt(summary['ops_median_ratio'], '.3g')}; the study only: {summary['ops_study_only']}, "
        f"ours only: {summary['ops_ours_only']}.", highlight=False)
    console.print(
        f"headline results: {summary['results_both']} paper x benchmark pairs, {summary['results_within']} within "
        f"{tolerance:g} ({_fmt(summary['results_share_within'], '.0%')}); {summary['results_other_row']} of the "
        f"others equal another of the paper's rows in the study.", highlight=False)
    if summary.get("results_miss_kinds"):
        console.print("result disagreements by kind: " + "; ".join(
            f"{kind} {n}" for kind, n in summary["results_miss_kinds"].items()), highlight=False)
    if rows:
        table = Table(title="Matched papers: hardware burden (FLOPs, peak)")
        for column in ("arXiv", "ours", "our chips / hours", "study", "study chips / hours", "ratio", "study row"):
            table.add_column(column)
        for r in out["papers"].to_dict("records"):
            table.add_row(r["arxiv_id"], _fmt(r["our_burden"], ".3g"), f"{_text(r['our_chips'])} / {_fmt(r['our_hours'], '.3g')}",
                          _fmt(r["study_burden"], ".3g"), f"{_text(r['study_chips'])} / {_fmt(r['study_hours'], '.3g')}",
                          _fmt(r["ratio"], ".3g"), escape(str(r["study_model"])[:60]))
        console.print(table)
        _print_operations_table(out["operations"])
        table = Table(title="Matched results")
        for column in ("arXiv", "benchmark", "ours", "study", "difference", "study row"):
            table.add_column(column)
        for r in out["results"].to_dict("records"):
            table.add_row(r["arxiv_id"], f"{r['dataset']} {r['metric']}", f"{r['ours']:g}", f"{r['study']:g}",
                          f"{r['difference']:+.2f}", escape(str(r["study_row"])[:60]))
        console.print(table)
    if out["disagreements"]:
        console.print(f"\n[bold]Disagreements ({len(out['disagreements'])})[/bold]")
    for d in out["disagreements"]:
        console.print(f"[bold]{d['arxiv_id']}[/bold] {escape(d['kind'])}: ours {escape(d['ours'])} vs study "
                      f"{escape(d['study'])} ({escape(d['note'])})", highlight=False)
        for ev in d["our_evidence"]:
            label = f"{ev.get('field')} \"{ev.get('raw')}\", " if ev.get("field") else ""
            console.print(f"    ours ({label}p. {ev.get('page') or '?'}): {escape(str(ev.get('sentence') or '-')[:220])}",
                          highlight=False)
        console.print(f"    study: {escape(str(d['study_row'])[:160])}", highlight=False)
