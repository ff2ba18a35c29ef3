"""Scaling regressions: how fast does error fall as training compute grows?

We fit ordinary least squares of log10(error) on log10(compute), per benchmark. With slope b,
error ∝ compute^b, i.e. compute ∝ error^(-1/b). The *degree* k = -1/b: halving the error multiplies the compute by 2^k;
k > 0 when error falls with compute.

Specs (what the y axis is; x is always log10 of the `compute_flops` column):
  "error"           our form: y = log10(error), error = 1 - accuracy (see `error_fraction`).
  "study_imagenet"  Thompson et al.'s ImageNet form: y = log10((100 - top1)/100) — the same as
                    "error" for accuracy metrics; kept as a name so study reproductions read clearly.
  "study_logit"     Thompson et al.'s form for other tasks: y = log10(1/(1 - score/100)) = -log10(error).
                    The slope has the opposite sign; R² and the degree are unchanged.
The study reports the degree as 1/|slope| (`degree_study`); we also give the signed k (`degree`),
which turns negative when error *rises* with compute instead of hiding that behind an absolute value.

Pure numpy/pandas/statsmodels: no database. Deterministic (no random state anywhere).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Iterable, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

SPECS = ("error", "study_imagenet", "study_logit")
THEORY_FLOOR_DEGREE = 4.0  # theory: compute grows at least with the 4th power of the error improvement
MIN_POINTS = 3  # two points always fit perfectly; a CI needs at least one residual degree of freedom
CONFIDENCE = 0.95


class InsufficientPointsError(ValueError):
    """Raised when fewer than MIN_POINTS usable points remain for a fit."""


@dataclass(frozen=True)
class FitResult:
    """One OLS fit of the spec's y on log10(compute) (and, with_year, on year).

    degree            k = -1/slope for y = log10(error) specs, +1/slope for "study_logit":
                      compute ∝ error^(-k); positive when error falls with compute.
    degree_study      1/|slope|, the study's published "polynomial degree".
    degree_ci_*       the slope's 95% CI mapped through k(slope); when that CI includes 0 the data are
                      compatible with no improvement at all and degree_ci_high is +inf.
    halving_multiple  2^k: the factor of compute needed to halve the error.
    theory_gap        k - 4 (degrees above the theoretical floor), theory_gap_factor = 2^(k - 4): how
                      many times more compute than the floor each halving of error costs.
    year_coef         with_year only: change in y per calendar year at fixed compute; years_per_10x_compute
                      = slope / year_coef, the years of algorithmic progress worth a 10x increase in
                      compute (NaN when progress and compute point in opposite directions).
    intercept         y at log10(compute) = 0 (and, with_year, at year = year_ref).
    """

    spec: str
    frontier: bool
    with_year: bool
    n: int
    n_dropped: int
    slope: float
    intercept: float
    ci_low: float
    ci_high: float
    slope_se: float
    intercept_se: float
    cov_intercept_slope: float
    df_resid: float
    r2: float
    residual_std: float
    degree: float
    degree_ci_low: float
    degree_ci_high: float
    degree_study: float
    halving_multiple: float
    halving_multiple_ci_low: float
    halving_multiple_ci_high: float
    theory_gap: float
    theory_gap_factor: float
    log10_compute_min: float
    log10_compute_max: float
    year_coef: float = math.nan
    year_coef_ci_low: float = math.nan
    year_coef_ci_high: float = math.nan
    year_ref: float = math.nan
    years_per_10x_compute: float = math.nan

    def as_dict(self) -> dict:
        return asdict(self)

    def predict_error(self, compute_flops) -> np.ndarray:
        """Fitted error at these compute values (at year_ref for with_year fits)."""
        y = self.intercept + self.slope * np.log10(np.asarray(compute_flops, dtype=float))
        return 10.0 ** (spec_sign(self.spec) * y)

    def error_band(self, compute_flops) -> tuple[np.ndarray, np.ndarray]:
        """95% confidence band of the fitted mean error (low, high) at these compute values."""
        x = np.log10(np.asarray(compute_flops, dtype=float))
        y = self.intercept + self.slope * x
        var = self.intercept_se**2 + x**2 * self.slope_se**2 + 2 * x * self.cov_intercept_slope
        half = stats.t.ppf(0.5 + CONFIDENCE / 2, self.df_resid) * np.sqrt(np.maximum(var, 0.0))
        a, b = 10.0 ** (spec_sign(self.spec) * (y - half)), 10.0 ** (spec_sign(self.spec) * (y + half))
        return np.minimum(a, b), np.maximum(a, b)


FIT_COLUMNS = tuple(f.name for f in fields(FitResult))


def spec_sign(spec: str) -> int:
    """+1 when the spec's y is log10(error), -1 when it is -log10(error) ("study_logit")."""
    if spec not in SPECS:
        raise ValueError(f"unknown spec {spec!r}; expected one of {SPECS}")
    return -1 if spec == "study_logit" else 1


