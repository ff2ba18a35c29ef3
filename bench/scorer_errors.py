"""The learned scorer's held-out errors: every false positive and false negative of the grouped
cross-validation (extractors/scoring/train.py `out_of_fold`), with paper, page, section, value,
out-of-fold probability, the paper's labels and the sentence, so a reviewer can see what kind of
mistake each one is.

    python bench/scorer_errors.py                        # hardware and training_time, fold seed 0
    python bench/scorer_errors.py --field hardware --seeds 0,1,2
    python bench/scorer_errors.py --summary              # P/R per seed and summed, no listing
    python bench/scorer_errors.py --ablate speedup_cue   # with a cue switched off (re-extracts)

A false positive is an emitted value (selected, probability >= 0.5) that matches no label. A false
negative is a label no emitted value matches; it says why: no candidate of that value was generated,
the best one scored below 0.5, or it lost in the selection. Needs ../shared/corpus; candidates come
from the scorer cache (data/scorer-cache), extracted on the first run.
"""
from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractors import cues  # noqa: E402
from extractors.scoring import train as training  # noqa: E402
from extractors.scoring.cache import CandidateCache  # noqa: E402
from extractors.scoring.labels import is_scored, same  # noqa: E402

CORPUS = REPO.parent / "shared" / "corpus"


def describe(field: str, item: dict) -> str:
    if field == "hardware":
        return f"{item.get('count')} {item.get('chip')} {item.get('unit', 'chips')}"
    if field == "training_time":
        return f"{item.get('hours')} h {item.get('kind', 'wall')}" + (
            f" {item['hours_range']}" if item.get("hours_range") else "")
    return str(item)


def sentence_of(cand, width: int = 110) -> str:
    ev = cand.evidence
    text = ev.sentence
    marked = text[:ev.char_start] + "[[" + text[ev.char_start:ev.char_end] + "]]" + text[ev.char_end:]
    lo = max(0, ev.char_start - 220)
    snippet = ("..." if lo else "") + marked[lo:ev.char_end + 224] + ("..." if ev.char_end + 224 < len(marked) else "")
    return textwrap.indent(textwrap.fill(snippet, width), "      ")


def errors(field: str, held_out, gold: dict[str, dict]) -> tuple[list, list]:
    """(false positives, false negatives) of the held-out papers: FP = (paper, candidate, labels),
    FN = (paper, label, reason, best matching candidate or None)."""
    fps, fns = [], []
    for paper in held_out:
        labels = gold[paper.paper_id][field]
        emitted = [c for c in paper.candidates if c.is_best and c.confidence >= 0.5 and is_scored(field, c.attrs)]
        for cand in emitted:
            if not any(same(field, cand.attrs, lab) for lab in labels):
                fps.append((paper, cand, labels))
        for lab in labels:
            if any(same(field, c.attrs, lab) for c in emitted):
                continue
            matching = sorted((c for c in paper.candidates if same(field, c.attrs, lab)), key=lambda c: -c.confidence)
            if not matching:
                reason = "not generated"
            elif matching[0].confidence < 0.5:
                reason = f"scored {matching[0].confidence:.2f} < 0.5"
            else:
                reason = "lost in selection"
            fns.append((paper, lab, reason, matching[0] if matching else None))
    return fps, fns


def print_errors(field: str, fps: list, fns: list) -> None:
    print(f"\n==== {field}: {len(fps)} false positives")
    for paper, cand, labels in sorted(fps, key=lambda e: (e[0].paper_id, e[1].evidence.page)):
        f = cand.features
        print(f"- {paper.paper_id} p{cand.evidence.page} [{cand.evidence.section}] emitted {describe(field, cand.attrs)}"
              f"  p={cand.confidence:.2f} rule={f.get('rule_confidence')}  labels: "
              f"{'; '.join(describe(field, lab) for lab in labels) or 'none'}")
        print(sentence_of(cand))
    print(f"\n==== {field}: {len(fns)} false negatives")
    for paper, lab, reason, cand in sorted(fns, key=lambda e: e[0].paper_id):
        where = f" p{cand.evidence.page} [{cand.evidence.section}] rule={cand.features.get('rule_confidence')}" if cand else ""
        print(f"- {paper.paper_id} label {describe(field, lab)}: {reason}{where}")
        if cand is not None:
            print(sentence_of(cand))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS)
    parser.add_argument("--field", action="append", help="hardware, training_time, results, stated_compute "
                        "(repeatable; default hardware and training_time)")
    parser.add_argument("--seeds", default="0", help="fold seeds, comma-separated (errors listed for each)")
    parser.add_argument("--cv", type=int, default=5)
    parser.add_argument("--summary", action="store_true", help="P/R only, no error listing")
    parser.add_argument("--ablate", default="", help="rules to switch off (cues.ablate), comma-separated")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    if not (args.corpus / "gold-dev.jsonl").is_file():
        print(f"no labelled corpus at {args.corpus}", file=sys.stderr)
        return 2
    if args.ablate:
        cues.ablate(args.ablate.split(","))
    papers = training.corpus_papers(sorted((args.corpus / "pdfs").glob("*.pdf")), CandidateCache(),
                                    workers=args.workers, log=lambda m: print(m, file=sys.stderr))
    gold = training.load_gold(args.corpus / "gold-dev.jsonl")
    seeds = [int(s) for s in args.seeds.split(",") if s.strip()]
    for field in args.field or ["hardware", "training_time"]:
        totals = {"fp": 0, "fn": 0, "emitted": 0, "labels": 0}
        for seed in seeds:
            held_out = training.out_of_fold(field, papers, gold, args.cv, seed=seed)
            fps, fns = errors(field, held_out, gold)
            emitted = sum(1 for p in held_out for c in p.candidates
                          if c.is_best and c.confidence >= 0.5 and is_scored(field, c.attrs))
            labels = sum(len(gold[p.paper_id][field]) for p in held_out)
            totals = {"fp": totals["fp"] + len(fps), "fn": totals["fn"] + len(fns),
                      "emitted": totals["emitted"] + emitted, "labels": totals["labels"] + labels}
            print(f"{field} seed {seed}: P {1 - len(fps) / max(emitted, 1):.3f} ({emitted} emitted, {len(fps)} FP)"
                  f"  R {1 - len(fns) / max(labels, 1):.3f} ({labels} labels, {len(fns)} FN)")
            if not args.summary:
                print_errors(field, fps, fns)
        if len(seeds) > 1:
            p = 1 - totals["fp"] / max(totals["emitted"], 1)
            r = 1 - totals["fn"] / max(totals["labels"], 1)
            print(f"{field} seeds {args.seeds}: P {p:.3f} R {r:.3f} F1 {2 * p * r / (p + r) if p + r else 0:.3f} "
                  f"({totals['emitted']} emitted, {totals['fp']} FP, {totals['fn']} FN)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
