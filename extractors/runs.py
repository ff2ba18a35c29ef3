"""Training runs: which model, size, stage and dataset a hardware / time / compute statement belongs to.

Each field's extractor picks its values on its own, so a paper's "best" GPUs and "best" time may come
from different runs: the small model's GPUs with the large model's days, or fine-tuning hardware with
pretraining time. This module reads, for every compute-related candidate, the clause it sits in and
links it to a run:

  model    the nearest model-like name in the clause or table row ("BERT-large", "FCN-32s", "Xception")
  size     base / large / small / huge / xl ... from a size word or a name suffix ("ViT-L/16", "BERTLARGE",
           "Transformer (big)", "our largest model")
  stage    pretraining | training | fine-tuning, from the clause's cue words
  dataset  the data trained on when the clause names it (ImageNet vs JFT, WMT vs a language-modelling corpus)
  to_target  a time to reach a given score ("reaches X's accuracy within 3 hours", "time to get 77 F1"):
           a speed comparison, not the training time of the reported model
  own      the statement is about the paper's own run (not related work, references, a cited subject)
  search   the clause is about an architecture / hyper-parameter search, a proxy task or a controller's
           sampled child models (NAS): that cost is not the headline model's training unless the clause
           says the final model was trained that way ("the search took 4.5 days on 64 TPUs")
  inference  the clause is about decoding, inference or evaluation time ("decoding takes 2 hours",
           "inference on one GPU"), not training

`link(candidate)` returns a RunLink and `annotate(candidates)` also writes it into the candidates'
features ("run_model", "run_size", "run_stage", "run_dataset", "run_to_target", "run_own", "run_search", "run_inference") for the
learned scorer. Pure functions: text in, records out.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from extractors.chips import canonical_name
from extractors.cues import ablated, cited_subject
from extractors.document import Sentence
from extractors.nlp import index_for
from extractors.records import Candidate

RUN_FIELDS = ("hardware", "training_time", "stated_compute", "throughput")
# The fields whose value depends on the data a run trained on (a model's size or forward cost does not):
# these take the data set of their paragraph / section when their clause names none.
DATA_FIELDS = ("hardware", "training_time", "stated_compute", "epochs", "steps", "training_tokens", "training_set")
STAGES = ("pretraining", "training", "fine-tuning")

# Clause boundaries inside one sentence: "The ImageNet runs took 3 days, while the JFT runs took a month".
_CLAUSE_SPLIT = re.compile(r";|,?\s+(?:while|whereas|but|and then)\s+|,\s+and\s+(?=(?:the|our|a|an|for|on|it)\b)"
                           r"|\.\s+(?=[A-Z])", re.IGNORECASE)
_PRETRAIN = re.compile(r"\bpre-?train\w*|\bpretext\b|\bunsupervised pre\w*", re.IGNORECASE)
_FINETUNE = re.compile(r"\bfine-?tun\w*|\btransfer(?:red|ring)? to\b", re.IGNORECASE)
# "starting from the pre-trained model": work done on top of a pretrained model is fine-tuning.
_FROM_PRETRAINED = re.compile(r"\b(?:from|on top of|initiali[sz]ed (?:from|with)) (?:the |a |an |our )?(?:same |exact same )*"
                              r"pre-?trained\b", re.IGNORECASE)
# Time to reach a stated score or a baseline's score: speed comparisons, not the run behind the result.
_TO_TARGET = re.compile(
    r"\b(?:(?:the )?same (?:accuracy|performance|score|quality|F1|BLEU|error)|(?:match(?:es|ed|ing)?|reach(?:es|ed|ing)?|"
    r"get(?:s|ting)?|achiev(?:e|es|ed|ing)|hit(?:s|ting)?|attain(?:s|ed|ing)?) (?:the |a |an )?(?:same |target |"
    r"comparable |similar )?(?:[\w\-]+'s )?(?:accuracy|performance|score|quality|error|\d+(?:\.\d+)?%? ?(?:F1|EM|BLEU|"
    r"accuracy|top-1|top-5|AP|perplexity))|time[- ]to[- ](?:accuracy|target|train to)|to (?:reach|get|achieve) "
    r"\d+(?:\.\d+)?)", re.IGNORECASE)
# Sizes: words and name suffixes, mapped to one vocabulary ("big" is the Transformer's "large").
_SIZE_WORDS = {"tiny": "tiny", "small": "small", "base": "base", "medium": "medium", "large": "large",
               "big": "large", "huge": "huge", "giant": "giant", "xl": "xl", "xxl": "xxl", "mini": "mini"}
# A size word counts only next to a model noun ("the big models", "model size large"), not in "a small fraction".
_MODEL_NOUN = r"(?:models?|networks?|variants?|versions?|configurations?|settings?|transformers?|architectures?|nets?)"
_SIZE_WORD = re.compile(rf"\b(tiny|small|base|medium|large|big|huge|giant|xl|xxl|mini)[- ]{_MODEL_NOUN}\b|"
                        rf"\b{_MODEL_NOUN} (?:size )?(tiny|small|base|medium|large|big|huge|giant|xl|xxl|mini)\b",
                        re.IGNORECASE)
_SIZE_LETTER = {"T": "tiny", "S": "small", "B": "base", "M": "medium", "L": "large", "H": "huge", "G": "giant",
                "XL": "xl", "XXL": "xxl"}
_SIZE_IN_NAME = re.compile(r"(?:^|[-_/ (])(XXL|XL|T|S|B|M|L|H|G)(?:$|[-_/ )\d])")
_LARGEST = re.compile(r"\b(?:our|the) (?:largest|biggest|best) (?:model|network|variant|configuration)\b", re.IGNORECASE)
# A model-like name: CamelCase or capitals with digits ("ResNet-50", "BERTLARGE", "FCN-32s", "ViT-L/16").
_MODEL = re.compile(r"\b(?:[A-Z][A-Za-z0-9]*(?:[A-Z0-9][A-Za-z0-9]*)|[A-Z][a-z]+(?=-(?:tiny|small|base|medium|large|"
                    r"big|huge|giant|xl|xxl|\d|[A-Z])))(?:[-/][A-Za-z0-9]+(?:\.\d+[A-Za-z]*)?)*(?:\s*\((?:big|base|large|small)\))?")
_NOT_MODELS = frozenset(
    "GPU GPUs TPU TPUs CPU CPUs NVIDIA GB TB MB FLOPs FLOPS PF TF BLEU AP EM F1 SGD ADAM Adam LSTM LSTMs RNN RNNs CNN "
    "CNNs ImageNet COCO SQuAD WMT CIFAR LM1B JFT SXM SXM2 SXM4 PCIe NVLink HBM DGX GTX RTX TITAN Titan Quadro "
    "GeForce AMD MI Table Figure Fig Section Appendix We Our In The For On To As At This It A An GPUhours "
    "TensorFlow PyTorch Caffe Torch MXNet JAX Keras CUDA cuDNN IoU mAP VOC PASCAL GLUE MNLI OK NaN "
    "English German French EN DE FR "
    # Units of the operation count's inputs: "at 2 GFLOPs" names no model.
    "GFLOPs GFLOPS MFLOPs MFLOPS TFLOPs MACs GMACs MMACs FLOP MAdds".split())
# Datasets a run may be trained on; a result's dataset maps to the same families.
_DATASETS = (
    ("JFT", re.compile(r"\bJFT\b", re.IGNORECASE)),
    ("ImageNet-21k", re.compile(r"\bImageNet-?(?:21|22)k\b|\bfull ImageNet\b", re.IGNORECASE)),
    ("ImageNet", re.compile(r"\bImageNet\b|\bILSVRC\b", re.IGNORECASE)),
    ("COCO", re.compile(r"\bCOCO\b", re.IGNORECASE)),
    ("SQuAD", re.compile(r"\bSQuAD\b", re.IGNORECASE)),
    ("CoNLL", re.compile(r"\bCoNLL\b|\bnamed entit", re.IGNORECASE)),
    ("WMT EN-DE", re.compile(r"\bEn(?:glish)?[- ]?(?:to[- ])?(?:De|German)\b", re.IGNORECASE)),
    ("WMT EN-FR", re.compile(r"\bEn(?:glish)?[- ]?(?:to[- ])?(?:Fr|French)\b", re.IGNORECASE)),
    # "translation-invariant anchors", "translation equivariance": geometry, not machine translation.
    ("WMT", re.compile(r"\bWMT\b|\btranslation\b(?![- ]?(?:invarian|equivarian))", re.IGNORECASE)),
    ("language modelling", re.compile(r"\blanguage model(?:l?ing)?\b|\bBillion Word\b|\bPenn Tree ?bank\b|\bPTB\b(?! ?[Tt]okeni)|"
                                      r"\bWikiText\b|\bLM1B\b", re.IGNORECASE)),
)
# Data sets no configured benchmark uses, but on which papers train other runs (a reading-comprehension
# paper's cloze runs, an ImageNet paper's CIFAR runs, a detector's VOC runs): a run on one of them did
# not produce a benchmark result. Read from the clause, and from the paragraph / section (run_context).
_OTHER_DATASETS = (
    ("CNN/DailyMail", re.compile(r"\bCNN\s*/\s*Daily\s*Mail\b|\bDaily\s*Mail\b|\bCNN news\b", re.IGNORECASE)),
    ("CIFAR", re.compile(r"\bCIFAR\b", re.IGNORECASE)),
    ("PASCAL VOC", re.compile(r"\bPASCAL\b|\bVOC\s*(?:20)?\d\d\b", re.IGNORECASE)),
    ("Children's Book Test", re.compile(r"\bChildren'?s Book Test\b|\bCBT\b")),
    ("TriviaQA", re.compile(r"\bTriviaQA\b", re.IGNORECASE)),
    ("MS MARCO", re.compile(r"\bMS ?MARCO\b", re.IGNORECASE)),
    ("MNIST", re.compile(r"\bMNIST\b", re.IGNORECASE)),
    ("SVHN", re.compile(r"\bSVHN\b", re.IGNORECASE)),
    ("Cityscapes", re.compile(r"\bCityscapes\b", re.IGNORECASE)),
    ("GLUE", re.compile(r"\bGLUE\b|\bM(?:ulti)?NLI\b|\bSST-?2\b|\bQNLI\b")),
    ("SWAG", re.compile(r"\bSWAG\b")),
    ("RACE", re.compile(r"\bRACE\b")),
)
# An architecture or hyper-parameter search (NAS), its proxy task or the controller's child models.
# "beam search" is decoding, not a search phase; "search space" alone names no run cost.
_SEARCH = re.compile(r"(?<!beam )(?<!greedy )\b(?:architecture|hyper-?parameter|neural|evolutionary|NAS|grid|random|"
                     r"our|the|during|entire|whole|total) search\b(?! space)|\bsearch(?:ing)? (?:process|phase|stage|"
                     r"experiments?|cost|took|takes|procedure|run)\b|\bproxy (?:task|dataset|setting|network)s?\b|"
                     r"\bcontroller\b|\bchild (?:models?|networks?)\b|\bsampled models?\b", re.IGNORECASE)
# The final model trained in a search clause: "the best found model was then trained for 3 days".
_FINAL_MODEL = re.compile(r"\b(?:final|found|discovered|searched|resulting) (?:\w+ )?(?:models?|networks?|architectures?|"
                          r"cells?)\b[^.;]{0,60}?\b(?:re-?)?train(?:s|ed)?\b|\b(?:re-?)?train(?:ing|s|ed)? (?:of )?the (?:final|"
                          r"found|discovered|searched|resulting|best) (?:\w+ )?(?:models?|networks?|architectures?)\b",
                          re.IGNORECASE)
# Decoding / inference / evaluation time: not training. A time word must follow ("decoding takes",
# "inference time"): "the same beam size for decoding" in a set-up sentence says nothing about a time.
_INFERENCE = re.compile(r"\b(?:decod(?:e|es|ed|ing)|inference|evaluation|testing|generation) (?:\w+ ){0,4}?"
                        r"(?:time|takes|took|speed|latency|runs? (?:in|for)|lasts?|requires?)\b|\bat test time\b",
                        re.IGNORECASE)
_TRAIN_WORD = re.compile(r"\btrain(?:s|ed|ing)?\b", re.IGNORECASE)
_NOT_OWN_SECTIONS = frozenset({"related_work", "references", "acknowledgements"})


@dataclass(frozen=True)
class RunLink:
    """What one candidate says about the run it belongs to (None: the text does not say)."""

    model: str | None
    size: str | None
    stage: str
    dataset: str | None
    to_target: bool
    own: bool
    clause: str
    clause_index: int
    search: bool = False
    inference: bool = False
    # The data set came from the statement's paragraph or section, not its own clause (context_datasets).
    context: bool = False

    @property
    def family(self) -> str | None:
        return model_family(self.model)

    @property
    def depth(self) -> int | None:
        return depth_of(self.model)

    def as_features(self) -> dict[str, object]:
        return {"run_model": self.model or "", "run_size": self.size or "", "run_stage": self.stage,
                "run_dataset": "" if self.context else self.dataset or "", "run_to_target": self.to_target, "run_own": self.own,
                "run_search": self.search, "run_inference": self.inference}


def clauses(sentence: str) -> list[tuple[int, int]]:
    """(start, end) of each clause of a sentence."""
    spans, start = [], 0
    for match in _CLAUSE_SPLIT.finditer(sentence):
        if match.start() > start:
            spans.append((start, match.start()))
        start = match.end()
    spans.append((start, len(sentence)))
    return spans


def _clause_of(sentence: str, position: int) -> tuple[int, int, str]:
    """(index, start, text) of the clause holding `position`."""
    spans = clauses(sentence)
    for index, (begin, end) in enumerate(spans):
        if begin <= position < end:
            return index, begin, sentence[begin:end]
    index = len(spans) - 1
    return index, spans[-1][0], sentence[spans[-1][0]:spans[-1][1]]


def _table_row(sentence: str) -> str | None:
    """A table sentence is "caption | row cells": the row is the part after the last bar."""
    return sentence.rsplit(" | ", 1)[1] if " | " in sentence else None


def _row_label(row: str) -> str | None:
    """The row's label cell: the words before its first number ("Transformer (big) 28.4 41.8" -> "Transformer (big)")."""
    match = re.match(r"\s*([A-Za-z][^\d|]{0,40}?)\s+[-+±]?\d", row)
    if not match:
        return None
    label = match.group(1).strip(" -:")
    if not label or len(label.split()) > 3 or label.split()[0] in _NOT_MODELS:
        return None
    return label


