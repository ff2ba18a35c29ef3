"""Per-paper training-compute estimates from the extracted best values.

Three methods, all kept, one preferred (stated > hardware > arithmetic):
  stated      the paper's own total ("3.1e23 FLOPs", PF-days already converted by the extractor).
  hardware    the study's hardware burden: chips x peak FLOP/s x training hours x 3600 — an upper
              bound on the operations actually performed. `flops_utilized` multiplies it by a
              utilization factor (default 0.33, about what large training runs achieve).
  arithmetic  the study's "network operations": forward FLOPs x 3 x epochs x training-set size (or x
              steps x batch size), else 6 x parameters x tokens; `arithmetic_inputs` builds its inputs
              from the extracted forward_flops / parameters / epochs / steps / training_tokens /
              training_set values.

Measures (the study fits each separately; analysis.regression MEASURES): "hardware_burden" is the
hardware method, "network_operations" the arithmetic method.

Mult-adds vs FLOPs, the study's convention (../shared/reference/thompson2022, columns flops, multiadds,
network_operations): a forward cost the paper states as FLOPs enters as written; one stated as
multiply-adds (MACs, Mult-Adds, or "FLOPs" the paper defines as multiply-adds, like ResNet's "3.6
billion FLOPs (multiply-adds)") enters doubled, 2 x multiadds. Checked on the study's rows: ResNet-152's
11.3e9 multiadds x 2 x 3 x 100 epochs x 1.28M images = 8.68e18, its network_operations. The
study rounded set sizes (ImageNet-1k 1.28M, ImageNet-21k 14.2M, COCO 118k); our catalog keeps the exact
counts (extractors/datasets.yaml), a difference of under 0.3%.

Peaks (what "the study's" convention means here): GPUs at fp32 unless a precision is given; TPUs at
Google's per-device figures divided by the chips per device (v2 45, v3 105, v4 275 TFLOP/s per chip),
which is how Thompson et al. count them. Stated and arithmetic figures count performed operations,
so disagreement is judged between them and the *utilization-adjusted* hardware figure.

Inputs use the scorer's vocabulary (see extractors/records.py):
  hardware       {"chip": "V100", "count": 8, "unit": "chips"|"cores"|"devices"|"machines",
                  "per_machine": 8?, "machines": 4?}
  training_time  {"hours": 84.0, "kind": "wall"|"chip-hours", "hours_range": [lo, hi]?}
  stated         {"flops": 3.1e23}
  arithmetic     {"parameters", "tokens"} or {"forward_flops" | "multiadds", "examples", "epochs"}
"""
from __future__ import annotations

import itertools
from dataclasses import dataclass, field, is_dataclass, replace
from typing import Any, Callable, Iterable, Mapping

DEFAULT_UTILIZATION = 0.33
DEFAULT_DISAGREEMENT_FACTOR = 3.0
TRAINING_TO_FORWARD = 3.0  # forward + backward ≈ 3 x forward (the study's fp_bp_ratio)
FLOPS_PER_PARAMETER_TOKEN = 6.0  # 2 forward + 4 backward per parameter per token
# Fallback order when the requested precision is absent for a chip: a TPU has no fp32 MXU figure.
_PRECISION_FALLBACK = ("fp32", "tf32", "bf16", "fp16_tensor", "fp16")

METHOD_PREFERENCE = ("stated", "hardware", "arithmetic")


@dataclass
class Estimate:
    """One training-compute estimate. `inputs` records exactly what went into it."""

    method: str  # stated | hardware | arithmetic
    flops: float
    flops_low: float
    flops_high: float
    flops_utilized: float  # hardware: flops x utilization; stated/arithmetic: performed ops = flops
    inputs: dict[str, Any] = field(default_factory=dict)
    preferred: bool = False
    disagreement: bool = False
    note: str = ""


@dataclass
class Skipped:
    """An input that could not be turned into an estimate, and why (returned via `explain_skipped`)."""

    item: dict
    reason: str


