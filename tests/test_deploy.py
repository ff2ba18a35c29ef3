"""Deployments: the nightly schedule comes from config.yaml, and a backfill deployment run with
parameters executes (in a flow-run subprocess of a Prefect Runner) against the test harness's API."""
from __future__ import annotations

import asyncio
from datetime import date

from sqlalchemy import select

from db.engine import session_scope
from flows.deployments import DEPLOYMENT_NAME, build_deployments
from models import Paper, PaperTask, Run
from standin.corpus import sample_papers
from standin.server import StandIn
from test_ingest_support import pipeline_config


def test_deployments_take_schedule_and_config_from_the_config_file(tmp_path):
    config = pipeline_config(tmp_path, "http://127.0.0.1:9/api/query",
                             schedule={"nightly_cron": "30 3 * * 1-5", "timezone": "Europe/Berlin"})
    deployments = {d.flow_name: d for d in build_deployments(str(config))}
    assert set(deployments) == {"nightly", "backfill", "refit"}
    assert {d.name for d in deployments.values()} == {DEPLOYMENT_NAME}
    (schedule,) = deployments["nightly"].schedules
    assert (schedule.schedule.cron, schedule.schedule.timezone) == ("30 3 * * 1-5", "Europe/Berlin")
    assert not deployments["backfill"].schedules and not deployments["refit"].schedules
    for deployment in deployments.values():
        assert deployment.parameters == {"config_path": str(config.resolve())}
        assert deployment.entrypoint.startswith("flows.")
    backfill_params = deployments["backfill"]._parameter_openapi_schema.properties
    assert {"start", "end", "tasks", "max_papers", "window_months"} <= set(backfill_params)


def test_a_backfill_deployment_runs_with_parameters(tmp_path, prefect_harness):
    from prefect import get_client
    from prefect.deployments import run_deployment
    from prefect.runner import Runner

    url = f"sqlite:///{tmp_path / 'progress.sqlite'}"
    with StandIn() as stand_in:
        config = pipeline_config(tmp_path, stand_in.api_url, delay=0.01)
        backfill = next(d for d in build_deployments(str(config)) if d.flow_name == "backfill")
        runner = Runner(name="test-serve", query_seconds=1)
        runner.add_deployment(backfill)  # registers it with the API
        flow_run = run_deployment(f"backfill/{DEPLOYMENT_NAME}", timeout=0, parameters={
            "start": "2019-01-01", "end": "2020-12-31", "tasks": ["object_detection"], "window_months": 12,
            "download": False, "extract": False})
        asyncio.run(runner.start(run_once=True))  # picks the run up, executes it in a subprocess
        windows = {r.query["search_query"][0].rsplit("submittedDate:", 1)[1] for r in stand_in.api_requests}

    async def final_state():
        async with get_client() as client:
            return (await client.read_flow_run(flow_run.id)).state

    state = asyncio.run(final_state())
    assert state.is_completed(), state
    assert windows == {"[201901010000 TO 201912312359]", "[202001010000 TO 202012312359]"}
    expected = {p.arxiv_id for p in sample_papers()
                if p.task == "object_detection" and date(2019, 1, 1) <= p.published.date() <= date(2020, 12, 31)}
    with session_scope(url) as s:
        found = set(s.execute(select(Paper.arxiv_id).join(PaperTask)).scalars())
        run = s.execute(select(Run).where(Run.flow == "backfill")).scalar_one()
    assert found == expected and expected
    assert run.status == "completed" and run.params["tasks"] == ["object_detection"]


def test_progress_deploy_show_lists_the_three_deployments(tmp_path):
    from typer.testing import CliRunner

    from cli.main import _register_groups, app

    config = pipeline_config(tmp_path, "http://127.0.0.1:9/api/query", schedule={"nightly_cron": "15 4 * * *"})
    _register_groups()
    result = CliRunner().invoke(app, ["--config", str(config), "deploy", "show"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    for expected in ("nightly/progress", "15 4 * * * (UTC)", "backfill/progress", "refit/progress", "on demand"):
        assert expected in result.output
