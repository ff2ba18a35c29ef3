"""Training hardware: chip count + chip model + unit ("8 NVIDIA P100 GPUs", "32 TPUv3 cores").

A spaCy Matcher finds chip mentions (model names, TPU generations and slices, generic GPU/TPU/CPU);
the count is read from the few tokens before the mention (digits, number words, "a single"), the unit
from the token after it, and machine multipliers ("8 machines with 8 GPUs each") from the clause.
Confidence combines the pattern's strength with the sentence's context (see extractors/cues.py).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache

from spacy.matcher import PhraseMatcher
from spacy.tokens import Doc, Span

from extractors import chips, cues
from extractors.document import Sentence
from extractors.nlp import FlagMatcher, get_nlp, parse, prefilter
from extractors.numbers import STRICT_NUMBER_WORDS, parse_number
from extractors.records import Candidate, Evidence

VERSION = "hardware@0.7"

PREFILTER = re.compile(
    r"GPU|TPU|CPU|NPU|HPU|IPU|[KMPVAH]\d{2,3}|\b(?:G?[BH][1-3]00|L4|L40S?|L20|H20|A10G?)\b|MI\d{2,3}|\bT4\b|"
    r"TITAN|Titan|titan|GTX|RTX|\bv\d[a-z]*-\d|"
    r"\bv[5-7][a-z]\b|accelerator|Gaudi|Ascend|Trainium|Inferentia|Cerebras|Trillium|Ironwood",
)

# Lower-case substrings one of which a hardware sentence holds (the cheap gate before PREFILTER);
# " npu", " ipu" with their space: "input", "manipulate" hold the bare letters. Each keyword is one scan
# of the paper's text, so only names a paper may write without "GPU"/"accelerator" beside them are here
# ("8xH100", "64 A100s", "Gaudi 2 HPUs"); "4 L4 GPUs" passes on "gpu".
PREFILTER_KEYWORDS = ("gpu", "tpu", "cpu", " npu", " hpu", " ipu", "titan", "gtx", "rtx", "tesla", "accelerator",
                      "k80", "k40", "k20", "m40", "p100", "p40", "v100", "a100", "h100", "h200", "h800", "a800",
                      "b200", "t4", "mi2", "mi3", "gaudi", "ascend", "trainium", "cerebras", "trillium",
                      "v2-", "v3-", "v4-", "v5", "v6e")
# One token that may name a chip model: letters + a number + an optional suffix ("V100", "A10G", "MI250X",
# "GB200", "L40S", "H100s", "A100-SXM4-40GB"); the catalog decides (chips.canonical_name).
_MODEL_TOKEN = r"^(?!v\d[a-z]*-\d)[a-z]{1,2}\d{1,4}[a-z]{0,2}(?:-\S+)?$"  # (slices such as "v5p-512": SLICE)
# Accelerator words after an unknown model ("8 X900 accelerators"): the model is kept under its written name.
_ACCELERATOR_WORDS = ("gpu", "gpus", "accelerator", "accelerators", "npu", "npus", "hpu", "hpus", "ipu", "ipus")
_UNKNOWN_MODEL = r"^[A-Z][A-Za-z]{0,5}-?\d{2,5}[A-Za-z]{0,3}$"
# Tokens shaped like a model number that name something else: number formats, memory, links, versions.
_NOT_A_MODEL = re.compile(r"^(?:fp|bf|tf|int|ddr|gddr|hbm|sxm|pcie|gen|cuda|rocm|nccl|x86|arm)\d", re.I)
# "A100-class GPUs", "V100-like hardware", "H100-level throughput": a chip used as a yardstick, not a resource.
# Nouns after a chip name that make it a model's name ("our A6000 model"), not hardware.
_MODEL_NOUNS = frozenset("net nets network networks model models version versions variant variants baseline "
                         "baselines architecture".split())
_YARDSTICK_SUFFIXES = frozenset("class like level based equivalent sized grade type style generation era".split())
_TIME_WORDS = frozenset("h hr hrs hour hours day days week weeks month months minute minutes min mins year years".split())
_UNIT_WORDS = {
    "gpu": "chips", "gpus": "chips", "card": "chips", "cards": "chips", "board": "chips", "boards": "chips",
    "chip": "chips", "chips": "chips", "accelerator": "chips", "accelerators": "chips",
    "core": "cores", "cores": "cores", "device": "devices", "devices": "devices",
}
_MACHINE_WORDS = frozenset("machine machines server servers node nodes host hosts worker workers "
                           "computer computers instance instances".split())
# Tokens allowed between a count and its chip: vendor names, memory sizes, "x", adjectives.
_FILLERS = frozenset("nvidia tesla geforce google cloud amd intel x × - high-end modern commodity "
                     "identical separate distinct total of gb gib mb memory ( additional more quadro radeon "
                     "instinct habana huawei aws amazon graphcore multicore".split())
# Local context after a mention that says what those chips were for, when it is not training.
_NON_TRAINING_USE = re.compile(
    r"^[^.;]{0,40}?\b(?:for|during|at)\s+(?:self-?play|acting|actors?|inference|evaluation|testing|serving|"
    r"data generation|generating|decoding|latency|rollouts?)", re.IGNORECASE)
_TRAINING_USE = re.compile(r"^[^.;]{0,30}?\bfor\s+(?:the\s+)?(?:training|pre-?training|learning)\b", re.IGNORECASE)
# Verbs right after a chip mention make the chip the subject of a description, not a resource used.
_SUBJECT_VERBS = frozenset("is was are were has had have runs run holds stores processes computes handles "
                           "communicates performs can cannot will only reaches delivers provides offers achieves "
                           "peaks".split())
_PER_UNIT_AFTER = re.compile(r"^\s*(?:[A-Za-z0-9\-]+\s+){0,3}?(?:GPUs?|TPUs?|chips?|cores?|accelerators?|cards?|"
                             r"devices?)?\s*(?:per|each|on each|in each|for each)\b", re.IGNORECASE)
_EACH_UNIT_BEFORE = re.compile(r"\b(?:each|every|per) (?:node|machine|server|host|worker|instance|pod|"
                               r"group|replica)\b[^.;]{0,40}$", re.IGNORECASE)
# Rule penalties for cues.whole_sentence_signals' cues. Grouped CV (3 fold seeds, hardware F1) when
# each is switched off (`scorer train --ablate`): counterfactual 0.800 -> 0.791, benchmark_before -> 0.791,
# speedup_cue -> 0.794. A penalty for `per_unit` lowered it (0.800 -> 0.795): that stays a feature only.
_WHOLE_SENTENCE_PENALTIES = ("counterfactual", "benchmark_before", "speedup_cue")
_RANGE_BEFORE = re.compile(r"(?:from|between)\s+(\d{1,3}(?:,\d{3})+|\d+)\s+(?:to|and)\s+$|(\d{1,3}(?:,\d{3})+|\d+)\s*(?:to|-|–)\s*$")


@dataclass
class Mention:
    """One chip mention in a sentence, with what we could read around it."""

    chip: str
    start: int  # token indices of the chip words
    end: int
    count: float | None = None
    count_kind: str = ""  # digits | word | single | article | range_after | pod (a whole pod's chips)
    count_start: int | None = None
    unit: str = "chips"
    slice_cores: int | None = None  # "v3-8" names a slice of 8 cores
    range_low: float | None = None  # "ranged from 64 to 512": the low end (count is the high end)
    variant: str | None = None  # "PCIe" when the paper names the card form factor (chips.variant_of)
    unknown: bool = False  # a model the catalog does not know, kept under its written name
    pattern: str = ""  # the Matcher pattern that found it (MODEL, CATALOG, TITAN, GEFORCE, TPU, SLICE, GENERIC, UNKNOWN)

    @property
    def known(self) -> bool:
        """False for a chip name the catalog does not know: a feature for the scorer (`known_chip`)."""
        return not self.unknown and chips.lookup(self.chip) is not None


@lru_cache(maxsize=1)
def _matcher() -> FlagMatcher:
    matcher = FlagMatcher(get_nlp().vocab)  # the Matcher, with its REGEX/IN tests as lexeme flags (fast)
    tpu = {"LOWER": {"IN": ["tpu", "tpus"]}}
    generation = {"LOWER": {"REGEX": r"^v\d[a-z]?s?$"}}
    matcher.add("MODEL", [[{"LOWER": {"REGEX": _MODEL_TOKEN}}]])
    matcher.add("TITAN", [
        [{"LOWER": "gtx", "OP": "?"}, {"LOWER": "titan"}, {"ORTH": {"IN": ["-", "–"]}, "OP": "?"},  # "TITAN-X"
         {"LOWER": {"IN": ["x", "xp", "v", "black", "rtx", "z"]}, "OP": "?"}],
        [{"LOWER": {"IN": ["titanx", "titanxp", "titanv", "titanblack"]}}],
    ])
    matcher.add("GEFORCE", [
        [{"LOWER": {"IN": ["gtx", "rtx"]}}, {"LOWER": {"REGEX": r"^\d{3,4}(?:ti)?$"}}, {"LOWER": "ti", "OP": "?"}],
        [{"LOWER": {"REGEX": r"^(?:gtx|rtx)?\d{3,4}ti$"}}],
    ])
    matcher.add("TPU", [
        [{"LOWER": "cloud", "OP": "?"}, tpu, generation],
        [{"LOWER": "cloud", "OP": "?"}, tpu],
        [{"LOWER": {"REGEX": r"^(?:cloud)?tpuv\d[a-z]?s?$"}}],  # "TPUv4", "CloudTPUv4"
        [generation, tpu],
        [{"LOWER": {"IN": ["second", "third", "fourth", "fifth"]}}, {"ORTH": "-", "OP": "?"},
         {"LOWER": "generation"}, {"LOWER": "google", "OP": "?"}, {"LOWER": "cloud", "OP": "?"}, tpu],
    ])
    slice_size = {"TEXT": {"REGEX": r"^\d{1,5}$"}}
    matcher.add("SLICE", [
        [{"LOWER": "tpu", "OP": "?"}, {"LOWER": {"REGEX": r"^v\d(?:[a-z]|lite(?:pod)?)?$"}}, {"ORTH": "-"}, slice_size],
        [{"LOWER": {"REGEX": r"^tpuv\d[a-z]?$"}}, {"ORTH": "-"}, slice_size],  # "TPUv3-512"
        # one token when a letter precedes the hyphen: "v5p-512", "v5litepod-16", "TPUv5e-256"
        [{"LOWER": "tpu", "OP": "?"}, {"LOWER": {"REGEX": r"^(?:tpu)?v\d(?:[a-z]|lite(?:pod)?)-\d{1,5}$"}}],
    ])
    matcher.add("GENERIC", [[{"LOWER": {"IN": ["gpu", "gpus", "cpu", "cpus"]}}]])
    # A model the catalog does not know, named right before an accelerator word: "8 X900 accelerators".
    matcher.add("UNKNOWN", [[{"TEXT": {"REGEX": _UNKNOWN_MODEL}}, {"LOWER": {"IN": list(_ACCELERATOR_WORDS)}}]])
    return matcher


@lru_cache(maxsize=1)
def _catalog_matcher() -> PhraseMatcher:
    """Every spelling of every named chip in the catalog (chips.yaml + chips_epoch.yaml), so that a chip
    added to the catalog is recognised in text without a new pattern. Pure numbers ("3090") and slice
    names are left to the patterns above, which read their context."""
    nlp = get_nlp()
    matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
    phrases = set()
    for spec in chips.all_chips():
        if spec.name in chips.GENERIC:
            continue
        for written in (spec.name, *spec.aliases):
            if written.replace(" ", "").isdigit() or re.search(r"v\d[a-z]*-\d", written, re.IGNORECASE):
                continue
            phrases.add(written)
    matcher.add("CATALOG", list(nlp.tokenizer.pipe(sorted(phrases))))
    return matcher


def warm_up() -> None:
    """Build the tokenizer and the chip matcher now (before forking workers)."""
    _matcher()
    _catalog_matcher()
    chips.all_chips()


def find_mentions(doc: Doc) -> list[Mention]:
    """Chip mentions in one parsed sentence, longest match first, with count and unit."""
    spans = [Span(doc, s, e, label=m) for m, s, e in _matcher()(doc)]
    # Catalog phrases after the patterns: on a tie in length the pattern's reading (TPU units, slices) wins.
    spans += [Span(doc, s, e, label=m) for m, s, e in _catalog_matcher()(doc)]
    # Only spans that read as a chip compete, so that a longer span rejected as a chip ("RTX8000 GPUs"
    # read as an unknown model) never hides a shorter one that is ("RTX8000").
    readings = {(span.start, span.end, span.label_): _mention(doc, span) for span in spans}
    spans = _longest_non_overlapping([span for span in spans if readings[(span.start, span.end, span.label_)]])
    mentions: list[Mention] = []
    for span in spans:
        mention = readings[(span.start, span.end, span.label_)]
        # "8 NVIDIA P100 GPUs", "a v3-8 TPU": the model and the generic word are one mention.
        if (mentions and mention.chip in ("GPU", "CPU", "TPU") and mentions[-1].chip != mention.chip
                and _only_fillers_between(doc, mentions[-1].end, span.start)):
            mentions[-1].end = span.end
            continue
        mentions.append(mention)
    previous_end = 0
    for mention in mentions:
        _read_unit(doc, mention)
        _read_count(doc, mention, floor=previous_end)
        # "The TPUs used ranged from 64 to 512": read after any chip mention (it was read only after
        # "number of", a one-paper gate; grouped CV is the same without the gate).
        if mention.count is None and not cues.ablated("range_after"):
            _read_count_range_after(doc, mention)
        if mention.count is None:
            _read_count_after(doc, mention)
        _read_pod(doc, mention)
        previous_end = mention.end
    return mentions


def _longest_non_overlapping(spans: list[Span]) -> list[Span]:
    chosen: list[Span] = []
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(span.end <= c.start or span.start >= c.end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.start)


def _mention(doc: Doc, span: Span) -> Mention | None:
    label = span.label_
    text = span.text
    if label == "SLICE":
        return _slice_mention(span)
    if label == "UNKNOWN":
        return _unknown_mention(doc, span)
    if label in ("MODEL", "CATALOG") and _used_as_yardstick_or_name(doc, span):
        return None
    if label == "TITAN" and span.end + 2 < len(doc) and doc[span.end].text == "(" and doc[span.end + 1].lower_ == "pascal":
        text += " (Pascal)"
    if label == "GENERIC":
        name = "CPU" if span[0].lower_.startswith("cpu") else "GPU"
    else:
        name = chips.canonical_name(text)
    if name is None:
        return None
    mention = Mention(name, span.start, span.end, pattern=label)
    # "Tesla V100-PCIE-16GB", "V100 PCIe GPUs": the form factor written in or right after the model.
    if label in ("MODEL", "CATALOG"):
        mention.variant = chips.variant_of(doc[span.start:min(len(doc), span.end + 2)].text)
    if label == "TPU" and span[0].lower_ == "cloud":
        mention.unit = "devices"  # "4 Cloud TPUs": Cloud TPU devices of 4 chips each
    return mention


def _slice_mention(span: Span) -> Mention:
    """"v3-8", "TPU v5p-512", "v5litepod-16": the generation and the size in the slice name's unit,
    which Google counts in TensorCores for v2/v3/v4/v5p and in chips for v5e/v6e (chips.slice_unit)."""
    name = chips.canonical_name(span.text) or "TPU"
    spec = chips.lookup(name)
    size = int(re.search(r"(\d+)\s*$", span.text).group(1))
    return Mention(name, span.start, span.end, slice_cores=size, unit=spec.slice_unit if spec else "cores",
                   pattern="SLICE")


def _unknown_mention(doc: Doc, span: Span) -> Mention | None:
    """"8 X900 accelerators": a model the catalog may not know, before an accelerator word. A known
    model takes its canonical name; an unknown one is a generic accelerator ("GPU", as LABELS.md names
    a set-up without a known model) whose written name stays in the evidence ("8 X900 accelerators").
    (Naming the set-up "X900" instead cost one held-out set-up and gained none: the generic chip
    still merges with the paper's other mentions of the same set-up.)"""
    model = span[0]
    if _NOT_A_MODEL.match(model.text) or _used_as_yardstick_or_name(doc, span[:1]):
        return None
    name = chips.canonical_name(model.text)
    mention = Mention(name or "GPU", span.start, span.start + 1, unknown=name is None, pattern="UNKNOWN")
    mention.variant = chips.variant_of(model.text)
    return mention


def _used_as_yardstick_or_name(doc: Doc, span: Span) -> bool:
    """"A100-class GPUs", "an H100-level budget": the chip is a measure, not the hardware used.
    "our A6000 model": a model named like a chip."""
    after = doc[span.end:min(len(doc), span.end + 2)]
    if len(after) == 2 and after[0].text in ("-", "–") and after[1].lower_ in _YARDSTICK_SUFFIXES:
        return True
    return len(after) >= 1 and after[0].lower_ in _MODEL_NOUNS
def _only_fillers_between(doc: Doc, start: int, end: int) -> bool:
    return end - start <= 3 and all(_is_filler(doc, i) for i in range(start, end))


def _is_filler(doc: Doc, i: int) -> bool:
    token = doc[i]
    lower = token.lower_
    if lower in _FILLERS or lower == ")":
        return True
    # memory sizes: "3GB", "16 GB", "80GB", and the unit of "80 G" / "80G" when split ("64 NVIDIA 80G A100 GPUs")
    return bool(re.fullmatch(r"\d+(?:gb|gib|g)", lower)) or (
        token.like_num and i + 1 < len(doc) and doc[i + 1].lower_ in ("gb", "gib", "g", "mb")) or (
        lower in ("gb", "gib", "g", "mb") and i > 0 and doc[i - 1].like_num)


def _read_unit(doc: Doc, mention: Mention) -> None:
    i = mention.end
    while i < len(doc) and i < mention.end + 3 and _is_filler(doc, i) and doc[i].text != "(":
        i += 1
    if i < len(doc):
        word = doc[i].lower_
        if word in _UNIT_WORDS:
            unit = _UNIT_WORDS[word]
            if mention.chip == "CPU" and unit == "cores":
                unit = "chips"  # LABELS.md counts CPU cores as chips of kind "CPU"
            if not (mention.unit == "devices" and unit == "chips"):
                mention.unit = unit
            mention.end = i + 1


# "(1024 chips)", "(2048 cores)", "(512 TPU chips)" after "pod": the pod's size in the paper's unit.
_POD_SIZE = re.compile(r"^\(\s*(\d{1,3}(?:,\d{3})+|\d+)\s+(?:tpu\s+)?(chips?|cores?|tpus?|devices?)\s*\)", re.IGNORECASE)


_SPREAD_OVER_PODS = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)\s+(chips?|cores?|TPUs?)\s+(?:across|over|spanning|in|on)\s*$",
                               re.IGNORECASE)


