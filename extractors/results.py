"""Benchmark results of the paper's own model, from sentences and from result tables.

`extract_results(doc, pdf)` returns every result candidate it finds (field "results", attrs
{"dataset", "metric", "value"} in the scorer's vocabulary) and marks one headline per dataset+metric
with `is_best`. Candidates come from two readers:

* sentences ("Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task"):
  a metric word next to a number, a scored dataset in the sentence or its neighbours, and cues that
  the number is the paper's own ("our", "we", the model's name) rather than a cited baseline;
* result tables (tables.py): caption naming the benchmark, header naming the metric, the row of the
  paper's own model.

A value that both readers find gets a higher confidence: a headline number is usually repeated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from extractors import benchmarks as bm
from extractors.document import DocumentText, Sentence, TableRegion
from extractors.records import Candidate, Evidence
from extractors.tables import caption_openings, find_result_tables

VERSION = "results@0.2"

SKIPPED_SECTIONS = {"references", "related_work"}

# Words around a number that say it belongs to the paper's own model.
_OWN_CUE = re.compile(
    r"\b(?:our|ours|we|us|this\s+(?:paper|work)|proposed|the\s+(?:resulting|final)\s+(?:model|network|system))\b",
    re.I,
)
# A re-implementation of someone else's model is not the paper's model, whatever "our" says.
_REPLICA_CUE = re.compile(
    r"\bour\s+(?:own\s+)?(?:version|re-?implementation|replication|reproduction|re-?training)\b|"
    r"\bre-?implement|\breproduc|\breplicat",
    re.I,
)
# Words next to a number that give it to someone else: citations, "previous", "baseline".
_OTHERS_CUE = re.compile(
    r"\bet\s+al\b|\[\d+(?:\s*[,–-]\s*\d+)*\]|\b(?:previous(?:ly)?|prior|baseline|published|"
    r"reported\s+by|achieved\s+by|second[-\s]best|competing|existing)\b",
    re.I,
)
# ...and words that hand the number that follows them to someone else.
_OTHERS_BEFORE = re.compile(
    r"\b(?:compared\s+(?:to|with)|vs\.?|versus|reported|which\s+(?:achieves|achieved|obtains|obtained|reaches|reached|"
    r"reports|reported|gets|got|has|had))\b",
    re.I,
)
_CITATION_MARK = re.compile(r"\[\d+(?:\s*[,–-]\s*\d+)*\]|\bet\s+al\b|\([A-Z][\w-]+(?:\s+(?:and|&)\s+[A-Z][\w-]+)?,?\s+(?:19|20)\d\d[a-z]?\)")
# Clause edges: attribution words beyond them speak about other numbers.
_CLAUSE_EDGE = re.compile(r"[;,]|\b(?:while|whereas|compared|outperform\w*|improving|surpass\w*|beating)\b", re.I)
# A number right after these is a difference or a starting point, not a score.
_DELTA_BEFORE = re.compile(r"(?:\bby|\bfrom|\bup\s+to|\+|±|\bthan)\s*$", re.I)
_DELTA_AFTER = re.compile(
    r"^\s*%?\s*(?:\(?\s*(?:absolute|relative)|points?\b|pp\b|p\.p\.|improvement|gain|higher|lower|better|"
    r"worse|less|more|reduction|drop|increase)",
    re.I,
)

# Generic architecture words that follow "our" without being a model's name.
_GENERIC_NAMES = {
    "cnn", "cnns", "rnn", "rnns", "lstm", "lstms", "gru", "mlp", "gpu", "gpus", "tpu", "tpus", "cpu",
    "sgd", "model", "models", "data", "method", "approach", "system", "network", "networks", "imagenet",
    "coco", "squad", "english", "german", "french", "dag", "considerations", "sift", "net", "nets",
}
_NAMING = re.compile(
    # Model names start with a capital ("our MnasNet", "called GoogLeNet"); requiring one keeps the
    # scan fast on "our model", "our method".
    r"(?<![A-Za-z])(?:([Oo]ur)|called|dubbed|named|codenamed|[Ww]e\s+(?:present|propose|introduce)|"
    r"[Ww]e\s+call(?:\s+(?:it|this|the\s+\w+))?)\s+[\"“]?([A-Z][\w-]+)"
)
_NAMING_WORDS = ("our ", "Our ", "called ", "dubbed ", "named ", "codenamed ", "we call ", "We call ",
                 "we present ", "We present ", "we propose ", "We propose ", "we introduce ", "We introduce ")


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

    def is_own_label(self, text: str) -> bool:
        """The text names the paper's model: "BERTLARGE", "MnasNet-A1", "LSTM-CRF (no char)"."""
        return any(re.search(r"(?<![A-Za-z0-9])" + re.escape(name), text, re.I) for name in self.own_names)

    def default_dataset(self, metric: str) -> str | None:
        """The one scored dataset the paper reports `metric` on, when only one fits."""
        fitting = [d for d, n in self.dataset_counts.items() if metric in bm.DATASET_METRICS[d] and n >= 2]
        # Two candidates (SQuAD 1.1 and 2.0 share EM/F1) leave the column unassigned.
        return fitting[0] if len(fitting) == 1 else None


