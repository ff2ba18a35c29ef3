"""A newcomer's first hour (issue 14): the demo's database is the one the next commands find, a missing
optional package names its extra, a fit without meaning shows no degree, output fits 80 columns and
pipes, and the commands agree on --task, --json, `-` and wrong flags."""
from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pymupdf
import pytest
from rich.console import Console
from typer.testing import CliRunner

from analysis.regression import CI_HAS_ZERO, WRONG_SIGN, fit_all
from cli.app_state import DEMO_DATABASE, AppContext
from cli.main import _register_groups, app
from cli.status import format_counts, print_fit_rows
from db.engine import session_scope
from db.migrate import upgrade_to_head
from db.runs import finish_run, start_run
from usecases.scaling import store_fits
from flows.refit import fits_markdown
from models import Paper, PaperStatus

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config.yaml"
HIDE = Path(__file__).with_name("hide_modules")  # its sitecustomize hides $HIDE_MODULES


@pytest.fixture(scope="module", autouse=True)
def groups():
    _register_groups()


def cli(*args: str, cwd: Path, hide: str = "", timeout: float = 300, **env: str) -> subprocess.CompletedProcess:
    """`progress` as a user runs it (cli.main.main, this repository's code), in its own process."""
    child = dict(os.environ, PYTHONPATH=os.pathsep.join([str(HIDE), str(REPO)]), HIDE_MODULES=hide,
                 PREFECT_SERVER_ANALYTICS_ENABLED="false", PYTHONUNBUFFERED="1", **env)
    child.pop("PROGRESS_DATABASE_URL", None)
    return subprocess.run([sys.executable, "-m", "cli.main", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env=child)


def one_line(done: subprocess.CompletedProcess, *fragments: str) -> str:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


# --- 1 and 16.4: a missing optional package names its extra --------------------------------------------

def test_missing_postgres_driver_names_the_extra(tmp_path):
    done = cli("--config", str(CONFIG), "--db", "postgresql+psycopg://someone:secret@127.0.0.1:1/x", "status",
               cwd=tmp_path, hide="psycopg")
    assert done.returncode == 2
    line = one_line(done, "database", "'postgres' extra", 'pip install -e ".[postgres]"')
    assert "secret" not in line


def test_parquet_and_browse_without_their_extras(tmp_path):
    db = f"sqlite:///{tmp_path / 'db.sqlite'}"
    parquet = cli("--config", str(CONFIG), "--db", db, "export", "--format", "parquet", "--out", str(tmp_path),
                  cwd=tmp_path, hide="pyarrow")
    assert parquet.returncode == 2
    one_line(parquet, "Parquet export", 'pip install -e ".[parquet]"')
    default = cli("--config", str(CONFIG), "--db", db, "export", "--json", "--out", str(tmp_path / "out"),
                  cwd=tmp_path, hide="pyarrow")
    assert default.returncode == 0, default.stderr
    assert set(json.loads(default.stdout)["files"]) == {"csv"} and "[parquet]" in default.stderr
    browse = cli("--config", str(CONFIG), "--db", db, "browse", cwd=tmp_path, hide="datasette")
    assert browse.returncode == 2
    one_line(browse, 'pip install -e ".[browse]"')


def test_dask_runner_without_its_extra_is_refused_before_the_run(tmp_path):
    config = tmp_path / "dask.yaml"
    config.write_text(CONFIG.read_text().replace("task_runner: default", "task_runner: dask"))
    done = cli("--config", str(config), "--db", f"sqlite:///{tmp_path / 'db.sqlite'}", "extract",
               cwd=tmp_path, hide="prefect_dask")
    assert done.returncode == 2
    one_line(done, "extraction.task_runner: dask", 'pip install -e ".[dask]"')


# --- 2: the demo's database ---------------------------------------------------------------------------

def test_db_in_a_missing_folder_is_an_error_not_a_new_file(tmp_path):
    done = cli("--config", str(CONFIG), "--db", f"sqlite:///{tmp_path}/no/such/progress.sqlite", "status",
               cwd=tmp_path)
    assert done.returncode == 2
    one_line(done, "no such folder", "no/such")
    assert not (tmp_path / "no").exists()


def test_commands_find_the_demo_database_unless_they_fetch_from_arxiv(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PROGRESS_DATABASE_URL", raising=False)
    (tmp_path / DEMO_DATABASE).parent.mkdir(parents=True)
    (tmp_path / DEMO_DATABASE).write_bytes(b"")
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.read_text())
    assert AppContext(config_path=str(config)).config.database_url == f"sqlite:///{DEMO_DATABASE}"
    fetching = AppContext(config_path=str(config), use_demo_database=False)
    assert fetching.config.database_url == "sqlite:///data/progress.sqlite"
    explicit = AppContext(config_path=str(config), database_url=f"sqlite:///{tmp_path / 'mine.sqlite'}")
    assert explicit.config.database_url.endswith("mine.sqlite")
    other = tmp_path / "other.yaml"  # a database of one's own in the config: used as it is
    other.write_text(CONFIG.read_text().replace("sqlite:///data/progress.sqlite", "sqlite:///data/mine.sqlite"))
    assert AppContext(config_path=str(other)).config.database_url == "sqlite:///data/mine.sqlite"
    (tmp_path / "data" / "progress.sqlite").write_bytes(b"")  # once the real one exists, it is used
    assert AppContext(config_path=str(config)).config.database_url == "sqlite:///data/progress.sqlite"


@pytest.mark.slow
def test_readme_demo_then_status_fits_and_review_list_from_the_same_folder(tmp_path):
    """README command (a)'s demo (faster requests to the loopback stand-in), then the commands the
    README and the demo suggest, from the same folder, with no flags."""
    demo = cli("demo", "--delay", "0.05", cwd=tmp_path, timeout=900)
    assert demo.returncode == 0, demo.stderr
    assert "Next, from this folder: progress status | progress fits" in demo.stdout
    for stage in ("starting Prefect's local API", "ingest", "download", "extract", "refit", "done"):
        assert stage in demo.stdout, stage
    status = cli("status", "--json", cwd=tmp_path)
    assert status.returncode == 0, status.stderr
    summary = json.loads(status.stdout)
    with session_scope(f"sqlite:///{tmp_path / DEMO_DATABASE}") as session:
        demo_papers = {p.arxiv_id for p in session.query(Paper)}
    assert summary["states"] == {"extracted": len(demo_papers)} and len(demo_papers) >= 30
    assert "demo" in status.stderr  # says which database it uses
    fits = cli("fits", "--json", "--latest", cwd=tmp_path)
    assert fits.returncode == 0, fits.stderr
    assert {f["task"] for f in json.loads(fits.stdout)} >= {"image_classification", "question_answering"}
    queue = cli("review", "list", "--status", "all", "--json", cwd=tmp_path)
    assert queue.returncode == 0, queue.stderr
    items = json.loads(queue.stdout)
    assert items and {item["arxiv_id"] for item in items} <= demo_papers
    assert not (tmp_path / "data" / "progress.sqlite").exists()  # no empty database made on the spot


# --- 4: fits without meaning --------------------------------------------------------------------------

def _fit_table() -> pd.DataFrame:
    """Three benchmarks: error falling with compute, rising with it, and no clear relation."""
    rows = []
    for dataset, slope, noise in (("Falls", -0.1, 0.0), ("Rises", 0.1, 0.0), ("Flat", -0.04, 0.08)):
        for i, log_c in enumerate(range(17, 23)):
            error = 10 ** (-0.5 + slope * (log_c - 17) + noise * (1 if i % 2 else -1))
            rows.append({"task": "image_classification", "dataset": dataset, "metric": "top-1 accuracy",
                         "higher_is_better": True, "score": 100 * (1 - error), "compute_flops": 10.0 ** log_c})
    return fit_all(pd.DataFrame(rows), ("task", "dataset", "metric"))


@pytest.fixture
def flagged_db(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'fits.sqlite'}"
    upgrade_to_head(url)
    with session_scope(url) as session:
        store_fits(session, _fit_table(), run_id=None, source="extracted", spec="error")
    return url


def test_fits_json_and_table_flag_meaningless_fits_without_degree(flagged_db):
    runner = CliRunner()
    done = runner.invoke(app, ["--config", str(CONFIG), "--db", flagged_db, "fits", "--json"])
    assert done.exit_code == 0, done.output
    by_dataset = {f["dataset"]: f for f in json.loads(done.stdout)}
    assert by_dataset["Falls"]["flag"] is None and by_dataset["Falls"]["degree"] == pytest.approx(10)
    assert by_dataset["Rises"]["flag"] == WRONG_SIGN and by_dataset["Flat"]["flag"] == CI_HAS_ZERO
    for name in ("Rises", "Flat"):
        assert by_dataset[name]["degree"] is None and by_dataset[name]["halving_multiple"] is None
        assert by_dataset[name]["slope"] is not None  # the fit itself is still there
    table = runner.invoke(app, ["--config", str(CONFIG), "--db", flagged_db, "fits"])
    assert "none: wrong sign" in table.stdout and "none: CI includes 0" in table.stdout


def test_refit_table_and_prefect_artifact_show_no_degree_for_flagged_fits():
    table = _fit_table()
    table = table.assign(flag=[{"Falls": None, "Rises": WRONG_SIGN, "Flat": CI_HAS_ZERO}[d] for d in table["dataset"]])
    markdown = fits_markdown(table.assign(spec="error"))
    rises = next(line for line in markdown.splitlines() if "| Rises" in line)
    assert "none: wrong sign" in rises and "x |" not in rises
    falls = next(line for line in markdown.splitlines() if "| Falls" in line)
    assert "1.02e+03x" in falls  # k = 10: 2^10
    out = io.StringIO()
    print_fit_rows(table.to_dict("records"), Console(file=out, width=80))
    text = out.getvalue()
    assert "none: wrong sign" in text and "none: CI includes 0" in text


# --- 9: 80 columns and pipes --------------------------------------------------------------------------

def test_fit_tables_fit_80_columns_without_cutting_task_names():
    rows = []
    for task in ("named_entity_recognition", "image_classification", "question_answering"):
        for dataset, metric in (("CoNLL-2003", "F1"), ("SQuAD 1.1", "EM"), ("ImageNet", "top-1 accuracy")):
            rows.append(dict(task=task, dataset=dataset, metric=metric, source="extracted", spec="error", n=12,
                             slope=-0.1234, ci_low=-0.2345, ci_high=-0.0123, r2=0.91, degree=8.1,
                             halving_multiple=276.0, flag=None))
    rows[1].update(spec="year", slope=0.02, ci_low=-0.01, ci_high=0.05, flag=CI_HAS_ZERO)
    out = io.StringIO()
    print_fit_rows(rows, Console(file=out, width=80))
    lines = out.getvalue().splitlines()
    assert max(len(line) for line in lines) <= 80
    assert "…" not in out.getvalue()
    for task in ("named_entity_recognition", "image_classification", "question_answering"):
        assert any(line.strip() == task for line in lines), task


def test_run_counts_are_words_not_python_dicts():
    assert format_counts({"estimates": 46, "fits": 42, "fits_stored": 42}) == "estimates 46, fits 42, fits stored 42"
    nested = {"image_classification": {"found": 8, "new": 8, "unchanged": 0},
              "object_detection": {"found": 7, "new": 5, "unchanged": 2}}
    assert format_counts(nested) == "2 tasks: found 15, new 13, unchanged 2"
    assert format_counts(None) == ""


def test_status_piped_at_80_columns(tmp_path):
    db = tmp_path / "status.sqlite"
    url = f"sqlite:///{db}"
    upgrade_to_head(url)
    run = start_run(url, "ingest", {})
    finish_run(url, run, counts={"named_entity_recognition": {"found": 3, "new": 3}})
    done = cli("--config", str(CONFIG), "--db", url, "status", cwd=tmp_path, COLUMNS="80")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert f"Database: {url}" in lines  # the path on one line, never broken inside a word (may pass 80)
    tables = [line for line in lines if not line.startswith("Database: ")]
    assert max(len(line) for line in tables) <= 80 and "{'" not in done.stdout and "…" not in done.stdout
    assert "1 task:" in done.stdout and "found 3," in done.stdout  # format_counts, wrapped in its cell


# --- 5: no long silences ------------------------------------------------------------------------------

def test_piped_progress_names_each_stage_and_papers_done(tmp_path, prefect_harness):
    from cli.running import PAPERS_PER_LINE, run_with_progress

    url = f"sqlite:///{tmp_path / 'stages.sqlite'}"
    obj = AppContext(config_path=str(CONFIG), database_url=url)

    def pipeline():
        for stage in ("ingest", "download", "extract"):
            run = start_run(url, stage, {})
            with session_scope(url) as session:
                for i in range(PAPERS_PER_LINE if stage == "ingest" else 0):
                    session.add(Paper(arxiv_id=f"2401.{i:05d}", version=1, title="t", source="arxiv"))
                if stage == "extract":
                    for paper in session.query(Paper):
                        paper.status = PaperStatus.extracted
            time.sleep(1.5)
            finish_run(url, run, counts={})
        return "ok"

    out = io.StringIO()
    assert run_with_progress(obj, Console(file=out, width=80), "nightly", pipeline) == "ok"
    lines = out.getvalue().splitlines()
    said = [line.split("] ", 1)[1] for line in lines if line.startswith("nightly [")]
    assert said[0] == "started" and said[-1] == "done"
    assert [s for s in said if s in ("ingest", "download", "extract")] == ["ingest", "download", "extract"]
    assert any(s.startswith(f"{PAPERS_PER_LINE}/{PAPERS_PER_LINE} papers done") for s in said), said


# --- 7: consistency -----------------------------------------------------------------------------------

def test_unknown_task_is_refused_by_review_too(tmp_path):
    done = CliRunner().invoke(app, ["--config", str(CONFIG), "--db", f"sqlite:///{tmp_path / 'r.sqlite'}",
                                    "review", "list", "--task", "cooking"])
    assert done.exit_code == 2 and "unknown task cooking" in done.output


def test_unknown_task_is_refused_by_the_review_page(tmp_path):
    import threading

    import httpx

    from review.web import make_server
    from settings.config import load_config

    url = f"sqlite:///{tmp_path / 'w.sqlite'}"
    upgrade_to_head(url)
    server = make_server(url, load_config(CONFIG), reviewer="r", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        page = httpx.get(f"{server.base_url}/api/queue", params={"task": "cooking"})
        assert page.status_code == 404 and "unknown task cooking" in page.text
        assert httpx.get(f"{server.base_url}/api/queue", params={"task": "image_classification"}).status_code == 200
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_status_and_deploy_show_speak_json(tmp_path):
    runner = CliRunner()
    status = runner.invoke(app, ["--config", str(CONFIG), "--db", f"sqlite:///{tmp_path / 's.sqlite'}",
                                 "status", "--json"])
    assert status.exit_code == 0, status.output
    assert set(json.loads(status.stdout)) >= {"database", "states", "queues", "runs", "parked"}
    deploy = runner.invoke(app, ["--config", str(CONFIG), "deploy", "show", "--json"])
    assert deploy.exit_code == 0, deploy.output
    names = {d["deployment"] for d in json.loads(deploy.stdout)}
    assert names == {"nightly/progress", "backfill/progress", "refit/progress"}


def test_help_has_no_bool_placeholders():
    runner = CliRunner()
    for args in (["fits"], ["review", "show"], ["backfill"], ["export"], ["status"], ["deploy", "show"]):
        text = runner.invoke(app, [*args, "--help"]).stdout
        assert "Options:" in text and "<bool>" not in text, (args, text)


def test_a_wrong_flag_is_one_line(tmp_path):
    done = cli("status", "--bogus", cwd=tmp_path)
    assert done.returncode == 2 and done.stdout == ""
    one_line(done, "No such option: --bogus", "status --help")


def test_extract_files_dash_writes_to_stdout(tmp_path):
    pdf = tmp_path / "paper.pdf"
    doc = pymupdf.open()
    doc.new_page().insert_textbox(pymupdf.Rect(72, 72, 520, 400),
                                  "3 Experiments\nWe trained the model on four NVIDIA V100 GPUs for two days.",
                                  fontsize=11)
    doc.save(pdf)
    done = cli("--config", str(CONFIG), "extract-files", str(pdf), "--jsonl", "-", "--workers", "1", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    (line,) = [json.loads(x) for x in done.stdout.splitlines()]
    assert line["arxiv_id"] == "paper" and line["hardware"]
    assert "1 of 1 PDFs extracted -> stdout" in done.stderr and not (tmp_path / "-").exists()
