"""Compute estimates: units (cores, chips, devices, machines), chip-hours, ranges, preference, flags."""
from dataclasses import dataclass, field

import pytest

from analysis.compute import (
    arithmetic_estimate, chip_peak, chips_from_hardware, estimate_compute, explain_skipped, preferred,
)


@dataclass(frozen=True)
class FakeChip:
    name: str
    kind: str
    peak: dict
    cores_per_chip: int = 1
    chips_per_device: int = 1
    device_peak: dict = field(default_factory=dict)


CATALOG = {
    "V100": FakeChip("V100", "gpu", {"fp32": 15.7e12, "fp16_tensor": 125e12}),
    "TPU v3": FakeChip("TPU v3", "tpu", {"bf16": 123e12}, cores_per_chip=2, chips_per_device=4,
                       device_peak={"bf16": 420e12}),
    "GPU": FakeChip("GPU", "gpu", {}),
}


def only(estimates, method):
    found = [e for e in estimates if e.method == method]
    assert len(found) == 1, found
    return found[0]


def test_gpu_wall_time_is_chips_times_fp32_peak_times_seconds():
    est = only(estimate_compute([{"chip": "V100", "count": 8, "unit": "chips"}], [{"hours": 10, "kind": "wall"}], [],
                                catalog=CATALOG), "hardware")
    assert est.flops == pytest.approx(8 * 15.7e12 * 10 * 3600)
    assert est.flops_utilized == pytest.approx(est.flops * 0.33)
    assert est.inputs["precision"] == "fp32" and est.preferred and not est.disagreement


def test_tpu_cores_chips_and_devices_give_the_same_burden_for_the_same_hardware():
    time = [{"hours": 24, "kind": "wall"}]
    per_unit = {unit: only(estimate_compute([{"chip": "TPU v3", "count": count, "unit": unit}], time, [], catalog=CATALOG),
                           "hardware").flops
                for unit, count in (("cores", 64), ("chips", 32), ("devices", 8))}
    assert per_unit["cores"] == pytest.approx(per_unit["chips"]) == pytest.approx(per_unit["devices"])
    # The study's convention: 420 TFLOP/s per 4-chip device, i.e. 105 per chip (not the 123 datasheet figure).
    assert per_unit["chips"] == pytest.approx(32 * 105e12 * 24 * 3600)
    datasheet = only(estimate_compute([{"chip": "TPU v3", "count": 32}], time, [], catalog=CATALOG, tpu_peak="chip"),
                     "hardware")
    assert datasheet.flops == pytest.approx(32 * 123e12 * 24 * 3600)


def test_machines_times_gpus_per_machine():
    spec = CATALOG["V100"]
    assert chips_from_hardware({"chip": "V100", "count": 4, "unit": "machines", "per_machine": 8}, spec) == 32
    assert chips_from_hardware({"chip": "V100", "machines": 2, "per_machine": 8}, spec) == 16
    assert chips_from_hardware({"chip": "V100", "count": 4, "unit": "machines"}, spec) is None


def test_chip_hours_total_is_not_multiplied_by_the_count_again():
    hardware = [{"chip": "V100", "count": 8}]
    est = only(estimate_compute(hardware, [{"hours": 100, "kind": "chip-hours"}], [], catalog=CATALOG), "hardware")
    assert est.flops == pytest.approx(100 * 15.7e12 * 3600)
    assert est.inputs["chips"] is None


def test_tpu_core_hours_are_converted_to_chip_hours():
    est = only(estimate_compute([{"chip": "TPU v3", "count": 512, "unit": "cores"}],
                                [{"hours": 1000, "kind": "chip-hours"}], [], catalog=CATALOG), "hardware")
    assert est.flops == pytest.approx(1000 / 2 * 105e12 * 3600)


def test_time_range_gives_low_and_high():
    est = only(estimate_compute([{"chip": "V100", "count": 8}], [{"hours": 420, "kind": "wall", "hours_range": [336, 504]}],
                                [], catalog=CATALOG), "hardware")
    assert est.flops_low == pytest.approx(8 * 15.7e12 * 336 * 3600)
    assert est.flops_high == pytest.approx(8 * 15.7e12 * 504 * 3600)
    assert est.flops_low < est.flops < est.flops_high


