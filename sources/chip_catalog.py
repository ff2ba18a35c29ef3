"""Build the chip catalog's Epoch part (extractors/chips_epoch.yaml) from Epoch AI's chip table.

Input: Epoch's chips.csv (../shared/reference/epoch/chips.csv, from epoch-research/training-cost-trends;
Epoch AI, CC BY 4.0) and sources/chip_selection.yaml (which Epoch rows become which catalog chips, with
the spellings papers use). Output: a YAML file that extractors/chips.py loads beside the study's own
catalog (extractors/chips.yaml). Re-running on the same inputs writes the same bytes.

Which Epoch column gives which precision (FLOP/s; int8 in OP/s):
  fp64        "FP64 (double precision) performance (FLOP/s)"
  fp32        "FP32 (single precision) performance (FLOP/s)"
  tf32        "TF32 (TensorFloat-32) performance (FLOP/s)"
  fp16        "FP16 (half precision) performance (FLOP/s)"  (vector half precision; for chips marked
              fp16_is_matrix in the selection, e.g. AMD Instinct, Ascend, Cerebras, Epoch's figure is
              the matrix-unit rate and becomes fp16_tensor)
  bf16, fp16_tensor  "Tensor-FP16/BF16 performance (FLOP/s)"  (tensor-core / MXU rate; TPUs: bf16 only)
  fp8         "FP8 performance (FLOP/s)"
  int8        "INT8 performance (OP/s)"
Epoch's figures are dense (no structured sparsity) for the rows selected here.

The study's conventions win: a chip the study's catalog already has (V100, K80, TPU v3, ...) keeps its
figures; the generator lists where Epoch differs (e.g. Epoch's K80 8.13 vs the study's 8.73 TFLOP/s
boost figure) and only adds Epoch's spellings and form-factor variants to it.
"""
from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

SELECTION_PATH = Path(__file__).with_name("chip_selection.yaml")
_EXTRACTORS = Path(__file__).resolve().parent.parent / "extractors"
STUDY_CATALOG_PATH = _EXTRACTORS / "chips.yaml"
OUTPUT_PATH = _EXTRACTORS / "chips_epoch.yaml"

ATTRIBUTION = ("Epoch AI, 'Data on Machine Learning Hardware' chip table (chips.csv from "
               "epoch-research/training-cost-trends), licensed CC BY 4.0: https://epoch.ai/data")
NAME_COLUMN = "Hardware name"
# Our precision -> Epoch's column (see the module docstring for fp16 and the tensor column).
PRECISION_COLUMNS = {
    "fp64": "FP64 (double precision) performance (FLOP/s)",
    "fp32": "FP32 (single precision) performance (FLOP/s)",
    "tf32": "TF32 (TensorFloat-32) performance (FLOP/s)",
    "fp16": "FP16 (half precision) performance (FLOP/s)",
    "tensor": "Tensor-FP16/BF16 performance (FLOP/s)",
    "fp8": "FP8 performance (FLOP/s)",
    "int8": "INT8 performance (OP/s)",
}
# A difference between the study's figure and Epoch's smaller than this is rounding, not a convention.
_SAME = 0.02


class ChipImportError(ValueError):
    """The chip table or the selection cannot be used (missing column, unknown row, duplicate name)."""


@dataclass
class ImportReport:
    path: Path
    chips: int = 0  # new chips written from Epoch
    study_chips: int = 0  # chips the study's catalog already has
    differences: list[dict[str, Any]] = field(default_factory=list)
    missing_peaks: list[str] = field(default_factory=list)  # chips written without any peak


def _number(text: str | None) -> float | None:
    if text is None or not str(text).strip():
        return None
    try:
        value = float(str(text).replace(",", ""))
    except ValueError:
        return None
    return value if value > 0 and value == value else None


def read_epoch_rows(path: str | Path) -> dict[str, dict[str, str]]:
    """Epoch's rows by hardware name (the first row of a repeated name wins)."""
    text = Path(path).read_text(encoding="utf-8-sig")
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in (NAME_COLUMN, *PRECISION_COLUMNS.values()) if c not in (reader.fieldnames or [])]
    if missing:
        raise ChipImportError(f"{path}: not Epoch's chip table (missing column {missing[0]!r})")
    rows: dict[str, dict[str, str]] = {}
    for row in reader:
        name = (row.get(NAME_COLUMN) or "").strip()
        if name:
            rows.setdefault(name, row)
    return rows


