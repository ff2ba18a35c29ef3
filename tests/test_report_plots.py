"""The report's plots as a reader sees them: each benchmark's points and fit line in one colour, the
all-benchmarks line distinct and visible, human titles, a y axis in percent, and fits without meaning
flagged without a degree. Colours are read from the rendered PNG (and, when Debian's chromium is
installed, from a headless-Chromium screenshot of the page)."""
from __future__ import annotations

import base64
import io
import re
from pathlib import Path

import matplotlib.image as mpimg
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.colors import to_rgb

from analysis.regression import CI_HAS_ZERO, WRONG_SIGN, fit_all, fit_flag, row_fit_flag
from analysis.report import ALL_BENCHMARKS_COLOUR, POINT_ALPHA, build_report, series_colours
from test_review_web import chromium  # noqa: F401 - the headless-Chromium fixture (skips without it)

TOP1, TOP5 = ("ImageNet", "top-1 accuracy"), ("ImageNet", "top-5 accuracy")


def two_series_points() -> pd.DataFrame:
    """One task, two benchmarks with clearly different errors, so their lines lie apart; a paper
    reports top-1 or top-5, never both, so the task-level fit differs from either line."""
    rng = np.random.default_rng(11)
    frames = []
    for (dataset, metric), offset, n in ((TOP1, 0.0, 9), (TOP5, -0.8, 8)):
        log_c = np.linspace(17, 22, n) + rng.normal(0, 0.05, n)
        error = 10 ** (1.2 + offset - log_c / 10 + rng.normal(0, 0.01, n))
        frames.append(pd.DataFrame({
            "task": "image_classification", "dataset": dataset, "metric": metric, "higher_is_better": True,
            "score": 100 * (1 - error), "compute_flops": 10 ** log_c, "year": 2018,
            "arxiv_id": [f"18{len(frames)}1.{i:05d}" for i in range(n)], "compute_method": "hardware"}))
    return pd.concat(frames, ignore_index=True)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("plots")
    points = two_series_points()
    fits = pd.concat([fit_all(points, ("task",)), fit_all(points, ("task", "dataset", "metric"))], ignore_index=True)
    path = build_report(points, fits, out, title="plots", task_titles={"image_classification": "Image classification"})
    return path, points, fits


def _areas(html_text: str) -> list[tuple[float, float, str]]:
    """(x, y, "dataset metric") of every clickable point, from the image map."""
    out = []
    for coords, title in re.findall(r'<area shape="circle" coords="([^"]+)"[^>]*title="([^"]+)"', html_text):
        x, y, _ = (float(v) for v in coords.split(","))
        out.append((x, y, title))
    return out


def _pixel_map(points: pd.DataFrame, areas) -> tuple[np.poly1d, np.poly1d]:
    """Data -> pixel, read off the rendered points: on log-log axes pixels are linear in log10."""
    ordered = points.sort_values("compute_flops", kind="stable")
    lx, ly = np.log10(ordered["compute_flops"].to_numpy()), np.log10(1 - ordered["score"].to_numpy() / 100)
    xs, ys = np.array([a[0] for a in areas]), np.array([a[1] for a in areas])
    return np.poly1d(np.polyfit(lx, xs, 1)), np.poly1d(np.polyfit(ly, ys, 1))


def _nearest(image: np.ndarray, x: float, y: float, colour, radius: int = 3) -> float:
    """Smallest RGB distance to `colour` within `radius` pixels of (x, y)."""
    xi, yi = int(round(x)), int(round(y))
    window = image[max(yi - radius, 0):yi + radius + 1, max(xi - radius, 0):xi + radius + 1, :3]
    return float(np.min(np.linalg.norm(window - np.asarray(colour), axis=2)))


def _blend(colour, alpha=POINT_ALPHA):
    return alpha * np.asarray(to_rgb(colour)) + (1 - alpha) * np.ones(3)


def _check_colours(image: np.ndarray, points, fits, areas, scale: float = 1.0) -> None:
    colours = series_colours(points)
    assert colours[TOP1] != colours[TOP5]
    to_x, to_y = _pixel_map(points, [(x / scale, y / scale, t) for x, y, t in areas])
    for key in (TOP1, TOP5):
        own, other = to_rgb(colours[key]), to_rgb(colours[TOP5 if key == TOP1 else TOP1])
        # points: the series colour (drawn with alpha over white or the series' own light band)
        centres = [(x, y) for x, y, title in areas if " ".join(key) in title]
        assert centres
        for x, y in centres:
            assert _nearest(image, x, y, _blend(own), radius=1) < 0.12, (key, x, y)
        # its fit line: the same colour, and not the other series' colour
        fit = fits[(fits["dataset"] == key[0]) & (fits["metric"] == key[1])].iloc[0]
        hits = 0
        for lx in np.linspace(fit["log10_compute_min"], fit["log10_compute_max"], 25)[2:-2]:
            px, py = to_x(lx) * scale, to_y(fit["intercept"] + fit["slope"] * lx) * scale
            if min(abs(px - x) + abs(py - y) for x, y in centres) < 12:
                continue  # skip spots a point covers
            near_own, near_other = _nearest(image, px, py, own), _nearest(image, px, py, other)
            hits += near_own < 0.15 and near_own < near_other
        assert hits >= 10, (key, hits)
    # the all-benchmarks line: black dashes along its own path, drawn above the benchmark lines
    task_fit = fits[fits["dataset"].isna()].iloc[0]
    grid = np.linspace(task_fit["log10_compute_min"], task_fit["log10_compute_max"], 40)[2:-2]
    dark = sum(_nearest(image, to_x(lx) * scale, to_y(task_fit["intercept"] + task_fit["slope"] * lx) * scale,
                        to_rgb(ALL_BENCHMARKS_COLOUR)) < 0.25 for lx in grid)
    assert dark >= len(grid) // 2, dark


