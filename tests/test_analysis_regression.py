"""Scaling regressions: known laws are recovered, specs agree, frontier and year terms behave."""
import math
import time

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from analysis.regression import (
    FIT_COLUMNS, InsufficientPointsError, error_fraction, fit_all, fit_from_row, fit_scaling, frontier_mask,
)


def law_points(degree=9.0, n=60, noise=0.03, seed=1, task="image_classification", year_effect=0.0):
    """Accuracy points from compute ∝ error^-degree, i.e. log10(error) = a - log10(C)/degree + noise."""
    rng = np.random.default_rng(seed)
    log_c = rng.uniform(15, 24, n)
    year = rng.integers(2012, 2024, n)
    log_err = 1.2 - log_c / degree + year_effect * (year - 2018) + rng.normal(0, noise, n)
    return pd.DataFrame({
        "compute_flops": 10**log_c, "score": 100 * (1 - 10**log_err), "metric": "top-1 accuracy",
        "higher_is_better": True, "year": year, "arxiv_id": [f"2001.{i:05d}" for i in range(n)],
        "task": task, "dataset": "ImageNet",
    })


def test_known_law_degree_nine_is_recovered_within_its_ci():
    fit = fit_scaling(law_points(degree=9.0))
    assert fit.n == 60
    assert fit.degree_ci_low < 9.0 < fit.degree_ci_high
    assert fit.ci_low < -1 / 9 < fit.ci_high
    assert fit.degree == pytest.approx(9.0, rel=0.05)
    assert fit.halving_multiple == pytest.approx(2**fit.degree)
    assert fit.halving_multiple_ci_low < 2**9 < fit.halving_multiple_ci_high
    assert fit.theory_gap == pytest.approx(fit.degree - 4)
    assert fit.r2 > 0.95
    assert fit.residual_std == pytest.approx(0.03, rel=0.3)


def test_fit_matches_a_direct_statsmodels_ols():
    points = law_points(seed=7)
    fit = fit_scaling(points)
    y = np.log10((100 - points["score"]) / 100)
    direct = sm.OLS(y.to_numpy(), sm.add_constant(np.log10(points["compute_flops"].to_numpy()))).fit()
    assert fit.slope == pytest.approx(direct.params[1])
    assert fit.intercept == pytest.approx(direct.params[0])
    assert fit.r2 == pytest.approx(direct.rsquared)
    assert (fit.ci_low, fit.ci_high) == pytest.approx(tuple(direct.conf_int(0.05)[1]))


def test_study_logit_spec_flips_the_slope_but_keeps_degree_and_r2():
    points = law_points(seed=3)
    ours, logit = fit_scaling(points, spec="error"), fit_scaling(points, spec="study_logit")
    assert logit.slope == pytest.approx(-ours.slope)
    assert logit.r2 == pytest.approx(ours.r2)
    assert logit.degree == pytest.approx(ours.degree)
    assert logit.degree_study == pytest.approx(1 / abs(ours.slope))
    assert (logit.degree_ci_low, logit.degree_ci_high) == pytest.approx((ours.degree_ci_low, ours.degree_ci_high))


def test_error_metrics_are_used_directly():
    points = law_points(seed=4)
    as_error = points.assign(score=100 - points["score"], metric="top-1 error", higher_is_better=False)
    assert fit_scaling(as_error).slope == pytest.approx(fit_scaling(points).slope)
    perplexity = error_fraction([20.0], ["perplexity"], [False])
    assert perplexity[0] == 20.0


def test_higher_is_better_read_from_text_is_not_always_true():
    assert error_fraction([70.0, 30.0, 30.0], ["BLEU", "top-1 error", "top-1 error"], ["True", "False", 0]).tolist() == \
        pytest.approx([0.3, 0.3, 0.3])
    with pytest.raises(ValueError, match="higher_is_better"):
        error_fraction([70.0], ["BLEU"], ["maybe"])


def test_too_few_points_is_a_clear_error():
    with pytest.raises(InsufficientPointsError, match="at least 3"):
        fit_scaling(law_points(n=2))
    missing_compute = law_points(n=5)
    missing_compute.loc[:2, "compute_flops"] = np.nan
    with pytest.raises(InsufficientPointsError):
        fit_scaling(missing_compute)


def test_unusable_rows_are_dropped_and_counted():
    points = law_points(n=20)
    points.loc[0, "compute_flops"] = np.nan
    points.loc[1, "score"] = 100.0  # zero error: log undefined
    fit = fit_scaling(points)
    assert (fit.n, fit.n_dropped) == (18, 2)


