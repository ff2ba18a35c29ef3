"""The analysis commands through `progress` (typer's CliRunner on cli.main.app) on a real SQLite file."""
from __future__ import annotations

import json
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import _register_groups, app
from settings.extras import has
from test_imports import STUDY_ROWS, write_study
from test_refit import TASK_BENCHMARKS, power_law_csv

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config.yaml"


@pytest.fixture(scope="module", autouse=True)
def groups():
    if not any(c.name == "fits" for c in app.registered_commands):
        _register_groups()


@pytest.fixture
def progress(db_url):
    runner = CliRunner()

    def invoke(*args: str):
        result = runner.invoke(app, ["--config", str(CONFIG), "--db", db_url, *args])
        _rebind_prefect_logging()
        return result
    return invoke


def _rebind_prefect_logging() -> None:
    """A flow run inside CliRunner re-configures Prefect's log handlers onto the runner's stderr, which
    is closed when the invocation ends; the next flow's logging would then fail. Re-bind them to the
    real streams after every invocation."""
    import sys

    if "prefect" in sys.modules:
        from prefect.logging.configuration import setup_logging

        setup_logging(incremental=False)


@pytest.fixture
def fitted(progress, tmp_path, prefect_harness):
    """Power-law points for all five tasks contributed, then refitted."""
    result = progress("contribute", str(power_law_csv(tmp_path / "points.csv")))
    assert result.exit_code == 0, result.output
    result = progress("refit")
    assert result.exit_code == 0, result.output
    return progress


class Structure(HTMLParser):
    def __init__(self):
        super().__init__()
        self.sections, self.images, self.areas, self.tables = [], [], [], 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "section" and attrs.get("id"):
            self.sections.append(attrs["id"])
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "area":
            self.areas.append(attrs)
        elif tag == "table":
            self.tables += 1


def test_contribute_imports_good_rows_and_names_the_bad_one(progress, tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("arxiv_id,task,dataset,metric,value,flops,year\n"
                   "1706.03762,machine_translation,WMT14 EN-DE,BLEU,28.4,2.3e19,2017\n"
                   "1810.04805,question_answering,SQuAD 1.1,EM,84.1,,2018\n"
                   "1512.03385,image_classification,ImageNet,top-1 accuracy,78.6,1.1e19,2015\n")
    result = progress("contribute", str(csv))
    assert result.exit_code == 1
    assert "2 results for 2 papers" in result.output
    assert "row 3" in result.output and "either flops or hardware" in result.output
    exported = progress("export", "--out", str(tmp_path / "out"))
    assert exported.exit_code == 0, exported.output
    table = pd.read_csv(tmp_path / "out" / "points.csv", dtype={"arxiv_id": str})
    assert sorted(table["arxiv_id"]) == ["1512.03385", "1706.03762"] and set(table["source"]) == {"contributed"}
    if has("pyarrow"):  # the 'parquet' extra; without it the export writes the CSV only and says so
        assert len(pd.read_parquet(tmp_path / "out" / "points.parquet")) == 2
    else:
        assert not (tmp_path / "out" / "points.parquet").exists() and "parquet" in exported.output


def test_refit_fits_json_and_report(fitted, tmp_path):
    out = fitted("fits", "--json")
    assert out.exit_code == 0, out.output
    fits = json.loads(out.output)
    keys = {"task", "dataset", "metric", "source", "spec", "n", "slope", "intercept", "ci_low", "ci_high", "r2",
            "degree", "run", "time"}
    assert fits and all(keys <= set(f) for f in fits)
    task_fits = {f["task"]: f for f in fits if f["spec"] == "error" and f["dataset"] is None}
    assert set(task_fits) == set(TASK_BENCHMARKS)
    assert all(f["ci_low"] < f["slope"] < f["ci_high"] and f["degree"] > 0 and f["run"] for f in task_fits.values())
    assert {f["spec"] for f in fits} == {"error", "frontier", "year"}

    report = fitted("report", "--out", str(tmp_path / "report"))
    assert report.exit_code == 0, report.output
    html = (tmp_path / "report" / "report.html").read_text(encoding="utf-8")
    page = Structure()
    page.feed(html)
    assert len(page.sections) == len(TASK_BENCHMARKS)  # one section per task (the fits table has no id)
    plots = [img for img in page.images if img["src"].startswith("data:image/png;base64,")]
    assert len(plots) == len(TASK_BENCHMARKS)  # self-contained: every plot is embedded
    assert len(list((tmp_path / "report").glob("*.png"))) == len(TASK_BENCHMARKS)
    assert len(page.areas) == 9 * len(TASK_BENCHMARKS) and all(a["href"].startswith("https://arxiv.org/abs/")
                                                               for a in page.areas)
    assert "frontier" in html and "year" in html


def test_report_opens_in_headless_chromium(fitted, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.skip("chromium is not installed")
    assert fitted("report", "--out", str(tmp_path / "report")).exit_code == 0
    shot = tmp_path / "shot.png"
    subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu", "--window-size=1200,3000",
                    f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}",
                    (tmp_path / "report" / "report.html").as_uri()], check=True, timeout=120,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    from PIL import Image

    with Image.open(shot) as image:
        colours = image.convert("RGB").resize((120, 300)).getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 50  # plots rendered, not a blank page