def _read_pod(doc: Doc, mention: Mention) -> None:
    """"a TPU v3 Pod (1024 chips)": the size in parentheses; "a full TPU v3 pod": a whole pod's chips
    (catalog). A slice ("v3-256 pod slice") already names its cores and is left alone."""
    i = mention.end
    if mention.slice_cores is not None or i >= len(doc) or doc[i].lower_ not in ("pod", "pods"):
        return
    size = _POD_SIZE.match(doc[i + 1:min(len(doc), i + 8)].text) if i + 1 < len(doc) else None
    if size:
        word = size.group(2).lower()
        mention.unit = "cores" if word.startswith("core") else "devices" if word.startswith("device") else "chips"
        mention.count, mention.count_kind = parse_number(size.group(1)), "digits"
        return
    spec = chips.lookup(mention.chip)
    whole = mention.count is None and mention.start > 0 and doc[mention.start - 1].lower_ in ("full", "entire", "whole")
    if spec is None or not spec.chips_per_pod or doc[i:min(len(doc), i + 2)].text.lower() == "pod slice":
        return
    if cues.ablated("pod_count"):
        return
    if mention.count_kind in ("article", "single") or whole:
        mention.count, mention.count_kind, mention.unit = float(spec.chips_per_pod), "pod", "chips"
    elif mention.count_kind in ("digits", "word") and doc[i].lower_ == "pods" and mention.unit == "chips":
        spread = _SPREAD_OVER_PODS.search(doc[:mention.count_start or mention.start].text)
        if spread:  # "6144 chips across two TPU v4 pods": the chips used, not two full pods
            mention.count = float(parse_number(spread.group(1)) or 0) or mention.count * spec.chips_per_pod
            mention.unit = "cores" if spread.group(2).lower().startswith("core") else "chips"
        else:
            mention.count = mention.count * spec.chips_per_pod  # "4 TPU v3 pods"


