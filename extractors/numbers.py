"""Parsing the numbers papers write: digits with separators, number words, k/M suffixes."""
from __future__ import annotations

import re

WORD_NUMBERS: dict[str, float] = {
    "a": 1, "an": 1, "one": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
    "ninety": 90, "hundred": 100, "dozen": 12, "half": 0.5, "couple": 2, "few": 3,
}
# Words that are numbers in any context; "a", "an", "single", "half", "couple", "few" only count in
# the patterns that allow them.
STRICT_NUMBER_WORDS = frozenset(w for w in WORD_NUMBERS if w not in ("a", "an", "single", "half", "couple", "few"))

# Scale words and letters of sizes and costs ("25.6M", "4.1 billion", "1.2T tokens").
SCALE_WORDS: dict[str, float] = {"k": 1e3, "thousand": 1e3, "m": 1e6, "million": 1e6, "g": 1e9, "b": 1e9,
                                 "billion": 1e9, "t": 1e12, "trillion": 1e12}

_DIGITS = re.compile(r"^[~∼≈]?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?([kKM])?$")
_SUFFIX = {"k": 1e3, "K": 1e3, "M": 1e6}


def parse_number(token: str) -> float | None:
    """Value of one token: "8", "1,024", "2.5k", "∼71.8K", "eight"; None when it is not a number."""
    token = token.strip()
    if not token:
        return None
    lower = token.lower()
    if lower in WORD_NUMBERS:
        return float(WORD_NUMBERS[lower])
    match = _DIGITS.match(token)
    if not match:
        return None
    whole = match.group(1).replace(",", "")
    value = float(f"{whole}.{match.group(2)}" if match.group(2) else whole)
    if match.group(3):
        value *= _SUFFIX[match.group(3)]
    return value
