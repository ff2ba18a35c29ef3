"""Researcher contribution CSVs: good rows kept, each bad row reported with its CSV row number."""
from pathlib import Path

import pytest

from settings.config import load_config
from sources.contributions import contributions_to_points, parse_contributions

EXAMPLE = Path(__file__).resolve().parents[1] / "analysis" / "examples" / "contribution_example.csv"
TASKS = {
    "machine_translation": {"benchmarks": [{"dataset": "WMT14 EN-DE", "metric": "BLEU"}]},
    "image_classification": [{"dataset": "ImageNet", "metric": "top-1 error", "higher_is_better": False}],
}
HEADER = "arxiv_id,doi,task,dataset,metric,value,chip,count,hours,flops,year,title,note\n"


def write(tmp_path, body: str, header: str = HEADER) -> Path:
    path = tmp_path / "contrib.csv"
    path.write_text(header + body, encoding="utf-8")
    return path


def test_one_bad_row_is_reported_and_the_good_rows_kept(tmp_path):
    path = write(tmp_path, (
        "1706.03762,,machine_translation,wmt14 en-de,bleu,28.4,P100,8,84,,2017,Transformer,\n"
        "1706.03762,,machine_translation,WMT14 EN-DE,BLEU,128.4,P100,8,84,,2017,typo in value,\n"
        ",10.1145/3065386,image_classification,ImageNet,top-1 error,40.7,,,,4.1e17,2012,AlexNet,\n"
    ))
    rows, errors = parse_contributions(path, TASKS, chip_lookup=None)
    assert [r.row for r in rows] == [2, 4]
    assert [(e.row, e.column) for e in errors] == [(3, "value")]
    assert "less than or equal to 100" in errors[0].message
    first = rows[0]
    assert (first.dataset, first.metric, first.arxiv_id) == ("WMT14 EN-DE", "BLEU", "1706.03762")
    assert rows[1].paper == "doi:10.1145/3065386" and rows[1].higher_is_better is False


@pytest.mark.parametrize("line, column, text", [
    (",,machine_translation,WMT14 EN-DE,BLEU,28.4,,,,1e19,,,", None, "arxiv_id or a doi"),
    ("nonsense,,machine_translation,WMT14 EN-DE,BLEU,28.4,,,,1e19,,,", "arxiv_id", "not an arXiv id"),
    ("1706.03762,,translation,WMT14 EN-DE,BLEU,28.4,,,,1e19,,,", "task", "unknown task"),
    ("1706.03762,,machine_translation,WMT14 EN-FR,BLEU,28.4,,,,1e19,,,", "metric", "not a benchmark"),
    ("1706.03762,,machine_translation,WMT14 EN-DE,BLEU,28.4,P100,8,,,,,", None, "all of chip, count and hours"),
    ("1706.03762,,machine_translation,WMT14 EN-DE,BLEU,28.4,,,,,,,", None, "either flops or hardware"),
    ("1706.03762,,machine_translation,WMT14 EN-DE,BLEU,28.4,,,,-5,,,", "flops", "greater than 0"),
    ("1706.03762,,machine_translation,WMT14 EN-DE,BLEU,28.4,,,,1e19,1850,,", "year", "greater than or equal"),
])
def test_each_kind_of_bad_row_is_explained(tmp_path, line, column, text):
    rows, errors = parse_contributions(write(tmp_path, line + "\n"), TASKS, chip_lookup=None)
    assert rows == []
    assert len(errors) == 1 and errors[0].row == 2 and errors[0].column == column
    assert text in errors[0].message


def test_missing_columns_are_a_header_error(tmp_path):
    rows, errors = parse_contributions(write(tmp_path, "1706.03762,28.4\n", header="arxiv_id,value\n"), TASKS)
    assert rows == [] and errors[0].row == 1 and "task, dataset, metric" in errors[0].message


def test_unknown_chip_is_rejected_when_a_catalog_is_given(tmp_path):
    path = write(tmp_path, "1706.03762,,machine_translation,WMT14 EN-DE,BLEU,28.4,Z9000,8,84,,,,\n")
    rows, errors = parse_contributions(path, TASKS, chip_lookup=lambda name: None)
    assert rows == [] and errors[0].column == "chip"


def test_example_file_is_valid_against_the_project_config_and_gives_points():
    pytest.importorskip("extractors.chips")
    config = load_config(Path(__file__).resolve().parents[1] / "config.yaml")
    rows, errors = parse_contributions(EXAMPLE, config.tasks)
    assert errors == []
    assert len(rows) == 5
    points = contributions_to_points(rows)
    assert points["compute_flops"].notna().all()
    stated = points[points["compute_method"] == "stated"]
    assert stated["compute_flops"].tolist() == [2.3e19]
    assert (points["compute_method"] == "hardware").sum() == 4
    alexnet = points[points["doi"] == "10.1145/3065386"].iloc[0]
    assert (alexnet["metric"], alexnet["score"]) == ("top-5 accuracy", pytest.approx(81.8))
