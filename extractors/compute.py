"""Stated training compute ("3.1e23 FLOPs", "1,000 petaflop/s-days") and chip throughput ("125 TFLOPS").

Both are numbers with unit words, so regexes over the sentence are the right tool. Total compute and
per-example cost share the unit "FLOPs": a training total must be large (>= 1e15) and sit near
training/compute words; "FLOPS"/"FLOP/s"/"teraflops" with a rate prefix are throughput.
"""
from __future__ import annotations

import math
import re

from extractors import chips, cues
from extractors.document import Sentence
from extractors.nlp import index_for, prefilter
from extractors.numbers import parse_number
from extractors.records import Candidate, Evidence

COMPUTE_VERSION = "stated_compute@0.4"
THROUGHPUT_VERSION = "throughput@0.2"

_MANTISSA = r"(?P<mant>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)"
_EXPONENT = r"(?:\s*[eE]\s*(?P<e1>[+\-−]?\d{1,3})|\s*[x×·∗*]\s*10\s*\^?\s*(?P<e2>[+\-−]?\d{1,3}))"
_SCALE_WORDS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "quadrillion": 1e15,
                "quintillion": 1e18, "sextillion": 1e21}
_FLOP_PREFIX = {"": 1.0, "kilo": 1e3, "k": 1e3, "mega": 1e6, "m": 1e6, "giga": 1e9, "g": 1e9, "tera": 1e12, "t": 1e12,
                "peta": 1e15, "p": 1e15, "exa": 1e18, "e": 1e18, "zetta": 1e21, "z": 1e21, "yotta": 1e24, "y": 1e24}

# Total operations: "3.1e23 FLOPs", "2.5 × 10^22 FLOPs", "3.64E+23", "2.14E+21 FLOPs", "1.2 zettaFLOPs".
TOTAL_FLOPS = re.compile(
    rf"{_MANTISSA}(?:{_EXPONENT}|\s*(?P<scale>thousand|million|billion|trillion|quadrillion|quintillion|sextillion))?"
    r"\s*(?P<prefix>kilo|mega|giga|tera|peta|exa|zetta|yotta)?\s*(?P<unit>FLOPs|FLOPS|FLOP|flops|floating[- ]point operations|"
    r"operations)\b(?!\s*/\s*s|\s+per\s+second)",
)
# A power of ten alone: "10^22 FLOPs", "10^{21} FLOP", and "1022 FLOPs" where the PDF's text layer
# flattened the superscript (no training total is a four-digit count of operations).
BARE_POWER = re.compile(r"(?<![\d.,^])10\s?(?:\^\s?\{?)?(?P<exp>1[5-9]|2\d|30)\}?\s*(?P<unit>FLOPs|FLOPS|FLOP|flops)\b"
                        r"(?!\s*/\s*s|\s+per\s+second)")
# "1,000 petaflop/s-days", "3.64E+03 PF-days", "12 pfs-days".
PF_DAYS = re.compile(
    rf"{_MANTISSA}(?:{_EXPONENT})?\s*(?:petaflop/s|petaflops?|PF|pfs?|PFLOP/s)[\s\-·]*(?:days?|-days?)\b",
    re.IGNORECASE,
)
# Rates: "125 TFLOPS", "420 teraflops", "147 TFLOP/s per GPU", "15.7 TFLOP/s".
RATE = re.compile(
    rf"{_MANTISSA}\s*(?P<prefix>T|P|G|E|tera|peta|giga|exa)\s*-?\s*(?:FLOPS|FLOP/s|flops|flop/s|FLOPs/s|OPS|ops)\b",
)
PREFILTER = re.compile(r"flop|floating[- ]point|operations|pf-?days|pfs-days", re.IGNORECASE)
_KEYWORDS = ("flop", "floating", "operations", "pf", "ops")
_COMPUTE_CUE = re.compile(r"\b(?:train(?:s|ed|ing)?|pre-?train\w*|compute|computation|cost|budget|total|search|"
                          r"required|requires|used|uses|consum\w+)\b", re.IGNORECASE)
