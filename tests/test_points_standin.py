"""The sample corpus's multi-run papers (standin.multirun): each headline result's point sums the stages
of its own model, not the other size's, the other corpus's, the language-modelling or the race run."""
from __future__ import annotations

import pytest

from analysis.points import build_points
from extractors.pipeline import extract_document
from extractors.text import read_document
from standin.corpus import build_pdf, sample_papers
from standin.hardware import CHIPS

MULTI_RUN = [p for p in sample_papers() if p.role == "multi_run"]


def test_the_corpus_has_multi_run_papers_for_three_tasks():
    assert {p.task for p in MULTI_RUN} == {"image_classification", "question_answering", "machine_translation"}
    for paper in MULTI_RUN:
        assert len(paper.labels["training_time"]) >= 2 and paper.spec.point_truth
        assert paper.hardware_compute == pytest.approx(sum(
            n * CHIPS[chip].peak_flops * h * 3600
            for _, chip, n, h in paper.spec.point_truth))


@pytest.mark.parametrize("paper", MULTI_RUN, ids=lambda p: p.task)
def test_each_headline_point_has_its_own_models_stages(paper):
    candidates = extract_document(read_document(build_pdf(paper)))
    points = build_points(candidates)
    labelled = {(r["dataset"], r["metric"]) for r in paper.labels["results"]}
    checked = [p for p in points if (p.dataset, p.metric) in labelled]
    assert checked, [(p.dataset, p.metric) for p in points]
    for point in checked:
        got = [(part.stage, part.hardware["chip"], part.hardware["count"], part.hours) for part in point.parts]
        assert got == [tuple(t) for t in paper.spec.point_truth], (point.dataset, point.why)
        assert point.compute_method == "hardware" and point.evidence["result"]["sentence"]