_RANGE_AFTER = re.compile(r"^[^.;]{0,50}?\b(?:ranged?|ranging|var(?:ied|ies|y|ying))\s+(?:from|between)\s+"
                          r"(\d{1,3}(?:,\d{3})+|\d+)\s+(?:to|and)\s+(\d{1,3}(?:,\d{3})+|\d+)")


def _read_count_range_after(doc: Doc, mention: Mention) -> None:
    """"The number of TPUs used for training ranged from 64 to 512": a count range after the chip."""
    match = _RANGE_AFTER.match(doc[mention.end:].text)
    if match:
        low, high = parse_number(match.group(1)), parse_number(match.group(2))
        if low and high and low < high:
            mention.count, mention.count_kind, mention.range_low = high, "range_after", low


# "a 8x16x32 configuration of TPUv4, totaling 4096 chips", "TPU v5e accelerators, 256 chips in total"
_TOTAL_AFTER = re.compile(r"^[^.;]{0,40}?(?:\b(?:totall?ing|a total of|in total)\s+(\d{1,3}(?:,\d{3})+|\d+)\s+"
                          r"(chips?|cores?|GPUs?|TPUs?|devices?|accelerators?)\b|"
                          r"(\d{1,3}(?:,\d{3})+|\d+)\s+(chips?|cores?|GPUs?|TPUs?|devices?|accelerators?)\s+in total\b)",
                          re.IGNORECASE)