def epoch_peaks(row: dict[str, str], kind: str, fp16_is_matrix: bool = False) -> dict[str, float]:
    """Our precision -> FLOP/s from one Epoch row (see PRECISION_COLUMNS)."""
    peaks: dict[str, float] = {}
    for precision, column in PRECISION_COLUMNS.items():
        value = _number(row.get(column))
        if value is None:
            continue
        if precision == "tensor":
            peaks["bf16"] = value
            if kind != "tpu":  # TPUs have no fp16 matrix unit
                peaks["fp16_tensor"] = value
        elif precision == "fp16" and fp16_is_matrix:
            peaks.setdefault("fp16_tensor", value)
        else:
            peaks[precision] = value
    return peaks


def _year(row: dict[str, str]) -> int | None:
    match = re.match(r"(\d{4})-", (row.get("Release date") or "").strip())
    return int(match.group(1)) if match else None


def _source(row: dict[str, str]) -> str:
    links = re.findall(r"https?://\S+", row.get("Link to datasheet") or "")
    return links[0].rstrip(";,") if links else ""


def _study_catalog(path: Path) -> dict[str, dict[str, Any]]:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {row["name"]: row for row in data.get("chips", [])}


def build_catalog(epoch_csv: str | Path, selection_path: str | Path = SELECTION_PATH,
                  study_path: str | Path = STUDY_CATALOG_PATH) -> dict[str, Any]:
    """The Epoch part of the catalog as plain data: {"chips": [...], "extend": [...], "differences": [...]}.

    "chips": chips the study's catalog does not have, with Epoch's peaks (and the selection's fills);
    "extend": aliases and variants for the study's chips; "differences": where Epoch's figure for a
    study chip differs by more than 2% (the study's figure is kept)."""
    rows = read_epoch_rows(epoch_csv)
    selection = yaml.safe_load(Path(selection_path).read_text(encoding="utf-8")) or {}
    study = _study_catalog(Path(study_path))
    chips: list[dict[str, Any]] = []
    extend: list[dict[str, Any]] = []
    differences: list[dict[str, Any]] = []
    seen: set[str] = set()
    for entry in selection.get("chips", []):
        name, kind = entry["name"], entry.get("kind", "gpu")
        if name in seen:
            raise ChipImportError(f"selection: {name!r} is listed twice")
        seen.add(name)
        row = rows.get(entry["epoch"])
        if row is None:
            raise ChipImportError(f"selection: {name!r} names Epoch row {entry['epoch']!r}, which is not in the table")
        peaks = epoch_peaks(row, kind, bool(entry.get("fp16_is_matrix")))
        variants = {}
        for variant, variant_row_name in sorted((entry.get("variants") or {}).items()):
            variant_row = rows.get(variant_row_name)
            if variant_row is None:
                raise ChipImportError(f"selection: variant {variant!r} of {name!r} names unknown row {variant_row_name!r}")
            variants[variant] = epoch_peaks(variant_row, kind, bool(entry.get("fp16_is_matrix")))
        aliases = list(entry.get("aliases") or [])
        if name in study:
            differences.extend(_differences(name, study[name].get("peak") or {}, peaks, entry["epoch"]))
            known_variants = set((study[name].get("variants") or {}))
            addition = {"name": name, "epoch_name": entry["epoch"], "aliases": aliases,
                        "variants": {k: v for k, v in variants.items() if k not in known_variants and v}}
            if addition["aliases"] or addition["variants"]:
                extend.append(addition)
            continue
        fills = {k: float(v) for k, v in (entry.get("fill") or {}).items()}
        filled = sorted(k for k in fills if k not in peaks)
        peaks = {**peaks, **{k: fills[k] for k in filled}}
        chip: dict[str, Any] = {"name": name, "kind": kind, "year": _year(row), "peak": peaks,
                                "source": _source(row) or entry.get("fill_source") or f"Epoch AI chips.csv: {entry['epoch']}",
                                "epoch_name": entry["epoch"]}
        if filled:
            chip["filled"] = {"precisions": filled, "source": entry.get("fill_source", "")}
        for key in ("cores_per_chip", "chips_per_device", "chips_per_pod", "slice_unit", "dies_per_board"):
            if key in entry:
                chip[key] = entry[key]
        if kind == "tpu":
            chip.setdefault("cores_per_chip", 1)
            chip.setdefault("chips_per_device", 4)
        if variants:
            chip["variants"] = variants
        chip["aliases"] = aliases
        if entry.get("note"):
            chip["note"] = entry["note"]
        chips.append(chip)
    return {"chips": chips, "extend": extend, "differences": differences}


def _differences(name: str, study_peak: dict[str, Any], epoch_peak: dict[str, float], epoch_name: str) -> list[dict]:
    out = []
    for precision in sorted(set(study_peak) & set(epoch_peak)):
        ours, theirs = float(study_peak[precision]), epoch_peak[precision]
        if abs(ours - theirs) > _SAME * max(ours, theirs):
            out.append({"name": name, "precision": precision, "study": ours, "epoch": theirs,
                        "epoch_name": epoch_name, "kept": "study"})
    return out


