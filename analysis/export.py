"""Export a points DataFrame (one row per paper result with its compute) as CSV and Parquet."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd


def _flat(points: pd.DataFrame) -> pd.DataFrame:
    """Parquet needs one type per column: dict/list cells (estimate inputs, id lists) become JSON text."""
    frame = points.copy()
    for column in frame.columns:
        if frame[column].dtype == object and frame[column].map(lambda v: isinstance(v, (dict, list, tuple))).any():
            frame[column] = frame[column].map(
                lambda v: json.dumps(v, sort_keys=True, default=str) if isinstance(v, (dict, list, tuple)) else v)
    return frame


def to_csv(points: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _flat(points).to_csv(path, index=False)
    return path


def to_parquet(points: pd.DataFrame, path: str | Path) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    _flat(points).to_parquet(path, index=False, engine="pyarrow")
    return path


def export_points(points: pd.DataFrame, out_dir: str | Path, *, stem: str = "points",
                  formats: tuple[str, ...] = ("csv", "parquet")) -> dict[str, Path]:
    """Write `<out_dir>/<stem>.csv` and/or `.parquet`; return {format: path}."""
    writers = {"csv": to_csv, "parquet": to_parquet}
    unknown = set(formats) - set(writers)
    if unknown:
        raise ValueError(f"unknown export formats {sorted(unknown)}; use csv and/or parquet")
    return {fmt: writers[fmt](points, Path(out_dir) / f"{stem}.{fmt}") for fmt in formats}
