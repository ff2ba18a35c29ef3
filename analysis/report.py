"""One self-contained HTML report: per task, error vs training compute with the fitted law.

Each task gets a log-log plot (matplotlib, Agg) with the fit line, its 95% confidence band and the
k = 4 theory line, titled with the task's human name. Each benchmark series has one colour, shared
by its points, its fit line and its band; the task-level fit over all benchmarks is drawn in black,
dashed, above them (it often coincides with the main benchmark's line). Errors in percent are shown
as percent on the y axis. A fit without meaning (regression.fit_flag) is drawn but labelled so,
without a degree; the PNG is embedded as base64 (and also written next to the HTML). Every point is
clickable (an HTML image map over the PNG) and listed in a table beneath the plot with its arXiv link,
the chips and the method behind its compute estimate. A table of all fits closes the page.

Large tasks: every point is drawn, but only MAX_LINKED_POINTS per task are linked (table rows and
clickable areas): the frontier points first, then the most recent. The page says how many are shown
of how many; `progress export` writes the full table. Rows are built from column arrays, never
per-row pandas access, so 100,000 points stay a few seconds and a few megabytes.
"""
from __future__ import annotations

import base64
import html
import io
import math
import re
from datetime import datetime, timezone
from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # no display on servers; must precede pyplot
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analysis.ids import arxiv_id_from_text  # noqa: E402
from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter  # noqa: E402

from analysis.regression import (THEORY_FLOOR_DEGREE, error_fraction, fit_from_row, fitted_mask, frontier_mask,  # noqa: E402
                                 row_fit_flag)

FIGURE_INCHES = (8.0, 5.2)  # the plot itself; the legend below it adds LEGEND_LINE_INCHES per entry
LEGEND_LINE_INCHES = 0.17
DPI = 100
MAX_LABELLED_POINTS = 40  # numbering more points than this only clutters the plot
POINT_RADIUS_PX = 6
MAX_LINKED_POINTS = 2000  # per task; beyond this the table and image map dominate the page's size
# One colour per benchmark series (points, fit line and band), in sorted series order; matplotlib's
# "tab10" without its grey, which the theory line uses.
SERIES_COLOURS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#bcbd22", "#17becf")
ALL_BENCHMARKS_COLOUR = "#000000"  # the task-level fit: primary result of each paper, every benchmark
THEORY_COLOUR = "#777777"
POINT_ALPHA = 0.85


def series_colours(pts: pd.DataFrame) -> dict[tuple[str, str], str]:
    """(dataset, metric) -> colour, in sorted order, so a plot's colours do not depend on its fits."""
    keys = sorted({(str(d), str(m)) for d, m in zip(pts["dataset"], pts["metric"])}) if len(pts) else []
    return {key: SERIES_COLOURS[i % len(SERIES_COLOURS)] for i, key in enumerate(keys)}


def _url_from(arxiv_key, doi, link) -> str | None:
    """https://arxiv.org/abs/<id> for arXiv papers, https://doi.org/<doi> for DOIs, else an http(s) `link`."""
    arxiv_id = arxiv_id_from_text(arxiv_key)  # imported papers have keys like "doi:..." or "ref:..."
    if arxiv_id:
        return f"https://arxiv.org/abs/{arxiv_id}"
    if isinstance(doi, str) and doi.strip():
        return f"https://doi.org/{doi.strip()}"
    if isinstance(link, str) and link.startswith(("http://", "https://")):
        return link
    return None


def _column(frame: pd.DataFrame, name: str) -> list:
    """A column as a plain list (None where absent), for row loops that must not touch pandas per row."""
    if name not in frame.columns:
        return [None] * len(frame)
    return [None if _missing(v) else v for v in frame[name].tolist()]


def _missing(value) -> bool:
    """None, NaN/NaT/pd.NA or empty text: shown as blank rather than as "nan"."""
    if value is None or (isinstance(value, str) and not value):
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists, dicts, arrays
        return False