def _read_count_after(doc: Doc, mention: Mention) -> None:
    """"V100 x 8", "P100 (×4)": a multiplication sign and the count after the chip; "..., totaling
    4096 chips": the total the clause gives for a chip named without a count."""
    total = _TOTAL_AFTER.match(doc[mention.end:].text) if mention.chip not in ("GPU", "CPU") else None
    if total:
        value = parse_number(total.group(1) or total.group(3))
        word = (total.group(2) or total.group(4)).lower()
        if value:
            mention.count, mention.count_kind = value, "digits"
            mention.unit = "cores" if word.startswith("core") else "devices" if word.startswith("device") else "chips"
            return
    j = mention.end
    if j < len(doc) and doc[j].text == "(":
        j += 1
    if j + 1 < len(doc) and doc[j].lower_ in ("x", "×") and re.fullmatch(r"\d{1,5}", doc[j + 1].text):
        mention.count, mention.count_kind, mention.count_start = float(doc[j + 1].text), "digits", None
        mention.end = j + 2 + (1 if j + 2 < len(doc) and doc[j + 2].text == ")" else 0)


# A range or alternatives the tokenizer keeps in one token: "40–80", "256/512" (a hyphen splits).
_JOINED_RANGE = re.compile(r"(\d{1,5})[–—/](\d{1,5})")


