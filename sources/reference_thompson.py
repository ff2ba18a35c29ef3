"""Import the hand-curated data of Thompson et al., "The Computational Limits of Deep Learning".

The study's CSVs (one per benchmark, see ../shared/reference/README.md) have four header rows: row 1
holds the column names, rows 2-4 are group labels, data starts at row 5. This module turns them into
tidy frames, reproduces the study's published regressions with analysis.regression, and recomputes
its hardware burden from its own chip/count/time columns with our chip catalog, to show where our
compute formula and theirs agree.

Reference data only: never used inside extraction.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compute import Catalog, arithmetic_estimate, resolve_catalog, chip_peak, hardware_estimates
from analysis.ids import arxiv_id_from_text

STUDY_SOURCE = "reference:thompson2022"  # provenance of everything imported from the study
STUDY_VERSION = "62f1e4d"  # the study repository's commit the CSVs come from (../shared/reference/README.md)
PHASES = ("pretraining", "training", "finetuning")
# File -> (task key of config.yaml, dataset, {score column: metric}). All these metrics are
# percentages (or BLEU points) where higher is better.
STUDY_FILES: dict[str, tuple[str, str, dict[str, str]]] = {
    "image-classification-on-imagenet.csv": (
        "image_classification", "ImageNet", {"(TOP 1 score)": "top-1 accuracy", "(TOP 5 score)": "top-5 accuracy"}),
    "object-detection-on-coco.csv": (
        "object_detection", "COCO",
        {"(BOX AP)": "AP", "(AP50)": "AP50", "(AP75)": "AP75", "(APS)": "APS", "(APM)": "APM", "(APL)": "APL"}),
    "question-answering-on-squad-1-1.csv": ("question_answering", "SQuAD 1.1", {"(EM score)": "EM", "(F1 score)": "F1"}),
    "named-entity-recognition-on-conll-2003.csv": ("named_entity_recognition", "CoNLL-2003", {"(F1 score)": "F1"}),
    "machine-translation-on-wmt2014-en-de.csv": ("machine_translation", "WMT14 EN-DE", {"(BLEU)": "BLEU", "(SACREBLEU)": "SacreBLEU"}),
    "machine-translation-on-wmt2014-en-fr.csv": ("machine_translation", "WMT14 EN-FR", {"(BLEU)": "BLEU", "(SACREBLEU)": "SacreBLEU"}),
}

# The fits published in the study (arXiv 2007.05558 v2): n, slope, R², polynomial degree 1/|slope|.
# Kept for side-by-side comparison only; our numbers always come from refitting the data.
PUBLISHED_FITS: dict[tuple[str, str], dict[str, float]] = {
    ("ImageNet", "top-1 accuracy"): {"n": 36, "slope": -0.0933, "r2": 0.766, "degree": 10.7},
    ("COCO", "AP"): {"n": 13, "slope": 0.0599, "r2": 0.776, "degree": 16.7},
    ("SQuAD 1.1", "EM"): {"n": 12, "slope": 0.0956, "r2": 0.872, "degree": 10.5},
    ("CoNLL-2003", "F1"): {"n": 12, "slope": 0.0269, "r2": 0.417, "degree": 37.2},
    ("WMT14 EN-DE", "BLEU"): {"n": 12, "slope": 0.0141, "r2": 0.188, "degree": 71.0},
    ("WMT14 EN-FR", "BLEU"): {"n": 14, "slope": 0.0236, "r2": 0.147, "degree": 42.3},
}

# The study's fit of ImageNet top-1 error on operations per forward pass (its notebook
# notebooks/image-classification-on-imagenet.ipynb, "Operations per Forward Pass", commit 62f1e4d):
# x = flops, else 2 x multiadds. Reproducing it checks that we read the study's mult-adds convention.
PUBLISHED_FORWARD_PASS_FIT = {("ImageNet", "top-1 accuracy"): {"n": 110, "slope": -0.0821, "r2": 0.606}}

# Short, stable names for the files, used in imported papers' keys ("ref:thompson2022:imagenet:17").
FILE_KEYS = {"image-classification-on-imagenet.csv": "imagenet", "object-detection-on-coco.csv": "coco",
             "question-answering-on-squad-1-1.csv": "squad11", "named-entity-recognition-on-conll-2003.csv": "conll2003",
             "machine-translation-on-wmt2014-en-de.csv": "wmt14ende", "machine-translation-on-wmt2014-en-fr.csv": "wmt14enfr"}

_NUMERIC_SUFFIXES = ("_time_total_sec", "_time_tpu_core_days", "_amount", "_ptp_gflops", "_epochs", "_set_size")
_NUMERIC = ("year", "parameters", "flops", "multiadds", "fp_bp_ratio", "network_operations", "hardware_burden")
HEADER_ROWS = 4


def read_study_csv(path: str | Path) -> pd.DataFrame:
    """One study CSV as a wide frame, one row per model, plus task/dataset/arxiv_id/paper columns.

    `paper` is the arXiv id when the link is an arXiv link, else the link, else the title.
    """
    path = Path(path)
    if path.name not in STUDY_FILES:
        raise ValueError(f"{path.name} is not one of the study's files: {sorted(STUDY_FILES)}")
    task, dataset, _ = STUDY_FILES[path.name]
    frame = pd.read_csv(path, header=0, skiprows=range(1, HEADER_ROWS), skip_blank_lines=False)  # rows 2-4: group labels
    frame["csv_row"] = frame.index + HEADER_ROWS + 1  # the spreadsheet row number (names are row 1)
    frame = frame.dropna(how="all", subset=[c for c in frame.columns if c != "csv_row"]).reset_index(drop=True)
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in frame.columns:
        if column in _NUMERIC or column.endswith(_NUMERIC_SUFFIXES) or column.startswith("("):
            frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame.insert(0, "source_file", path.name)
    frame.insert(1, "task", task)
    frame.insert(2, "dataset", dataset)
    frame["arxiv_id"] = frame["paper_link"].map(arxiv_id_from_text)
    frame["paper"] = frame["arxiv_id"].fillna(frame["paper_link"]).fillna(frame["title"])
    frame["chips"] = frame.apply(_chips_text, axis=1)
    frame["hardware"] = frame.apply(_hardware_items, axis=1)
    time_columns = [f"{phase}_time_total_sec" for phase in PHASES if f"{phase}_time_total_sec" in frame.columns]
    frame["training_time_sec"] = frame[time_columns].sum(axis=1, min_count=1)
    return frame


def load_study(folder: str | Path) -> pd.DataFrame:
    """All six study CSVs in `folder`, concatenated (wide, one row per model per benchmark file)."""
    folder = Path(folder)
    frames = [read_study_csv(folder / name) for name in STUDY_FILES if (folder / name).exists()]
    if not frames:
        raise FileNotFoundError(f"no study CSVs in {folder}")
    return pd.concat(frames, ignore_index=True)


def _chips_text(row: pd.Series) -> str:
    parts = []
    for phase in PHASES:
        for kind in ("gpu", "tpu", "cpu"):
            model, amount = row.get(f"{phase}_{kind}_model"), row.get(f"{phase}_{kind}_amount")
            if isinstance(model, str) and model.strip():
                count = "" if pd.isna(amount) else f"{amount:g}x "
                unit = " devices" if kind == "tpu" else ""
                parts.append(f"{phase}: {count}{model.strip()}{unit}")
    return "; ".join(parts)


def _hardware_items(row: pd.Series) -> list[dict]:
    """The row's chips in the scorer's format, with the phase; the study counts TPUs per device."""
    items = []
    for phase in PHASES:
        for kind, unit in (("gpu", "chips"), ("tpu", "devices"), ("cpu", "chips")):
            model, amount = row.get(f"{phase}_{kind}_model"), row.get(f"{phase}_{kind}_amount")
            if isinstance(model, str) and model.strip():
                items.append({"chip": model.strip(), "count": None if pd.isna(amount) else float(amount),
                              "unit": unit, "phase": phase})
    return items


def study_spec(dataset: str) -> str:
    """The study's regression form for a benchmark: log10(error) for ImageNet, log10(1/(1 - score/100))
    for the other tasks (analysis.regression spec names)."""
    return "study_imagenet" if dataset == "ImageNet" else "study_logit"


def study_points(study: pd.DataFrame) -> pd.DataFrame:
    """Long form: one row per model and metric with a score, in the points format of
    analysis.regression (compute_flops = the study's hardware_burden, which may be missing)."""
    rows = []
    for source_file, part in study.groupby("source_file", sort=False):
        _, _, metrics = STUDY_FILES[source_file]
        for column, metric in metrics.items():
            if column not in part.columns:
                continue
            scored = part[part[column].notna()]
            rows.append(pd.DataFrame({
                "task": scored["task"], "dataset": scored["dataset"], "metric": metric,
                "higher_is_better": True, "score": scored[column],
                "compute_flops": scored["hardware_burden"], "hardware_burden": scored["hardware_burden"],
                "network_operations": scored["network_operations"], "year": scored["year"],
                "arxiv_id": scored["arxiv_id"], "paper": scored["paper"], "name": scored["name"],
                "title": scored["title"], "paper_link": scored["paper_link"], "chips": scored["chips"],
                "hardware": scored["hardware"], "training_time_sec": scored["training_time_sec"],
                "parameters": scored["parameters"] if "parameters" in scored else np.nan,
                "forward_ops": forward_ops(scored),
                "compute_method": "study hardware burden",
            }))
    return pd.concat(rows, ignore_index=True)


def forward_ops(study: pd.DataFrame) -> pd.Series:
    """Operations per forward pass the study's way: its `flops` column, else 2 x `multiadds`."""
    flops = study["flops"] if "flops" in study else pd.Series(np.nan, index=study.index)
    madds = study["multiadds"] if "multiadds" in study else pd.Series(np.nan, index=study.index)
    return flops.combine_first(2.0 * madds)


def recompute_network_operations(study: pd.DataFrame) -> pd.DataFrame:
    """Our operation count (analysis.compute.arithmetic_estimate: forward x 3 x examples x epochs,
    multiply-adds doubled) from the study's own flops/multiadds, epochs and set-size columns, summed over
    pretraining and training, next to its `network_operations`. Rows without that column are left out."""
    rows = []
    for _, row in study[study["network_operations"].notna()].iterrows():
        total, phases = 0.0, []
        for phase in ("pretraining", "training"):
            epochs, size = row.get(f"{phase}_epochs"), row.get(f"{phase}_set_size")
            if pd.isna(epochs) or pd.isna(size):
                continue
            inputs = {"examples": float(size), "epochs": float(epochs)}
            if not pd.isna(row.get("flops")):
                inputs["forward_flops"] = float(row["flops"])
            elif not pd.isna(row.get("multiadds")):
                inputs["multiadds"] = float(row["multiadds"])
            estimate = arithmetic_estimate(inputs)
            if estimate is not None:
                total += estimate.flops
                phases.append(phase)
        study_ops = float(row["network_operations"])
        rows.append({"dataset": row["dataset"], "name": row["name"], "study_network_operations": study_ops,
                     "our_network_operations": total or np.nan, "phases": "+".join(phases),
                     "ratio": total / study_ops if total else np.nan})
    return pd.DataFrame(rows)


def study_records(folder: str | Path) -> list[dict]:
    """study_points of every file in `folder` as plain dicts (NaN -> None), for storing."""
    points = study_points(load_study(folder))
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
            for row in points.to_dict("records")]