def model_names(text: str) -> list[str]:
    """Model-like names in reading order, chips, datasets and common acronyms left out."""
    out = []
    for match in _MODEL.finditer(text):
        name = match.group(0)
        head = re.split(r"[-/ (]", name)[0]
        if name in _NOT_MODELS or head in _NOT_MODELS or canonical_name(name) or canonical_name(head):
            continue
        if re.fullmatch(r"[A-Z]?\d[\w.]*|[A-Z]{1,2}|(?:TPU|GPU|CPU)\w*|[KMVPAHT]\d+\w*", name):
            continue  # numbers, single letters, chip-like codes ("V100", "K40")
        if re.fullmatch(r"SXM\d*|[KMGTPE]?(?:FLOP|Flop)s?|(?:Peta|Tera|Giga)(?:FLOP|Flop)S?s?", head):
            continue  # a GPU's form factor ("V100 SXM3"), a unit of compute ("PetaFLOPs")
        out.append(name)
    return out


def model_family(name: str | None) -> str | None:
    """"BERT-large" and "BERTLARGE" -> "bert"; "ResNet-50" -> "resnet"; "Transformer (big)" -> "transformer";
    a depth alone ("152-layer") names no family."""
    if not name or _DEPTH_LABEL.match(name):
        return None
    head = re.split(r"[-/ (_]", name)[0]
    head = re.sub(r"(?i)(?:XXL|XL|LARGE|BASE|SMALL|BIG|HUGE|TINY|GIANT)$", "", head) or head
    return head.lower()