Catalog = Callable[[str], Any] | Mapping[str, Any]


def _default_catalog() -> Callable[[str], Any]:
    try:
        from extractors.chips import lookup
    except ImportError as exc:  # the chip catalog is a sibling module; say what to pass instead
        raise RuntimeError("extractors.chips is not available; pass catalog={name: ChipSpec-like}") from exc
    return lookup


def resolve_catalog(catalog: Catalog | None) -> Callable[[str], Any]:
    """A name -> ChipSpec lookup from a function, a {name: spec} dict (case-insensitive) or None (our catalog)."""
    if catalog is None:
        return _default_catalog()
    if callable(catalog):
        return catalog
    by_name = {str(k).lower(): v for k, v in catalog.items()}
    return lambda name: by_name.get(str(name).lower())


# Cloud TPU generations by the month Google opened each for training (Google I/O 2017, 2018, 2021).
# A paper that writes only "TPU" or "Cloud TPU" trained on the generation current at its date: the
# study curated BERT's "Cloud TPUs" (October 2018) as Cloud TPU v3 this way. From v5e (2023-08) on,
# v5e, v5p and v6e were offered side by side, so a date no longer says which: nothing is assumed.
TPU_GENERATIONS = (((2017, 5), "TPU v2"), ((2018, 5), "TPU v3"), ((2021, 5), "TPU v4"))
TPU_ASSUMED_UNTIL = (2023, 8)
ASSUMED_GENERATION = "generation assumed"


def tpu_generation_at(when: tuple[int, int] | None) -> str | None:
    """The Cloud TPU generation current at (year, month), or None outside the dated range."""
    if when is None or when >= TPU_ASSUMED_UNTIL:
        return None
    current = [name for since, name in TPU_GENERATIONS if when >= since]
    return current[-1] if current else None


def paper_month(arxiv_id: str | None, published: Any = None) -> tuple[int, int] | None:
    """(year, month) of a paper's first version: from its arXiv id when it has one (the id encodes it),
    else from its publication date (a date, datetime or "YYYY-MM..." string)."""
    from extractors.arxiv_ids import submission_month
    month = submission_month(arxiv_id) if arxiv_id else None
    if month is None and published:
        text = published.isoformat() if hasattr(published, "isoformat") else str(published)
        if len(text) >= 7 and text[:4].isdigit() and text[5:7].isdigit():
            month = int(text[:4]), int(text[5:7])
    return month


def dated_catalog(catalog: Catalog | None, when: tuple[int, int] | None) -> Callable[[str], Any]:
    """A chip lookup in which a TPU of no stated generation is the generation current at `when` (the
    paper's (year, month)); the returned spec's note says it was assumed, and estimates carry it."""
    resolve = resolve_catalog(catalog)
    generation = tpu_generation_at(when)
    if generation is None:
        return resolve

    def lookup(name: str) -> Any:
        spec = resolve(name)
        if spec is None or getattr(spec, "kind", "") != "tpu" or spec.peak or getattr(spec, "device_peak", None):
            return spec
        actual = resolve(generation)
        if actual is None or not is_dataclass(actual):
            return spec
        return replace(actual, note=f"{ASSUMED_GENERATION}: the paper names no TPU generation; {generation} was"
                                    f" Google's training TPU in {when[0]}-{when[1]:02d}")
    return lookup


# A run on "8 GPUs" of no stated model, in a paper that names exactly one GPU model elsewhere (the
# card its speed table was timed on, say): the study curated such papers with that model (FPN's
# training on "8 GPUs" as 8 Tesla M40s, the GPU of its timing table); so does the estimate, and says so.
ASSUMED_GPU_MODEL = "GPU model assumed"
ASSUMED = (ASSUMED_GENERATION, ASSUMED_GPU_MODEL)


