"""A training run's batch size and its unit, as papers write it (extractors.operations reads steps with it).

A batch counted in examples makes steps x batch the examples seen; one counted in tokens makes it a
language model's training tokens. Pure functions of sentence text.
"""
from __future__ import annotations

import re

from extractors import cues
from extractors.numbers import parse_number

# "a batch size of 256", "mini-batches of 4096 images", "batch size 64k tokens".
BATCH = re.compile(
    r"\b(?:mini-?)?batch(?:es)?(?:\s+size)?\s*(?:of|=|:|is|was|to|holds?|contain\w*|with|has|had)?\s*"
    r"(?:about|approximately|roughly|~)?\s*(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<scale>[kKM])?\b"
    r"(?:\s*(?:source\s+|target\s+)?(?P<unit>tokens|words|subwords|sequences|images|examples|sentences|sentence pairs|pairs))?",
    re.IGNORECASE)
# A batch counted in tokens written as a rate: "128,000 tokens/batch", "64k words per batch".
TOKENS_PER_BATCH = re.compile(
    r"(?<![\w.])(?P<num>\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)\s*(?P<scale>[kKM])?\s*(?:tokens|words|subwords|subword units)"
    r"\s*(?:/|per)\s*(?:mini-?)?batch\b", re.IGNORECASE)
# The length of each sequence when a batch is counted in sequences: "a sequence length of 512",
# "sequences of 1024 subword units", "256 sequences * 512 tokens", "each with a sequence length of 2048".
SEQUENCE_LENGTH = re.compile(
    r"\b(?:(?:max(?:imum)?\s+)?sequence\s+length\s*(?:of|=|:|is)?|sequences\s+of(?:\s+length)?|sequences?\s*[*×x])\s*"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d{2,6})\b(?!\s*%)", re.IGNORECASE)
_BATCH_TOKEN_UNITS = frozenset({"tokens", "words", "subwords"})


def _value(match: re.Match[str]) -> float:
    """The number a match's `num` (and `scale` letter, when the pattern has one) writes."""
    return parse_number(match.group("num") + (match.groupdict().get("scale") or "")) or 0.0


def batch_of(text: str, at: int | None = None) -> tuple[float, str] | None:
    """The batch size of a sentence and its unit: "tokens" when it is counted in tokens or words, or
    in sequences whose length the same sentence gives ("256 sequences of 512 tokens"), else "examples".
    A language model's steps x batch is its training tokens only when the batch is counted in tokens.
    With `at` (the steps' position), a batch in the steps' own ";" clause wins: "X ran 1M steps with a
    batch of 32k words; Y ran 1M steps with a batch of 128k words" gives each run its own batch."""
    if at is not None and ";" in text and not cues.ablated("ops_batch_same_clause"):
        begin = text.rfind(";", 0, at) + 1
        end = text.find(";", at)
        own_clause = batch_of(text[begin:] if end < 0 else text[begin:end])
        if own_clause:
            return own_clause
    in_tokens = not cues.ablated("ops_batch_token_units")
    rate = TOKENS_PER_BATCH.search(text) if in_tokens else None
    if rate and _value(rate) >= 2:
        return _value(rate), "tokens"
    match = BATCH.search(text)
    if not match:
        return None
    value = _value(match)
    unit_word = (match.group("unit") or "").lower()
    unit = "tokens" if unit_word == "tokens" or (in_tokens and unit_word in _BATCH_TOKEN_UNITS) else "examples"
    if unit == "examples" and unit_word in ("", "sequences", "examples") and not cues.ablated("ops_batch_sequence_length"):
        length = SEQUENCE_LENGTH.search(text)
        if length and 16 <= _value(length) <= 1_000_000:
            value, unit = value * _value(length), "tokens"
    return (value, unit) if value >= 2 else None


def neighbour_batch(neighbours: tuple[str, ...]) -> tuple[tuple[float, str], str | None] | None:
    """The batch the sentence before (else after) gives, and the model that sentence names before it: a
    schedule sentence that borrows "For BarNet models, ... a batch size of 512" is BarNet's run."""
    for text in neighbours:
        batch = batch_of(text)
        if batch:
            at = next((m.start() for m in (TOKENS_PER_BATCH.search(text), BATCH.search(text)) if m), len(text))
            return batch, cues.nearest_model_name(text[max(0, at - 150):at])
    return None
