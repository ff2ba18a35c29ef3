"""Chip catalog: canonical chip names, aliases and peak FLOP/s per precision.

Two data files: chips.yaml, the study's catalog kept by hand (the chips and peaks Thompson et al.'s
conventions rely on), and chips_epoch.yaml, generated from Epoch AI's chip table (CC BY 4.0) by
`progress reference import-chips` (sources/chip_catalog.py) for every other accelerator a recent paper
names (H200, B200, MI300X, Gaudi 2, TPU v5p, Ascend 910B, ...). A chip in both keeps the study's entry;
the generated file only adds spellings and form-factor variants to it.

Extractors use `canonical_name` to turn what a paper writes ("Tesla V100-SXM2-16GB", "TPUv3", "v3-8",
"1080Ti", "v5p-512") into the short names of ../shared/corpus/LABELS.md; the compute estimate uses
`peak_flops` (`training_peak` for the precision a paper states, e.g. mixed precision).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).with_name("chips.yaml")
EPOCH_CATALOG_PATH = Path(__file__).with_name("chips_epoch.yaml")
GENERIC = ("GPU", "TPU", "CPU")
# Keys of ChipSpec.peak (FLOP/s; int8 in OP/s). Not every chip has every precision.
PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "fp16_tensor", "fp8", "int8", "fp64")


@dataclass(frozen=True)
class ChipSpec:
    name: str  # canonical, as in LABELS.md ("V100", "TITAN X", "TPU v3")
    kind: str  # gpu | tpu | cpu | accelerator (Gaudi, Ascend, Trainium, Cerebras, IPU)
    peak: dict[str, float]  # FLOP/s of ONE chip (one board for GPUs, one chip for TPUs)
    cores_per_chip: int = 1  # TPU TensorCores per chip (2 for v2/v3/v4)
    chips_per_device: int = 1  # chips per Cloud TPU device (4), GPUs: 1
    chips_per_pod: int | None = None  # chips in one full TPU pod
    source: str = ""
    year: int | None = None
    dies_per_board: int = 1  # K80: 2 GK210 dies on one board
    device_peak: dict[str, float] = field(default_factory=dict)
    aliases: tuple[str, ...] = ()
    note: str = ""
    variants: dict[str, dict[str, float]] = field(default_factory=dict)  # "PCIe" -> peaks of that card
    # What the number in a Cloud TPU slice name counts ("v3-8": 8 TensorCores; "v5e-16": 16 chips).
    slice_unit: str = "cores"
    epoch_name: str = ""  # the row of Epoch's chip table the figures come from (generated entries only)

    def peak_per_die(self, precision: str = "fp32") -> float | None:
        value = self.peak.get(precision)
        return None if value is None else value / self.dies_per_board

    def chips_for(self, count: float, unit: str = "chips") -> float:
        """Convert a count in the paper's unit (chips | cores | devices) into chips."""
        if unit == "cores":
            return count / self.cores_per_chip
        if unit == "devices":
            return count * self.chips_per_device
        return count


# Words that qualify a chip without changing which chip it is (vendor, product line, form factor,
# memory size, packaging). Removed before the alias look-up.
_NOISE = re.compile(
    r"\b(?:nvidia|tesla|geforce|google|cloud|quadro|amd|radeon|intel|habana|huawei|amazon|aws)\b|\b\d+\s*gb\b|sxm\d?|\bpci-?e\b|\bpci[\s-]express\b|\bnvlink\b"
)
# Trailing words naming the unit rather than the chip ("V100 GPUs", "TPU v3 chips", "v3 pods").
_UNIT_WORDS = re.compile(r"(?:gpus?|chips?|cards?|boards?|devices?|cores?|pods?|accelerators?|npus?|hpus?|systems?)$")
# Cloud TPU slice names: "v3-8", "TPU v2-512", "v4-128" name the generation and a core count.
_TPU_SLICE = re.compile(r"^(?:tpu\s*-?\s*)?v(\d(?:[a-z]|lite(?:pod)?)?)\s*-\s*\d+$")
_TPU_GENERATION = re.compile(r"^(?:(?:cloud)?tpu(?:v)?(\d[a-z]?)|v(\d[a-z]?)tpu)$")  # "TPUv4", "CloudTPUv4", "v3 TPU"


