"""Our extraction against the hand curation of Thompson et al. (the imported thompson2022 rows).

Pure pandas: usecases/comparisons.py reads both sides from the database. Papers are matched by arXiv id,
else by normalised title (the study's row title is "model: paper title"). The study has one row per
model and benchmark; per paper it is represented as compare epoch does:
- hardware burden: its largest burden among the paper's rows (the headline model, pretraining
  included), against our hardware-method estimate at peak (the study applies no utilization);
- network operations: its largest count among the paper's rows, against our largest point's count
  (else the paper-level arithmetic estimate), each with the forward cost, epochs and set sizes (or
  parameters and tokens) it multiplied, so a disagreement shows which factor differs;
- headline results: per benchmark and metric, its best score among the paper's rows, against our
  result for that benchmark. A result of ours that equals another of the paper's rows (a smaller
  model, a single model vs an ensemble) is marked so; every other disagreement gets a kind
  (`MISS_KINDS`: metric direction, the study's other metric, ensemble vs single model, leaderboard,
  split, another of our candidates, not among our candidates) read off both sides.
"""
from __future__ import annotations

import math
import re
from typing import Callable

import numpy as np
import pandas as pd

BURDEN_FACTOR = 2.0  # "within 2x"
RESULT_TOLERANCE = 0.15  # points of the metric (percent or BLEU): the study copies the paper's number
MIN_TITLE_CHARS = 15  # shorter normalised titles ("BERT") would match too much


def normalise_title(title: object) -> str:
    return re.sub(r"[^a-z0-9]", "", str(title or "").lower())


def match_papers(ours: pd.DataFrame, study: pd.DataFrame) -> dict[str, str]:
    """study_key -> our arxiv_id. `ours` needs arxiv_id and title; `study` study_key, arxiv_id and
    title. By arXiv id first; else our normalised title equal to the study's, or ending it (after
    the model name the study puts in front)."""
    ids = set(ours["arxiv_id"])
    titles = [(normalise_title(t), a) for a, t in zip(ours["arxiv_id"], ours["title"])]
    titles = [(t, a) for t, a in titles if len(t) >= MIN_TITLE_CHARS]
    out: dict[str, str] = {}
    for key, arxiv_id, title in zip(study["study_key"], study["arxiv_id"], study["title"]):
        if isinstance(arxiv_id, str) and arxiv_id in ids:
            out[key] = arxiv_id
            continue
        theirs = normalise_title(title)
        found = [a for t, a in titles if theirs == t or theirs.endswith(t)]
        if len(found) == 1:
            out[key] = found[0]
    return out


def compare_with_study(ours: pd.DataFrame, our_results: pd.DataFrame, study: pd.DataFrame, *,
                       factor: float = BURDEN_FACTOR, tolerance: float = RESULT_TOLERANCE) -> dict:
    """Per-paper burden ratios, per-benchmark result differences, a summary and the disagreements.

    ours: arxiv_id, title, burden (peak FLOPs or NaN), burden_evidence (list of dicts), chips, hours,
          operations (FLOPs or NaN), operations_formula, operations_inputs (dict), operations_evidence
          (list of dicts), operations_why.
    our_results: arxiv_id, dataset, metric, value, page, sentence.
    study: study_key, arxiv_id, title, where, dataset, burden (NaN when none), chips, hours,
           operations (NaN when none), operations_inputs (dict), results ({metric: value}).
    """
    matches = match_papers(ours, study)
    study = study.assign(match=study["study_key"].map(matches))
    matched = study[study["match"].notna()]
    papers = _burden_table(ours, matched, factor)
    operations = _operations_table(ours, matched, factor)
    results = _results_table(our_results, matched, tolerance)
    disagreements = ([_burden_disagreement(r, factor) for r in _outside(papers)]
                     + [_operations_disagreement(r, factor) for r in _outside(operations)]
                     + [_result_disagreement(r) for r in results.to_dict("records") if not r["within"]])
    summary = {
        "study_rows": int(len(study)), "study_papers": int(study["paper"].nunique()),
        "our_papers": int(len(ours)), "matched_papers": int(len(papers)),
        "matched_by_id": int(len({matches[k] for k, a in zip(study["study_key"], study["arxiv_id"])
                                  if k in matches and a == matches[k]})),
        **_measure_summary("burden", papers, "our_burden", "study_burden"),
        "burden_factor": factor,
        **_measure_summary("ops", operations, "our_operations", "study_operations"),
        "results_both": int(len(results)),
        "results_within": int(results["within"].sum()) if len(results) else 0,
        "results_share_within": _share(results["within"]) if len(results) else math.nan,
        "results_other_row": int(results["matches_other_row"].sum()) if len(results) else 0,
        "results_miss_kinds": ({k: int(n) for k, n in results.loc[~results["within"], "miss_kind"].value_counts().items()}
                               if len(results) else {}),
        "result_tolerance": tolerance,
    }
    return {"summary": summary, "papers": papers, "operations": operations, "results": results,
            "disagreements": disagreements}


