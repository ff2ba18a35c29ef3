"""How the extractors read sentences from papers nobody tuned them on: the quotes in Epoch AI's notes.

Epoch's "All ML Systems" table (../shared/reference/epoch/all_ml_systems.csv, CC BY 4.0) explains many
of its figures by quoting the paper in double quotes ("We trained on 256 H100 GPUs for 12 days").
Those quotes are real sentences from hundreds of papers (mostly 2020-2026) that no rule here was
written for, with Epoch's hand-entered values beside them. This bench feeds each quote to the real
extractors as a one-paragraph document (the model's name as its title, so own-model cues work as they
would in the paper) and compares what comes out with Epoch's values:

    python bench/epoch_quotes.py               # the summary per field
    python bench/epoch_quotes.py --show missed # every quote whose value we did not read (or: wrong, all)
    python bench/epoch_quotes.py --half read --show missed   # only the half whose quotes may be read

The quotes fall into two halves by a hash of the model's name (all quotes of one model in one half):
"read" may be looked at to find forms the extractors miss; "blind" is never printed (--show refuses it),
so its figures stay a measurement of rules written without it. Both halves are always scored.

Only quotes that contain Epoch's value can be scored (a quote of the time "12 days" scores time; its
GPU count is scored only when the number Epoch entered appears in the quote), so this measures the
*forms* the extractors read (recall) and what they read wrongly from a sentence (precision at 0.5);
choosing between several set-ups in one paper is measured on ../shared/corpus instead.
This is a measurement: never copy these quotes into tests or rules (tests use our own sentences).
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from extractors import chips, scoring  # noqa: E402
from extractors.document import DocumentText, Sentence  # noqa: E402
from extractors.pipeline import generate_candidates  # noqa: E402
from extractors.sentences import split_sentences  # noqa: E402

EPOCH = REPO / ".." / "shared" / "reference" / "epoch" / "all_ml_systems.csv"
QUOTE = re.compile(r"[\"“]([^\"“”]{25,600})[\"”]")
# The notes columns quoted, and the fields each one is about (a number in a parameters note that
# happens to equal the GPU count says nothing about the hardware reader).
COLUMN_FIELDS = {
    "Training time notes": ("hardware", "training_time", "stated_compute"),
    "Training compute notes": ("hardware", "training_time", "stated_compute"),
    "Notability criteria notes": ("hardware", "training_time", "stated_compute"),
    "Utilization notes": ("hardware", "training_time", "stated_compute"),
    "Parameters notes": ("parameters",),
    "Dataset size notes": ("training_tokens",),
}
NOTE_COLUMNS = tuple(COLUMN_FIELDS)
_SCALES = (1.0, 1e3, 1e6, 1e9, 1e12)
MIN_CONFIDENCE = 0.5


@dataclass
class Quote:
    model: str
    text: str
    hours: float | None
    count: int | None
    chip: str | None  # our catalog's canonical name of Epoch's "Training hardware" (first chip)
    flops: float | None  # Epoch's training compute when Epoch says it is reported by the paper
    parameters: float | None = None
    tokens: float | None = None  # Epoch's training-set size in datapoints, for language models (tokens)
    column: str = ""  # the notes column quoting it: a field is scored only on the columns about it
    outcome: dict[str, str] = field(default_factory=dict)


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _numbers_in(text: str) -> list[float]:
    out = []
    for raw in re.findall(r"\d[\d,]*(?:\.\d+)?", text):
        try:
            out.append(float(raw.replace(",", "")))
        except ValueError:
            pass
    return out


def load_quotes(path: Path = EPOCH) -> list[Quote]:
    quotes: list[Quote] = []
    seen: set[str] = set()
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            hardware = (row.get("Training hardware") or "").split(",")[0].strip()
            chip = chips.canonical_name(re.sub(r"^(?:NVIDIA|Google|AMD|Huawei)\s+", "", hardware)) if hardware else None
            reported = "Reported" in (row.get("Training compute estimation method") or "")
            language = "Language" in (row.get("Domain") or "")
            count = _number(row.get("Hardware quantity"))
            for column in NOTE_COLUMNS:
                for text in QUOTE.findall(row.get(column) or ""):
                    text = " ".join(text.split())
                    if text in seen:
                        continue
                    seen.add(text)
                    quotes.append(Quote(
                        model=row.get("Model", ""), text=text, hours=_number(row.get("Training time (hours)")),
                        count=int(count) if count else None, chip=chip,
                        flops=_number(row.get("Training compute (FLOP)")) if reported else None,
                        parameters=_number(row.get("Parameters")),
                        tokens=_number(row.get("Training dataset size (datapoints)")) if language else None,
                        column=column))
    return quotes


def half_of(quote: Quote) -> str:
    """'read' or 'blind', stable across runs and machines (not Python's salted hash)."""
    return "read" if hashlib.sha1(quote.model.encode("utf-8")).digest()[0] % 2 == 0 else "blind"


def extract(quote: Quote):
    sentences = [Sentence(1, text, "experiments", i) for i, (_, text) in enumerate(split_sentences(quote.text))]
    doc = DocumentText(arxiv_id=None, pages=[quote.text], title=quote.model, sentences=sentences)
    candidates = generate_candidates(doc)
    scoring.score_and_select(candidates)
    return candidates


def _close(a: float, b: float, tolerance: float) -> bool:
    return abs(a - b) <= tolerance * max(abs(b), 1e-9)


def judge(quote: Quote, candidates) -> dict[str, str]:
    """Per field: 'right' (a best value at >= 0.5 matches Epoch's), 'wrong' (best values, none match),
    'missed' (none at 0.5 although the quote holds Epoch's value), 'unscored' (the quote lacks it)."""
    best = {f: [c for c in candidates if c.field == f and c.is_best and c.confidence >= MIN_CONFIDENCE]
            for f in ("hardware", "training_time", "stated_compute", "parameters", "training_tokens")}
    numbers = _numbers_in(quote.text)
    about = COLUMN_FIELDS.get(quote.column, ())
    out = {}
    if "hardware" not in about:
        return _judge_operation_inputs(quote, best, numbers, about)
    # Time: scored when Epoch's hours, or that many days, appear in the quote (wall-clock or chip time).
    if quote.hours and any(_close(n * k, quote.hours, 0.02) for n in numbers for k in (1, 24, 24 * 7, 1 / 60)):
        out["training_time"] = _verdict([c.attrs["hours"] for c in best["training_time"]],
                                        lambda v: _close(v, quote.hours, 0.2))
    # Hardware count: scored when Epoch's quantity appears in the quote.
    if quote.count and any(n == quote.count for n in numbers):
        out["hardware_count"] = _verdict([c.attrs["count"] for c in best["hardware"]], lambda v: v == quote.count)
    # Set-up (chip and count): scored when the quote names Epoch's chip (one our catalog knows) and count.
    if "hardware_count" in out and quote.chip and _names_chip(quote.text, quote.chip):
        out["hardware"] = _verdict([(c.attrs["chip"], c.attrs["count"]) for c in best["hardware"]],
                                   lambda v: chips.canonical_name(v[0]) == quote.chip and v[1] == quote.count)
    # Stated compute: scored when Epoch marks the figure as reported and the quote holds its mantissa.
    if quote.flops and re.search(r"(?i)flop|pf-?days|petaflop", quote.text):
        mantissa = f"{quote.flops:.2e}".split("e")[0].rstrip("0").rstrip(".")
        if mantissa in quote.text.replace(",", ""):
            out["stated_compute"] = _verdict([c.attrs["flops"] for c in best["stated_compute"]],
                                             lambda v: _close(v, quote.flops, 0.05))
    return out


def _judge_operation_inputs(quote: Quote, best: dict, numbers: list[float], about: tuple[str, ...]) -> dict[str, str]:
    """Parameters and training tokens: scored when the quote writes Epoch's figure (any scale word)."""
    out = {}
    for name, truth, key in (("parameters", quote.parameters, "parameters"), ("training_tokens", quote.tokens, "tokens")):
        if name in about and truth and any(_close(n * scale, truth, 0.02) for n in numbers for scale in _SCALES):
            out[name] = _verdict([c.attrs[key] for c in best[name]], lambda v, t=truth: _close(v, t, 0.05))
    return out


def _names_chip(text: str, chip: str) -> bool:
    core = re.sub(r"[^A-Za-z0-9]", "", chip).lower()
    squashed = re.sub(r"[^A-Za-z0-9]", "", text).lower()
    return bool(core) and core in squashed


def _verdict(values: list, matches) -> str:
    if not values:
        return "missed"
    return "right" if any(matches(v) for v in values) else "wrong"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, default=EPOCH)
    parser.add_argument("--show", choices=("missed", "wrong", "all"), help="print these quotes with what we read")
    parser.add_argument("--half", choices=("read", "blind"), help="--show only this half (the blind one never)")
    args = parser.parse_args(argv)
    if args.show and args.half != "read":
        parser.error("--show prints only the read half: add --half read (the blind half stays unread)")
    if not args.csv.exists():
        print(f"no Epoch table at {args.csv}: this bench needs ../shared beside the repo", file=sys.stderr)
        return 2
    quotes = load_quotes(args.csv)
    tallies: dict[str, dict[str, Counter]] = {"blind": {}, "read": {}, "all": {}}
    for quote in quotes:
        candidates = extract(quote)
        quote.outcome = judge(quote, candidates)
        half = half_of(quote)
        for name, verdict in quote.outcome.items():
            for group in (half, "all"):
                tallies[group].setdefault(name, Counter())[verdict] += 1
        if args.show and half == "read" and any(args.show == "all" or v == args.show for v in quote.outcome.values()):
            read = sorted({f"{c.field}={c.attrs} ({c.confidence:.2f})" for c in candidates
                           if c.field in ("hardware", "training_time", "stated_compute", "parameters",
                                          "training_tokens") and c.is_best})
            print(f"[{quote.model}] epoch: hours={quote.hours} count={quote.count} chip={quote.chip} "
                  f"flops={quote.flops}\n  {quote.text}\n  read: {'; '.join(read) or '-'}\n  {quote.outcome}\n")
    print(f"{len(quotes)} quotes from Epoch's notes; scored where the quote holds Epoch's value; best values at "
          f">= {MIN_CONFIDENCE}")
    for group in ("blind", "read", "all"):
        print(f"{group.upper()} half" if group != "all" else "ALL quotes")
        print(f"  {'field':16} {'scored':>6} {'right':>6} {'wrong':>6} {'missed':>6}   recall  precision")
        for name in ("hardware", "hardware_count", "training_time", "stated_compute", "parameters", "training_tokens"):
            c = tallies[group].get(name, Counter())
            scored = sum(c.values())
            read = c["right"] + c["wrong"]
            print(f"  {name:16} {scored:6} {c['right']:6} {c['wrong']:6} {c['missed']:6}   "
                  f"{c['right'] / scored if scored else 0:6.2f}  {c['right'] / read if read else 0:9.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