def linked_rows(pts: pd.DataFrame, limit: int = MAX_LINKED_POINTS) -> np.ndarray:
    """Row numbers (ascending) of the points to list and make clickable: all of them up to `limit`,
    else the frontier points (the best error of their benchmark at their date, as in the frontier
    fits) and then the most recent, so the page keeps what a reader of a scaling plot looks for."""
    if len(pts) <= limit:
        return np.arange(len(pts))
    try:
        frontier = frontier_mask(pts, ("dataset", "metric"))
    except (KeyError, ValueError):  # no year or date: nothing can be ordered in time
        frontier = np.zeros(len(pts), dtype=bool)
    recency = _recency(pts)
    order = np.lexsort((np.arange(len(pts)), -np.nan_to_num(recency, nan=-np.inf), ~frontier))
    return np.sort(order[:limit])


def _recency(pts: pd.DataFrame) -> np.ndarray:
    """Publication time as a float (NaN when unknown): `date` when present, else `year`."""
    recency = np.full(len(pts), np.nan)
    if "year" in pts.columns:
        recency = pd.to_numeric(pts["year"], errors="coerce").to_numpy(dtype=float)
    if "date" in pts.columns:
        dates = pd.to_datetime(pts["date"], errors="coerce")
        exact = (dates.dt.year + (dates.dt.day_of_year - 1) / 366.0).to_numpy(dtype=float)
        recency = np.where(np.isnan(exact), recency, exact)
    return recency


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "task"


def _plottable(points: pd.DataFrame) -> pd.DataFrame:
    frame = points.copy()
    frame["error"] = error_fraction(frame["score"], frame["metric"], frame["higher_is_better"])
    # error_fraction turns percent scores (accuracy, AP, BLEU, "... error") into fractions; other
    # lower-is-better metrics (perplexity) stay as they are and get no percent axis.
    higher = frame["higher_is_better"].astype(str).str.lower().isin(("true", "1", "1.0"))
    frame["error_in_percent"] = higher | frame["metric"].astype(str).str.lower().str.contains("error", regex=False)
    frame["compute_flops"] = pd.to_numeric(frame["compute_flops"], errors="coerce")
    ok = (frame["compute_flops"] > 0) & (frame["error"] > 0) & np.isfinite(frame["error"])
    return frame[ok].sort_values("compute_flops", kind="stable").reset_index(drop=True)


def _series_key(row) -> tuple[str, str] | None:
    """The (dataset, metric) a fit belongs to, or None for a task-level fit over all benchmarks."""
    dataset, metric = row.get("dataset"), row.get("metric")
    if isinstance(dataset, str) and isinstance(metric, str):
        return dataset, metric
    return None


def _fit_label(fit, row: pd.Series, flag: str | None) -> str:
    key = _series_key(row)
    variant = "frontier, " if fit.frontier else ""
    scope = f"{key[0]} {key[1]}" if key else "all benchmarks (primary results)"
    if flag:
        return f"{variant}{scope}: no meaningful k ({flag})"
    return f"{variant}{scope}: k = {_fmt(fit.degree)} [{_fmt(fit.degree_ci_low)}, {_fmt(fit.degree_ci_high)}]"


def _percent(value: float, _position=None) -> str:
    return f"{value * 100:.3g}%"


def _percent_axis(ax, errors: np.ndarray) -> None:
    """Log y axis labelled in percent: ticks at 1, 2, 5 per decade, or at 1, 1.5, 2, 3, 4, 5, 7 when
    the points span less than a decade (a single "10%" tick would tell nothing)."""
    errors = errors[np.isfinite(errors) & (errors > 0)]
    narrow = len(errors) == 0 or errors.max() / errors.min() < 10
    subs = (1.0, 1.5, 2.0, 3.0, 4.0, 5.0, 7.0) if narrow else (1.0, 2.0, 5.0)
    ax.yaxis.set_major_locator(LogLocator(base=10, subs=subs))
    ax.yaxis.set_major_formatter(FuncFormatter(_percent))
    ax.yaxis.set_minor_formatter(NullFormatter())