_PER_EXAMPLE = re.compile(r"\b(?:per (?:image|example|token|sample|input|forward|inference|step|iteration|sequence)|"
                          r"inference|forward pass|multiply-adds|madds|mult-adds|latency)\b", re.IGNORECASE)


# A table cell in scientific notation without a unit word: "2.3 · 10^19", "3.3 × 10^18", "1.2e20".
_SCI_CELL = re.compile(rf"(?<![\w.]){_MANTISSA}{_EXPONENT}(?![\w.])")
_COMPUTE_COLUMN = re.compile(r"\bFLOPs?\b|training cost|train(?:ing)? compute|compute \(", re.IGNORECASE)
# Lower-case substrings one of which every _COMPUTE_COLUMN match holds (a case-insensitive regex over
# every sentence costs more than the rest of this extractor).
_COMPUTE_COLUMN_WORDS = ("flop", "training cost", "train compute", "training compute", "compute (")


def extract_table_compute(sentences: list[Sentence], *, own_names: frozenset[str] = frozenset(),
                          title_vocabulary: frozenset[str] = frozenset()) -> list[Candidate]:
    """Training compute in a results table ("Transformer (big) 28.4 41.8 2.3 · 10^19" under a
    "Training Cost (FLOPs)" header): only rows labelled with the paper's own model, only on pages
    whose table or caption names a FLOPs/training-cost column."""
    pages_with_column = {s.page for s in index_for(sentences).containing(_COMPUTE_COLUMN_WORDS)
                         if s.section in ("table", "caption", "body", "experiments") and _COMPUTE_COLUMN.search(s.text)}
    out: list[Candidate] = []
    for sentence in sentences:
        if sentence.section != "table" or sentence.page not in pages_with_column:
            continue
        previous_end = 0
        row_is_own = False
        for match in _SCI_CELL.finditer(sentence.text):
            label = sentence.text[previous_end:match.start()]
            words = re.findall(r"[A-Za-z][A-Za-z\-]+", label)
            if words:
                row_is_own = cues.row_label_is_own(" ".join(words), own_names, title_vocabulary)
            previous_end = match.end()
            value = _mantissa_value(match)
            if not row_is_own or value is None or not 1e15 <= value <= 1e30:
                continue
            features = compute_signals(sentence, match, value, pf_days=False, own_names=own_names)
            features.update(pattern="table_cell", table_row="own")
            out.append(Candidate(
                field="stated_compute", attrs={"flops": float(f"{value:.4g}")}, value=value, unit="FLOP",
                raw_text=match.group(0), confidence=compute_rule_confidence(features),
                evidence=Evidence(sentence.page, sentence.text, match.start(), match.end(), sentence.section),
                extractor=COMPUTE_VERSION, features=features,
            ))
    return out


def _mantissa_value(match: re.Match[str]) -> float | None:
    value = parse_number(match.group("mant"))
    if value is None:
        return None
    exponent = match.groupdict().get("e1") or match.groupdict().get("e2")
    if exponent:
        value *= 10.0 ** int(exponent.replace("−", "-"))
    return value


