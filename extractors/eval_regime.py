"""How a benchmark result was obtained: trained / fine-tuned on the benchmark, or not.

The study fits error on the training compute of models TRAINED (or fine-tuned) on the benchmark. Since
GPT-3 many papers also report evaluations without any training on it: zero-shot, one-shot, few-shot
(in-context, "(5-shot)", prompted, "without fine-tuning") and linear probes on frozen features. Such a
number measures something else and must not be pooled with trained results.

`regime_in(text, at)` reads the regime a piece of text gives the number at `at` (a sentence), or the
whole text (a table's header, row label, group header or caption); `table_regime(levels)` decides a
table cell from its most specific level that speaks clearly. Pure functions, no state.

Regimes: "fine-tuned" (the default, and what "fine-tuned" says), "zero-shot", "one-shot", "few-shot"
(with k when stated), "linear probe". Not a regime: the name of a task or field ("few-shot learning",
"5-way 1-shot" on a meta-learning benchmark: those models ARE trained on it), a contrast ("unlike
zero-shot methods", "compared with few-shot prompting"), or other work's methods ("zero-shot baselines").
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors.cues import ablated

FINE_TUNED = "fine-tuned"
NOT_TRAINED = ("zero-shot", "one-shot", "few-shot", "linear probe")

_WORD_K = {"zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "eight": 8, "ten": 10}
# "0-shot", "zero-shot", "1-shot", "(5-shot)", "5 shot", "k-shot", "few-shot", "zero shot".
_SHOT = re.compile(r"(?<![\w-])(zero|one|two|three|four|five|eight|ten|few|k|\d{1,3})(?:-|\s)?shots?(?![\w-])", re.I)
# "in context" without the hyphen is ordinary prose ("words in context") unless "learning" follows.
_IN_CONTEXT = re.compile(r"\bin-context\b|\bin\s+context\s+learning\b|\bprompted\b|"
                         r"\b(?:with|via|by|through|under)\s+(?:\w+\s+)?prompting\b", re.I)
_NO_TRAINING = re.compile(
    r"\bwithout\s+(?:any\s+)?(?:further\s+|additional\s+|task-specific\s+|extra\s+)?"
    r"(?:fine-?\s?tuning|finetuning|gradient\s+updates|training\s+on\s+(?:it|the\s+(?:task|benchmark|dataset)))|"
    r"\bno\s+(?:fine-?tuning|finetuning|gradient\s+updates)\b",
    re.I)
_PROBE = re.compile(r"\blinear[-\s]prob(?:e|es|ed|ing)\b|\bfrozen\s+(?:features|representations|backbone|encoder|weights)\b",
                    re.I)
_FINE_TUNED = re.compile(r"\b(?:fine-?\s?tun(?:e|ed|es|ing)|finetun(?:e|ed|es|ing))\b", re.I)
# The words after a shot cue that make it a field / task name ("few-shot learning", "zero-shot
# classification benchmark"): such a benchmark's models are trained on it.
_TASK_AFTER = re.compile(r"^[\s-]*(?:learning|classification\s+benchmark|benchmarks?|"
                         r"(?:image\s+)?classification\s+tasks?|tasks?\b)", re.I)
# ...and the words after any cue that give it to other people's methods ("zero-shot baselines").
_OTHERS_AFTER = re.compile(r"^[\s-]*(?:learning\s+)?(?:methods?|approach(?:es)?|baselines?|literature|works?\b|"
                           r"models?\s+(?:such\s+as|like)\b)", re.I)
_WAY = re.compile(r"\d+[-\s]way\s*,?\s*$", re.I)  # "5-way 1-shot": a meta-learning episode, the model is trained
# Words that hold a cue away from the number: "unlike zero-shot ...", "than the few-shot ...".
_CONTRAST_BEFORE = re.compile(r"\b(?:unlike|than|compared\s+(?:to|with)|versus|vs\.?|outperform\w*|instead\s+of|"
                              r"rather\s+than|over|above|below|beats?|surpass\w*|prior|previous|existing)\s+(?:the\s+|all\s+|other\s+|"
                              r"\w+\s+)?$", re.I)
# Clause edges: a cue beyond them speaks about another number.
_CLAUSE_EDGE = re.compile(r";|\bwhile\b|\bwhereas\b|\bbut\b|\bcompared\s+(?:to|with)\b|,\s+and\b", re.I)


@dataclass(frozen=True)
class Regime:
    """An evaluation regime, the words that gave it and where they were read."""

    kind: str  # fine-tuned | zero-shot | one-shot | few-shot | linear probe
    k: int | None = None  # the number of in-context examples, when stated
    cue: str = ""
    where: str = ""  # sentence | header | row | group | caption | default

    @property
    def trained(self) -> bool:
        return self.kind not in NOT_TRAINED

    def features(self) -> dict:
        """The candidate's named signals for the learned scorer and the points."""
        return {"regime": self.kind, "regime_k": -1 if self.k is None else self.k, "regime_from": self.where,
                "regime_cue": self.cue[:40].lower(), "not_trained": not self.trained}