def _phase_inputs(row: pd.Series, phase: str) -> tuple[list[dict], list[dict], list[str]]:
    """Hardware and time items of one training phase in the scorer's format, plus notes."""
    seconds = row.get(f"{phase}_time_total_sec")
    core_days = row.get(f"{phase}_time_tpu_core_days")
    hardware, times, notes = [], [], []
    for kind, unit in (("gpu", "chips"), ("tpu", "devices"), ("cpu", "chips")):
        model, amount = row.get(f"{phase}_{kind}_model"), row.get(f"{phase}_{kind}_amount")
        if isinstance(model, str) and model.strip() and not pd.isna(amount):
            if kind == "cpu":
                notes.append(f"{phase}: CPU {model.strip()} counted by the study, not by our catalog")
                continue
            hardware.append({"chip": model.strip(), "count": float(amount), "unit": unit})
    if not pd.isna(core_days):
        # The study stores TPU totals as core-days (time_total_sec then holds core- or device-seconds
        # depending on the row); the core-day total is the unambiguous figure.
        times.append({"hours": float(core_days) * 24.0, "kind": "chip-hours", "unit": "cores"})
        notes.append(f"{phase}: TPU core-days total")
    elif not pd.isna(seconds):
        times.append({"hours": float(seconds) / 3600.0, "kind": "wall"})
    return hardware, times, notes