def paper_context(doc: DocumentText) -> PaperContext:
    ctx = PaperContext()
    body = [s for s in doc.sentences if s.section not in SKIPPED_SECTIONS]
    text = "\n".join(s.text for s in body)
    ctx.has_wmt14 = bm.mentions_wmt14(text)
    for m in bm.find_datasets(text, paper_has_wmt14=ctx.has_wmt14):
        ctx.dataset_counts[m.name] = ctx.dataset_counts.get(m.name, 0) + 1
    ctx.own_names = own_model_names(doc)
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




def own_model_names(doc: DocumentText) -> set[str]:
    """Names the paper gives its own model: the title's 'Name:' prefix, 'our Name', 'called Name'."""
    names: set[str] = set()
    # The title may not be where the reader thinks (a venue header line comes first), so the first
    # lines of page 1 are tried too: "BERT: Pre-training of ...", "EfficientNet: Rethinking ...".
    first_lines = doc.pages[0].strip().splitlines()[:12] if doc.pages else []
    for line in [doc.title, *first_lines]:
        prefix = re.match(r"^\s*([A-Za-z][\w-]{1,24})\s*:\s+[A-Za-z]", line or "")
        if prefix and prefix.group(1).lower() not in ("arxiv", "abstract", "keywords", "published", "preprint"):
            names.add(prefix.group(1))
            break
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


# Words allowed between a number and its metric: "3.57% top-5 error", "84.3% ImageNet top-1 accuracy",
# "52.2 box AP", "77.3 (single model) F1".
_NUMBER_TO_METRIC = re.compile(
    r"\s*%?\s*(?:(?:ImageNet|ILSVRC|COCO|SQuAD(?:\s*v?[12](?:\.[01])?)?|CoNLL(?:-2003)?)\s+)?"
    r"(?:\(?(?:single[-\s]model|test|val(?:idation)?|dev|box|mean|overall)\)?\s*)?"
)
# Words allowed between a metric and its number: "BLEU score of 41.8", "top-5 error rate is 6.7%".
_METRIC_TO_NUMBER = re.compile(
    r"\s*(?:scores?|rates?|results?|\(%\))?\s*(?:of|to|=|:|is|was|reaches|reached|at)?\s*"
    r"(?:about|approximately|roughly|only|just)?\s*"
)


@dataclass
class Pair:
    metric: str
    number: bm.Number
    end: int = 0  # end of the number-and-metric phrase: "28.4 BLEU" or "BLEU score of 41.8"


