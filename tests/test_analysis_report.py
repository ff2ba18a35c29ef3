"""The HTML report: one embedded plot per task, clickable points, a fits table; CSV/Parquet export."""
import base64
import io
from html.parser import HTMLParser

import matplotlib.image as mpimg
import numpy as np
import pandas as pd
import pytest

from analysis.export import export_points
from analysis.regression import fit_all, frontier_mask
from analysis.report import build_report, linked_rows


class Collect(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def all(self, tag):
        return [attrs for t, attrs in self.tags if t == tag]


def make_points():
    rng = np.random.default_rng(5)
    frames = []
    for task, dataset, metric, n in (("image_classification", "ImageNet", "top-1 accuracy", 12),
                                     ("machine_translation", "WMT14 EN-DE", "BLEU", 8)):
        log_c = rng.uniform(17, 23, n)
        error = 10 ** (1.5 - log_c / 9 + rng.normal(0, 0.03, n))
        frames.append(pd.DataFrame({
            "task": task, "dataset": dataset, "metric": metric, "higher_is_better": True,
            "score": 100 * (1 - error), "compute_flops": 10**log_c, "year": 2015,
            "arxiv_id": [f"19{len(frames)}1.{i:05d}" for i in range(n)],
            "compute_method": "hardware", "chips": "8x V100 (chips)",
        }))
    points = pd.concat(frames, ignore_index=True)
    # A result without compute: listed in the count of unplotted points, not drawn.
    extra = points.iloc[[0]].assign(compute_flops=np.nan, arxiv_id="1999.00001")
    return pd.concat([points, extra], ignore_index=True)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("report")
    points = make_points()
    fits = fit_all(points, ("task", "dataset", "metric"))
    path = build_report(points, fits, out, title="Nightly <test>")
    parser = Collect()
    parser.feed(path.read_text(encoding="utf-8"))
    return path, parser, points


def test_one_embedded_png_per_task_and_png_files(report):
    path, parser, points = report
    images = parser.all("img")
    assert len(images) == points["task"].nunique() == 2
    assert all(img["src"].startswith("data:image/png;base64,") for img in images)
    assert {p.name for p in path.parent.glob("*.png")} == {"image-classification.png", "machine-translation.png"}
    assert "Nightly &lt;test&gt;" in path.read_text(encoding="utf-8")


def test_every_plotted_point_links_to_its_arxiv_page(report):
    _, parser, points = report
    links = {a["href"] for a in parser.all("a")}
    areas = {a["href"] for a in parser.all("area")}
    plotted = points[points["compute_flops"].notna()]
    expected = {f"https://arxiv.org/abs/{i}" for i in plotted["arxiv_id"]}
    assert expected <= links
    assert areas == expected


def test_image_map_areas_sit_on_drawn_points(report):
    _, parser, _ = report
    images = {img["usemap"].lstrip("#"): img for img in parser.all("img")}
    maps = [(t, attrs) for t, attrs in parser.tags if t in ("map", "area")]
    current = None
    hits = checked = 0
    for tag, attrs in maps:
        if tag == "map":
            current = mpimg.imread(io.BytesIO(base64.b64decode(images[attrs["name"]]["src"].split(",", 1)[1])), format="png")
            continue
        x, y, _ = (int(v) for v in attrs["coords"].split(","))
        patch = current[max(y - 2, 0):y + 3, max(x - 2, 0):x + 3, :3]
        checked += 1
        hits += bool((patch.mean(axis=2) < 0.9).any())  # a coloured marker, not the white background
    assert checked == 20 and hits == checked


def test_fits_table_lists_each_group(report):
    path, _, _ = report
    text = path.read_text(encoding="utf-8")
    assert text.count("<table class=\"fits\">") == 1
    assert "ImageNet" in text and "WMT14 EN-DE" in text and "1 without a usable compute" in text
    assert "8x V100 (chips)" in text and "hardware: 12" in text


def test_export_csv_and_parquet_round_trip(tmp_path):
    pytest.importorskip("pyarrow", reason="the 'parquet' extra is not installed (pip install -e \".[parquet]\")")
    points = make_points().assign(inputs=[{"chip": "V100", "count": 8}] * 21)
    paths = export_points(points, tmp_path)
    back_csv = pd.read_csv(paths["csv"])
    back_parquet = pd.read_parquet(paths["parquet"])
    assert len(back_csv) == len(back_parquet) == len(points)
    assert back_parquet["inputs"].iloc[0] == '{"chip": "V100", "count": 8}'
    assert back_parquet["score"].to_numpy() == pytest.approx(points["score"].to_numpy())
    with pytest.raises(ValueError, match="unknown export formats"):
        export_points(points, tmp_path, formats=("xlsx",))


def test_stored_fit_rows_with_fewer_columns_still_render(tmp_path):
    points = make_points()
    full = fit_all(points, ("task",))
    # What a database row keeps: no standard errors or range, CI of the degree under other names.
    stored = pd.DataFrame([{
        "task": row["task"], "dataset": None, "metric": None, "spec": "frontier", "n": row["n"],
        "slope": row["slope"], "intercept": row["intercept"], "ci_low": row["ci_low"], "ci_high": row["ci_high"],
        "r2": row["r2"], "degree": row["degree"], "degree_low": row["degree_ci_low"],
        "degree_high": row["degree_ci_high"], "halving_multiple": row["halving_multiple"], "extra": {"year_coef": None},
    } for _, row in full.iterrows()])
    path = build_report(points, stored, tmp_path, title="stored")
    text = path.read_text(encoding="utf-8")
    assert text.count("<img ") == 2
    assert f"{full.loc[0, 'degree']:.1f} [{full.loc[0, 'degree_ci_low']:.1f}" in text


def make_large_task(n: int, seed: int = 11) -> pd.DataFrame:
    """One benchmark with many results over twelve years (compute and error following a power law)."""
    rng = np.random.default_rng(seed)
    log_c = rng.uniform(17, 23, n)
    error = 10 ** (1.0 - log_c / 9 + rng.normal(0, 0.05, n))
    return pd.DataFrame({
        "task": "image_classification", "dataset": "ImageNet", "metric": "top-1 accuracy", "higher_is_better": True,
        "score": 100 * (1 - error), "compute_flops": 10**log_c, "year": rng.integers(2012, 2024, n),
        "arxiv_id": [f"2101.{i:05d}" for i in range(n)], "compute_method": "stated",
    })


def test_large_task_links_only_the_capped_points_and_says_so(tmp_path):
    small = make_points()
    small = small[small["task"] == "machine_translation"]
    large = make_large_task(400)
    points = pd.concat([large, small], ignore_index=True)
    path = build_report(points, fit_all(points, ("task", "dataset", "metric")), tmp_path, title="big",
                        max_linked_points=50)
    text = path.read_text(encoding="utf-8")
    parser = Collect()
    parser.feed(text)

    assert "50 of 400 shown" in text and "progress export" in text
    assert text.count('class="cap"') == 1  # the 8-point task links everything and says nothing
    areas_by_map, current = {}, None
    for tag, attrs in parser.tags:
        if tag == "map":
            current = attrs["name"]
        elif tag == "area":
            areas_by_map.setdefault(current, []).append(attrs["href"])
    assert len(areas_by_map["map-image-classification"]) == 50
    assert len(areas_by_map["map-machine-translation"]) == 8
    rows = [attrs["id"] for tag, attrs in parser.tags if tag == "tr" and "id" in attrs]
    assert sum(r.startswith("image-classification-p") for r in rows) == 50
    # Table and image map list the same papers: the frontier ones, then the most recent.
    linked = {href.rsplit("/", 1)[1] for href in areas_by_map["map-image-classification"]}
    assert linked == {a["href"].rsplit("/", 1)[1] for a in parser.all("a")} - set(small["arxiv_id"])
    on_frontier = set(large.loc[frontier_mask(large, ("dataset", "metric")), "arxiv_id"])
    assert 0 < len(on_frontier) < 50 and on_frontier <= linked
    rest = large[~large["arxiv_id"].isin(on_frontier)]
    assert rest[rest["arxiv_id"].isin(linked)]["year"].min() >= rest[~rest["arxiv_id"].isin(linked)]["year"].max()


def test_linked_rows_keep_everything_up_to_the_cap_and_need_no_dates():
    large = make_large_task(30)
    assert linked_rows(large, 30).tolist() == list(range(30))
    undated = large.drop(columns="year")
    assert linked_rows(undated, 10).tolist() == list(range(10))  # no time order: the first rows by number