def _fmt(value: float, spec: str = ".1f") -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == math.inf:
        return "∞"
    return format(value, spec)


def _plot_task(title: str, pts: pd.DataFrame, task_fits: pd.DataFrame) -> tuple[bytes, np.ndarray, tuple[int, int]]:
    """PNG bytes, the pixel position (x, y from the top-left) of every point (one row per point), and
    the image's (width, height) in pixels."""
    # The legend goes below the axes, where it hides no point; the figure grows by its lines.
    entries = pts.groupby(["dataset", "metric"]).ngroups * (1 if len(pts) else 0) + len(task_fits) + 1
    fig, ax = plt.subplots(figsize=(FIGURE_INCHES[0], FIGURE_INCHES[1] + LEGEND_LINE_INCHES * entries), dpi=DPI)
    ax.set_xscale("log")
    ax.set_yscale("log")
    colours = series_colours(pts)
    series = pts.groupby(["dataset", "metric"], sort=True)
    for (dataset, metric), part in series:
        colour = colours[(str(dataset), str(metric))]
        fitted = fitted_mask(part)
        ax.scatter(part["compute_flops"][fitted], part["error"][fitted], s=28, alpha=POINT_ALPHA,
                   label=f"{dataset} {metric}", color=colour, zorder=3)
        if not fitted.all():  # not trained on the benchmark (few-shot, probe): hollow, outside the fits
            ax.scatter(part["compute_flops"][~fitted], part["error"][~fitted], s=28, facecolors="none",
                       edgecolors=colour, label=f"{dataset} {metric}, not fitted (not trained on it)"
                       if fitted.any() else f"{dataset} {metric} (not trained on it: not fitted)", zorder=3)
    if len(pts) <= MAX_LABELLED_POINTS:
        for number, row in pts.iterrows():
            ax.annotate(str(number + 1), (row["compute_flops"], row["error"]), textcoords="offset points",
                        xytext=(4, 3), fontsize=7, color="#444444")
    anchor = None
    spare = iter(SERIES_COLOURS[len(colours):])  # a benchmark fit whose points are not plotted here
    for _, row in task_fits.iterrows():
        fit = fit_from_row(row)
        key = _series_key(row)
        flag = row["flag"] if isinstance(row.get("flag"), str) else row_fit_flag(row)
        lo, hi = fit.log10_compute_min, fit.log10_compute_max
        if not (math.isfinite(lo) and math.isfinite(hi)):  # a stored fit without its range: the points'
            if not len(pts):
                continue
            lo, hi = np.log10(pts["compute_flops"].min()), np.log10(pts["compute_flops"].max())
        grid = np.logspace(lo, hi, 60)
        if key is None:  # above the benchmark lines, which it may coincide with: dashed, so both show
            style = dict(color=ALL_BENCHMARKS_COLOUR, linestyle=(0, (6, 3)), linewidth=1.6, zorder=2.5)
        else:
            colour = colours.get(key) or colours.setdefault(key, next(spare, SERIES_COLOURS[0]))
            style = dict(color=colour, linewidth=1.8, zorder=2)
        line = ax.plot(grid, fit.predict_error(grid), label=_fit_label(fit, row, flag), **style)[0]
        if key is not None and math.isfinite(fit.slope_se) and math.isfinite(fit.intercept_se) \
                and math.isfinite(fit.df_resid):
            low, high = fit.error_band(grid)
            ax.fill_between(grid, low, high, color=line.get_color(), alpha=0.15, linewidth=0)
        if anchor is None:
            mid = 10 ** ((lo + hi) / 2)
            anchor = (mid, float(fit.predict_error([mid])[0]))
    if anchor is None and len(pts):  # no fit: anchor the theory line at the points' centroid
        anchor = (10 ** np.log10(pts["compute_flops"]).mean(), 10 ** np.log10(pts["error"]).mean())
    if anchor is not None and len(pts):
        grid = np.logspace(np.log10(pts["compute_flops"].min()), np.log10(pts["compute_flops"].max()), 60)
        theory = anchor[1] * (grid / anchor[0]) ** (-1 / THEORY_FLOOR_DEGREE)
        ax.plot(grid, theory, linestyle=":", color=THEORY_COLOUR, linewidth=1.4,
                label=f"theory floor k = {THEORY_FLOOR_DEGREE:g}", zorder=1)
    ax.set_xlabel("training compute (FLOPs)")
    if len(pts) and bool(pts["error_in_percent"].all()):
        _percent_axis(ax, pts["error"].to_numpy(dtype=float))
        ax.set_ylabel("error (%)")
        low, high = ax.get_ylim()
        ax.set_ylim(low, min(high, 1.0))  # an error above 100% does not exist; the theory line may reach it
    else:  # e.g. perplexity: no percent scale
        ax.set_ylabel("error")
    ax.set_title(title)
    ax.grid(True, which="both", alpha=0.25)
    if len(pts) or len(task_fits):
        ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, -0.11), frameon=False, ncol=1)
    fig.tight_layout()
    fig.canvas.draw()  # fixes the transforms so pixel positions match the saved PNG
    height = fig.get_size_inches()[1] * DPI
    positions = np.empty((0, 2))
    if len(pts):
        positions = ax.transData.transform(np.column_stack([pts["compute_flops"], pts["error"]]))
        positions[:, 1] = height - positions[:, 1]
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI)
    width, height = (int(round(v * DPI)) for v in fig.get_size_inches())
    plt.close(fig)
    return buffer.getvalue(), positions, (width, height)


