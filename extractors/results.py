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

VERSION = "results@0.1"

SKIPPED_SECTIONS = {"references", "related_work"}

# Words around a number that say it belongs to the paper's own model.
_OWN_CUE = re.compile(
    r"\b(?:our|ours|we|us|this\s+(?:paper|work)|proposed|the\s+(?:resulting|final)\s+(?:model|network|system))\b",
    re.I,
)
# ...and words that say it belongs to someone else, or is not a result at all.
_OTHERS_CUE = re.compile(
    r"\bet\s+al\b|\[\d+(?:\s*[,–-]\s*\d+)*\]|\b(?:previous(?:ly)?|prior|baseline|published|"
    r"reported\s+by|achieved\s+by|second[-\s]best|competing|existing)\b",
    re.I,
)
# A number right after these is a difference or a starting point, not a score.
_DELTA_BEFORE = re.compile(r"(?:\bby|\bfrom|\bof\s+(?:up\s+to\s+)?|\+|±|\bthan)\s*$", re.I)
_DELTA_AFTER = re.compile(r"^\s*%?\s*(?:\(?\s*(?:absolute|relative)|points?\b|pp\b|p\.p\.|improvement|gain|higher|lower|better|worse|less|more|reduction|drop|increase)", re.I)

# Generic architecture words that follow "our" without being a model's name.
_GENERIC_NAMES = {
    "cnn", "cnns", "rnn", "rnns", "lstm", "lstms", "gru", "mlp", "gpu", "gpus", "tpu", "tpus", "cpu",
    "sgd", "model", "models", "data", "method", "approach", "system", "network", "networks", "imagenet",
    "coco", "squad", "english", "german", "french", "dag", "considerations", "sift", "net", "nets",
}
_NAME_TOKEN = re.compile(r"^(?=.*[A-Z].*[A-Za-z])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*$")


@dataclass
class PaperContext:
    """Facts about the whole paper that single sentences need: own model names, datasets used."""

    own_names: set[str] = field(default_factory=set)
    dataset_counts: dict[str, int] = field(default_factory=dict)
    has_wmt14: bool = False

    def is_own_label(self, text: str) -> bool:
        tokens = re.findall(r"[A-Za-z][A-Za-z0-9]*", text)
        return any(tok.lower().startswith(name.lower()) for tok in tokens for name in self.own_names)

    def default_dataset(self, metric: str) -> str | None:
        """The one scored dataset the paper reports `metric` on, when only one fits."""
        fitting = [d for d, n in self.dataset_counts.items() if metric in bm.DATASET_METRICS[d] and n >= 2]
        if len(fitting) == 1:
            return fitting[0]
        # SQuAD 1.1 and 2.0 share metrics: the more often named one is the paper's subject.
        return None


def paper_context(doc: DocumentText) -> PaperContext:
    ctx = PaperContext()
    body = [s for s in doc.sentences if s.section not in SKIPPED_SECTIONS]
    ctx.has_wmt14 = any(bm.mentions_wmt14(s.text) for s in body)
    for s in body:
        for m in bm.find_datasets(s.text, paper_has_wmt14=ctx.has_wmt14):
            ctx.dataset_counts[m.name] = ctx.dataset_counts.get(m.name, 0) + 1
    ctx.own_names = own_model_names(doc)
    return ctx


def own_model_names(doc: DocumentText) -> set[str]:
    """Names the paper gives its own model: the title's 'Name:' prefix, 'our Name', 'called Name'."""
    names: set[str] = set()
    title = doc.title or (doc.pages[0].strip().splitlines()[0] if doc.pages and doc.pages[0].strip() else "")
    prefix = re.match(r"^\s*([A-Za-z][\w-]{1,24})\s*:", title)
    if prefix:
        names.add(prefix.group(1))
    text_sources = [s.text for s in doc.sentences if s.section not in SKIPPED_SECTIONS]
    for text in text_sources:
        for m in re.finditer(r"\b(?:[Oo]ur|called|dubbed|named|codenamed|[Ww]e\s+call(?:\s+(?:it|this|the\s+\w+))?)\s+[\"“]?([A-Za-z][\w-]+)", text):
            token = m.group(1).rstrip("-")
            base = token.split("-")[0]
            if _NAME_TOKEN.match(token) and base.lower() not in _GENERIC_NAMES and len(base) >= 3:
                names.add(base)
    return names


@dataclass
class Pair:
    metric: str
    number: bm.Number