def test_frontier_keeps_only_points_best_at_their_date():
    points = pd.DataFrame({
        "compute_flops": [1e18, 1e19, 1e20, 1e21, 1e22, 1e20],
        "score": [70.0, 75.0, 72.0, 80.0, 80.0, 74.0],
        "metric": "top-1 accuracy", "higher_is_better": True,
        "year": [2014, 2015, 2016, 2017, 2018, 2015],
        "task": "t",
    })
    # 2015 has two points: 75 is best, 74 is not; 72 in 2016 is below the running best 75;
    # 80 in 2018 ties the running best and stays.
    assert frontier_mask(points, ("task",)).tolist() == [True, True, False, True, True, False]
    fit = fit_scaling(points, frontier=True)
    assert fit.n == 4 and fit.frontier


def test_frontier_is_per_group():
    a = law_points(n=30, seed=5, task="a")
    b = law_points(n=30, seed=6, task="b").assign(score=lambda d: d["score"] - 20)
    both = pd.concat([a, b], ignore_index=True)
    mask = frontier_mask(both, ("task",))
    # Group b's scores are all 20 points worse: pooled, none would survive; per group some do.
    assert mask[30:].sum() >= 1
    assert mask[:30].sum() == frontier_mask(a, ("task",)).sum()


def test_year_term_gives_years_of_progress_worth_ten_times_compute():
    points = law_points(degree=9.0, n=400, noise=0.02, year_effect=-0.05, seed=11)
    fit = fit_scaling(points, with_year=True)
    assert fit.year_coef == pytest.approx(-0.05, abs=0.005)
    assert fit.degree == pytest.approx(9.0, rel=0.05)
    assert fit.years_per_10x_compute == pytest.approx((-1 / 9) / -0.05, rel=0.1)
    assert fit.year_coef_ci_low < fit.year_coef < fit.year_coef_ci_high


def test_slope_ci_through_zero_gives_an_unbounded_degree():
    # Scores unrelated to compute (a separate random stream from the compute draws).
    scores = 60 + np.random.default_rng(99).uniform(0, 5, 8)
    points = law_points(n=8, seed=2).assign(score=scores)
    fit = fit_scaling(points)
    assert fit.ci_low < 0 < fit.ci_high
    assert fit.degree_ci_high == math.inf and math.isfinite(fit.degree_ci_low)


def test_fit_all_one_row_per_group_with_status():
    points = pd.concat([law_points(seed=1, task="a"), law_points(seed=2, task="b"), law_points(n=2, task="c")],
                       ignore_index=True)
    fits = fit_all(points, ("task", "dataset", "metric"))
    assert list(fits["task"]) == ["a", "b", "c"]
    assert list(fits["status"][:2]) == ["ok", "ok"] and fits["status"][2].startswith("too few points")
    single = fit_scaling(points[points["task"] == "b"])
    assert fits.loc[1, "slope"] == pytest.approx(single.slope)
    assert fit_from_row(fits.iloc[1]).as_dict() == pytest.approx(single.as_dict(), nan_ok=True)
    assert set(FIT_COLUMNS) <= set(fits.columns)


def test_fit_all_is_deterministic():
    points = law_points(n=200)
    pd.testing.assert_frame_equal(fit_all(points, frontier=True), fit_all(points, frontier=True))


def test_error_band_contains_the_fitted_line():
    fit = fit_scaling(law_points())
    compute = np.logspace(15, 24, 5)
    low, high = fit.error_band(compute)
    assert np.all(low < fit.predict_error(compute)) and np.all(fit.predict_error(compute) < high)


def test_refit_of_100000_results_takes_under_two_seconds():
    rng = np.random.default_rng(0)
    n = 100_000
    frame = law_points(n=n, seed=0).assign(
        task=rng.choice(["a", "b", "c", "d", "e", "f", "g"], n), metric=rng.choice(["top-1 accuracy", "top-5 accuracy"], n))
    start = time.perf_counter()
    fits = fit_all(frame, ("task", "dataset", "metric"))
    fit_all(frame, ("task",), frontier=True)
    elapsed = time.perf_counter() - start
    assert len(fits) == 14 and (fits["status"] == "ok").all()
    assert elapsed < 2.0, f"two refits of 100,000 points took {elapsed:.2f}s"