def _num(value: float) -> str:
    """A float YAML reads back as a float ("1.0e+15", never "1e+15", which YAML 1.1 reads as text)."""
    mantissa, exponent = f"{value:.6e}".split("e")
    mantissa = mantissa.rstrip("0")
    mantissa += "0" if mantissa.endswith(".") else ""
    return f"{mantissa}e{exponent}"


def _flow(mapping: dict[str, Any]) -> str:
    parts = []
    for key, value in mapping.items():
        if isinstance(value, dict):
            parts.append(f"{key}: {_flow(value)}")
        elif isinstance(value, float):
            parts.append(f"{key}: {_num(value)}")
        else:
            parts.append(f"{key}: {_scalar(value)}")
    return "{" + ", ".join(parts) + "}"


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool | int):
        return str(value).lower() if isinstance(value, bool) else str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    return yaml.safe_dump(str(value), default_style='"', width=1000).strip()


def render(catalog: dict[str, Any], epoch_csv: str | Path) -> str:
    """The YAML text: attribution header, column notes, then chips, extensions and differences."""
    lines = [
        "# GENERATED by `progress reference import-chips` (sources/chip_catalog.py): do not edit by hand;",
        "# edit sources/chip_selection.yaml and run it again.",
        f"# Data: {ATTRIBUTION}.",
        f"# Input: {Path(epoch_csv).name} ({NAME_COLUMN!r} identifies a row: epoch_name below).",
        "# Precisions (FLOP/s per chip, dense; int8 in OP/s) come from Epoch's columns:",
    ]
    for precision, column in PRECISION_COLUMNS.items():
        ours = "bf16 and fp16_tensor (TPUs: bf16)" if precision == "tensor" else precision
        lines.append(f"#   {ours:<36} <- {column!r}")
    lines += [
        "#   (fp16_is_matrix chips: Epoch's FP16 column is their matrix rate and is stored as fp16_tensor)",
        "# `filled`: precisions Epoch's row lacks, taken from the vendor source named there.",
        "# The study's catalog (extractors/chips.yaml) wins: its chips keep their figures; `extend` only adds",
        "# spellings and form-factor variants to them, and `differences` lists where Epoch's figure differs.",
        "chips:",
    ]
    for chip in catalog["chips"]:
        lines.append(f"  - name: {_scalar(chip['name'])}")
        for key, value in chip.items():
            if key == "name":
                continue
            if key == "variants":
                lines.append("    variants:")
                for variant, peaks in value.items():
                    lines.append(f"      {variant}: {_flow(peaks)}")
            elif isinstance(value, dict):
                lines.append(f"    {key}: {_flow(value)}")
            else:
                lines.append(f"    {key}: {_scalar(value)}")
    lines.append("extend:")
    for addition in catalog["extend"]:
        lines.append(f"  - name: {_scalar(addition['name'])}")
        lines.append(f"    epoch_name: {_scalar(addition['epoch_name'])}")
        lines.append(f"    aliases: {_scalar(addition['aliases'])}")
        if addition["variants"]:
            lines.append("    variants:")
            for variant, peaks in addition["variants"].items():
                lines.append(f"      {variant}: {_flow(peaks)}")
    lines.append("differences:")
    for diff in catalog["differences"]:
        lines.append(f"  - {_flow(diff)}")
    return "\n".join(lines) + "\n"


def import_chips(epoch_csv: str | Path, out: str | Path = OUTPUT_PATH, *, selection_path: str | Path = SELECTION_PATH,
                 study_path: str | Path = STUDY_CATALOG_PATH) -> ImportReport:
    """Build and write the catalog's Epoch part; the report says what was written and what differs."""
    catalog = build_catalog(epoch_csv, selection_path, study_path)
    text = render(catalog, epoch_csv)
    yaml.safe_load(text)  # never write a file the catalog could not read back
    out = Path(out)
    out.write_text(text, encoding="utf-8")
    return ImportReport(path=out, chips=len(catalog["chips"]),
                        study_chips=_study_count(selection_path, study_path),
                        differences=catalog["differences"],
                        missing_peaks=[c["name"] for c in catalog["chips"] if not c["peak"]])


def _study_count(selection_path: str | Path, study_path: str | Path) -> int:
    selection = yaml.safe_load(Path(selection_path).read_text(encoding="utf-8")) or {}
    study = _study_catalog(Path(study_path))
    return sum(1 for entry in selection.get("chips", []) if entry["name"] in study)
