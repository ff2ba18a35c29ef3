"""The `progress` command with bad config, bad options and a batch of bad files: one clear line each
on stderr, never a traceback, and the good files still extracted."""
from __future__ import annotations

import json

import pytest

from bad_pdfs import cases
from fault_helpers import REPO_CONFIG, run_progress, run_progress_with_faults
from settings.extras import has


def one_clear_line(done, *fragments: str) -> str:
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, done.stderr
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def bad_config(tmp_path, old: str, new: str):
    text = REPO_CONFIG.read_text()
    assert old in text
    path = tmp_path / "bad.yaml"
    path.write_text(text.replace(old, new))
    return path


@pytest.mark.parametrize("old, new, fragments", [
    ("max_bytes: 60000000", "max_bytes: -5", ["download.max_bytes", "greater than 0"]),
    ("max_pages: 200", "max_pages: lots", ["extraction.max_pages", "integer"]),
    ("pipeline:", "pipelin:", ["unknown key 'pipelin'"]),
    ("task_runner: default", "task_runner: threads", ["extraction.task_runner"]),
    ("  image_classification:\n", "  image classification:\n", ["task name 'image classification'"]),
    ("tasks:\n", "tasks: [oops\n", ["not valid YAML", "line"]),
])
def test_bad_config_value_is_one_line_naming_it(tmp_path, old, new, fragments):
    config = bad_config(tmp_path, old, new)
    done = run_progress("--config", str(config), "status", cwd=tmp_path)
    assert done.returncode == 2
    one_clear_line(done, "config", str(config.name), *fragments)


@pytest.mark.parametrize("args, fragments", [
    (["--config", "missing.yaml", "status"], ["config file not found: missing.yaml"]),
    (["--db", "not-a-url", "status"], ["database", "not-a-url"]),
    # Without the postgres extra (README command (b) installs only .[test]) the line names the extra.
    (["--db", "postgresql+psycopg://someone:secret@127.0.0.1:1/x", "status"],
     ["database", "Connection refused" if has("psycopg") else 'pip install -e ".[postgres]"']),
    (["ingest", "--start", "2024-13-01"], ["--start", "2024-13-01"]),
    (["run", "--end", "yesterday"], ["--end", "yesterday"]),
    (["extract-files", "--jsonl", "out.jsonl", "--workers", "0", "x.pdf"], ["--workers must be positive"]),
    (["extract-files", "--jsonl", "out.jsonl", "--timeout", "-1", "x.pdf"], ["--timeout must be positive"]),
    (["extract-files", "--jsonl", "/proc/no/such/out.jsonl", "x.pdf"], ["--jsonl", "cannot write"]),
])
def test_bad_option_is_one_line_naming_it(tmp_path, args, fragments):
    if "--config" not in args:
        args = ["--config", str(REPO_CONFIG), *args]
    if "--db" not in args and "status" in args:
        args = ["--db", f"sqlite:///{tmp_path}/db.sqlite", *args]
    done = run_progress(*args, cwd=tmp_path)
    assert done.returncode == 2
    line = one_clear_line(done, *fragments)
    assert "secret" not in line  # a password in the URL is never printed


def test_option_of_the_wrong_type_is_a_usage_message_not_a_traceback(tmp_path):
    done = run_progress("--config", str(REPO_CONFIG), "download", "--limit", "abc", cwd=tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "--limit" in done.stderr


def test_extract_files_on_a_mixed_batch(tmp_path):
    batch = cases(max_pages=200, max_bytes=60_000_000)
    batch = [c for c in batch if c.kind != "too_large"]  # the default limit is 60 MB: too big to write here
    folder = tmp_path / "pdfs"
    folder.mkdir()
    for case in batch:
        (folder / case.name).write_bytes(case.data)
    paths = [str(folder / c.name) for c in batch] + [str(folder / "missing.pdf"), str(folder)]
    out = tmp_path / "out.jsonl"
    # `progress` with a test-only worker entry that hangs on *HANG* and segfaults on *CRASH*
    done = run_progress_with_faults("hang=HANG,crash=CRASH", "--config", str(REPO_CONFIG), "extract-files",
                                    "--jsonl", str(out), "--timeout", "20", *paths, cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr + done.stdout
    bad = [(str(folder / c.name), c.reason) for c in batch if c.kind]
    bad += [(str(folder / "missing.pdf"), "no such file"), (str(folder), "not a file")]
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert len(lines) == len(bad), done.stderr
    for path, reason in bad:
        assert sum(1 for line in lines if line.startswith(path + ":") and reason in line) == 1, (path, done.stderr)
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == len(paths)
    good = [row for row in rows if "error" not in row]
    assert len(good) == sum(1 for c in batch if c.kind is None) and all(row["hardware"] for row in good)


def test_unknown_task_is_refused_in_one_line_before_any_run(tmp_path):
    done = run_progress("--config", str(REPO_CONFIG), "--db", f"sqlite:///{tmp_path}/db.sqlite",
                        "ingest", "--task", "no_such_task", cwd=tmp_path, timeout=300)
    assert done.returncode == 2, done.stderr
    assert "Traceback" not in done.stderr + done.stdout, done.stderr
    errors = [line for line in done.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "unknown task no_such_task" in errors[0], done.stderr