def _key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower().strip()
    s = _NOISE.sub(" ", s)
    return re.sub(r"[^a-z0-9]", "", s)


def _spec(row: dict) -> ChipSpec:
    return ChipSpec(
        name=row["name"],
        kind=row["kind"],
        peak={k: float(v) for k, v in (row.get("peak") or {}).items()},
        cores_per_chip=int(row.get("cores_per_chip", 1)),
        chips_per_device=int(row.get("chips_per_device", 1)),
        chips_per_pod=int(row["chips_per_pod"]) if row.get("chips_per_pod") else None,
        source=str(row.get("source", "")),
        year=row.get("year"),
        dies_per_board=int(row.get("dies_per_board", 1)),
        device_peak={k: float(v) for k, v in (row.get("device_peak") or {}).items()},
        aliases=tuple(row.get("aliases", ())),
        note=str(row.get("note", "")),
        variants={variant: {k: float(v) for k, v in peaks.items()}
                  for variant, peaks in (row.get("variants") or {}).items()},
        slice_unit=str(row.get("slice_unit", "cores")),
        epoch_name=str(row.get("epoch_name", "")),
    )


def _load_rows(study_path: Path, epoch_path: Path | None) -> list[dict]:
    """The study's rows, then the generated rows of chips it lacks; the generated `extend` entries add
    spellings and variants to the study's rows (never peaks: the study's figures stay)."""
    rows = [dict(row) for row in yaml.safe_load(study_path.read_text(encoding="utf-8"))["chips"]]
    if epoch_path is None or not epoch_path.exists():
        return rows
    generated = yaml.safe_load(epoch_path.read_text(encoding="utf-8")) or {}
    by_name = {row["name"]: row for row in rows}
    for addition in generated.get("extend") or []:
        row = by_name.get(addition["name"])
        if row is None:
            continue
        row["aliases"] = [*row.get("aliases", ()), *(a for a in addition.get("aliases") or ()
                                                     if a not in row.get("aliases", ()))]
        variants = dict(row.get("variants") or {})
        for variant, peaks in (addition.get("variants") or {}).items():
            variants.setdefault(variant, peaks)
        row["variants"] = variants
    rows.extend(row for row in generated.get("chips") or [] if row["name"] not in by_name)
    return rows


@lru_cache(maxsize=1)
def _catalog() -> tuple[dict[str, ChipSpec], dict[str, str]]:
    specs: dict[str, ChipSpec] = {}
    by_key: dict[str, str] = {}
    for row in _load_rows(CATALOG_PATH, EPOCH_CATALOG_PATH):
        spec = _spec(row)
        specs[spec.name] = spec
        for alias in (spec.name, *spec.aliases):
            by_key.setdefault(_key(alias), spec.name)
    return specs, by_key


def _tpu_name(generation: str, specs: dict[str, ChipSpec]) -> str:
    """"TPU v5e" for "5e", "5lite", "5litepod"; the generic "TPU" for a generation the catalog lacks."""
    generation = re.sub(r"lite(?:pod)?$", "e", generation)
    canonical = f"TPU v{generation}"
    return canonical if canonical in specs else "TPU"


# A plural "s" written onto a model number ("V100s", "K80s"); an upper-case S is part of a name (V100S, L40S).
_PLURAL_S = re.compile(r"\d[A-Za-z]?s$")


def canonical_name(name: str) -> str | None:
    """The catalog's canonical name for what a paper wrote, or None when it is not a known chip."""
    if not name or not name.strip():
        return None
    return _canonical(name)


def reload() -> None:
    """Read the catalog files again (after CATALOG_PATH / EPOCH_CATALOG_PATH changed, e.g. in tests)."""
    _catalog.cache_clear()
    _canonical.cache_clear()


