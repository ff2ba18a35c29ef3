"""Imports with provenance on a real SQLite file: the study's CSVs, Epoch's table, contributions."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlalchemy import func, select

from db import session_scope, upgrade_to_head
from usecases.imports import epoch_frame, import_contributions, import_epoch, import_thompson, our_compute
from usecases.scaling import scaling_points
from models import ComputeEstimate, Extraction, Paper, Result
from settings.config import load_config
from sources.reference_epoch import COLUMNS, compare_with_epoch

CONFIG = load_config(Path(__file__).resolve().parents[1] / "config.yaml")
STUDY_HEADER = ("name,year,title,paper_link,training_time_total_sec,training_gpu_model,training_gpu_amount,"
                "training_gpu_ptp_gflops,network_operations,hardware_burden,(TOP 1 score),(TOP 5 score)")
CONTRIB_HEADER = "arxiv_id,doi,task,dataset,metric,value,chip,count,unit,hours,flops,year,title,note\n"


def write_study(folder: Path, rows: list[str]) -> Path:
    """A file in the study's layout: column names, three group-label rows, then one line per model."""
    groups = ",".join(["group"] * len(STUDY_HEADER.split(",")))
    path = folder / "image-classification-on-imagenet.csv"
    path.write_text("\n".join([STUDY_HEADER, groups, groups, groups, *rows]) + "\n", encoding="utf-8")
    return path


STUDY_ROWS = [
    # Two models of one paper with different compute: each is its own row, as in the study.
    "Net-S,2016,Deep nets,https://arxiv.org/abs/1512.03385v1,86400,Tesla K80,8,5600,1.0E+19,3.87E+18,70.0,89.0",
    "Net-L,2016,Deep nets,https://arxiv.org/abs/1512.03385v1,172800,Tesla K80,8,5600,,7.74E+18,75.0,",
    "Other,2017,A study without compute,http://openaccess.thecvf.com/x.pdf,,,,,,,72.5,",
]


@pytest.fixture
def url(db_url):
    upgrade_to_head(db_url)
    return db_url


def test_study_rows_become_models_with_results_evidence_and_compute(url, tmp_path):
    path = write_study(tmp_path, STUDY_ROWS)
    with session_scope(url) as s:
        counts = import_thompson(s, [path], CONFIG, run_id=None)
    assert (counts.papers, counts.results) == (3, 4)
    with session_scope(url) as s:
        papers = {p.arxiv_id: p for p in s.execute(select(Paper)).scalars()}
        assert set(papers) == {"ref:thompson2022:imagenet:5", "ref:thompson2022:imagenet:6",
                               "ref:thompson2022:imagenet:7"}
        small = papers["ref:thompson2022:imagenet:5"]
        assert small.source == "reference:thompson2022" and small.title == "Net-S: Deep nets"
        assert small.published.year == 2016 and small.pdf_url.startswith("https://arxiv.org/abs/1512.03385")
        estimates = {(e.paper_id, e.method): e for e in s.execute(select(ComputeEstimate)).scalars()}
        hardware = estimates[(small.id, "hardware")]
        assert hardware.flops == pytest.approx(3.87e18) and hardware.preferred
        assert hardware.inputs["arxiv_id"] == "1512.03385" and "K80" in hardware.inputs["chips_text"]
        # The study's operation count is 2.6x its hardware burden x utilization 0.33 ... kept, not preferred.
        assert not estimates[(small.id, "arithmetic")].preferred
        evidence = s.execute(select(Extraction).where(Extraction.paper_id == small.id)).scalars().all()
        assert {e.field for e in evidence} == {"hardware", "training_time"}
        assert all(e.source == "reference:thompson2022" and "row 5" in e.sentence for e in evidence)
        points = scaling_points(s, source="reference:thompson2022")
    assert len(points) == 3  # two models with compute, top-1 and top-5 of Net-S, top-1 of Net-L
    assert set(points["compute_method"]) == {"hardware"}
    with session_scope(url) as s:  # the nightly analysis never sees reference rows
        assert scaling_points(s).empty


def test_reimporting_the_study_changes_nothing(url, tmp_path):
    path = write_study(tmp_path, STUDY_ROWS)
    tables = (Paper, Result, ComputeEstimate, Extraction)
    with session_scope(url) as s:
        import_thompson(s, [path], CONFIG)
    with session_scope(url) as s:
        before = [s.scalar(select(func.count()).select_from(t)) for t in tables]
        import_thompson(s, [path], CONFIG)
    with session_scope(url) as s:
        assert [s.scalar(select(func.count()).select_from(t)) for t in tables] == before