def named_gpu_model(chips: Iterable[str], resolve: Callable[[str], Any]) -> Any:
    """The one GPU model with a peak among the chip names a paper writes anywhere (any confidence,
    training or not), or None when it names none or several."""
    models = {}
    for chip in chips:
        spec = resolve(str(chip)) if chip else None
        if spec is not None and getattr(spec, "kind", "") == "gpu" and getattr(spec, "peak", None):
            models[spec.name] = spec
    return next(iter(models.values())) if len(models) == 1 else None


def paper_catalog(catalog: Catalog | None, when: tuple[int, int] | None, named_chips: Iterable[str] = ()
                  ) -> Callable[[str], Any]:
    """`dated_catalog`, in which a GPU of no stated model is the one GPU model the paper names
    elsewhere (`named_chips`: every chip its hardware candidates write); the spec's note says so."""
    resolve = dated_catalog(catalog, when)
    model = named_gpu_model(named_chips, resolve)
    if model is None or not is_dataclass(model):
        return resolve

    def lookup(name: str) -> Any:
        spec = resolve(name)
        if spec is None or getattr(spec, "kind", "") != "gpu" or getattr(spec, "peak", None):
            return spec
        return replace(model, note=f"{ASSUMED_GPU_MODEL}: the run names no GPU model; {model.name} is the"
                                   f" only one the paper names")
    return lookup


def extraction_catalog(candidates: Iterable[Any], when: tuple[int, int] | None) -> Callable[[str], Any]:
    """`paper_catalog` for one paper's extracted candidates: the chips its hardware candidates write."""
    return paper_catalog(None, when, [c.attrs.get("chip") for c in candidates if c.field == "hardware"])


def _spec_for(resolve: Callable[[str], Any], hw_item: Mapping[str, Any]) -> Any:
    """The catalog entry for a hardware item; a stated variant ("PCIe") picks that variant's peaks
    when the catalog knows it, else the chip's own."""
    chip, variant = str(hw_item.get("chip", "")), hw_item.get("variant")
    return (resolve(f"{chip} {variant}") if variant else None) or resolve(chip)


def chip_peak(spec: Any, precision: str | None = None, *, tpu_peak: str = "device") -> tuple[float | None, str | None]:
    """Peak FLOP/s of ONE chip and the precision used, under the study's conventions.

    precision None means the study's default: fp32 for GPUs/CPUs; for TPUs their (bf16) headline.
    tpu_peak "device": a TPU chip is its Cloud TPU device figure / chips_per_device (the study);
    "chip": the per-chip datasheet figure.
    """
    peaks: dict[str, float] = dict(getattr(spec, "peak", {}) or {})
    kind = getattr(spec, "kind", "gpu")
    if kind == "tpu" and tpu_peak == "device":
        device_peak = getattr(spec, "device_peak", {}) or {}
        per_device = getattr(spec, "chips_per_device", 1) or 1
        if device_peak:
            peaks = {k: v / per_device for k, v in device_peak.items()}
    order = [precision] if precision else []
    order += [p for p in _PRECISION_FALLBACK if p not in order]
    if precision and kind != "tpu":
        order = [precision]  # an explicit GPU precision must not silently fall back to another
    for name in order:
        if peaks.get(name):
            return float(peaks[name]), name
    return None, None


def chips_from_hardware(item: Mapping[str, Any], spec: Any) -> float | None:
    """Number of chips in a hardware item: cores / cores_per_chip, devices x chips_per_device,
    machines x per_machine. None when the count cannot be determined."""
    unit = str(item.get("unit") or "chips").lower()
    count = item.get("count")
    per_machine = item.get("per_machine")
    if count is None and item.get("machines") is not None and per_machine is not None:
        return float(item["machines"]) * float(per_machine)
    if count is None:
        return None
    count = float(count)
    if unit in ("machines", "nodes", "servers", "hosts"):
        return count * float(per_machine) if per_machine is not None else None
    if unit in ("cores", "core"):
        return count / (getattr(spec, "cores_per_chip", 1) or 1)
    if unit in ("devices", "device", "pods_slices"):
        return count * (getattr(spec, "chips_per_device", 1) or 1)
    return count


