"""The chip catalog's Epoch part: built from a small chip table the test writes, with the study's
figures kept where they differ, deterministic, readable by extractors.chips, and via the CLI."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import yaml

from extractors import chips
from sources.chip_catalog import PRECISION_COLUMNS, ChipImportError, build_catalog, import_chips, read_epoch_rows

_COLUMNS = ["Hardware name", "Manufacturer", "Type", "Release date", *PRECISION_COLUMNS.values(), "Link to datasheet"]


def _table(path: Path, rows: list[dict]) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:  # Epoch's file starts with a BOM
        writer = csv.DictWriter(handle, fieldnames=_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in _COLUMNS})
    return path


def _row(name, date, link="", **peaks):
    row = {"Hardware name": name, "Release date": date, "Link to datasheet": link}
    keys = {"fp64": "fp64", "fp32": "fp32", "tf32": "tf32", "fp16": "fp16", "tensor": "tensor", "fp8": "fp8", "int8": "int8"}
    for key, value in peaks.items():
        row[PRECISION_COLUMNS[keys[key]]] = str(value)
    return row


@pytest.fixture
def inputs(tmp_path):
    table = _table(tmp_path / "chips.csv", [
        _row("Acme Z9 SXM", "2025-03-01", "https://example.org/z9.pdf", fp64=40e12, fp32=80e12, fp16=160e12,
             tf32=600e12, tensor=1200e12, fp8=2400e12, int8=2400e12),
        _row("Acme Z9 PCIe", "2025-03-01", fp32=60e12, tensor=900e12),
        _row("Acme M7", "2024-06-01", fp16=500e12),  # an accelerator whose FP16 column is its matrix rate
        _row("Example TPU q9", "2025-01-01", tensor=400e12, int8=800e12),
        _row("Old Card 100", "2016-01-01", fp32=9.0e12),  # a study chip: 9.0 here, 10.0 in the study
    ])
    study = tmp_path / "study.yaml"
    study.write_text(yaml.safe_dump({"chips": [
        {"name": "C100", "kind": "gpu", "peak": {"fp32": 10.0e12}, "aliases": ["Old Card 100"]}]}))
    selection = tmp_path / "selection.yaml"
    selection.write_text(yaml.safe_dump({"chips": [
        {"name": "Z9", "epoch": "Acme Z9 SXM", "kind": "gpu", "aliases": ["Acme Z9"], "variants": {"PCIe": "Acme Z9 PCIe"}},
        {"name": "M7", "epoch": "Acme M7", "kind": "accelerator", "fp16_is_matrix": True,
         "fill": {"fp32": 50e12}, "fill_source": "https://example.org/m7"},
        {"name": "TPU q9", "epoch": "Example TPU q9", "kind": "tpu", "cores_per_chip": 1, "slice_unit": "chips",
         "chips_per_pod": 256},
        {"name": "C100", "epoch": "Old Card 100", "kind": "gpu", "aliases": ["C-100"]},
    ]}))
    return table, selection, study


def test_each_precision_comes_from_its_epoch_column(inputs):
    catalog = build_catalog(*inputs)
    z9 = next(c for c in catalog["chips"] if c["name"] == "Z9")
    assert z9["peak"] == {"fp64": 40e12, "fp32": 80e12, "tf32": 600e12, "fp16": 160e12, "bf16": 1200e12,
                          "fp16_tensor": 1200e12, "fp8": 2400e12, "int8": 2400e12}
    assert z9["variants"]["PCIe"] == {"fp32": 60e12, "bf16": 900e12, "fp16_tensor": 900e12}
    assert (z9["year"], z9["source"], z9["epoch_name"]) == (2025, "https://example.org/z9.pdf", "Acme Z9 SXM")
    m7 = next(c for c in catalog["chips"] if c["name"] == "M7")
    assert m7["peak"] == {"fp16_tensor": 500e12, "fp32": 50e12}  # matrix FP16; fp32 filled from the vendor
    assert m7["filled"] == {"precisions": ["fp32"], "source": "https://example.org/m7"}
    q9 = next(c for c in catalog["chips"] if c["name"] == "TPU q9")
    assert q9["peak"] == {"bf16": 400e12, "int8": 800e12}  # a TPU's matrix unit is bf16, never fp16
    assert (q9["slice_unit"], q9["cores_per_chip"], q9["chips_per_pod"]) == ("chips", 1, 256)


def test_the_study_keeps_its_figures_and_the_difference_is_listed(inputs):
    catalog = build_catalog(*inputs)
    assert "C100" not in [c["name"] for c in catalog["chips"]]
    assert catalog["extend"] == [{"name": "C100", "epoch_name": "Old Card 100", "aliases": ["C-100"], "variants": {}}]
    assert catalog["differences"] == [{"name": "C100", "precision": "fp32", "study": 10.0e12, "epoch": 9.0e12,
                                       "epoch_name": "Old Card 100", "kept": "study"}]


def test_written_file_is_deterministic_attributed_and_read_back(inputs, tmp_path, monkeypatch):
    table, selection, study = inputs
    out = tmp_path / "chips_epoch.yaml"
    report = import_chips(table, out, selection_path=selection, study_path=study)
    first = out.read_bytes()
    import_chips(table, out, selection_path=selection, study_path=study)
    assert out.read_bytes() == first
    text = first.decode()
    assert "CC BY 4.0" in text and "Epoch AI" in text
    assert "'TF32 (TensorFloat-32) performance (FLOP/s)'" in text  # the column of each precision is named
    assert (report.chips, report.study_chips, len(report.differences)) == (3, 1, 1)
    # The catalog module reads it beside the study's file: new chips, and the study's chip unchanged.
    monkeypatch.setattr(chips, "CATALOG_PATH", study)
    monkeypatch.setattr(chips, "EPOCH_CATALOG_PATH", out)
    chips.reload()
    try:
        assert chips.canonical_name("Acme Z9 GPUs") == "Z9"
        assert chips.peak_flops("Z9", "bf16") == 1200e12
        assert chips.peak_flops("Z9 PCIe") == 60e12
        assert chips.peak_flops("C-100") == 10.0e12  # Epoch's 9.0 is not used
        assert chips.lookup("TPU q9").slice_unit == "chips"
    finally:
        chips.reload()


def test_unknown_rows_and_bad_tables_are_refused(inputs, tmp_path):
    table, selection, study = inputs
    bad = tmp_path / "bad.yaml"
    bad.write_text(yaml.safe_dump({"chips": [{"name": "Nope", "epoch": "No Such Chip", "kind": "gpu"}]}))
    with pytest.raises(ChipImportError, match="No Such Chip"):
        build_catalog(table, bad, study)
    other = tmp_path / "other.csv"
    other.write_text("Model,Parameters\nX,1\n")
    with pytest.raises(ChipImportError, match="not Epoch's chip table"):
        read_epoch_rows(other)


def test_cli_import_chips(inputs, tmp_path):
    from typer.testing import CliRunner

    from cli.main import app, _register_groups

    _register_groups()
    table, selection, _ = inputs
    out = tmp_path / "out.yaml"
    result = CliRunner().invoke(app, ["reference", "import-chips", str(table), "--out", str(out),
                                      "--selection", str(selection)])
    assert result.exit_code == 0, result.output
    assert "chips from Epoch's table" in result.output
    names = [c["name"] for c in yaml.safe_load(out.read_text())["chips"]]
    assert names == ["Z9", "M7", "TPU q9", "C100"]  # C100 is not in the shipped study catalog: a new chip
    missing = CliRunner().invoke(app, ["reference", "import-chips", str(tmp_path / "none.csv"), "--out", str(out)])
    assert missing.exit_code != 0


def test_shipped_catalog_is_what_the_generator_writes_from_epochs_table(tmp_path, shared_reference):
    table = shared_reference / "epoch" / "chips.csv"
    if not table.is_file():
        pytest.skip("Epoch's chips.csv is absent")
    out = tmp_path / "chips_epoch.yaml"
    import_chips(table, out)
    assert out.read_text(encoding="utf-8") == chips.EPOCH_CATALOG_PATH.read_text(encoding="utf-8")