def write_contributions(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "mine.csv"
    path.write_text(CONTRIB_HEADER + body, encoding="utf-8")
    return path


def test_contributions_keep_good_rows_name_the_bad_one_and_prefer_a_stated_total(url, tmp_path):
    pytest.importorskip("extractors.chips")
    path = write_contributions(tmp_path, (
        "1706.03762,,machine_translation,WMT14 EN-DE,BLEU,28.4,P100,8,chips,84,,2017,Transformer,\n"
        "1706.03762,,machine_translation,WMT14 EN-DE,BLEU,28.4,,,,,2.3e19,2017,Transformer,stated\n"
        "1706.03762,,machine_translation,WMT14 EN-FR,BLEU,141.8,,,,,2.3e19,2017,Transformer,typo\n"
        ",10.1145/3065386,image_classification,ImageNet,top-5 error,18.2,GTX 580,2,chips,132,,2012,AlexNet,\n"
    ))
    with session_scope(url) as s:
        counts = import_contributions(s, path, CONFIG)
    assert [(e.row, e.column) for e in counts.errors] == [(4, "value")]
    assert (counts.papers, counts.results) == (2, 2)
    with session_scope(url) as s:
        points = scaling_points(s).set_index("arxiv_id")
        rows = s.execute(select(ComputeEstimate).where(ComputeEstimate.preferred)).scalars().all()
        assert {r.source for r in rows} == {"contributed"}
    assert points.loc["1706.03762", "compute_method"] == "stated"
    assert points.loc["1706.03762", "compute_flops"] == pytest.approx(2.3e19)
    alexnet = points.loc["doi:10.1145/3065386"]
    assert (alexnet["metric"], alexnet["score"], alexnet["compute_method"]) == ("top-5 accuracy", pytest.approx(81.8),
                                                                                 "hardware")
    assert set(points["source"]) == {"contributed"}
    with session_scope(url) as s:  # the same file again: no new rows
        before = s.scalar(select(func.count()).select_from(Extraction))
        import_contributions(s, path, CONFIG)
        assert s.scalar(select(func.count()).select_from(Extraction)) == before
        assert s.scalar(select(func.count()).select_from(Result)) == 2


def test_a_contribution_completes_an_extracted_paper_and_wins_over_its_extraction(url, tmp_path):
    from datetime import datetime, timezone

    with session_scope(url) as s:
        paper = Paper(arxiv_id="1706.03762", title="Attention", source="arxiv",
                      published=datetime(2017, 6, 12, tzinfo=timezone.utc))
        s.add(paper)
        s.flush()
        s.add(Result(paper_id=paper.id, task="machine_translation", dataset="WMT14 EN-DE", metric="BLEU", value=27.0,
                     source="extracted"))
        s.add(ComputeEstimate(paper_id=paper.id, method="hardware", flops=1e19, preferred=True, source="extracted"))
    path = write_contributions(tmp_path, "1706.03762,,machine_translation,WMT14 EN-DE,BLEU,28.4,,,,,2.3e19,,,\n")
    with session_scope(url) as s:
        import_contributions(s, path, CONFIG)
        assert s.scalar(select(func.count()).select_from(Paper)) == 1  # the same paper row
        points = scaling_points(s)
    assert len(points) == 1
    assert (points.loc[0, "source"], points.loc[0, "score"], points.loc[0, "year"]) == ("contributed", 28.4, 2017)


def test_epoch_systems_are_stored_and_compared_with_our_estimates(url, tmp_path):
    rows = [
        {"Model": "Net-S", "Link": "https://arxiv.org/abs/1512.03385v1", "Training compute (FLOP)": 1e19,
         "Publication date": "2015-12-10", "Training compute estimation method": "Hardware"},
        {"Model": "Net-L", "Link": "https://arxiv.org/pdf/1512.03385.pdf", "Training compute (FLOP)": 4e19,
         "Publication date": "2015-12-10", "Training compute estimation method": "Operation counting"},
        {"Model": "Blog", "Link": "https://example.com/post", "Training compute (FLOP)": 1e24},
        {"Model": "No figure", "Link": "https://arxiv.org/abs/2001.08361"},
    ]
    path = tmp_path / "all_ml_systems.csv"
    pd.DataFrame([{c: r.get(c) for c in COLUMNS} for r in rows]).to_csv(path, index=False)
    with session_scope(url) as s:
        counts = import_epoch(s, path)
        assert (counts.papers, counts.skipped) == (2, 2)
        s.add(Paper(arxiv_id="1512.03385", title="ResNet", source="arxiv"))
        s.flush()
        pid = s.execute(select(Paper.id).where(Paper.arxiv_id == "1512.03385")).scalar_one()
        s.add(ComputeEstimate(paper_id=pid, method="hardware", flops=8e19, flops_utilized=2.4e19, preferred=True,
                              source="extracted"))
    with session_scope(url) as s:
        keys = set(s.execute(select(Paper.arxiv_id).where(Paper.source == "reference:epoch")).scalars())
        epoch, performed, peak = epoch_frame(s), our_compute(s), our_compute(s, performed=False)
    assert keys == {"ref:epoch:1512.03385#1", "ref:epoch:1512.03385#2"}
    # Epoch counts performed operations: our burden enters at its utilization-adjusted figure.
    table, summary = compare_with_epoch(performed, epoch)
    assert table["ratio"].tolist() == [pytest.approx(0.6)] and summary["share_within"] == 1.0
    assert compare_with_epoch(peak, epoch)[0]["ratio"].tolist() == [pytest.approx(2.0)]
    with session_scope(url) as s:  # re-import: same rows
        import_epoch(s, path)
        assert s.scalar(select(func.count()).select_from(Paper).where(Paper.source == "reference:epoch")) == 2