def _study_inputs_burden(row: pd.Series) -> float:
    """The study's formula applied to its own columns: Σ seconds x amount x peak GFLOP/s x 1e9."""
    total = 0.0
    for phase in PHASES:
        seconds = row.get(f"{phase}_time_total_sec")
        if pd.isna(seconds):
            continue
        for kind in ("gpu", "tpu", "cpu"):
            amount, gflops = row.get(f"{phase}_{kind}_amount"), row.get(f"{phase}_{kind}_ptp_gflops")
            if not pd.isna(amount) and not pd.isna(gflops):
                total += float(seconds) * float(amount) * float(gflops) * 1e9
    return total if total > 0 else np.nan


def compare_burden(study: pd.DataFrame, *, catalog: Catalog | None = None, tolerance: float = 0.10) -> pd.DataFrame:
    """Our hardware burden (analysis.compute, our chip catalog, no utilization) for every study row
    that has a hardware_burden, next to the study's figure, with the reason when they differ.

    Reasons, in the order checked: chip missing from our catalog; no usable time; the study's burden
    does not follow from its own listed inputs; our peak FLOP/s for the chip differs from the study's;
    CPU terms the study adds; otherwise "other".
    """
    resolve = resolve_catalog(catalog)
    rows = []
    for _, row in study[study["hardware_burden"].notna()].iterrows():
        ours, notes, problems, peaks = 0.0, [], [], []
        for phase in PHASES:
            hardware, times, phase_notes = _phase_inputs(row, phase)
            notes += phase_notes
            if not hardware or not times:
                continue
            estimates, skipped = hardware_estimates(hardware, times, catalog=resolve, utilization=1.0)
            problems += [p.reason for p in skipped]
            ours += sum(e.flops for e in estimates)
            for item in hardware:
                spec = resolve(item["chip"])
                if spec is None:
                    continue
                kind = "tpu" if getattr(spec, "kind", "") == "tpu" else "gpu"
                study_gflops = row.get(f"{phase}_{kind}_ptp_gflops")
                per_chip_study = float(study_gflops) * 1e9 / (getattr(spec, "chips_per_device", 1) if kind == "tpu" else 1)
                peaks.append((item["chip"], getattr(spec, "name", item["chip"]), chip_peak(spec)[0], per_chip_study))
        study_burden = float(row["hardware_burden"])
        from_inputs = _study_inputs_burden(row)
        ratio = ours / study_burden if ours > 0 else np.nan
        within = bool(ours > 0 and abs(ratio - 1) <= tolerance)
        rows.append({
            "task": row["task"], "dataset": row["dataset"], "name": row["name"], "paper": row["paper"],
            "chips": row["chips"], "study_burden": study_burden, "study_inputs_burden": from_inputs,
            "our_burden": ours if ours > 0 else np.nan, "ratio": ratio, "within_tolerance": within,
            "reason": "" if within else _difference_reason(ours, study_burden, from_inputs, problems, peaks, notes, tolerance),
        })
    return pd.DataFrame(rows)


