"""Training time: wall-clock durations of the paper's own runs, and chip-time totals kept apart.

Durations are a regular language ("3.5 days", "2–3 weeks", "15h 7m", "about a day", "2.5k
TPUv3-core-days"), so a regex over the sentence is the right tool here; the sentence context (training
verbs, per-iteration and data-amount phrases, comparisons, sections) sets the confidence.
"""
from __future__ import annotations

import math
import re

from extractors import cues
from extractors.document import Sentence
from extractors.nlp import index_for, prefilter
from extractors.numbers import WORD_NUMBERS, parse_number
from extractors.records import Candidate, Evidence

VERSION = "training_time@0.6"

_HOURS_PER = {"minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0, "month": 720.0, "year": 8760.0}
_UNIT = (r"(?P<unit>minutes?|mins?|hours?|hrs?|(?-i:h)|days?|(?-i:d)(?=\s+of\b)|weeks?|wks?|months?|years?)")
_WORD_NUMBER = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|sixty|a|an|half a|a half)"
# Numbers never continue a word: the "100 GPU hours" inside "H100 GPU hours" and the "a" ending
# "NVIDIA GPU hours" are not numbers. "2.5k" and "2.788M" (chip-hour totals) carry their scale.
_NUMBER = (rf"(?:(?:\d+|\b{_WORD_NUMBER}) and a half|(?<![A-Za-z0-9.,])(?:\d{{1,3}}(?:,\d{{3}})+|\d+)(?:\.\d+)?"
           rf"(?:\s?[kK]|(?-i:M))?|\b{_WORD_NUMBER})")
# A chip written before the unit of a chip-time total: a vendor/kind word ("NVIDIA GPU", "TPU v3 core")
# or a model number alone ("147K H100 hours", "21,500 A100-hours", "1,405 MI250x GPU hours").
_CHIP_MODEL = r"[A-Z][A-Za-z]?\d{2,4}[A-Za-z]?"
# "2–3 weeks", "between five and six days", "8 to 10 days", "3.5 days", "about a day", "15h 7m".
DURATION = re.compile(
    rf"(?P<qual>\b(?:about|around|roughly|approximately|approx\.|nearly|almost|over|more than|less than|"
    rf"under|up to|at most|at least|within|only|just|~|∼|≈)\s*)?"
    rf"(?:between\s+)?(?P<n1>{_NUMBER})(?:\s*(?:-|–|—|to|and)\s*(?P<n2>{_NUMBER}))?"
    rf"[\s-]*(?P<chip>(?:(?:[A-Za-z]+[\s-]?|{_CHIP_MODEL}[\s-])?(?:GPU|TPU(?:\s?v\d)?|accelerator|chip|core|device|"
    rf"node|machine|CPU)s?[\s\-·•]*(?:core[\s\-·•]*)?)|(?-i:{_CHIP_MODEL})[\s-])?"
    rf"(?P<clock>(?:calendar|wall[- ]?clock|consecutive)\s+)?"  # "13 calendar days", "80 wall-clock hours"
    rf"{_UNIT}\b(?:\s*(?:and\s+)?(?P<minutes>\d{{1,2}})\s*(?:(?-i:m)|min|minutes)\b)?",
    re.IGNORECASE,
)
PREFILTER = re.compile(r"\d\s?(?:h|hrs?|hours?|days?|weeks?|months?|mins?|minutes?)\b|\b(?:hours?|days?|weeks?|months?|minutes?|years?)\b",
                       re.IGNORECASE)
# Substrings one of which every spelled-out duration contains; compact "15h 7m" / "12h" forms are
# caught by _COMPACT_HOURS instead (a short regex, much cheaper than PREFILTER on every sentence).
_KEYWORDS = ("hour", "day", "week", "month", "minute", "min", "hr", "year")
_COMPACT_HOURS = re.compile(r"\d\s?h\b")
# Its digit-and-"h" openings as plain strings, for the paper's one keyword pass (sentences from the
# text reader hold no whitespace but single spaces); each hit is confirmed with the pattern.
_COMPACT_KEYWORDS = tuple(f"{digit}{space}h" for digit in "0123456789" for space in ("", " "))

