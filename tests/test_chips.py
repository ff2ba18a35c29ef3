"""The chip catalog: aliases papers use map to LABELS.md names; peaks and unit conversions are sane."""
import pytest

from extractors import chips


@pytest.mark.parametrize(
    "written, canonical",
    [
        ("Tesla V100-SXM2-16GB", "V100"),
        ("NVIDIA V100s", "V100"),
        ("TPUv3", "TPU v3"),
        ("v3-8", "TPU v3"),
        ("TPU v2-512", "TPU v2"),
        ("Cloud TPU v2", "TPU v2"),
        ("third generation TPU", "TPU v3"),
        ("TPUv3 cores", "TPU v3"),
        ("Titan Xp", "TITAN Xp"),
        ("1080Ti", "GTX 1080 Ti"),
        ("GeForce GTX Titan", "GTX TITAN"),
        ("GTX TITAN X", "TITAN X"),
        ("Titan X", "TITAN X"),
        ("Titan Black", "TITAN Black"),
        ("Tesla K40c", "K40"),
        ("GTX 580 3GB", "GTX 580"),
        ("80GB A100", "A100"),
        ("p100", "P100"),
        ("GPUs", "GPU"),
        ("TPUs", "TPU"),
        ("CPU cores", "CPU"),
    ],
)
def test_aliases_map_to_label_names(written, canonical):
    assert chips.canonical_name(written) == canonical


@pytest.mark.parametrize("written", ["", "16GB", "ResNet-50", "v100k", "Xeon Phi 7250"])
def test_unknown_names_are_none(written):
    assert chips.canonical_name(written) is None
    assert chips.lookup(written) is None


def test_every_named_chip_has_a_source_year_and_fp32_or_tensor_peak():
    named = [c for c in chips.all_chips() if c.name not in ("GPU", "TPU", "CPU") and not c.epoch_name]
    assert len(named) >= 22
    for spec in named:
        assert spec.source.startswith("https://"), spec.name
        assert 2009 <= spec.year <= 2024, spec.name
        assert spec.peak, spec.name
        assert all(1e11 < v < 1e16 for v in spec.peak.values()), spec.name
        if spec.kind == "gpu":
            assert "fp32" in spec.peak, spec.name


def test_peak_figures_and_precision_ordering():
    assert chips.peak_flops("V100") == pytest.approx(15.7e12)
    assert chips.peak_flops("V100", "fp16_tensor") == pytest.approx(125e12)
    assert chips.peak_flops("A100", "tf32") > chips.peak_flops("A100", "fp32")
    assert chips.peak_flops("TPU v3", "bf16") == pytest.approx(123e12)
    assert chips.peak_flops("TPU v3") is None  # no fp32 figure for TPUs: callers choose bf16
    assert chips.peak_flops("GPU") is None
    assert chips.peak_flops("not a chip") is None


def test_k80_is_one_board_with_two_dies():
    k80 = chips.lookup("Tesla K80")
    assert k80.dies_per_board == 2
    assert k80.peak_per_die() == pytest.approx(k80.peak["fp32"] / 2)


def test_tpu_unit_conversion():
    v3 = chips.lookup("TPU v3")
    assert (v3.cores_per_chip, v3.chips_per_device) == (2, 4)
    assert v3.chips_for(32, "cores") == 16
    assert v3.chips_for(64, "devices") == 256
    assert v3.device_peak["bf16"] == pytest.approx(420e12)
    assert chips.lookup("GTX 580").chips_for(2) == 2


def test_peak_keys_are_known_precisions():
    for spec in chips.all_chips():
        assert set(spec.peak) <= set(chips.PRECISIONS), spec.name


@pytest.mark.parametrize("written, canonical, fp32", [
    ("GTX 1080", "GTX 1080", 8.87e12),
    ("GeForce GTX 1080", "GTX 1080", 8.87e12),
    ("GTX 1080 Ti", "GTX 1080 Ti", 11.34e12),  # the Ti is its own card, not the 1080
    ("GTX Titan Xp", "TITAN Xp", 12.15e12),
    ("GeForce GTX TITAN Xp", "TITAN Xp", 12.15e12),
])
def test_geforce_1080_and_titan_xp_spellings(written, canonical, fp32):
    assert chips.canonical_name(written) == canonical
    assert chips.peak_flops(written) == fp32


@pytest.mark.parametrize("written, variant, canonical, fp32", [
    ("Tesla V100-PCIE-16GB", "PCIe", "V100", 14.0e12),
    ("V100 PCIe", "PCIe", "V100", 14.0e12),
    ("Tesla P100-PCIE-16GB", "PCIe", "P100", 9.3e12),
    ("P100 PCI Express", "PCIe", "P100", 9.3e12),
    ("Tesla V100-SXM2-16GB", None, "V100", 15.7e12),
    ("V100", None, "V100", 15.7e12),
])
def test_pcie_cards_keep_the_chip_name_and_take_their_own_peaks(written, variant, canonical, fp32):
    assert chips.variant_of(written) == variant
    spec = chips.lookup(written)
    assert spec.name == canonical and spec.peak["fp32"] == fp32
    assert chips.peak_flops(canonical, variant=variant) == fp32


