"""Refit: compute estimates per paper, the paper's points, then the scaling regressions per task and per benchmark.

A point (usecases.points) pairs an extracted headline result with the compute of the run that produced it
(its model's stages summed); the regressions use it in place of the paper-level estimate.

Stored variants (Fit.spec):
  error     log10(error) on log10(compute), every point
  frontier  the same on the points that were the best of their group when published
  year      with a publication-year term: the years of algorithmic progress worth 10x compute
  study     a reference import refitted with the study's own specification (Thompson et al.), on
            its hardware burden
  hardware_burden, network_operations
            the study's two compute measures, each fitted separately on the papers that have it
            (error form for our data; the study's own form, with spec "network_operations" next to
            "study", for the study's data): x is the hardware estimate or the operation count
            (analysis.compute's "hardware" and "arithmetic" methods), not the preferred one
Everything is deterministic given the database (sorted points, OLS, no random state), and a group
whose fit did not change adds no row (usecases.scaling.store_fits).
"""
from __future__ import annotations

import pandas as pd
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from analysis.regression import FLAG_MEANING, fit_all, fitted_mask, row_fit_flag
from db.engine import session_scope
from usecases.points import rebuild_points
from db.runs import finish_run, start_run
from usecases.scaling import MEASURE_METHODS, rebuild_estimates, scaling_points, store_fits
from flows.startup import load_context
from settings.config import Config
from sources.reference_thompson import STUDY_SOURCE, study_spec

FIT_TABLE_COLUMNS = ["task", "dataset", "metric", "source", "spec", "n", "slope", "ci_low", "ci_high", "r2",
                     "degree", "halving_multiple", "years_per_10x_compute", "flag"]
NIGHTLY_VARIANTS = {"error": {}, "frontier": {"frontier": True}, "year": {"with_year": True}}
MEASURES = tuple(MEASURE_METHODS)  # hardware_burden, network_operations
BENCHMARK = ("task", "dataset", "metric")


def primary_points(points: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One point per paper and task: the paper's result on the first configured benchmark it reports,
    so a paper with top-1 and top-5 results counts once in the task-level fit. A result the fits leave
    out (not trained on the benchmark: `fitted` False) comes after the paper's trained ones."""
    if points.empty:
        return points
    rank = {(t, b.dataset, b.metric): i for t, task_cfg in config.tasks.items()
            for i, b in enumerate(task_cfg.benchmarks)}
    ranks = [rank.get(k, 99) for k in zip(points.task, points.dataset, points.metric)]
    ranked = points.assign(_rank=[r + (1000 if not f else 0) for r, f in zip(ranks, fitted_mask(points))])
    return (ranked.sort_values(["task", "arxiv_id", "_rank"], kind="stable").drop_duplicates(["task", "arxiv_id"])
            .drop(columns="_rank").reset_index(drop=True))


def nightly_fits(points: pd.DataFrame, config: Config) -> dict[str, pd.DataFrame]:
    """spec -> fit_all table (task-level on primary points, then per benchmark) for every variant."""
    primary = primary_points(points, config)
    min_points = config.analysis.min_points
    out = {}
    for spec, options in NIGHTLY_VARIANTS.items():
        by_task = fit_all(primary, ("task",), min_points=min_points, **options)
        by_bench = fit_all(points, BENCHMARK, min_points=min_points, **options)
        out[spec] = pd.concat([by_task, by_bench], ignore_index=True)
    return out


def measure_fits(points: pd.DataFrame, config: Config) -> pd.DataFrame:
    """One compute measure's error-form fits (task-level on primary points, then per benchmark);
    `points` hold that measure's estimate as compute_flops (scaling_points(measure=...))."""
    min_points = config.analysis.min_points
    return pd.concat([fit_all(primary_points(points, config), ("task",), min_points=min_points),
                      fit_all(points, BENCHMARK, min_points=min_points)], ignore_index=True)


def study_fits(points: pd.DataFrame, config: Config, *, method: str = "hardware") -> pd.DataFrame:
    """The study's specification per benchmark: log10(error) for ImageNet, log10(1/(1 - score/100))
    elsewhere, on one measure: the hardware burden ("hardware", the study's headline x) or the
    network operations ("arithmetic"); a row without that measure is not in that fit's sample."""
    measured = points[points["compute_method"] == method]
    tables = []
    for fit_spec in ("study_imagenet", "study_logit"):
        part = measured[measured["dataset"].map(study_spec) == fit_spec]
        if len(part):
            tables.append(fit_all(part, BENCHMARK, spec=fit_spec, min_points=config.analysis.min_points))
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=[*BENCHMARK, "status"])


@task(name="estimate-compute", cache_policy=NO_CACHE)
def estimate_task(config: Config, url: str, run_id: int, include_pending: bool) -> int:
    with session_scope(url) as session:
        return rebuild_estimates(session, config, run_id, include_pending=include_pending)


@task(name="link-points", cache_policy=NO_CACHE)
def points_task(config: Config, url: str, run_id: int, include_pending: bool) -> int:
    """Each extracted headline result with the compute of the run that produced it (usecases.points)."""
    with session_scope(url) as session:
        return rebuild_points(session, config, run_id, include_pending=include_pending)


