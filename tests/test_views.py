"""The analysts' SQL views on a real SQLite file, and Datasette serving them read-only over loopback."""
from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import text

from db import get_engine, session_scope, upgrade_to_head
from db.views import CANNED_QUERIES, VIEWS_V1
from models import ComputeEstimate, DecisionAction, Extraction, Fit, Paper, Result, ReviewDecision, Run


def evidence(paper_id, field, key, value, confidence, sentence, best=True):
    return Extraction(paper_id=paper_id, field=field, candidate_key=key, raw_text=sentence[:12], value=value,
                      normalized_value=value, attrs={}, confidence=confidence, is_best=best, page=4, sentence=sentence,
                      extractor="test", extractor_version="t")


@pytest.fixture
def url(db_url):
    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        paper = Paper(arxiv_id="2101.00001", title="Wide nets", source="arxiv")
        bare = Paper(arxiv_id="2101.00002", title="No compute", source="arxiv")
        s.add_all([paper, bare])
        s.flush()
        s.add_all([
            Result(paper_id=paper.id, task="image_classification", dataset="ImageNet", metric="top-1 accuracy",
                   value=76.0, source="extracted"),
            Result(paper_id=bare.id, task="image_classification", dataset="ImageNet", metric="top-1 accuracy",
                   value=70.0, source="extracted"),
            ComputeEstimate(paper_id=paper.id, method="hardware", flops=1e19, preferred=True, source="extracted"),
            ComputeEstimate(paper_id=paper.id, method="arithmetic", flops=1e18, preferred=False, source="extracted"),
            evidence(paper.id, "hardware", "hw-rejected", 64, 0.95, "We use 64 TPUs for the ablation."),
            evidence(paper.id, "hardware", "hw-ok", 8, 0.9, "We train on 8 V100 GPUs."),
            evidence(paper.id, "training_time", "tt", 72, 0.8, "Training takes 3 days."),
            ReviewDecision(paper_id=paper.id, candidate_key="hw-rejected", field="hardware",
                           action=DecisionAction.reject, reviewer="ann"),
        ])
        run = Run(flow="refit", status="completed")
        s.add(run)
        s.flush()
        for slope in (-0.10, -0.08):  # two runs' fits of one group: only the second is latest
            s.add(Fit(run_id=run.id, task="image_classification", dataset=None, metric=None, source="extracted",
                      spec="error", n=9, slope=slope, intercept=0.5, ci_low=slope - 0.02, ci_high=slope + 0.02, r2=0.8))
        s.add(Fit(run_id=run.id, task="image_classification", dataset=None, metric=None, source="extracted",
                  spec="frontier", n=4, slope=-0.2, intercept=0.5, ci_low=-0.3, ci_high=-0.1, r2=0.9))
    return db_url


def rows(url: str, sql: str, **params) -> list[dict]:
    with get_engine(url).connect() as conn:
        return [dict(r._mapping) for r in conn.execute(text(sql), params)]


def test_scaling_points_join_each_result_to_its_preferred_compute(url):
    points = {r["arxiv_id"]: r for r in rows(url, "SELECT * FROM v_scaling_points")}
    assert points["2101.00001"]["compute_flops"] == 1e19 and points["2101.00001"]["compute_method"] == "hardware"
    assert points["2101.00001"]["error"] == pytest.approx(0.24)
    assert points["2101.00002"]["compute_flops"] is None  # kept, visibly without compute


def test_latest_fits_keep_the_newest_of_each_group_and_spec(url):
    latest = rows(url, "SELECT spec, slope, run_started_at FROM v_latest_fits ORDER BY spec")
    assert [(r["spec"], r["slope"]) for r in latest] == [("error", -0.08), ("frontier", -0.2)]
    assert all(r["run_started_at"] is not None for r in latest)


def test_paper_hardware_shows_unrejected_evidence(url):
    (row,) = rows(url, "SELECT * FROM v_paper_hardware")
    assert (row["chips"], row["hardware_sentence"], row["hardware_page"]) == (8, "We train on 8 V100 GPUs.", 4)
    assert (row["training_hours"], row["compute_flops"]) == (72, 1e19)


def test_canned_queries_run(url):
    params = {"task": "image_classification", "dataset": "ImageNet", "metric": "top-1 accuracy"}
    for name, (_, sql) in CANNED_QUERIES.items():
        needed = {k: v for k, v in params.items() if f":{k}" in sql}
        assert isinstance(rows(url, sql, **needed), list), name
    assert len(rows(url, CANNED_QUERIES["results_without_compute"][1])) == 1


def test_downgrade_drops_the_views(url):
    from alembic import command

    from db.migrate import alembic_config

    cfg = alembic_config(url)
    with get_engine(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.downgrade(cfg, "0001")
    names = {r["name"] for r in rows(url, "SELECT name FROM sqlite_master WHERE type = 'view'")}
    assert not names & set(VIEWS_V1)


def test_datasette_serves_a_view_read_only_over_loopback(url, tmp_path):
    pytest.importorskip("datasette", reason="the 'browse' extra is not installed (pip install -e \".[browse]\")")
    from cli.group_analysis import _checkpoint, datasette_command, datasette_metadata, sqlite_path

    db_path = sqlite_path(url)
    _checkpoint(db_path)
    metadata = tmp_path / "metadata.json"
    metadata.write_text(json.dumps(datasette_metadata(db_path.stem)))
    command = datasette_command(db_path, metadata, host="127.0.0.1", port=0)
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command[command.index("--port") + 1] = str(port)
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        body = None
        for _ in range(120):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/{db_path.stem}/v_latest_fits.json?_shape=array",
                                            timeout=2) as response:
                    body = json.loads(response.read())
                break
            except OSError:
                if server.poll() is not None:
                    pytest.fail(server.stderr.read().decode())
                time.sleep(0.25)
        assert body is not None and sorted(r["spec"] for r in body) == ["error", "frontier"]
        canned = f"http://127.0.0.1:{port}/{db_path.stem}/fits_for_task.json?_shape=array&task=image_classification"
        with urllib.request.urlopen(canned, timeout=5) as response:
            assert len(json.loads(response.read())) == 2
        request = urllib.request.Request(f"http://127.0.0.1:{port}/{db_path.stem}.json?sql="
                                         "DELETE%20FROM%20fits&_shape=array")
        with pytest.raises(urllib.error.HTTPError):  # writes are refused
            urllib.request.urlopen(request, timeout=5)
    finally:
        server.terminate()
        server.wait(10)
    assert len(rows(url, "SELECT id FROM fits")) == 3