# What follows a duration that makes it something other than a training run's length.
_NOT_A_RUN_AFTER = re.compile(
    r"^\s*(?:of\s+(?:audio|speech|video|data|recordings?|transcribed|labell?ed|training data|conversations?|"
    r"speech data|footage|music|text|play|gameplay|experience|human)|per\s+(?:iteration|step|epoch|batch|"
    r"mini-?batch|image|example|sample|update|sentence|episode|game|query)|each\s+(?:iteration|step|epoch)|"
    r"ago|later|before the deadline|of (?:human|annotator))",
    re.IGNORECASE,
)
# "960 hours of LibriSpeech": an amount of a named (capitalised) corpus, unless it names compute.
_DATA_AFTER = re.compile(r"^\s*of\s+(?!(?:TPU|GPU|CPU|Cloud|Google|NVIDIA|Nvidia|Tesla|A100|V100|P100))[A-Z][A-Za-z]")
_NOT_A_RUN_BEFORE = re.compile(r"(?:\bevery|\beach|\bper|\bonce|\bafter each)\s*$", re.IGNORECASE)
# "X days of TPUv2 compute", "71.8K total accelerator hours": chip time, not wall time.
_CHIP_TIME_AFTER = re.compile(r"^\s*of\s+(?:[A-Za-z0-9]+[\s-]?)?(?:GPU|TPU\w*|accelerator|chip|core)s?\s*"
                              r"(?:compute|time|usage)", re.IGNORECASE)
_TOTAL_BEFORE = re.compile(r"\b(?:total|cumulative|aggregate)\s+(?:accelerator|GPU|TPU\w*|chip|core)\s*$", re.IGNORECASE)
_BOUND_QUALIFIERS = ("less than", "under", "up to", "at most")
_AND_SMALLER = re.compile(r"^\s*(?:and\s+)?(\d+(?:\.\d+)?)\s*(hours?|hrs?|h|minutes?|mins?)\b", re.IGNORECASE)
# Words that make a duration a training run's, and weaker verbs that only say something took time.
# Rule penalties for cues.whole_sentence_signals' cues. Grouped CV (3 fold seeds, training-time F1
# 0.801) when each is switched off (`scorer train --ablate`): comparison_earlier 0.798, counterfactual 0.795.
_WHOLE_SENTENCE_PENALTIES = ("comparison_earlier", "counterfactual")
_TRAIN_CUE = re.compile(
    r"\b(?:train(?:s|ed|ing)?|pre-?train(?:s|ed|ing)?|fine-?tun\w*|converge\w*|search(?:es)?|"
    r"learn(?:s|ed|ing)?|optimi[sz]\w*|experiments?)\b", re.IGNORECASE)
_TIME_VERB = re.compile(r"\b(?:took|takes?|taking|run(?:s|ning)?|ran|finish\w*|complete\w*|last(?:s|ed)?)\b",
                        re.IGNORECASE)
# "Each epoch takes 30 minutes", "one training epoch takes": the time of one epoch/iteration/step, not
# of a run. ("a batch size of 256" names a setting, not a unit of work.)
_UNIT_OF_WORK = re.compile(r"\b(?:each|every|one|per|a single|an?) (?:training )?(?:epoch|iteration|step|batch|mini-?batch|update|"
                           r"forward|backward|pass|image|example|episode)\b(?!\s+sizes?\b)", re.IGNORECASE)


def _value(raw: str) -> float | None:
    text = raw.strip().lower()
    if text.endswith(" and a half"):
        whole = _value(text[: -len(" and a half")])
        return None if whole is None else whole + 0.5
    if text in ("half a", "a half"):
        return 0.5
    if text in WORD_NUMBERS:
        return float(WORD_NUMBERS[text])
    return parse_number(raw.strip().replace(" ", ""))  # case kept: "2.7M" is a million, "2.7m" is not


