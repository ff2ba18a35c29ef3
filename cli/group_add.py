"""`progress add PATH...`: local PDFs into the database as papers, then extract and refit (flows/add.py)."""
from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console
from rich.markup import escape


console = Console(soft_wrap=True)  # summary lines stay whole (grep-able)


def register(app: typer.Typer) -> None:
    app.command("add")(add_command)


def add_command(ctx: typer.Context,
                paths: list[Path] = typer.Argument(..., help="PDF files or folders (recursed), e.g. a mirror of "
                                                             "arXiv's bulk PDFs"),
                reference: bool = typer.Option(False, "--reference", help="Leave the PDFs where they are (their "
                                                                          "path and sha256 are recorded) instead "
                                                                          "of copying them into the cache"),
                lookup: bool = typer.Option(True, "--lookup/--no-lookup", help="Ask arXiv's API for the metadata "
                                                                               "of papers with an arXiv id"),
                refit: bool = typer.Option(True, "--refit/--no-refit", help="Refit when done")) -> None:
    """Import local PDFs as papers: the id from the arXiv stamp or the file name, metadata from arXiv's
    API when it answers (else from the PDF), tasks from the benchmarks the text names; then extract and
    refit. Adding the same files again adds nothing."""
    from cli.main import _run_flow
    from flows.add import add_flow

    summary = _run_flow(ctx, "add", add_flow, paths=[str(p) for p in paths], reference=reference, lookup=lookup,
                        refit=refit)
    err = Console(stderr=True, soft_wrap=True)
    for problem in summary["problems"]:
        err.print(f"[yellow]skipped[/yellow] {escape(problem)}", highlight=False)
    tasks = ", ".join(f"{t} {n}" for t, n in summary["papers_per_task"].items()) or "none"
    console.print(f"add: {summary['pdfs']} PDFs read of {summary['files']} files; {summary['added']} papers added, "
                  f"{summary['attached']} known papers got their PDF, {summary['unchanged']} unchanged; "
                  f"{summary['with_arxiv_id']} with an arXiv id, {summary['metadata_from_arxiv']} described by arXiv's API",
                  highlight=False)
    if summary["metadata_note"]:
        console.print(f"metadata: {summary['metadata_note']}", highlight=False)
    from cli.status import format_counts

    extract = format_counts(summary["extract"]) if isinstance(summary["extract"], dict) else summary["extract"]
    console.print(f"papers per task: {tasks}; extract: {extract}; fits: {summary['fits']}", highlight=False)
    if summary["pdfs"] == 0 and summary["problems"]:
        raise typer.Exit(code=1)