# A network named by its depth: an architecture table's column "152-layer", or a name "ResNet-152",
# "VGG-16", "DenseNet-121" (two or three digits: "GPT-3" and "T5-11B" name no depth).
_DEPTH_LABEL = re.compile(r"^(\d{2,3})-layers?$")
_DEPTH_NAME = re.compile(r"^[A-Za-z]+-(\d{2,3})$")


def depth_of(name: str | None) -> int | None:
    """"152-layer" and "ResNet-152" -> 152; else None."""
    match = _DEPTH_LABEL.match(name or "") or _DEPTH_NAME.match(name or "")
    return int(match.group(1)) if match else None


def size_of(text: str, model: str | None = None) -> str | None:
    """A size from the model's own name first ("ViT-L/16", "BERTLARGE"), else a size word in the text."""
    if model:
        paren = re.search(r"\((big|base|large|small)\)", model, re.IGNORECASE)
        if paren:
            return _SIZE_WORDS[paren.group(1).lower()]
        head = model.split()[0]
        glued = re.search(r"(LARGE|BASE|SMALL|HUGE|TINY|XXL|XL|Large|Base|Small|Huge|Tiny)$", head)
        if glued and len(head) > len(glued.group(1)):
            return _SIZE_WORDS[glued.group(1).lower()]
        letter = _SIZE_IN_NAME.search(head[1:])
        if letter:
            return _SIZE_LETTER[letter.group(1)]
        word = re.search(r"(?i)[-_ ](tiny|small|base|medium|large|big|huge|giant|xl|xxl)\b", model)
        if word:
            return _SIZE_WORDS[word.group(1).lower()]
    if _LARGEST.search(text):
        return "largest"
    words = [_SIZE_WORDS[(m.group(1) or m.group(2)).lower()] for m in _SIZE_WORD.finditer(text)]
    return words[-1] if words else None