DEFAULT = Regime(FINE_TUNED, where="default")


def _shot_kind(word: str) -> tuple[str, int | None]:
    word = word.lower()
    k = int(word) if word.isdigit() else _WORD_K.get(word)
    if k == 0:
        return "zero-shot", 0
    if k == 1:
        return "one-shot", 1
    return "few-shot", k


def _may_hold_cue(text: str) -> bool:
    """False only when no cue pattern can match: each one holds one of these words (case-folded, as
    the patterns ignore case). Most sentences and table cells hold none, and five case-insensitive
    patterns per text were most of the regime reading's cost."""
    low = text.casefold()
    return any(word in low for word in _CUE_WORDS) or ("without" in low and "training" in low)


# "shot" (_SHOT), "context"/"prompt" (_IN_CONTEXT), "tun"/"gradient" (_NO_TRAINING, _FINE_TUNED),
# "prob"/"frozen" (_PROBE); _NO_TRAINING's "without ... training on it" is tested apart.
_CUE_WORDS = ("shot", "context", "prompt", "tun", "gradient", "prob", "frozen")


def _cues(text: str) -> list[tuple[int, int, str, int | None]]:
    """(start, end, kind, k) of every regime cue in `text` that speaks of the evaluation itself."""
    out = []
    if not _may_hold_cue(text):
        return out
    for m in _SHOT.finditer(text):
        after = text[m.end():m.end() + 40]
        if _TASK_AFTER.match(after) or _OTHERS_AFTER.match(after) or _WAY.search(text[max(0, m.start() - 12):m.start()]):
            continue
        kind, k = _shot_kind(m.group(1))
        out.append((m.start(), m.end(), kind, k))
    for pattern, kind in ((_IN_CONTEXT, "few-shot"), (_NO_TRAINING, "zero-shot"), (_PROBE, "linear probe")):
        for m in pattern.finditer(text):
            if _OTHERS_AFTER.match(text[m.end():m.end() + 40]):
                continue
            out.append((m.start(), m.end(), kind, None))
    taken = [(s, e) for s, e, _k, _n in out]
    for m in _FINE_TUNED.finditer(text):
        # "without fine-tuning" is a zero-shot cue that contains the word: not a fine-tuning cue.
        if not any(s <= m.start() < e for s, e in taken):
            out.append((m.start(), m.end(), FINE_TUNED, None))
    # A cue held away by a contrast ("unlike zero-shot methods") says nothing about this number.
    return sorted(c for c in out if not _CONTRAST_BEFORE.search(text[max(0, c[0] - 40):c[0]]))


def regime_in(text: str, at: int | None = None, where: str = "sentence") -> Regime | None:
    """The regime `text` gives the number at `at` (the cue of its clause nearest to it), or the regime of
    the whole text when `at` is None (one kind only: a text naming two regimes decides nothing)."""
    cues = _cues(text)
    if at is not None:
        start = max([m.end() for m in _CLAUSE_EDGE.finditer(text, 0, at)] or [0])
        edge = _CLAUSE_EDGE.search(text, at)
        end = edge.start() if edge else len(text)
        cues = [c for c in cues if start <= c[0] < end]
        if not cues:
            return None
        s, e, kind, k = min(cues, key=lambda c: min(abs(c[0] - at), abs(c[1] - at)))
        return Regime(kind, k, text[s:e], where)
    if not cues:
        return None
    kinds = {kind for _s, _e, kind, _k in cues}
    if len(kinds) > 1:
        return None
    s, e, kind, k = cues[0]
    ks = {c[3] for c in cues if c[3] is not None}
    return Regime(kind, ks.pop() if len(ks) == 1 else None, text[s:e], where)


def table_regime(levels: list[tuple[str, str]]) -> Regime:
    """A table cell's regime from (where, text) levels, most specific first (column header, row label,
    group header, caption): the first level naming one regime decides; else fine-tuned (the default)."""
    for where, text in levels:
        if text:
            found = regime_in(text, None, where)
            if found is not None:
                return found
    return DEFAULT


def choose_trained(candidates: list, regime_of) -> list:
    """The study's convention for a headline: a trained / fine-tuned result, when one is among
    `candidates`, goes before any zero-/few-shot or probe result of the same benchmark."""
    if ablated("regime_trained_first"):  # measuring only: `progress scorer train --ablate regime_trained_first`
        return candidates
    trained = [c for c in candidates if regime_of(c) not in NOT_TRAINED]
    return trained or candidates
