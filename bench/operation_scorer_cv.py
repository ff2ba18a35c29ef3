"""Would a learned scorer beat the rule confidences on the operation-count fields? (issue 17, step 2)

Labels come from bench/operation_labels.jsonl (a candidate is true when its value matches a value the
paper states for its own models, within 2%; every candidate of a paper that states none is false).
The model is extractors/scoring/train.py's `fit` (L2 logistic regression on the candidates' named
features, the rule confidence as an unpenalised prior). Honest figures only:

  dev CV     5-fold cross-validation grouped by paper over the DEV papers (fit on four fifths, score
             the fifth), pooled; the rules' figure on the same papers beside it;
  held-out   fitted on all DEV papers, applied to the HELD-OUT papers, which it never saw.

    python bench/operation_scorer_cv.py

Precision / recall as bench/score_operations.py counts them (best values at >= 0.5; a paper is found
when one of its stated values is right). Nothing is shipped: this measures whether it would pay.
"""
from __future__ import annotations

import copy
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.score_operations import CORPUS, FIELDS, LABELS, _matches, score  # noqa: E402
from extractors import operations  # noqa: E402
from extractors.pipeline import extract_files  # noqa: E402
from extractors.scoring.train import Example, fit, fold_of  # noqa: E402


def _examples(field: str, papers: dict[str, list], labels: dict[str, dict]) -> list[Example]:
    key = FIELDS[field]
    out = []
    for pid, cands in papers.items():
        truth = [float(item[key]) for item in labels[pid][field]]
        for cand in cands:
            if cand.field == field:
                out.append(Example(pid, cand.features, int(_matches(float(cand.attrs[key]), truth))))
    return out


def _predicted(papers: dict[str, list], models: dict | None) -> dict[str, dict[str, list[tuple[float, float]]]]:
    """Best values per paper after (optionally) replacing the rule confidence by the model's."""
    out = {}
    for pid, cands in papers.items():
        cands = [copy.copy(c) for c in cands]
        for cand in cands:
            cand.features = dict(cand.features)
            rule = cand.features.get("rule_confidence", cand.confidence)
            cand.confidence = models[cand.field].probability(cand.features) if models else float(rule)
        operations.select_best(cands)
        out[pid] = {f: [(float(c.attrs[k]), c.confidence) for c in cands if c.field == f and c.is_best]
                    for f, k in FIELDS.items()}
    return out


def _line(name: str, table: dict) -> str:
    cells = []
    for field, row in table.items():
        p = "-" if row["precision"] is None else f"{row['precision']:.3f}"
        r = "-" if row["recall"] is None else f"{row['recall']:.3f}"
        cells.append(f"{field} P {p} ({row['predicted']}) R {r} ({row['papers_found']}/{row['papers_stating']})")
    return f"  {name:<8}" + "   ".join(cells)


def main() -> None:
    labels = {json.loads(line)["arxiv_id"]: json.loads(line) for line in LABELS.read_text().splitlines() if line.strip()}
    papers: dict[str, list] = {}
    for path, extraction in extract_files([CORPUS / f"{pid}.pdf" for pid in labels], workers=2):
        papers[path.stem] = [c for c in getattr(extraction, "candidates", []) if c.field in FIELDS]
    dev = {pid: c for pid, c in papers.items() if labels[pid]["split"] == "dev"}
    held = {pid: c for pid, c in papers.items() if labels[pid]["split"] == "held_out"}
    folds = fold_of(sorted(dev), 5)
    cv_predicted: dict = {}
    for k in range(5):
        train = {pid: c for pid, c in dev.items() if folds[pid] != k}
        test = {pid: c for pid, c in dev.items() if folds[pid] == k}
        models = {f: fit(f, _examples(f, train, labels), excluded={"rule_confidence"}) for f in FIELDS}
        cv_predicted.update(_predicted(test, models))
    models = {f: fit(f, _examples(f, dev, labels), excluded={"rule_confidence"}) for f in FIELDS}
    dev_labels = [labels[pid] for pid in sorted(dev)]
    held_labels = [labels[pid] for pid in sorted(held)]
    print("DEV (5-fold CV grouped by paper)")
    print(_line("rules", score(dev_labels, _predicted(dev, None), 0.5)))
    print(_line("learned", score(dev_labels, cv_predicted, 0.5)))
    print("HELD-OUT (model fitted on the dev papers only)")
    print(_line("rules", score(held_labels, _predicted(held, None), 0.5)))
    print(_line("learned", score(held_labels, _predicted(held, models), 0.5)))
    for field, model in models.items():
        top = ", ".join(f"{name} {weight:+.2f}" for name, weight in model.weight_table()[:8])
        print(f"  {field}: {len(model.columns)} columns; largest weights: {top}")


if __name__ == "__main__":
    main()