def stage_of(text: str) -> str:
    if _FINETUNE.search(text) or _FROM_PRETRAINED.search(text):
        return "fine-tuning"
    if _PRETRAIN.search(text):
        return "pretraining"
    if _FINETUNE.search(text):
        return "fine-tuning"
    return "training"


# Most sentences name no data set: one search for the families' key words in the lower-cased sentence
# tells them apart before the per-family passes, which run on every sentence of the paper for the
# paragraph and section context. Every match of a pattern above contains one of these key words
# (tests/test_runs_context.py checks each family's forms).
_DATASET_KEY_WORDS = (
    "jft", "imagenet", "ilsvrc", "coco", "squad", "conll", "named entit", "german", "french", "wmt", "translation",
    "language model", "billion word", "penn tree", "ptb", "wikitext", "lm1b", "cnn", "daily", "cifar", "pascal",
    "voc", "children", "cbt", "triviaqa", "marco", "mnist", "svhn", "cityscapes", "glue", "nli", "sst", "swag",
    "race")
_DATASET_KEY = re.compile("|".join(map(re.escape, _DATASET_KEY_WORDS)) + r"|en(?:glish)?[- ]?(?:to[- ])?(?:de|fr)")
# The same key words as plain strings, the pattern's language pairs spelled out ("ende", "en-to-fr",
# ...), so that a paper's SentenceIndex finds the sentences holding one in its single keyword pass.
_DATASET_KEYWORDS = _DATASET_KEY_WORDS + tuple(
    f"{english}{sep}{to}{target}" for english in ("en", "english") for sep in ("", "-", " ")
    for to in ("", "to-", "to ") for target in ("de", "fr"))