@task(name="fit-scaling", cache_policy=NO_CACHE)
def fit_task(config: Config, url: str, run_id: int, source: str | None, include_pending: bool,
             measures: tuple[str, ...] = MEASURES) -> tuple[pd.DataFrame, int]:
    """Fit every variant for the source, store new fits; return (the table of ok fits, rows written).

    `measures` picks the compute measures fitted separately (hardware_burden, network_operations).
    For the study's import the hardware burden is its published fit (spec "study"), the network
    operations its second measure (spec "network_operations")."""
    label = source or "extracted"
    with session_scope(url) as session:
        points = scaling_points(session, source=source, include_pending=include_pending)
        by_measure = {m: scaling_points(session, source=source, include_pending=include_pending, measure=m)
                      for m in measures}
        if points.empty and all(p.empty for p in by_measure.values()):
            return pd.DataFrame(columns=FIT_TABLE_COLUMNS), 0
        if source == STUDY_SOURCE:
            variants = {("study" if m == "hardware_burden" else m): study_fits(p, config, method=MEASURE_METHODS[m])
                        for m, p in by_measure.items() if not p.empty}
        else:
            variants = nightly_fits(points, config) if not points.empty else {}
            variants.update({m: measure_fits(p, config) for m, p in by_measure.items() if not p.empty})
        written = sum(store_fits(session, table, run_id=run_id, source=label, spec=spec)
                      for spec, table in variants.items())
    # The flag reads the regression's own spec (the sign of study_logit's slope is reversed) before the
    # variant's name replaces it.
    tables = [table.assign(flag=[row_fit_flag(r) for r in table.to_dict("records")]).assign(spec=spec, source=label)
              for spec, table in variants.items() if len(table)]
    table = pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=[*FIT_TABLE_COLUMNS, "status"])
    return table[table["status"] == "ok"].reindex(columns=FIT_TABLE_COLUMNS).reset_index(drop=True), written


def _cell(value, fmt: str, suffix: str = "") -> str:
    return "–" if value is None or pd.isna(value) else f"{value:{fmt}}{suffix}"


def fits_markdown(table: pd.DataFrame) -> str:
    lines = ["| task | benchmark | spec | n | slope [95% CI] | R² | degree k | compute to halve error "
             "| years of progress ≈ 10x compute |",
             "|---|---|---|---|---|---|---|---|---|"]
    flagged = set()
    for row in table.to_dict("records"):
        bench = "all (primary)" if pd.isna(row.get("dataset")) else f"{row['dataset']} {row['metric']}"
        flag = row.get("flag") if isinstance(row.get("flag"), str) else None
        # No degree or 2^k for a fit of the wrong sign or with a CI containing 0 (regression.fit_flag).
        degree, halving = ("–", f"none: {flag}") if flag else (_cell(row['degree'], '.1f'),
                                                             _cell(row['halving_multiple'], '.3g', 'x'))
        flagged.update([flag] if flag else [])
        lines.append(f"| {row['task']} | {bench} | {row.get('spec', 'error')} | {int(row['n'])} | {row['slope']:.4f} "
                     f"[{row['ci_low']:.4f}, {row['ci_high']:.4f}] | {row['r2']:.3f} | {degree} "
                     f"| {halving} | {_cell(row.get('years_per_10x_compute'), '.2g')} |")
    lines += [f"\n*none: {flag}*: {FLAG_MEANING[flag]}, so the fit gives no degree k and no 2^k." for flag in sorted(flagged)]
    return "\n".join(lines)


@flow(name="refit", log_prints=True)
def refit_flow(config_path: str | None = None, database_url: str | None = None, source: str | None = None,
               include_pending: bool = False, measures: list[str] | None = None) -> list[dict]:
    """Re-estimate compute and refit. `source` None fits extracted + contributed results (the nightly
    analysis); "reference:thompson2022" refits the imported study its own way. `include_pending` lets
    unreviewed low-confidence values in. `measures` (hardware_burden, network_operations; default
    both) are the compute measures fitted separately."""
    chosen = tuple(measures or MEASURES)
    unknown = [m for m in chosen if m not in MEASURES]
    if unknown:
        raise ValueError(f"unknown compute measure {', '.join(unknown)}; expected {' | '.join(MEASURES)}")
    config, url = load_context(config_path, database_url)
    run_id = start_run(url, "refit", {"source": source, "include_pending": include_pending, "measures": list(chosen)})
    try:
        nightly = source in (None, "extracted")
        estimates = estimate_task(config, url, run_id, include_pending) if nightly else 0
        points = points_task(config, url, run_id, include_pending) if nightly else 0
        table, written = fit_task(config, url, run_id, source, include_pending, chosen)
    except Exception as exc:
        finish_run(url, run_id, counts={}, error=f"{exc.__class__.__name__}: {exc}")
        raise
    finish_run(url, run_id, counts={"estimates": estimates, "points": points, "fits": len(table), "fits_stored": written})
    create_markdown_artifact(key="scaling-fits", markdown=f"# Scaling fits (run {run_id}, {source or 'extracted + contributed'})"
                                                          f"\n\n{fits_markdown(table)}",
                             description="Per-task scaling regressions of log10(error) on log10(compute)")
    get_run_logger().info("refit run %s: %d estimates, %d fits (%d new rows)", run_id, estimates, len(table), written)
    return [{k: (None if isinstance(v, float) and pd.isna(v) else v) for k, v in row.items()}
            for row in table.to_dict("records")]
