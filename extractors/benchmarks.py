"""Benchmark vocabulary: how papers write the scored datasets, metrics, splits and result numbers.

Everything here maps free text onto the scorer's names (../shared/eval/score.py, LABELS.md):
datasets "ImageNet", "COCO", "SQuAD 1.1", "SQuAD 2.0", "CoNLL-2003", "WMT14 EN-DE", "WMT14 EN-FR";
metrics "top-1 accuracy", "top-5 accuracy", "top-1 error", "top-5 error", "AP", "AP50", "EM", "F1",
"BLEU". Both the sentence reader (results.py) and the table reader (tables.py) use these helpers, so a
new spelling is taught in one place.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

DATASETS = ("ImageNet", "COCO", "SQuAD 1.1", "SQuAD 2.0", "CoNLL-2003", "WMT14 EN-DE", "WMT14 EN-FR")
METRICS = ("top-1 accuracy", "top-5 accuracy", "top-1 error", "top-5 error", "AP", "AP50", "EM", "F1", "BLEU")

# Which metrics a dataset is reported with; a metric outside this set is not that benchmark's result
# (e.g. an F1 next to "ImageNet" is some other task's number).
DATASET_METRICS = {
    "ImageNet": {"top-1 accuracy", "top-5 accuracy", "top-1 error", "top-5 error"},
    "COCO": {"AP", "AP50"},
    "SQuAD 1.1": {"EM", "F1"},
    "SQuAD 2.0": {"EM", "F1"},
    "CoNLL-2003": {"F1"},
    "WMT14 EN-DE": {"BLEU"},
    "WMT14 EN-FR": {"BLEU"},
}

# The study's curation convention for the headline when a paper reports a single model and an
# ensemble of it. SQuAD: the single model (34 of its 40 SQuAD 1.1 rows are named "(single model)",
# none is an ensemble: the leaderboard ranks the two apart). COCO: the single model too (one of its
# 115 rows is an ensemble; ResNet's row is its single model, 34.9, not its 37.4 ensemble, and the
# speed/accuracy trade-offs paper's is a single Faster R-CNN, not its winning ensemble). ImageNet and
# WMT: the paper's best, ensembles included (AlexNet's 7 CNNs, VGG's 2 nets, OverFeat's 7 models;
# ConvS2S's ensemble, Luong et al.'s 8 models).
SINGLE_MODEL_HEADLINE = frozenset({"SQuAD 1.1", "SQuAD 2.0", "COCO"})

_WMT_YEAR = r"(?:wmt\s*[-']?\s*(?:20)?14|newstest\s*-?\s*2014|wmt\s*'?\s*2014)"
_EN = r"(?:english|en)"
_DE = r"(?:german|de)"
_FR = r"(?:french|fr)"
_PAIR_SEP = r"\s*(?:-|–|→|->|to|-to-|/|⇒)\s*"

# Order matters: the more specific pattern wins when two match the same text.
_DATASET_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("SQuAD 2.0", re.compile(r"\bsquad\s*[-_]?\s*(?:v(?:ersion)?\s*)?2(?:\.0)?\b", re.I)),
    ("SQuAD 1.1", re.compile(r"\bsquad\s*[-_]?\s*(?:v(?:ersion)?\s*)?1(?:\.[01])?\b", re.I)),
    # A bare "SQuAD" is v1.1 unless a 2.0 is written next to it (checked by the caller's context).
    ("SQuAD 1.1", re.compile(r"\bsquad\b(?!\s*[-_]?\s*(?:v(?:ersion)?\s*)?[12])", re.I)),
    ("CoNLL-2003", re.compile(r"\bconll\s*[-']?\s*(?:20)?03\b", re.I)),
    ("WMT14 EN-DE", re.compile(rf"{_WMT_YEAR}[^.;]{{0,40}}?\b{_EN}{_PAIR_SEP}{_DE}\b", re.I)),
    ("WMT14 EN-FR", re.compile(rf"{_WMT_YEAR}[^.;]{{0,40}}?\b{_EN}{_PAIR_SEP}{_FR}\b", re.I)),
    ("WMT14 EN-DE", re.compile(rf"\b{_EN}{_PAIR_SEP}{_DE}\b[^.;]{{0,40}}?{_WMT_YEAR}", re.I)),
    ("WMT14 EN-FR", re.compile(rf"\b{_EN}{_PAIR_SEP}{_FR}\b[^.;]{{0,40}}?{_WMT_YEAR}", re.I)),
    ("COCO", re.compile(r"\b(?:ms[-\s]?)?coco\b", re.I)),
    # Not the variants and supersets: ImageNet-22k/21k, Fall 2011, ImageNet-A/-R/-C/-O/-Sketch/-ReaL/V2.
    ("ImageNet", re.compile(r"\bimage\s?net\b(?![-\s]?(?:22k|21k|2011|fall|pre)|-(?:a|r|c|o|sketch)\b|[-\s]?(?:real|v2)\b)"
                            r"|\bilsvrc\b|\blsvrc\b", re.I)),
]

# Substrings one of which each pattern above needs (lower case), to skip patterns cheaply.
_PATTERN_KEYS = [("squad",), ("squad",), ("squad",), ("conll",), ("wmt", "newstest"), ("wmt", "newstest"),
                 ("wmt", "newstest"), ("wmt", "newstest"), ("coco",), ("image", "lsvrc")]

# Language pairs without the WMT year: only trusted when the paper names WMT 2014 somewhere.
_PAIR_ONLY = [
    ("WMT14 EN-DE", re.compile(rf"\b{_EN}{_PAIR_SEP}{_DE}\b|\ben\s?-?de\b", re.I)),
    ("WMT14 EN-FR", re.compile(rf"\b{_EN}{_PAIR_SEP}{_FR}\b|\ben\s?-?fr\b", re.I)),
]
_WMT14_ANYWHERE = re.compile(_WMT_YEAR, re.I)

# Datasets that are NOT scored but share words with scored ones; a number next to them is not ours.
OTHER_DATASETS = re.compile(
    r"\b(?:cifar\s*-?\s*1?0{1,2}\+?|svhn|mnist|pascal|voc\s*\d*|caltech|places\s*\d*|jft|"
    r"conll\s*[-']?\s*(?:20)?0?2|ontonotes|triviaqa|race|glue|mnli|swag|cnn|dailymail|"
    r"wmt\s*[-']?\s*(?:20)?1[5-9]|iwslt|lm1b|enwik8|text8|kitti|cityscapes|ade20k|nyud?|sift\s?flow)\b",
    re.I,
)


# Cheap pre-filters: one search each, so the full pattern sets run only on the few sentences that
# can match (a paper has thousands of sentences and a handful of results).
_DATASET_WORDS = ("imagenet", "image net", "ilsvrc", "lsvrc", "coco", "squad", "conll", "wmt", "newstest",
                  "english", "en-de", "en-fr", "en–de", "en–fr", "en→", "en de", "en fr")
# Case-sensitive on purpose: "AP"/"EM" in capitals are metrics, "ap"/"em" start ordinary words.
# Plain substring tests: a regex with this many alternatives costs ~30 µs per sentence.
_METRIC_WORDS = ("top", "Top", "TOP", "@1", "@5", "@ 1", "@ 5", "AP", "EM", "xact", "F1", "f1", "F-", "F 1", "Fscore", "F score", "BLEU", "Bleu", "bleu")


_DIGIT = re.compile(r"\d")


_METRIC_WORD = re.compile("|".join(re.escape(w) for w in _METRIC_WORDS))  # literals only: fast in C


def may_name_metric(text: str) -> bool:
    return _METRIC_WORD.search(text) is not None and _DIGIT.search(text) is not None


@dataclass(frozen=True)
class Mention:
    name: str
    start: int
    end: int


def word_positions(low: str, word: str) -> list[int]:
    """Every start of `word` in the lower-cased text `low`, overlapping ones too."""
    out = []
    at = low.find(word)
    while at >= 0:
        out.append(at)
        at = low.find(word, at + 1)
    return out


# The words whose places a whole paper's text is searched around (find_datasets, mentions_wmt14).
LONG_TEXT_WORDS = (*_DATASET_WORDS, "wmt", "newstest")


def find_datasets(text: str, *, paper_has_wmt14: bool = False,
                  positions: dict[str, list[int]] | None = None) -> list[Mention]:
    """Scored datasets named in `text`, leftmost first, overlapping matches removed. `positions`:
    `word_positions` of each of LONG_TEXT_WORDS in `text`, when the caller has found them already."""
    low = text.lower()
    if len(text) <= 2000:
        return _find_datasets_in(text, low, paper_has_wmt14)
    # Long texts (a whole paper): the case-insensitive patterns are slow, so they run only on short
    # windows around the places where a dataset word occurs.
    windows: list[list[int]] = []
    for word in _DATASET_WORDS:
        for at in positions[word] if positions is not None else word_positions(low, word):
            windows.append([max(0, at - 80), at + len(word) + 80])
    windows.sort()
    merged: list[list[int]] = []
    for w in windows:
        if merged and w[0] <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], w[1])
        else:
            merged.append(w)
    found: list[Mention] = []
    for start, end in merged:
        for m in _find_datasets_in(text[start:end], low[start:end], paper_has_wmt14):
            found.append(Mention(m.name, m.start + start, m.end + start))
    return found


def _find_datasets_in(text: str, low: str, paper_has_wmt14: bool) -> list[Mention]:
    found: list[Mention] = []
    if not any(word in low for word in _DATASET_WORDS):
        return found
    for (name, pattern), keys in zip(_DATASET_PATTERNS, _PATTERN_KEYS):
        if not any(k in low for k in keys):
            continue  # cheap substring test first: the patterns are slow on long texts
        for m in pattern.finditer(text):
            if not any(m.start() < f.end and f.start < m.end() for f in found):
                found.append(Mention(name, m.start(), m.end()))
    if (paper_has_wmt14 or _WMT14_ANYWHERE.search(text)) and "en" in low:
        for name, pattern in _PAIR_ONLY:
            for m in pattern.finditer(text):
                if not any(m.start() < f.end and f.start < m.end() for f in found):
                    found.append(Mention(name, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def mentions_wmt14(text: str, positions: dict[str, list[int]] | None = None) -> bool:
    """`positions`: as for find_datasets."""
    low = text.lower() if positions is None else ""
    for word in ("wmt", "newstest"):
        # the pattern runs only where it can match: fast on a whole paper
        for at in positions[word] if positions is not None else word_positions(low, word):
            if _WMT14_ANYWHERE.match(text, at):
                return True
    return False


# Metric spellings. "top-1 / top-5 accuracy" style lists are handled by the sentence reader; these
# patterns name one metric each. The accuracy/error word may sit a few words away ("top-5 test
# error"), hence the short gap allowance.
_TOPK = r"top\s*-?\s*([15])"
_TOPK_GAP = r"(?:\s+(?:test|val(?:idation)?|single[-\s]model|classification|center[-\s]crop))*"
_METRIC_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("top-k error", re.compile(rf"\b{_TOPK}{_TOPK_GAP}\s+(?:error|err\.?)(?:\s+rates?)?", re.I)),
    ("top-k accuracy", re.compile(rf"\b{_TOPK}{_TOPK_GAP}\s+(?:accuracy|acc\.?)", re.I)),
    ("top-k", re.compile(rf"\b{_TOPK}\b", re.I)),
    # "Acc@1", "Err@5" (library-style headers)
    ("top-k accuracy", re.compile(r"\bacc(?:uracy)?\s*@\s*([15])\b", re.I)),
    ("top-k error", re.compile(r"\berr(?:or)?\s*@\s*([15])\b", re.I)),
    ("AP", re.compile(r"\bm?AP\s*@\s*\[\s*(?:IoU\s*=\s*)?0?\.50?\s*[,:]\s*0?\.95\s*\]", re.I)),
    ("AP50", re.compile(r"\b(?:m?AP\s*(?:@|_)?\s*(?:\[?\s*(?:IoU\s*=\s*)?0?\.50?\s*\]?|50)(?![\d,:]))|\bAP50\b", re.I)),
    # Box AP only: mask/keypoint AP of instance segmentation or pose is another task.
    ("AP", re.compile(r"(?<!mask\s)(?<!mask-)\b(?:box\s+)?m?AP(?:\s*\(?\s*(?:%|bbox|box)\s*\)?)?"
                      r"(?![\w@_.-]|\s*(?:@|_|50|75|[sml]\b|mask|seg|kp|keypoint))", re.I)),
    ("EM", re.compile(r"\bEM\b|\bexact[-\s]match\b", re.I)),
    ("F1", re.compile(r"\bF1\b|\bF\s*-\s*1\b|\bF\s*-?\s*(?:score|measure)\b", re.I)),
    ("BLEU", re.compile(r"\bBLEU\b", re.I)),
]
# A lower-case word every match of each pattern above holds (one of them), in the same order: the
# eleven case-insensitive patterns then run only where they can match.
_METRIC_PATTERN_KEYS = (("top",), ("top",), ("top",), ("@",), ("@",), ("ap",), ("ap",), ("ap",), ("em", "exact"),
                        ("f",), ("bleu",))


def find_metrics(text: str) -> list[Mention]:
    """Scored metrics named in `text` (top-k without an accuracy/error word is 'top-k')."""
    found: list[Mention] = []
    if not _METRIC_WORD.search(text):
        return found
    low = text.lower()
    for (kind, pattern), keys in zip(_METRIC_PATTERNS, _METRIC_PATTERN_KEYS):
        if not any(key in low for key in keys):
            continue
        for m in pattern.finditer(text):
            if any(m.start() < f.end and f.start < m.end() for f in found):
                continue
            if kind.startswith("top-k"):
                k = m.group(1)
                name = f"top-{k}" + kind[len("top-k"):]
                found.append(Mention(name, m.start(), m.end()))
            else:
                found.append(Mention(kind, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def complete_topk(metric: str, text: str) -> str | None:
    """'top-5' alone becomes 'top-5 error'/'top-5 accuracy' from an error/accuracy word in `text`."""
    if metric in METRICS:
        return metric
    if not metric.startswith("top-"):
        return None
    has_err = re.search(r"\berr(?:or|\.)?s?\b|\berror rates?\b", text, re.I)
    has_acc = re.search(r"\bacc(?:uracy|\.)?\b", text, re.I)
    if has_err and not has_acc:
        return metric + " error"
    if has_acc and not has_err:
        return metric + " accuracy"
    return None


# Splits: the scorer's headline is the test split when a paper gives one.
SPLIT_PATTERNS = [
    ("test-dev", re.compile(r"\btest[-\s]?dev(?:20\d\d)?\b", re.I)),
    ("test-std", re.compile(r"\btest[-\s]?std(?:20\d\d)?\b|\btest[-\s]?challenge\b", re.I)),
    ("val", re.compile(r"\bmini[-\s]?val\b|\bval(?:idation|\.)?\b|\bheld[-\s]?out\b", re.I)),
    ("dev", re.compile(r"\bdev(?:elopment)?\b", re.I)),
    ("test", re.compile(r"\btest(?:ing)?\b", re.I)),
]


def find_splits(text: str) -> list[Mention]:
    found: list[Mention] = []
    for name, pattern in SPLIT_PATTERNS:
        for m in pattern.finditer(text):
            if not any(m.start() < f.end and f.start < m.end() for f in found):
                found.append(Mention(name, m.start(), m.end()))
    return sorted(found, key=lambda f: f.start)


def split_rank(split: str | None) -> int:
    """Higher is more headline-like: test results beat validation/dev ones. An unstated split ranks
    with dev/val: papers without test labels (ImageNet val, SQuAD dev) headline those."""
    return {"test": 3, "test-dev": 3, "test-std": 3}.get(split, 2)


# A result number: "28.4", "3.57%", ".790", "17.0%5" (footnote 5 glued after the percent sign),
# "41.8†" (dagger marker), "76.2/84.6" (two numbers). Numbers that are part of a name ("ResNet-152",
# "v1.1"), a unit ("78ms", "5.2M") or a reference ("Table 5", "[18]") are not results.
_NUMBER = re.compile(r"(?<![\w.])(\d{1,3}(?:\.\d+)?|\.\d+)(\s?%)?")
_NOT_A_RESULT_BEFORE = re.compile(
    r"(?:\b(?:table|tab\.|fig\.?|figure|section|sec\.|eq\.|equation|step|layers?|top|appendix|"
    r"ilsvrc|wmt|conll|squad|v|version)\s*-?\s*|[\[#]\s*|\w-|\d,)$",
    re.I,
)


@dataclass(frozen=True)
class Number:
    value: float
    start: int
    end: int
    percent: bool


def find_numbers(text: str) -> list[Number]:
    out = []
    for m in _NUMBER.finditer(text):
        after = text[m.end():m.end() + 2]
        if not m.group(2):
            # "78ms", "5.2M", "3x", "0.5-1", "2,000": a unit, size or range rather than a score.
            if re.match(r"[^\W\d_]|,\d|×|-\d|\.\d", after):
                continue
        if text[max(0, m.start() - 1):m.start()] == "%":
            continue  # a footnote marker glued after a percentage: "17.0%5"
        if _NOT_A_RESULT_BEFORE.search(text[max(0, m.start() - 12):m.start()]):
            continue
        out.append(Number(float(m.group(1)), m.start(1), m.end(), bool(m.group(2))))
    return out


def plausible(metric: str, value: float) -> bool:
    """Range check per metric: drops years, table numbers, deltas and parameter counts."""
    if metric == "BLEU":
        return 10.0 <= value <= 70.0
    if metric in ("top-1 error", "top-5 error"):
        return 0.5 <= value <= 60.0
    if metric in ("top-1 accuracy", "top-5 accuracy"):
        return 40.0 <= value <= 100.0
    if metric in ("AP", "AP50"):
        return 10.0 <= value <= 90.0
    if metric in ("EM", "F1"):
        return 30.0 <= value <= 100.0
    return False


def as_percent(metric: str, value: float) -> float:
    """Accuracies printed as fractions (0.790) become percent; BLEU is never scaled."""
    if metric != "BLEU" and 0 < value <= 1.0:
        return round(value * 100, 4)
    return value
