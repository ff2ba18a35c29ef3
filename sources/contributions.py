"""Researcher contributions: a CSV of results and training compute for papers the pipeline missed.

Columns (header names as written, case-insensitive):
  arxiv_id or doi            at least one (an arXiv link or "arXiv:" form is accepted and normalised)
  task, dataset, metric      a benchmark configured in config.yaml (matched ignoring case/punctuation)
  value                      the score, in percent (or BLEU points), 0..100; a top-k error is stored as
                             accuracy (100 - value) when the task tracks that accuracy
  chip, count, hours         the training hardware (optional `unit`: chips | cores | devices) ...
  flops                      ... and/or the training compute in FLOPs; at least one of the two
  year, title, note          optional
Each row is validated on its own; errors carry the CSV row number (the header is row 1) and good
rows are kept, so one typo does not reject a whole file.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Mapping

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from analysis.compute import DEFAULT_UTILIZATION, estimate_compute, preferred
from analysis.ids import arxiv_id_from_text

REQUIRED_COLUMNS = ("task", "dataset", "metric", "value")
OPTIONAL_COLUMNS = ("arxiv_id", "doi", "chip", "count", "unit", "hours", "flops", "year", "title", "note")
_DOI = re.compile(r"^10\.\d{4,9}/\S+$")
_UNITS = ("chips", "cores", "devices")


@dataclass(frozen=True)
class ContributionError:
    row: int  # CSV row number; the header is row 1
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.message}"


class Contribution(BaseModel):
    """One validated contribution row (dataset/metric in the configured spelling)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    row: int
    arxiv_id: str | None = None
    doi: str | None = None
    task: str
    dataset: str
    metric: str
    higher_is_better: bool = True
    value: float = Field(ge=0, le=100)
    chip: str | None = None
    count: float | None = Field(None, gt=0)
    unit: str = "chips"
    hours: float | None = Field(None, gt=0)
    flops: float | None = Field(None, gt=0)
    year: int | None = Field(None, ge=1950, le=2100)
    title: str | None = None
    note: str | None = None

    @field_validator("arxiv_id")
    @classmethod
    def _arxiv(cls, value: str | None) -> str | None:
        if value is None:
            return None
        parsed = arxiv_id_from_text(value)
        if parsed is None:
            raise ValueError(f"{value!r} is not an arXiv id (e.g. 1706.03762)")
        return parsed

    @field_validator("doi")
    @classmethod
    def _doi(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = re.sub(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", "", value, flags=re.I)
        if not _DOI.match(value):
            raise ValueError(f"{value!r} is not a DOI (e.g. 10.1109/CVPR.2016.90)")
        return value

    @field_validator("unit")
    @classmethod
    def _unit(cls, value: str) -> str:
        value = (value or "chips").lower()
        if value not in _UNITS:
            raise ValueError(f"unit must be one of {', '.join(_UNITS)}")
        return value

    @model_validator(mode="after")
    def _paper_and_compute(self) -> "Contribution":
        if not self.arxiv_id and not self.doi:
            raise ValueError("give an arxiv_id or a doi")
        hardware = (self.chip, self.count, self.hours)
        if any(v is not None for v in hardware) and not all(v is not None for v in hardware):
            raise ValueError("hardware needs all of chip, count and hours")
        if self.flops is None and self.chip is None:
            raise ValueError("give either flops or hardware (chip, count, hours)")
        return self

    @property
    def paper(self) -> str:
        return self.arxiv_id or f"doi:{self.doi}"


def _norm(text: str) -> str:
    return "".join(ch for ch in str(text).lower() if ch.isalnum())


def _get(obj: Any, name: str, default: Any = None) -> Any:
    return obj.get(name, default) if isinstance(obj, Mapping) else getattr(obj, name, default)


def _benchmarks(known_tasks: Mapping[str, Any]) -> dict[str, dict[tuple[str, str], tuple[str, str, bool]]]:
    """task -> {(normalised dataset, normalised metric): (dataset, metric, higher_is_better)}.

    Accepts config Task objects, plain dicts with "benchmarks", or a list of benchmarks per task.
    """
    out = {}
    for task, spec in known_tasks.items():
        benches = spec if isinstance(spec, (list, tuple)) else _get(spec, "benchmarks", [])
        out[task] = {(_norm(_get(b, "dataset")), _norm(_get(b, "metric"))):
                     (_get(b, "dataset"), _get(b, "metric"), bool(_get(b, "higher_is_better", True))) for b in benches}
    return out


def _default_chip_check() -> Callable[[str], Any] | None:
    try:
        from extractors.chips import lookup
    except ImportError:  # without the catalog, chips are checked later, when compute is estimated
        return None
    return lookup


def _first_error(exc: ValidationError) -> list[tuple[str | None, str]]:
    out = []
    for err in exc.errors():
        column = str(err["loc"][0]) if err.get("loc") else None
        message = err["msg"].removeprefix("Value error, ")
        out.append((column, message))
    return out


def parse_contributions(path: str | Path, known_tasks: Mapping[str, Any], *,
                        chip_lookup: Callable[[str], Any] | None | str = "auto") -> tuple[list[Contribution], list[ContributionError]]:
    """Validate every row of a contribution CSV; return (good rows, errors with row numbers).

    `known_tasks` is config.tasks (task name -> Task with .benchmarks). `chip_lookup` checks that a
    chip is one our catalog knows ("auto": extractors.chips.lookup when importable; None: no check).
    """
    if chip_lookup == "auto":
        chip_lookup = _default_chip_check()
    benchmarks = _benchmarks(known_tasks)
    rows: list[Contribution] = []
    errors: list[ContributionError] = []
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            return [], [ContributionError(1, None, "the file is empty")]
        columns = [h.strip().lower() for h in header]
        missing = [c for c in REQUIRED_COLUMNS if c not in columns]
        if missing:
            return [], [ContributionError(1, None, f"missing required columns: {', '.join(missing)}")]
        if "arxiv_id" not in columns and "doi" not in columns:
            return [], [ContributionError(1, None, "need an arxiv_id or a doi column")]
        unknown = [c for c in columns if c and c not in REQUIRED_COLUMNS + OPTIONAL_COLUMNS]
        if unknown:
            errors.append(ContributionError(1, None, f"unknown columns ignored: {', '.join(unknown)}"))
        for number, record in enumerate(reader, start=2):
            if not any(cell.strip() for cell in record):
                continue
            if len(record) > len(columns):
                errors.append(ContributionError(number, None, f"{len(record)} cells but {len(columns)} columns"))
                continue
            cells = {c: v.strip() for c, v in zip(columns, record) if c in REQUIRED_COLUMNS + OPTIONAL_COLUMNS}
            row, row_errors = _validate_row(number, cells, benchmarks, chip_lookup)
            errors += row_errors
            if row is not None:
                rows.append(row)
    return rows, errors


def _validate_row(number: int, cells: dict[str, str], benchmarks, chip_lookup) -> tuple[Contribution | None, list[ContributionError]]:
    values: dict[str, Any] = {k: v for k, v in cells.items() if v != ""}
    problems: list[ContributionError] = []
    task = values.get("task")
    if task is not None and task not in benchmarks:
        problems.append(ContributionError(number, "task", f"unknown task {task!r}; known: {', '.join(sorted(benchmarks))}"))
    elif task is not None and "dataset" in values and "metric" in values:
        found = benchmarks[task].get((_norm(values["dataset"]), _norm(values["metric"])))
        accuracy_twin = _norm(values["metric"]).replace("error", "accuracy")
        if found is None and "error" in _norm(values["metric"]) and (_norm(values["dataset"]), accuracy_twin) in benchmarks[task]:
            # Top-k error and accuracy are one quantity (as the scorer treats them): store accuracy.
            found = benchmarks[task][(_norm(values["dataset"]), accuracy_twin)]
            try:
                values["value"] = str(100.0 - float(values["value"]))
            except (KeyError, ValueError):
                pass  # left for the model's own "value" error
        if found is None:
            known = "; ".join(f"{d} {m}" for d, m, _ in benchmarks[task].values())
            problems.append(ContributionError(number, "metric", f"{values['dataset']} {values['metric']} is not a "
                                                                f"benchmark of {task} ({known})"))
        else:
            values["dataset"], values["metric"], values["higher_is_better"] = found
    if chip_lookup is not None and values.get("chip") and chip_lookup(values["chip"]) is None:
        problems.append(ContributionError(number, "chip", f"unknown chip {values['chip']!r}"))
    try:
        row = Contribution(row=number, **values)
    except ValidationError as exc:
        problems += [ContributionError(number, column, message) for column, message in _first_error(exc)]
        return None, problems
    return (None, problems) if problems else (row, [])


def contributions_to_points(rows: list[Contribution], *, catalog=None,
                            utilization: float = DEFAULT_UTILIZATION) -> pd.DataFrame:
    """Points (the regression's columns) from validated rows, compute via analysis.compute:
    a stated `flops` is preferred over the hardware burden, as for extracted papers."""
    records = []
    for row in rows:
        hardware = [{"chip": row.chip, "count": row.count, "unit": row.unit}] if row.chip else []
        time = [{"hours": row.hours, "kind": "wall"}] if row.hours else []
        stated = [{"flops": row.flops}] if row.flops else []
        best = preferred(estimate_compute(hardware, time, stated, catalog=catalog, utilization=utilization))
        records.append({
            "task": row.task, "dataset": row.dataset, "metric": row.metric, "higher_is_better": row.higher_is_better,
            "score": row.value, "compute_flops": best.flops if best else None,
            "compute_method": best.method if best else None, "year": row.year, "arxiv_id": row.arxiv_id,
            "doi": row.doi, "paper": row.paper, "title": row.title,
            "chips": f"{row.count:g}x {row.chip} ({row.unit})" if row.chip else "", "source": "contribution",
            "source_row": row.row,
        })
    return pd.DataFrame(records)
