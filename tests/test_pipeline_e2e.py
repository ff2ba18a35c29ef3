"""The whole nightly flow under Prefect's test harness: the real arxiv client against the loopback
stand-in, real PDFs generated from the sample corpus, a real SQLite file."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from cli.app_state import AppContext
from cli.demo import demo_config
from db.engine import session_scope
from models import ComputeEstimate, Extraction, Fit, Paper, PaperStatus, PaperTask, Result, Run
from standin.corpus import sample_papers
from standin.server import StandIn

REPO_CONFIG = Path(__file__).resolve().parents[1] / "config.yaml"
TABLES = (Paper, PaperTask, Extraction, Result, ComputeEstimate, Fit)


def counts(url: str) -> dict[str, int]:
    with session_scope(url) as s:
        return {m.__tablename__: s.scalar(select(func.count()).select_from(m)) for m in TABLES}


@pytest.fixture(scope="module")
def nightly_run(tmp_path_factory, prefect_harness):
    from flows.nightly import nightly_flow

    workdir = tmp_path_factory.mktemp("e2e")
    with StandIn() as stand_in:
        config_path = demo_config(AppContext(config_path=str(REPO_CONFIG)), workdir, stand_in.api_url, delay=0.05)
        url = AppContext(config_path=str(config_path)).config.database_url
        first = nightly_flow(config_path=str(config_path))
        after_first = counts(url)
        api_requests = [r for r in stand_in.api_requests]
        pdf_requests = len(stand_in.pdf_requests)
        second = nightly_flow(config_path=str(config_path))
        pdf_requests_again = len(stand_in.pdf_requests) - pdf_requests
    return dict(url=url, first=first, second=second, after_first=after_first, after_second=counts(url),
                api_requests=api_requests, pdf_requests=pdf_requests, pdf_requests_again=pdf_requests_again)


def test_every_sample_paper_is_stored_and_extracted(nightly_run):
    expected = {p.arxiv_id for p in sample_papers() if p.task}
    with session_scope(nightly_run["url"]) as s:
        papers = {p.arxiv_id: p for p in s.execute(select(Paper)).scalars()}
        assert expected <= set(papers)
        assert all(papers[i].status == PaperStatus.extracted for i in expected), \
            {i: (papers[i].status, papers[i].status_reason) for i in expected if papers[i].status != PaperStatus.extracted}
        assert all(papers[i].pdf_sha256 and papers[i].pages for i in expected)
        rows = s.execute(select(Extraction)).scalars().all()
        assert rows and all(r.page and r.sentence and r.extractor_version for r in rows)


def test_compute_estimates_where_hardware_and_time_are_stated(nightly_run):
    from extractors.chips import peak_flops

    def known_chip(items):  # "eight GPUs" names no model, so it has no peak FLOP/s to multiply
        return any(peak_flops(i["chip"], "fp32") or peak_flops(i["chip"], "bf16") for i in items)

    def estimable(labels):
        return (known_chip(labels.get("hardware", [])) and labels.get("training_time")) or labels.get("stated_compute")

    # Off-task distractors match no task query, so they are never ingested.
    stated = {p.arxiv_id for p in sample_papers() if p.task and estimable(p.labels)}
    with session_scope(nightly_run["url"]) as s:
        estimated = set(s.execute(select(Paper.arxiv_id).join(ComputeEstimate, ComputeEstimate.paper_id == Paper.id)
                                  .where(ComputeEstimate.preferred)).scalars())
    missing = stated - estimated
    assert not missing, f"no compute estimate for {sorted(missing)}"


def test_one_fit_per_task_with_enough_points(nightly_run):
    with session_scope(nightly_run["url"]) as s:
        fits = s.execute(select(Fit).where(Fit.dataset.is_(None), Fit.spec == "error")).scalars().all()
    by_task = {f.task: f for f in fits}
    assert set(by_task) == {"image_classification", "object_detection", "question_answering",
                            "named_entity_recognition", "machine_translation"}
    for fit in by_task.values():
        assert fit.n >= 5 and fit.ci_low <= fit.slope <= fit.ci_high and fit.slope < 0 and fit.degree > 0


def test_second_run_adds_no_rows_and_downloads_nothing(nightly_run):
    assert nightly_run["after_second"] == nightly_run["after_first"]
    assert nightly_run["pdf_requests_again"] == 0
    with session_scope(nightly_run["url"]) as s:
        assert s.scalar(select(func.count()).select_from(Run).where(Run.status == "completed")) >= 8


def test_api_requests_are_spaced_by_the_configured_delay(nightly_run):
    times = [r.time for r in nightly_run["api_requests"]]
    gaps = [b - a for a, b in zip(times, times[1:])]
    assert gaps and min(gaps) >= 0.05 * 0.9


def test_multi_run_papers_get_points_with_their_own_models_stages(nightly_run):
    """The refit stores a point per headline result; a multi-run paper's point sums the stages of the
    model that produced the result (standin.multirun's truth), and the fit input uses that compute."""
    from usecases.scaling import scaling_points
    from models import Point

    multi = {p.arxiv_id: p for p in sample_papers() if p.role == "multi_run"}
    with session_scope(nightly_run["url"]) as s:
        rows = s.execute(select(Paper.arxiv_id, Point).join(Point, Point.paper_id == Paper.id)
                         .where(Paper.arxiv_id.in_(list(multi)))).all()
        frame = scaling_points(s)
    assert {arxiv_id for arxiv_id, _ in rows} == set(multi)
    for arxiv_id, point in rows:
        labelled = {(r["dataset"], r["metric"]) for r in multi[arxiv_id].labels["results"]}
        if (point.dataset, point.metric) not in labelled:
            continue
        got = [(p["stage"], p["hardware"]["chip"], p["hardware"]["count"], p["hours"]) for p in point.parts]
        assert got == [tuple(t) for t in multi[arxiv_id].spec.point_truth], (arxiv_id, point.why)
        fit_row = frame[frame["result_id"] == point.result_id]
        assert len(fit_row) == 1 and fit_row["compute_flops"].iloc[0] == point.flops
        assert fit_row["compute_basis"].iloc[0] == "point"
