"""Leave-one-paper-out for the hand-written rules: each paper is scored by the rules that the OTHER
papers would have motivated, on the operation-count fields (forward FLOPs, parameters, epochs: our
labels) and on the shared scorer's fields (hardware, training time, results, stated compute:
../shared/corpus/gold-dev.jsonl, matched by ../shared/eval/score.py).

A hand-written rule is "trained" on the papers whose errors it fixes. So, per rule switch (every
`cues.ablated("...")` name in extractors/), this bench measures which corpus papers the rule improves:
a paper's utility is, over every labelled field, right values minus wrong values plus one per field in
which it finds a labelled value (bench/score_operations.py's counting; score.py's matching for its
fields), and the rule supports the papers whose utility falls when it is switched off. When paper P is scored, every rule that no paper
but P supports is switched off: without P such a rule would not have been written. A rule that
improves no corpus paper at all came from elsewhere (the synthetic corpus, a general reading) and stays
on everywhere; a rule that helps P but hurts Q stays on when Q is scored. Epoch's quotes
(bench/epoch_quotes.py: real sentences of hundreds of other papers) count as one more source: a rule
that reads more of them right was not written from P alone.

    python bench/leave_papers_out.py               # the sweep (one corpus run per rule), then the table
    python bench/leave_papers_out.py --json        # with the rules each paper was scored without
    python bench/leave_papers_out.py --cache /tmp/lopo.json   # keep the sweep; a second run reuses it

What this does not cover, and says so in the README: patterns without a switch (the base forms such as
"25.6M parameters") count as general; confidence weights tuned on the corpus as a whole are not
re-tuned per fold, nor is the learned scorer that picks the hardware, time and result values (its own
cross-validation is `progress scorer train`'s); two rules that only help together are each judged alone.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.epoch_quotes import EPOCH, extract, judge, load_quotes  # noqa: E402
from bench.score_operations import CORPUS, FIELDS, LABELS, _matches, predictions, score  # noqa: E402
from extractors import cues  # noqa: E402

GOLD = CORPUS.parent / "gold-dev.jsonl"
SHARED_SCORER = CORPUS.parent.parent / "eval" / "score.py"
CACHE_FORMAT = 2  # 2: every field (the shared scorer's too); 1 had the operation fields only


def shared_scorer():
    """../shared/eval/score.py as a module: its matching (`same`), fields and benchmarks."""
    spec = importlib.util.spec_from_file_location("shared_score", SHARED_SCORER)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module

_SWITCH = re.compile(r"""ablated\(\s*["']([a-z0-9_]+)["']""")


def rule_switches(root: Path = REPO / "extractors") -> list[str]:
    """Every rule name the extractors switch on `cues.ablated`, read from their source."""
    names: set[str] = set()
    for path in sorted(root.rglob("*.py")):
        names.update(_SWITCH.findall(path.read_text(encoding="utf-8")))
    return sorted(names)


def utility(label: dict, predicted: dict, min_confidence: float) -> int:
    """Right values minus wrong values, plus one per field where a stated value is found."""
    total = 0
    for field, key in FIELDS.items():
        truth = [float(item[key]) for item in label[field]]
        values = [v for v, c in predicted.get(field, []) if c >= min_confidence]
        right = sum(1 for v in values if _matches(v, truth))
        total += right - (len(values) - right) + (1 if truth and right else 0)
    return total


def gold_utility(gold: dict, predicted: dict, min_confidence: float, scorer) -> int:
    """The same count on the shared scorer's fields, as `scorer.score` filters and matches them (one
    paper scored alone: its right predictions are precision x predictions)."""
    total = 0
    for row in scorer.score({"paper": gold}, {"paper": predicted.get("scored", {})}, min_confidence).values():
        right = round((row["precision"] or 0.0) * row["predictions"])
        total += right - (row["predictions"] - right) + (1 if row["recall"] else 0)
    return total


OUTSIDE = "epoch-quotes"  # the sentences of Epoch's notes (bench/epoch_quotes.py), scored as one more source


def outside_utility(quotes: list) -> int:
    """Right minus wrong values over every scored field of Epoch's quotes (both halves: only the counts
    are used, no quote is printed)."""
    total = 0
    for quote in quotes:
        for verdict in judge(quote, extract(quote)).values():
            total += {"right": 1, "wrong": -1}.get(verdict, 0)
    return total


def _run(paths: list[Path], workers: int, rules: list[str]) -> dict:
    cues.ablate(rules)  # forked workers inherit it
    try:
        return predictions(paths, workers)[0]
    finally:
        cues.ablate([])


def paper_utility(label: dict, gold: dict, predicted: dict, min_confidence: float, scorer) -> int:
    """A paper's utility over every labelled field: the operation counts and the shared scorer's."""
    return utility(label, predicted, min_confidence) + gold_utility(gold, predicted, min_confidence, scorer)


def sweep(labels: list[dict], gold: dict[str, dict], paths: list[Path], workers: int, min_confidence: float,
          rules: list[str]) -> tuple[dict, dict[str, dict[str, list[str]]]]:
    """The full run's predictions, and per rule the papers it supports and the papers it hurts."""
    scorer = shared_scorer()
    base = _run(paths, workers, [])
    quotes = load_quotes(EPOCH) if EPOCH.exists() else []
    outside = outside_utility(quotes)
    effects = {}

    def value(label: dict, run: dict) -> int:
        pid = label["arxiv_id"]
        return paper_utility(label, gold.get(pid, {}), run.get(pid, {}), min_confidence, scorer)
    for i, rule in enumerate(rules, 1):
        print(f"  [{i}/{len(rules)}] {rule}", file=sys.stderr)
        without = _run(paths, workers, [rule])
        gain = {label["arxiv_id"]: value(label, base) - value(label, without) for label in labels}
        if quotes:
            cues.ablate([rule])
            try:
                gain[OUTSIDE] = outside - outside_utility(quotes)
            finally:
                cues.ablate([])
        effects[rule] = {"supports": [p for p, g in gain.items() if g > 0],
                         "hurts": [p for p, g in gain.items() if g < 0]}
    return base, effects


def rules_only_supported_by(effects: dict[str, dict[str, list[str]]]) -> dict[str, list[str]]:
    """Paper -> the rules no other paper (and not Epoch's quotes) supports."""
    only: dict[str, list[str]] = {}
    for rule, effect in effects.items():
        if len(effect["supports"]) == 1 and effect["supports"][0] != OUTSIDE:
            only.setdefault(effect["supports"][0], []).append(rule)
    return only


def left_out_predictions(labels: list[dict], base: dict, effects: dict[str, dict[str, list[str]]]
                         ) -> tuple[dict, dict[str, list[str]]]:
    """Each paper's predictions with the rules only it supports switched off."""
    only = rules_only_supported_by(effects)
    out = {}
    for label in labels:
        pid = label["arxiv_id"]
        rules = sorted(only.get(pid, []))
        out[pid] = _run([CORPUS / f"{pid}.pdf"], 1, rules).get(pid, {}) if rules else base.get(pid, {})
    return out, only


def _table(name: str, table: dict) -> list[str]:
    lines = [name, f"  {'field':<14}{'precision':>10}{'predicted':>10}{'recall':>8}  papers found/stating"]
    for field, row in table.items():
        precision = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        recall = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        lines.append(f"  {field:<14}{precision:>10}{row['predicted']:>10}{recall:>8}  "
                     f"{row['papers_found']}/{row['papers_stating']}")
    return lines


def _pr(row: dict) -> str:
    fmt = lambda x: "-" if x is None else f"{x:.3f}"  # noqa: E731
    return f"P {fmt(row['precision'])} R {fmt(row['recall'])} ({row['predictions']}/{row['labels']})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-confidence", type=float, default=0.5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cache", type=Path, help="a JSON file for the sweep: written once, then reused")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    labels = [json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()]
    paths = [CORPUS / f"{label['arxiv_id']}.pdf" for label in labels]
    if not all(p.exists() for p in paths):
        print(f"corpus PDFs missing under {CORPUS}: this bench needs ../shared beside the repo", file=sys.stderr)
        return 2
    if not GOLD.exists() or not SHARED_SCORER.exists():
        print(f"{GOLD} or {SHARED_SCORER} missing: this bench needs ../shared beside the repo", file=sys.stderr)
        return 2
    gold = {row["arxiv_id"]: row for row in map(json.loads, GOLD.read_text().splitlines()) if row}
    rules = rule_switches()
    if args.cache and args.cache.exists():
        cached = json.loads(args.cache.read_text())
        if cached.get("format") != CACHE_FORMAT or sorted(cached["effects"]) != rules:
            print(f"{args.cache} was swept with other rules or an older format: delete it and run again",
                  file=sys.stderr)
            return 2
        base, effects = cached["base"], cached["effects"]
    else:
        base, effects = sweep(labels, gold, paths, args.workers, args.min_confidence, rules)
        if args.cache:
            args.cache.write_text(json.dumps({"format": CACHE_FORMAT, "base": base, "effects": effects}))
    left_out, only = left_out_predictions(labels, base, effects)
    scorer = shared_scorer()
    scored = lambda run: {pid: p.get("scored", {}) for pid, p in run.items()}  # noqa: E731
    report = {"leave_one_paper_out": score(labels, left_out, args.min_confidence),
              "in_sample": score(labels, base, args.min_confidence),
              "scored_fields": {"leave_one_paper_out": scorer.score(gold, scored(left_out), args.min_confidence),
                                "in_sample": scorer.score(gold, scored(base), args.min_confidence)},
              "rules_supported_by_one_paper": only,
              "rules_supported_by_several": {r: e["supports"] for r, e in effects.items() if len(e["supports"]) > 1},
              "rules_improving_no_paper": sorted(r for r, e in effects.items() if not e["supports"]),
              "papers_each_rule_hurts": {r: e["hurts"] for r, e in effects.items() if e["hurts"]}}
    if args.json:
        print(json.dumps(report, indent=1))
        return 0
    print(f"{len(labels)} papers, {len(rules)} rule switches")
    print("\n".join(_table("LEAVE ONE PAPER OUT (the rules only that paper supports switched off)",
                           report["leave_one_paper_out"])))
    print("\n".join(_table("IN-SAMPLE (every rule on)", report["in_sample"])))
    print("the shared scorer's fields (../shared/eval/score.py semantics), leave one paper out | in-sample:")
    for field, row in report["scored_fields"]["leave_one_paper_out"].items():
        ins = report["scored_fields"]["in_sample"][field]
        print(f"  {field:<15}{_pr(row):>24}  | {_pr(ins)}")
    print("rules supported by one paper (switched off when it is scored), with the papers each hurts:")
    for pid, names in sorted(only.items()):
        print(f"  {pid}: " + ", ".join(f"{n} (hurts {', '.join(effects[n]['hurts'])})" if effects[n]["hurts"] else n
                                       for n in sorted(names)))
    hurting = {r: e["hurts"] for r, e in effects.items() if e["hurts"] and len(e["supports"]) != 1}
    for rule, papers in sorted(hurting.items()):
        print(f"  also hurting: {rule} (supports {len(effects[rule]['supports'])}, hurts {', '.join(papers)})")
    print(f"rules supported by several papers: {len(report['rules_supported_by_several'])}; "
          f"improving none on the corpus (kept everywhere): {len(report['rules_improving_no_paper'])}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