def pair_metrics_with_numbers(text: str) -> list[Pair]:
    """Numbers that a metric word names: '28.4 BLEU', 'BLEU score of 41.8', 'top-1 and top-5 error
    rates of 37.5% and 17.0%', '75.2% top-1 / 92.5% top-5 accuracy', 'EM/F1 = 82.2/88.6'."""
    metrics = bm.find_metrics(text)
    numbers = bm.find_numbers(text)
    if not metrics or not numbers:
        return []
    pairs: list[Pair] = []
    used: set[int] = set()

    def take(metric: str, number: bm.Number) -> None:
        if number.start not in used:
            used.add(number.start)
            pairs.append(Pair(metric, number))

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
    for metric in metrics:
        name = bm.complete_topk(metric.name, text[metric.start:metric.end + 40])
        for n in numbers:
            if n.start in used:
                continue
            if n.end <= metric.start:
                gap = text[n.end:metric.start]
                # "3.57% top-5 error", "28.4 BLEU", "93.2 F1", "75.2% top-1 / 92.5% top-5 accuracy"
                if re.fullmatch(r"\s*%?\s*(?:\(?(?:single[-\s]model|test|val(?:idation)?|dev|box|mean|overall)\)?\s*)?", gap):
                    if name is None and metric.name.startswith("top-"):
                        tail = text[metric.end:metric.end + 40]
                        name = bm.complete_topk(metric.name, tail)
                    if name:
                        take(name, n)
            elif n.start >= metric.end and name:
                gap = text[metric.end:n.start]
                # "BLEU score of 41.8", "top-5 error of 6.67%", "Test F1 to 93.2", "EM of 73.3"
                if re.fullmatch(r"\s*(?:scores?|rates?|results?|\(%\))?\s*(?:of|to|=|:|is|was|reaches|reached|at)?\s*(?:about|approximately|roughly|only|just)?\s*", gap) \
                        and len(gap) <= 24:
                    take(name, n)
    return [p for p in pairs if p.metric in bm.METRICS]


def _score_value(metric: str, number: bm.Number) -> float:
    return bm.as_percent(metric, number.value)


def sentence_candidates(doc: DocumentText, ctx: PaperContext) -> list[Candidate]:
    out: list[Candidate] = []
    sentences = doc.sentences
    for idx, s in enumerate(sentences):
        if s.section in SKIPPED_SECTIONS:
            continue
        pairs = pair_metrics_with_numbers(s.text)
        if not pairs:
            continue
        mentions = bm.find_datasets(s.text, paper_has_wmt14=ctx.has_wmt14)
        splits = bm.find_splits(s.text)
        for pair in pairs:
            n = pair.number
            value = _score_value(pair.metric, n)
            if not bm.plausible(pair.metric, value):
                continue
            before = s.text[max(0, n.start - 12):n.start]
            if _DELTA_BEFORE.search(before) or _DELTA_AFTER.match(s.text[n.end:n.end + 20]):
                continue
            dataset, how = _dataset_for(pair, s, mentions, sentences, idx, ctx)
            if dataset is None:
                continue
            own = bool(_OWN_CUE.search(s.text)) or ctx.is_own_label(s.text)
            near = s.text[max(0, n.start - 60):n.end + 60]
            others = bool(_OTHERS_CUE.search(near))
            conf = 0.35
            conf += {"sentence": 0.2, "neighbour": 0.1, "paper": 0.05}[how]
            conf += 0.2 if own else 0.0
            conf += 0.05 if s.section == "abstract" else 0.0
            conf += 0.05 if n.percent or pair.metric in ("BLEU", "EM", "F1", "AP", "AP50") else 0.0
            conf -= 0.3 if others else 0.0
            if s.section == "caption":
                conf -= 0.1
            split = _nearest(splits, n.start)
            out.append(_candidate(dataset, pair.metric, value, s.text, n.start, n.end, s.page,
                                  s.section, conf, split))
    return out


def _nearest(mentions: list[bm.Mention], pos: int, window: int = 60) -> str | None:
    best = None
    for m in mentions:
        d = min(abs(m.start - pos), abs(m.end - pos))
        if d <= window and (best is None or d < best[0]):
            best = (d, m.name)
    return best[1] if best else None


def _dataset_for(pair: Pair, s: Sentence, mentions: list[bm.Mention], sentences: list[Sentence],
                 idx: int, ctx: PaperContext) -> tuple[str | None, str]:
    fitting = [m for m in mentions if pair.metric in bm.DATASET_METRICS[m.name]]
    if fitting:
        nearest = min(fitting, key=lambda m: min(abs(m.start - pair.number.start), abs(m.end - pair.number.start)))
        return nearest.name, "sentence"
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


def _candidate(dataset: str, metric: str, value: float, text: str, start: int, end: int, page: int,
               section: str, conf: float, split: str | None) -> Candidate:
    attrs = {"dataset": dataset, "metric": metric, "value": round(value, 4)}
    cand = Candidate(
        field="results", attrs=attrs, value=attrs["value"], unit="%" if metric != "BLEU" else "BLEU",
        raw_text=text[start:end], confidence=max(0.0, min(1.0, conf)),
        evidence=Evidence(page=page, sentence=text, char_start=start, char_end=end, section=section),
        extractor=VERSION,
    )
    cand.split = split  # type: ignore[attr-defined]  # kept beside the record for headline choice
    return cand
