"""SQL views for analysts, and the canned queries `progress browse` offers in Datasette.

The SQL is portable (SQLite and PostgreSQL): no JSON operators, booleans compared with TRUE, the
"latest" row found with correlated MAX/LIMIT subqueries. Migrations create the views from the
versioned definitions below; a later change adds a new version and a new migration, so an old
migration keeps producing the schema it always produced.
"""
from __future__ import annotations

from sqlalchemy import text

# Error as a fraction, the y of the regressions (analysis.regression.error_fraction): accuracy-type
# scores are percentages; lower-is-better "... error" metrics are percentages of error; any other
# lower-is-better metric is used as it is.
_ERROR = ("CASE WHEN r.higher_is_better = TRUE THEN (100.0 - r.value) / 100.0 "
          "WHEN LOWER(r.metric) LIKE '%error%' THEN r.value / 100.0 ELSE r.value END")

V_SCALING_POINTS = f"""
CREATE VIEW v_scaling_points AS
SELECT r.id AS result_id, p.id AS paper_id, p.arxiv_id, p.title, p.published, p.doi, p.pdf_url AS link,
       p.source AS paper_source, r.task, r.dataset, r.metric, r.value AS score, r.higher_is_better,
       {_ERROR} AS error, r.source, r.review_state, r.confidence,
       ce.id AS estimate_id, ce.method AS compute_method, ce.flops AS compute_flops, ce.flops_low AS compute_low,
       ce.flops_high AS compute_high, ce.flops_utilized AS compute_utilized, ce.disagreement AS compute_disagreement,
       ce.review_state AS compute_review_state
FROM results r
JOIN papers p ON p.id = r.paper_id
LEFT JOIN compute_estimates ce
  ON ce.paper_id = r.paper_id AND ce.source = r.source AND ce.preferred = TRUE
"""

V_LATEST_FITS = """
CREATE VIEW v_latest_fits AS
SELECT f.id AS fit_id, f.task, f.dataset, f.metric, f.source, f.spec, f.n, f.slope, f.intercept, f.ci_low,
       f.ci_high, f.r2, f.degree, f.degree_low, f.degree_high, f.halving_multiple, f.run_id,
       ru.started_at AS run_started_at, f.created_at, f.extra
FROM fits f
LEFT JOIN runs ru ON ru.id = f.run_id
WHERE f.id = (SELECT MAX(g.id) FROM fits g
              WHERE g.task = f.task AND g.source = f.source AND g.spec = f.spec
                AND (g.dataset = f.dataset OR (g.dataset IS NULL AND f.dataset IS NULL))
                AND (g.metric = f.metric OR (g.metric IS NULL AND f.metric IS NULL)))
"""


def _best(field: str) -> str:
    """The id of a paper's most confident best candidate for `field` that no reviewer rejected."""
    return f"""(SELECT e.id FROM extractions e
         WHERE e.paper_id = p.id AND e.field = '{field}' AND e.is_best = TRUE
           AND NOT EXISTS (SELECT 1 FROM review_decisions d
                           WHERE d.paper_id = e.paper_id AND d.candidate_key = e.candidate_key AND d.action = 'reject')
         ORDER BY e.confidence DESC, e.id LIMIT 1)"""


V_PAPER_HARDWARE = f"""
CREATE VIEW v_paper_hardware AS
SELECT p.id AS paper_id, p.arxiv_id, p.title, p.source AS paper_source,
       hw.normalized_value AS chips, hw.raw_text AS hardware_text, hw.confidence AS hardware_confidence,
       hw.page AS hardware_page, hw.sentence AS hardware_sentence, hw.source AS hardware_source,
       hw.attrs AS hardware_attrs, tt.normalized_value AS training_hours, tt.raw_text AS time_text,
       tt.confidence AS time_confidence, tt.page AS time_page, tt.sentence AS time_sentence,
       ce.method AS compute_method, ce.flops AS compute_flops, ce.source AS compute_source
FROM papers p
LEFT JOIN extractions hw ON hw.id = {_best('hardware')}
LEFT JOIN extractions tt ON tt.id = {_best('training_time')}
LEFT JOIN compute_estimates ce ON ce.id = (SELECT c.id FROM compute_estimates c
                                           WHERE c.paper_id = p.id AND c.preferred = TRUE
                                           ORDER BY CASE WHEN c.source = 'extracted' THEN 0 ELSE 1 END, c.id LIMIT 1)
WHERE hw.id IS NOT NULL OR tt.id IS NOT NULL
"""

VIEWS_V1 = {"v_scaling_points": V_SCALING_POINTS, "v_latest_fits": V_LATEST_FITS, "v_paper_hardware": V_PAPER_HARDWARE}

VIEW_DESCRIPTIONS = {
    "v_scaling_points": "One row per paper x benchmark result with the paper's preferred compute estimate of the "
                        "same provenance (source), its method and review state; error is the regressions' y.",
    "v_latest_fits": "The newest stored fit of every task/benchmark, source and spec (error, frontier, year, study).",
    "v_paper_hardware": "Per paper, the most confident unrejected hardware and training-time values with the "
                        "sentence and page they came from, and the preferred compute estimate.",
}


def create_views(connection, views: dict[str, str] = VIEWS_V1) -> None:
    for sql in views.values():
        connection.execute(text(sql))


def drop_views(connection, views: dict[str, str] = VIEWS_V1) -> None:
    for name in reversed(list(views)):
        connection.execute(text(f"DROP VIEW IF EXISTS {name}"))


# Canned queries for Datasette (`progress browse`): name -> (title, SQL with :named parameters).
CANNED_QUERIES = {
    "fits_for_task": ("Latest fits of one task",
                      "SELECT task, dataset, metric, source, spec, n, slope, ci_low, ci_high, r2, degree, "
                      "halving_multiple, run_id, run_started_at FROM v_latest_fits WHERE task = :task "
                      "ORDER BY dataset, metric, source, spec"),
    "points_for_benchmark": ("Points of one benchmark",
                             "SELECT arxiv_id, title, published, score, error, compute_flops, compute_method, source, "
                             "review_state FROM v_scaling_points WHERE dataset = :dataset AND metric = :metric "
                             "AND compute_flops IS NOT NULL ORDER BY compute_flops"),
    "compute_disagreements": ("Papers whose compute methods disagree",
                              "SELECT p.arxiv_id, p.title, c.method, c.flops, c.flops_utilized, c.preferred, c.source "
                              "FROM compute_estimates c JOIN papers p ON p.id = c.paper_id "
                              "WHERE c.disagreement = TRUE ORDER BY p.arxiv_id, c.method"),
    "results_without_compute": ("Results that cannot enter a regression (no compute estimate)",
                                "SELECT arxiv_id, title, task, dataset, metric, score, source FROM v_scaling_points "
                                "WHERE compute_flops IS NULL ORDER BY task, arxiv_id"),
    "fit_history": ("Every stored fit of one task, oldest first",
                    "SELECT f.id, f.run_id, f.created_at, f.dataset, f.metric, f.source, f.spec, f.n, f.slope, f.r2, "
                    "f.degree FROM fits f WHERE f.task = :task ORDER BY f.id"),
}
