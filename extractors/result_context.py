"""What the results readers share: facts about the whole paper and the candidate they build.

`paper_context(doc)` gathers what single sentences and table rows cannot tell on their own (the names
the paper gives its model, the scored benchmarks it names and how prominently); `Found` is a result
candidate with what the headline choice needs; `make_candidate` builds the record. The sentence
reader (results.py) and the table reader (results_tables.py) both use them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors import benchmarks as bm
from extractors import cues
from extractors.document import DocumentText
from extractors.nlp import index_for
from extractors.records import Candidate, Evidence
from extractors.tables import caption_openings

VERSION = "results@0.3"

SKIPPED_SECTIONS = {"references", "related_work"}

# Generic architecture words that follow "our" without being a model's name.
_GENERIC_NAMES = {
    "cnn", "cnns", "rnn", "rnns", "lstm", "lstms", "gru", "mlp", "gpu", "gpus", "tpu", "tpus", "cpu",
    "sgd", "model", "models", "data", "method", "approach", "system", "network", "networks", "imagenet",
    "coco", "squad", "english", "german", "french", "dag", "considerations", "sift", "net", "nets",
}
_NAMING = re.compile(
    # Model names start with a capital ("our MnasNet", "called GoogLeNet"); requiring one keeps the
    # scan fast on "our model", "our method".
    # ("we propose/present/introduce Name" is cues.own_model_names' own rule.)
    r"(?<![A-Za-z])(?:([Oo]ur)|called|dubbed|named|codenamed|"
    r"[Ww]e\s+call(?:\s+(?:it|this|the\s+\w+))?)\s+[\"“]?([A-Z][\w-]+)"
)
_NAMING_WORDS = ("our ", "Our ", "called ", "dubbed ", "named ", "codenamed ", "we call ", "We call ")


def _naming_matches(text: str):
    """_NAMING matches, tried only where one of its lead words occurs (fast on a whole paper)."""
    starts = []
    for word in _NAMING_WORDS:
        at = text.find(word)
        while at >= 0:
            starts.append(at)
            at = text.find(word, at + 1)
    for at in sorted(starts):
        m = _NAMING.match(text, at)
        if m:
            yield m


_LANGUAGE = re.compile(r"english|german|french|chinese", re.I)
_NAME_TOKEN = re.compile(r"^(?=.*[A-Z].*[A-Za-z])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")


@dataclass
class PaperContext:
    """Facts about the whole paper that single sentences need: own model names, datasets used."""

    own_names: set[str] = field(default_factory=set)
    dataset_counts: dict[str, int] = field(default_factory=dict)
    prominent: set[str] = field(default_factory=set)  # in title/abstract/table captions, or often named
    has_wmt14: bool = False
    _own_label: tuple[frozenset[str], re.Pattern[str] | None] | None = field(default=None, repr=False, compare=False)

    def is_own_label(self, text: str) -> bool:
        """The text names the paper's model: "BERTLARGE", "MnasNet-A1", "LSTM-CRF (no char)"."""
        names = frozenset(self.own_names)
        if self._own_label is None or self._own_label[0] != names:
            # one pattern for all the names, compiled once per paper (asked for every row and sentence)
            pattern = re.compile(r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, sorted(names))) + ")", re.I) \
                if names else None
            self._own_label = (names, pattern)
        pattern = self._own_label[1]
        return pattern is not None and pattern.search(text) is not None

    def default_dataset(self, metric: str) -> str | None:
        """The one scored dataset the paper reports `metric` on, when only one fits."""
        fitting = [d for d, n in self.dataset_counts.items() if metric in bm.DATASET_METRICS[d] and n >= 2]
        # Two candidates (SQuAD 1.1 and 2.0 share EM/F1) leave the column unassigned.
        return fitting[0] if len(fitting) == 1 else None


