"""bench/epoch_quotes.py on a small table in Epoch's format, written here with our own sentences."""
from __future__ import annotations

import csv
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.epoch_quotes import extract, half_of, judge, load_quotes, main  # noqa: E402

COLUMNS = ["Model", "Domain", "Training hardware", "Hardware quantity", "Training time (hours)",
           "Training compute (FLOP)", "Training compute estimation method", "Parameters",
           "Training dataset size (datapoints)", "Training time notes", "Training compute notes",
           "Parameters notes", "Dataset size notes"]


def _table(path: Path, rows: list[dict]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in COLUMNS})
    return path


ROWS = [
    {"Model": "Quillnet", "Domain": "Language", "Training hardware": "NVIDIA H100 SXM5 80GB", "Hardware quantity": "96",
     "Training time (hours)": "240",
     "Training time notes": 'From the paper: "We trained Quillnet for 10 days on 96 H100 GPUs." Assumed bf16.'},
    {"Model": "Brackenformer", "Domain": "Language", "Training hardware": "Google TPU v4", "Hardware quantity": "512",
     "Training time (hours)": "100",
     # Epoch's value is not in the quote: the time is not scored; the count is, and we read another one.
     "Training time notes": 'quote: "Our encoder was pre-trained on 256 TPU v4 chips." plus logs'},
    {"Model": "Marrowlm", "Domain": "Language", "Training compute (FLOP)": "2.1e+23",
     "Training compute estimation method": "Reported", "Parameters": "13000000000",
     "Training compute notes": '"Pre-training Marrowlm took 2.1e23 FLOPs in total."',
     "Parameters notes": '"Marrowlm is a decoder with 13 billion parameters in total."'},
]


def test_quotes_are_scored_only_where_they_hold_epochs_value(tmp_path: Path) -> None:
    quotes = {q.model: q for q in load_quotes(_table(tmp_path / "systems.csv", ROWS))}
    assert set(quotes) == {"Quillnet", "Brackenformer", "Marrowlm"}
    quill = judge(quotes["Quillnet"], extract(quotes["Quillnet"]))
    assert quill == {"training_time": "right", "hardware_count": "right", "hardware": "right"}
    bracken = judge(quotes["Brackenformer"], extract(quotes["Brackenformer"]))
    assert bracken == {}  # 512 is not in the quote and 100 hours is not either: nothing to score
    marrow = [q for q in load_quotes(tmp_path / "systems.csv") if q.model == "Marrowlm"]
    verdicts = [judge(q, extract(q)) for q in marrow]
    assert {"stated_compute": "right"} in verdicts and {"parameters": "right"} in verdicts


def test_the_command_prints_one_row_per_field_for_each_half_and_all(tmp_path: Path, capsys) -> None:
    assert main(["--csv", str(_table(tmp_path / "systems.csv", ROWS))]) == 0
    out = capsys.readouterr().out
    assert "4 quotes from Epoch's notes" in out
    blocks = out.split("BLIND half")[1].split("READ half")
    blocks = [blocks[0], *blocks[1].split("ALL quotes")]
    for block in blocks:
        for field in ("hardware", "training_time", "stated_compute", "parameters", "training_tokens"):
            assert any(line.strip().startswith(field + " ") for line in block.splitlines())
    # every scored quote is counted in exactly one half
    counts = [int(line.split()[1]) for line in out.splitlines() if line.strip().startswith("parameters ")]
    assert len(counts) == 3 and counts[0] + counts[1] == counts[2] > 0


def test_halves_are_stable_and_keep_a_models_quotes_together(tmp_path: Path) -> None:
    quotes = load_quotes(_table(tmp_path / "systems.csv", ROWS))
    halves = {}
    for quote in quotes:
        halves.setdefault(quote.model, set()).add(half_of(quote))
    assert all(len(h) == 1 for h in halves.values())
    # sha1, not Python's salted hash(): the same split on every machine and run
    assert [half_of(q) for q in quotes] == [half_of(q) for q in load_quotes(tmp_path / "systems.csv")]


def test_only_the_read_half_can_be_printed(tmp_path: Path, capsys) -> None:
    table = str(_table(tmp_path / "systems.csv", ROWS))
    for argv in (["--show", "all"], ["--show", "missed", "--half", "blind"]):
        try:
            main(["--csv", table, *argv])
        except SystemExit as stop:
            assert stop.code == 2
        else:
            raise AssertionError(f"{argv} printed quotes of the blind half")
    assert "only the read half" in capsys.readouterr().err
    assert main(["--csv", table, "--show", "all", "--half", "read"]) == 0
    printed = capsys.readouterr().out
    read_models = {q.model for q in load_quotes(tmp_path / "systems.csv") if half_of(q) == "read"}
    for model in {"Quillnet", "Brackenformer", "Marrowlm"} - read_models:
        assert f"[{model}]" not in printed


def test_a_missing_table_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["--csv", str(tmp_path / "absent.csv")]) == 2
    assert "needs ../shared" in capsys.readouterr().err
