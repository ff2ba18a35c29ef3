"""Varied, realistic ways papers state hardware, training time, compute and throughput.

Each phrase function returns the sentence fragment AND the value it states, so the ground-truth
label always equals what the rendered text says (a rounded "3.5 days" is labelled 84 h, not the
unrounded time the generator asked for).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

from standin.hardware import TPU_CHIPS_PER_DEVICE, TPU_CORES_PER_CHIP, Chip

_WORDS = {1: "one", 2: "two", 3: "three", 4: "four", 5: "five", 6: "six", 7: "seven", 8: "eight",
          9: "nine", 10: "ten", 11: "eleven", 12: "twelve", 16: "sixteen", 32: "thirty-two",
          64: "sixty-four"}


def number_word(n: int) -> str:
    return _WORDS.get(n, str(n))


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def _thousands(x: float) -> str:
    return f"{int(round(x)):,}"


# ---------------------------------------------------------------- hardware

@dataclass(frozen=True)
class HardwarePhrase:
    text: str  # e.g. "8 NVIDIA Tesla V100 GPUs"
    label: dict  # {"chip", "count", "unit"} in the scorer's vocabulary
    chips: int  # physical chips, whatever unit the text counts in


# style -> (chip kinds it suits, chip counts it can express)
HARDWARE_STYLES: dict[str, tuple[tuple[str, ...], tuple[int, ...]]] = {
    "digits": (("gpu",), (2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)),
    "single": (("gpu",), (1,)),
    "words": (("gpu",), (2, 3, 4, 8, 16)),
    "times": (("gpu",), (2, 4, 8)),
    "servers": (("gpu",), (16, 32, 64, 128, 256, 512)),
    "cards": (("gpu",), (1, 2, 4)),
    "dgx": (("gpu",), (8,)),
    "tpu_chips": (("tpu",), (8, 16, 32, 64, 128, 256, 512, 1024)),
    "tpu_cores": (("tpu",), (4, 8, 16, 32, 64, 128)),
    "tpu_devices": (("tpu",), (4, 8, 16, 32, 64)),
}


def hardware_phrase(style: str, chip: Chip, count: int) -> HardwarePhrase:
    formal, mid, short = chip.spellings
    label = {"chip": chip.name, "count": count, "unit": "chips"}
    if style == "digits":
        text = f"{count} {formal} GPUs" if count < 8 else f"{count} NVIDIA {short} GPUs"
    elif style == "single":
        text = f"a single {short} GPU" if chip.name != "TITAN X" else "a single Titan X"
    elif style == "words":
        text = f"{number_word(count)} {mid} GPUs"
    elif style == "times":
        text = f"{count}x {short}"
    elif style == "servers":
        text = f"{count // 8} servers ({count} GPUs), each with eight {mid} cards"
    elif style == "cards":
        text = f"{number_word(count)} {mid} card" + ("s" if count > 1 else "")
    elif style == "dgx":
        text = f"one DGX node with 8 {short} GPUs"
    elif style == "tpu_chips":
        text = f"{count} {mid} chips"
    elif style == "tpu_cores":
        cores = count * TPU_CORES_PER_CHIP
        text = f"{cores} {short} cores"
        label = {"chip": chip.name, "count": cores, "unit": "cores"}
    elif style == "tpu_devices":
        devices = count // TPU_CHIPS_PER_DEVICE
        text = f"{number_word(devices)} {formal} device" + ("s" if devices > 1 else "")
        label = {"chip": chip.name, "count": devices, "unit": "devices"}
    else:
        raise ValueError(style)
    return HardwarePhrase(text, label, count)


# ---------------------------------------------------------------- training time

@dataclass(frozen=True)
class TimePhrase:
    text: str  # e.g. "3.5 days"
    label: dict  # {"hours", "kind", "hours_range"?}
    wall_hours: float  # wall-clock hours the text implies (a range's midpoint)


def time_styles_for(hours: float) -> list[str]:
    """Styles that can state `hours` without distorting it by more than about 25%."""
    styles = []
    if hours < 2:
        styles.append("minutes")
    if 2 <= hours <= 72:
        styles += ["hours", "approx_hours"]
    if 18 <= hours <= 30:
        styles.append("about_a_day")
    if 36 <= hours <= 420:
        styles.append("days")
    if 42 <= hours <= 260:
        styles += ["word_days", "day_range"]
    if hours >= 250:
        styles += ["week_range", "weeks"]
    return styles


def time_phrase(style: str, hours: float, chips: int, chip_word: str) -> TimePhrase:
    if style == "minutes":
        m = max(10, int(round(hours * 60 / 10.0)) * 10)
        return TimePhrase(f"{m} minutes", {"hours": m / 60, "kind": "wall"}, m / 60)
    if style in ("hours", "approx_hours"):
        h = max(2, int(round(hours)))
        text = f"{h} hours" if style == "hours" else f"approximately {h} hours"
        return TimePhrase(text, {"hours": float(h), "kind": "wall"}, float(h))
    if style == "about_a_day":
        return TimePhrase("about a day", {"hours": 24.0, "kind": "wall"}, 24.0)
    if style == "days":
        d = max(1.5, round(hours / 12) / 2)
        return TimePhrase(f"{_fmt(d)} days", {"hours": d * 24, "kind": "wall"}, d * 24)
    if style == "word_days":
        d = max(2, int(round(hours / 24)))
        return TimePhrase(f"{number_word(d)} days", {"hours": d * 24.0, "kind": "wall"}, d * 24.0)
    if style == "day_range":
        lo = max(2, int(math.floor(hours / 24)))
        hi = lo + 1
        mid = (lo + hi) / 2 * 24
        return TimePhrase(f"{lo}-{hi} days",
                          {"hours": mid, "hours_range": [lo * 24.0, hi * 24.0], "kind": "wall"}, mid)
    if style == "week_range":
        lo = max(1, int(math.floor(hours / 168)))
        hi = lo + 1
        mid = (lo + hi) / 2 * 168
        return TimePhrase(f"{lo}-{hi} weeks",
                          {"hours": mid, "hours_range": [lo * 168.0, hi * 168.0], "kind": "wall"}, mid)
    if style == "weeks":
        w = max(1, int(round(hours / 168)))
        text = "one week" if w == 1 else f"{number_word(w)} weeks"
        return TimePhrase(text, {"hours": w * 168.0, "kind": "wall"}, w * 168.0)
    if style == "chip_hours":
        total = round(hours * chips, -1) if hours * chips >= 100 else round(hours * chips)
        text = f"a total of {_thousands(total)} {chip_word}-hours"
        return TimePhrase(text, {"hours": float(total), "kind": "chip-hours"}, total / chips)
    raise ValueError(style)


# ---------------------------------------------------------------- stated compute and throughput

COMPUTE_STYLES = ("sci_e", "times_ten", "pfs_days", "words")


def _two_significant(x: float) -> tuple[float, int]:
    exponent = int(math.floor(math.log10(x)))
    return round(x / 10 ** exponent, 1), exponent


def compute_phrase(style: str, flops: float) -> tuple[str, float]:
    """A stated training-compute amount close to `flops`, and the exact FLOPs the text states."""
    if style == "pfs_days":
        pfs_days = float(f"{flops / 8.64e19:.2g}")
        return f"{_fmt(pfs_days)} petaflop/s-days", pfs_days * 8.64e19
    mantissa, exponent = _two_significant(flops)
    stated = mantissa * 10 ** exponent
    if style == "sci_e":
        return f"{mantissa:g}e{exponent} FLOPs", stated
    if style == "times_ten":
        return f"{mantissa:g} x 10^{exponent} FLOPs", stated
    if style == "words":
        return f"roughly {mantissa:g} × 10^{exponent} floating-point operations", stated
    raise ValueError(style)


def throughput_phrase(chip: Chip, variant: int = 0) -> tuple[str, dict]:
    tflops = _fmt(round(chip.peak_flops / 1e12, 2))
    precision = "bf16" if chip.kind == "tpu" else "fp32" if chip.peak_flops == chip.fp32_flops else "fp16"
    words = {"fp32": "single-precision", "fp16": "mixed-precision", "bf16": "bfloat16"}[precision]
    short = chip.spellings[2]
    text = (f"each {short} delivers a peak of {tflops} TFLOPS of {words} throughput",
            f"the {short} offers {tflops} teraFLOPS of peak {words} compute per chip",
            f"a single {short} reaches {tflops} TFLOP/s ({precision.upper()} peak)")[variant % 3]
    return text, {"chip": chip.name, "flops_per_s": chip.peak_flops, "precision": precision}