def test_stated_is_preferred_over_hardware_over_arithmetic_and_all_are_kept():
    estimates = estimate_compute([{"chip": "V100", "count": 8}], [{"hours": 10}], [{"flops": 1.5e18}],
                                 {"parameters": 1e8, "tokens": 2.5e9}, catalog=CATALOG)
    assert sorted(e.method for e in estimates) == ["arithmetic", "hardware", "stated"]
    assert preferred(estimates).method == "stated"
    no_stated = estimate_compute([{"chip": "V100", "count": 8}], [{"hours": 10}], [], {"parameters": 1e8, "tokens": 2.5e9},
                                 catalog=CATALOG)
    assert preferred(no_stated).method == "hardware"
    assert preferred(estimate_compute([], [], [], {"parameters": 1e8, "tokens": 2.5e9})).method == "arithmetic"
    assert estimate_compute([], [], []) == []


def test_agreeing_methods_are_not_flagged_and_distant_ones_are():
    hardware, time = [{"chip": "V100", "count": 8}], [{"hours": 10}]
    utilized = 8 * 15.7e12 * 10 * 3600 * 0.33
    close = estimate_compute(hardware, time, [{"flops": utilized * 2}], catalog=CATALOG)
    assert not any(e.disagreement for e in close)
    far = estimate_compute(hardware, time, [{"flops": utilized * 10}], catalog=CATALOG)
    assert all(e.disagreement for e in far)
    assert not any(e.disagreement for e in estimate_compute(hardware, time, [{"flops": utilized * 10}],
                                                            catalog=CATALOG, disagreement_factor=20))


def test_largest_pair_represents_the_hardware_method():
    estimates = estimate_compute([{"chip": "V100", "count": 8}], [{"hours": 12}, {"hours": 84}], [], catalog=CATALOG)
    assert len(estimates) == 2
    assert preferred(estimates).inputs["hours"] == 84


def test_arithmetic_forms():
    assert arithmetic_estimate({"parameters": 1e9, "tokens": 1e10}).flops == pytest.approx(6e19)
    assert arithmetic_estimate({"forward_flops": 4e9, "examples": 1.28e6, "epochs": 90}).flops == pytest.approx(4e9 * 3 * 1.28e6 * 90)
    assert arithmetic_estimate({"multiadds": 2e9, "examples": 1e6, "epochs": 1}).flops == pytest.approx(2 * 2e9 * 3 * 1e6)
    assert arithmetic_estimate({"parameters": 1e9}) is None


def test_unknown_or_generic_chips_are_explained_not_guessed():
    assert estimate_compute([{"chip": "GPU", "count": 4}], [{"hours": 5}], [], catalog=CATALOG) == []
    reasons = explain_skipped([{"chip": "GPU", "count": 4}, {"chip": "Z9000", "count": 1}], [{"hours": 5}], catalog=CATALOG)
    assert any("no peak" in r for r in reasons) and any("not in the catalog" in r for r in reasons)


def test_explicit_gpu_precision_does_not_fall_back():
    assert chip_peak(CATALOG["V100"], "fp16_tensor") == (125e12, "fp16_tensor")
    assert chip_peak(CATALOG["V100"], "bf16") == (None, None)


def test_real_chip_catalog_resolves_paper_spellings():
    pytest.importorskip("extractors.chips")
    est = only(estimate_compute([{"chip": "Tesla V100-SXM2-16GB", "count": 8}], [{"hours": 1}], []), "hardware")
    assert est.inputs["chip"] == "V100"
    tpu = only(estimate_compute([{"chip": "Cloud TPU v3", "count": 2, "unit": "devices"}], [{"hours": 1}], []), "hardware")
    assert tpu.flops == pytest.approx(2 * 420e12 * 3600)


def test_a_stated_pcie_variant_uses_its_own_peak():
    time = [{"hours": 10.0, "kind": "wall"}]
    sxm = estimate_compute([{"chip": "V100", "count": 8, "unit": "chips"}], time, [])[0]
    pcie = estimate_compute([{"chip": "V100", "count": 8, "unit": "chips", "variant": "PCIe"}], time, [])[0]
    assert pcie.flops < sxm.flops
    assert pcie.flops == pytest.approx(8 * 14e12 * 36000, rel=0.02)