def _hours_bounds(time_item: Mapping[str, Any]) -> tuple[float, float, float]:
    hours = float(time_item["hours"])
    low, high = hours, hours
    if time_item.get("hours_range"):
        low, high = (float(v) for v in time_item["hours_range"])
    return hours, min(low, high), max(low, high)


def _chip_hours_in_chips(time_item: Mapping[str, Any], hw_item: Mapping[str, Any], spec: Any) -> float:
    """Chip-hour totals can be stated per core ("TPUv3-core-days") or per device; convert to chips.

    The unit comes from the time item's own "unit" when present, else from the paired hardware item.
    """
    unit = str(time_item.get("unit") or hw_item.get("unit") or "chips").lower()
    if unit in ("cores", "core"):
        return 1.0 / (getattr(spec, "cores_per_chip", 1) or 1)
    if unit in ("devices", "device"):
        return float(getattr(spec, "chips_per_device", 1) or 1)
    return 1.0


def hardware_estimates(hardware: list[dict], training_time: list[dict], *, catalog: Catalog | None = None,
                       utilization: float = DEFAULT_UTILIZATION, precision: str | None = None,
                       tpu_peak: str = "device") -> tuple[list[Estimate], list[Skipped]]:
    """One hardware-burden estimate per (hardware item, training-time item) pair.

    Papers rarely tie each time to a set-up, so every pair is kept; `estimate_compute` prefers the
    largest, which belongs to the headline (largest) model in the usual case. Wall-clock time uses the
    chip count; a chip-hours total already contains the count and is multiplied by the peak only.
    """
    resolve = resolve_catalog(catalog)
    estimates: list[Estimate] = []
    problems: list[Skipped] = []
    for hw_item, time_item in itertools.product(hardware, training_time):
        spec = _spec_for(resolve, hw_item)
        if spec is None:
            problems.append(Skipped(hw_item, f"chip {hw_item.get('chip')!r} is not in the catalog"))
            continue
        peak, used_precision = chip_peak(spec, precision, tpu_peak=tpu_peak)
        if peak is None:
            problems.append(Skipped(hw_item, f"no peak FLOP/s for {getattr(spec, 'name', hw_item.get('chip'))!r}"
                                              f" at {precision or 'the default precision'}"))
            continue
        if time_item.get("hours") is None:
            problems.append(Skipped(time_item, "training time without hours"))
            continue
        hours, low, high = _hours_bounds(time_item)
        kind = str(time_item.get("kind") or "wall")
        inputs = {"chip": getattr(spec, "name", hw_item.get("chip")), "chip_as_written": hw_item.get("chip"),
                  "unit": hw_item.get("unit", "chips"), "count": hw_item.get("count"),
                  "peak_flops_per_s": peak, "precision": used_precision, "hours": hours, "time_kind": kind}
        if kind == "chip-hours":
            scale = _chip_hours_in_chips(time_item, hw_item, spec)
            chips, note = None, "chip-hours total x peak (count not multiplied again)"
            factor = scale * peak * 3600.0
        else:
            chips = chips_from_hardware(hw_item, spec)
            if chips is None or chips <= 0:
                problems.append(Skipped(hw_item, "chip count unknown"))
                continue
            note = "chips x peak x hours x 3600"
            factor = chips * peak * 3600.0
        inputs["chips"] = chips
        if str(getattr(spec, "note", "")).startswith(ASSUMED):
            inputs["chip_assumed"] = spec.note
            note += f"; {spec.note}"
        if time_item.get("hours_range"):
            inputs["hours_range"] = [low, high]
            note += "; low/high from the stated time range"
        flops = factor * hours
        estimates.append(Estimate("hardware", flops, factor * low, factor * high, flops * utilization,
                                  inputs={**inputs, "utilization": utilization}, note=note))
    return estimates, problems


