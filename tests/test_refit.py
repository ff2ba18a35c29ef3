"""The refit flow on a real SQLite file under Prefect's test harness: every variant stored with its
run, nothing added when the data did not change, and the study reproduced through the database."""
from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import func, select

from db import session_scope, upgrade_to_head
from usecases.imports import import_contributions, import_thompson
from models import Fit, Run
from settings.config import load_config
from sources.reference_thompson import PUBLISHED_FITS, STUDY_FILES

REPO = Path(__file__).resolve().parents[1]
CONFIG_PATH = REPO / "config.yaml"
CONFIG = load_config(CONFIG_PATH)
STUDY = REPO / ".." / "shared" / "reference" / "thompson2022"
TASK_BENCHMARKS = {"image_classification": ("ImageNet", "top-1 accuracy"), "object_detection": ("COCO", "AP"),
                   "question_answering": ("SQuAD 1.1", "EM"), "named_entity_recognition": ("CoNLL-2003", "F1"),
                   "machine_translation": ("WMT14 EN-DE", "BLEU")}


def power_law_csv(path: Path, papers_per_task: int = 9) -> Path:
    """Contributed rows whose error falls as compute^-0.1 (k = 10) with a fixed wobble, one paper a year."""
    lines = ["arxiv_id,task,dataset,metric,value,flops,year"]
    wobble = np.sin(np.arange(papers_per_task) * 1.7) * 0.03
    for t, (task, (dataset, metric)) in enumerate(TASK_BENCHMARKS.items()):
        for i in range(papers_per_task):
            flops = 10 ** (17 + 0.5 * i)
            error = 0.6 * (flops / 1e17) ** -0.1 * 10 ** wobble[i]
            lines.append(f"{1500 + t * 100 + i:04d}.{10000 + i},{task},{dataset},{metric},{100 * (1 - error):.3f},"
                         f"{flops:.4g},{2013 + i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def contributed_db(db_url, tmp_path):
    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        counts = import_contributions(s, power_law_csv(tmp_path / "points.csv"), CONFIG)
    assert not counts.errors
    return db_url


def fits_by_spec(url: str) -> dict[str, list[Fit]]:
    with session_scope(url) as s:
        out: dict[str, list[Fit]] = {}
        for fit in s.execute(select(Fit).order_by(Fit.id)).scalars():
            out.setdefault(fit.spec, []).append(fit)
        return out


def test_refit_stores_error_frontier_and_year_fits_with_runs_and_no_duplicates(contributed_db, prefect_harness):
    from flows.refit import refit_flow

    table = refit_flow(config_path=str(CONFIG_PATH), database_url=contributed_db)
    fits = fits_by_spec(contributed_db)
    assert set(fits) == {"error", "frontier", "year"}
    task_level = {f.task: f for f in fits["error"] if f.dataset is None}
    assert set(task_level) == set(TASK_BENCHMARKS)
    for fit in task_level.values():
        assert fit.n == 9 and fit.ci_low <= fit.slope <= fit.ci_high
        assert fit.degree == pytest.approx(10, rel=0.15) and fit.degree_low < fit.degree < fit.degree_high
        assert fit.run_id is not None and fit.created_at is not None and fit.source == "extracted"
        for key in ("slope_se", "intercept_se", "cov_intercept_slope", "df_resid", "log10_compute_min"):
            assert math.isfinite(fit.extra[key]), key
    # Every paper improved on its predecessor: the frontier is the whole sample.
    assert all(f.n == 9 for f in fits["frontier"] if f.dataset is None)
    year = [f for f in fits["year"] if f.dataset is None]
    assert year and all(f.extra["with_year"] and "years_per_10x_compute" in f.extra for f in year)
    assert {r["spec"] for r in table} == {"error", "frontier", "year"}
    # The same data again: a new run, no new fit rows.
    before = sum(len(v) for v in fits.values())
    refit_flow(config_path=str(CONFIG_PATH), database_url=contributed_db)
    assert sum(len(v) for v in fits_by_spec(contributed_db).values()) == before
    with session_scope(contributed_db) as s:
        runs = s.execute(select(Run).where(Run.flow == "refit").order_by(Run.id)).scalars().all()
    assert [r.status for r in runs] == ["completed", "completed"] and runs[1].counts["fits_stored"] == 0


@pytest.mark.skipif(not STUDY.is_dir(), reason="../shared/reference/thompson2022 is absent")
def test_the_study_is_reproduced_through_the_database(db_url, prefect_harness):
    from flows.refit import refit_flow

    upgrade_to_head(db_url)
    with session_scope(db_url) as s:
        import_thompson(s, [STUDY / name for name in STUDY_FILES], CONFIG)
    refit_flow(config_path=str(CONFIG_PATH), database_url=db_url, source="reference:thompson2022")
    with session_scope(db_url) as s:
        fits = {(f.dataset, f.metric): f for f in s.execute(select(Fit).where(Fit.spec == "study")).scalars()}
        assert s.scalar(select(func.count()).select_from(Fit).where(Fit.source != "reference:thompson2022")) == 0
    for key, published in PUBLISHED_FITS.items():
        fit = fits[key]
        assert fit.n == published["n"], key
        assert fit.slope == pytest.approx(published["slope"], abs=5e-5), key
        assert fit.r2 == pytest.approx(published["r2"], abs=5e-4), key
        assert fit.extra["degree_study"] == pytest.approx(published["degree"], abs=0.05), key