def pair_metrics_with_numbers(text: str) -> list[Pair]:
    """Numbers that a metric word names: '28.4 BLEU', 'BLEU score of 41.8', 'top-1 and top-5 error
    rates of 37.5% and 17.0%', '75.2% top-1 / 92.5% top-5 accuracy', 'EM/F1 = 82.2/88.6'."""
    metrics = bm.find_metrics(text)
    numbers = bm.find_numbers(text)
    if not metrics or not numbers:
        return []
    pairs: list[Pair] = []
    used: set[int] = set()

    def take(metric: str, number: bm.Number, end: int | None = None) -> None:
        if number.start not in used:
            used.add(number.start)
            pairs.append(Pair(metric, number, max(number.end, end or 0)))

    # Lists: "M1 and M2 <words> N1 and N2" / "M1/M2 = N1/N2".
    for i in range(len(metrics) - 1):
        a, b = metrics[i], metrics[i + 1]
        if not re.fullmatch(r"\s*(?:and|/|,)\s*", text[a.end:b.start]):
            continue
        after = [n for n in numbers if n.start > b.end]
        if len(after) >= 2:
            n1, n2 = after[0], after[1]
            gap = text[b.end:n1.start]
            if (re.fullmatch(r"[\w\s-]{0,40}?(?:of|=|:|were|are|was|is|to)\s*", gap) or re.fullmatch(r"\s*[=:]?\s*", gap)) \
                    and re.fullmatch(r"\s*(?:and|/|,)\s*", text[n1.end:n2.start]):
                ma = bm.complete_topk(a.name, text[a.start:b.end + 20])
                mb = bm.complete_topk(b.name, text[b.start:b.end + 20])
                if ma and mb:
                    take(ma, n1)
                    take(mb, n2)
        # "24.8%/7.5% top-1/top-5 error": the numbers come first.
        before = [n for n in numbers if n.end <= a.start]
        if len(before) >= 2:
            n1, n2 = before[-2], before[-1]
            if re.fullmatch(r"\s*%?\s*", text[n2.end:a.start]) and \
                    re.fullmatch(r"\s*%?\s*(?:and|/|,)\s*", text[n1.end:n2.start]):
                ma = bm.complete_topk(a.name, text[a.start:b.end + 20])
                mb = bm.complete_topk(b.name, text[b.start:b.end + 20])
                if ma and mb:
                    take(ma, n1)
                    take(mb, n2)
    for metric in metrics:
        name = bm.complete_topk(metric.name, text[metric.start:metric.end + 40])
        for n in numbers:
            if n.start in used:
                continue
            if n.end <= metric.start:
                gap = text[n.end:metric.start]
                # "3.57% top-5 error", "28.4 BLEU", "93.2 F1", "75.2% top-1 / 92.5% top-5 accuracy"
                if _NUMBER_TO_METRIC.fullmatch(gap):
                    if name is None and metric.name.startswith("top-"):
                        tail = text[metric.end:metric.end + 40]
                        name = bm.complete_topk(metric.name, tail)
                    if name:
                        take(name, n, metric.end)
            elif n.start >= metric.end and name:
                gap = text[metric.end:n.start]
                # "BLEU score of 41.8", "top-5 error of 6.67%", "Test F1 to 93.2", "EM of 73.3"
                if _METRIC_TO_NUMBER.fullmatch(gap) \
                        and len(gap) <= 24 and not re.match(r"\s*%?\s*(?:and|,|/)\s*\d", text[n.end:]):
                    take(name, n)  # (one metric before "59.0% and 37.4%" names neither for sure)
    return [p for p in pairs if p.metric in bm.METRICS]


def _score_value(metric: str, number: bm.Number) -> float:
    return bm.as_percent(metric, number.value)


def sentence_candidates(doc: DocumentText, ctx: PaperContext) -> list[Found]:
    out: list[Found] = []
    sentences = doc.sentences
    for idx, s in enumerate(sentences):
        if s.section in SKIPPED_SECTIONS or (s.section == "table" and not _reads_as_prose(s.text)):
            continue
        if not bm.may_name_metric(s.text) or _looks_like_table_dump(s.text):
            continue
        pairs = pair_metrics_with_numbers(s.text)
        if not pairs:
            continue
        mentions = bm.find_datasets(s.text, paper_has_wmt14=ctx.has_wmt14)
        splits = bm.find_splits(s.text)
        all_numbers = bm.find_numbers(s.text)
        for pair in pairs:
            n = pair.number
            value = _score_value(pair.metric, n)
            if not bm.plausible(pair.metric, value):
                continue
            if _not_a_score(s.text, n):
                continue
            dataset, how = _dataset_for(pair, s, mentions, sentences, idx, ctx)
            if dataset is None:
                continue
            own = bool(_OWN_CUE.search(s.text)) or ctx.is_own_label(s.text)
            others = _credited_to_others(s.text, n, all_numbers)
            conf = 0.35
            conf += {"sentence": 0.2, "neighbour": 0.1, "paper": -0.15}[how]  # paper: needs a table to agree
            conf += 0.2 if own else -0.15
            conf += 0.05 if s.section == "abstract" else 0.0
            conf += 0.05 if n.percent or pair.metric in ("BLEU", "EM", "F1", "AP", "AP50") else 0.0
            conf -= 0.3 if others else 0.0
            if s.section == "caption":
                conf -= 0.1
            if dataset not in ctx.prominent:
                conf -= 0.35
            split = _nearest(splits, n.start)
            cand = _candidate(dataset, pair.metric, value, s.text, n.start, n.end, s.page, s.section, conf)
            out.append(Found(cand, split, 0 if others else (2 if own else 1), "sentence"))
    return out


