"""A point's second measure: the network operations of the plotted model, from its own inputs.

The study's "network operations" is forward FLOPs x 3 x epochs x training-set size (multiply-adds
doubled), or 6 x parameters x tokens for language models (analysis.compute.arithmetic_estimate). Per
paper, analysis.compute.arithmetic_inputs takes the largest forward cost and whatever epochs it finds,
which pairs a ResNet paper's CIFAR steps with its ImageNet FLOPs or a detector's COCO epochs with an
ImageNet result. Here each input is linked to the result as the hardware and time are (analysis.points
`compatibility`: same table row, same model name, same size; another size or another training set is
another run; pretraining data always counts as a stage of the model):

  forward / parameters  the row of the result, else the same model name, else the same size/family,
                        else a paper-wide statement (no model named)
  examples seen         per stage (pretraining, training, fine-tuning on the result's data): steps x
                        batch when the batch is counted in examples, else epochs x the stage's training
                        set (the result's data set's catalog size when the paper names none, as the
                        study did); epochs that name another data set are another run
  tokens                the larger of stated training tokens and steps x a batch counted in tokens (a
                        stated corpus size is one epoch; the steps count every pass)

A schedule that names no data set is ambiguous in a paper that trains on several (a ResNet paper's
CIFAR iterations are not its ImageNet schedule): it is used only when every own training set of the
paper fits the result's data. A headline model sees its training set at least once: a schedule giving
fewer examples than one epoch of the result's training set is a warm-up or an ablation, not the run.

Search / proxy / decoding statements (extractors.runs `search`, `inference`) are not inputs. When no
forward cost or parameter count is linked to the result's model, the paper's main model (the largest
own value) stands in, flagged `fallback`. Every input keeps its evidence and a `why`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Callable

from analysis.compute import arithmetic_estimate
from extractors import datasets
from extractors.records import Candidate
from extractors.runs import STAGES, RunLink, dataset_family, datasets_compatible

OPERATION_FIELDS = ("forward_flops", "parameters", "epochs", "steps", "training_tokens", "training_set")
_PHASE_STAGE = {"pretraining": "pretraining", "finetuning": "fine-tuning", "fine-tuning": "fine-tuning",
                "training": "training"}


@dataclass
class OperationCount:
    """Network operations of one point and the inputs it came from."""

    flops: float | None
    formula: str  # "forward x 3 x examples seen" | "6 x parameters x tokens" | ""
    inputs: dict[str, Any] = field(default_factory=dict)
    evidence: dict[str, dict] = field(default_factory=dict)
    why: str = ""
    fallback: bool = False  # the forward cost / parameters are the paper's main model's, not the result's own

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class _Op:
    cand: Candidate
    run: RunLink
    score: int
    reasons: list[str]


def _norm(name: str | None) -> str:
    return "".join(ch for ch in (name or "").lower() if ch.isalnum())


def _stage(item: _Op) -> str:
    phase = item.cand.attrs.get("phase")
    return _PHASE_STAGE.get(str(phase), item.run.stage) if phase else item.run.stage


def _own_dataset(item: _Op) -> str | None:
    """The data set an input names: its own attribute ("dataset" of epochs / training_set), else its clause's."""
    named = item.cand.attrs.get("dataset")
    return dataset_family(str(named)) if named else item.run.dataset


def _names_data(item: _Op) -> int:
    """1 when the input itself or its clause names its data set (a schedule "on COCO" beats a paper-wide
    one); a data set read from the paragraph / section (RunLink.context) only excludes, never ranks."""
    return 1 if item.cand.attrs.get("dataset") or (item.run.dataset and not item.run.context) else 0


def _on_result_data(item: _Op, result_dataset: str | None) -> bool:
    """Epochs, steps and sets that name another data set belong to another run, unless pretraining."""
    return _stage(item) == "pretraining" or datasets_compatible(_own_dataset(item), result_dataset)


def _ambiguous(item: _Op, other_sets: bool) -> bool:
    """A training-stage schedule naming no data set, in a paper that also trains on another data set."""
    return other_sets and not _own_dataset(item) and _stage(item) != "pretraining"


def result_set_size(dataset: str | None) -> tuple[float | None, str | None]:
    """Examples in one epoch of the result's training set (catalog), and the set's name."""
    found = datasets.lookup(str(dataset)) if dataset else None
    if found is None and dataset:
        found = datasets.lookup(str(dataset).split()[0])
    return (float(found.examples), found.name) if found is not None else (None, None)


def _rank(item: _Op, result_model: str | None):
    exact = bool(result_model) and _norm(item.run.model) == _norm(result_model)
    return item.score + (2 if exact else 0), item.cand.is_best, item.cand.confidence