def _points_table(pts: pd.DataFrame, rows: np.ndarray, slug: str) -> str:
    """Table rows for the points numbered `rows` (0-based row numbers of `pts`), numbered from 1."""
    head = ("<tr><th>#</th><th>paper</th><th>year</th><th>benchmark</th><th>score</th><th>compute (FLOPs)</th>"
            "<th>method</th><th>chips / stages</th></tr>")
    shown = pts.iloc[rows]
    urls = _urls(shown)
    titles = [t if isinstance(t, str) else n for t, n in zip(_column(shown, "title"), _column(shown, "name"))]
    anchor = html.escape(slug)
    body = []
    for number, url, key, paper, doi, name, year, dataset, metric, score, compute, method, chips, why, regime in zip(
            rows.tolist(), urls, _column(shown, "arxiv_id"), _column(shown, "paper"), _column(shown, "doi"), titles,
            _column(shown, "year"), shown["dataset"].tolist(), shown["metric"].tolist(), shown["score"].tolist(),
            shown["compute_flops"].tolist(), _column(shown, "compute_method"), _column(shown, "chips"),
            _column(shown, "point_why"), _column(shown, "regime_note")):
        label = html.escape(str(key or paper or doi or "?"))
        title = f"<br><small>{html.escape(name)}</small>" if isinstance(name, str) and name else ""
        link = f'<a href="{html.escape(url)}">{label}</a>' if url else label
        body.append(
            f"<tr id=\"{anchor}-p{number + 1}\"><td>{number + 1}</td><td>{link}{title}</td>"
            f"<td>{'' if year is None else int(year)}</td><td>{html.escape(str(dataset))} {html.escape(str(metric))}</td>"
            f"<td>{score:.2f}</td><td>{compute:.3g}</td>"
            f"<td>{html.escape(str(method or ''))}</td><td>{html.escape(str(chips or ''))}{_why(why)}</td></tr>")
        if isinstance(regime, str) and regime:  # shown, not fitted: the reason first, in the row's own colour
            body[-1] = body[-1].replace("<tr ", "<tr class=\"flagged\" ", 1).replace(
                f"<td>{score:.2f}</td>", f"<td>{score:.2f}<br><small>not fitted: {html.escape(regime)}</small></td>", 1)
    return f"<table class=\"points\">{head}{''.join(body)}</table>"


