"""Label candidates by matching them to hand-checked labels, with ../shared/eval/score.py's semantics.

Reimplemented here (product code never imports ../shared): chip names normalised and totals in chips
(cores / 2, Cloud TPU devices x 4); hours within 10% or inside a labelled range widened by 10%, wall
and chip-hours apart; results by dataset, metric (top-k error read as accuracy) and value within 0.06;
stated compute within 10%. `score_table` gives precision and recall exactly as score.py does.
"""
from __future__ import annotations

import re
from typing import Any

SCORED_FIELDS = ("hardware", "training_time", "results", "stated_compute")
BENCHMARKS = frozenset({"imagenet", "coco", "squad11", "squad20", "conll2003", "wmt14ende", "wmt14enfr"})
_ALIASES = {
    "titanx": "titanx", "gtxtitanx": "titanx", "titanxpascal": "titanx", "titanxp": "titanxp",
    "1080ti": "gtx1080ti", "gtx1080ti": "gtx1080ti", "2080ti": "rtx2080ti", "rtx2080ti": "rtx2080ti",
    "titanv": "titanv", "3090": "rtx3090", "rtx3090": "rtx3090", "titanrtx": "titanrtx",
}
_CHIP_NOISE = ("nvidia", "tesla", "geforce", "google", "cloud", "gpus", "gpu", "chips", "chip", "sxm2", "sxm4",
               "sxm5", "sxm", "pcie", "16gb", "32gb", "40gb", "80gb", "12gb", "11gb")


def norm_text(s: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(s).lower())


def norm_chip(name: Any) -> str:
    s = norm_text(name)
    for word in _CHIP_NOISE:
        s = s.replace(word, "")
    m = re.fullmatch(r"tpu(v?)(\d)([a-z]?)", s) or re.fullmatch(r"(v)(\d)([a-z]?)tpu", s)
    if m:
        return f"tpuv{m.group(2)}{m.group(3)}"
    return _ALIASES.get(s, s)


def total_chips(item: dict) -> float:
    count = float(item.get("count", 0))
    unit = item.get("unit", "chips")
    return count / 2 if unit == "cores" else count * 4 if unit == "devices" else count


def _close(a: float, b: float, rel: float) -> bool:
    a, b = float(a), float(b)
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-30)


def _as_accuracy(item: dict) -> dict:
    metric = norm_text(item.get("metric"))
    if metric in ("top1error", "top5error"):
        item = dict(item, metric=metric.replace("error", "accuracy"))
        if "value" in item:
            item["value"] = 100 - float(item["value"])
        if "values" in item:
            item["values"] = [100 - float(v) for v in item["values"]]
    return item


def same(field: str, p: dict, g: dict) -> bool:
    """Does prediction `p` match label `g` (score.py's rule for `field`)?"""
    if field == "hardware":
        return norm_chip(p.get("chip", "")) == norm_chip(g.get("chip", "")) and abs(total_chips(p) - total_chips(g)) < 1e-6
    if field == "training_time":
        if p.get("kind", "wall") != g.get("kind", "wall"):
            return False
        if "hours_range" in g:
            lo, hi = g["hours_range"]
            return lo * 0.9 <= float(p["hours"]) <= hi * 1.1
        return _close(p["hours"], g["hours"], 0.10)
    if field == "results":
        p, g = _as_accuracy(p), _as_accuracy(g)
        return (norm_text(p.get("dataset")) == norm_text(g.get("dataset"))
                and norm_text(p.get("metric")) == norm_text(g.get("metric"))
                and any(abs(float(p["value"]) - float(v)) <= 0.06 for v in g.get("values", [g.get("value")])))
    if field == "stated_compute":
        return _close(p["flops"], g["flops"], 0.10)
    raise ValueError(field)


def is_scored(field: str, attrs: dict) -> bool:
    """score.py scores only results on its benchmarks; every other field's item counts."""
    return field != "results" or norm_text(attrs.get("dataset")) in BENCHMARKS


def label_of(field: str, attrs: dict, labels: list[dict] | None) -> int | None:
    """1 when the candidate matches a label, 0 when not, None when the paper is unlabelled for the
    field or the item is one score.py ignores."""
    if labels is None or not is_scored(field, attrs):
        return None
    return int(any(same(field, attrs, g) for g in labels))


def score_table(gold: dict[str, dict], predictions: dict[str, dict], min_confidence: float = 0.5,
                fields=SCORED_FIELDS) -> dict[str, dict]:
    """score.py's table: per field precision, recall, predictions, labels (and the matched counts)."""
    table = {}
    for field in fields:
        tp_p = n_p = tp_g = n_g = 0
        for pid, g in gold.items():
            if field not in g:
                continue
            labels = g[field]
            preds = [p for p in predictions.get(pid, {}).get(field, [])
                     if float(p.get("confidence", 1)) >= min_confidence and is_scored(field, p)]
            n_p += len(preds)
            n_g += len(labels)
            tp_p += sum(any(same(field, p, lab) for lab in labels) for p in preds)
            tp_g += sum(any(same(field, p, lab) for p in preds) for lab in labels)
        table[field] = {"precision": tp_p / n_p if n_p else None, "recall": tp_g / n_g if n_g else None,
                        "predictions": n_p, "labels": n_g, "matched_predictions": tp_p, "matched_labels": tp_g}
    return table