def error_fraction(score, metric, higher_is_better) -> np.ndarray:
    """Error as a fraction, vectorised over arrays/Series.

    Scores are in percent (accuracy, AP, EM, F1, BLEU): error = (100 - score)/100. Lower-is-better
    metrics named "... error" are percent errors (score/100); other lower-is-better metrics
    (e.g. perplexity) are used directly. Scores are never rescaled by guessing their unit.
    """
    score = np.asarray(score, dtype=float)
    higher = _as_bool(higher_is_better)
    metric_text = pd.Series(np.asarray(metric, dtype=object)).astype(str).str.lower()
    percent_error = metric_text.str.contains("error", regex=False).to_numpy()
    lower = np.where(percent_error, score / 100.0, score)
    return np.where(higher, (100.0 - score) / 100.0, lower)


def _as_bool(values) -> np.ndarray:
    """Booleans from bools, 0/1 or text ("True"/"false"/"1"); np.asarray(["False"], bool) would be True."""
    plain = np.asarray(values)
    if plain.dtype == bool:
        return plain
    if np.issubdtype(plain.dtype, np.number) and np.isin(plain, (0, 1)).all():
        return plain.astype(bool)
    array = np.asarray(values, dtype=object).ravel() if not np.isscalar(values) else np.asarray([values], dtype=object)
    text = pd.Series(array).map(lambda v: str(v).strip().lower())
    unknown = ~text.isin(["true", "false", "1", "0", "1.0", "0.0", "yes", "no"])
    if unknown.any():
        raise ValueError(f"higher_is_better must be true/false, got {array[unknown.to_numpy()][0]!r}")
    result = text.isin(["true", "1", "1.0", "yes"]).to_numpy()
    return result if not np.isscalar(values) else result[0]


def _y_from_points(points: pd.DataFrame, spec: str) -> np.ndarray:
    error = error_fraction(points["score"], points["metric"], points["higher_is_better"])
    with np.errstate(divide="ignore", invalid="ignore"):
        return spec_sign(spec) * np.log10(error)


def _log_compute(points: pd.DataFrame) -> np.ndarray:
    compute = pd.to_numeric(points["compute_flops"], errors="coerce").to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log10(compute)


def _date_values(points: pd.DataFrame) -> np.ndarray:
    """Publication date as a float for ordering: `date` when present, else `year`."""
    if "date" in points.columns:
        dates = pd.to_datetime(points["date"], errors="coerce")
        frac = dates.dt.year + (dates.dt.day_of_year - 1) / 366.0
        if "year" in points.columns:
            frac = frac.fillna(pd.to_numeric(points["year"], errors="coerce"))
        return frac.to_numpy(dtype=float)
    if "year" not in points.columns:
        raise ValueError("frontier and with_year fits need a `year` (or `date`) column")
    return pd.to_numeric(points["year"], errors="coerce").to_numpy(dtype=float)