def not_fitted_note(pts: pd.DataFrame) -> str:
    """How many plotted points the fits leave out, and why: results not trained on the benchmark."""
    left_out = pts[~fitted_mask(pts)]
    if left_out.empty:
        return ""
    kinds = ", ".join(f"{kind}: {n}" for kind, n in left_out["regime"].value_counts().sort_index().items())
    return (f"<p>{len(left_out)} point(s) shown hollow and left out of the fits: the result was not obtained by "
            f"training or fine-tuning on the benchmark ({html.escape(kinds)}), and the study fits trained models "
            f"only.</p>")


def _why(why) -> str:
    """How a point's compute was linked to its result (usecases.points): stages, links, evidence kinds."""
    return f"<br><small>{html.escape(str(why))}</small>" if isinstance(why, str) and why else ""


def _urls(frame: pd.DataFrame) -> list[str | None]:
    return [_url_from(key, doi, link) for key, doi, link in
            zip(_column(frame, "arxiv_id"), _column(frame, "doi"), _column(frame, "link"))]


def _image_map(name: str, pts: pd.DataFrame, positions: np.ndarray, rows: np.ndarray) -> str:
    """Clickable circles over the PNG for the points numbered `rows`; positions are (x, y) pixels per row."""
    shown = pts.iloc[rows]
    areas = []
    for number, (x, y), url, key, dataset, metric, score in zip(
            rows.tolist(), positions[rows].tolist(), _urls(shown), _column(shown, "arxiv_id"),
            shown["dataset"].tolist(), shown["metric"].tolist(), shown["score"].tolist()):
        if not url:
            continue
        tip = html.escape(f"#{number + 1} {key or ''} {dataset} {metric} {score:.2f}")
        areas.append(f'<area shape="circle" coords="{x:.0f},{y:.0f},{POINT_RADIUS_PX}" href="{html.escape(url)}" '
                     f'alt="{tip}" title="{tip}">')
    return f'<map name="{name}">{"".join(areas)}</map>'


def _cap_note(shown: int, plotted: int) -> str:
    """Empty when every point is linked; else says how many are, which ones, and where the rest are."""
    if shown >= plotted:
        return ""
    return (f'<p class="cap">{shown:,} of {plotted:,} shown in the table and clickable on the plot: the frontier '
            f"points (best error of their benchmark at their date), then the most recent. Every point is drawn. "
            f"The full table: <code>progress export</code> (CSV and Parquet).</p>")


# The study's two compute measures, fitted separately; "study" is its hardware-burden fit of a reference import.
MEASURE_SPECS = {"hardware_burden": "hardware burden", "study": "hardware burden",
                 "network_operations": "network operations"}


