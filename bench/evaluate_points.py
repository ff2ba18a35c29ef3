"""How often a paper's point pairs its headline result with the labelled run, and its burden vs the study.

    python -m bench.evaluate_points GOLD.jsonl PRED.jsonl [--sources SOURCES.tsv] [--study DIR] [--json]

PRED is `progress extract-files` output (with its "points" key). For each paper whose labels give a
result and hardware or a training time, the points whose result matches a label are checked: is the
hardware of the point's main stage (the one with the largest burden) a labelled set-up (chip and
count), and is its time a labelled training time (within 10% or inside a labelled range, the scorer's
rules)? Beside it, the field-by-field baseline: the paper-level estimate of analysis.compute (largest
burden over every best hardware x best time pair). With --sources, papers are split DEV (odd data
rows) / HELD-OUT (even rows) as in the evaluation protocol. With --study, each point's summed burden is
compared with the study's `hardware_burden` for the same paper and benchmark (ratio, share within 2x),
and its network operations with the study's `network_operations`.

"coverage" counts every point of PRED per benchmark: with a hardware burden, with network operations,
with either, and how many of them took the paper's main run / model (`fallback`), plus the share of
papers with a result that have a point with either measure (issue 17, per point).
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
from pathlib import Path

from analysis.compute import estimate_compute

HERE = Path(__file__).resolve().parents[1]
DEFAULT_SCORER = HERE / ".." / "shared" / "eval" / "score.py"


def load_scorer(path: Path = DEFAULT_SCORER):
    spec = importlib.util.spec_from_file_location("corpus_score", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _lines(path: Path) -> dict[str, dict]:
    out = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            obj = json.loads(line)
            out[str(obj["arxiv_id"])] = obj
    return out


def _main_part(point: dict) -> dict | None:
    parts = point.get("parts") or []
    with_flops = [p for p in parts if p.get("flops")]
    return max(with_flops, key=lambda p: p["flops"]) if with_flops else (parts[0] if parts else None)


def _baseline(pred: dict) -> tuple[dict | None, dict | None]:
    """The field-by-field pairing: the largest burden over the best hardware x best time pairs."""
    estimates = [e for e in estimate_compute(pred.get("hardware", []), pred.get("training_time", []), [])
                 if e.method == "hardware"]
    if not estimates:  # no pair to multiply: the field's most confident set-up, as a point would show
        hardware = max(pred.get("hardware", []), key=lambda h: h.get("confidence", 0.0), default=None)
        return (dict(hardware) if hardware else None), None
    best = max(estimates, key=lambda e: e.flops)
    inputs = best.inputs
    return ({"chip": inputs.get("chip_as_written"), "count": inputs.get("count"), "unit": inputs.get("unit")},
            {"hours": inputs.get("hours"), "kind": inputs.get("time_kind")})


def paper_outcome(scorer, gold: dict, pred: dict) -> dict | None:
    """Per paper: matched headline points and whether their run's hardware / time are labelled ones."""
    labelled_results = [g for g in gold.get("results") or [] if scorer.same("results", g, g)]
    if not labelled_results or not (gold.get("hardware") or gold.get("training_time")):
        return None
    points = [p for p in pred.get("points", [])
              if any(scorer.same("results", {"dataset": p["dataset"], "metric": p["metric"], "value": p["value"]}, g)
                     for g in labelled_results)]
    out = {"points": len(points), "hardware_labelled": bool(gold.get("hardware")),
           "time_labelled": bool(gold.get("training_time"))}

    def judge(hw, time):
        hw_ok = bool(hw) and any(scorer.same("hardware", hw, g) for g in gold.get("hardware") or [])
        time_ok = bool(time) and any(scorer.same("training_time", time, g) for g in gold.get("training_time") or [])
        return hw_ok, time_ok

    verdicts = []
    for point in points:
        part = _main_part(point)
        hardware = point.get("hardware") or (part and part.get("hardware"))
        verdicts.append(judge(hardware, part and part.get("training_time")))
    # A paper counts as right when its points agree with the labels (all of its matched points).
    out["hardware_ok"] = bool(verdicts) and all(v[0] for v in verdicts)
    out["time_ok"] = bool(verdicts) and all(v[1] for v in verdicts)
    out["baseline_hardware_ok"], out["baseline_time_ok"] = judge(*_baseline(pred))
    return out


def summarise(outcomes: dict[str, dict]) -> dict:
    """Shares over the papers that have a point on a labelled headline result (both columns on the same
    papers: a paper whose results were not found has no point to judge, whatever its hardware)."""
    judged = {k: o for k, o in outcomes.items() if o["points"] > 0}
    hw = [o for o in judged.values() if o["hardware_labelled"]]
    tm = [o for o in judged.values() if o["time_labelled"]]
    share = lambda xs, key: round(sum(o[key] for o in xs) / len(xs), 3) if xs else None  # noqa: E731
    return {"papers": len(outcomes), "with_point": len(judged),
            "hardware_papers": len(hw), "hardware_ok": share(hw, "hardware_ok"),
            "baseline_hardware_ok": share(hw, "baseline_hardware_ok"), "time_papers": len(tm),
            "time_ok": share(tm, "time_ok"), "baseline_time_ok": share(tm, "baseline_time_ok")}