def frontier_mask(points: pd.DataFrame, groups: Sequence[str] = (), *, spec: str = "error") -> np.ndarray:
    """True for points that were the best (lowest error) in their group at their date.

    A point is on the frontier when no point published at the same or an earlier date has a lower
    error; ties stay on the frontier. Points without a date are never on it.
    """
    error = spec_sign(spec) * _y_from_points(points, spec)  # log10(error) whatever the spec
    error = np.where(fitted_mask(points), error, np.nan)  # a few-shot point sets no frontier it is not fitted on
    frame = pd.DataFrame({"err": error, "date": _date_values(points)}, index=np.arange(len(points)))
    keys = [points[g].to_numpy() for g in groups]
    for i, key in enumerate(keys):
        frame[f"g{i}"] = key
    group_cols = [f"g{i}" for i in range(len(keys))]
    usable = frame.dropna(subset=["err", "date"])
    usable = usable[np.isfinite(usable["err"])]
    # Best error per (group, date), then the running best over dates within the group.
    per_date = usable.groupby(group_cols + ["date"], sort=True, dropna=False)["err"].min()
    running = per_date.groupby(level=group_cols, sort=False, dropna=False).cummin() if group_cols else per_date.cummin()
    threshold = running.rename("best").reset_index()
    merged = usable.reset_index().merge(threshold, on=group_cols + ["date"], how="left")
    mask = np.zeros(len(points), dtype=bool)
    on_front = merged["err"].to_numpy() <= merged["best"].to_numpy() + 1e-12
    mask[merged["index"].to_numpy()[on_front]] = True
    return mask


def _degree_interval(lo: float, hi: float, sign: int) -> tuple[float, float]:
    """Map the slope CI [lo, hi] through k(b) = -sign/b, which is monotonic on each side of b = 0."""
    if lo < 0 < hi or lo == 0 or hi == 0:
        # The CI includes "no relation": k is unbounded (the set wraps through infinity). Report the
        # bounded end of the branch where error falls with compute, and +inf.
        ends = [-sign / b for b in (lo, hi) if b != 0]
        return (max(ends) if ends else -math.inf, math.inf)
    k_lo, k_hi = -sign / lo, -sign / hi
    return (min(k_lo, k_hi), max(k_lo, k_hi))


def _fit_arrays(x: np.ndarray, y: np.ndarray, year: np.ndarray | None, *, spec: str, frontier: bool,
                n_dropped: int) -> FitResult:
    n = len(x)
    if n < MIN_POINTS:
        raise InsufficientPointsError(f"need at least {MIN_POINTS} points with compute and score, got {n}")
    if np.ptp(x) == 0:
        raise InsufficientPointsError(f"all {n} points have the same compute; the slope is undefined")
    columns = [np.ones(n), x]
    year_ref = math.nan
    if year is not None:
        year_ref = float(np.mean(year))
        if np.ptp(year) == 0:
            raise InsufficientPointsError("with_year needs points from more than one year")
        if n < MIN_POINTS + 1:
            raise InsufficientPointsError(f"with_year needs at least {MIN_POINTS + 1} points, got {n}")
        columns.append(year - year_ref)  # centred so the intercept stays interpretable
    design = np.column_stack(columns)
    result = sm.OLS(y, design).fit()
    params, ci, cov = result.params, result.conf_int(1 - CONFIDENCE), result.cov_params()
    slope, lo, hi = float(params[1]), float(ci[1, 0]), float(ci[1, 1])
    sign = spec_sign(spec)
    degree = -sign / slope if slope != 0 else math.inf
    k_lo, k_hi = _degree_interval(lo, hi, sign)
    year_fields = {}
    if year is not None:
        year_coef = float(params[2])
        # Both coefficients move y the same way (error down) only when their signs agree.
        years = slope / year_coef if year_coef != 0 and np.sign(year_coef) == np.sign(slope) else math.nan
        year_fields = dict(year_coef=year_coef, year_coef_ci_low=float(ci[2, 0]), year_coef_ci_high=float(ci[2, 1]),
                           year_ref=year_ref, years_per_10x_compute=years)
    return FitResult(
        spec=spec, frontier=frontier, with_year=year is not None, n=n, n_dropped=n_dropped,
        slope=slope, intercept=float(params[0]), ci_low=lo, ci_high=hi,
        slope_se=float(result.bse[1]), intercept_se=float(result.bse[0]), cov_intercept_slope=float(cov[0, 1]),
        df_resid=float(result.df_resid), r2=float(result.rsquared),
        residual_std=float(np.sqrt(result.scale)),
        degree=degree, degree_ci_low=k_lo, degree_ci_high=k_hi,
        degree_study=1.0 / abs(slope) if slope != 0 else math.inf,
        halving_multiple=_pow2(degree), halving_multiple_ci_low=_pow2(k_lo), halving_multiple_ci_high=_pow2(k_hi),
        theory_gap=degree - THEORY_FLOOR_DEGREE, theory_gap_factor=_pow2(degree - THEORY_FLOOR_DEGREE),
        log10_compute_min=float(x.min()), log10_compute_max=float(x.max()),
        **year_fields,
    )


