"""Cache paths: old-style ids, versions and hostile characters always name one file inside the cache."""
from __future__ import annotations

import pytest

from sources.pdf_cache import cache_path

HOSTILE_IDS = [
    "hep-th/9901001", "math.GT/0309136", "cs/9913400", "2101.00001", "2101.00001v2",
    "../../etc/passwd", "..", ".", "/", "/abs/path", "a\\b\\..\\c", "..\\..\\windows", "id\x00nul",
    "sp ace", "ünïcödé/ß", "~root", "$(rm -rf)", "x" * 5000, "../" * 200,
]


@pytest.mark.parametrize("arxiv_id", HOSTILE_IDS)
@pytest.mark.parametrize("version", [1, 3, 12])
def test_every_id_stays_inside_the_cache_and_can_be_created(tmp_path, arxiv_id, version):
    path = cache_path(tmp_path, arxiv_id, version)
    assert path.parent == tmp_path.resolve()
    assert path.name.endswith(f"v{version}.pdf") and not path.name.startswith(".")
    path.write_bytes(b"%PDF-1.4")  # a real file name: no NUL, not too long, no separators
    assert list(tmp_path.iterdir()) == [path]


def test_versions_and_distinct_ids_get_distinct_files(tmp_path):
    names = {cache_path(tmp_path, i, v) for i in HOSTILE_IDS[:5] for v in (1, 2)}
    assert len(names) == 10
    long_a, long_b = "x" * 300 + "a", "x" * 300 + "b"
    assert cache_path(tmp_path, long_a, 1) != cache_path(tmp_path, long_b, 1)


@pytest.mark.parametrize("arxiv_id, version", [("", 1), ("2101.00001", 0), ("2101.00001", -1)])
def test_missing_id_or_bad_version_is_refused(tmp_path, arxiv_id, version):
    with pytest.raises(ValueError, match="bad arXiv id/version"):
        cache_path(tmp_path, arxiv_id, version)


def test_download_task_turns_a_bad_id_into_a_permanent_reason(tmp_path):
    from flows.download import fetch_task
    from settings.config import load_config
    from sources.pdf_cache import DownloadError
    from fault_helpers import REPO_CONFIG

    config = load_config(REPO_CONFIG).model_copy(update={"pdf_cache": tmp_path})
    with pytest.raises(DownloadError) as info:
        fetch_task.fn(config, "2101.00001", 0, "http://127.0.0.1:9/never")
    assert not info.value.transient and "bad arXiv id/version" in info.value.reason
    with pytest.raises(DownloadError, match="no PDF link") as info:
        fetch_task.fn(config, "2101.00001", 1, None)
    assert not info.value.transient


def test_a_file_name_that_is_not_utf8_reaches_the_jsonl_as_valid_text(tmp_path):
    # issue 15.6: the name's undecodable byte arrived as a lone surrogate ("\udcff" in the JSON), which
    # strict JSON parsers (and UTF-8 encoders) reject.
    import json
    import os
    from pathlib import Path

    from rich.console import Console

    from bad_pdfs import good_pdf
    from cli.extract_files import extract_files_to_jsonl

    folder = tmp_path / "pdfs"
    folder.mkdir()
    raw_name = os.fsencode(folder) + b"/paper-\xff\xfe.pdf"
    with open(raw_name, "wb") as fh:
        fh.write(good_pdf())
    pdf = Path(os.fsdecode(raw_name))
    out = tmp_path / "out.jsonl"
    bad = extract_files_to_jsonl([pdf, folder / "missing-\udcff.pdf"], out, workers=1, timeout=60,
                                 console=Console(file=open(os.devnull, "w")))
    assert bad == 1
    text = out.read_bytes().decode("utf-8")  # strict
    assert "\\ud" not in text  # no surrogate escapes in the JSON
    rows = [json.loads(line) for line in text.splitlines()]
    for row in rows:
        json.dumps(row, ensure_ascii=False).encode("utf-8")  # raises on a lone surrogate
    assert [row["arxiv_id"] for row in rows] == ["paper-\\xff\\xfe", "missing-\\xff"]
