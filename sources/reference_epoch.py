"""Import Epoch AI's "All ML Systems" table and compare our compute estimates with theirs.

Epoch's data (CC BY 4.0, ../shared/reference/epoch/) is reference material: used to check what the
pipeline estimates, never inside extraction. Their hardware method is chips x peak x time x
utilization (0.3 for language models, 0.4 otherwise, or a reported MFU); their operation counting is
6 x parameters x tokens. Epoch counts TPUs in chips.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from analysis.compute import Catalog, hardware_estimates
from analysis.ids import all_arxiv_ids

# Epoch's column -> our column.
COLUMNS = {
    "Model": "model", "Publication date": "publication_date", "Domain": "domain", "Task": "task",
    "Link": "link", "Parameters": "parameters", "Training compute (FLOP)": "training_compute_flop",
    "Training compute lower bound": "training_compute_low", "Training compute upper bound": "training_compute_high",
    "Training compute estimation method": "estimation_method", "Training hardware": "hardware",
    "Hardware quantity": "hardware_quantity", "Training time (hours)": "training_time_hours",
    "Training chip-hours": "chip_hours", "Hardware utilization (MFU)": "utilization",
    "Numerical format": "numerical_format", "Training dataset size (datapoints)": "dataset_size",
}
_NUMERIC = ("parameters", "training_compute_flop", "training_compute_low", "training_compute_high",
            "hardware_quantity", "training_time_hours", "chip_hours", "utilization", "dataset_size")
# Epoch's "Numerical format" -> the chip catalog's precision for the matching peak.
FORMAT_PRECISION = {"FP32": "fp32", "TF32": "tf32", "BF16": "bf16", "FP16": "fp16_tensor", "FP8": "fp8"}


def read_epoch_systems(path: str | Path) -> pd.DataFrame:
    """all_ml_systems.csv as a tidy frame: our column names, numbers as floats, `arxiv_id` (the first
    arXiv link of the row, without version; None when the row links no arXiv paper), `arxiv_ids`
    (all of them) and `year`."""
    raw = pd.read_csv(path)
    missing = [c for c in COLUMNS if c not in raw.columns]
    if missing:
        raise ValueError(f"{path}: not Epoch's All ML Systems table (missing {missing})")
    frame = raw[list(COLUMNS)].rename(columns=COLUMNS)
    for column in _NUMERIC:
        frame[column] = pd.to_numeric(frame[column], errors="coerce")
    frame["arxiv_ids"] = frame["link"].map(all_arxiv_ids)
    frame["arxiv_id"] = frame["arxiv_ids"].map(lambda ids: ids[0] if ids else None)
    frame["year"] = pd.to_datetime(frame["publication_date"], errors="coerce").dt.year
    return frame


def epoch_records(path: str | Path) -> list[dict]:
    """The same rows as plain dicts (NaN -> None), for storing."""
    frame = read_epoch_systems(path)
    return [{k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
            for row in frame.to_dict("records")]


def compare_with_epoch(ours: pd.DataFrame, epoch: pd.DataFrame, *, within: float = 2.0) -> tuple[pd.DataFrame, dict]:
    """Join our per-paper compute (columns arxiv_id, flops) with Epoch's training compute.

    Several Epoch rows (or several of ours) can share one paper; each side is represented by its
    largest figure, the headline model. Returns the joined table with ratio = ours / Epoch and a
    summary: n (papers with both figures), median_ratio, share_within (0.5..2x by default),
    median_abs_log10_ratio, and how many of our papers Epoch lists at all.
    """
    ours = ours[["arxiv_id", "flops"]].dropna()
    ours = ours[ours["flops"] > 0].groupby("arxiv_id", as_index=False)["flops"].max()
    theirs = epoch.dropna(subset=["arxiv_id", "training_compute_flop"])
    theirs = theirs[theirs["training_compute_flop"] > 0]
    best = theirs.sort_values("training_compute_flop", ascending=False).drop_duplicates("arxiv_id")
    counts = theirs.groupby("arxiv_id").size().rename("epoch_rows")
    table = ours.merge(best[["arxiv_id", "model", "training_compute_flop", "estimation_method", "hardware",
                             "hardware_quantity", "training_time_hours"]], on="arxiv_id", how="inner")
    table = table.merge(counts, left_on="arxiv_id", right_index=True, how="left")
    table = table.rename(columns={"training_compute_flop": "epoch_flops", "model": "epoch_model"})
    table["ratio"] = table["flops"] / table["epoch_flops"]
    table["within"] = (table["ratio"] <= within) & (table["ratio"] >= 1 / within)
    log_ratio = np.log10(table["ratio"])
    summary = {
        "n": int(len(table)),
        "n_ours": int(len(ours)),
        "n_listed_by_epoch": int(ours["arxiv_id"].isin(epoch["arxiv_id"].dropna()).sum()),
        "median_ratio": float(table["ratio"].median()) if len(table) else float("nan"),
        "share_within": float(table["within"].mean()) if len(table) else float("nan"),
        "within_factor": within,
        "median_abs_log10_ratio": float(log_ratio.abs().median()) if len(table) else float("nan"),
    }
    return table.sort_values("arxiv_id", ignore_index=True), summary


def recompute_epoch_hardware(epoch: pd.DataFrame, *, catalog: Catalog | None = None,
                             utilization: float | None = None) -> pd.DataFrame:
    """Our hardware formula on Epoch's own hardware/quantity/hours (arXiv rows with all three and
    Epoch's compute), at the study's fp32 convention and at the row's stated numerical format.

    `our_flops_*` are peak burdens (no utilization); `our_utilized_format` applies the row's MFU when
    Epoch gives one, else `utilization` (default: Epoch's 0.3 for language, 0.4 otherwise). Rows whose
    hardware lists several chips, or a chip our catalog lacks, get a reason instead of numbers.
    """
    usable = epoch.dropna(subset=["arxiv_id", "hardware", "hardware_quantity", "training_time_hours",
                                  "training_compute_flop"])
    rows = []
    for _, row in usable.iterrows():
        record = {"arxiv_id": row["arxiv_id"], "model": row["model"], "hardware": row["hardware"],
                  "hardware_quantity": row["hardware_quantity"], "training_time_hours": row["training_time_hours"],
                  "numerical_format": row["numerical_format"], "epoch_flops": row["training_compute_flop"],
                  "estimation_method": row["estimation_method"], "reason": ""}
        if "," in str(row["hardware"]):
            rows.append({**record, "reason": "several chip types"})
            continue
        hardware = [{"chip": str(row["hardware"]), "count": float(row["hardware_quantity"]), "unit": "chips"}]
        time = [{"hours": float(row["training_time_hours"]), "kind": "wall"}]
        fp32, skipped = hardware_estimates(hardware, time, catalog=catalog, utilization=1.0, tpu_peak="chip")
        if not fp32:
            rows.append({**record, "reason": "; ".join(p.reason for p in skipped)})
            continue
        fmt = row["numerical_format"].split(",")[0].strip().upper() if isinstance(row["numerical_format"], str) else ""
        precision = FORMAT_PRECISION.get(fmt)
        at_format = hardware_estimates(hardware, time, catalog=catalog, utilization=1.0, precision=precision,
                                       tpu_peak="chip")[0] if precision else []
        mfu = row["utilization"]
        if np.isnan(mfu) if isinstance(mfu, float) else mfu is None:
            mfu = utilization if utilization is not None else (0.3 if row["domain"] == "Language" else 0.4)
        record.update(chip=fp32[0].inputs["chip"], our_flops_fp32=fp32[0].flops,
                      our_flops_format=at_format[0].flops if at_format else np.nan, utilization_used=mfu)
        record["our_utilized_format"] = record["our_flops_format"] * mfu
        record["ratio_utilized_format"] = record["our_utilized_format"] / record["epoch_flops"]
        record["ratio_utilized_fp32"] = record["our_flops_fp32"] * mfu / record["epoch_flops"]
        if not fmt:
            record["reason"] = "Epoch states no numerical format"
        elif not at_format:
            record["reason"] = f"no {fmt} peak for this chip in our catalog"
        rows.append(record)
    return pd.DataFrame(rows)
