"""The study's CSVs parse, its six published fits are reproduced, and our burden formula is compared."""
from pathlib import Path

import pandas as pd
import pytest

from sources.reference_thompson import (
    PUBLISHED_FITS, burden_summary, compare_burden, load_study, read_study_csv, study_points, study_records,
)
from usecases.study_fits import reproduce_study_fits

STUDY = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "thompson2022"
needs_study = pytest.mark.skipif(not STUDY.is_dir(), reason="../shared/reference/thompson2022 is absent")


@pytest.fixture(scope="module")
def study():
    return load_study(STUDY)


def write_mini_csv(path: Path) -> Path:
    """A two-model file in the study's layout: names, three group-label rows, then data."""
    header = "name,year,title,paper_link,training_time_total_sec,training_gpu_model,training_gpu_amount," \
             "training_gpu_ptp_gflops,network_operations,hardware_burden,comments,(F1 score)"
    groups = ",".join(["grp"] * 12)
    rows = [
        "Tagger A,2016,A tagger,https://arxiv.org/abs/1603.01360v3,36000,GeForce GTX Titan X,1,11000,,3.96E+17,,90.9",
        "Tagger B,2017,B tagger,https://www.aclweb.org/anthology/X,,,,,,,,91.5",
    ]
    path.write_text("\n".join([header, groups, groups, groups, *rows]) + "\n", encoding="utf-8")
    return path


def test_four_header_rows_are_skipped_and_ids_parsed(tmp_path):
    frame = read_study_csv(write_mini_csv(tmp_path / "named-entity-recognition-on-conll-2003.csv"))
    assert list(frame["name"]) == ["Tagger A", "Tagger B"]
    assert frame["paper"].tolist() == ["1603.01360", "https://www.aclweb.org/anthology/X"]
    assert frame["hardware_burden"].iloc[0] == pytest.approx(3.96e17)
    points = study_points(frame)
    assert points[["dataset", "metric", "score"]].values.tolist() == [["CoNLL-2003", "F1", 90.9], ["CoNLL-2003", "F1", 91.5]]
    assert "1x GeForce GTX Titan X" in points["chips"].iloc[0]
    assert points["hardware"].iloc[0] == [{"chip": "GeForce GTX Titan X", "count": 1.0, "unit": "chips", "phase": "training"}]
    assert points["training_time_sec"].iloc[0] == 36000 and pd.isna(points["training_time_sec"].iloc[1])


def test_unknown_file_is_refused(tmp_path):
    with pytest.raises(ValueError, match="not one of the study's files"):
        read_study_csv(write_mini_csv(tmp_path / "other.csv"))


@needs_study
def test_study_parses_all_six_files(study):
    assert study["source_file"].nunique() == 6
    points = study_points(study)
    assert set(points["dataset"]) == {"ImageNet", "COCO", "SQuAD 1.1", "CoNLL-2003", "WMT14 EN-DE", "WMT14 EN-FR"}
    records = study_records(STUDY)
    assert len(records) == len(points) and records[0]["dataset"] == "ImageNet"
    ids = points["arxiv_id"].dropna()
    assert len(ids) > 300 and ids.str.fullmatch(r"\d{4}\.\d{4,5}").all()


@needs_study
def test_published_fits_are_reproduced(study):
    fits = reproduce_study_fits(study_points(study)).set_index(["dataset", "metric"])
    assert len(fits) == len(PUBLISHED_FITS)
    for key, published in PUBLISHED_FITS.items():
        ours = fits.loc[key]
        assert ours["n"] == published["n"], key
        assert ours["slope"] == pytest.approx(published["slope"], abs=5e-5), key
        assert ours["r2"] == pytest.approx(published["r2"], abs=5e-4), key
        assert ours["degree_study"] == pytest.approx(published["degree"], abs=0.05), key


@needs_study
def test_our_burden_formula_against_the_study_column(study):
    table = compare_burden(study)
    summary = burden_summary(table)
    assert summary["n"] == int(study["hardware_burden"].notna().sum())
    # TPU rows use the same per-device figures, so they agree; most GPU disagreements are peak choices.
    tpu_rows = table[table["chips"].str.contains("TPU")]
    assert tpu_rows["within_tolerance"].all()
    assert summary["within_tolerance"] >= 0.4 * summary["n"]
    assert (table.loc[~table["within_tolerance"], "reason"] != "").all()
    assert summary["reasons"].get("peak differs", 0) >= 1