def _read_count(doc: Doc, mention: Mention, floor: int = 0) -> None:
    i = mention.start - 1
    steps = 0
    while i >= floor and steps < 5:
        token = doc[i]
        lower = token.lower_
        value = parse_number(token.text)
        joined = _JOINED_RANGE.fullmatch(token.text) if not cues.ablated("joined_range") else None
        if joined and int(joined.group(1)) < int(joined.group(2)) and not 1980 <= int(joined.group(1)) <= 2030:
            # "on 40–80 A100 GPUs", "on 256/512 TPU v3 cores": both ends are set-ups the paper used
            mention.count, mention.count_kind, mention.count_start = float(joined.group(2)), "digits", i
            mention.range_low = float(joined.group(1))
            return
        if value is not None and (token.like_num or lower in STRICT_NUMBER_WORDS or token.text[0].isdigit()):
            if _is_memory_number(doc, i):
                i -= 1
                steps += 1
                continue
            if value != int(value) or value <= 0:
                return  # "2.5 GPUs"
            if 1980 <= value <= 2030 and i > 0 and doc[i - 1].lower_ in ("in", "since", "by", "of", "from", "until"):
                return  # "in 2017 GPUs ...": a year
            cpu_model = mention.chip == "CPU" and i == mention.start - 1 and _is_cpu_model_number(doc, i, mention) \
                and not cues.ablated("cpu_model_number")  # "2 Intel Xeon Gold 6138 CPU @ 2.00GHz"
            if cpu_model or (i > 0 and _is_model_word(doc[i - 1])):
                # "4 Quadro RTX 8000 GPUs": the number belongs to a model name we do not know; the
                # count, if any, is before the name.
                i -= 1
                while i > 0 and _is_model_word(doc[i]) and steps < 6:
                    i -= 1
                    steps += 1
                continue
            kind = "digits" if token.text[0].isdigit() else "word"
            tens = parse_number(doc[i - 2].text) if i >= 2 and kind == "word" and doc[i - 1].text == "-" else None
            if tens and 20 <= tens <= 90 and tens % 10 == 0 and value < 10:
                value, i = tens + value, i - 2  # "sixty-four TPU v4 chips"
            if kind == "word" and i > 0 and doc[i - 1].lower_ in ("a", "an") and lower in ("single",):
                kind = "single"
            mention.count, mention.count_kind, mention.count_start = value, kind, i
            return
        if lower in _HYPHENATED_UNITS and i >= 2 and doc[i - 1].text in ("-", "–") and doc[i - 2].like_num:
            # "a 256-chip TPU v3 pod", "a 512-core TPUv3": the count and its unit before the chip
            value = parse_number(doc[i - 2].text)
            if value and value == int(value):
                mention.count, mention.count_kind, mention.count_start = value, "digits", i - 2
                mention.unit = _UNIT_WORDS[lower]
            return
        if lower in ("single", "one"):
            mention.count, mention.count_kind, mention.count_start = 1.0, "single", i
            return
        if lower in ("a", "an"):
            mention.count, mention.count_kind, mention.count_start = 1.0, "article", i
            return
        if not _is_filler(doc, i) and not (mention.unknown and i == mention.start - 1 and token.is_title):
            return  # (an unknown model may follow its maker's name: "8 Vexa Q7000 accelerators")
        i -= 1
        steps += 1


_HYPHENATED_UNITS = frozenset({"chip", "core", "gpu", "device"})

_NOT_MODEL_WORDS = frozenset("on with using use used of and for across over in by to from the a an all each "
                              "total nvidia tesla geforce google cloud".split())


def _is_model_word(token) -> bool:
    """A product-line word right before a number ("RTX 8000", "Quadro 6000"), not a preposition."""
    return token.is_alpha and token.lower_ not in _NOT_MODEL_WORDS and (token.is_upper or token.is_title) \
        and token.i > 0


# Processor family words before a model number ("Xeon Gold 6138", "EPYC 7742", "Core i9-9900K").
_CPU_FAMILY = frozenset("xeon platinum gold silver bronze epyc opteron core ryzen threadripper".split())


def _is_cpu_model_number(doc: Doc, i: int, mention: Mention) -> bool:
    """The number right before "CPU" is the processor's model number, not a count, when a clock rate
    follows ("8163 CPU @ 2.50GHz") or a processor family word precedes it ("Xeon Gold 6138 CPU"; the
    "(R)" mark after the family word included)."""
    if not re.fullmatch(r"\d{3,5}[A-Za-z]{0,2}", doc[i].text):
        return False  # model numbers have three digits or more; "2 CPUs @ 2.1GHz" is a count
    after = doc[mention.end:min(len(doc), mention.end + 3)].text
    if re.match(r"^\s*(?:@|at\s+\d|\(?\s*\d+(?:\.\d+)?\s*GHz)", after, re.IGNORECASE) or re.search(r"\dGHz", after, re.IGNORECASE):
        return True
    j = i - 2 if i > 1 and doc[i - 1].text == ")" else i - 1  # "Xeon(R" ")" "4110"
    return j >= 0 and re.sub(r"\(r$", "", doc[j].lower_) in _CPU_FAMILY


def _is_memory_number(doc: Doc, i: int) -> bool:
    return i + 1 < len(doc) and doc[i + 1].lower_ in ("gb", "gib", "g", "mb")


# Words that may stand between a machine count and the machine word: "16 DGX A100 nodes", "4 compute
# nodes", "16× NVIDIA DGX-2 servers" (a name, a chip, a hyphen; never a verb or a preposition).
_MACHINE_NAME_WORDS = frozenset("nvidia dgx dgx-1 dgx-2 dgx-a100 dgx-h100 hgx compute gpu cpu tpu - aws azure gcp cloud".split())


