"""One spaCy pipeline per process (spacy.blank("en"), no model download), with narrow tokenizer rules.

The default English tokenizer keeps "8x", "8xV100", "12h", "3.5days", "TPUv3" as single tokens.
We add only the splits the field matchers need:
  "8x" -> "8" "x", "8xV100" -> "8" "x" "V100", "12h" -> "12" "h", "3.5days" -> "3.5" "days",
  "2.5k" -> "2.5" "k", "~140" -> "~" "140", "TPUv3" -> "TPU" "v3", "GPU·hours" -> "GPU" "·" "hours",
while "1e23", "3.1e23", "3.64E+23", "V100s", "K40c" stay intact (the rules only fire on a token that
is a plain number followed by a known unit), and catalog chip names that end in a unit-like letter
("A10G", "K40m") are kept whole.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache

import spacy
from spacy.language import Language
from spacy.util import compile_infix_regex, compile_prefix_regex

try:  # one pass over a paper for all keywords (Aho-Corasick); without it, one str.find scan per keyword
    import ahocorasick
except ImportError:  # pragma: no cover - a declared dependency; the scans below are the same answers
    ahocorasick = None

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
    _keep_chip_names_whole(nlp)
    return nlp


def _keep_chip_names_whole(nlp: Language) -> None:
    """Chip names ending in a letter that the default suffix rules take for a unit ("A10G" -> "A10" "G",
    as in "10G"; "K40m" -> "K40" "m") stay one token, with their plural ("A10Gs"). Only names in the
    chip catalog: "10G", "4m", "A10" are untouched."""
    from extractors.chips import all_chips

    for spec in all_chips():
        for written in (spec.name, *spec.aliases):
            if not re.fullmatch(r"[A-Z]{1,3}\d{2,4}[A-Za-z]", written) or len(nlp.tokenizer(written)) == 1:
                continue
            for form in (written, written + "s"):
                nlp.tokenizer.add_special_case(form, [{"ORTH": form}])


def prefilter(sentences: list[Sentence], pattern: re.Pattern[str], keywords: tuple[str, ...] = ()) -> list[Sentence]:
    """The sentences a field's matcher could match, before any tokenisation.

    With `keywords` (lower-case substrings) a sentence must contain one of them first: they are found
    in the paper's whole text at once (`SentenceIndex`), so the regex then runs on the few sentences
    left instead of on every sentence of the paper."""
    if keywords:
        sentences = index_for(sentences).containing(keywords)
    return [s for s in sentences if pattern.search(s.text)]


class SentenceIndex:
    """A paper's sentences joined into one string, so that a keyword or a regex scans the paper once,
    in C, instead of once per sentence with a Python call each (thousands per paper, for every field).

    Hits are mapped back to sentences by offset; a regex hit is confirmed on the sentence itself, since
    a pattern may in principle reach across the separator."""

    _SEPARATOR = "\x00"  # no word character, no whitespace: patterns do not run across it

    def __init__(self, sentences: list[Sentence]):
        self.sentences = sentences
        texts = [s.text for s in sentences]
        self.text = self._SEPARATOR.join(texts)
        self.starts = self._offsets(texts)
        self._keyword_cache: dict[str, list[int]] = {}
        self._scanned_known = False  # the keywords the automaton knew are all in the cache
        self.lower = self.text.lower()
        if len(self.lower) == len(self.text):
            self.lower_starts = self.starts
        else:  # a few characters change length when lower-cased ("İ"): map the lower-case text apart
            lowered = [t.lower() for t in texts]
            self.lower = self._SEPARATOR.join(lowered)
            self.lower_starts = self._offsets(lowered)

    @staticmethod
    def _offsets(texts: list[str]) -> list[int]:
        starts, at = [], 0
        for text in texts:
            starts.append(at)
            at += len(text) + 1
        return starts

    def containing(self, keywords: tuple[str, ...]) -> list[Sentence]:
        """Sentences holding any of the lower-case `keywords`, in document order."""
        return self.select(keywords=keywords)

    def matching(self, pattern: re.Pattern[str]) -> list[Sentence]:
        """Sentences in which `pattern` matches (case as the pattern says), in document order. The
        pattern must not anchor on "^" or "$": in the joined text those see only the paper's ends."""
        return self.select(patterns=(pattern,))

    def select(self, keywords: tuple[str, ...] = (), patterns: tuple[re.Pattern[str], ...] = ()) -> list[Sentence]:
        """Sentences holding any of `keywords` or matching any of `patterns`, in document order."""
        found: set[int] = set()
        for keyword in keywords:
            self._keyword_hits(keyword, found)
        for pattern in patterns:
            self._pattern_hits(pattern, found)
        return [self.sentences[i] for i in sorted(found)]

    def _next_start(self, starts: list[int], number: int, end: int) -> int:
        return starts[number + 1] if number + 1 < len(starts) else end

    def _keyword_hits(self, keyword: str, found: set[int]) -> None:
        # Several fields ask for the same keyword ("flop", "ops"): each is scanned once per paper.
        hits = self._keyword_cache.get(keyword)
        if hits is None:
            if not self._scanned_known and _KEYWORDS.knows(keyword):
                # The first keyword the automaton knows: every keyword the fields asked for on earlier
                # papers is found in this one pass (75 str.find scans a paper cost three times as much).
                self._keyword_cache.update(_KEYWORDS.hits(self.lower, self.lower_starts))
                self._scanned_known = True
                hits = self._keyword_cache[keyword]
            else:  # a keyword first asked for now: scanned alone, and known from the next paper on
                hits = self._keyword_cache[keyword] = self._scan_keyword(keyword)
                _KEYWORDS.learn(keyword)
        found.update(hits)

    def _scan_keyword(self, keyword: str) -> list[int]:
        lower, starts = self.lower, self.lower_starts
        hits: list[int] = []
        at = lower.find(keyword)
        while at >= 0:
            number = bisect_right(starts, at) - 1
            hits.append(number)
            # One hit is enough for a sentence: go on from the next one.
            at = lower.find(keyword, max(at + 1, self._next_start(starts, number, len(lower))))
        return hits

    def _pattern_hits(self, pattern: re.Pattern[str], found: set[int]) -> None:
        text, starts = self.text, self.starts
        at = 0
        while at <= len(text):
            match = pattern.search(text, at)
            if match is None:
                return
            number = bisect_right(starts, match.start()) - 1
            if number not in found and pattern.search(self.sentences[number].text):
                found.add(number)
            at = max(match.start() + 1, self._next_start(starts, number, len(text)))