def test_each_series_has_one_colour_for_points_and_line_in_the_png(rendered):
    path, points, fits = rendered
    image = mpimg.imread(path.parent / "image-classification.png")
    _check_colours(image, points, fits, _areas(path.read_text(encoding="utf-8")))


def test_titles_are_human_and_the_y_axis_reads_percent(rendered, tmp_path, monkeypatch):
    path, points, fits = rendered
    text = path.read_text(encoding="utf-8")
    assert "<h2>Image classification</h2>" in text and "<h2>image_classification</h2>" not in text
    figures = []
    real = plt.subplots
    monkeypatch.setattr(plt, "subplots", lambda *a, **k: figures.append(real(*a, **k)) or figures[-1])
    build_report(points, fits, tmp_path, title="t")  # no titles given: the name, made readable
    fig, ax = figures[0]
    fig.canvas.draw()
    assert ax.get_title() == "Image classification" and ax.get_ylabel() == "error (%)"
    labels = [t.get_text() for t in ax.yaxis.get_ticklabels() if t.get_text()]
    assert labels and all(re.fullmatch(r"\d+(\.\d+)?%", label) for label in labels), labels
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert any(label.startswith("all benchmarks") for label in legend)


def test_perplexity_keeps_a_plain_axis(tmp_path, monkeypatch):
    points = two_series_points().assign(metric="perplexity", higher_is_better=False, score=lambda f: 20 + f.index)
    figures = []
    real = plt.subplots
    monkeypatch.setattr(plt, "subplots", lambda *a, **k: figures.append(real(*a, **k)) or figures[-1])
    build_report(points, pd.DataFrame(), tmp_path, title="t")
    assert figures[0][1].get_ylabel() == "error"


@pytest.mark.parametrize("slope, low, high, spec, flag", [
    (-0.09, -0.12, -0.06, "error", None),
    (0.03, 0.01, 0.05, "error", WRONG_SIGN),                # error rises with compute
    (-0.02, -0.05, 0.01, "error", CI_HAS_ZERO),              # could be no relation at all
    (0.0599, 0.04, 0.08, "study_logit", None),               # -log10(error): positive is right
    (0.0141, -0.007, 0.035, "study_logit", CI_HAS_ZERO),      # the study's WMT EN-DE
    (-0.05, -0.08, -0.02, "study_logit", WRONG_SIGN),
])
def test_fit_flag(slope, low, high, spec, flag):
    assert fit_flag(slope, low, high, spec) == flag


def test_stored_row_reads_its_regression_spec_from_extra():
    row = {"slope": 0.0141, "ci_low": -0.007, "ci_high": 0.035, "spec": "study", "extra": {"fit_spec": "study_logit"}}
    assert row_fit_flag(row) == CI_HAS_ZERO
    assert row_fit_flag({**row, "ci_low": 0.001}) is None


def test_report_flags_a_meaningless_fit_without_degree(tmp_path):
    points = two_series_points()
    rising = points[points["metric"] == TOP5[1]].assign(score=lambda f: 100 - (100 - f["score"])[::-1].to_numpy())
    points = pd.concat([points[points["metric"] == TOP1[1]], rising], ignore_index=True)
    fits = fit_all(points, ("task", "dataset", "metric"))
    assert [row_fit_flag(r) for r in fits.to_dict("records")] == [None, WRONG_SIGN]
    text = build_report(points, fits, tmp_path, title="t").read_text(encoding="utf-8")
    flagged = re.search(r'<tr class="flagged">(.*?)</tr>', text).group(1)
    assert "no meaningful k: wrong sign" in flagged and "top-5" in flagged
    # k, the study's 1/|slope|, 2^k and the gap to k = 4 are all left out
    assert "<td>–</td>" * 4 in flagged, flagged


def test_every_plot_renders_in_headless_chromium(rendered, chromium, tmp_path):  # noqa: F811
    path, points, fits = rendered
    chromium.call("Page.enable")
    chromium.call("Emulation.setDeviceMetricsOverride", width=1200, height=900, deviceScaleFactor=1, mobile=False)
    chromium.call("Page.navigate", url=path.as_uri())
    chromium.wait_for("document.readyState === 'complete' && [...document.images].every(i => i.complete)")
    sizes = chromium.evaluate("[...document.images].map(i => [i.naturalWidth, i.width, i.height])")
    assert sizes and all(natural > 0 and width == natural for natural, width, _ in sizes), sizes
    box = chromium.evaluate("(() => { const r = document.images[0].getBoundingClientRect(); "
                            "return [r.left + scrollX, r.top + scrollY, r.width, r.height]; })()")
    shot = chromium.call("Page.captureScreenshot", format="png", captureBeyondViewport=True,
                         clip={"x": box[0], "y": box[1], "width": box[2], "height": box[3], "scale": 1})["data"]
    png = base64.b64decode(shot)
    (tmp_path / "chromium-plot.png").write_bytes(png)
    image = mpimg.imread(io.BytesIO(png), format="png")
    _check_colours(image, points, fits, _areas(path.read_text(encoding="utf-8")))