def arithmetic_estimate(arithmetic: Mapping[str, Any] | None) -> Estimate | None:
    """6 x parameters x tokens, or forward FLOPs (2 x multiply-adds) x 3 x examples x epochs."""
    if not arithmetic:
        return None
    provenance = {k: v for k, v in arithmetic.items()
                  if k in ("forward_kind", "forward_as_stated", "training_set", "size_source", "steps", "batch_size")}
    if arithmetic.get("parameters") and arithmetic.get("tokens"):
        flops = FLOPS_PER_PARAMETER_TOKEN * float(arithmetic["parameters"]) * float(arithmetic["tokens"])
        inputs = {"parameters": float(arithmetic["parameters"]), "tokens": float(arithmetic["tokens"]), **provenance}
        note = "6 x parameters x tokens"
    else:
        forward = arithmetic.get("forward_flops")
        if forward is None and arithmetic.get("multiadds") is not None:
            forward = 2.0 * float(arithmetic["multiadds"])
        if forward is None or not arithmetic.get("examples"):
            return None
        epochs = float(arithmetic.get("epochs") or 1.0)
        flops = float(forward) * TRAINING_TO_FORWARD * float(arithmetic["examples"]) * epochs
        inputs = {"forward_flops": float(forward), "examples": float(arithmetic["examples"]), "epochs": epochs,
                  **provenance}
        note = "forward FLOPs x 3 x examples x epochs (network operations)"
    return Estimate("arithmetic", flops, flops, flops, flops, inputs=inputs, note=note)


def _forward_value(item: Mapping[str, Any]) -> float:
    """Forward FLOPs of a forward_flops item under the study's convention (multiply-adds doubled)."""
    flops = float(item["flops"])
    return 2.0 * flops if str(item.get("kind", "flops")) == "multiadds" else flops


def _pick_epochs(epochs: list[Mapping[str, Any]], dataset: str | None) -> Mapping[str, Any] | None:
    """The training run's epochs: one stated for the chosen training set when there is one, else the
    largest epochs of the training phase (the headline model's schedule is usually the longest)."""
    if not epochs:
        return None
    if dataset:
        on_set = [e for e in epochs if e.get("dataset") == dataset]
        if on_set:
            return max(on_set, key=lambda e: float(e["epochs"]))
    training = [e for e in epochs if e.get("phase", "training") == "training"] or list(epochs)
    return max(training, key=lambda e: float(e["epochs"]))


def arithmetic_inputs(fields: Mapping[str, list[Mapping[str, Any]]]) -> dict | None:
    """The operation count's inputs from a paper's best extracted values (field -> list of attrs, most
    trusted first), or None when they do not suffice.

    forward_flops x steps x batch size (examples seen = steps x batch), else forward x epochs x training
    set (forward doubled for multiply-adds): `forward_flops`, `epochs`, `examples`, plus where each
    came from; else parameters x training tokens (or steps x a batch counted in tokens). The largest
    forward cost and parameter count stand for the paper (its headline model, as elsewhere here).
    """
    forward = [f for f in fields.get("forward_flops", []) if f.get("flops")]
    params = [p for p in fields.get("parameters", []) if p.get("parameters")]
    sets = [t for t in fields.get("training_set", []) if t.get("examples")]
    epochs = [e for e in fields.get("epochs", []) if e.get("epochs")]
    steps = [s for s in fields.get("steps", []) if s.get("steps") and s.get("batch_size")]
    tokens = [t for t in fields.get("training_tokens", []) if t.get("tokens")]
    if forward:
        head = max(forward, key=_forward_value)
        base = {"forward_flops": _forward_value(head), "forward_kind": head.get("kind", "flops"),
                "forward_as_stated": float(head["flops"])}
        # Steps x batch counts the examples seen directly; it wins over epochs x a set's size when a
        # paper gives both (its epochs may belong to another phase or data set).
        by_examples = [s for s in steps if s.get("batch_unit", "examples") == "examples"]
        if by_examples:
            run = max(by_examples, key=lambda s: float(s["steps"]) * float(s["batch_size"]))
            return {**base, "examples": float(run["steps"]) * float(run["batch_size"]), "epochs": 1.0,
                    "steps": float(run["steps"]), "batch_size": float(run["batch_size"])}
        training_sets = [t for t in sets if t.get("phase", "training") == "training"] or sets
        chosen_set = training_sets[0] if training_sets else None
        chosen_epochs = _pick_epochs(epochs, chosen_set.get("dataset") if chosen_set else None)
        if chosen_set and chosen_epochs:
            return {**base, "examples": float(chosen_set["examples"]), "epochs": float(chosen_epochs["epochs"]),
                    "training_set": chosen_set.get("dataset"), "size_source": chosen_set.get("size_source", "catalog")}
    if params:
        parameters = max(float(p["parameters"]) for p in params)
        if tokens:
            return {"parameters": parameters, "tokens": max(float(t["tokens"]) for t in tokens)}
        by_tokens = [s for s in steps if s.get("batch_unit") == "tokens"]
        if by_tokens:
            run = max(by_tokens, key=lambda s: float(s["steps"]) * float(s["batch_size"]))
            return {"parameters": parameters, "tokens": float(run["steps"]) * float(run["batch_size"]),
                    "steps": float(run["steps"]), "batch_size": float(run["batch_size"])}
    return None