def _pow2(k: float) -> float:
    if k == math.inf or k > 1023:
        return math.inf
    return 2.0 ** k


def fitted_mask(points: pd.DataFrame) -> np.ndarray:
    """False for the points the study does not fit: results not trained on the benchmark (zero-/one-/few-shot,
    linear probe; usecases.scaling sets `fitted`). They stay in the points for the report, are left out of
    every fit and its frontier, and are not counted in n_dropped (which counts unusable numbers)."""
    if "fitted" not in points.columns:
        return np.ones(len(points), dtype=bool)
    return points["fitted"].map(lambda v: v is not False and v != 0).to_numpy(dtype=bool)


def _prepare(points: pd.DataFrame, spec: str, with_year: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray | None, np.ndarray]:
    """x, y, year arrays and the mask of rows usable for a fit (finite x and y, year when needed)."""
    missing = {"compute_flops", "score", "metric", "higher_is_better"} - set(points.columns)
    if missing:
        raise ValueError(f"points lack columns: {sorted(missing)}")
    x, y = _log_compute(points), _y_from_points(points, spec)
    usable = np.isfinite(x) & np.isfinite(y) & fitted_mask(points)
    year = None
    if with_year:
        year = _date_values(points)
        usable &= np.isfinite(year)
    return x, y, year, usable


def fit_scaling(points: pd.DataFrame, *, spec: str = "error", frontier: bool = False,
                with_year: bool = False) -> FitResult:
    """One OLS fit over all rows of `points` (columns compute_flops, score, metric, higher_is_better,
    and year/date for frontier or with_year). Rows without a positive compute or a finite error are
    dropped and counted in n_dropped. Raises InsufficientPointsError below MIN_POINTS points."""
    spec_sign(spec)
    x, y, year, usable = _prepare(points, spec, with_year)
    if frontier:
        usable &= frontier_mask(points, (), spec=spec)
    return _fit_arrays(x[usable], y[usable], None if year is None else year[usable], spec=spec,
                       frontier=frontier, n_dropped=int(fitted_mask(points).sum() - usable.sum()))


def fit_all(points: pd.DataFrame, groups: Iterable[str] = ("task",), *, spec: str = "error",
            frontier: bool = False, with_year: bool = False, min_points: int = MIN_POINTS) -> pd.DataFrame:
    """One fit per group, as a DataFrame: the group columns, every FitResult field, and `status`
    ("ok", or why the group was not fitted, e.g. too few points). Vectorised preparation, then one
    OLS per group over index arrays, so 100,000 points refit in well under 2 s."""
    groups = tuple(groups)
    spec_sign(spec)
    x, y, year, usable = _prepare(points, spec, with_year)
    fitted = fitted_mask(points)
    if frontier:
        usable &= frontier_mask(points, groups, spec=spec)
    if groups:
        codes = points.groupby(list(groups), sort=True, dropna=False).ngroup().to_numpy()
    else:
        codes = np.zeros(len(points), dtype=int)
    order = np.argsort(codes, kind="stable")
    boundaries = np.flatnonzero(np.diff(codes[order])) + 1
    rows = []
    for index in np.split(order, boundaries):
        if len(index) == 0:
            continue
        key = {g: points[g].iloc[index[0]] for g in groups}
        keep = index[usable[index]]
        n_dropped = int(fitted[index].sum() - len(keep))
        if len(keep) < max(min_points, MIN_POINTS):
            rows.append({**key, "n": len(keep), "n_dropped": n_dropped, "spec": spec, "frontier": frontier,
                         "with_year": with_year, "status": f"too few points ({len(keep)} < {max(min_points, MIN_POINTS)})"})
            continue
        try:
            fit = _fit_arrays(x[keep], y[keep], None if year is None else year[keep], spec=spec,
                              frontier=frontier, n_dropped=n_dropped)
        except InsufficientPointsError as exc:
            rows.append({**key, "n": len(keep), "n_dropped": n_dropped, "spec": spec, "frontier": frontier,
                         "with_year": with_year, "status": str(exc)})
            continue
        rows.append({**key, **fit.as_dict(), "status": "ok"})
    return pd.DataFrame(rows, columns=[*groups, *FIT_COLUMNS, "status"])


