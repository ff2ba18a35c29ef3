"""`progress reference import-chips`: regenerate the chip catalog's Epoch part from Epoch's chip table.

The logic is sources/chip_catalog.py; this only wires it to the command line. It writes a file of the
package (extractors/chips_epoch.yaml by default) and touches no database.
"""
from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from cli.app_state import fail

console = Console(soft_wrap=True)


def import_chips_command(
        file: Path = typer.Argument(..., help="Epoch's chip table (chips.csv, CC BY 4.0)"),
        out: Optional[Path] = typer.Option(None, "--out", help="Where to write (default: extractors/chips_epoch.yaml)"),
        selection: Optional[Path] = typer.Option(None, "--selection",
                                                 help="Which rows become which chips (default: sources/chip_selection.yaml)"),
        show_differences: bool = typer.Option(False, "--differences", help="List where Epoch differs from the study's figures"),
) -> None:
    """Build the chip catalog's Epoch part: every accelerator of the selection with Epoch's peaks per
    precision; the study's chips keep their figures (differences are listed in the file)."""
    from sources.chip_catalog import OUTPUT_PATH, SELECTION_PATH, ChipImportError, import_chips

    if not file.is_file():
        fail(f"{file}: no such file")
    try:
        report = import_chips(file, out or OUTPUT_PATH, selection_path=selection or SELECTION_PATH)
    except ChipImportError as exc:
        fail(str(exc), code=1)
    console.print(f"{report.path}: {report.chips} chips from Epoch's table, {report.study_chips} of the study's "
                  f"catalog kept as they are ({len(report.differences)} figures differ from Epoch's)")
    if report.missing_peaks:
        console.print(f"without any peak figure: {', '.join(report.missing_peaks)}")
    if show_differences:
        for diff in report.differences:
            console.print(f"  {diff['name']:<14} {diff['precision']:<12} study {diff['study']:.3g}  "
                          f"Epoch {diff['epoch']:.3g}  ({diff['epoch_name']})")


def register(app: typer.Typer) -> None:
    from cli.group_analysis import reference_app

    reference_app.command("import-chips")(import_chips_command)