def split_rows(sources: Path) -> tuple[set[str], set[str]]:
    rows = [line.split("\t") for line in Path(sources).read_text(encoding="utf-8").splitlines()[1:] if line.strip()]
    ids = [r[1] for r in rows]
    return set(ids[0::2]), set(ids[1::2])


def study_ratios(pred: dict[str, dict], study_dir: Path) -> list[dict]:
    """Our point burden (stages summed) vs the study's hardware_burden, per paper and benchmark."""
    from sources.reference_thompson import STUDY_FILES, load_study

    study = load_study(study_dir)
    metric_columns = {name: metrics for name, (_, _, metrics) in STUDY_FILES.items()}
    rows = []
    for record in study.to_dict("records"):
        arxiv_id, burden = record.get("arxiv_id"), record.get("hardware_burden")
        if not arxiv_id or arxiv_id not in pred or not burden or not math.isfinite(burden):
            continue
        metrics = set(metric_columns[record["source_file"]].values())
        ours = [p for p in pred[arxiv_id].get("points", []) if p["dataset"] == record["dataset"]
                and p["metric"] in metrics | {m.replace("accuracy", "error") for m in metrics} and p.get("hardware_flops")]
        base_estimates = [e for e in estimate_compute(pred[arxiv_id].get("hardware", []),
                                                      pred[arxiv_id].get("training_time", []), [])
                          if e.method == "hardware"]
        base = [e.flops for e in base_estimates]
        baseline_hw, baseline_time = _baseline(pred[arxiv_id])
        baseline_point = {"hardware": baseline_hw,
                          "parts": [{"hours": baseline_time["hours"]}] if baseline_time else []} if baseline_hw else None
        baseline_check = {f"baseline_{k}": v for k, v in _same_run_as_study(baseline_point, record).items()
                          if k in ("chip_count_ok", "time_ok")}
        best = max(ours, key=lambda p: p["hardware_flops"], default=None)
        # A search on the result's data is a stage of the point (the study's convention); one our
        # links could not tie to the result's data is kept beside (`excluded`): this column adds it back.
        searched = [p for p in pred[arxiv_id].get("points", []) if p["dataset"] == record["dataset"]]
        search = max((sum(e.get("flops") or 0.0 for e in p.get("excluded") or [] if e.get("kind") == "search")
                      for p in searched), default=0.0)
        with_search = ((best["hardware_flops"] if best else 0.0) + search) or None
        rows.append({"arxiv_id": arxiv_id, "model": record.get("name"), "dataset": record["dataset"],
                     "study": burden, "ours": best["hardware_flops"] if best else None, "with_search": with_search,
                     "baseline": max(base, default=None), "study_chips": record.get("chips"),
                     **_same_run_as_study(best, record), **baseline_check})
    return rows


def _chips(item: dict | None) -> tuple[str | None, float | None]:
    """(canonical chip, number of chips) of a hardware item, TPU devices and cores in chips."""
    from analysis.compute import chips_from_hardware
    from extractors.chips import canonical_name, lookup

    if not item or not item.get("chip"):
        return None, None
    spec = lookup(str(item["chip"]))
    return canonical_name(str(item["chip"])) or str(item["chip"]), chips_from_hardware(item, spec) if spec else None


def _same_run_as_study(point: dict | None, record: dict) -> dict:
    """The issue's targets per study row: the right chip and count, and the time within 20%."""
    study_hw = [h for h in record.get("hardware") or [] if h.get("count")]
    study_hours = (record.get("training_time_sec") or float("nan")) / 3600
    if not study_hw:
        return {"chip_count_ok": None, "time_ok": None}
    main = _main_part(point) if point else None
    ours_chip = _chips(point.get("hardware") or (main or {}).get("hardware")) if point else (None, None)
    main_study = max(study_hw, key=lambda h: h["count"])
    chip_ok = ours_chip[0] is not None and ours_chip == _chips(main_study)
    hours = sum(p.get("hours") or 0 for p in (point or {}).get("parts") or [])
    time_ok = bool(hours) and math.isfinite(study_hours) and abs(hours - study_hours) <= 0.2 * study_hours
    return {"chip_count_ok": chip_ok, "time_ok": time_ok, "ours_chips": ours_chip, "ours_hours": hours,
            "study_hours": round(study_hours, 2)}


