"""Analysis layer, pure functions: compute estimates (compute.py), scaling regressions
(regression.py), the HTML report (report.py) and CSV/Parquet export (export.py)."""
