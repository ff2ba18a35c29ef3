"""Sentence splitting for paper text that survives "e.g.", "Fig. 3", "et al.", initials and decimals."""
from __future__ import annotations

import re

# Words that end with a period without ending the sentence (compared lower-case, without the period).
_ABBREVIATIONS = frozenset(
    """e.g i.e eg ie cf vs al etc fig figs eq eqs eqn sec secs sect tab tabs no nos approx resp ref refs
    dr mr ms mrs prof st jr inc corp ltd co dept univ vol pp ch chap app alg def thm lem prop cor ex
    est max min avg std var dim resp incl excl orig""".split()
)
# A candidate boundary: terminal punctuation, optional closing quote/bracket, whitespace, then a
# capital letter (or an opening quote/bracket followed by one). The group is the whitespace: the
# sentence before ends where it starts, the next one begins where it ends.
_BOUNDARY = re.compile(r"[.!?][\"'”’)\]]*(\s+)(?=[\"“(\[]?[A-Z])")
# The same after a period alone, for text without "!" or "?" (most paragraphs): a pattern opening with
# a literal character is found with a fast scan, one opening with a character set is tried at every
# position, at four times the cost.
_PERIOD_BOUNDARY = re.compile(r"\.[\"'”’)\]]*(\s+)(?=[\"“(\[]?[A-Z])")
_WORD_BEFORE = re.compile(r"([A-Za-z][A-Za-z.]*)$")
_INITIAL_BEFORE = re.compile(r"(?:[A-Z]\. |[(,;] ?)$")
_INITIAL_AFTER = re.compile(r" [A-Z]\. ")


def split_sentences(text: str) -> list[tuple[int, str]]:
    """Split `text` into (start offset, sentence) pairs; offsets index into `text`."""
    out: list[tuple[int, str]] = []
    start = 0
    boundary = _BOUNDARY if "?" in text or "!" in text else _PERIOD_BOUNDARY
    for match in boundary.finditer(text):
        period = match.start()
        if text[period] == "." and _is_abbreviation(text, period):
            continue
        if start:  # after a boundary: no whitespace on either side of the sentence
            out.append((start, text[start:match.start(1)]))
        else:
            _append(out, text, 0, match.start(1))
        start = match.end()
    _append(out, text, start, len(text))
    return out


# Letters right before a period, more than any abbreviation has: a word that cannot be one.
_PAST_ABBREVIATIONS = max(map(len, _ABBREVIATIONS)) + 1


def _is_abbreviation(text: str, period: int) -> bool:
    if period >= _PAST_ABBREVIATIONS:  # most sentences end with a long word: no search for it
        tail = text[period - _PAST_ABBREVIATIONS:period]
        if tail.isalpha() and tail.isascii():
            return False
    word = _WORD_BEFORE.search(text, max(0, period - 12), period)
    if not word:
        return False
    token = word.group(1)
    if len(token) == 1 and token.isupper():
        # An initial ("J. K. Smith", "(A. Krizhevsky"), but not a model letter ("Titan X. We ...").
        before = text[max(0, word.start() - 3):word.start()]
        after = text[period + 1:period + 5]
        return word.start() == 0 or bool(_INITIAL_BEFORE.search(before) or _INITIAL_AFTER.match(after))
    return token.lower().rstrip(".") in _ABBREVIATIONS


def _append(out: list[tuple[int, str]], text: str, start: int, end: int) -> None:
    piece = text[start:end]
    stripped = piece.strip()
    if stripped:
        out.append((start + (len(piece) - len(piece.lstrip())), stripped))