def extract_stated_compute(sentences: list[Sentence], *, own_names: frozenset[str] = frozenset()) -> list[Candidate]:
    """Total training compute the text states, is_best unset; `own_names` from cues.own_model_names."""
    out: list[Candidate] = []
    for sentence in prefilter(sentences, PREFILTER, _KEYWORDS):
        for match in TOTAL_FLOPS.finditer(sentence.text):
            value = _mantissa_value(match)
            if value is None:
                continue
            if match.group("scale"):
                value *= _SCALE_WORDS[match.group("scale")]
            if match.group("prefix"):
                value *= _FLOP_PREFIX[match.group("prefix")]
            if match.group("unit") in ("operations", "FLOPS") and not (match.group("e1") or match.group("e2")):
                # "operations" alone is too common, and "FLOPS" is mostly a rate ("125 TFLOPS"): both
                # need an exponent form to be a total ("about 4 × 10^23 FLOPS", "2e22 FLOPS")
                continue
            out.append(_compute_candidate(sentence, match, value, pf_days=False, own_names=own_names))
        for match in BARE_POWER.finditer(sentence.text):
            if re.search(r"[\dx×·∗*]\s*$", sentence.text[:match.start()]):
                continue  # the "10^22" of "2.5 × 10^22 FLOPs", read above
            out.append(_compute_candidate(sentence, match, 10.0 ** int(match.group("exp")), pf_days=False,
                                          own_names=own_names))
        for match in PF_DAYS.finditer(sentence.text):
            value = _mantissa_value(match)
            if value is not None:
                out.append(_compute_candidate(sentence, match, value * 8.64e19, pf_days=True, own_names=own_names))
    return [c for c in out if c is not None]


def _compute_candidate(sentence: Sentence, match: re.Match[str], flops: float, *, pf_days: bool,
                       own_names: frozenset[str]) -> Candidate | None:
    if flops < 1e15 or flops > 1e30:
        return None  # per-example model cost ("3.6 billion FLOPs"), not a training total
    text = sentence.text
    features = compute_signals(sentence, match, flops, pf_days=pf_days, own_names=own_names)
    return Candidate(
        field="stated_compute", attrs={"flops": float(f"{flops:.4g}")}, value=flops, unit="FLOP",
        raw_text=match.group(0), confidence=compute_rule_confidence(features),
        evidence=Evidence(sentence.page, text, match.start(), match.end(), sentence.section),
        extractor=COMPUTE_VERSION, features=features,
    )


_RATE_AFTER = re.compile(r"\s*(?:per|/|each)\s*(?:s\b|sec|second|chip|GPU|TPU|device|core|node|pod|accelerator)",
                         re.IGNORECASE)


def compute_signals(sentence: Sentence, match: re.Match[str], flops: float, *, pf_days: bool,
                    own_names: frozenset[str]) -> dict:
    """The named signals around one stated FLOPs total (learned scorer and rule confidence)."""
    text = sentence.text
    clause = cues.clause_before(text, match.start())
    window = text[max(0, match.start() - 60):match.end() + 40]
    named = cues.capitalised_names(clause)
    features = cues.sentence_signals(text, sentence.section, clause, own_names)
    features.update({
        "pattern": "pf_days" if pf_days else "exponent" if (match.groupdict().get("e1") or match.groupdict().get("e2")
                                                            or match.groupdict().get("exp"))
        else "scale_word" if match.groupdict().get("scale") else "plain",
        "flops_log10": round(math.log10(flops), 3),
        "compute_cue": bool(_COMPUTE_CUE.search(text)),
        "per_example_near": bool(_PER_EXAMPLE.search(window)),
        "baseline_near": bool(re.search(r"\bbaselines?\b", window)),
        "conditional_word": bool(re.search(r"\b(?:could|would|might|if)\b", text)),
        "difference_before": bool(re.search(r"\b(?:sav(?:ed|es|ing|ings)|reduc\w+|difference|fewer|less)\b", clause,
                                            re.IGNORECASE)),
        "named_model_before": "none" if not (own_names and named) else (
            "own" if any(cues.is_own_name(w, own_names) for w in named) else "other"),
        "table_row": "none",
        # "1.2 × 10^18 FLOPS per pod": a rate of some unit of hardware, not a total
        "rate_after": bool(_RATE_AFTER.match(text[match.end():match.end() + 30])),
    })
    return features