def test_reference_import_refit_and_compare_burden(progress, tmp_path, prefect_harness):
    folder = tmp_path / "study"
    folder.mkdir()
    write_study(folder, STUDY_ROWS)
    result = progress("reference", "import", "thompson2022", str(folder))
    assert result.exit_code == 0 and "3 models" in result.output, result.output
    compared = progress("reference", "compare-burden", "--json", str(folder))
    assert compared.exit_code == 0, compared.output
    summary = json.loads(compared.output)
    assert summary["n"] == 2 and summary["within_tolerance"] + sum(summary["reasons"].values()) == 2
    refused = progress("reference", "import", "thompson2022", str(tmp_path / "missing.csv"))
    assert refused.exit_code == 2 and "no such file" in refused.output


def test_epoch_import_and_comparison(progress, tmp_path):
    from sources.reference_epoch import COLUMNS

    assert progress("compare", "epoch").exit_code == 1  # nothing imported yet: says so
    path = tmp_path / "all_ml_systems.csv"
    pd.DataFrame([{c: {"Model": "LM", "Link": "https://arxiv.org/abs/1706.03762",
                       "Training compute (FLOP)": 1e19}.get(c) for c in COLUMNS}]).to_csv(path, index=False)
    assert progress("reference", "import", "epoch", str(path)).exit_code == 0
    csv = tmp_path / "mine.csv"
    csv.write_text("arxiv_id,task,dataset,metric,value,flops\n1706.03762,machine_translation,WMT14 EN-DE,BLEU,28.4,2.3e19\n")
    assert progress("contribute", str(csv)).exit_code == 0
    # Contributed compute is not ours-extracted: the comparison covers extracted papers only.
    result = progress("compare", "epoch", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["summary"]["n"] == 0


def test_browse_prints_a_read_only_datasette_command_with_views_and_queries(progress, tmp_path):
    csv = tmp_path / "mine.csv"
    csv.write_text("arxiv_id,task,dataset,metric,value,flops\n1706.03762,machine_translation,WMT14 EN-DE,BLEU,28.4,2.3e19\n")
    progress("contribute", str(csv))
    result = progress("browse", "--print-command")
    assert result.exit_code == 0, result.output
    command, metadata = result.output.split("\n", 1)
    assert "datasette serve --immutable" in command and "--host 127.0.0.1" in command
    database = json.loads(metadata)["databases"]["progress"]
    assert {"v_scaling_points", "v_latest_fits", "v_paper_hardware"} <= set(database["tables"])
    assert "fits_for_task" in database["queries"]
