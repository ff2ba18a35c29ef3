"""`progress scorer train|report` on a tiny corpus the test renders (PDFs via PyMuPDF + a gold JSONL it
writes), and reviewer decisions from a SQLite database the test builds becoming labels."""
from __future__ import annotations

import json

import pymupdf
import pytest
from typer.testing import CliRunner

from cli.main import _register_groups, app

OWN = "We train our network on {n} NVIDIA V100 GPUs for {d} days."
DECOY = "For comparison, Smith et al. [3] used {m} K80 GPUs, which took {e} weeks."
COUNTS = [(8, 2), (16, 3), (4, 5), (32, 1), (2, 6), (64, 4), (8, 7), (128, 2), (16, 9), (4, 3)]


def render(path, text):
    doc = pymupdf.open()
    page = doc.new_page()
    page.insert_textbox(pymupdf.Rect(72, 72, 520, 700), text, fontsize=11)
    doc.save(path)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("corpus")
    (root / "pdfs").mkdir()
    gold = []
    for i, (n, d) in enumerate(COUNTS):
        paper_id = f"2501.{10000 + i}"
        body = "4 Experiments\n" + OWN.format(n=n, d=d) + " " + DECOY.format(m=n * 4 + 3, e=i % 3 + 2)
        render(root / "pdfs" / f"{paper_id}.pdf", body)
        gold.append({"arxiv_id": paper_id, "hardware": [{"chip": "V100", "count": n, "unit": "chips"}],
                     "training_time": [{"hours": d * 24.0, "kind": "wall"}], "stated_compute": []})
    (root / "gold-dev.jsonl").write_text("\n".join(json.dumps(g) for g in gold) + "\n")
    return root


def invoke(*args):
    _register_groups()
    return CliRunner().invoke(app, list(args))


def test_train_then_report_on_a_generated_corpus(corpus, tmp_path):
    models, cache = tmp_path / "models", tmp_path / "cache"
    result = invoke("scorer", "train", "--corpus", str(corpus), "--cv", "2", "--workers", "1",
                    "--models", str(models), "--cache", str(cache))
    assert result.exit_code == 0, result.output
    assert "hardware" in result.output and "CV (held-out papers)" in result.output
    assert (models / "hardware.json").is_file() and (models / "training_time.json").is_file()
    assert not (models / "stated_compute.json").exists()  # no compute labels: the rules keep it
    model = json.loads((models / "hardware.json").read_text())
    assert model["data"]["papers"] == 10 and model["data"]["positives"] >= 10
    assert model["cv"]["recall"] == 1.0 and model["cv"]["precision"] == 1.0
    assert len(model["columns"]) == len(model["weights"]) and model["cv"]["reliability"]
    assert list(cache.glob("*.json"))  # candidates cached per PDF

    again = invoke("scorer", "train", "--corpus", str(corpus), "--cv", "2", "--workers", "1",
                   "--models", str(models), "--cache", str(cache))
    assert again.exit_code == 0 and "extracting" not in again.output  # the cache answered

    report = invoke("scorer", "report", "--models", str(models))
    assert report.exit_code == 0, report.output
    assert "[hardware]" in report.output and "reliability" in report.output and "weights" in report.output
    as_json = json.loads(invoke("scorer", "report", "--models", str(models), "--json").output)
    assert as_json["fields"]["training_time"]["cv"]["labels"] == 10


def test_missing_corpus_is_one_line(tmp_path):
    result = invoke("scorer", "train", "--corpus", str(tmp_path / "nowhere"))
    assert result.exit_code == 2
    assert "no labelled corpus" in result.output and len(result.output.strip().splitlines()) <= 2


def test_reviewer_decisions_become_labels(corpus, tmp_path, db_url):
    from db.engine import session_scope
    from db.migrate import upgrade_to_head
    from usecases.review_labels import review_labels
    from usecases.paper_stages import store_extraction
    from extractors.pipeline import extract_pdf
    from models import Extraction, Paper
    from review.decisions import decide
    from settings.config import load_config

    upgrade_to_head(db_url)
    config = load_config(None, database_url=db_url)
    pdf = sorted((corpus / "pdfs").glob("*.pdf"))[0]
    with session_scope(db_url) as session:
        paper = Paper(arxiv_id="2501.10000", title="t")
        session.add(paper)
        session.flush()
        store_extraction(session, paper.id, extract_pdf(pdf), config)
        rows = session.query(Extraction).filter_by(paper_id=paper.id).order_by(Extraction.id).all()
        assert rows and all(r.features for r in rows)  # features stored (migration 0003)
        hardware = [r for r in rows if r.field == "hardware"]
        decide(session, config, hardware[0].id, "accept", reviewer="ann")
        decide(session, config, hardware[1].id, "reject", reviewer="ann")
    with session_scope(db_url) as session:
        labels = review_labels(session)
    assert sorted(ex.label for ex in labels.examples) == [0, 1] and labels.skipped == 0
    assert all(ex.features["_field"] == "hardware" and ex.paper_id == "review:2501.10000" for ex in labels.examples)

    models = tmp_path / "models"
    result = invoke("--db", db_url, "scorer", "train", "--corpus", str(corpus), "--cv", "2", "--workers", "1",
                    "--models", str(models), "--cache", str(tmp_path / "cache"), "--with-reviews")
    assert result.exit_code == 0, result.output
    assert "review labels used: 2" in result.output
    assert json.loads((models / "hardware.json").read_text())["data"]["review_labels"] == 2