def may_name_dataset(text: str) -> bool:
    """False only when no data-set pattern can match `text` (a cheap prefilter)."""
    return _DATASET_KEY.search(text.lower()) is not None


def dataset_of(text: str) -> str | None:
    if not may_name_dataset(text):
        return None
    for name, pattern in (*_DATASETS, *_OTHER_DATASETS):
        if pattern.search(text):
            return name
    return None


# Key words per family (lower case): a family none of whose keys is in the sentence is not tried. The
# language pairs have no fixed word ("En-De", "English-German"): always tried.
_FAMILY_KEYS = {"JFT": ("jft",), "ImageNet-21k": ("imagenet",), "ImageNet": ("imagenet", "ilsvrc"),
                "COCO": ("coco",), "SQuAD": ("squad",), "CoNLL": ("conll", "named entit"), "WMT": ("wmt", "translation"),
                "language modelling": ("language model", "billion word", "penn tree", "ptb", "wikitext", "lm1b"),
                "CNN/DailyMail": ("cnn", "daily"), "CIFAR": ("cifar",), "PASCAL VOC": ("pascal", "voc"),
                "Children's Book Test": ("children", "cbt"), "TriviaQA": ("triviaqa",), "MS MARCO": ("marco",),
                "MNIST": ("mnist",), "SVHN": ("svhn",), "Cityscapes": ("cityscapes",), "GLUE": ("glue", "nli", "sst"),
                "SWAG": ("swag",), "RACE": ("race",)}