def _machine_count_before(doc: Doc, i: int) -> tuple[float, int] | None:
    """(N, token index) for "<N> [×] [names] <machine word at i>": "16× NVIDIA DGX A100 nodes" -> 16."""
    j, names = i - 1, 0
    while j >= 0 and names <= 4:
        token = doc[j]
        if token.like_num:
            value = parse_number(token.text)
            if value and value == int(value) and value > 1 and not (j > 0 and doc[j - 1].text in ("-", "–")):
                return value, j
            return None
        if token.lower_ in ("x", "×") or token.lower_ in _MACHINE_NAME_WORDS or chips.canonical_name(token.text):
            j, names = j - 1, names + 1
            continue
        return None
    return None


def _per_machine_in_parenthesis(doc: Doc, mention: Mention) -> tuple[float, int] | None:
    """"16× DGX A100 nodes (8× A100 80GB)", "32 servers (4 GPUs each)": the parenthesis after N machines
    names what one machine holds, so the chips used are N times its count. A parenthesis may also give
    the total ("8 servers (64 GPUs)"): it is read as per machine only when written so ("8×", "each",
    "per node") or when its count is smaller than the machine count (a total never is)."""
    k = mention.count_start
    if k < 2 or doc[k - 1].text != "(" or doc[k - 2].lower_ not in _MACHINE_WORDS:
        return None
    machines = _machine_count_before(doc, k - 2)
    if machines is None:
        return None
    close = next((j for j in range(mention.end, min(len(doc), mention.end + 8)) if doc[j].text == ")"), None)
    inside = doc[k:close if close is not None else mention.end].text.lower()
    per_machine = (k + 1 < len(doc) and doc[k + 1].lower_ in ("x", "×")) or re.search(r"\b(?:each|per)\b", inside) \
        or (mention.count or 0) < machines[0]
    return machines if per_machine else None


def _machine_multiplier(doc: Doc, mention: Mention) -> tuple[float, int] | None:
    """(machines, token index) when the count is per machine: "8 machines with 8 GPUs each",
    "2 nodes of 8 GPUs", "2 servers (16 GPUs), each with eight TITAN X cards", "8 GPUs per node on
    4 nodes"."""
    if mention.count_start is None:
        return None
    inside = _per_machine_in_parenthesis(doc, mention)
    if inside:
        return inside
    # Left: "<N> <machines> [(...)] [,] [each] (with|having|of|containing|equipped with|x) <count> <chips>"
    i = mention.count_start - 1
    linked = False
    while i >= 0:
        word = doc[i].lower_
        if word in ("with", "each", "having", "of", "containing", "equipped", ",", "has", "hosting", "consists",
                    "comprises", "contains", "holds", "features") or (
                        # "4 nodes x 16 GPUs": a multiplication sign right before the count
                        word in ("x", "×") and i == mention.count_start - 1):
            linked = linked or word != ","
            i -= 1
        elif word == ")":
            depth, i = 1, i - 1
            while i >= 0 and depth:
                depth += {")": 1, "(": -1}.get(doc[i].text, 0)
                i -= 1
        else:
            break
    if linked and i >= 1 and doc[i].lower_ in _MACHINE_WORDS:
        value = parse_number(doc[i - 1].text)
        if value and value == int(value) and doc[i - 1].lower_ not in ("a", "an", "single", "one"):
            return value, i - 1
        named = _machine_count_before(doc, i)  # "16 DGX-2 servers with 16 GPUs each"
        if named:
            return named
    # Right: "<count> <chips> per <machine>" / "<count> <chips> each", with "<N> <machines>" elsewhere;
    # and "<N> nodes ..., where each node consists of <count> <chips>" (the per-machine count after "each").
    following = doc[mention.end:mention.end + 2].text.lower()
    each_machine = linked and i >= 1 and doc[i].lower_ in _MACHINE_WORDS and doc[i - 1].lower_ in ("each", "every")
    if each_machine or re.match(r"^(?:per|each|on each|in each)\b", following):
        for j, token in enumerate(doc):
            if token.lower_ in _MACHINE_WORDS and j > 0 and not mention.start <= j < mention.end + 3:
                value = parse_number(doc[j - 1].text)
                if value and value == int(value) and value > 1 and doc[j - 1].like_num:
                    return value, j - 1
    return None


def extract_hardware(sentences: list[Sentence], *, own_names: frozenset[str] = frozenset()) -> list[Candidate]:
    """All hardware candidates (is_best unset; see `select_best`)."""
    return analyse(sentences, own_names=own_names)[0]


def context_chips(sentences: list[Sentence]) -> dict[str, set[str]]:
    """Chip models the paper names in its own training context (with or without a count), by kind:
    used to name a generic "16 TPUs" after "All experiments were run using third generation TPUs"."""
    return analyse(sentences)[1]


def analyse(sentences: list[Sentence], *, own_names: frozenset[str] = frozenset()
            ) -> tuple[list[Candidate], dict[str, set[str]]]:
    """Candidates and context chips from one tokenisation of the candidate sentences.

    `own_names` (cues.own_model_names) lets a sentence about another named model count less."""
    candidates: list[Candidate] = []
    named: dict[str, set[str]] = {"gpu": set(), "tpu": set()}
    previous: tuple[Sentence, dict[str, set[str]]] | None = None  # the last sentence that named a chip model
    for sentence, doc in parse(prefilter(sentences, PREFILTER, PREFILTER_KEYWORDS)):
        mentions = find_mentions(doc)
        here = _models_named(mentions)
        for index, mention in enumerate(mentions):
            following = mentions[index + 1].start if index + 1 < len(mentions) else len(doc)
            found = _candidates(sentence, doc, mention, following, own_names)
            if mention.chip in ("GPU", "TPU") and not cues.ablated("name_from_nearby"):
                _name_from_nearby(found, mention.chip.lower(), here, previous, sentence)
            candidates.extend(found)
        if any(here.values()):
            previous = (sentence, here)
        if mentions and _is_own_training_context(sentence):
            for mention in mentions:
                spec = chips.lookup(mention.chip)
                if spec and spec.name not in ("GPU", "TPU", "CPU") and spec.kind in named:
                    named[spec.kind].add(spec.name)
    return candidates, named


