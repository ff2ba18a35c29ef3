"""Epoch's All ML Systems table: parsing arXiv links and comparing compute figures."""
from pathlib import Path

import pandas as pd
import pytest

from sources.reference_epoch import COLUMNS, compare_with_epoch, epoch_records, read_epoch_systems, recompute_epoch_hardware

EPOCH = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "epoch" / "all_ml_systems.csv"


def write_epoch_csv(path: Path, rows: list[dict]) -> Path:
    frame = pd.DataFrame([{column: row.get(column) for column in COLUMNS} for row in rows])
    frame.to_csv(path, index=False)
    return path


ROWS = [
    {"Model": "Net-S", "Link": "https://arxiv.org/abs/1512.03385v1", "Training compute (FLOP)": 1e19,
     "Publication date": "2015-12-10", "Domain": "Vision", "Training hardware": "NVIDIA Tesla K80",
     "Hardware quantity": 8, "Training time (hours)": 100},
    {"Model": "Net-L", "Link": "https://github.com/x\nhttps://arxiv.org/pdf/1512.03385.pdf", "Training compute (FLOP)": 4e19,
     "Publication date": "2015-12-10", "Domain": "Vision"},
    {"Model": "Chat", "Link": "https://example.com/blog", "Training compute (FLOP)": 1e24, "Domain": "Language"},
    {"Model": "LM", "Link": "arxiv.org/abs/2001.08361", "Training compute (FLOP)": 3.6e20, "Domain": "Language",
     "Training hardware": "NVIDIA V100", "Hardware quantity": 8, "Training time (hours)": 1000,
     "Numerical format": "FP16", "Publication date": "2020-01-23"},
]


def test_links_become_arxiv_ids_and_numbers_floats(tmp_path):
    frame = read_epoch_systems(write_epoch_csv(tmp_path / "all.csv", ROWS))
    assert frame["arxiv_id"].tolist()[:2] == ["1512.03385", "1512.03385"]
    assert pd.isna(frame["arxiv_id"].iloc[2])
    assert frame["year"].iloc[0] == 2015
    records = epoch_records(tmp_path / "all.csv")
    assert records[2]["hardware_quantity"] is None and records[3]["hardware_quantity"] == 8.0


def test_a_table_without_epoch_columns_is_refused(tmp_path):
    (tmp_path / "x.csv").write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="missing"):
        read_epoch_systems(tmp_path / "x.csv")


def test_compare_uses_the_headline_row_and_reports_ratios(tmp_path):
    epoch = read_epoch_systems(write_epoch_csv(tmp_path / "all.csv", ROWS))
    ours = pd.DataFrame({"arxiv_id": ["1512.03385", "2001.08361", "9999.99999"], "flops": [6e19, 1e21, 1e18]})
    table, summary = compare_with_epoch(ours, epoch)
    assert table["arxiv_id"].tolist() == ["1512.03385", "2001.08361"]
    assert table.loc[0, "epoch_flops"] == 4e19 and table.loc[0, "epoch_rows"] == 2
    assert table["ratio"].tolist() == pytest.approx([1.5, 1e21 / 3.6e20])
    assert summary["n"] == 2 and summary["n_ours"] == 3
    assert summary["share_within"] == pytest.approx(0.5)
    assert summary["median_ratio"] == pytest.approx((1.5 + 1e21 / 3.6e20) / 2)


def test_recompute_uses_the_stated_format_and_utilization(tmp_path):
    pytest.importorskip("extractors.chips")
    epoch = read_epoch_systems(write_epoch_csv(tmp_path / "all.csv", ROWS))
    table = recompute_epoch_hardware(epoch).set_index("model")
    lm = table.loc["LM"]
    assert lm["our_flops_format"] == pytest.approx(8 * 125e12 * 1000 * 3600)  # V100 fp16 tensor peak
    assert lm["utilization_used"] == 0.3  # Epoch's default for language models
    assert table.loc["Net-S", "reason"] == "Epoch states no numerical format"


@pytest.mark.skipif(not EPOCH.exists(), reason="../shared/reference/epoch is absent")
def test_real_table_parses_about_a_thousand_arxiv_rows():
    frame = read_epoch_systems(EPOCH)
    assert len(frame) > 1800
    assert 900 < frame["arxiv_id"].notna().sum() < 1100
    assert frame["arxiv_id"].dropna().str.fullmatch(r"\d{4}\.\d{4,5}|[a-z\-]+(\.[A-Z]{2})?/\d{7}").all()