@lru_cache(maxsize=8192)
def _canonical(name: str) -> str | None:
    specs, by_key = _catalog()
    raw = unicodedata.normalize("NFKC", name).lower().strip()
    slice_match = _TPU_SLICE.match(re.sub(r"\s+", " ", _NOISE.sub(" ", raw)).strip())
    if slice_match:
        return _tpu_name(slice_match.group(1), specs)
    key = _key(name)
    stripped = _UNIT_WORDS.sub("", key)
    plural = stripped[:-1] if stripped.endswith("s") else stripped
    candidates = (key, stripped, plural)
    without_unit = re.sub(r"[\s-]*(?:gpus?|chips?|cards?)$", "", unicodedata.normalize("NFKC", name).strip(),
                          flags=re.IGNORECASE)
    if _PLURAL_S.search(without_unit):
        candidates = (plural, key, stripped)
    for candidate in candidates:
        if candidate in by_key:
            return by_key[candidate]
        generation = _TPU_GENERATION.match(candidate)
        if generation:
            return _tpu_name(generation.group(1) or generation.group(2), specs)
    return None


# "PCIe", "PCI-e", "PCI Express": the card form factor, slower than the SXM module of the same chip.
_PCIE = re.compile(r"pci[\s-]?e(?:xpress)?\b", re.IGNORECASE)


def variant_of(text: str) -> str | None:
    """The form-factor variant that `text` names ("Tesla V100-PCIE-16GB" -> "PCIe"), or None."""
    return "PCIe" if _PCIE.search(text or "") else None


def lookup(name: str, variant: str | None = None) -> ChipSpec | None:
    """The chip `name` names. A `variant` the catalog knows for it (or one written in `name` itself,
    "V100 PCIe") replaces the peaks; the canonical name stays the chip's."""
    canonical = canonical_name(name)
    spec = _catalog()[0].get(canonical) if canonical else None
    variant = variant or variant_of(name)
    if spec is not None and variant in spec.variants:
        return replace(spec, peak={**spec.peak, **spec.variants[variant]}, note=f"{variant} variant; {spec.note}".strip())
    return spec


def peak_flops(name: str, precision: str = "fp32", variant: str | None = None) -> float | None:
    """Peak FLOP/s of one chip at `precision`, or None when unknown (generic chip, precision absent)."""
    spec = lookup(name, variant)
    return None if spec is None else spec.peak.get(precision)


# What papers write about the arithmetic they trained with -> the catalog precisions to try, in order.
# Mixed precision on GPUs runs the matrix products on tensor cores: fp16_tensor (or bf16) is the peak.
_TRAINING_PRECISIONS = {
    "fp32": ("fp32",), "float32": ("fp32",), "single": ("fp32",),
    "tf32": ("tf32",),
    "fp16": ("fp16_tensor", "fp16"), "float16": ("fp16_tensor", "fp16"), "half": ("fp16_tensor", "fp16"),
    "mixed": ("fp16_tensor", "bf16", "fp16"), "amp": ("fp16_tensor", "bf16", "fp16"),
    "bf16": ("bf16", "fp16_tensor"), "bfloat16": ("bf16", "fp16_tensor"),
    "fp8": ("fp8",), "int8": ("int8",), "fp64": ("fp64",),
}


def training_peak(name: str, stated: str | None = None, variant: str | None = None) -> tuple[float | None, str | None]:
    """(peak FLOP/s, catalog precision) of one chip at the precision a paper states it trained in.

    `stated` is what the paper says ("mixed precision", "bf16", "FP16", None). None means the study's
    default: fp32 for GPUs and other accelerators, bf16 for TPUs (they have no fp32 matrix unit). A chip
    without a figure at that precision gives (None, None) rather than another precision's figure."""
    spec = lookup(name, variant)
    if spec is None:
        return None, None
    word = re.sub(r"[^a-z0-9]", "", (stated or "").lower())
    word = next((k for k in _TRAINING_PRECISIONS if word.startswith(k)), "")
    order = _TRAINING_PRECISIONS[word] if word else (("bf16",) if spec.kind == "tpu" else ("fp32",))
    for precision in order:
        if spec.peak.get(precision):
            return spec.peak[precision], precision
    return None, None


def all_chips() -> list[ChipSpec]:
    return list(_catalog()[0].values())