def _not_a_score(text: str, n: bm.Number) -> bool:
    """A difference ("by 2.0 points"), a starting point ("from 80.1"), or the reverse direction."""
    if _INTO_ENGLISH.match(text[n.end:n.end + 40]):
        return True  # "29.9 BLEU for translating into English"
    return bool(_DELTA_BEFORE.search(text[max(0, n.start - 12):n.start]) or _DELTA_AFTER.match(text[n.end:n.end + 20]))


def _credited_to_others(text: str, n: bm.Number, numbers: list[bm.Number]) -> bool:
    """Attribution is local: the words between this number and its neighbours, within its clause."""
    prev_end = max([m.end for m in numbers if m.end <= n.start] or [0])
    next_start = min([m.start for m in numbers if m.start >= n.end] or [len(text)])
    before = text[max(prev_end, n.start - 60):n.start]
    edges = list(_CLAUSE_EDGE.finditer(before))
    before = before[edges[-1].end():] if edges and edges[-1].group(0) in ",;" else before
    after = text[n.end:min(next_start, n.end + 40)]
    edge = _CLAUSE_EDGE.search(after)
    after = after[:edge.start()] if edge else after
    # A citation earlier in the clause ("ScribeQA [16] was trained ... and reported 87.9 F1") gives the
    # clause to the cited work unless the clause also speaks of the paper's own model.
    clause = text[text.rfind(";", 0, n.start) + 1:n.start]
    cited_subject = bool(_CITATION_MARK.search(clause)) and not _OWN_CUE.search(clause)
    return bool(_OTHERS_CUE.search(before) or _OTHERS_CUE.search(after) or _OTHERS_BEFORE.search(before)
                or _REPLICA_CUE.search(text) or cited_subject)


_INTO_ENGLISH = re.compile(
    r"^\s*%?\s*(?:BLEU)?\s*(?:points?\s+)?(?:for|when)?\s*(?:translating\s+)?"
    r"(?:(?:into|to)\s+English\b|the\s+reverse\s+direction)",
    re.I,
)


def _reads_as_prose(text: str) -> bool:
    """A "table" sentence that is really prose (the reader may file a paragraph full of numbers as a
    table): short, few numbers. Real table text is left to the table reader, which knows columns."""
    tokens = text.split()
    numeric = sum(1 for t in tokens if re.fullmatch(r"[-+(]?\d[\d.,%/±)]*", t))
    return len(tokens) <= 60 and numeric <= 0.35 * len(tokens)


def _looks_like_table_dump(text: str) -> bool:
    """Table rows that the text reader ran into a "sentence": mostly numbers, few words."""
    if len(text) > 1500:
        return True  # no sentence of prose is this long
    tokens = text.split()
    numeric = sum(1 for t in tokens if re.fullmatch(r"[-+(]?\d[\d.,%/±)]*", t))
    return numeric >= 8 and numeric > 0.3 * len(tokens)


def _nearest(mentions: list[bm.Mention], pos: int, window: int = 60) -> str | None:
    best = None
    for m in mentions:
        d = min(abs(m.start - pos), abs(m.end - pos))
        if d <= window and (best is None or d < best[0]):
            best = (d, m.name)
    return best[1] if best else None


def _dataset_for(pair: Pair, s: Sentence, mentions: list[bm.Mention], sentences: list[Sentence],
                 idx: int, ctx: PaperContext) -> tuple[str | None, str]:
    following = re.match(r"\s*(?:scores?\s*)?(?:on|for|in)\s+(?:the\s+)?", s.text[pair.end:])
    if following:  # "92.8 F1 on CoNLL-2003": the dataset the phrase itself names
        named = [m for m in mentions if m.start == pair.end + following.end()]
        if named:
            return (named[0].name, "sentence") if pair.metric in bm.DATASET_METRICS[named[0].name] else (None, "")
    if mentions:
        # Clauses split at ";": "85.7 EM and 89.6 F1 on SQuAD 1.1; on SQuAD 2.0 it reaches 84.0 F1".
        pos = pair.number.start
        clause_start = s.text.rfind(";", 0, pos) + 1
        clause_end = s.text.find(";", pos) % (len(s.text) + 1)
        inside = [m for m in mentions if clause_start <= m.start < clause_end]
        earlier = [m for m in mentions if m.end <= clause_start]
        mentions = inside or earlier[-1:] or mentions
        # The dataset named closest to the number; when that one is not reported with this metric
        # ("58.8% mAP on the ImageNet detection dataset") the number is not a scored result.
        nearest = min(mentions, key=lambda m: min(abs(m.start - pair.number.start), abs(m.end - pair.number.start)))
        if pair.metric in bm.DATASET_METRICS[nearest.name]:
            return nearest.name, "sentence"
        return None, ""
    if mentions or bm.OTHER_DATASETS.search(s.text):
        return None, ""  # the sentence is about another dataset
    for j in (idx - 1, idx - 2, idx + 1):
        if 0 <= j < len(sentences) and sentences[j].page in (s.page, s.page - 1):
            text = sentences[j].text
            near = [m for m in bm.find_datasets(text, paper_has_wmt14=ctx.has_wmt14)
                    if pair.metric in bm.DATASET_METRICS[m.name]]
            if near and not bm.OTHER_DATASETS.search(text):
                return near[-1].name, "neighbour"
            if bm.OTHER_DATASETS.search(text):
                return None, ""
    default = ctx.default_dataset(pair.metric)
    return (default, "paper") if default else (None, "")


