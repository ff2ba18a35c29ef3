"""A paper's points: each headline benchmark result paired with the compute of the run that produced it.

The study pairs a result with the training of the *same* model and sums that model's stages
(pretraining + training + fine-tuning). Choosing each field's best value on its own can pair the
large model's accuracy with the small model's GPUs, or a time to reach a baseline's score with the
reported model. Here (pure functions, no database):

1. every candidate is linked to a run (extractors.runs: model, size, stage, dataset, time-to-target);
2. for a result, a hardware / time / stated-compute candidate is *compatible* unless its size differs
   from the result's, it was trained on another dataset (not as pretraining), it is a time to reach a
   target score, or it is not the paper's own; compatible candidates are scored (same sentence, same
   size, same model family, same dataset);
3. each compatible time is paired with the hardware that says most about the same run (same clause,
   same sentence, same stage and model, else the paper's best set-up), and its burden computed with
   analysis.compute.hardware_estimates; a stated range of time counts at its upper end, as the study
   curates ranges (`run_hours`), the range kept as the low / high;
4. per stage the best-linked run is kept (ties: the larger run, the usual headline model); the stages
   are summed. A stated total compatible with the result is preferred over the burden, as in
   analysis.compute, and the burden is kept beside it;
5. the second measure, network operations, from the model's own forward cost / parameters and its
   epochs / steps / tokens on the result's data (analysis.point_operations), kept beside the burden
   (`operations_flops`); it is the point's compute only when neither a stated total nor a burden exists.

Not linked as the headline model's training: search / proxy / NAS phases and decoding or inference
times (extractors.runs `search`, `inference`). A search on the result's data is then added as a
"search" stage, as the study counts NAS papers (count_search_stages); decoding stays beside. Nor a
fine-tuning time alone when the model was not trained from scratch on the result's data (its
pretraining is the bulk of the compute and is not stated).

Fallback: a result with no linked run takes the paper's main training run (the largest own set-up whose
data fits the result's), and a result whose model has no forward cost / parameters of its own takes the
paper's main model's; either is flagged in `fallback` ("hardware", "operations", "hardware+operations")
and in the `why`, never silently.

Every point carries the evidence of both sides and a `why` that says how each link was made.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Iterable

from analysis.compute import DEFAULT_UTILIZATION, Catalog, hardware_estimates
from analysis.point_operations import OPERATION_FIELDS, OperationCount, _Op, operations_for
from extractors.eval_regime import NOT_TRAINED
from extractors.records import Candidate
from extractors.runs import STAGES, RunLink, dataset_family, datasets_compatible, link

MIN_CONFIDENCE = 0.5  # a non-best candidate needs this much to be a run's hardware or time
_CLAUSE, _SENTENCE = 3, 2


@dataclass
class Part:
    """One stage of the run behind a point: its hardware, its time, their burden and evidence."""

    stage: str
    model: str | None
    size: str | None
    dataset: str | None
    hardware: dict | None
    training_time: dict
    flops: float | None
    flops_low: float | None
    flops_high: float | None
    chips: float | None
    hours: float
    evidence: dict[str, dict]
    why: str


@dataclass
class Point:
    """A headline result with the compute of the run that produced it."""

    dataset: str
    metric: str
    value: float
    model: str | None
    size: str | None
    compute_flops: float | None
    compute_method: str | None  # stated | hardware | arithmetic | None (no compute linked)
    hardware_flops: float | None  # summed burden of the stages (also when a stated total is preferred)
    flops_low: float | None
    flops_high: float | None
    flops_utilized: float | None
    parts: list[Part] = field(default_factory=list)
    # The set-up of the main stage, or without any linked time the best-linked hardware (no compute then).
    hardware: dict | None = None
    stated: dict | None = None
    evidence: dict[str, dict] = field(default_factory=dict)
    why: str = ""
    # The study's second measure for the same model (analysis.point_operations), and its inputs / why.
    operations_flops: float | None = None
    operations: dict = field(default_factory=dict)
    # Which measure(s) had to use the paper's main run / model instead of the result's own:
    # None | "hardware" | "operations" | "hardware+operations".
    fallback: str | None = None
    # The paper's decoding / inference runs (and a search on another dataset, or one without a chip):
    # kept beside with their burden, never summed. A search on the result's data is a "search" stage.
    excluded: list[dict] = field(default_factory=list)
    # How the result was obtained (extractors.eval_regime): "fine-tuned" (trained on the benchmark), or
    # zero-shot / one-shot / few-shot / linear probe: such a point is shown but left out of the fits.
    regime: str = "fine-tuned"
    regime_k: int | None = None
    regime_cue: str = ""
    regime_from: str = ""

    @property
    def fitted(self) -> bool:
        """The study fits models trained or fine-tuned on the benchmark only."""
        return self.regime not in NOT_TRAINED

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "fitted": self.fitted}

    def main_part(self) -> Part | None:
        """The stage that dominates the burden (the one a single chip/count/time label describes)."""
        with_flops = [p for p in self.parts if p.flops]
        return max(with_flops, key=lambda p: p.flops) if with_flops else (self.parts[0] if self.parts else None)

    def parts_text(self) -> str:
        """'pretraining 16x TPU x 96 h + training 1x TPU x 0.5 h' for tables and the report."""
        texts = []
        for part in self.parts:
            chip = part.hardware.get("chip") if part.hardware else "?"
            count = part.hardware.get("count") if part.hardware else None
            unit = part.hardware.get("unit", "chips") if part.hardware else ""
            amount = f"{count:g}x " if isinstance(count, (int, float)) else ""
            unit_text = f" {unit}" if unit and unit != "chips" else ""
            kind = " chip-hours" if part.training_time.get("kind") == "chip-hours" else " h"
            texts.append(f"{part.stage} {amount}{chip}{unit_text} x {part.hours:g}{kind}")
        return " + ".join(texts)


def _evidence(cand: Candidate) -> dict[str, Any]:
    ev = cand.evidence
    return {"page": ev.page, "sentence": ev.sentence, "section": ev.section, "match": ev.match,
            "char_start": ev.char_start, "char_end": ev.char_end,
            "extractor": cand.extractor, "confidence": round(float(cand.confidence), 4)}


# What a model is rather than how it was trained: stated at inference as well as anywhere ("1.5 billion
# multiply-adds at inference time" is the forward cost the network operations need).
_MODEL_PROPERTIES = frozenset({"forward_flops", "parameters"})


def _usable(cand: Candidate, run: RunLink, min_confidence: float) -> bool:
    if not (cand.is_best or cand.confidence >= min_confidence):
        return False
    if not run.own or run.search:
        return False  # related work, a search / proxy phase: not the model's training
    if run.inference and cand.field not in _MODEL_PROPERTIES:
        return False  # decoding: not the model's training (a forward cost "at inference time" is the model's)
    return not (cand.field == "training_time" and run.to_target)


def _same_sentence(a: Candidate, b: Candidate) -> bool:
    return a.evidence.page == b.evidence.page and a.evidence.sentence == b.evidence.sentence


def compatibility(item: RunLink, result: RunLink, result_dataset: str | None) -> tuple[int | None, list[str]]:
    """(score, reasons) of an item for a result; score None: the item belongs to another run."""
    reasons = []
    if item.size and result.size and "largest" not in (item.size, result.size) and item.size != result.size:
        return None, [f"size {item.size} is not the result's {result.size}"]
    if item.dataset and not datasets_compatible(item.dataset, result_dataset) and item.stage != "pretraining":
        where = " (named by its paragraph / section)" if item.context else ""
        return None, [f"trained on {item.dataset}{where}, the result is on {result_dataset}"]
    depths = (item.depth, result.depth)
    if all(depths) and depths[0] != depths[1]:
        return None, [f"depth {depths[0]} is not the result's {depths[1]}"]
    score = 0
    if all(depths):  # "152-layer" (an architecture table's column) is the result's "ResNet-152"
        score += 2
        reasons.append(f"same depth ({depths[0]} layers)")
    if item.size and item.size == result.size:
        score += 2
        reasons.append(f"same size ({item.size})")
    if item.family and result.family:
        if item.family == result.family:
            score += 2
            reasons.append(f"same model ({item.model})")
        else:
            score -= 1
            reasons.append(f"names another model ({item.model})")
    if item.dataset and item.dataset == result_dataset:
        # A data set read from the paragraph / section only tells another experiment's runs apart:
        # in a paper about one benchmark every run's section names it, so it ranks no run higher.
        score += 0 if item.context else 1
        reasons.append(f"same dataset ({item.dataset}{', its paragraph / section' if item.context else ''})")
    return score, reasons


@dataclass
class _Linked:
    cand: Candidate
    run: RunLink
    score: int
    reasons: list[str]


def _hardware_for(time: _Linked, hardware: list[_Linked]) -> tuple[_Linked | None, str]:
    """The hardware that says most about the same run as this time."""
    def rank(hw: _Linked):
        if _same_sentence(hw.cand, time.cand):
            closeness = _CLAUSE if hw.run.clause_index == time.run.clause_index else _SENTENCE
        else:
            closeness = int(hw.run.stage == time.run.stage and hw.run.stage != "training") + int(
                bool(hw.run.family) and hw.run.family == time.run.family)
        return closeness, hw.score, hw.cand.is_best, hw.cand.confidence
    if not hardware:
        return None, "no hardware statement linked to this model"
    best = max(hardware, key=rank)
    closeness = rank(best)[0]
    how = {_CLAUSE: "same clause", _SENTENCE: "same sentence"}.get(closeness, "same stage/model" if closeness else
                                                                    "the paper's best compatible set-up")
    return best, how


def _stage(time: _Linked, hw: _Linked | None) -> str:
    if time.run.stage == "training" and hw is not None and _same_sentence(hw.cand, time.cand):
        return hw.run.stage
    return time.run.stage


def run_hours(time_attrs: dict) -> tuple[dict, str]:
    """A stated range of training time taken at its upper end ("two to three weeks" -> 3 weeks), as the
    study curates it: its AlexNet ("five to six days"), VGG ("2-3 weeks") and SPPNet ("two to four
    weeks") rows give the upper end. The range stays as the estimate's low / high."""
    bounds = time_attrs.get("hours_range")
    if not bounds or str(time_attrs.get("kind", "wall")) != "wall":
        return time_attrs, ""
    high = max(float(v) for v in bounds)
    if high <= float(time_attrs.get("hours") or 0.0):
        return time_attrs, ""
    return {**time_attrs, "hours": high}, f"the upper end of the stated range ({high:g} h), as the study takes it"


def _part(time: _Linked, hw: _Linked | None, how: str, *, catalog, utilization) -> Part:
    flops = low = high = chips = None
    time_attrs, range_note = run_hours(dict(time.cand.attrs))
    note = ""
    if hw is not None:
        estimates, problems = hardware_estimates([hw.cand.attrs], [time_attrs], catalog=catalog,
                                                 utilization=utilization)
        if estimates:
            est = estimates[0]
            flops, low, high, chips = est.flops, est.flops_low, est.flops_high, est.inputs.get("chips")
            note = est.note
        elif problems:
            note = problems[0].reason
    evidence = {"training_time": _evidence(time.cand)}
    if hw is not None:
        evidence["hardware"] = _evidence(hw.cand)
    time_why = "; ".join(time.reasons) or "no model, size or dataset named (paper-wide)"
    why = (f"time: {time_why}" + (f"; {range_note}" if range_note else "") + f"; hardware: {how}"
           + (f"; {note}" if note else ""))
    return Part(stage=_stage(time, hw), model=time.run.model or (hw.run.model if hw else None),
                size=time.run.size or (hw.run.size if hw else None), dataset=time.run.dataset,
                hardware=dict(hw.cand.attrs) if hw else None, training_time=dict(time.cand.attrs), flops=flops,
                flops_low=low, flops_high=high, chips=chips, hours=float(time_attrs.get("hours") or 0.0),
                evidence=evidence, why=why)


def _part_rank(part: Part, time: _Linked):
    # Equally well linked runs: the larger one, as analysis.compute does (the headline model is usually
    # the largest run); being a field's "best" only breaks ties.
    return time.score, part.flops is not None, part.flops or 0.0, time.cand.is_best, time.cand.confidence


def _best_parts(times: list[_Linked], hardware: list[_Linked], *, catalog, utilization) -> list[Part]:
    """Per stage the best-linked run (see _part_rank), in stage order."""
    best_per_stage: dict[str, tuple[tuple, Part]] = {}
    for time in times:
        hw, how = _hardware_for(time, hardware)
        part = _part(time, hw, how, catalog=catalog, utilization=utilization)
        rank = _part_rank(part, time)
        if part.stage not in best_per_stage or rank > best_per_stage[part.stage][0]:
            best_per_stage[part.stage] = (rank, part)
    return [best_per_stage[s][1] for s in STAGES if s in best_per_stage]


def _main_run(items: list[tuple[Candidate, RunLink]], result_dataset: str | None, linked_ids: set[int]
              ) -> tuple[list[_Linked], list[_Linked]]:
    """The fallback: the paper's own times and hardware whose data fits the result's (another size or a
    named model do not exclude them here), each marked as the paper's main run."""
    times, hardware = [], []
    for cand, run in items:
        if cand.field not in ("training_time", "hardware") or id(cand) in linked_ids:
            continue
        if run.dataset and not datasets_compatible(run.dataset, result_dataset) and run.stage != "pretraining":
            continue
        entry = _Linked(cand, run, 0, ["FALLBACK: the paper's main training run (not linked to this model)"])
        (times if cand.field == "training_time" else hardware).append(entry)
    return times, hardware


def _fine_tuning_only(parts: list[Part], pretrained: bool) -> bool:
    """Only a fine-tuning time is linked while the paper pretrains: the model's own training (its bulk)
    is unstated, so the fine-tuning burden alone is not its compute."""
    return bool(parts) and pretrained and all(p.stage == "fine-tuning" for p in parts)


def paper_pretrains(candidates: Iterable[Candidate]) -> bool:
    """Any run or operation statement of the paper (whatever its confidence) is about pretraining."""
    for cand in candidates:
        if cand.field in ("hardware", "training_time", "stated_compute", *OPERATION_FIELDS):
            if cand.attrs.get("phase") == "pretraining" or link(cand).stage == "pretraining":
                return True
    return False


def _training_sets(op_items: list[tuple[Candidate, RunLink]]) -> frozenset[str]:
    """Data-set families the paper's own training (not pretraining) statements name."""
    names = set()
    for cand, run in op_items:
        if cand.field not in ("training_set", "epochs", "steps"):
            continue
        if str(cand.attrs.get("phase", run.stage)) in ("pretraining",) or run.stage == "pretraining":
            continue
        named = cand.attrs.get("dataset")
        family = dataset_family(str(named)) if named else run.dataset
        if family:
            names.add(family)
    return frozenset(names)


def _compatible(items: Iterable[tuple[Candidate, RunLink]], result: Candidate, rlink: RunLink,
                rdataset: str | None, same_text: str) -> Iterable[tuple[Candidate, RunLink, int, list[str]]]:
    """The items that can belong to the result's run, with their link score and reasons; one in the
    result's own sentence or table row scores a clause more (`same_text` says so in the why)."""
    for cand, run in items:
        score, reasons = compatibility(run, rlink, rdataset)
        if score is None:
            continue
        if _same_sentence(cand, result):
            score += _CLAUSE
            reasons = [same_text, *reasons]
        yield cand, run, score, reasons


def _other_data_times(items: list[tuple[Candidate, RunLink]], rlink: RunLink, rdataset: str | None) -> list[str]:
    """'60 h (CNN/DailyMail, by its paragraph / section)' for each own training time that another data
    set's run claims: what the point left out, so a reader sees why the paper's larger run is not in it."""
    out = []
    for cand, run in items:
        if cand.field != "training_time" or not run.dataset:
            continue
        score, _ = compatibility(run, rlink, rdataset)
        if score is None and not datasets_compatible(run.dataset, rdataset):
            where = ", by its paragraph / section" if run.context else ""
            out.append(f"{float(cand.attrs.get('hours') or 0):g} h ({run.dataset}{where})")
    return list(dict.fromkeys(out))  # a time stated twice (prose and table) is named once


def _operations(result: Candidate, rlink: RunLink, rdataset: str | None,
                op_items: list[tuple[Candidate, RunLink]]) -> OperationCount:
    linked = [_Op(*scored) for scored in _compatible(op_items, result, rlink, rdataset,
                                                       "same row/sentence as the result")]
    return operations_for(rlink.model, rdataset, linked, _evidence, result_dataset_name=result.attrs.get("dataset"),
                          paper_sets=_training_sets(op_items))


def point_for(result: Candidate, items: list[tuple[Candidate, RunLink]], *, catalog: Catalog | None = None,
              utilization: float = DEFAULT_UTILIZATION,
              op_items: list[tuple[Candidate, RunLink]] | None = None, pretrained: bool = False) -> Point:
    """The point of one headline result, given the paper's usable, linked run candidates (and the
    operation-count inputs, `op_items`, for the second measure)."""
    rlink = link(result)
    rdataset = dataset_family(result.attrs.get("dataset"))
    linked: dict[str, list[_Linked]] = {"hardware": [], "training_time": [], "stated_compute": []}
    own_fields = [(cand, run) for cand, run in items if cand.field in linked]
    for cand, run, score, reasons in _compatible(own_fields, result, rlink, rdataset, "same sentence as the result"):
        linked[cand.field].append(_Linked(cand, run, score, reasons))

    parts = _best_parts(linked["training_time"], linked["hardware"], catalog=catalog, utilization=utilization)
    notes = []
    if _fine_tuning_only(parts, pretrained):
        notes.append("only a fine-tuning time is linked and the model was pretrained: its training is unstated")
        parts = []
    fallback_hw = False
    if not any(p.flops for p in parts):
        linked_ids = {id(x.cand) for x in linked["training_time"]}
        times, hardware = _main_run(items, rdataset, linked_ids)
        main_parts = [p for p in _best_parts(times, [*linked["hardware"], *hardware], catalog=catalog,
                                             utilization=utilization) if p.flops and p.stage != "fine-tuning"]
        if main_parts:
            parts, fallback_hw = main_parts, True

    burden = [p for p in parts if p.flops]
    hardware_flops = sum(p.flops for p in burden) if burden else None
    operations = _operations(result, rlink, rdataset, op_items or [])
    # A stated total needs a model-level link (same sentence, model or size) to beat another; then the
    # larger, as for runs. A shared dataset alone does not tell rows of a comparison table apart.
    stated = max(linked["stated_compute"], key=lambda s: (s.score >= 2, float(s.cand.attrs.get("flops") or 0.0),
                                                          s.cand.is_best), default=None)
    label = rlink.model or "the paper's model"
    size = f" ({rlink.size})" if rlink.size else ""
    if stated is not None and stated.cand.attrs.get("flops"):
        flops = float(stated.cand.attrs["flops"])
        compute = dict(compute_flops=flops, compute_method="stated", flops_low=flops, flops_high=flops,
                       flops_utilized=flops)
        why = (f"{label}{size}: stated total compute ({'; '.join(stated.reasons) or 'paper-wide'})"
               + (f"; burden of {len(burden)} stage(s) kept beside it" if burden else ""))
    elif burden:
        compute = dict(compute_flops=hardware_flops, compute_method="hardware",
                       flops_low=sum(p.flops_low for p in burden), flops_high=sum(p.flops_high for p in burden),
                       flops_utilized=hardware_flops * utilization)
        why = f"{label}{size}: hardware burden summed over " + " + ".join(
            f"{p.stage} [{p.why}]" for p in burden)
    elif operations.flops:
        ops = operations.flops
        compute = dict(compute_flops=ops, compute_method="arithmetic", flops_low=ops, flops_high=ops,
                       flops_utilized=ops)
        why = f"{label}{size}: network operations only (no hardware burden linked)"
    else:
        compute = dict(compute_flops=None, compute_method=None, flops_low=None, flops_high=None, flops_utilized=None)
        why = f"{label}{size}: " + ("no training time linked to this model" if not parts else
                                    "linked time(s) without a usable chip: " + "; ".join(p.why for p in parts))
    other_data = _other_data_times(items, rlink, rdataset)
    if other_data:
        notes.append("left out, trained on other data: " + ", ".join(other_data))
    if notes:
        why += "; " + "; ".join(notes)
    why += f"; operations: {operations.why}" + (f" = {operations.flops:.3g}" if operations.flops else "")
    fallback = "+".join(name for name, flag in (("hardware", fallback_hw and compute.get("compute_method") != "stated"),
                                                ("operations", operations.fallback and operations.flops)) if flag)
    evidence = {"result": _evidence(result)}
    main = max(burden, key=lambda p: p.flops) if burden else (parts[0] if parts else None)
    setup = main.hardware if main is not None else None
    if main is None and linked["hardware"]:
        only_hw = max(linked["hardware"], key=lambda h: (h.score, h.cand.is_best, h.cand.confidence))
        setup = dict(only_hw.cand.attrs)
        evidence["hardware"] = _evidence(only_hw.cand)
    if stated is not None:
        evidence["stated_compute"] = _evidence(stated.cand)
    return Point(dataset=str(result.attrs.get("dataset")), metric=str(result.attrs.get("metric")),
                 value=float(result.attrs.get("value")), model=rlink.model, size=rlink.size,
                 hardware_flops=hardware_flops, parts=parts, hardware=setup,
                 stated=dict(stated.cand.attrs) if stated is not None else None, evidence=evidence, why=why,
                 operations_flops=operations.flops, operations=operations.to_json(), fallback=fallback or None,
                 **compute)


def side_runs(candidates: list[Candidate], *, catalog: Catalog | None = None,
              utilization: float = DEFAULT_UTILIZATION, min_confidence: float = MIN_CONFIDENCE
              ) -> list[tuple[str, Part, RunLink]]:
    """The paper's own search / proxy and decoding times with the hardware of the same sentence, as
    (kind, part, run link): never linked to a result as its training run (`_usable`)."""
    runs = [(c, link(c)) for c in candidates if c.field in ("hardware", "training_time")
            and (c.is_best or c.confidence >= min_confidence)]
    runs = [(c, r) for c, r in runs if r.own and (r.search or r.inference)]
    out = []
    for time, run in ((c, r) for c, r in runs if c.field == "training_time"):
        same = [_Linked(c, r, 0, []) for c, r in runs if c.field == "hardware" and _same_sentence(c, time)]
        kind = "search" if run.search else "decoding/inference"
        linked = _Linked(time, run, 0, [f"a {kind} statement"])
        hw, how = _hardware_for(linked, same)
        part = _part(linked, hw, how, catalog=catalog, utilization=utilization)
        if kind == "search":
            part.stage = "search"
        out.append((kind, part, run))
    return out


def _beside(kind: str, part: Part) -> dict:
    return {"kind": kind, "flops": part.flops, "hours": part.hours, "hardware": part.hardware,
            "training_time": part.training_time, "evidence": part.evidence, "why": part.why}


def _beside_text(run: dict) -> str:
    """'decoding/inference run of 4.48e+21 FLOPs (108 h)' for the why."""
    burden = f" of {run['flops']:.3g} FLOPs" if run.get("flops") else ""
    return f"{run['kind']} run{burden} ({run['hours']:g} h)"


def count_search_stages(point: Point, searches: list[Part], utilization: float = DEFAULT_UTILIZATION) -> None:
    """Add a NAS paper's architecture-search runs to the point's burden as a "search" stage. The study
    counts them so (its MnasNet, NASNet, AmoebaNet, DARTS and FBNet rows give the search's chips and
    time), and its comparisons are made on that convention; the stage stays visible in `parts`."""
    searches = [p for p in searches if p.flops]
    if not searches:
        return
    point.parts = [*point.parts, *searches]
    added = sum(p.flops for p in searches)
    point.hardware_flops = (point.hardware_flops or 0.0) + added
    if point.compute_method != "stated":  # a stated total still wins; the burden stays beside it
        had_burden = point.compute_method == "hardware"
        point.compute_method, point.compute_flops = "hardware", point.hardware_flops
        point.flops_low = (point.flops_low if had_burden else 0.0) + sum(p.flops_low or p.flops for p in searches)
        point.flops_high = (point.flops_high if had_burden else 0.0) + sum(p.flops_high or p.flops for p in searches)
        point.flops_utilized = point.hardware_flops * utilization
    if point.hardware is None:
        point.hardware = max(searches, key=lambda p: p.flops).hardware
    point.why += "; search stage counted, as the study counts a NAS paper's search: " + " + ".join(
        f"[{p.why}]" for p in searches)


def set_regime(point: Point, result: Candidate) -> None:
    """The result's evaluation regime on its point; a result not trained on the benchmark says so first
    in the why, since it is left out of the fits (the study's convention)."""
    features = result.features or {}
    point.regime = str(features.get("regime") or "fine-tuned")
    k = features.get("regime_k")
    point.regime_k = int(k) if isinstance(k, (int, float)) and not isinstance(k, bool) and k >= 0 else None
    point.regime_cue, point.regime_from = str(features.get("regime_cue") or ""), str(features.get("regime_from") or "")
    if not point.fitted:
        point.why = f"NOT FITTED: {regime_text(point.regime, point.regime_k, point.regime_cue, point.regime_from)}; " + point.why


def regime_text(regime: str, k: int | None, cue: str, where: str) -> str:
    """'a one-shot evaluation (1-shot, in the table's column header), not trained on the benchmark'."""
    kind = f"{regime} (k={k})" if regime == "few-shot" and k is not None else regime
    place = {"sentence": "in the result's sentence", "header": "in the table's column header",
             "row": "in the table's row label", "group": "in the table's group header",
             "caption": "in the table's caption"}.get(where, where)
    said = f" ('{cue}', {place})" if cue else ""
    return f"a {kind} evaluation{said}, not a model trained on the benchmark"


def build_points(candidates: Iterable[Candidate], *, results: Iterable[Candidate] | None = None,
                 catalog: Catalog | None = None, utilization: float = DEFAULT_UTILIZATION,
                 min_confidence: float = MIN_CONFIDENCE) -> list[Point]:
    """One point per headline result (the is_best results, or `results` when given)."""
    candidates = list(candidates)
    if results is None:
        results = [c for c in candidates if c.field == "results" and c.is_best]
    items, op_items = [], []
    for cand in candidates:
        if cand.field in ("hardware", "training_time", "stated_compute"):
            run = link(cand)
            if _usable(cand, run, min_confidence):
                items.append((cand, run))
        elif cand.field in OPERATION_FIELDS:
            run = link(cand)
            if _usable(cand, run, min_confidence) and not cand.features.get("cited"):
                op_items.append((cand, run))
    pretrained = paper_pretrains(candidates)
    side = side_runs(candidates, catalog=catalog, utilization=utilization, min_confidence=min_confidence)
    results = list(results)
    points = [point_for(r, items, catalog=catalog, utilization=utilization, op_items=op_items, pretrained=pretrained)
              for r in results]
    for result, point in zip(results, points):
        set_regime(point, result)
    for point in points:
        dataset = dataset_family(point.dataset)
        counted = [(kind, part) for kind, part, run in side
                   if kind == "search" and part.flops and datasets_compatible(run.dataset, dataset)]
        count_search_stages(point, [part for _, part in counted], utilization)
        point.excluded = [_beside(kind, part) for kind, part, _ in side
                          if not any(part is other for _, other in counted)]
        if point.excluded:
            point.why += "; not counted, kept beside: " + "; ".join(_beside_text(e) for e in point.excluded)
    return points