WRONG_SIGN = "wrong sign"  # error rises with compute
CI_HAS_ZERO = "CI includes 0"  # the slope's 95% CI: no clear relation
FLAG_MEANING = {WRONG_SIGN: "the slope says error rises with compute",
                CI_HAS_ZERO: "the slope's 95% CI contains 0: no clear relation between compute and error"}


def fit_flag(slope: float, ci_low: float, ci_high: float, spec: str = "error") -> str | None:
    """Why a fit has no meaningful degree, or None when it has one.

    The degree k and the compute to halve the error (2^k) mean something only when error falls with
    compute and the slope's 95% CI excludes 0. A slope of the wrong sign gives a negative k and a
    "halving multiple" below 1; a CI containing 0 is compatible with no relation at all, and 2^k then
    explodes (1/slope near 0). Such fits are kept and listed, flagged, without k or 2^k."""
    falls = -spec_sign(spec) * slope  # > 0 when error falls as compute grows
    if not math.isfinite(falls) or falls <= 0:
        return WRONG_SIGN
    if not (math.isfinite(ci_low) and math.isfinite(ci_high)):
        return None
    if ci_low <= 0 <= ci_high:
        return CI_HAS_ZERO
    return None


def row_fit_flag(row) -> str | None:
    """fit_flag for a fit_all row or a stored fit row (its regression spec is extra's fit_spec)."""
    data = dict(row)
    extra = data.get("extra") if isinstance(data.get("extra"), dict) else {}
    spec = data.get("fit_spec") or extra.get("fit_spec") or data.get("spec")
    spec = spec if spec in SPECS else "error"
    values = [data.get(k) for k in ("slope", "ci_low", "ci_high")]
    if values[0] is None or pd.isna(values[0]):
        return None
    low, high = (math.nan if v is None or pd.isna(v) else float(v) for v in values[1:])
    return fit_flag(float(values[0]), low, high, spec)


_STORED_ALIASES = {"degree_low": "degree_ci_low", "degree_high": "degree_ci_high"}


def fit_from_row(row) -> FitResult:
    """Rebuild a FitResult from one row of `fit_all`'s DataFrame, or from a stored fit row (a dict or
    Series) that keeps only some fields: `degree_low`/`degree_high` are read as the degree CI, an
    `extra` dict is merged in, missing numbers become NaN (no band is drawn without standard errors)
    and a spec outside SPECS is read as "error" (y = log10(error)); slope and intercept are required."""
    data = dict(row)
    extra = data.pop("extra", None)
    if isinstance(extra, dict):
        data = {**extra, **data}
    for stored, ours in _STORED_ALIASES.items():
        if stored in data and ours not in data:
            data[ours] = data[stored]
    if data.get("spec") not in SPECS:
        # A stored fit's spec names the variant ("frontier", "study"); its regression form is extra's fit_spec.
        data["spec"] = data.get("fit_spec") if data.get("fit_spec") in SPECS else "error"
    values = {}
    for f in fields(FitResult):
        value = data.get(f.name, math.nan)
        if f.name in ("frontier", "with_year"):
            value = bool(value) if isinstance(value, (bool, np.bool_)) else False
        elif f.name in ("n", "n_dropped"):
            value = int(value) if value is not None and not pd.isna(value) else 0
        elif f.name != "spec":
            value = math.nan if value is None or pd.isna(value) else float(value)
        values[f.name] = value
    if math.isnan(values["slope"]) or math.isnan(values["intercept"]):
        raise ValueError("a fit row needs slope and intercept")
    return FitResult(**values)