@dataclass
class Found:
    """A candidate plus what the headline choice needs: split, how surely it is the paper's own."""

    candidate: Candidate
    split: str | None
    own: int  # 2: named as the paper's own ("our", model name, "ours" row); 1: nothing says otherwise; 0: cited work
    source: str  # "sentence" | "table"


def _candidate(dataset: str, metric: str, value: float, text: str, start: int, end: int, page: int,
               section: str, conf: float) -> Candidate:
    attrs = {"dataset": dataset, "metric": metric, "value": round(value, 4)}
    return Candidate(
        field="results", attrs=attrs, value=attrs["value"], unit="BLEU" if metric == "BLEU" else "%",
        raw_text=text[start:end], confidence=round(max(0.0, min(1.0, conf)), 4),
        evidence=Evidence(page=page, sentence=text, char_start=start, char_end=end, section=section),
        extractor=VERSION,
    )


# ---------------------------------------------------------------- tables

_CITATION = re.compile(
    r"\[\d+(?:\s*[,–-]\s*\d+)*\]|\bet\s+al\b|\(\s*[A-Z][\w-]+(?:\s+(?:and|&)\s+[A-Z][\w-]+)?,?\s+(?:19|20)\d\d[a-z]?\s*\)"
)
_OURS_LABEL = re.compile(r"\bours\b|\bour\b|\bproposed\b|\bthis\s+(?:work|paper)\b", re.I)
_CELL_NUMBER = re.compile(r"^[(]?((?:\d{1,3}(?:\.\d+)?|\.\d+))\s*%?[*†‡§∗⋆]*\)?(?:±[\d.]+)?$")
# Rows that are not a model of the paper even without a citation, and group headers above baselines.
_NOT_OWN_ROW = re.compile(r"\bbaselines?\b|\bhuman\b|\boracle\b|\bupper[-\s]bound\b|\bsota\b|"
                          r"\bstate[-\s]of[-\s]the[-\s]art\b|\bprevious\b|\bprior\b|\bleaderboard\b", re.I)
_NOT_OWN_GROUP = re.compile(r"\bpublished\b|\bbaselines?\b|\bprevious\b|\bprior\b|\bleaderboard\b|"
                            r"\bexisting\b|\bstate[-\s]of[-\s]the[-\s]art\b|\breported\b|\bliterature\b", re.I)
_CELL_PAIR = re.compile(r"^((?:\d{1,3}(?:\.\d+)?|\.\d+))%?\s*/\s*((?:\d{1,3}(?:\.\d+)?|\.\d+))%?[*†‡§∗⋆]*$")


def _is_data_row(row: list[str]) -> bool:
    """A row of results: numbers, plus a label or a second number (a lone number is a page number
    or footnote that the table reader swept in)."""
    numbers = sum(1 for c in row[1:] if _is_numeric(c))
    return numbers >= 2 or (numbers == 1 and bool(row[0].strip() or any(c and not _is_numeric(c) for c in row[1:])))


def _is_numeric(cell: str) -> bool:
    """A result cell: a number first ("12.33 (1.19)", "54.2 ± 2.4"), not a header such as "1.1 EM"."""
    tokens = cell.split()
    if not tokens or any(re.search(r"[A-Za-z]", t) for t in tokens[1:]):
        return False
    return bool(_CELL_NUMBER.match(tokens[0]) or _CELL_PAIR.match(tokens[0]))