def measures_table(fits: pd.DataFrame) -> str:
    """One row per task and benchmark, the fit on each compute measure side by side (n, slope, R², k);
    empty when no measure fit is among `fits`."""
    if not len(fits) or "spec" not in fits.columns:
        return ""
    ok = fits["status"] == "ok" if "status" in fits.columns else pd.Series(True, index=fits.index)
    measured = fits[ok & fits["spec"].isin(list(MEASURE_SPECS))]
    if measured.empty:
        return ""
    keys = [c for c in ("task", "dataset", "metric", "source") if c in measured.columns]
    columns = list(dict.fromkeys(MEASURE_SPECS[s] for s in measured["spec"]))
    rows = {}
    for _, row in measured.iterrows():
        key = tuple("" if pd.isna(row[c]) else str(row[c]) for c in keys)
        fit = fit_from_row(row)
        rows.setdefault(key, {})[MEASURE_SPECS[row["spec"]]] = (
            f"n={fit.n}, slope {fit.slope:.4f}, R² {_fmt(fit.r2, '.3f')}, k {_fmt(fit.degree)}")
    head = "".join(f"<th>{c}</th>" for c in keys) + "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(k or 'all (primary)')}</td>" for k in key)
                   + "".join(f"<td>{html.escape(cells.get(c, '–'))}</td>" for c in columns) + "</tr>"
                   for key, cells in sorted(rows.items()))
    return (f"<section><h2>Compute measures side by side</h2><p>The study fits log10(error) on each compute "
            f"measure separately: hardware burden (chips x peak FLOP/s x training time) and network operations "
            f"(forward FLOPs x 3 x epochs x training-set size, multiply-adds doubled; or 6 x parameters x "
            f"tokens). Each fit uses the papers that have that measure.</p>"
            f"<table class=\"measures\"><tr>{head}</tr>{body}</table></section>")