def coverage(pred: dict[str, dict]) -> dict:
    """Per benchmark (dataset family): points with each measure, either, and fallbacks; and papers."""
    out: dict[str, dict] = {}
    papers_with_result = papers_with_compute = 0
    for line in pred.values():
        points = line.get("points") or []
        if points:
            papers_with_result += 1
            papers_with_compute += any(p.get("hardware_flops") or p.get("operations_flops") or p.get("compute_flops")
                                       for p in points)
        for p in points:
            row = out.setdefault(str(p.get("dataset", "")).split()[0],
                                 {"points": 0, "hardware": 0, "operations": 0, "either": 0, "fallback": 0})
            row["points"] += 1
            row["hardware"] += bool(p.get("hardware_flops"))
            row["operations"] += bool(p.get("operations_flops"))
            row["either"] += bool(p.get("hardware_flops") or p.get("operations_flops") or p.get("compute_flops"))
            row["fallback"] += bool(p.get("fallback"))
    total = {k: sum(r[k] for r in out.values()) for k in ("points", "hardware", "operations", "either", "fallback")}
    return {"per_benchmark": dict(sorted(out.items())), "all": total,
            "papers_with_result": papers_with_result, "papers_with_compute": papers_with_compute,
            "share_papers_with_compute": round(papers_with_compute / papers_with_result, 3) if papers_with_result else None}


def operations_ratios(pred: dict[str, dict], study_dir: Path) -> dict:
    """Our point's network operations vs the study's `network_operations` (same paper and benchmark)."""
    from sources.reference_thompson import load_study

    study = load_study(study_dir)
    ratios = []
    for record in study.to_dict("records"):
        arxiv_id, ops = record.get("arxiv_id"), record.get("network_operations")
        if not arxiv_id or arxiv_id not in pred or not ops or not math.isfinite(ops):
            continue
        ours = [p["operations_flops"] for p in pred[arxiv_id].get("points", [])
                if p["dataset"] == record["dataset"] and p.get("operations_flops")]
        ratios.append({"arxiv_id": arxiv_id, "study": ops, "ours": max(ours, default=None)})
    within = [r for r in ratios if r["ours"] and 0.5 <= r["ours"] / r["study"] <= 2.0]
    return {"rows": len(ratios), "with_ours": sum(bool(r["ours"]) for r in ratios), "within_2x": len(within),
            "rows_detail": ratios}


def _ratio_summary(rows: list[dict], key: str) -> dict:
    ratios = [r[key] / r["study"] for r in rows if r.get(key)]
    within = [0.5 <= x <= 2.0 for x in ratios]
    out = {"rows": len(rows), "with_ours": len(ratios), "within_2x": sum(within),
           "share_within_2x_of_rows": round(sum(within) / len(rows), 3) if rows else None}
    prefix = "" if key == "ours" else f"{key}_"
    judged = [r for r in rows if r.get(f"{prefix}chip_count_ok") is not None]
    if key == "ours":
        plus = [0.5 <= r["with_search"] / r["study"] <= 2.0 for r in rows if r.get("with_search")]
        out["within_2x_search_added"] = sum(plus)
    out["chip_count_ok"] = f"{sum(bool(r[prefix + 'chip_count_ok']) for r in judged)}/{len(judged)}"
    out["time_within_20pct"] = f"{sum(bool(r[prefix + 'time_ok']) for r in judged)}/{len(judged)}"
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("gold", type=Path)
    ap.add_argument("pred", type=Path)
    ap.add_argument("--sources", type=Path, help="SOURCES.tsv: report HELD-OUT and DEV separately")
    ap.add_argument("--study", type=Path, help="the study's CSV folder (reference/thompson2022)")
    ap.add_argument("--scorer", type=Path, default=DEFAULT_SCORER)
    ap.add_argument("--json", action="store_true", help="per-paper outcomes as JSON")
    args = ap.parse_args(argv)
    scorer = load_scorer(args.scorer)
    gold, pred = _lines(args.gold), _lines(args.pred)
    outcomes = {}
    for arxiv_id, labels in gold.items():
        outcome = paper_outcome(scorer, labels, pred.get(arxiv_id, {}))
        if outcome is not None:
            outcomes[arxiv_id] = outcome
    report = {"all": summarise(outcomes), "coverage": coverage(pred)}
    if args.sources:
        dev, held = split_rows(args.sources)
        report = {"held_out": summarise({k: v for k, v in outcomes.items() if k in held}),
                  "dev": summarise({k: v for k, v in outcomes.items() if k in dev}), **report}
    if args.study:
        rows = study_ratios(pred, args.study)
        report["study_burden"] = {"points": _ratio_summary(rows, "ours"), "baseline": _ratio_summary(rows, "baseline")}
        ops = operations_ratios(pred, args.study)
        report["study_operations"] = ops if args.json else {k: v for k, v in ops.items() if k != "rows_detail"}
        if args.json:
            report["study_rows"] = rows
    if args.json:
        report["papers"] = outcomes
    json.dump(report, sys.stdout, indent=1, default=str)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
