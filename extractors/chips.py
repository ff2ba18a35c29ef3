"""Chip catalog: canonical chip names, aliases and peak FLOP/s per precision (data in chips.yaml).

Extractors use `canonical_name` to turn what a paper writes ("Tesla V100-SXM2-16GB", "TPUv3", "v3-8",
"1080Ti") into the short names of ../shared/corpus/LABELS.md; the compute estimate uses `peak_flops`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).with_name("chips.yaml")
# Keys of ChipSpec.peak (FLOP/s; int8 in OP/s). Not every chip has every precision.
PRECISIONS = ("fp32", "tf32", "fp16", "bf16", "fp16_tensor", "fp8", "int8", "fp64")


@dataclass(frozen=True)
class ChipSpec:
    name: str  # canonical, as in LABELS.md ("V100", "TITAN X", "TPU v3")
    kind: str  # gpu | tpu | cpu
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
    r"\b(?:nvidia|tesla|geforce|google|cloud|quadro)\b|\b\d+\s*gb\b|sxm\d?|\bpci-?e\b|\bpci[\s-]express\b|\bnvlink\b"
)
# Trailing words naming the unit rather than the chip ("V100 GPUs", "TPU v3 chips", "v3 pods").
_UNIT_WORDS = re.compile(r"(?:gpus?|chips?|cards?|boards?|devices?|cores?|pods?|accelerators?)$")
# Cloud TPU slice names: "v3-8", "TPU v2-512", "v4-128" name the generation and a core count.
_TPU_SLICE = re.compile(r"^(?:tpu\s*-?\s*)?v(\d)[a-z]?-\d+$")
_TPU_GENERATION = re.compile(r"^(?:tpu(?:v)?(\d)[a-z]?|v(\d)[a-z]?tpu)$")


def _key(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).lower().strip()
    s = _NOISE.sub(" ", s)
    return re.sub(r"[^a-z0-9]", "", s)


@lru_cache(maxsize=1)
def _catalog() -> tuple[dict[str, ChipSpec], dict[str, str]]:
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    specs: dict[str, ChipSpec] = {}
    by_key: dict[str, str] = {}
    for row in data["chips"]:
        spec = ChipSpec(
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
        )
        specs[spec.name] = spec
        for alias in (spec.name, *spec.aliases):
            by_key.setdefault(_key(alias), spec.name)
    return specs, by_key


def canonical_name(name: str) -> str | None:
    """The catalog's canonical name for what a paper wrote, or None when it is not a known chip."""
    if not name or not name.strip():
        return None
    specs, by_key = _catalog()
    raw = unicodedata.normalize("NFKC", name).lower().strip()
    slice_match = _TPU_SLICE.match(re.sub(r"\s+", " ", _NOISE.sub(" ", raw)).strip())
    if slice_match:
        return f"TPU v{slice_match.group(1)}" if f"TPU v{slice_match.group(1)}" in specs else "TPU"
    key = _key(name)
    stripped = _UNIT_WORDS.sub("", key)
    # "V100s", "K80s": a plural written onto the model number.
    plural = stripped[:-1] if stripped.endswith("s") else stripped
    for candidate in (key, stripped, plural):
        if candidate in by_key:
            return by_key[candidate]
        generation = _TPU_GENERATION.match(candidate)
        if generation:
            canonical = f"TPU v{generation.group(1) or generation.group(2)}"
            return canonical if canonical in specs else "TPU"
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


def all_chips() -> list[ChipSpec]:
    return list(_catalog()[0].values())