def _fits_table(fits: pd.DataFrame) -> str:
    columns = [c for c in ("task", "dataset", "metric", "source", "spec") if c in fits.columns]
    head = "".join(f"<th>{c}</th>" for c in columns) + (
        "<th>n</th><th>slope [95% CI]</th><th>R²</th><th>k = −1/slope [95% CI]</th><th>study 1/|slope|</th>"
        "<th>compute to halve error (2^k)</th><th>gap to k = 4</th><th>years of progress ≈ 10x compute</th><th>status</th>")
    body = []
    for _, row in fits.iterrows():
        keys = "".join(f"<td>{html.escape('' if pd.isna(row[c]) else str(row[c]))}</td>" for c in columns)
        status = row.get("status", "ok")
        if status != "ok":
            body.append(f"<tr>{keys}<td>{int(row['n'])}</td>{'<td></td>' * 7}<td>{html.escape(str(status))}</td></tr>")
            continue
        fit = fit_from_row(row)
        flag = row["flag"] if isinstance(row.get("flag"), str) else row_fit_flag(row)
        if flag:  # wrong sign or a CI containing 0: no degree, no 2^k (regression.fit_flag)
            body.append(
                f"<tr class=\"flagged\">{keys}<td>{fit.n}</td><td>{fit.slope:.4f} [{_fmt(fit.ci_low, '.4f')}, "
                f"{_fmt(fit.ci_high, '.4f')}]</td><td>{_fmt(fit.r2, '.3f')}</td>{'<td>–</td>' * 4}"
                f"<td>{_fmt(fit.years_per_10x_compute, '.2g')}</td><td>no meaningful k: {html.escape(flag)}</td></tr>")
            continue
        body.append(
            f"<tr>{keys}<td>{fit.n}</td><td>{fit.slope:.4f} [{_fmt(fit.ci_low, '.4f')}, {_fmt(fit.ci_high, '.4f')}]</td>"
            f"<td>{_fmt(fit.r2, '.3f')}</td><td>{_fmt(fit.degree)} [{_fmt(fit.degree_ci_low)}, {_fmt(fit.degree_ci_high)}]</td>"
            f"<td>{_fmt(1 / abs(fit.slope) if fit.slope else math.inf)}</td><td>{_fmt(fit.halving_multiple, '.3g')}</td>"
            f"<td>{_fmt(fit.degree - 4, '+.1f')}</td><td>{_fmt(fit.years_per_10x_compute, '.2g')}</td><td>ok</td></tr>")
    return f"<table class=\"fits\"><tr>{head}</tr>{''.join(body)}</table>"


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}
table{border-collapse:collapse;margin:1em 0;font-size:0.85em}
td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
th{background:#f3f3f3} section{margin-bottom:3em} small{color:#666} tr.flagged td{color:#8a6d00}
"""


def build_report(points: pd.DataFrame, fits: pd.DataFrame, out_dir: Path, *, title: str,
                 draw_specs: tuple[str, ...] | None = None, max_linked_points: int = MAX_LINKED_POINTS,
                 task_titles: dict[str, str] | None = None) -> Path:
    """Write `out_dir/report.html` (self-contained) and one `<task>.png` per task; return the HTML path.

    points: the regression's columns plus task, dataset, arxiv_id (optional doi, title, chips,
    compute_method, point_why: a point's stages are in `chips`, how they were linked in `point_why`). fits: `fit_all` output grouped by task or by (task, dataset, metric), or stored
    fit rows (see regression.fit_from_row); only rows with status "ok" and no year term are drawn
    (a year term has no single line on this plot), the band only when standard errors are present.
    draw_specs: when fits have a `spec` column (stored fits), only these variants are drawn (all of
    them are still listed in the fits table); None draws every drawable row.
    max_linked_points: per task, how many points get a table row and a clickable area (see linked_rows);
    every point is drawn either way.
    task_titles: task name -> human name for headings and plot titles (config's `title`); the name
    itself is kept in anchors and file names.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    drawable = fits
    if len(fits):
        ok = fits["status"] == "ok" if "status" in fits.columns else pd.Series(True, index=fits.index)
        no_year = ~fits["with_year"].fillna(False).astype(bool) if "with_year" in fits.columns else True
        chosen = fits["spec"].isin(draw_specs) if draw_specs is not None and "spec" in fits.columns else True
        drawable = fits[ok & no_year & chosen]
    plottable = _plottable(points)
    sections = []
    tasks = sorted(set(points["task"].dropna().unique()))
    for task in tasks:
        pts = plottable[plottable["task"] == task].reset_index(drop=True)
        task_fits = drawable[drawable["task"] == task] if len(drawable) else drawable
        human = (task_titles or {}).get(task) or str(task).replace("_", " ").capitalize()
        png, positions, (width, height) = _plot_task(human, pts, task_fits)
        slug = _slug(task)
        rows = linked_rows(pts, max_linked_points)
        (out_dir / f"{slug}.png").write_bytes(png)
        encoded = base64.b64encode(png).decode("ascii")
        missing = int((points["task"] == task).sum() - len(pts))
        methods = pts["compute_method"].value_counts().to_dict() if "compute_method" in pts.columns else {}
        method_text = ", ".join(f"{m}: {n}" for m, n in methods.items())
        sections.append(
            f'<section id="{slug}"><h2>{html.escape(human)}</h2>'
            f'<img src="data:image/png;base64,{encoded}" usemap="#map-{slug}" alt="error vs compute for {html.escape(human)}" '
            f'width="{width}" height="{height}">'
            f"{_image_map('map-' + slug, pts, positions, rows)}"
            f"<p>{len(pts)} points plotted"
            f"{f'; {missing} without a usable compute or score not plotted' if missing else ''}"
            f"{f'. Compute methods: {html.escape(method_text)}' if method_text else ''}.</p>"
            f"{not_fitted_note(pts)}"
            f"{_cap_note(len(rows), len(pts))}"
            f"{_points_table(pts, rows, slug)}</section>")
    generated = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    document = (
        f"<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{html.escape(title)}</title>"
        f"<style>{_STYLE}</style></head><body><h1>{html.escape(title)}</h1>"
        f"<p>Generated {generated}. Each plot shows error against training compute on log axes, the OLS fit of "
        f"log10(error) on log10(compute) with its 95% confidence band, and the theoretical floor k = 4 "
        f"(compute ∝ error^−4) through the fit's midpoint. Click a point, or use the table, to open its paper.</p>"
        f"{''.join(sections)}{measures_table(fits)}<section><h2>Fits</h2>{_fits_table(fits)}</section></body></html>")
    path = out_dir / "report.html"
    path.write_text(document, encoding="utf-8")
    return path
