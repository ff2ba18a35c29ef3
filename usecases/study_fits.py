"""The study's published regressions, refitted from its own table (sources.reference_thompson reads
it; analysis.regression fits it) and set beside the published figures."""
from __future__ import annotations

import pandas as pd

from analysis.regression import fit_scaling
from sources.reference_thompson import PUBLISHED_FITS, PUBLISHED_FORWARD_PASS_FIT, study_spec


def reproduce_forward_pass_fit(points: pd.DataFrame) -> pd.DataFrame:
    """The study's ImageNet fit on operations per forward pass, refitted, next to its published figure."""
    rows = []
    for (dataset, metric), published in PUBLISHED_FORWARD_PASS_FIT.items():
        subset = points[(points["dataset"] == dataset) & (points["metric"] == metric)]
        subset = subset[subset["forward_ops"].notna() & (subset["forward_ops"] > 0)]
        fit = fit_scaling(subset.assign(compute_flops=subset["forward_ops"]), spec=study_spec(dataset))
        rows.append({"dataset": dataset, "metric": metric, "n": fit.n, "slope": fit.slope, "r2": fit.r2,
                     "published_n": published["n"], "published_slope": published["slope"],
                     "published_r2": published["r2"]})
    return pd.DataFrame(rows)


def reproduce_study_fits(points: pd.DataFrame) -> pd.DataFrame:
    """Refit each published benchmark the study's way and put our numbers next to theirs.

    The study's sample is every model with both a hardware_burden and a score (nothing else is
    filtered: this reproduces all six published n, slopes and R²). ImageNet uses log10(error),
    the others log10(1/(1 - score/100)).
    """
    rows = []
    for (dataset, metric), published in PUBLISHED_FITS.items():
        subset = points[(points["dataset"] == dataset) & (points["metric"] == metric)]
        subset = subset[subset["hardware_burden"].notna() & (subset["hardware_burden"] > 0)]
        spec = study_spec(dataset)
        fit = fit_scaling(subset.assign(compute_flops=subset["hardware_burden"]), spec=spec)
        rows.append({"dataset": dataset, "metric": metric, "spec": spec,
                     "n": fit.n, "slope": fit.slope, "r2": fit.r2, "degree_study": fit.degree_study,
                     "ci_low": fit.ci_low, "ci_high": fit.ci_high, "degree": fit.degree,
                     "published_n": published["n"], "published_slope": published["slope"],
                     "published_r2": published["r2"], "published_degree": published["degree"]})
    return pd.DataFrame(rows)