def compute_rule_confidence(f: dict) -> float:
    """The hand-set confidence of the rules (the fallback when no model file exists for the field)."""
    if f["table_row"] == "own":
        return cues.clamp(0.62 * cues.section_weight("experiments"))
    score = 0.55 if f["pattern"] in ("pf_days", "exponent") else 0.45
    if f["compute_cue"]:
        score += 0.2
    if f["own_work"]:
        score += 0.1
    if f["per_example_near"]:
        score -= 0.4
    if f["comparison_before"]:
        score -= 0.3
    if f["third_person_before"] or f["baseline_near"]:
        score -= 0.35
    if f["conditional_word"]:
        score -= 0.45  # "would need": hypothetical ("we estimate ..." is how totals are often stated)
    if f["cited_subject"]:
        score -= 0.45  # "few-shot language models [10] consumed 3.1e23 FLOPs"
    if f.get("rate_after"):
        score -= 0.4
    if f["difference_before"]:
        score -= 0.4  # "the compute saved by X is 1.98e22": a difference, not a training total
    if f["named_model_before"] != "none":
        score += 0.1 if f["named_model_before"] == "own" else -0.3
    return cues.clamp(score * cues.section_weight(f["section"]))


def extract_throughput(sentences: list[Sentence]) -> list[Candidate]:
    """Stated chip throughput with the chip named nearby ("147 TFLOP/s per A100")."""
    out: list[Candidate] = []
    for sentence in prefilter(sentences, PREFILTER, _KEYWORDS):
        for match in RATE.finditer(sentence.text):
            value = parse_number(match.group("mant"))
            if value is None:
                continue
            flops_per_s = value * _FLOP_PREFIX[match.group("prefix").lower()]
            window = sentence.text[max(0, match.start() - 80):match.end() + 80]
            window = sentence.text[max(0, match.start() - 80):match.start()].rjust(80) + sentence.text[match.start():match.end() + 80]
            chip = _nearest_chip(window)
            precision = next((p for p in ("bf16", "fp16", "fp32", "tf32", "int8")
                              if re.search(p.replace("fp", r"(?:fp|float)"), window, re.IGNORECASE)), None)
            attrs = {"flops_per_s": flops_per_s}
            if chip:
                attrs["chip"] = chip
            if precision:
                attrs["precision"] = precision
            score = 0.5 + (0.2 if chip else 0.0) + (0.1 if cues.OWN_WORK.search(sentence.text) else 0.0)
            features = cues.sentence_signals(sentence.text, sentence.section,
                                                cues.clause_before(sentence.text, match.start()))
            features.update(pattern="rate", chip_named=bool(chip), precision=precision or "none",
                            rate_log10=round(math.log10(max(flops_per_s, 1.0)), 3))
            out.append(Candidate(
                field="throughput", attrs=attrs, value=flops_per_s, unit="FLOP/s", raw_text=match.group(0),
                confidence=cues.clamp(score * cues.section_weight(sentence.section)),
                evidence=Evidence(sentence.page, sentence.text, match.start(), match.end(), sentence.section),
                extractor=THROUGHPUT_VERSION, features=features,
            ))
    return out


_CHIP_WORD = re.compile(r"\b(?:[KMPVAH]\d{2,3}|T4|TPU\s?v?\d?|Titan\s?\w+|GTX\s?\d+\w*|RTX\s?\d+\w*)\b", re.IGNORECASE)


def _nearest_chip(window: str) -> str | None:
    """The chip named closest to the window's middle (where the rate is)."""
    middle = len(window) / 2
    named = [(abs((m.start() + m.end()) / 2 - middle), chips.canonical_name(m.group(0))) for m in _CHIP_WORD.finditer(window)]
    named = [(d, n) for d, n in named if n]
    return min(named)[1] if named else None


def select_best(candidates: list[Candidate], threshold: float = 0.5, *, boost: bool = True) -> list[Candidate]:
    """One best candidate per distinct value (within 1%), agreeing mentions raise confidence."""
    groups = cues.agreeing_groups(candidates, lambda head, c: cues.within_one_percent(head.value, c.value))
    best = []
    for group in groups:
        head = group[0]
        if boost:  # the learned scorer has agreement as a feature (n_mentions) instead
            head.confidence = cues.clamp(head.confidence + 0.05 * min(len(group) - 1, 2))
        if head.confidence >= threshold:
            head.is_best = True
            best.append(head)
    return best