def _share(flags: pd.Series) -> float:
    return float(flags.mean()) if len(flags) else math.nan


def _measure_summary(prefix: str, table: pd.DataFrame, ours: str, study: str) -> dict:
    """Counts of one compute measure over the matched papers: on both sides, within the factor, the
    median ours/study, and on one side only."""
    both = table[table["ratio"].notna()]
    return {f"{prefix}_both": int(len(both)),
            f"{prefix}_study_only": int((table[study].notna() & table[ours].isna()).sum()),
            f"{prefix}_ours_only": int((table[study].isna() & table[ours].notna()).sum()),
            f"{prefix}_within": int(both["within"].sum()),
            f"{prefix}_share_within": _share(both["within"]),
            f"{prefix}_median_ratio": float(both["ratio"].median()) if len(both) else math.nan}


def _outside(table: pd.DataFrame) -> list[dict]:
    """The papers whose measure is on both sides and further apart than the factor."""
    return [r for r in table.to_dict("records") if not math.isnan(r["ratio"]) and not r["within"]]


def _largest_row(part: pd.DataFrame, column: str) -> pd.Series | None:
    """The paper's study row with the largest positive `column` (its headline model), if any."""
    positive = part[part[column].notna() & (part[column] > 0)]
    return positive.loc[positive[column].idxmax()] if len(positive) else None


def _positive(value) -> float:
    return float(value) if value is not None and not pd.isna(value) and value > 0 else np.nan


def _ratio_within(ours: float, study: float, factor: float) -> dict:
    ratio = ours / study if not (np.isnan(ours) or np.isnan(study)) else np.nan
    return {"ratio": ratio, "within": bool(not np.isnan(ratio) and 1 / factor <= ratio <= factor)}


def _measure_table(ours: pd.DataFrame, matched: pd.DataFrame, factor: float, column: str,
                   details: Callable[[pd.Series | None, dict], dict], columns: list[str]) -> pd.DataFrame:
    """Per matched paper: the study's largest `column` among its rows (the headline model) against ours,
    their ratio, and what `details(headline row or None, our row)` says each was made of (`columns`)."""
    rows = []
    by_id = {r["arxiv_id"]: r for r in ours.to_dict("records")}
    for arxiv_id, part in matched.groupby("match", sort=True):
        mine = by_id[arxiv_id]
        headline = _largest_row(part, column)
        our_value = _positive(mine.get(column))
        study_value = float(headline[column]) if headline is not None else np.nan
        rows.append({
            "arxiv_id": arxiv_id, "title": mine.get("title"), "study_rows": int(len(part)),
            "study_model": headline["where"] if headline is not None else part.iloc[0]["where"],
            f"study_{column}": study_value, f"our_{column}": our_value, **details(headline, mine),
            **_ratio_within(our_value, study_value, factor),
        })
    return pd.DataFrame(rows, columns=["arxiv_id", "title", "study_rows", "study_model", *columns, "ratio", "within"])


def _burden_table(ours: pd.DataFrame, matched: pd.DataFrame, factor: float) -> pd.DataFrame:
    def details(headline: pd.Series | None, mine: dict) -> dict:
        return {"study_chips": headline["chips"] if headline is not None else "",
                "study_hours": headline["hours"] if headline is not None else np.nan,
                "our_chips": mine.get("chips"), "our_hours": mine.get("hours"),
                "our_evidence": mine.get("burden_evidence") or []}

    return _measure_table(ours, matched, factor, "burden", details,
                          ["study_chips", "study_hours", "study_burden", "our_burden", "our_chips", "our_hours",
                           "our_evidence"])