def datasets_named(text: str) -> Counter:
    """How often each data-set family is named ("ImageNet-21k" once, not also as "ImageNet")."""
    counts: Counter = Counter()
    low = text.lower()
    if _DATASET_KEY.search(low) is None:  # may_name_dataset, with the lower-cased text kept for below
        return counts
    for name, pattern in (*_DATASETS, *_OTHER_DATASETS):
        keys = _FAMILY_KEYS.get(name)
        if keys is not None and not any(key in low for key in keys):
            continue
        text, found = pattern.subn(" ", text)
        if found:
            counts[name] += found
    return counts


# Sections whose sentences say nothing about which data the paper's own runs used.
_NO_CONTEXT_SECTIONS = frozenset({"references", "acknowledgements", "related_work", "table", "caption"})
# Corpora a model is pretrained on before the benchmark's training (an LM before SQuAD or CoNLL, JFT or
# ImageNet-21k before ImageNet): a paragraph or section about them does not tell a pretraining run from
# another experiment, so they are never a context data set (a clause naming them still is).
PRETRAINING_CORPORA = frozenset({"language modelling", "JFT", "ImageNet-21k"})
CONTEXT_MIN_MENTIONS = 3  # a section's data set: named at least this often ...
CONTEXT_DOMINANCE = 2.0  # ... and this many times as often as the next one