def _unit_hours(unit: str) -> float | None:
    unit = unit.lower().rstrip("s")
    for name, hours in _HOURS_PER.items():
        if name.startswith(unit) or unit.startswith(name[:3]) or (unit in ("h", "hr") and name == "hour") or (
                unit == "d" and name == "day"):
            return hours
    return None


def extract_training_time(sentences: list[Sentence], *, own_names: frozenset[str] = frozenset(),
                          title_vocabulary: frozenset[str] = frozenset()) -> list[Candidate]:
    """All training-time candidates (wall and chip-hours), is_best unset.

    `own_names` / `title_vocabulary` (cues.own_model_names / cues.title_words) tell the paper's
    own model from baselines in model-name clauses and table rows."""
    out: list[Candidate] = []
    index = index_for(sentences)
    keep = {id(s) for s in index.containing(_KEYWORDS)}
    keep |= {id(s) for s in index.containing(_COMPACT_KEYWORDS) if _COMPACT_HOURS.search(s.text)}
    candidates = [s for s in index.containing(_KEYWORDS + _COMPACT_KEYWORDS) if id(s) in keep]
    for sentence in prefilter(candidates, PREFILTER):
        row_is_own = False
        previous_end = 0
        for match in DURATION.finditer(sentence.text):
            if match.start() < previous_end:
                continue  # the "12 hours" of "1 day and 12 hours", already counted
            for candidate in _candidates(sentence, match, own_names):
                if sentence.section == "table":
                    row_is_own = _read_table_row(candidate, sentence.text, match, previous_end, row_is_own,
                                                 own_names, title_vocabulary)
                previous_end = candidate.evidence.char_end
                out.append(candidate)
    return out


# "5 and 12 days, respectively": one duration per model of a list, not a range between them.
_RESPECTIVELY = re.compile(r"\brespectively\b", re.IGNORECASE)


def _candidates(sentence: Sentence, match: re.Match[str], own_names: frozenset[str]) -> list[Candidate]:
    between = sentence.text[match.end("n1"):match.start("n2")] if match.group("n2") else ""
    if re.search(r"\band\b", between) and _RESPECTIVELY.search(sentence.text, match.end()):
        parts = [_candidate(sentence, match, own_names, one_of=group) for group in ("n1", "n2")]
        for part in parts:
            if part is not None:
                part.features["respective_list"] = True
        return [p for p in parts if p is not None]
    candidate = _candidate(sentence, match, own_names)
    return [candidate] if candidate is not None else []


def _read_table_row(candidate: Candidate, text: str, match: re.Match[str], previous_end: int, row_is_own: bool,
                    own_names: frozenset[str], title_vocabulary: frozenset[str]) -> bool:
    """Table rows: "Constant Depth 20h 42m ... Stochastic Depth 15h 7m": a duration belongs to the
    nearest row label before it; only the paper's own rows are its training times. Returns whether
    the current row is the paper's own (a row's later cells have no label of their own)."""
    label = re.sub(r"[\d.,%×x±/()\[\]–\-]+[A-Za-z]?\b", " ", text[previous_end:match.start()])
    if re.search(r"[A-Za-z]{2,}", label):
        row_is_own = cues.row_label_is_own(_last_label(label), own_names, title_vocabulary)
    candidate.features["table_row"] = "own" if row_is_own else "other"
    candidate.confidence = rule_confidence(candidate.features)
    return row_is_own


