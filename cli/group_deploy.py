"""`progress deploy ...`: run the pipeline as Prefect deployments (see flows/deployments.py).

    progress deploy serve                  # register nightly/backfill/refit and run them from here
    progress deploy register --pool NAME   # register them for `prefect worker start --pool NAME`
    progress deploy show                   # what would be registered: names, schedule, parameters
"""
from __future__ import annotations

import json

import typer
from rich.console import Console
from rich.table import Table

from cli.app_state import AppContext, fail

deploy_app = typer.Typer(help="Prefect deployments: nightly on the configured schedule, backfill and refit on demand.",
                         no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(deploy_app, name="deploy")  # once: cli.main._register_groups keeps track


def _config_path(obj: AppContext) -> str:
    return obj.config.source_path  # validates the config (one line on error) before Prefect starts


@deploy_app.command("show")
def show(ctx: typer.Context, as_json: bool = typer.Option(False, "--json", help="JSON array for scripts")) -> None:
    """The deployments `serve` and `register` would create."""
    from flows.deployments import build_deployments

    deployments = [{"deployment": f"{d.flow_name}/{d.name}",
                    "schedules": [{"cron": s.schedule.cron, "timezone": s.schedule.timezone} for s in d.schedules],
                    "parameters": d.parameters} for d in build_deployments(_config_path(ctx.obj))]
    if as_json:
        typer.echo(json.dumps(deployments, indent=1, default=str))
        return
    table = Table(title="Deployments")
    for col in ("deployment", "schedule", "default parameters"):
        table.add_column(col)
    for d in deployments:
        schedule = ", ".join(f"{s['cron']} ({s['timezone']})" for s in d["schedules"]) or "on demand"
        # name=value words, not a Python dict: they wrap between parameters at 80 columns
        parameters = ", ".join(f"{k}={json.dumps(v, default=str)}" for k, v in d["parameters"].items()) or "none"
        table.add_row(d["deployment"], schedule, parameters)
    console.print(table)


@deploy_app.command("serve")
def serve_command(ctx: typer.Context) -> None:
    """Register the deployments with the Prefect API ($PREFECT_API_URL) and execute their runs here,
    each in a subprocess, until interrupted (Ctrl-C)."""
    from flows.deployments import serve

    serve(_config_path(ctx.obj))


@deploy_app.command("register")
def register_command(ctx: typer.Context,
                     pool: str = typer.Option(..., "--pool", help="A process work pool (prefect work-pool create NAME --type process)")) -> None:
    """Register the deployments for a worker of a process work pool."""
    from flows.deployments import register as register_deployments

    try:
        ids = register_deployments(_config_path(ctx.obj), work_pool=pool)
    except Exception as exc:  # noqa: BLE001 - an unreachable API or a missing pool: one line
        fail(f"could not register the deployments: {exc.__class__.__name__}: {exc}")
    console.print(f"registered {len(ids)} deployments for work pool {pool!r}; start a worker with "
                  f"`prefect worker start --pool {pool}`")