def _models_named(mentions: list[Mention]) -> dict[str, set[str]]:
    """The chip models (not the generic "GPU"/"TPU") a sentence names, by kind."""
    out: dict[str, set[str]] = {"gpu": set(), "tpu": set()}
    for mention in mentions:
        spec = chips.lookup(mention.chip)
        if spec and spec.name not in ("GPU", "TPU", "CPU") and spec.kind in out:
            out[spec.kind].add(spec.name)
    return out


# How far back (in sentences of the same page) a chip model named without the count still names a
# generic "on 8 GPUs": "We ran our experiments on V100 GPUs. The small model trains in a day on 4 GPUs."
_NEARBY_SENTENCES = 2


def _may_name_a_count(text: str) -> bool:
    """A sentence whose chip model may name a generic count: not one about latency or inference ("measured
    on one T4"), a cited work ("[12] used K80 GPUs") or a comparison ("unlike X, which used V100s")."""
    return not (cues.INFERENCE_CUE.search(text) or cues.CITATION.search(text) or cues.COMPARISON_EARLIER.search(text))


def _name_from_nearby(found: list[Candidate], kind: str, here: dict[str, set[str]],
                      previous: tuple[Sentence, dict[str, set[str]]] | None, sentence: Sentence) -> None:
    """A generic count takes the one chip model of its kind named in the same sentence or, failing
    that, in a sentence just before it on the same page (the paper-wide naming in `name_generic_chips`
    needs a single model in the whole paper; papers that train on two kinds of GPU name each locally)."""
    models = here.get(kind, set()) if _may_name_a_count(sentence.text) else set()
    if not models and previous is not None:
        before, named = previous
        if before.page == sentence.page and 0 < sentence.index - before.index <= _NEARBY_SENTENCES \
                and _may_name_a_count(before.text):
            models = named.get(kind, set())
    if len(models) != 1:
        return
    model = next(iter(models))
    for cand in found:
        cand.attrs["chip"] = model
        cand.features["generic_named_nearby"] = True


def _is_own_training_context(sentence: Sentence) -> bool:
    text = sentence.text
    if cues.section_weight(sentence.section) < 0.9:
        return False
    if cues.INFERENCE_CUE.search(text) or not cues.TRAINING_CUE.search(text):
        return False
    return not ("et al." in text and not cues.OWN_WORK.search(text))


def _candidates(sentence: Sentence, doc: Doc, mention: Mention, following: int,
                own_names: frozenset[str] = frozenset()) -> list[Candidate]:
    if mention.start > 0 and doc[mention.start - 1].lower_ in ("per", "each", "every"):
        return []  # "8 images per GPU", "batch size 32 per GPU"
    nxt = mention.end
    while nxt < len(doc) and doc[nxt].text in ("-", "·", "•"):
        nxt += 1
    # ("Hardware Type: 64 A100 GPUs Hours used: 300": a model card's next field label, not chip time)
    field_label = doc[nxt].text == "Hours" and nxt + 1 < len(doc) and doc[nxt + 1].lower_ == "used" \
        if nxt < len(doc) else False
    if nxt < len(doc) and doc[nxt].lower_ in _TIME_WORDS and not field_label:
        return []  # "8 GPU·hours", "2.5 GPU days": chip time, read by the training-time extractor
    count = mention.count
    if mention.slice_cores is not None:
        count = mention.slice_cores * (count or 1)
    if count is None:
        return []
    multiplier = None if cues.ablated("machine_multiplier") else _machine_multiplier(doc, mention)
    if multiplier:
        count *= multiplier[0]
    values = [count]
    range_match = _RANGE_BEFORE.search(doc[:mention.count_start].text + " ") if mention.count_start else None
    if mention.range_low is not None:
        values = [mention.range_low, count]
    elif range_match and mention.count_kind == "digits" and not multiplier:
        low = parse_number(range_match.group(1) or range_match.group(2))
        if low and low < count:
            values = [low, count]  # "from 64 to 512 TPUs": both ends are set-ups the paper used
    start_token = min(mention.count_start if mention.count_start is not None else mention.start, mention.start)
    if multiplier:
        start_token = min(start_token, multiplier[1])
    char_start, char_end = doc[start_token].idx, doc[mention.end - 1].idx + len(doc[mention.end - 1])
    features = signals(sentence, doc, mention, following, own_names, is_range=len(values) > 1,
                       multiplied=bool(multiplier))
    features.update(cues.whole_sentence_signals(sentence.text, char_start, char_end))
    # "8 GPUs per model-parallel group", "each node holds 8 GPUs": a count per unit, not the set-up's
    # total (when no machine count was found to multiply it by)
    features["per_unit"] = not multiplier and bool(
        _PER_UNIT_AFTER.match(sentence.text[char_end:]) or _EACH_UNIT_BEFORE.search(sentence.text[:char_start]))
    confidence = rule_confidence(features)
    out = []
    for value in values:
        attrs = {"chip": mention.chip, "count": int(value), "unit": mention.unit}
        if mention.variant:
            attrs["variant"] = mention.variant  # for the peak FLOP/s (chips.lookup); the scorer ignores it
        out.append(Candidate(
            field="hardware", attrs=attrs, value=float(value), unit=mention.unit,
            raw_text=sentence.text[char_start:char_end], confidence=confidence,
            evidence=Evidence(sentence.page, sentence.text, char_start, char_end, sentence.section),
            extractor=VERSION, features=dict(features, count_log2=round(math.log2(max(value, 1)), 3)),
        ))
    return out