def context_datasets(sentences: Iterable[Sentence], wanted: set[tuple[int, str]] | None = None
                     ) -> dict[tuple[int, str], str]:
    """(page, sentence text) -> the data set its paragraph or section is about, for the sentences whose
    paragraph / section says so: the one family the paragraph names, else the family that dominates
    its numbered section (`CONTEXT_MIN_MENTIONS`, `CONTEXT_DOMINANCE`). With `wanted` (page, text)
    keys, only those sentences are answered, and only their paragraphs and sections are read (the
    data-set patterns over every sentence of a paper were a twentieth of the raw-text floor).

    Papers describe each experiment in its own section or paragraph and name the data once, at its
    start ("5 Cloze Test ... CNN/DailyMail ...", later "training takes 60 hours on eight GPUs"): the
    sentence with the time names no data set, and a fixed look-back of a few sentences crosses into the
    previous experiment or picks a data set named only in comparison. A paragraph naming two data sets
    ("similar to our SQuAD model, ... each CNN article") defers to its section."""
    sentences = list(sentences)
    keyed = {id(s) for s in index_for(sentences).containing(_DATASET_KEYWORDS)}
    sentences = [s for s in sentences if s.section not in _NO_CONTEXT_SECTIONS]
    if wanted is not None:
        asked = [s for s in sentences if (s.page, s.text) in wanted]
        needed_paragraphs = {s.paragraph for s in asked}
        needed_parts = {s.part for s in asked}
        sentences = [s for s in sentences if s.paragraph in needed_paragraphs or s.part in needed_parts]
    paragraphs: dict[int, Counter] = {}
    parts: dict[int, Counter] = {}
    for s in sentences:
        if id(s) not in keyed:
            continue  # no data-set key word: datasets_named would find nothing
        named = datasets_named(s.text)
        if named and s.paragraph >= 0:
            paragraphs.setdefault(s.paragraph, Counter()).update(named)
        if named and s.part >= 0:
            parts.setdefault(s.part, Counter()).update(named)
    # The last prose paragraph before each one in its section that names a data set (captions and tables
    # skipped), when it speaks of training: paragraphs of training details that name none continue the
    # experiment it introduced ("The ILSVRC 2012 set has 1.2M training images" | architecture details |
    # "We train for 120 epochs"). One that names a benchmark only to report on it introduces no run.
    training_talk = {s.paragraph for s in sentences if s.paragraph in paragraphs and _TRAINING_WORD.search(s.text)}
    previous: dict[int, int] = {}
    last_named: dict[int, int] = {}  # part -> the last paragraph so far that names a data set
    for part, para in sorted({(s.part, s.paragraph) for s in sentences if s.paragraph >= 0}):
        if part in last_named and last_named[part] in training_talk:
            previous[para] = last_named[part]
        if paragraphs.get(para):
            last_named[part] = para
    out = {}
    decided: dict[tuple[int, int], str | None] = {}  # the answer depends on the paragraph and section only
    for s in sentences if wanted is None else asked:
        key = (s.paragraph, s.part)
        if key not in decided:
            before = paragraphs.get(previous.get(s.paragraph, -1)) or Counter()
            decided[key] = _context_of(paragraphs.get(s.paragraph) or Counter(), parts.get(s.part) or Counter(),
                                       None if ablated("runs_previous_paragraph") else before)
        if decided[key]:
            out[(s.page, s.text)] = decided[key]
    return out


_TRAINING_WORD = re.compile(r"\b(?:pre-?)?train(?:s|ed|ing)?\b", re.IGNORECASE)


def _context_of(in_paragraph: Counter, in_part: Counter, in_previous: Counter | None = None) -> str | None:
    if any(name in PRETRAINING_CORPORA for name in in_paragraph):
        return None  # the run may be the pretraining of the result's model: only its clause can say
    if len(in_paragraph) == 1:
        return next(iter(in_paragraph))
    if not in_paragraph and in_previous and len(in_previous) == 1 and not any(
            name in PRETRAINING_CORPORA for name in in_previous):
        return next(iter(in_previous))
    ranked = in_part.most_common(2)
    if ranked and ranked[0][0] not in PRETRAINING_CORPORA and ranked[0][1] >= CONTEXT_MIN_MENTIONS and (
            len(ranked) == 1 or ranked[0][1] >= CONTEXT_DOMINANCE * ranked[1][1]):
        return ranked[0][0]
    return None


def dataset_family(dataset: str | None) -> str | None:
    """A result's dataset ("WMT14 EN-DE", "SQuAD 1.1", "ImageNet") in the run vocabulary."""
    if not dataset:
        return None
    text = dataset.replace("WMT14", "WMT")
    for name, pattern in _DATASETS:
        if pattern.search(text):
            return name
    return dataset


def datasets_compatible(run_dataset: str | None, result_dataset: str | None) -> bool:
    """A run on another dataset did not produce the result (JFT run vs an ImageNet result), except that
    "WMT" fits either language pair and "ImageNet-21k"/"JFT" only ever count as pretraining."""
    if run_dataset is None or result_dataset is None or run_dataset == result_dataset:
        return True
    if run_dataset == "WMT" and result_dataset.startswith("WMT"):
        return True
    return False