def _last_label(text: str) -> str:
    """The last run of words in a table fragment: the row label just before a value."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9\-+]*(?:\s+[A-Za-z][A-Za-z0-9\-+]*)*", text)
    return words[-1] if words else ""


def _candidate(sentence: Sentence, match: re.Match[str], own_names: frozenset[str], *,
               one_of: str | None = None) -> Candidate | None:
    """The duration `match` reads (a range), or only its number `one_of` ("n1"/"n2") of a list."""
    text = sentence.text
    unit_text = match.group("unit")
    if unit_text.lower() == "m" or (unit_text.lower() in ("h", "d") and match.group("n1").strip().lower() in WORD_NUMBERS):
        return None
    per_unit = _unit_hours(unit_text)
    low = _value(match.group(one_of or "n1"))
    if per_unit is None or low is None or low <= 0:
        return None
    high = _value(match.group("n2")) if match.group("n2") and not one_of else None
    if match.group("n1").strip().lower() in ("a", "an") and match.group("n2"):
        return None
    if high is not None and high <= low:
        high = None
    after = text[match.end():match.end() + 60]
    before = text[max(0, match.start() - 40):match.start()]
    if _NOT_A_RUN_AFTER.match(after) or _NOT_A_RUN_BEFORE.search(before):
        return None
    if _range_fragment(after):
        return None  # a fragment of a larger range we did not parse
    if text.startswith("(", match.end()) and not cues.ablated("code_call"):
        return None  # "min(a, b)", "max(...)": a function call in a code listing, not a unit
    minutes = float(match.group("minutes")) / 60 if match.group("minutes") else 0.0
    hours = low * per_unit + minutes
    hours_range = [low * per_unit, high * per_unit] if high else None
    if hours_range:
        hours = sum(hours_range) / 2
    chip = match.group("chip")
    kind = "wall"
    if chip and chip.strip() or _CHIP_TIME_AFTER.match(after) or _TOTAL_BEFORE.search(before):
        kind = "chip-hours"
    elif per_unit == _HOURS_PER["year"]:
        return None  # "collected over 3 years": only chip time ("3 GPU-years") is counted in years
    end = match.end()
    extra = _AND_SMALLER.match(after) if per_unit >= _HOURS_PER["day"] and not high and not cues.ablated(
        "and_smaller") else None
    if extra:
        # "1 day and 12 hours": one duration
        hours += float(extra.group(1)) * (1.0 if extra.group(2).lower().startswith("h") else 1 / 60)
        end += extra.end()
    if hours < 0.05 or hours > 5e6 or (kind == "wall" and hours > 24 * 365):
        return None
    features = signals(sentence, match, kind, hours, own_names)
    if one_of:
        features["pattern"] = "list"
    # "960 hours of LibriSpeech": an amount of a named corpus. Once a hard exclusion; it changed no
    # paper's grouped-CV outcome, so it is a cue now, weighed like the others.
    features["data_amount_after"] = bool(_DATA_AFTER.match(after))
    features.update(cues.whole_sentence_signals(text, match.start(), end))
    # "the logs were collected over 30 days (the first 25 for training)": days of data, not a run
    features["data_span"] = cues.data_span(text, match.start(), end) and not cues.ablated("data_span")
    confidence = rule_confidence(features)
    attrs: dict = {"hours": round(hours, 4), "kind": kind}
    if hours_range:
        attrs["hours_range"] = [round(v, 4) for v in hours_range]
    return Candidate(
        field="training_time", attrs=attrs, value=attrs["hours"], unit="hours", raw_text=text[match.start():end].strip(),
        confidence=confidence,
        evidence=Evidence(sentence.page, text, match.start(), end, sentence.section),
        extractor=VERSION, features=features,
    )


def _range_fragment(after: str) -> bool:
    """Whether the text after a duration continues it as a range ("3 days - 5 days", "2 to 4 weeks"
    read from its middle). A chip-time total after a dash is an aside, not the range's other end:
    "in 2.75 days – 180 GPU-days of training"."""
    dash = re.match(r"^\s*(?:[-–]|to)\s*(?=\d)", after)
    if not dash:
        return False
    following = DURATION.match(after, dash.end())
    return not (following and (following.group("chip") or "").strip()) or cues.ablated("chip_total_aside")


def signals(sentence: Sentence, match: re.Match[str], kind: str, hours: float,
            own_names: frozenset[str]) -> dict:
    """The named signals around one duration: the learned scorer's input and `rule_confidence`'s."""
    text = sentence.text
    qualifier = (match.group("qual") or "").strip().lower()
    clause = cues.clause_before(text, match.start(), limit=120)
    local = clause + text[match.end():match.end() + 60]
    features = cues.sentence_signals(text, sentence.section, clause, own_names)
    features["comparison_before"] = bool(cues.COMPARISON_BEFORE.search(cues.clause_before(text, match.start())))
    name = cues.nearest_model_name(clause)
    if name and _OBJECT_NAME.search(clause[:clause.rfind(name)]) and not cues.ablated("object_name"):
        name = None  # "run on CIFAR10 for", "coded in PyTorch and run ... for": a data set or tool, not a model
    lead = text[max(0, match.start() - 60):match.start()]
    features.update({
        "pattern": "range" if match.group("n2") else "word_number" if not match.group("n1")[0].isdigit() else "number",
        "kind": kind,
        "hours_log10": round(math.log10(max(hours, 0.01)), 3),
        "unit_word": (match.group("unit") or "").lower().rstrip("s")[:3],
        # "a 64h-dim layer", "the 12-hour-ahead forecast": the duration is part of a compound word
        "compound_after": bool(re.match(r"-[A-Za-z]", text[match.end():match.end() + 3])),
        "qualifier": qualifier or "none",
        "bound_qualifier": qualifier in _BOUND_QUALIFIERS,
        "train_cue_local": bool(_TRAIN_CUE.search(local)),
        "train_cue_sentence": bool(_TRAIN_CUE.search(text)),
        "time_verb_local": bool(_TIME_VERB.search(local)),
        "unit_of_work_before": bool(_UNIT_OF_WORK.search(clause)),
        "hardware_word": bool(re.search(r"GPU|TPU|CPU|accelerator|hardware|\bhosts?\b|\bnodes?\b|cluster", text)),
        "named_model_before": "none" if not (name and own_names) else (
            "own" if cues.is_own_name(name, own_names) else "other"),
        # issue 11 round 3: the chips the duration ran on, written next to it (13 corpus papers)
        "hardware_adjacent": cues.hardware_adjacent(text, match.start(), match.end()) and not cues.ablated(
            "hardware_adjacent"),
        "model_took_before": bool(cues.MODEL_TOOK_BEFORE.search(text[max(0, match.start() - 80):match.start()]))
        and not cues.ablated("model_took_before"),
        # "Computing the features takes 3 hours on a GPU": the clause's subject is a task, not a run
        "activity_subject": bool(_ACTIVITY_SUBJECT.match(clause)),
        "limit_or_budget": bool(re.search(r"\b(?:limit|deadline|timeout|maximum|minimum)\b", lead, re.IGNORECASE) or (
            re.search(r"\bbudget\b", lead, re.IGNORECASE) and re.search(r"\b(?:each|per|fixed)\b", lead, re.IGNORECASE))),
    })
    return features


# A name right after "on", "in", "using", "with" is the object a run used (a data set, a framework),
# not the model whose time it is: "each method is run on CIFAR10 for 12 hours", "coded in PyTorch and
# run on 16 GPUs for 3 weeks". 2 corpus papers, both true mentions the other-model cue had pushed down.
_OBJECT_NAME = re.compile(r"\b(?:on|in|using|with|via)\s+(?:the\s+)?$", re.IGNORECASE)
# A clause opened by a gerund other than training: its subject is a task ("Computing the features
# takes ...", "Indexing the corpus needs ..."), so chips next to its duration say nothing about a run.
_ACTIVITY_SUBJECT = re.compile(r"^\W*(?!(?:pre-?)?train|fine-?tun|learn|optimi|runn|us)[A-Za-z]+ing\b",
                               re.IGNORECASE)
# Cues that the run is someone else's or not a run at all: a chip count next to the duration is then
# no evidence for this paper's run ("DETR [31] needs 500 epochs, which takes 10 days on 8 GPUs").
_OTHER_RUN_CUES = ("citation", "third_person", "comparison_before", "comparison_earlier", "bound_qualifier",
                   "unit_of_work_before", "inference_cue", "hypothetical", "cited_subject", "contrast_opening",
                   "et_al", "counterfactual")


def rule_confidence(f: dict) -> float:
    """The hand-set confidence of the rules (the fallback when no model file exists for the field)."""
    score = 0.5
    if f["train_cue_local"]:
        score += 0.22
    elif f["train_cue_sentence"]:
        score += 0.12
    elif f["time_verb_local"]:
        score -= 0.05
    else:
        score -= 0.15
    own = f["own_work"]
    if f["unit_of_work_before"]:
        score -= 0.5
    if f["cited_subject"]:
        score -= 0.45
    if f["data_preparation_before"]:
        score -= 0.4
    if f["generic_practice_before"]:
        score -= 0.4
    if f["citation"] and not own:
        score -= 0.25
    if own:
        score += 0.1
    if f["train_cue_sentence"] and f["hardware_word"]:
        score += 0.08
    if f.get("hardware_adjacent") and not f["train_cue_local"] and f["section"] != "table" and not any(
            f.get(name) for name in _OTHER_RUN_CUES) and not f["other_model_subject"] and not f.get("activity_subject"):
        score += 0.17  # "64 cards for two weeks": a run's resources, even without a training verb
    elif f.get("model_took_before") and not f["train_cue_local"] and not any(f.get(name) for name in _OTHER_RUN_CUES):
        score += 0.12  # "The larger model took 60 days.": a run's length, the training said before
    if f["contrast_opening"]:
        score -= 0.3
    score -= f["other_model_subject"]
    if f["bound_qualifier"]:
        score -= 0.4
    if f["inference_cue"]:
        score -= 0.3
    if f["comparison_before"]:
        score -= 0.35
    if f["hypothetical"]:
        score -= 0.45
    if f["negation_before"]:
        score -= 0.4
    if f["et_al"] and not own:
        score -= 0.35
    if f["third_person_before"]:
        score -= 0.45
    elif f["third_person"] and not own:
        score -= 0.15
    if f["named_model_before"] != "none":
        score += 0.1 if f["named_model_before"] == "own" else -0.3
    if f["limit_or_budget"]:
        score -= 0.45  # a cap given to every candidate ("a fixed budget of 24 hours per model"), not a run
    if f["baseline_word"]:
        score -= 0.1
    if f.get("data_amount_after"):
        score -= 0.5
    if f.get("data_span"):
        score -= 0.5  # issue 11: the span a data set covers (4 corpus papers, all negatives)
    if f.get("reference_entry"):
        score -= 0.6  # issue 11: a reference-list entry read as body text (5 corpus papers)
    score = cues.clamp(score * cues.section_weight(f["section"]))
    if f.get("table_row") in ("own", "other"):
        score = cues.clamp(score + (0.3 if f["table_row"] == "own" else -0.3))
    # issue 11: a comparison opened earlier in the sentence, a modal verb (measured above)
    penalty = 0.3 * sum(bool(f.get(name)) for name in _WHOLE_SENTENCE_PENALTIES if not cues.ablated(name))
    return cues.clamp(score - penalty)


def select_best(candidates: list[Candidate], threshold: float = 0.5, *, boost: bool = True) -> list[Candidate]:
    """One best candidate per distinct duration (per kind); agreeing mentions raise confidence."""
    groups = cues.agreeing_groups(candidates, lambda head, c: head.attrs["kind"] == c.attrs["kind"]
                                     and cues.within_one_percent(head.value, c.value))
    best = []
    for group in groups:
        head = group[0]
        if boost:  # the learned scorer has agreement as a feature (n_mentions) instead
            agreeing = sum(1 for c in group[1:] if c.confidence >= threshold - 0.1)
            head.confidence = cues.clamp(head.confidence + 0.05 * min(agreeing, 2))
        if head.confidence >= threshold:
            head.is_best = True
            best.append(head)
    return best