def _pick_model_value(items: list[_Op], value: Callable[[Candidate], float], result_model: str | None,
                      label: str) -> tuple[_Op | None, str, bool]:
    """The forward cost / parameter count of the result's model: (item, why, fallback)."""
    if not items:
        return None, "", False
    linked = [i for i in items if i.score > 0 or (result_model and _norm(i.run.model) == _norm(result_model))]
    if linked:
        best = max(linked, key=lambda i: (*_rank(i, result_model), value(i.cand)))
        return best, f"{label}: " + "; ".join(best.reasons or [f"same model ({best.run.model})"]), False
    paper_wide = [i for i in items if i.score == 0]
    if paper_wide:
        best = max(paper_wide, key=lambda i: (value(i.cand), i.cand.is_best, i.cand.confidence))
        return best, f"{label}: no model named (paper-wide); the largest such value", False
    best = max(items, key=lambda i: (value(i.cand), i.cand.is_best, i.cand.confidence))
    return best, (f"{label}: FALLBACK, none stated for this model; the paper's main model "
                  f"({best.run.model or 'unnamed'}, the largest own value)"), True


def _forward_value(cand: Candidate) -> float:
    flops = float(cand.attrs.get("flops") or 0.0)
    return 2.0 * flops if str(cand.attrs.get("kind", "flops")) == "multiadds" else flops


def _examples_per_stage(ops: dict[str, list[_Op]], result_dataset: str | None, result_model: str | None,
                        result_set: tuple[float | None, str | None], other_sets: bool,
                        skipped: list[str]) -> tuple[list[dict], list[_Op]]:
    """[{stage, examples, how, ...}] (one per stage, the best linked) and the items used."""
    stages: dict[str, tuple[tuple, dict, list[_Op]]] = {}
    one_epoch, set_name = result_set

    def offer(stage: str, rank: tuple, entry: dict, used: list[_Op]) -> None:
        if stage not in stages or rank > stages[stage][0]:
            stages[stage] = (rank, entry, used)

    for item in ops["steps"]:
        attrs = item.cand.attrs
        if attrs.get("batch_unit", "examples") != "examples" or not attrs.get("batch_size"):
            continue
        if not _on_result_data(item, result_dataset):
            continue
        if _ambiguous(item, other_sets):
            skipped.append(f"{attrs['steps']:g} steps name no data set and the paper trains on several")
            continue
        examples = float(attrs["steps"]) * float(attrs["batch_size"])
        if one_epoch and _stage(item) != "pretraining" and examples < one_epoch:
            skipped.append(f"{attrs['steps']:g} steps x {attrs['batch_size']:g} is less than one epoch of {set_name}")
            continue
        rank = (*_rank(item, result_model)[:1], _names_data(item), examples)
        offer(_stage(item), rank, {"stage": _stage(item), "examples": examples, "steps": float(attrs["steps"]),
                                   "batch_size": float(attrs["batch_size"]),
                                   "how": f"steps x batch ({'; '.join(item.reasons) or 'paper-wide'})"}, [item])
    sets = [s for s in ops["training_set"] if s.cand.attrs.get("examples") and _on_result_data(s, result_dataset)]
    for item in ops["epochs"]:
        if not _on_result_data(item, result_dataset):
            continue
        if _ambiguous(item, other_sets):
            skipped.append(f"{item.cand.attrs['epochs']:g} epochs name no data set and the paper trains on several")
            continue
        stage = _stage(item)
        named = _own_dataset(item)
        # The stage's training set: one naming the epochs' own data set, else one of the same stage.
        fitting = [s for s in sets if (named and _own_dataset(s) == named)
                   or (not named and _stage(s) == stage)]
        epochs = float(item.cand.attrs["epochs"])
        how = f"epochs x training set ({'; '.join(item.reasons) or 'paper-wide'})"
        if fitting:
            chosen = max(fitting, key=lambda s: (_own_dataset(s) == result_dataset, s.cand.is_best, s.cand.confidence))
            size, set_label = float(chosen.cand.attrs["examples"]), chosen.cand.attrs.get("dataset")
            source, used = chosen.cand.attrs.get("size_source", "catalog"), [item, chosen]
        elif stage != "pretraining" and one_epoch and (not named or datasets_compatible(named, result_dataset)):
            # No set stated for this stage: the result's own training set, as the study counted it.
            size, set_label, source, used = one_epoch, set_name, "catalog (the result's data set)", [item]
        else:
            continue
        # A schedule naming the result's data set beats a paper-wide one; then the longer schedule.
        rank = (_rank(item, result_model)[0], _names_data(item), epochs * size)
        offer(stage, rank, {"stage": stage, "examples": epochs * size, "epochs": epochs, "training_set_size": size,
                            "training_set": set_label, "size_source": source, "how": how}, used)
    ordered = [s for s in STAGES if s in stages]
    return [stages[s][1] for s in ordered], [i for s in ordered for i in stages[s][2]]


