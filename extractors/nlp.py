"""One spaCy pipeline per process (spacy.blank("en"), no model download), with narrow tokenizer rules.

The default English tokenizer keeps "8x", "8xV100", "12h", "3.5days", "TPUv3" as single tokens.
We add only the splits the field matchers need:
  "8x" -> "8" "x", "8xV100" -> "8" "x" "V100", "12h" -> "12" "h", "3.5days" -> "3.5" "days",
  "2.5k" -> "2.5" "k", "~140" -> "~" "140", "TPUv3" -> "TPU" "v3", "GPU·hours" -> "GPU" "·" "hours",
while "1e23", "3.1e23", "3.64E+23", "V100s", "K40c" stay intact (the rules only fire on a token that
is a plain number followed by a known unit).
"""
from __future__ import annotations

import re
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex

from extractors.document import Sentence

_TIME_UNITS = r"h|hrs?|hours?|d|days?|wks?|weeks?|mins?|minutes?|m|months?|s|secs?|seconds?|ms"
_SCALE_SUFFIXES = r"k|K|M|B|x|×|X"
# A plain number at the start of a token, split off when the rest of the token is a unit or a scale
# letter. Being a prefix rule with a look-ahead to the token end, it cannot fire inside "V100s".
_NUMBER_BEFORE_UNIT = rf"^\d+(?:\.\d+)?(?=(?:{_TIME_UNITS}|{_SCALE_SUFFIXES})$)"
# "8xV100", "4×A100": a multiplication sign between a count and a capitalised model name.
_TIMES_BETWEEN = r"(?<=[0-9])[x×](?=[A-Z])"
_MIDDLE_DOT = r"(?<=[A-Za-z])[·•](?=[A-Za-z])"


@lru_cache(maxsize=1)
def get_nlp() -> Language:
    nlp = spacy.blank("en")
    prefixes = [_NUMBER_BEFORE_UNIT, r"^[~∼≈]", r"^[x×](?=[A-Z0-9])", *nlp.Defaults.prefixes]
    nlp.tokenizer.prefix_search = compile_prefix_regex(prefixes).search
    infixes = [*nlp.Defaults.infixes, _TIMES_BETWEEN, _MIDDLE_DOT]
    nlp.tokenizer.infix_finditer = compile_infix_regex(infixes).finditer
    for generation in range(1, 7):
        for written in (f"TPUv{generation}", f"TPUV{generation}", f"tpuv{generation}"):
            nlp.tokenizer.add_special_case(written, [{"ORTH": written[:3]}, {"ORTH": written[3:]}])
        nlp.tokenizer.add_special_case(f"TPUv{generation}s", [{"ORTH": "TPU"}, {"ORTH": f"v{generation}"},
                                                               {"ORTH": "s"}])
    return nlp


def prefilter(sentences: list[Sentence], pattern: re.Pattern[str], keywords: tuple[str, ...] = ()) -> list[Sentence]:
    """The sentences a field's matcher could match, before any tokenisation.

    With `keywords` (lower-case substrings) a sentence must contain one of them first: substring tests
    run in C and are several times cheaper than a regex scan over every sentence of a paper; the
    regex then confirms the few sentences left."""
    if keywords:
        sentences = [s for s in sentences if contains_any(s.text, keywords)]
    return [s for s in sentences if pattern.search(s.text)]


def contains_any(text: str, keywords: tuple[str, ...]) -> bool:
    lowered = text.lower()
    return any(k in lowered for k in keywords)


def parse(sentences: list[Sentence]):
    """(sentence, Doc) pairs for the given sentences, tokenised in one nlp.pipe batch."""
    nlp = get_nlp()
    return zip(sentences, nlp.pipe((s.text for s in sentences), batch_size=256))