def _difference_reason(ours, study_burden, from_inputs, problems, peaks, notes, tolerance) -> str:
    if problems and ours <= 0:
        return "; ".join(dict.fromkeys(problems))
    cpu = [n for n in notes if "CPU" in n]
    if ours <= 0:
        return "; ".join(cpu) if cpu else "no chip count and time for any phase"
    if not np.isnan(from_inputs) and abs(from_inputs / study_burden - 1) > tolerance:
        return (f"the study's burden ({study_burden:.3g}) does not follow from its own inputs "
                f"({from_inputs:.3g}): a total or phase not in the columns")
    differing = [f"{written}: our {name} peak {ours_peak / 1e12:.3g} vs study {theirs / 1e12:.3g} TFLOP/s"
                 for written, name, ours_peak, theirs in peaks
                 if ours_peak and theirs and not np.isnan(theirs) and abs(ours_peak / theirs - 1) > tolerance / 2]
    if differing:
        return "peak differs: " + "; ".join(dict.fromkeys(differing))
    if cpu:
        return "; ".join(cpu)
    if problems:
        return "; ".join(dict.fromkeys(problems))
    return "other"


def _reason_kind(reason: str) -> str:
    for marker, kind in (("peak differs", "peak differs"), ("not in the catalog", "chip not in our catalog"),
                         ("CPU", "CPU counted by the study"), ("does not follow", "study burden inconsistent with its inputs"),
                         ("no peak", "no peak in our catalog"), ("no chip count", "no count or time")):
        if marker in reason:
            return kind
    return "other"


def burden_summary(table: pd.DataFrame) -> dict:
    """n, how many rows agree within tolerance, and the reasons for the rest (grouped by kind)."""
    kinds = table.loc[~table["within_tolerance"], "reason"].map(_reason_kind)
    return {"n": int(len(table)), "within_tolerance": int(table["within_tolerance"].sum()),
            "median_ratio": float(table["ratio"].median()),
            "reasons": kinds.value_counts().to_dict()}
