"""Refit: compute estimates per paper, then the scaling regressions per task and per benchmark."""
from __future__ import annotations

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from analysis.regression import fit_all
from db.engine import session_scope
from db.runs import finish_run, start_run
from db.scaling import rebuild_estimates, scaling_points, store_fits
from flows.context import load_context
from settings.config import Config

FIT_TABLE_COLUMNS = ["task", "dataset", "metric", "n", "slope", "ci_low", "ci_high", "r2", "degree",
                     "halving_multiple"]


def primary_points(points: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One point per paper and task: the paper's result on the first configured benchmark it reports,
    so a paper with top-1 and top-5 results counts once in the task-level fit."""
    if points.empty:
        return points
    rank = {(t, b.dataset, b.metric): i for t, task_cfg in config.tasks.items()
            for i, b in enumerate(task_cfg.benchmarks)}
    ranked = points.assign(_rank=[rank.get(k, 99) for k in zip(points.task, points.dataset, points.metric)])
    return (ranked.sort_values(["task", "arxiv_id", "_rank"]).drop_duplicates(["task", "arxiv_id"])
            .drop(columns="_rank"))


@task(name="estimate-compute", cache_policy=NO_CACHE)
def estimate_task(config: Config, url: str, run_id: int, include_pending: bool) -> int:
    with session_scope(url) as session:
        return rebuild_estimates(session, config, run_id, include_pending=include_pending)


@task(name="fit-scaling", cache_policy=NO_CACHE)
def fit_task(config: Config, url: str, run_id: int, source: str | None, include_pending: bool) -> pd.DataFrame:
    with session_scope(url) as session:
        points = scaling_points(session, source=source, include_pending=include_pending)
        if points.empty:
            return pd.DataFrame(columns=FIT_TABLE_COLUMNS)
        min_points = config.analysis.min_points
        by_task = fit_all(primary_points(points, config), ("task",), min_points=min_points)
        by_bench = fit_all(points, ("task", "dataset", "metric"), min_points=min_points)
        label = source or "extracted"
        store_fits(session, by_task, run_id=run_id, source=label, spec="error")
        store_fits(session, by_bench, run_id=run_id, source=label, spec="error")
    table = pd.concat([by_task, by_bench], ignore_index=True)
    return table[table["status"] == "ok"].reindex(columns=FIT_TABLE_COLUMNS)


def fits_markdown(table: pd.DataFrame) -> str:
    lines = ["| task | benchmark | n | slope [95% CI] | R² | degree k | compute to halve error |",
             "|---|---|---|---|---|---|---|"]
    for row in table.to_dict("records"):
        bench = "all (primary)" if pd.isna(row.get("dataset")) else f"{row['dataset']} {row['metric']}"
        lines.append(f"| {row['task']} | {bench} | {int(row['n'])} | {row['slope']:.3f} "
                     f"[{row['ci_low']:.3f}, {row['ci_high']:.3f}] | {row['r2']:.2f} | {row['degree']:.1f} "
                     f"| {row['halving_multiple']:.3g}x |")
    return "\n".join(lines)


@flow(name="refit", log_prints=True)
def refit_flow(config_path: str | None = None, database_url: str | None = None, source: str | None = None,
               include_pending: bool = False) -> list[dict]:
    """Re-estimate compute and refit. `include_pending` lets unreviewed low-confidence values in."""
    config, url = load_context(config_path, database_url)
    run_id = start_run(url, "refit", {"source": source, "include_pending": include_pending})
    estimates = estimate_task(config, url, run_id, include_pending) if source in (None, "extracted") else 0
    table = fit_task(config, url, run_id, source, include_pending)
    finish_run(url, run_id, counts={"estimates": estimates, "fits": len(table)})
    markdown = fits_markdown(table)
    create_markdown_artifact(key="scaling-fits", markdown=f"# Scaling fits (run {run_id})\n\n{markdown}",
                             description="Per-task scaling regressions of log10(error) on log10(compute)")
    get_run_logger().info("refit run %s: %d estimates, %d fits", run_id, estimates, len(table))
    return table.to_dict("records")