def _tokens(ops: dict[str, list[_Op]], result_dataset: str | None, result_model: str | None,
            skipped: list[str]) -> tuple[float | None, str, list[_Op]]:
    found: list[tuple[float, str, _Op]] = []
    # A token count whose run names another model ("For BarNet models, ... 300k iterations") is that
    # model's, as a parameter count naming another model is: never this result's.
    for item in ops["training_tokens"] + ops["steps"]:
        if item.score < 0 and (item.cand.attrs.get("tokens") or item.cand.attrs.get("batch_unit") == "tokens"):
            skipped.append(f"{item.cand.raw_text} ({item.run.model}'s run: another model)")
    ops = {field: [i for i in items if i.score >= 0] for field, items in ops.items()}
    stated = [t for t in ops["training_tokens"] if t.cand.attrs.get("tokens") and _on_result_data(t, result_dataset)]
    if stated:
        best = max(stated, key=lambda t: (_rank(t, result_model)[0], float(t.cand.attrs["tokens"])))
        found.append((float(best.cand.attrs["tokens"]), "stated training tokens", best))
    by_tokens = [s for s in ops["steps"] if s.cand.attrs.get("batch_unit") == "tokens" and s.cand.attrs.get("batch_size")
                 and _on_result_data(s, result_dataset)]
    if by_tokens:
        best = max(by_tokens, key=lambda s: (_rank(s, result_model)[0],
                                             float(s.cand.attrs["steps"]) * float(s.cand.attrs["batch_size"])))
        found.append((float(best.cand.attrs["steps"]) * float(best.cand.attrs["batch_size"]),
                      "steps x a batch counted in tokens", best))
    if not found:
        return None, "", []
    tokens, how, item = max(found, key=lambda f: f[0])
    return tokens, how, [item]


def operations_for(result_model: str | None, result_dataset: str | None, items: list[_Op],
                   evidence: Callable[[Candidate], dict], *, result_dataset_name: str | None = None,
                   paper_sets: frozenset[str] = frozenset()) -> OperationCount:
    """The operation count of the result's model from its linked inputs (items: compatible ones only).
    `paper_sets`: the data-set families the paper's own training statements name (any run)."""
    ops: dict[str, list[_Op]] = {f: [] for f in OPERATION_FIELDS}
    for item in items:
        ops[item.cand.field].append(item)
    other_sets = any(not datasets_compatible(d, result_dataset) for d in paper_sets)
    skipped: list[str] = []
    forward_items = [i for i in ops["forward_flops"] if i.cand.attrs.get("flops")]
    param_items = [i for i in ops["parameters"] if i.cand.attrs.get("parameters")]
    forward, forward_why, forward_fallback = _pick_model_value(forward_items, _forward_value, result_model, "forward cost")
    params, params_why, params_fallback = _pick_model_value(
        param_items, lambda c: float(c.attrs.get("parameters") or 0.0), result_model, "parameters")
    stages, stage_items = _examples_per_stage(ops, result_dataset, result_model,
                                              result_set_size(result_dataset_name or result_dataset), other_sets,
                                              skipped)
    tokens, tokens_how, token_items = _tokens(ops, result_dataset, result_model, skipped)
    missing = []
    if forward is not None and stages:
        examples = sum(s["examples"] for s in stages)
        estimate = arithmetic_estimate({"forward_flops": _forward_value(forward.cand), "examples": examples,
                                        "epochs": 1.0})
        inputs = {"forward_flops": _forward_value(forward.cand), "forward_kind": forward.cand.attrs.get("kind", "flops"),
                  "forward_as_stated": float(forward.cand.attrs["flops"]), "forward_model": forward.run.model,
                  "examples_seen": examples, "stages": stages}
        used = [("forward_flops", forward), *((i.cand.field, i) for i in stage_items)]
        why = forward_why + "; examples seen: " + " + ".join(f"{s['stage']} {s['how']}" for s in stages)
        return OperationCount(estimate.flops, "forward x 3 x examples seen", inputs,
                              _evidence_of(used, evidence), why, forward_fallback)
    if params is not None and tokens:
        estimate = arithmetic_estimate({"parameters": float(params.cand.attrs["parameters"]), "tokens": tokens})
        inputs = {"parameters": float(params.cand.attrs["parameters"]), "parameters_model": params.run.model,
                  "tokens": tokens, "tokens_from": tokens_how}
        used = [("parameters", params), *((i.cand.field, i) for i in token_items)]
        return OperationCount(estimate.flops, "6 x parameters x tokens", inputs, _evidence_of(used, evidence),
                              f"{params_why}; tokens: {tokens_how}", params_fallback)
    if forward is None and params is None:
        missing.append("no forward cost or parameter count")
    elif forward is not None and not stages:
        missing.append("a forward cost but no epochs x training set or steps x batch on this data set")
    if params is not None and not tokens:
        missing.append("parameters but no training tokens")
    missing += [f"not used: {s}" for s in skipped]
    return OperationCount(None, "", {}, {}, "; ".join(missing) or "no operation inputs", False)


def _evidence_of(used: list[tuple[str, _Op]], evidence: Callable[[Candidate], dict]) -> dict[str, dict]:
    out: dict[str, dict] = {}
    for name, item in used:
        key = name if name not in out else f"{name}_{len(out)}"
        out[key] = evidence(item.cand)
    return out