def test_a_variant_the_chip_does_not_have_changes_nothing():
    assert chips.lookup("A100", "PCIe").peak == chips.lookup("A100").peak


def test_generated_chips_name_their_epoch_row_and_a_source():
    generated = [c for c in chips.all_chips() if c.epoch_name]
    assert not {c.name for c in generated} & _STUDY_CHIPS
    assert len(generated) >= 50
    for spec in generated:
        assert spec.source.startswith(("https://", "Epoch AI chips.csv")), spec.name
        assert set(spec.peak) <= set(chips.PRECISIONS), spec.name
        assert all(1e10 < v < 1e17 for v in spec.peak.values()), spec.name


_STUDY_CHIPS = {"V100", "A100", "H100", "K80", "TPU v3"}


@pytest.mark.parametrize("written, canonical", [
    ("H200", "H200"), ("NVIDIA B200", "B200"), ("GB200", "GB200"), ("A800-SXM4-80GB", "A800"), ("H800", "H800"),
    ("L4", "L4"), ("L40", "L40"), ("L40S", "L40S"), ("A10", "A10"), ("A10G", "A10G"), ("RTX A6000", "RTX A6000"),
    ("A6000", "RTX A6000"), ("GeForce RTX 4090", "RTX 4090"), ("RTX 3090", "RTX 3090"), ("MI100", "MI100"),
    ("AMD Instinct MI210", "MI210"), ("MI250X", "MI250X"), ("MI300X", "MI300X"), ("Habana Gaudi", "Gaudi"),
    ("Gaudi2", "Gaudi 2"), ("Gaudi-3", "Gaudi 3"), ("TPU v4", "TPU v4"), ("TPUv5e", "TPU v5e"),
    ("Cloud TPU v5p", "TPU v5p"), ("Trillium", "TPU v6e"), ("TPU v6e", "TPU v6e"), ("Ascend 910", "Ascend 910"),
    ("Huawei Ascend 910B", "Ascend 910B"), ("AWS Trainium", "Trainium"), ("Trainium2", "Trainium2"),
    ("Cerebras CS-2", "Cerebras CS-2"), ("Quadro RTX 8000", "RTX 8000"), ("Tesla P40", "P40"),
    # plural "s" against a name's own upper-case S
    ("V100s", "V100"), ("V100S", "V100S"), ("MI250Xs", "MI250X"),
])
def test_2026_accelerators_have_canonical_names(written, canonical):
    assert chips.canonical_name(written) == canonical


@pytest.mark.parametrize("written", ["A100-class", "TPU v9", "MI999", "L2"])
def test_near_misses_are_not_chips(written):
    assert chips.canonical_name(written) in (None, "TPU")


def test_study_figures_win_over_epoch_and_epoch_adds_variants():
    assert chips.peak_flops("K80") == pytest.approx(8.73e12)  # Epoch: 8.13 (base clock)
    assert chips.peak_flops("V100") == pytest.approx(15.7e12)
    assert chips.peak_flops("H100", "bf16") == pytest.approx(989.4e12)
    assert chips.peak_flops("H100 PCIe") == pytest.approx(51.22e12)  # Epoch's PCIe row, a variant
    assert chips.lookup("H100").name == "H100"


@pytest.mark.parametrize("chip, stated, peak, precision", [
    ("H100", None, 66.9e12, "fp32"),
    ("H100", "mixed precision", 989.4e12, "fp16_tensor"),
    ("A100", "bf16", 312e12, "bf16"),
    ("V100", "FP16", 125e12, "fp16_tensor"),
    ("TPU v5p", None, 459e12, "bf16"),
    ("MI250X", "mixed", 383e12, "fp16_tensor"),
    ("Gaudi", None, None, None),  # no published peak: nothing rather than a guess
])
def test_training_peak_at_the_stated_precision(chip, stated, peak, precision):
    value, used = chips.training_peak(chip, stated)
    assert used == precision
    assert value == (pytest.approx(peak) if peak else None)


@pytest.mark.parametrize("chip, cores_per_chip, slice_unit, pod", [
    ("TPU v2", 2, "cores", 256), ("TPU v3", 2, "cores", 1024), ("TPU v4", 2, "cores", 4096),
    ("TPU v5p", 2, "cores", 8960), ("TPU v5e", 1, "chips", 256), ("TPU v6e", 1, "chips", 256),
])
def test_tpu_slice_names_count_cores_or_chips_by_generation(chip, cores_per_chip, slice_unit, pod):
    spec = chips.lookup(chip)
    assert (spec.cores_per_chip, spec.slice_unit, spec.chips_per_pod) == (cores_per_chip, slice_unit, pod)
