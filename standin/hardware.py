"""Accelerators the synthetic corpus trains on, with the peak throughput used to synthesise compute.

The sample papers' results are generated from compute = chips x peak FLOP/s x hours x 3600, with the
peak taken from `Chip.peak_flops`: the dense rate a paper of that chip's era would train at (FP32 for
pre-Volta GPUs, tensor-core FP16/BF16 for V100 and later, BF16 for TPUs). `fp32_flops` is listed too
so an analysis that uses FP32 peaks everywhere can still be compared against the generator.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Chip:
    name: str  # the scorer's canonical chip name (see shared/corpus/LABELS.md)
    kind: str  # "gpu" | "tpu"
    peak_flops: float  # FLOP/s per chip used by the generator
    fp32_flops: float
    memory_gb: int
    spellings: tuple[str, ...]  # ways papers write the model, most formal first


CHIPS: dict[str, Chip] = {
    c.name: c
    for c in (
        Chip("K80", "gpu", 8.73e12, 8.73e12, 12, ("NVIDIA Tesla K80", "Tesla K80", "K80")),
        Chip("TITAN X", "gpu", 6.7e12, 6.7e12, 12, ("NVIDIA GeForce GTX TITAN X", "TITAN X", "Titan X")),
        Chip("GTX 1080 Ti", "gpu", 11.3e12, 11.3e12, 11, ("NVIDIA GeForce GTX 1080 Ti", "GTX 1080 Ti", "1080 Ti")),
        Chip("P100", "gpu", 10.6e12, 10.6e12, 16, ("NVIDIA Tesla P100", "Tesla P100", "P100")),
        Chip("T4", "gpu", 65e12, 8.1e12, 16, ("NVIDIA T4", "Tesla T4", "T4")),
        Chip("V100", "gpu", 125e12, 15.7e12, 16, ("NVIDIA Tesla V100", "Tesla V100-SXM2", "V100")),
        Chip("A100", "gpu", 312e12, 19.5e12, 40, ("NVIDIA A100", "A100-SXM4", "A100")),
        Chip("H100", "gpu", 989e12, 67e12, 80, ("NVIDIA H100", "H100 SXM5", "H100")),
        Chip("TPU v2", "tpu", 45e12, 45e12, 16, ("Cloud TPU v2", "TPU v2", "TPUv2")),
        Chip("TPU v3", "tpu", 123e12, 123e12, 32, ("Cloud TPU v3", "TPU v3", "TPUv3")),
        Chip("TPU v4", "tpu", 275e12, 275e12, 32, ("Cloud TPU v4", "TPU v4", "TPUv4")),
    )
}

# Which chips a paper submitted in a given year plausibly trained on (years outside clamp to the ends).
CHIPS_BY_YEAR: dict[int, tuple[str, ...]] = {
    2013: ("K80", "TITAN X"),
    2014: ("K80", "TITAN X"),
    2015: ("TITAN X", "K80"),
    2016: ("P100", "TITAN X", "K80"),
    2017: ("P100", "GTX 1080 Ti", "TITAN X"),
    2018: ("V100", "TPU v2", "GTX 1080 Ti", "P100"),
    2019: ("V100", "TPU v3", "T4"),
    2020: ("V100", "A100", "TPU v3"),
    2021: ("A100", "TPU v3", "V100"),
    2022: ("A100", "TPU v4"),
    2023: ("H100", "A100", "TPU v4"),
    2024: ("H100", "TPU v4", "A100"),
}


def chips_for_year(year: int) -> tuple[str, ...]:
    return CHIPS_BY_YEAR[min(max(year, min(CHIPS_BY_YEAR)), max(CHIPS_BY_YEAR))]


TPU_CORES_PER_CHIP = 2
TPU_CHIPS_PER_DEVICE = 4