CONTEXT_FEATURE = "run_context_dataset"
_WINDOW = 300  # characters each side of a match that can say which run it belongs to
_SHORT_ROW = 200  # a caption-less table line this short is one row


def link(candidate: Candidate) -> RunLink:
    """The run a hardware / time / compute / result candidate belongs to, from its own sentence."""
    ev = candidate.evidence
    features = candidate.features or {}
    label, context = features.get("model_label"), features.get(CONTEXT_FEATURE)
    return _link(candidate.field, ev.sentence or "", ev.char_start, ev.section, str(label) if label else None,
                 str(context) if context else None)


@lru_cache(maxsize=8192)
def _link(field: str, sentence: str, position: int, section: str, label: str | None,
          context_dataset: str | None = None) -> RunLink:
    row = _table_row(sentence)
    if row is None and section == "table" and len(sentence) <= _SHORT_ROW:
        row = sentence  # a table line read without its caption
    search = None
    if row is not None:
        # A table row: the row label names the model; the caption gives stage and dataset.
        caption = sentence.rsplit(" | ", 1)[0][:_WINDOW]
        index, clause = 0, row[:_WINDOW]
        names = [label] if label else ([_row_label(clause)] if _row_label(clause) else model_names(clause)[:1])
        context = stage_text = f"{caption} {clause}"
    else:
        # Long flattened tables and long sentences: only the text around the match is read.
        offset = max(0, position - _WINDOW)
        text = sentence[offset:position + _WINDOW]
        index, begin, clause = _clause_of(text, position - offset)
        before = clause[: max(0, position - offset - begin)]
        names = [label] if label else (model_names(before)[-1:] or model_names(clause)[:1])
        context = stage_text = clause
        # A search named earlier in the sentence covers its other clauses ("we search on ImageNet, but
        # with fewer steps (5 epochs)"), unless a clause says the final model was trained so.
        search = is_search(text) and not _FINAL_MODEL.search(clause)
    model = names[0] if names else None
    to_target = field == "training_time" and bool(_TO_TARGET.search(stage_text))
    own = section not in _NOT_OWN_SECTIONS and not cited_subject(clause)
    dataset = dataset_of(context)
    return RunLink(model=model, size=size_of(context, model), stage=stage_of(stage_text),
                   dataset=dataset or context_dataset, to_target=to_target, own=own, clause=clause.strip(),
                   clause_index=index, search=is_search(stage_text) if search is None else search,
                   inference=is_inference(stage_text), context=dataset is None and context_dataset is not None)


def is_search(text: str) -> bool:
    """A search / proxy / controller statement that does not say the final model was trained so."""
    return bool(_SEARCH.search(text)) and not _FINAL_MODEL.search(text)


def is_inference(text: str) -> bool:
    """Decoding, inference or evaluation time, unless the clause also speaks of training
    ("training and decoding took 3 days" is still the training run)."""
    return bool(_INFERENCE.search(text)) and not _TRAIN_WORD.search(text)


def annotate(candidates: Iterable[Candidate], sentences: Iterable[Sentence] | None = None) -> dict[int, RunLink]:
    """Link every run-field candidate and every headline result; the link goes into its features too.
    Keyed by id(). (Links are cached per sentence and position, so points reuse them.) With the paper's
    `sentences`, every DATA_FIELDS candidate whose paragraph or section names its data set gets it as
    the feature `run_context_dataset` (context_datasets), which `link` uses when the clause names none."""
    candidates = list(candidates)
    if sentences is not None:
        contexts = context_datasets(sentences, {(c.evidence.page, c.evidence.sentence)
                                                for c in candidates if c.field in DATA_FIELDS})
        for cand in candidates:
            found = contexts.get((cand.evidence.page, cand.evidence.sentence)) if cand.field in DATA_FIELDS else None
            if found:
                cand.features[CONTEXT_FEATURE] = found
    links = {}
    for cand in candidates:
        if cand.field in RUN_FIELDS or (cand.field == "results" and cand.is_best):
            run = link(cand)
            links[id(cand)] = run
            cand.features.update(run.as_features())
    return links