def _operations_table(ours: pd.DataFrame, matched: pd.DataFrame, factor: float) -> pd.DataFrame:
    """The study's network operations (its row's inputs) against ours (the formula, inputs, evidence and
    why of our count)."""
    def details(headline: pd.Series | None, mine: dict) -> dict:
        return {"study_inputs": headline["operations_inputs"] if headline is not None else {},
                "our_formula": mine.get("operations_formula") or "", "our_inputs": mine.get("operations_inputs") or {},
                "our_evidence": mine.get("operations_evidence") or [], "our_why": mine.get("operations_why") or ""}

    return _measure_table(ours, matched, factor, "operations", details,
                          ["study_inputs", "study_operations", "our_operations", "our_formula", "our_inputs",
                           "our_evidence", "our_why"])


def _results_table(our_results: pd.DataFrame, matched: pd.DataFrame, tolerance: float) -> pd.DataFrame:
    study_scores: dict[tuple, list[tuple[float, str]]] = {}
    links: dict[str, str] = {}
    for row in matched.to_dict("records"):
        links[row["where"]] = str(row.get("link") or "")
        for metric, value in (row["results"] or {}).items():
            if value is not None and not pd.isna(value):
                study_scores.setdefault((row["match"], row["dataset"], metric), []).append((float(value), row["where"]))
    rows = []
    for r in our_results.to_dict("records"):
        scores = study_scores.get((r["arxiv_id"], r["dataset"], r["metric"]))
        if not scores:
            continue
        best, where = max(scores)
        ours = float(r["value"])
        others = [w for v, w in scores if abs(v - ours) <= tolerance and w != where]
        within = abs(ours - best) <= tolerance
        other_metrics = [v for (a, d, m), vs in study_scores.items() if a == r["arxiv_id"] and d == r["dataset"]
                         and m != r["metric"] for v, _w in vs]
        marks = r.get("marks") if isinstance(r.get("marks"), dict) else {}
        alternatives = r.get("alternatives") if isinstance(r.get("alternatives"), list) else []
        kind = "" if within else miss_kind(ours, best, where, bool(others), marks, alternatives, other_metrics,
                                           tolerance, links.get(where, ""))
        rows.append({"arxiv_id": r["arxiv_id"], "dataset": r["dataset"], "metric": r["metric"], "ours": ours,
                     "study": best, "difference": ours - best, "within": within,
                     "matches_other_row": bool(others) and not within,
                     "study_row": where, "other_rows": others, "our_page": r.get("page"),
                     "our_sentence": r.get("sentence"), "study_rows": len(scores), "miss_kind": kind,
                     "our_marks": marks})
    columns = ["arxiv_id", "dataset", "metric", "ours", "study", "difference", "within", "matches_other_row",
               "study_row", "other_rows", "our_page", "our_sentence", "study_rows", "miss_kind", "our_marks"]
    return pd.DataFrame(rows, columns=columns)


# The kinds of headline disagreement (issues 12/13), in the order they are tested.
MISS_KINDS = (
    "another of the study's rows",  # ours is the study's smaller model / other variant of the paper
    "error read as accuracy",  # 100 - ours is the study's value: a metric-direction slip on one side
    "fraction vs percent",
    "the study's other metric",  # ours is the study's top-5 where it records top-1 (or the reverse)
    "ensemble taken, the study records the single model",
    "leaderboard figure taken",
    "another split",
    "another of our candidates",  # the study's value is one we extracted: model size, protocol, abstract vs table
    "not among our candidates",  # a value we did not read
    "not among our candidates; the study read the proceedings version",  # a later version's number
)


def miss_kind(ours: float, study: float, study_row: str, other_row: bool, marks: dict, alternatives: list[dict],
              other_metrics: list[float], tolerance: float, study_link: str = "") -> str:
    """Why our headline differs from the study's, read off both sides: the study's other rows and
    metrics, and our candidates for the benchmark with their run marks (ensemble, single model, split,
    leaderboard)."""
    def close(a: float, b: float) -> bool:
        return abs(a - b) <= tolerance

    if other_row:
        return MISS_KINDS[0]
    if close(100.0 - ours, study):
        return MISS_KINDS[1]
    if close(ours * 100.0, study) or close(ours / 100.0, study):
        return MISS_KINDS[2]
    if any(close(ours, v) for v in other_metrics):
        return MISS_KINDS[3]
    theirs = [a for a in alternatives if close(float(a["value"]), study)]
    if not theirs:
        # The study links a proceedings page rather than arXiv: its number may be a later version's.
        return MISS_KINDS[9] if study_link and "arxiv.org" not in study_link else MISS_KINDS[8]
    alt = max(theirs, key=lambda a: a.get("confidence") or 0.0)
    alt_marks = alt.get("marks") or {}
    study_single = bool(re.search(r"single[-\s]model", study_row, re.I))
    if marks.get("ensemble") and not marks.get("single_model") and (alt_marks.get("single_model") or study_single
                                                                     or not alt_marks.get("ensemble")):
        return MISS_KINDS[4]
    if marks.get("leaderboard") and not alt_marks.get("leaderboard"):
        return MISS_KINDS[5]
    if (marks.get("split") or "") != (alt_marks.get("split") or "") and alt_marks.get("split"):
        return MISS_KINDS[6]
    return MISS_KINDS[7]


