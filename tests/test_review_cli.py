"""`progress review ...` through typer's CliRunner on the real app, a SQLite file and a generated PDF."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

import cli.main
from db import session_scope
from models import Result, ReviewDecision
from test_review import ARXIV_ID, build_database, item_id, write_config

cli.main._register_groups()
RUNNER = CliRunner()


@pytest.fixture
def setup(tmp_path):
    config, url, _ = build_database(tmp_path)
    return config, url, write_config(config, tmp_path / "config.yaml")


def progress(config_path, *args, input=None):
    result = RUNNER.invoke(cli.main.app, ["--config", str(config_path), "review", *args], input=input)
    return result


def test_list_filters_and_json(setup):
    config, url, path = setup
    out = progress(path, "list", "--json")
    assert out.exit_code == 0, out.output
    items = json.loads(out.output)
    assert sorted(i["summary"] for i in items) == ["1.2e+19 FLOPs", "72.0 h (wall)",
                                                   "ImageNet top-1 accuracy = 76.5", "ImageNet top-5 error = 6.5"]
    assert all(i["state"] == "pending" and i["arxiv_id"] == ARXIV_ID for i in items)
    only = json.loads(progress(path, "list", "--json", "--field", "results", "--below", "0.45").output)
    assert [i["value"] for i in only] == [76.5]
    assert json.loads(progress(path, "list", "--json", "--task", "machine_translation").output) == []
    table = progress(path, "list", "--paper", ARXIV_ID)
    assert table.exit_code == 0 and "Review queue: 4 pending" in table.output
    bad = progress(path, "list", "--status", "someday")
    assert bad.exit_code == 2 and "status must be one of" in bad.output


def test_show_prints_value_sentence_context_image_and_other_candidates(setup, tmp_path):
    config, url, path = setup
    top1 = item_id(url, config, "results", 76.5)
    out = progress(path, "show", str(top1))
    assert out.exit_code == 0, out.output
    assert "ImageNet top-1 accuracy = 76.5" in out.output
    assert "Our model reaches 76.5% top-1 accuracy on ImageNet." in " ".join(out.output.split())
    assert "We train our network on 8 NVIDIA V100 GPUs" in out.output  # the sentence before
    assert "78.1" in out.output and "6.5" in out.output  # the other results candidates
    assert str(tmp_path / "pdfs" / "evidence") in out.output.replace("\n", "")
    data = json.loads(progress(path, "show", str(top1), "--json").output)
    assert data["match"] == "76.5% top-1 accuracy" and data["evidence_highlighted"] is True
    assert len(data["others"]) == 2 and data["context"]["found"] is True
    missing = progress(path, "show", "424242")
    assert missing.exit_code == 2 and "no candidate 424242" in missing.output


def test_accept_reject_correct_record_reviewer_note_and_update_results(setup, monkeypatch):
    config, url, path = setup
    monkeypatch.setenv("USER", "carol")
    assert progress(path, "accept", str(item_id(url, config, "training_time", 72.0))).exit_code == 0
    out = progress(path, "reject", str(item_id(url, config, "results", 6.5)), "--reviewer", "ann", "--note", "val set")
    assert out.exit_code == 0 and "rejected" in out.output
    out = progress(path, "correct", str(item_id(url, config, "results", 76.5)), "--value", "77.0")
    assert out.exit_code == 0 and "corrected" in out.output and "77.0" in out.output
    out = progress(path, "correct", str(item_id(url, config, "hardware", 8)), "--set", "chip=A100", "--value", "16")
    assert out.exit_code == 0 and "16 x A100" in out.output
    bad = progress(path, "correct", str(item_id(url, config, "stated_compute", 1.2e19)))
    assert bad.exit_code == 2 and "needs the right value" in bad.output
    with session_scope(url) as s:
        decisions = {d.field + ":" + d.action.value: d for d in s.execute(select(ReviewDecision)).scalars()}
        assert set(decisions) == {"training_time:accept", "results:reject", "results:correct", "hardware:correct"}
        assert decisions["training_time:accept"].reviewer == "carol"
        assert (decisions["results:reject"].reviewer, decisions["results:reject"].note) == ("ann", "val set")
        assert decisions["results:correct"].corrected_value == 77.0
        assert s.execute(select(Result.value)).scalars().all() == [77.0]
    assert json.loads(progress(path, "list", "--json").output)[0]["field"] == "stated_compute"
    decided = json.loads(progress(path, "list", "--json", "--status", "decided").output)
    assert sorted(i["state"] for i in decided) == ["accepted", "corrected", "corrected", "rejected"]


def test_next_walks_the_queue_reading_lines_when_stdin_is_not_a_terminal(setup):
    config, url, path = setup
    # Queue order: results 76.5, results 6.5, stated_compute, training_time.
    keys = "\n".join(["x", "c", "77.0", "from table 2", "r", "s", "a"]) + "\n"
    out = progress(path, "next", "--reviewer", "dan", "--no-image", input=keys)
    assert out.exit_code == 0, out.output
    assert "unknown key 'x'" in out.output and "1 accept, 1 reject, 1 correct, 1 skip" in out.output
    with session_scope(url) as s:
        decisions = {d.field: d for d in s.execute(select(ReviewDecision)).scalars()}
        assert decisions["training_time"].action.value == "accept"
        corrected = s.execute(select(ReviewDecision).where(ReviewDecision.corrected_value == 77.0)).scalar_one()
        assert (corrected.reviewer, corrected.note) == ("dan", "from table 2")
    remaining = json.loads(progress(path, "list", "--json").output)
    assert [i["field"] for i in remaining] == ["stated_compute"]  # the skipped one waits


def test_next_stops_at_q_and_at_end_of_input(setup):
    config, url, path = setup
    out = progress(path, "next", "--no-image", input="a\nq\n")
    assert out.exit_code == 0 and "3 left in the queue" in out.output
    out = progress(path, "next", "--no-image", input="")
    assert out.exit_code == 0 and "3 left in the queue" in out.output
    assert len(json.loads(progress(path, "list", "--json").output)) == 3


def test_next_reads_single_keys_on_a_terminal(setup, monkeypatch):
    """On a TTY each decision is one keystroke through click.getchar (CliRunner feeds it from input)."""
    config, url, path = setup
    monkeypatch.setattr("review.walk._is_terminal", lambda stream: True)
    out = progress(path, "next", "--no-image", "--field", "results", input="ar")
    assert out.exit_code == 0, out.output
    with session_scope(url) as s:
        actions = sorted(d.action.value for d in s.execute(select(ReviewDecision)).scalars())
    assert actions == ["accept", "reject"]


def test_export_writes_jsonl_labels(setup, tmp_path):
    config, url, path = setup
    progress(path, "correct", str(item_id(url, config, "results", 76.5)), "--value", "77.0", "--reviewer", "ann")
    progress(path, "reject", str(item_id(url, config, "results", 6.5)), "--reviewer", "ann")
    out_file = tmp_path / "labels" / "reviewed.jsonl"
    out = progress(path, "export", "--out", str(out_file))
    assert out.exit_code == 0, out.output
    lines = [json.loads(line) for line in out_file.read_text().splitlines()]
    assert lines == [{"arxiv_id": ARXIV_ID,
                      "results": [{"dataset": "ImageNet", "metric": "top-1 accuracy", "value": 77.0}]}]
    to_stdout = progress(path, "export")
    assert [json.loads(line) for line in to_stdout.output.splitlines()] == lines