class _KeywordAutomaton:
    """Every keyword the fields have asked a SentenceIndex for in this process, found in a paper's
    lower-case text in one Aho-Corasick pass. The set grows as fields ask (the first paper teaches it
    all of them), so no field has to declare its keywords anywhere else."""

    def __init__(self) -> None:
        self._numbers: dict[str, int] = {}
        self._automaton = None

    def knows(self, keyword: str) -> bool:
        return keyword in self._numbers

    def learn(self, keyword: str) -> None:
        if ahocorasick is not None and keyword and keyword not in self._numbers:
            self._numbers[keyword] = len(self._numbers)
            self._automaton = None  # rebuilt when next used

    def hits(self, lower: str, starts: list[int]) -> dict[str, list[int]]:
        """keyword -> the numbers of the sentences holding it, in order (as `_scan_keyword` gives)."""
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for keyword, number in self._numbers.items():
                automaton.add_word(keyword, number)
            automaton.make_automaton()
            self._automaton = automaton
        per_keyword: list[list[int]] = [[] for _ in self._numbers]
        last = [-1] * len(self._numbers)
        for end, number in self._automaton.iter(lower):
            sentence = bisect_right(starts, end) - 1  # keywords hold no separator: end and start agree
            if last[number] != sentence:
                last[number] = sentence
                per_keyword[number].append(sentence)
        return {keyword: per_keyword[number] for keyword, number in self._numbers.items()}