def _measure_disagreement(row: dict, factor: float, kind: str, column: str, ours: str, study: str,
                          why: str = "") -> dict:
    """A paper whose compute measure differs beyond the factor, each side with what it was made of."""
    note = f"ours/study {row['ratio']:.3g}, outside {factor:g}x" + (f"; {why}" if why else "")
    return {"arxiv_id": row["arxiv_id"], "kind": kind, "ours": f"{row[f'our_{column}']:.3g} FLOPs ({ours})",
            "study": f"{row[f'study_{column}']:.3g} FLOPs ({study})", "ratio": row["ratio"],
            "our_evidence": row["our_evidence"], "study_row": row["study_model"], "note": note}


def _burden_disagreement(row: dict, factor: float) -> dict:
    return _measure_disagreement(row, factor, "hardware burden", "burden",
                                 f"{_text(row['our_chips'])}, {_hours(row['our_hours'])}",
                                 f"{_text(row['study_chips'])}, {_hours(row['study_hours'])}")


def _operations_disagreement(row: dict, factor: float) -> dict:
    return _measure_disagreement(row, factor, "network operations", "operations", operations_text(row["our_inputs"]),
                                 operations_text(row["study_inputs"]), row["our_why"])


def operations_text(inputs: dict) -> str:
    """What a network-operations count multiplied, in one line for either side (our points and the
    study's rows store the same keys: usecases.imports, analysis.point_operations): "forward 4.1e+09
    x 3 x (training 90 epochs x 1.28e+06)", or "6 x 3.4e+08 parameters x 1.3e+11 tokens"."""
    if not inputs:
        return "inputs not stored"
    if inputs.get("parameters") and inputs.get("tokens"):
        return f"6 x {_number(inputs['parameters'])} parameters x {_number(inputs['tokens'])} tokens"
    forward = f"forward {_number(inputs.get('forward_flops'))}"
    if inputs.get("forward_kind") == "multiadds":
        forward += " (multiply-adds doubled)"
    stages = " + ".join(_examples_text(stage) for stage in inputs.get("stages") or []) or "? examples"
    return f"{forward} x 3 x ({stages})"


def _examples_text(stage: dict) -> str:
    """One stage's examples seen: steps x batch, or epochs x the training set (named when known)."""
    if stage.get("steps") and stage.get("batch_size"):
        seen = f"{stage['steps']:g} steps x batch {stage['batch_size']:g}"
    else:
        named = f" {stage['training_set']}" if stage.get("training_set") else ""
        epochs = f"{stage['epochs']:g}" if stage.get("epochs") is not None else "?"
        seen = f"{epochs} epochs x{named} {_number(stage.get('training_set_size'))}"
    return f"{stage.get('stage') or 'training'} {seen}"


def _number(value) -> str:
    return "?" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.3g}"


def _result_disagreement(row: dict) -> dict:
    note = f"differs by {row['difference']:+.2f}"
    if row["matches_other_row"]:
        note += f"; equals the study's {', '.join(row['other_rows'])}"
    elif row.get("miss_kind"):
        note += f"; {row['miss_kind']}"
    return {"arxiv_id": row["arxiv_id"], "kind": f"{row['dataset']} {row['metric']}", "ours": f"{row['ours']:g}",
            "study": f"{row['study']:g}", "ratio": None,
            "our_evidence": [{"page": row["our_page"], "sentence": row["our_sentence"]}],
            "study_row": row["study_row"], "note": note, "miss_kind": row.get("miss_kind") or ""}


def _text(value) -> str:
    return "?" if value is None or (isinstance(value, float) and math.isnan(value)) or value == "" else str(value)


def _hours(hours) -> str:
    if hours is None or (isinstance(hours, float) and math.isnan(hours)):
        return "? h"
    return f"{hours:.3g} h"