@dataclass
class _Column:
    index: int
    metrics: list[str]  # one metric, or two for "a/b" cells ("EM/F1")
    dataset: str
    dataset_source: str  # "header" | "caption" | "paper"
    split: str | None
    ordered_by_size: bool = False  # "a/b" SQuAD cells with no order given: F1 >= EM


def _topk_by_values(metric: str, values: list[float]) -> str | None:
    """'top-5' with no accuracy/error word: ImageNet top-k accuracies sit above 50, errors below."""
    if not metric.startswith("top-") or metric in bm.METRICS or not values:
        return None
    values = [v * 100 if v <= 1 else v for v in values]
    middle = sorted(values)[len(values) // 2]
    return f"{metric} error" if middle < 50 else f"{metric} accuracy"


def _column_numbers(table: TableRegion, j: int, start: int) -> list[float]:
    out = []
    for row in table.rows[start:]:
        m = _CELL_NUMBER.match(row[j].split()[0]) if j < len(row) and row[j].split() else None
        if m:
            out.append(float(m.group(1)))
    return out


_SQUAD_VERSION = re.compile(r"(?<![\w.])v?([12])\.[01]\b")


def _columns(table: TableRegion, header_rows: int, ctx: PaperContext) -> list[_Column]:
    caption = table.caption
    caption_datasets = {m.name for m in bm.find_datasets(caption, paper_has_wmt14=ctx.has_wmt14)}
    caption_splits = {m.name for m in bm.find_splits(caption)}
    wmt14 = ctx.has_wmt14 or bm.mentions_wmt14(caption)  # "EN-DE" columns count as WMT14 here
    width = max(len(r) for r in table.rows)
    out = []
    for j in range(1, width):
        header = " ".join(r[j] for r in table.rows[:header_rows] if j < len(r)).strip()
        if re.search(r"@\s*\[?\s*0?\.5", header) and not re.search(r"\bm?AP", header):
            # "mAP" written once in the label column over "@.5 | @[.5, .95]" columns
            header = re.sub(r"(@\s*\[?\s*0?\.5)", r"mAP\1", header, count=1)
        header_datasets = [m.name for m in bm.find_datasets(header, paper_has_wmt14=wmt14)]
        if not header_datasets and bm.OTHER_DATASETS.search(header):
            continue
        metrics = [m.name for m in bm.find_metrics(header)]
        metrics = [bm.complete_topk(m, header) or bm.complete_topk(m, caption)
                   or _topk_by_values(m, _column_numbers(table, j, header_rows)) for m in metrics]
        metrics = [m for m in metrics if m]
        ordered = False
        if not metrics and header_datasets and header_datasets[0].startswith("SQuAD"):
            metrics, ordered = ["F1", "EM"], True
        elif not metrics and header_datasets:
            # "EN-DE | EN-FR" columns under a caption that names the metric once ("BLEU scores on ...")
            named = {m.name for m in bm.find_metrics(caption)} & bm.DATASET_METRICS[header_datasets[0]]
            metrics = list(named) if len(named) == 1 else []
        if not metrics or len(metrics) > 2:
            continue
        if header_datasets:
            dataset, source = header_datasets[0], "header"
        else:
            fitting = {d for d in caption_datasets if metrics[0] in bm.DATASET_METRICS[d]}
            if fitting and all(d.startswith("SQuAD") for d in fitting) and _SQUAD_VERSION.search(header):
                # "SQuAD" in the caption, "v1.1" / "v2.0" over the columns
                fitting = {"SQuAD 2.0" if _SQUAD_VERSION.search(header).group(1) == "2" else "SQuAD 1.1"}
            if len(fitting) == 1:
                dataset, source = fitting.pop(), "caption"
            elif not caption_datasets and not bm.OTHER_DATASETS.search(caption):
                dataset, source = ctx.default_dataset(metrics[0]), "paper"
            else:
                continue
        if not dataset or any(m not in bm.DATASET_METRICS[dataset] for m in metrics):
            continue
        splits = [m.name for m in bm.find_splits(header)]
        split = splits[0] if splits else (next(iter(caption_splits)) if len(caption_splits) == 1 else None)
        out.append(_Column(j, metrics, dataset, source, split, ordered))
    return out


def _cell_values(cell: str, column: _Column) -> list[tuple[str, float]]:
    token = cell.split()[0] if cell.split() else ""
    single = _CELL_NUMBER.match(token)
    if single and len(column.metrics) == 1:
        return [(column.metrics[0], float(single.group(1)))]
    pair = _CELL_PAIR.match(token)
    if pair and len(column.metrics) == 2:
        a, b = float(pair.group(1)), float(pair.group(2))
        if column.ordered_by_size:
            return [("F1", max(a, b)), ("EM", min(a, b))]
        return [(column.metrics[0], a), (column.metrics[1], b)]
    return []


def table_candidates(tables: list[TableRegion], ctx: PaperContext) -> list[Found]:
    out: list[Found] = []
    for table in tables:
        for rows in _segments(table.rows):
            out.extend(_segment_candidates(TableRegion(table.page, table.caption, rows, table.section), ctx))
    return out


def _segments(rows: list[list[str]]) -> list[list[list[str]]]:
    """A table that restates its header half-way ("top-1 error" block, then "top-5 error" block) is
    read as one table per header."""
    segments: list[list[list[str]]] = [[]]
    seen_data = False
    for row in rows:
        data = _is_data_row(row)
        if not data and seen_data and any(bm.find_metrics(c) for c in row[1:]):
            segments.append([])
            seen_data = False
        segments[-1].append(row)
        seen_data = seen_data or data
    return [seg for seg in segments if seg]


def _segment_candidates(table: TableRegion, ctx: PaperContext) -> list[Found]:
    out: list[Found] = []
    rows = table.rows
    first_data = next((i for i, r in enumerate(rows) if _is_data_row(r)), None)
    if first_data is None:
        return out
    columns = _columns(table, first_data, ctx)
    if not columns:
        return _transposed_candidates(table, first_data, ctx)
    caption_own = bool(re.search(r"\bour\b|\bours\b", table.caption, re.I)) or ctx.is_own_label(table.caption)
    labels = [" ".join(c for c in r if c and not _is_numeric(c)) for r in rows[first_data:]]
    cited_rows = sum(1 for label in labels if _CITATION.search(label))
    group = ""
    parsed: list[tuple[int, str, int]] = []  # (row index, label, own level)
    for i, row in enumerate(rows[first_data:], start=first_data):
        label = labels[i - first_data]
        if not any(_is_numeric(c) for c in row[1:]):
            group = label  # a group header such as "Ours" or "Published"
            continue
        if _CITATION.search(label) or _NOT_OWN_ROW.search(label) or (
                _NOT_OWN_GROUP.search(group) and not ctx.is_own_label(label) and not _OURS_LABEL.search(label)):
            own = 0
        elif _OURS_LABEL.search(label) or _OURS_LABEL.fullmatch(group.strip()) or ctx.is_own_label(label):
            own = 2
        elif caption_own or cited_rows:
            own = 1
        else:
            own = 0
        parsed.append((i, label, own))
    for column in columns:
        values = []
        for i, label, own in parsed:
            cell = rows[i][column.index] if column.index < len(rows[i]) else ""
            for metric, value in _cell_values(cell, column):
                values.append((i, label, own, metric, value, cell))
        if not values:
            continue
        fractions = all(v <= 1.0 for *_, v, _c in values)
        for i, label, own, metric, value, cell in values:
            value = bm.as_percent(metric, value) if fractions else value
            if not bm.plausible(metric, value):
                continue
            same = [bm.as_percent(m, v) if fractions else v for _i, _l, _o, m, v, _c in values if m == metric]
            beats_others = len(same) > 1 and value == (min(same) if "error" in metric else max(same))
            conf = 0.35
            conf += {"header": 0.15, "caption": 0.15, "paper": 0.05}[column.dataset_source]
            conf += {2: 0.25, 1: 0.1, 0: -0.15}[own]
            conf += 0.1 if beats_others else 0.0
            text, start, end = _row_evidence(table.caption, rows[i], column.index)
            cand = _candidate(column.dataset, metric, value, text, start, end, table.page,
                              table.section or "table", conf)
            out.append(Found(cand, column.split, own, "table"))
    return out


def _row_evidence(caption: str, row: list[str], column: int) -> tuple[str, int, int]:
    """Evidence text for a table cell: the caption's opening, then the row; the span is the cell's number."""
    head = caption.split(". ")[0][:120].rstrip()
    text = f"{head} | " if head else ""
    start = end = len(text)
    parts = []
    for k, cell in enumerate(row):
        if not cell:
            continue
        offset = len(text) + len(" ".join(parts)) + (1 if parts else 0)
        if k == column:
            start, end = offset, offset + len(cell.split()[0])
        parts.append(cell)
    return text + " ".join(parts), start, end


def _transposed_candidates(table: TableRegion, first_data: int, ctx: PaperContext) -> list[Found]:
    """Tables with one benchmark per row ("SQuADv2 f1 | 54.2 | 67.8") and one model per column: the
    columns headed by the paper's model name are its results."""
    rows = table.rows
    width = max(len(r) for r in rows)
    headers = [" ".join(r[j] for r in rows[:first_data] if j < len(r)) for j in range(width)]
    own_columns = [j for j in range(1, width) if ctx.is_own_label(headers[j]) or _OURS_LABEL.search(headers[j])]
    if not own_columns:
        return []
    caption_splits = {m.name for m in bm.find_splits(table.caption)}
    out: list[Found] = []
    for i, row in enumerate(rows[first_data:], start=first_data):
        label = row[0]
        datasets = [m.name for m in bm.find_datasets(label, paper_has_wmt14=ctx.has_wmt14)]
        metrics = [m.name for m in bm.find_metrics(label)]
        if len(datasets) != 1 or len(metrics) != 1 or metrics[0] not in bm.DATASET_METRICS[datasets[0]]:
            continue
        dataset, metric = datasets[0], metrics[0]
        for j in own_columns:
            cell = row[j] if j < len(row) else ""
            match = _CELL_NUMBER.match(cell.split()[0]) if cell.split() else None
            if not match or not bm.plausible(metric, float(match.group(1))):
                continue
            splits = [m.name for m in bm.find_splits(headers[j])]
            split = splits[0] if splits else (next(iter(caption_splits)) if len(caption_splits) == 1 else None)
            text, start, end = _row_evidence(table.caption, row, j)
            cand = _candidate(dataset, metric, float(match.group(1)), text, start, end, table.page,
                              table.section or "table", 0.35 + 0.15 + 0.25)
            out.append(Found(cand, split, 2, "table"))
    return out


# ---------------------------------------------------------------- headline choice

def _family(c: Candidate) -> tuple[str, str]:
    """Top-k error and accuracy are one quantity (the scorer compares them as accuracy)."""
    metric = c.attrs["metric"]
    return c.attrs["dataset"], metric.split()[0] if metric.startswith("top-") else metric


def _as_accuracy(c: Candidate) -> float:
    value = float(c.attrs["value"])
    return 100.0 - value if c.attrs["metric"].endswith("error") else value


def corroborate(found: list[Found]) -> None:
    """A value that a sentence and a table both give is more likely a real headline."""
    by_key: dict[tuple, set[str]] = {}
    for f in found:
        key = (*_family(f.candidate), round(_as_accuracy(f.candidate), 2))
        by_key.setdefault(key, set()).add(f.source)
    for f in found:
        key = (*_family(f.candidate), round(_as_accuracy(f.candidate), 2))
        if len(by_key[key]) > 1 and f.own > 0:
            f.candidate.confidence = round(min(1.0, f.candidate.confidence + 0.1), 4)


def mark_headlines(found: list[Found]) -> None:
    """One headline per dataset+metric: the test split when given, the paper's own model first,
    then the best value. The scorer accepts any of the paper's headline values (single model or
    ensemble), so one well-chosen value per benchmark keeps precision without losing recall."""
    groups: dict[tuple[str, str], list[Found]] = {}
    for f in found:
        if f.own > 0:
            groups.setdefault(_family(f.candidate), []).append(f)
    for members in groups.values():
        confident = [f for f in members if f.candidate.confidence >= 0.5] or members
        best = max(confident, key=lambda f: (bm.split_rank(f.split), f.own, _as_accuracy(f.candidate),
                                             f.candidate.confidence))
        best.candidate.is_best = True


def extract_results(doc: DocumentText, pdf=None) -> list[Candidate]:
    """All benchmark-result candidates of one paper; the headline per dataset+metric has is_best."""
    ctx = paper_context(doc)
    read = find_result_tables(pdf, doc) if ctx.dataset_counts else []  # no scored benchmark: no table
    # Tables the reader already cut are used too; where both have the same caption, the geometric
    # reading here wins (its columns follow the word positions).
    seen = {(t.page, t.caption[:40]) for t in read}
    tables = read + [t for t in doc.tables if (t.page, t.caption[:40]) not in seen]
    found = sentence_candidates(doc, ctx) + table_candidates(tables, ctx)
    corroborate(found)
    mark_headlines(found)
    return [f.candidate for f in found]