def paper_context(doc: DocumentText, own_names: set[str] | None = None) -> PaperContext:
    """`own_names`: the paper's model names (cues.own_model_names | names_in_results_prose), when the
    caller has them already; else they are read here."""
    ctx = PaperContext()
    body = [s for s in doc.sentences if s.section not in SKIPPED_SECTIONS]
    text = "\n".join(s.text for s in body)
    positions = _word_positions(text, body, doc.sentences)
    ctx.has_wmt14 = bm.mentions_wmt14(text, positions)
    for m in bm.find_datasets(text, paper_has_wmt14=ctx.has_wmt14, positions=positions):
        ctx.dataset_counts[m.name] = ctx.dataset_counts.get(m.name, 0) + 1
    ctx.own_names = set(own_names) if own_names is not None else \
        set(cues.own_model_names(doc.title, doc.sentences)) | names_in_results_prose(doc)
    # A benchmark the paper reports as a main result shows up in its abstract or a table caption, or
    # is named often; one named in passing (an auxiliary translation model used for data
    # augmentation) is not the paper's headline.
    top = max(ctx.dataset_counts.values(), default=0)
    ctx.prominent = {d for d, n in ctx.dataset_counts.items() if n >= 0.5 * top}
    abstract = [s.text for s in doc.sentences if s.section == "abstract"]
    if not abstract:  # no "Abstract" heading found: the first page stands in for it
        abstract = [s.text for s in doc.sentences if s.page == 1]
    headline_text = doc.title + "\n" + "\n".join(abstract)
    captions = "\n".join(page[start:start + 300] for page in doc.pages for start in caption_openings(page))
    captions += "\n" + "\n".join(s.text for s in doc.sentences if s.section == "caption")
    for text in (headline_text, captions):
        # Strict names only: "English-French-English data" in a caption is not the WMT benchmark.
        ctx.prominent |= {m.name for m in bm.find_datasets(text)}
    return ctx




def _word_positions(text: str, body: list, sentences: list) -> dict[str, list[int]] | None:
    """bm.word_positions of each of bm.LONG_TEXT_WORDS in `text` (the `body` sentences joined by a
    newline), looked for only in the sentences the paper's keyword pass found the word in; None when
    lower-casing changes the text's length (the offsets would not carry over)."""
    if len(text.lower()) != len(text):
        return None
    index = index_for(sentences)
    start_of: dict[int, int] = {}
    at = 0
    for s in body:
        start_of[id(s)] = at
        at += len(s.text) + 1
    out: dict[str, list[int]] = {}
    for word in bm.LONG_TEXT_WORDS:
        found: list[int] = []
        for s in index.containing((word,)):
            start = start_of.get(id(s))
            if start is not None:
                found.extend(start + p for p in bm.word_positions(s.text.lower(), word))
        out[word] = found
    return out


def names_in_results_prose(doc: DocumentText) -> set[str]:
    """What results prose adds to cues.own_model_names (the title's "Name:" prefix, "we propose
    Name"): a name that recurs after "our" ("our ResNet", "our SPP-net") or that "called"/"dubbed"
    introduces, which result rows are labelled with."""
    names: set[str] = set()
    text = "\n".join(s.text for s in doc.sentences if s.section not in SKIPPED_SECTIONS)
    counts: dict[str, int] = {}
    for m in _naming_matches(text):
        token = m.group(2).rstrip("-")
        base = token.split("-")[0]
        if not _NAME_TOKEN.match(token) or bm.find_datasets(token) or bm.OTHER_DATASETS.fullmatch(token) \
                or _LANGUAGE.search(token):
            continue
        if base.lower() not in _GENERIC_NAMES and len(base) >= 3:
            name = base  # "our MnasNet-A1" names the family "MnasNet"
        elif "-" in token and token.lower() not in _GENERIC_NAMES:
            name = token  # "our LSTM-CRF": the generic part alone would match baselines
        else:
            continue
        # "called X" names the model outright; "our X" must recur, since "our ZF-5" can be a
        # re-trained baseline mentioned once. A plain capitalised word ("we call Shared RMSProp",
        # "we present Open ...") must recur whatever introduces it.
        name_like = bool(re.search(r"[A-Z0-9]", name[1:])) or "-" in name
        counts[name] = counts.get(name, 0) + (2 if name_like and not m.group(1) else 1)
    return names | {name for name, count in counts.items() if count >= 2}



@dataclass
class Found:
    """A candidate plus what the headline choice needs: split, how surely it is the paper's own."""

    candidate: Candidate
    split: str | None
    own: int  # 2: named as the paper's own ("our", model name, "ours" row); 1: nothing says otherwise; 0: cited work
    source: str  # "sentence" | "table"


def make_candidate(dataset: str, metric: str, value: float, text: str, start: int, end: int, page: int,
                   section: str, conf: float) -> Candidate:
    """A results candidate; `text[start:end]` is the number, `conf` is clamped to [0, 1]."""
    attrs = {"dataset": dataset, "metric": metric, "value": round(value, 4)}
    return Candidate(
        field="results", attrs=attrs, value=attrs["value"], unit="BLEU" if metric == "BLEU" else "%",
        raw_text=text[start:end], confidence=round(max(0.0, min(1.0, conf)), 4),
        evidence=Evidence(page=page, sentence=text, char_start=start, char_end=end, section=section),
        extractor=VERSION,
    )
