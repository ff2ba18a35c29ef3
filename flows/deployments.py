"""Prefect deployments: `nightly` on the configured cron schedule, `backfill` and `refit` on demand.

    build_deployments(config_path)            # the three RunnerDeployments, named "<flow>/progress"
    serve(config_path)                        # register them and run them from this process (blocks)
    register(config_path, work_pool="name")   # register them for a worker of a process work pool

Every deployment carries the config file's absolute path as its default `config_path` parameter, so
a run started by a worker or serve process (any working directory) reads the same configuration, and
the runs take Prefect's global arXiv rate limit (flows/startup.py), since several of them may run in
different processes at once. A deployment runs one flow run at a time; the database's run lock
(db/lock.py) additionally stops a nightly and a backfill from overlapping.

`python -m flows.deployments cron|timezone|config-path` prints what prefect.yaml's build steps need.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path
from uuid import UUID

from prefect.deployments.runner import EntrypointType, RunnerDeployment
from prefect.schedules import Cron

from flows.backfill import backfill_flow
from flows.startup import RATE_LIMIT_ENV
from flows.nightly import nightly_flow
from flows.refit import refit_flow
from settings.config import Config, load_config

DEPLOYMENT_NAME = "progress"  # so: nightly/progress, backfill/progress, refit/progress
TAGS = ["computer-progress"]
RUN_ENV = {RATE_LIMIT_ENV: "prefect"}


def nightly_schedule(config: Config) -> Cron:
    return Cron(config.schedule.nightly_cron, timezone=config.schedule.timezone)


def config_file(config: Config) -> str:
    return str(Path(config.source_path).resolve())


def build_deployments(config_path: str | None = None, *, work_pool_name: str | None = None) -> list[RunnerDeployment]:
    config = load_config(config_path)
    common = dict(parameters={"config_path": config_file(config)}, tags=TAGS,
                  entrypoint_type=EntrypointType.MODULE_PATH, work_pool_name=work_pool_name,
                  job_variables={"env": RUN_ENV} if work_pool_name else None)
    return [
        nightly_flow.to_deployment(
            DEPLOYMENT_NAME, schedules=[nightly_schedule(config)], concurrency_limit=1,
            description="Ingest new papers and versions, download, extract, refit (config.yaml: schedule).",
            **common),
        backfill_flow.to_deployment(
            DEPLOYMENT_NAME, concurrency_limit=1,
            description="Fill a date range window by window (start, end, tasks, max_papers); resumable.",
            **common),
        refit_flow.to_deployment(
            DEPLOYMENT_NAME, concurrency_limit=1,
            description="Re-estimate compute and refit the scaling regressions only.", **common),
    ]


def serve(config_path: str | None = None) -> None:
    """Register the deployments and execute their runs (each in a subprocess) until interrupted."""
    from prefect import serve as prefect_serve

    os.environ.update(RUN_ENV)  # inherited by the flow-run processes this one starts
    prefect_serve(*build_deployments(config_path))


def register(config_path: str | None = None, *, work_pool: str) -> list[UUID]:
    """Register the deployments for `prefect worker start --pool <work_pool>` (a process pool)."""
    return [d.apply(work_pool_name=work_pool) for d in build_deployments(config_path, work_pool_name=work_pool)]


def _print_setting(what: str) -> None:
    config = load_config(os.environ.get("PROGRESS_CONFIG") or None)
    values = {"cron": config.schedule.nightly_cron, "timezone": config.schedule.timezone,
              "config-path": config_file(config)}
    if what not in values:
        raise SystemExit(f"usage: python -m flows.deployments {'|'.join(values)}")
    print(values[what])


if __name__ == "__main__":
    _print_setting(sys.argv[1] if len(sys.argv) > 1 else "")
