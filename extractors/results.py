"""Benchmark results of the paper's own model, from sentences and from result tables.

`extract_results(doc, pdf)` returns every result candidate it finds (field "results", attrs
{"dataset", "metric", "value"} in the scorer's vocabulary) and marks one headline per dataset+metric
with `is_best`. Candidates come from two readers:

* sentences ("Our model achieves 28.4 BLEU on the WMT 2014 English-to-German translation task"):
  a metric word next to a number, a scored dataset in the sentence or its neighbours, and cues that
  the number is the paper's own ("our", "we", the model's name) rather than a cited baseline;
* result tables (tables.py cuts the grids, results_tables.py reads them): caption naming the benchmark,
  header naming the metric, the row of the paper's own model.

What both readers share (the paper's context, the candidate record) is in result_context.py.

A value that both readers find gets a higher confidence: a headline number is usually repeated.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from extractors import benchmarks as bm
from extractors.cues import CITATION, LEADERBOARD, OWN_WORK, ablated, model_count_cues
from extractors.text import _reads_as_prose as reads_as_prose  # the text reader's own test: one definition
from extractors.document import DocumentText, Sentence
from extractors.eval_regime import Regime, choose_trained, regime_in, table_regime
from extractors.records import Candidate
from extractors.result_context import SKIPPED_SECTIONS, Found, PaperContext, make_candidate, paper_context
from extractors.results_tables import table_candidates
from extractors.tables import find_result_tables

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
# Clause edges: attribution words beyond them speak about other numbers.
_CLAUSE_EDGE = re.compile(r"[;,]|\b(?:while|whereas|compared|outperform\w*|improving|surpass\w*|beating)\b", re.I)
# A number right after these is a difference or a starting point, not a score.
_DELTA_BEFORE = re.compile(r"(?:\bby|\bfrom|\bup\s+to|\+|±|\bthan)\s*$", re.I)
_DELTA_AFTER = re.compile(
    r"^\s*%?\s*(?:\(?\s*(?:absolute|relative)|points?\b|pp\b|p\.p\.|improvement|gain|higher|lower|better|"
    r"worse|less|more|reduction|drop|increase)",
    re.I,
)



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
        # The cheap metric-word test first: it rules out nearly every sentence of a paper.
        if s.section in SKIPPED_SECTIONS or not bm.may_name_metric(s.text):
            continue
        # Table text is left to the table reader, which knows the columns, unless it reads as prose
        # (the text reader may file a paragraph full of numbers with a table).
        if (s.section == "table" and not reads_as_prose(s.text)) or _looks_like_table_dump(s.text):
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
            own_cue = bool(OWN_WORK.search(s.text))
            own_name = ctx.is_own_label(s.text)
            own = own_cue or own_name
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
            cand = make_candidate(dataset, pair.metric, value, s.text, n.start, n.end, s.page, s.section, conf)
            cand.features.update({
                "source": "sentence", "in_table": False, "pattern": "number_then_metric" if pair.end > n.end
                else "metric_then_number", "dataset_from": how, "own_cue": own_cue, "own_name": own_name,
                "credited_to_others": others, "cited": bool(CITATION.search(s.text)), "section": s.section,
                "appendix": s.section == "appendix", "percent": n.percent, "prominent": dataset in ctx.prominent,
                "split": split or "", "plausible": True,
            })
            cand.features.update(model_count_cues(_words_of_number(s.text, n, all_numbers)))
            cand.features["leaderboard"] = bool(LEADERBOARD.search(s.text))  # "our latest leaderboard scores"
            out.append(Found(cand, split, 0 if others else (2 if own else 1), "sentence"))
    return out


# A cue written right after a number (or after its "a/b" partner) speaks of that number: "82.2/88.6
# for single model and 83.9/89.7 for ensemble".
_PARTNER = re.compile(r"\s*%?\s*/\s*(?:\d{1,3}(?:\.\d+)?|\.\d+)\s*%?")
_AFTER_WINDOW = 30
_CONTRAST_EDGE = re.compile(r";|\b(?:while|whereas|but)\b", re.I)  # not commas: "with a single model, our X ..."
_BEFORE_WINDOW = 100


def _words_of_number(text: str, n: bm.Number, numbers: list[bm.Number]) -> str:
    """The words that say which run a number belongs to: a cue written right after the number (up to
    the next number or punctuation) when there is one ("83.9 for ensemble"), else the number's clause
    before it ("BiDAF (ensemble) achieves an EM of 73.3 and an F1 of 81.1", "our single-model top-5 error
    of 4.49%")."""
    end = n.end
    partner = _PARTNER.match(text, end)
    if partner:
        end = partner.end()
    next_start = min([m.start for m in numbers if m.start >= end] or [len(text)])
    after = text[end:min(next_start, end + _AFTER_WINDOW)]
    after = re.split(r"[;,.:]", after, maxsplit=1)[0]
    if any(model_count_cues(after)[k] for k in ("ensemble", "single_model")):
        return after
    start = max(0, n.start - _BEFORE_WINDOW)
    edges = list(_CONTRAST_EDGE.finditer(text, start, n.start))  # "83.0 for the ensemble, while one model ..."
    return text[edges[-1].end() if edges else start:n.start]


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
    cited_subject = bool(CITATION.search(clause)) and not OWN_WORK.search(clause)
    return bool(_OTHERS_CUE.search(before) or _OTHERS_CUE.search(after) or _OTHERS_BEFORE.search(before)
                or _REPLICA_CUE.search(text) or cited_subject)


_INTO_ENGLISH = re.compile(
    r"^\s*%?\s*(?:BLEU)?\s*(?:points?\s+)?(?:for|when)?\s*(?:translating\s+)?"
    r"(?:(?:into|to)\s+English\b|the\s+reverse\s+direction)",
    re.I,
)


_NUMERIC_TOKEN = re.compile(r"[-+(]?\d[\d.,%/±)]*")


def _looks_like_table_dump(text: str) -> bool:
    """Table rows that the text reader ran into a "sentence": mostly numbers, few words."""
    if len(text) > 1500:
        return True  # no sentence of prose is this long
    tokens = text.split()
    numeric = sum(1 for t in tokens if _NUMERIC_TOKEN.fullmatch(t))
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
        f.candidate.features["corroborated"] = len(by_key[key]) > 1  # a sentence and a table agree
        if len(by_key[key]) > 1 and f.own > 0:
            f.candidate.confidence = round(min(1.0, f.candidate.confidence + 0.1), 4)


def ensemble_only(c: Candidate) -> bool:
    """The words around the number give it to an ensemble, not to a single model."""
    return bool(c.features.get("ensemble")) and not c.features.get("single_model")


def single_model_first(members: list[Candidate]) -> list[Candidate]:
    """On a benchmark whose curation records the single model (bm.SINGLE_MODEL_HEADLINE), an ensemble's
    number gives way to a number the paper calls a single model's, of the same split or a more
    headline-like one (a dev-set single model does not replace a test-set ensemble)."""
    if not members or members[0].attrs["dataset"] not in bm.SINGLE_MODEL_HEADLINE or ablated("single_model_first"):
        return members
    singles = [_split_rank(c) for c in members if c.features.get("single_model") and not c.features.get("ensemble")]
    if not singles:
        return members
    return [c for c in members if not (ensemble_only(c) and _split_rank(c) <= max(singles))]


def _regime_kind(c: Candidate) -> str:
    return str(c.features.get("regime") or "fine-tuned")


def mark_regimes(found: list[Found], tables: list) -> None:
    """Every candidate's evaluation regime (extractors.eval_regime) as features: a sentence's from the
    number's own clause, a table cell's from its column header, row label, group header, then caption."""
    captions = {}
    for t in tables:
        head = (t.caption or "").split(". ")[0][:120].rstrip()
        captions.setdefault((t.page, head), t.caption or "")
    for f in found:
        c = f.candidate
        if f.source == "sentence":
            regime = regime_in(c.evidence.sentence, c.evidence.char_start) or Regime("fine-tuned", where="default")
        else:
            head = c.evidence.sentence.split(" | ")[0] if " | " in c.evidence.sentence else ""
            regime = table_regime([("header", c.features.get("header") or ""), ("row", c.features.get("row_label") or ""),
                                   ("group", c.features.get("group_header") or ""),
                                   ("caption", captions.get((c.evidence.page, head), head))])
        c.features.update(regime.features())


def _split_rank(c: Candidate) -> int:
    return bm.split_rank(c.features.get("split") or None)


# Confidences this close are a tie for the scorer; the study then records the paper's best model
# (RetinaNet's larger backbone, MnasNet-A3 beside the A1 the abstract names), so the better score wins.
HEADLINE_TIE = 0.15


def headline_of(group: list[Candidate], threshold: float) -> Candidate | None:
    """The headline among one paper's candidates for one dataset and metric family (scored candidates):
    the confident ones (>= threshold), single models first where the benchmark's convention says so,
    then among those about as probable as the most probable one the test split and the better score."""
    confident = single_model_first([c for c in group if c.confidence >= threshold])
    # A trained / fine-tuned result is the headline over a zero-/few-shot one (the study's convention).
    confident = choose_trained(confident, _regime_kind)
    if not confident:
        return None
    top = max(c.confidence for c in confident)
    tie = 0.0 if ablated("headline_tie") else HEADLINE_TIE
    near = [c for c in confident if c.confidence >= top - tie]
    return max(near, key=lambda c: (_split_rank(c), _as_accuracy(c), c.confidence))


def share_run_marks(found: list[Found]) -> None:
    """A headline number is repeated (abstract, prose, table) and often only one mention says whose run
    it is: "pushing the test F1 to 93.2" in the abstract is the row "(Ens.)" of the results table, "our
    ensemble has 3.57%" is the table's "ResNet (ILSVRC'15)" row. When the mentions of one value mark it
    one way only (ensemble or single model), every mention carries the mark."""
    marks: dict[tuple, set[str]] = {}
    if ablated("run_marks_shared"):
        return
    for f in found:
        key = (*_family(f.candidate), round(_as_accuracy(f.candidate), 2))
        features = f.candidate.features
        if features.get("ensemble") != features.get("single_model"):
            marks.setdefault(key, set()).add("ensemble" if features.get("ensemble") else "single_model")
    for f in found:
        key = (*_family(f.candidate), round(_as_accuracy(f.candidate), 2))
        shared = marks.get(key, set())
        if len(shared) == 1:
            mark = next(iter(shared))
            if not f.candidate.features.get(mark):
                f.candidate.features[mark] = True
                f.candidate.features["run_mark_from_repeat"] = True


def select_headlines(members: list[Candidate], threshold: float) -> None:
    """The scored candidates' headlines (is_best), one per dataset and metric family (top-k error and
    accuracy are one), by `headline_of`; then top-5 follows top-1 to the same run (`same_run_topk`)."""
    groups: dict[tuple, list[Candidate]] = {}
    for cand in members:
        cand.is_best = False
        groups.setdefault(_family(cand), []).append(cand)
    chosen = {key: headline_of(group, threshold) for key, group in groups.items()}
    chosen = one_run_per_benchmark(same_run_topk(chosen, groups, threshold), groups)
    for key, top in chosen.items():
        if top is not None:
            top.is_best = True


def _run_of(c: Candidate) -> tuple:
    """One evaluation: the same sentence or table row (page and evidence text) and the same split."""
    return c.evidence.page, c.evidence.sentence, c.features.get("split") or ""


def same_run_topk(chosen: dict[tuple, Candidate | None], groups: dict[tuple, list[Candidate]],
                  threshold: float) -> dict[tuple, Candidate | None]:
    """A paper that reports top-1 and top-5 of one model in one row or sentence ("27.9 / 9.1 on val") is
    curated as that pair: the top-5 headline is the top-5 of the run whose top-1 is the headline, when
    that run gives one confidently (else the top-5's own choice stands)."""
    out = dict(chosen)
    if ablated("topk_same_run"):
        return out
    for (dataset, family), top1 in chosen.items():
        if family != "top-1" or top1 is None or (dataset, "top-5") not in groups:
            continue
        run = _run_of(top1)
        paired = [c for c in groups[(dataset, "top-5")] if c.confidence >= threshold and _run_of(c) == run]
        own = chosen.get((dataset, "top-5"))
        if own is not None and any(_as_accuracy(c) == _as_accuracy(own) for c in paired):
            continue  # the same number, stated more surely elsewhere (the row's test column, the prose)
        if paired:
            out[(dataset, "top-5")] = max(paired, key=lambda c: c.confidence)
    return out


def breaks_convention(c: Candidate) -> bool:
    """A headline the curation does not record: a leaderboard figure (a later submission, not the
    paper's model), or an ensemble's on a benchmark curated by its single model (SINGLE_MODEL_HEADLINE)."""
    return bool(c.features.get("leaderboard")) or (
        c.attrs["dataset"] in bm.SINGLE_MODEL_HEADLINE and ensemble_only(c))


def _rows_of(anchor: Candidate, members: list[Candidate]) -> set[tuple]:
    """The evaluations (`_run_of`) that report the anchor's value: its own sentence or row, and the table
    rows that repeat it (a headline stated in prose is usually a row of the results table too)."""
    runs = {_run_of(anchor)}
    value = round(_as_accuracy(anchor), 2)
    for c in members:
        if " | " in (c.evidence.sentence or "") and round(_as_accuracy(c), 2) == value:
            runs.add(_run_of(c))
    return runs


def one_run_per_benchmark(chosen: dict[tuple, Candidate | None], groups: dict[tuple, list[Candidate]]
                          ) -> dict[tuple, Candidate | None]:
    """The metrics of one benchmark (SQuAD EM and F1, COCO AP and AP50) are curated from one run. When
    one metric's headline breaks the curation's convention (`breaks_convention`: BiDAF's ensemble EM
    beside its single-model F1, ResNet's ensemble COCO AP beside its single-model AP50, QANet's
    leaderboard EM beside its test-set F1) and another metric's headline does not, the first takes the
    value that the second's run reports for it: the same sentence or table row, or a row that repeats
    the second's value, whatever its own cell's confidence (raised to the less sure of the two headlines)."""
    out = dict(chosen)
    if ablated("one_run_per_benchmark"):
        return out
    for (dataset, family), top in chosen.items():
        if top is None or not breaks_convention(top):
            continue
        anchors = [c for (d, f), c in chosen.items() if d == dataset and f != family and c is not None
                   and not breaks_convention(c)]
        if not anchors:
            continue
        anchor = max(anchors, key=lambda c: c.confidence)
        runs = _rows_of(anchor, groups[_family(anchor)])
        partners = [c for c in groups[(dataset, family)] if _run_of(c) in runs and not breaks_convention(c)]
        if partners:
            partner = max(partners, key=lambda c: (_split_rank(c), c.confidence))
            # Its cell alone may read as unsure (a bare table cell): that the paper reports this metric
            # as a headline is what the replaced value's confidence said, and which run it comes from is
            # the anchor's; the less sure of the two carries over, so the value is not left for review.
            partner.confidence = max(partner.confidence, min(top.confidence, anchor.confidence))
            out[(dataset, family)] = partner
    return out


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
        # The benchmark's curation convention (single models first on SQuAD and COCO) holds for the
        # rules' choice too: it is the scorer's `rule_best` feature, so the model learns to trust it.
        kept = {id(c) for c in single_model_first([f.candidate for f in confident])}
        confident = [f for f in confident if id(f.candidate) in kept]
        confident = choose_trained(confident, lambda f: _regime_kind(f.candidate))
        best = max(confident, key=lambda f: (bm.split_rank(f.split), f.own, _as_accuracy(f.candidate),
                                             f.candidate.confidence))
        best.candidate.is_best = True


def extract_results(doc: DocumentText, pdf=None, *, read_tables: list | None = None,
                    own_names: set[str] | None = None) -> list[Candidate]:
    """All benchmark-result candidates of one paper; the headline per dataset+metric has is_best.
    `read_tables`: the paper's `find_result_tables`, when the caller has already read them;
    `own_names`: its model names (see `paper_context`), likewise."""
    ctx = paper_context(doc, own_names)
    if not ctx.dataset_counts:  # no scored benchmark: no table
        read = []
    else:
        read = read_tables if read_tables is not None else find_result_tables(pdf, doc)
    # Tables the reader already cut are used too; where both have the same caption, the geometric
    # reading here wins (its columns follow the word positions).
    seen = {(t.page, t.caption[:40]) for t in read}
    tables = read + [t for t in doc.tables if (t.page, t.caption[:40]) not in seen]
    found = sentence_candidates(doc, ctx) + table_candidates(tables, ctx, doc)
    mark_regimes(found, tables)
    corroborate(found)
    share_run_marks(found)
    mark_headlines(found)
    return [f.candidate for f in found]