def stated_estimates(stated: list[dict]) -> list[Estimate]:
    out = []
    for item in stated:
        if item.get("flops") is None:
            continue
        flops = float(item["flops"])
        out.append(Estimate("stated", flops, flops, flops, flops, inputs={"flops": flops}, note="stated by the paper"))
    return out


def estimate_compute(hardware: list[dict], training_time: list[dict], stated: list[dict],
                     arithmetic: dict | None = None, *, catalog: Catalog | None = None,
                     utilization: float = DEFAULT_UTILIZATION,
                     disagreement_factor: float = DEFAULT_DISAGREEMENT_FACTOR,
                     precision: str | None = None, tpu_peak: str = "device") -> list[Estimate]:
    """All estimates for one paper; exactly one has preferred=True when any exists.

    Within a method the largest estimate represents it (the headline model is usually the largest
    run). The preferred one is the representative of the first available method in
    METHOD_PREFERENCE. When the representatives of different methods (hardware taken at its
    utilization-adjusted figure) differ by more than `disagreement_factor`, they are all flagged.
    `catalog`: a lookup function or a {name: ChipSpec-like} dict; None uses extractors.chips.lookup.
    """
    estimates = stated_estimates(stated or [])
    if hardware and training_time:
        estimates += hardware_estimates(hardware, training_time, catalog=catalog, utilization=utilization,
                                        precision=precision, tpu_peak=tpu_peak)[0]
    arith = arithmetic_estimate(arithmetic)
    if arith is not None:
        estimates.append(arith)
    representatives = {}
    for method in METHOD_PREFERENCE:
        same = [e for e in estimates if e.method == method]
        if same:
            representatives[method] = max(same, key=lambda e: e.flops)
    if representatives:
        representatives[next(m for m in METHOD_PREFERENCE if m in representatives)].preferred = True
    if len(representatives) > 1:
        performed = [e.flops_utilized for e in representatives.values()]
        if max(performed) > disagreement_factor * min(performed):
            for e in representatives.values():
                e.disagreement = True
    return estimates


def preferred(estimates: list[Estimate]) -> Estimate | None:
    return next((e for e in estimates if e.preferred), None)


def explain_skipped(hardware: list[dict], training_time: list[dict], *, catalog: Catalog | None = None,
                    precision: str | None = None) -> list[str]:
    """Human-readable reasons why hardware/time pairs produced no estimate (for review screens)."""
    return [p.reason for p in hardware_estimates(hardware, training_time, catalog=catalog, precision=precision)[1]]