def signals(sentence: Sentence, doc: Doc, mention: Mention, following: int,
            own_names: frozenset[str] = frozenset(), *, is_range: bool = False, multiplied: bool = False) -> dict:
    """The named signals around one chip mention: the learned scorer's input (extractors/scoring) and
    the rule confidence's (`rule_confidence`). Each cue is defined once, in extractors/cues.py."""
    text = sentence.text
    start_char = doc[mention.count_start if mention.count_start is not None else mention.start].idx
    clause = cues.clause_before(text, start_char)
    after = doc[mention.end:following].text if mention.end < len(doc) else ""
    features = cues.sentence_signals(text, sentence.section, clause, own_names)
    features.update({
        "pattern": mention.pattern or "MODEL",
        "count_kind": mention.count_kind or "none",
        "slice": mention.slice_cores is not None,
        "unit": mention.unit,
        "generic_chip": mention.chip in ("GPU", "TPU", "CPU"),
        "known_chip": mention.known,
        "non_training_use_after": bool(_NON_TRAINING_USE.match(after)),
        "training_use_after": bool(_TRAINING_USE.match(after)),
        # "One GPU runs the top layers", "A single GTX 580 has only 3GB": the chip is the subject
        "chip_is_subject": mention.end < len(doc) and doc[mention.end].lower_ in _SUBJECT_VERBS,
        "is_range": is_range,
        "machine_multiplier": multiplied,
    })
    return features


def rule_confidence(f: dict) -> float:
    """The hand-set confidence the rules gave before the learned scorer (kept as the fallback when no
    model file exists for the field)."""
    base = {"digits": 0.62, "word": 0.62, "single": 0.58, "article": 0.42, "range_after": 0.6, "pod": 0.58,
            "none": 0.55}[f["count_kind"]]
    if f["slice"]:
        base = max(base, 0.6)
    generic = f["generic_chip"]
    score = base + (0.0 if generic else 0.12)
    if generic and f["count_kind"] == "article":
        score -= 0.2  # "a GPU implementation" is usually generic prose
    own, inference = f["own_work"], f["inference_cue"]
    # "runs", "took", "experiments" only count as training cues when nothing says inference
    training = f["training_strong"] or (f["training_cue"] and not inference)
    score += 0.12 if own else 0.0
    score += 0.1 if training else -0.05
    if f["non_training_use_after"]:
        score -= 0.45
    elif f["training_use_after"]:
        score += 0.05
    if inference:
        score -= 0.15 if f["training_strong"] else 0.4
    if f.get("reference_entry"):
        score -= 0.6  # issue 11: a reference-list entry read as body text
    if f["et_al"] and not own:
        score -= 0.4
    elif f["citation"] and not own:
        score -= 0.2
    if f["third_person"] and not own:
        score -= 0.2
    if f["hypothetical"]:
        score -= 0.35
    if f["comparison_before"]:
        score -= 0.35
    if f["capacity"]:
        score -= 0.3
    if f["negation_before"]:
        score -= 0.4
    if f["cited_subject"]:
        score -= 0.45  # "an evolutionary search [9] ran on 450 K40 GPUs"
    if f["data_preparation"]:
        score -= 0.4
    if f["donation"]:
        score -= 0.6  # thanks for donated hardware are never a statement of the set-up
    if f["generic_practice_before"]:
        score -= 0.3
    if f["chip_is_subject"]:
        score -= 0.3
    if f["is_range"]:
        score -= 0.05
    weight = cues.section_weight(f["section"])
    score = cues.clamp(score * weight)
    penalty = f["other_model_subject"] + (0.3 if f["contrast_opening"] else 0.0)
    # issue 11: a modal verb, a benchmark verb without training, a speed-up statement (measured above)
    penalty += 0.3 * sum(bool(f.get(name)) for name in _WHOLE_SENTENCE_PENALTIES if not cues.ablated(name))
    return cues.clamp(score - penalty * weight)


def name_generic_chips(candidates: list[Candidate], named_chips: dict[str, set[str]]) -> None:
    """A generic "16 TPUs" is named after the only chip model the paper uses for training, if exactly one."""
    if cues.ablated("rename_generic"):
        return
    for cand in candidates:
        chip = cand.attrs["chip"]
        if chip in ("GPU", "TPU") and len(named_chips.get(chip.lower(), ())) == 1:
            cand.attrs["chip"] = next(iter(named_chips[chip.lower()]))
            cand.features["generic_named_from_context"] = True


def setup_key(cand: Candidate) -> tuple[str, float]:
    """(chip, total chips): "4 Cloud TPUs" and "16 TPU chips" are one set-up."""
    chip = cand.attrs["chip"]
    spec = chips.lookup(chip)
    return chip, spec.chips_for(cand.attrs["count"], cand.attrs["unit"]) if spec else cand.attrs["count"]


def select_best(candidates: list[Candidate], named_chips: dict[str, set[str]] | None = None,
                threshold: float = 0.5, *, boost: bool = True) -> list[Candidate]:
    """Mark one candidate per distinct set-up as best; agreeing mentions raise its confidence.

    Set-ups are keyed by chip and total chips (so "4 Cloud TPUs" and "16 TPU chips" agree); a generic
    count is named after the only chip model the paper uses for training, when there is exactly one.
    """
    name_generic_chips(candidates, named_chips or {})
    groups: dict[tuple[str, float], list[Candidate]] = {}
    for cand in candidates:
        cand.is_best = False
        groups.setdefault(setup_key(cand), []).append(cand)
    best: list[Candidate] = []
    for members in groups.values():
        members.sort(key=lambda c: -c.confidence)
        top = members[0]
        if boost:  # the learned scorer has agreement as a feature (n_mentions) instead
            agreeing = sum(1 for c in members[1:] if c.confidence >= threshold)
            top.confidence = cues.clamp(top.confidence + 0.05 * min(agreeing, 2))
        if top.confidence >= threshold:
            top.is_best = True
            best.append(top)
    return best