_KEYWORDS = _KeywordAutomaton()
_last_index: SentenceIndex | None = None


def index_for(sentences: list[Sentence]) -> SentenceIndex:
    """The index of this sentence list, built once: every field extractor of a paper gets the same
    list, so the index of the last list asked for is kept (one paper's text). A copy of that list
    (`list(sentences)`: the same Sentence objects in the same order) reuses it too."""
    global _last_index
    index = _last_index
    if index is None or not _same_sentences(index, sentences):
        index = _last_index = SentenceIndex(sentences)
    return index


def _same_sentences(index: SentenceIndex, sentences: list[Sentence]) -> bool:
    if len(index.starts) != len(sentences):
        return False
    return index.sentences is sentences or all(a is b for a, b in zip(index.sentences, sentences))


def parse(sentences: list[Sentence]):
    """(sentence, Doc) pairs for the given sentences, tokenised in one nlp.pipe batch."""
    nlp = get_nlp()
    return zip(sentences, nlp.pipe((s.text for s in sentences), batch_size=256))


class FlagMatcher:
    """A spaCy `Matcher` whose REGEX and IN tests on LOWER / ORTH (TEXT) are lexeme flags.

    spaCy runs a REGEX or IN predicate as a Python call for every token of every Doc (the hardware
    matcher's ten regexes were ~90% of its time). Whether a token passes such a test depends on its
    string alone, so each test becomes one flag bit of the vocabulary (`Vocab.add_flag`): computed once
    per distinct word for the life of the process, then checked in C like IS_DIGIT. Same matches, same
    order. A test that finds no free flag bit stays a predicate."""

    _FLAG_ATTRS = {"LOWER": "lower", "ORTH": "orth", "TEXT": "orth"}

    def __init__(self, vocab):
        from spacy.matcher import Matcher

        self.vocab = vocab
        self._matcher = Matcher(vocab, validate=False)
        self._flags: dict[tuple[str, str, object], int] = {}

    def add(self, key: str, patterns: list[list[dict]]) -> None:
        from spacy.matcher import Matcher

        Matcher(self.vocab).add(key, patterns)  # the checks and errors the plain Matcher gives
        self._matcher.add(key, [[self._flagged(spec) for spec in pattern] for pattern in patterns])

    def __call__(self, doc):
        return self._matcher(doc)

    def __len__(self) -> int:
        return len(self._matcher)

    def _flagged(self, spec: dict) -> dict:
        out: dict = {}
        for attr, value in spec.items():
            flag = self._flag(attr, value)
            if flag is None:
                out[attr] = value
            else:
                out[flag] = True
        return out

    def _flag(self, attr, value) -> int | None:
        if not isinstance(attr, str) or attr.upper() not in self._FLAG_ATTRS or not isinstance(value, dict) \
                or len(value) != 1:
            return None
        (operator, argument), = value.items()
        if operator == "REGEX" and isinstance(argument, str):
            test_key: object = argument
        elif operator == "IN" and isinstance(argument, list) and all(isinstance(v, str) for v in argument):
            test_key = frozenset(argument)
        else:
            return None
        field = self._FLAG_ATTRS[attr.upper()]
        key = (field, operator, test_key)
        if key not in self._flags:
            try:
                self._flags[key] = self.vocab.add_flag(_flag_getter(field, operator, test_key))
            except ValueError:  # all 63 flag bits taken: keep the predicate
                return None
        return self._flags[key]


def _flag_getter(field: str, operator: str, test: object):
    """f(lexeme text) -> bool: the predicate's answer for a token of that text. A lexeme's LOWER is
    its text lower-cased (spaCy's LOWER getter)."""
    if operator == "REGEX":
        search = re.compile(test).search
        if field == "lower":
            return lambda text: search(text.lower()) is not None
        return lambda text: search(text) is not None
    if field == "lower":
        return lambda text: text.lower() in test
    return lambda text: text in test
