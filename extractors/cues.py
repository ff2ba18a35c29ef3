"""Signals shared by the field extractors: section weights and cue words around a match.

Every extractor starts from a pattern-strength base confidence and adjusts it with these signals, so
a value stated in the paper's own experiments ("we train on ...") outranks the same form in related
work, a cited paper's set-up, a latency benchmark or a hypothetical.
"""
from __future__ import annotations

import re
from functools import lru_cache

from extractors.chips import canonical_name

# Measuring only: rules switched off by `progress scorer train --ablate NAME,...`, so grouped CV can
# show what each special case is worth. Always empty when the pipeline extracts.
ABLATE: frozenset[str] = frozenset()


def ablate(rules) -> None:
    """Switch the named rules off in this process (and, via a pool initializer, in its workers)."""
    global ABLATE
    ABLATE = frozenset(r.strip() for r in rules if r.strip())


def ablated(rule: str) -> bool:
    return rule in ABLATE

# Multiplier per section: related work / references / acknowledgements describe other people's work
# or donations; tables and captions hold terse, context-free fragments.
SECTION_WEIGHT = {
    "experiments": 1.0,
    "body": 0.95,
    "abstract": 0.92,
    "appendix": 0.95,
    "caption": 0.85,
    "table": 0.75,
    "related_work": 0.35,
    "acknowledgements": 0.25,
    "references": 0.05,
}

OWN_WORK = re.compile(
    r"\b(?:we|our|ours|us)\b|\b(?:this|the proposed) (?:model|network|work|paper|method|approach)\b",
    re.IGNORECASE,
)
TRAINING_CUE = re.compile(
    r"\b(?:train(?:s|ed|ing)?|pre-?train(?:s|ed|ing)?|fine-?tun(?:e|ed|es|ing)|converge[ds]?|"
    r"learn(?:ed|ing)?|optimi[sz](?:e|ed|ation)|(?:architecture )?search(?:es)?|took|takes?|taking|"
    r"run(?:s|ning)?|ran|experiments?|implemented|implementation)\b",
    re.IGNORECASE,
)
# Verbs that can only describe training (unlike "run", "took"): they outweigh an inference cue.
TRAINING_STRONG = re.compile(r"\b(?:train(?:s|ed|ing)?|pre-?train\w*|fine-?tun\w*|converge[ds]?)\b", re.IGNORECASE)
# Measuring speed rather than training: latency, inference, serving, timing, FPS.
INFERENCE_CUE = re.compile(
    r"\b(?:latenc(?:y|ies)|inference|infer|serving|deploy(?:ed|ment)?|fps|frames per second|"
    r"(?:test|testing|evaluation|decoding|prediction)[- ]time|speed|measured?|timing|benchmark(?:ed|ing)?|"
    r"runtime|run[- ]time|real[- ]time|throughput|to evaluate|(?:per |a )?(?:test|testing) (?:image|example|sample)s?)\b",
    re.IGNORECASE,
)
# Someone else's work: citations, "et al.", third-person subjects.
CITATION = re.compile(r"\[\d+(?:[,–\-]\s*\d+)*\]|\bet al\.|\(\s*[A-Z][A-Za-z\-]+(?: et al\.)?,? \d{4}[a-z]?\s*\)")
THIRD_PERSON = re.compile(r"\b(?:they|their|them|previously|other (?:agents|methods|models|approaches|systems|works?)|previous (?:work|works|studies|approach(?:es)?|"
                          r"methods?|results?|models?)|prior work|original(?:ly)?|baselines?|reported (?:by|in)(?! (?:this|our|the present)\b))\b",
                          re.IGNORECASE)
# A comparison point written just before a value: "a speedup over a single GPU", "than DQN trained on"
# ("more than two weeks", "less than a day" qualify an amount: no comparison).
COMPARISON_BEFORE = re.compile(
    r"\b(?:compared? (?:with|to)|we compare|comparison|(?<!more )(?<!less )(?<!fewer )than|versus|vs\.?|relative to|"
    r"instead of|as when|unlike|"
    # ("over one week on 8 GPUs" is a duration: issue 11)
    r"over (?:a |one |the )?(?:single|one)(?!\s+(?:week|day|month|hour|year|night|epoch|pass|iteration)s?\b)|"
    r"otherwise|in contrast|whereas)\b[^.;]*$", re.IGNORECASE)
# Statements about capacity rather than use: "has only 3GB of memory", "too big to fit on one GPU".
CAPACITY = re.compile(r"\b(?:ha(?:s|ve) (?:only )?\d+\s?GB|fit (?:on|in|into)|too (?:big|large)|"
                      r"memory (?:limit|constraint|footprint|budget))", re.IGNORECASE)
# "cannot train more than five minutes": a negated statement is not a set-up or a run.
NEGATION = re.compile(r"\b(?:cannot|can't|could not|unable to|fail(?:s|ed)? to|never|not able to)\b", re.IGNORECASE)
_CLAUSE_BOUNDARY = re.compile(r"[,;:]|\b(?:because|while|whereas|but|since)\b")


def clause_before(text: str, position: int, limit: int = 150) -> str:
    """The part of the clause that precedes `position` (after the last comma, "because", "while", ...)."""
    head = text[max(0, position - limit):position]
    last = None
    for last in _CLAUSE_BOUNDARY.finditer(head):
        pass
    return head[last.end():] if last else head
HYPOTHETICAL = re.compile(r"\b(?:could|would|might|as a proxy|estimate[sd]?|hypothetical(?:ly)?|if we were|"
                          r"expected to|projected)\b", re.IGNORECASE)


def section_weight(section: str) -> float:
    return SECTION_WEIGHT.get(section, 0.9)


def clamp(value: float) -> float:
    return max(0.0, min(1.0, value))


def agreeing_groups(candidates: list, same) -> list[list]:
    """Candidates grouped by `same(head, other)`, most confident first; every is_best reset. The
    field extractors boost a group's head by its agreeing mentions and keep it when confident."""
    groups: list[list] = []
    for cand in sorted(candidates, key=lambda c: -c.confidence):
        cand.is_best = False
        for group in groups:
            if same(group[0], cand):
                group.append(cand)
                break
        else:
            groups.append([cand])
    return groups


def within_one_percent(a: float, b: float) -> bool:
    return abs(a - b) <= 0.01 * max(a, b)


def window(text: str, start: int, end: int, before: int = 80, after: int = 80) -> str:
    return text[max(0, start - before):min(len(text), end + after)]


_NAME_LIKE = re.compile(r"\b[A-Z][A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\b")
_NOT_MODEL_NAMES = frozenset("GPU GPUs TPU TPUs CPU CPUs NVIDIA GB FLOPs FLOPS PF TF BLEU AP EM F1 SGD "
                             "ImageNet COCO SQuAD WMT CIFAR LM1B JFT SXM SXM2 SXM4 SXM5 PCIe NVLink HBM HBM2 "
                             "DGX DGX-1 DGX-2 GTX RTX TITAN Titan Quadro GeForce AMD MI RAM VRAM DRAM".split())
_PROPOSAL = re.compile(r"\b(?:we|this paper|this work)\s+(?:propose|present|introduce|call|name|describe)s?\s+"
                       r"(?:a |an |the )?(?:new |novel |simple )?(?:[a-z\-]+ ){0,4}?(?:called |named |, the |the )?"
                       r"([A-Z][A-Za-z0-9\-]+)")


def own_model_names(title: str, sentences) -> frozenset[str]:
    """Names the paper gives its own model: the title's "Name:" prefix (or name-like title words) and
    "we present the MuZero algorithm" in the first sentences."""
    names: set[str] = set()
    if ":" in title:
        prefix = title.split(":", 1)[0].strip()
        if 0 < len(prefix.split()) <= 3:
            names.add(prefix.split()[0])
    else:
        names.update(m.group(0) for m in _NAME_LIKE.finditer(title)
                     if m.group(0) not in _NOT_MODEL_NAMES and not m.group(0).isupper())
    for sentence in list(sentences)[:60]:
        for match in _PROPOSAL.finditer(sentence.text):
            name = _proposed_name(sentence.text, match)
            if name and name not in _NOT_MODEL_NAMES and len(name) >= 3:
                names.add(name)
    return frozenset(n.rstrip("-") for n in names if n)


# "an overview of Transformer architecture", "architectures for NER": a name after a preposition is
# what the proposal is about or for, not what it is called.
_PREPOSITION_BEFORE = re.compile(r"\b(?:of|for|on|to|with|in|from|by|over|into|via|using|against)\s+$")
# "Open Pre-trained Transformers (OPT)", "an Additive Angular Margin Loss (ArcFace)": a capitalised phrase
# is named by the short name in brackets after it, not by its first word.
_PHRASE_REST = re.compile(r"(?:[\s-]+(?:[A-Z][\w-]*|of|for|and|with|via|the|a|an|to|in|on))+?\s*\(([A-Z][A-Za-z0-9\-]{1,20})\)")


def _proposed_name(text: str, match: re.Match[str]) -> str | None:
    """The name a proposal sentence gives, or None when the capitalised word after the verb is not one."""
    name = match.group(1)
    if ablated("own_name_proposal_shape"):
        return name
    if _PREPOSITION_BEFORE.search(text[max(0, match.start(1) - 12):match.start(1)]):
        return None
    after = text[match.end(1):match.end(1) + 80]
    if re.match(r"\s+[A-Z]", after):  # the first word of a capitalised phrase
        short = _PHRASE_REST.match(after)
        return short.group(1) if short else None
    return name


def nearest_model_name(clause: str) -> str | None:
    names = [m.group(0) for m in _NAME_LIKE.finditer(clause)
             if m.group(0).split("-")[0] not in _NOT_MODEL_NAMES and not re.match(r"(?:TPU|GPU|CPU)", m.group(0))
             and canonical_name(m.group(0)) is None]
    return names[-1] if names else None


# Capitalised words that are never a model's name (sentence openers, pointers into the paper).
_NOT_NAMES = frozenset("Table Figure Fig Section Appendix Eq Training The This We Our In For Each".split())


def capitalised_names(clause: str) -> list[str]:
    """Every capitalised word of a clause that could name a model ("Transformer", "GPT-3"): a looser
    reading than `nearest_model_name`, for clauses as short as "Training Transformer cost"."""
    return [w for w in re.findall(r"\b[A-Z][A-Za-z0-9\-]+", clause) if w not in _NOT_NAMES]


def is_own_name(name: str, own_names: frozenset[str]) -> bool:
    """"ViT-H" is the paper's when it calls its model "ViT-22B" or "ViT": names compare by their head
    (the part before a hyphen), a plural or suffixed head included ("ViTs", "MuZero-Reanalyse")."""
    head = name.split("-")[0].lower()
    for own in own_names:
        own_head = own.split("-")[0].lower()
        if len(own_head) < 3:  # "R-CNN", "T-5": the head alone would match every name with that letter
            if name.lower().startswith(own.lower()):
                return True
        elif head == own_head or head.startswith(own_head):
            return True
    return False


_TITLE_STOPWORDS = frozenset("a an the of for with in on and to via from by using deep neural network networks "
                             "learning model models towards toward very large scale".split())


def title_words(title: str) -> frozenset[str]:
    """Distinctive lower-cased title words ("stochastic", "depth"): names a table row may carry."""
    return frozenset(w for w in re.findall(r"[a-z][a-z\-]{2,}", title.lower()) if w not in _TITLE_STOPWORDS)


def row_label_is_own(label: str, own_names: frozenset[str], title_vocabulary: frozenset[str]) -> bool:
    """A table row label names the paper's own model: an own name, or only distinctive title words."""
    words = re.findall(r"[A-Za-z][A-Za-z0-9\-]+", label)
    if not words:
        return False
    if any(is_own_name(w, own_names) for w in words) or re.search(r"\b(?:ours|our)\b", label, re.IGNORECASE):
        return True
    return all(w.lower() in title_vocabulary for w in words)


# A sentence that opens by contrasting with something else: "In contrast, BERT-large requires ...".
CONTRAST_OPENING = re.compile(r"^(?:In contrast|By contrast|Unlike|Compared (?:to|with)|Whereas|On the other hand)\b")


def other_model_subject(text: str, own_names: frozenset[str]) -> float:
    """Penalty when the sentence's subject is another named model ("ResNet-152 takes 2 weeks ..."):
    larger when the paper's own names are known and this is not one of them."""
    opening = re.match(r"^(?:The |A |An )?(\S+)", text)
    if not opening:
        return 0.0
    word = opening.group(1).rstrip(",:;")
    if not _NAME_LIKE.fullmatch(word) or word.split("-")[0] in _NOT_MODEL_NAMES:
        return 0.0
    if canonical_name(word) or re.match(r"(?:TPU|GPU|CPU)", word):
        return 0.0
    if own_names:
        return 0.0 if is_own_name(word, own_names) else 0.25
    return 0.1


# Work done for data rather than training: preprocessing, tokenisation, feature extraction.
DATA_PREPARATION = re.compile(
    r"\b(?:pre-?processing|preprocess\w*|tokeni[sz]\w*|data (?:preparation|generation|collection|loading|"
    r"augmentation|cleaning)|feature extraction|extract(?:ing|ed)? (?:the )?features|crawl\w*|annotat\w*)\b",
    re.IGNORECASE)
# A generic statement about common practice rather than this paper's run.
GENERIC_PRACTICE = re.compile(r"\b(?:typically|usually|commonly|often|generally|normally|conventionally)\b",
                              re.IGNORECASE)
# A clause whose subject carries a citation: "NASNet [7] was searched with ...", "an evolutionary
# search [9] ran on ...", "(Smith et al., 2019) trained ...".
_CITED_SUBJECT = re.compile(
    r"^\W*(?:[\w\-]+\s+){0,5}?[\w\-]+\s*(?:\[\d+(?:\s*[,–\-]\s*\d+)*\]|\([A-Z][^()]{0,60}?\d{4}[a-z]?\))\s+"
    r"(?:was|were|is|are|has|have|had|ran|runs?|took|takes?|used|uses?|reports?|reported|train\w*|"
    r"requir\w*|needs?|needed|consum\w*|searched|spent|employ\w*)\b")


def cited_subject(clause: str) -> bool:
    return bool(_CITED_SUBJECT.search(clause))


# Thanks for donated or granted hardware: acknowledgements, wherever the heading went.
DONATION = re.compile(r"\b(?:donat\w+|grant(?:ed|s)?|gift|gratefully|acknowledge\w*|thank\w*|sponsor\w*)\b",
                      re.IGNORECASE)


def sentence_signals(text: str, section: str, clause: str, own_names: frozenset[str] = frozenset()) -> dict:
    """The cues every field reads around a value, by name: the sentence's (`text`) and the clause's
    before the value (`clause`, from `clause_before`). Booleans and the section; the learned scorer
    (extractors/scoring) weighs them, the rule confidences add their hand-set numbers."""
    (own, training_cue, training_strong, inference_cue, et_al, citation, third_person, hypothetical, capacity,
     data_preparation, donation, contrast_opening, baseline_word, evaluation_cue) = _text_signals(text)
    return {
        "section": section,
        "in_table": section == "table",
        "own_work": own,
        "training_cue": training_cue,
        "training_strong": training_strong,
        "inference_cue": inference_cue,
        "et_al": et_al,
        "citation": citation,
        "third_person": third_person,
        "third_person_before": bool(THIRD_PERSON.search(clause)),
        "hypothetical": hypothetical,
        "comparison_before": bool(COMPARISON_BEFORE.search(clause)),
        "capacity": capacity,
        "negation_before": bool(NEGATION.search(clause)),
        "cited_subject": cited_subject(clause),
        "data_preparation": data_preparation,
        "data_preparation_before": bool(DATA_PREPARATION.search(clause)),
        "donation": donation,
        "generic_practice_before": bool(GENERIC_PRACTICE.search(clause)),
        "contrast_opening": contrast_opening,
        "other_model_subject": other_model_subject(text, own_names),
        "baseline_word": baseline_word,
        "evaluation_cue": evaluation_cue,
        "citation_before": bool(CITATION.search(clause)),
    }


@lru_cache(maxsize=4096)
def _text_signals(text: str) -> tuple:
    """The whole sentence's cues of `sentence_signals`, read once per sentence: the hardware,
    training-time and compute readers ask for the same sentence, and for each value in it."""
    return (bool(OWN_WORK.search(text)), bool(TRAINING_CUE.search(text)), bool(TRAINING_STRONG.search(text)),
            bool(INFERENCE_CUE.search(text)), "et al." in text, bool(CITATION.search(text)),
            bool(THIRD_PERSON.search(text)), bool(HYPOTHETICAL.search(text)), bool(CAPACITY.search(text)),
            bool(DATA_PREPARATION.search(text)), bool(DONATION.search(text)), bool(CONTRAST_OPENING.match(text)),
            bool(BASELINE.search(text)), bool(EVALUATION.search(text)))


BASELINE = re.compile(r"\bbaselines?\b", re.IGNORECASE)
# Evaluating or benchmarking a model is not training it: "we run our evaluation on two GPUs".
EVALUATION = re.compile(r"\bevaluat(?:e|es|ed|ing|ion|ions)\b", re.IGNORECASE)


# ---- cues read on the whole sentence around a value (issue 11: precision on unseen papers) ----
# Each was measured by grouped CV on the corpus (`progress scorer train`) and fires in >= 2 papers.

# A comparison opened anywhere earlier in the sentence, not only in the value's own clause: "X takes
# 30 GPU hours, while the traditional search takes 384", "reaches it in 3 hours that otherwise took 15".
COMPARISON_EARLIER = re.compile(
    r"\b(?:compared? (?:with|to)|than|versus|vs\.?|relative to|instead of|otherwise|whereas|unlike|in contrast|"
    r"while (?:the|a|an|it|this|that|other|previous|traditional|existing|standard|prior))\b", re.IGNORECASE)
# A modal verb: "would take many weeks on one GPU", "could be trained within a week", "should have taken".
COUNTERFACTUAL = re.compile(r"\b(?:should|would|could|might) (?:have )?(?:taken?|take|require[ds]?|need(?:ed)?)\b"
                            r"|\bwould\b|\bcould\b", re.IGNORECASE)
# Scaling and speed-up statements measure a ratio between set-ups: "two cards make it 60% faster".
SPEEDUP = re.compile(r"\b(?:faster|slower|speed-?ups?|\d+(?:\.\d+)?\s?[x×] (?:faster|speed)|"
                     r"scal(?:ing|es) (?:efficiency|linearly)|times as fast)\b", re.IGNORECASE)
# A benchmark or measurement verb before the value, in a sentence with no training verb: "we evaluate
# the system on up to 256 GPUs", "we measure memory on 8 cards".
BENCHMARK_VERB = re.compile(r"\b(?:evaluat\w+|benchmark\w*|profil\w+|measur\w+|compare\w*|tested|testing)\b",
                            re.IGNORECASE)


def whole_sentence_signals(text: str, start: int, end: int) -> dict:
    """Cues read on the whole sentence around a value at text[start:end] (`sentence_signals` reads the
    value's own clause for most): the learned scorer's input and the rule confidences'."""
    before = text[:start]
    return {
        "comparison_earlier": bool(COMPARISON_EARLIER.search(before)),
        "counterfactual": bool(COUNTERFACTUAL.search(text)),
        "speedup_cue": bool(SPEEDUP.search(text)),
        "benchmark_before": bool(BENCHMARK_VERB.search(before)) and not TRAINING_STRONG.search(text),
        "reference_entry": is_reference_entry(text),
    }


# ---- issue 11, round 2: kinds of held-out errors listed by bench/scorer_errors.py ----

# A bibliography entry whose reference-list heading was lost, so it reads as body text: an arXiv id,
# "In Proceedings", page or volume numbers. Such a sentence states someone else's title ("Training
# ImageNet in 1 hour"), never this paper's set-up. Fires in 5 corpus papers (all on negatives). It
# reads what part of the paper a sentence is (as the section reader does), not whose set-up a value is.
REFERENCE_ENTRY = re.compile(r"\barXiv(?: preprint)?:?\s?(?:abs/)?\d{4}\.\d{4,5}|\bIn (?:Proceedings|Proc\.|Advances in)\b|"
                             r"\bpp\.\s?\d+|\bvol\.\s?\d+|"
                             # "Name: A title of the work by its authors, 2020." (an entry's last words)
                             r"^[A-Z][\w-]*:\s.*,\s(?:19|20)\d\d[a-z]?\.?\s*$", re.IGNORECASE)


def is_reference_entry(text: str) -> bool:
    """A bibliography entry read as body text: another work's title, never this paper's set-up."""
    if ablated("reference_entry"):
        return False
    return bool(REFERENCE_ENTRY.search(text))


_FINETUNE = re.compile(r"\bfine-?tun\w*", re.IGNORECASE)
_PRETRAIN = re.compile(r"\bpre-?train\w*", re.IGNORECASE)


def training_phase(text: str) -> str:
    """The phase a sentence or caption speaks of: pretraining, finetuning, else training."""
    if _PRETRAIN.search(text):
        return "pretraining"
    if _FINETUNE.search(text):
        return "finetuning"
    return "training"


# A duration that measures a data set, not a run: "the logs were collected over 30 days", "the
# corpus spans two weeks (the first 12 days for training)", "a 100-hour speech corpus".
DATA_SUBJECT = re.compile(r"\b(?:data ?sets?|corpus|corpora|logs|recordings|traffic)\b", re.IGNORECASE)
_DATA_SPAN_VERB = re.compile(r"\b(?:contain\w*|includ\w*|sampled|collected|gathered|recorded|logged|span\w*|"
                             r"cover\w*|consist\w*|compris\w*|provid\w*)\b", re.IGNORECASE)
_RUN_VERB = re.compile(r"\b(?:took|takes?|taking|ran|runs?|trained|trains|lasted|finished|completed|converge\w*)\b",
                       re.IGNORECASE)
_DATA_AFTER_DURATION = re.compile(r"^[\s-]*(?:of\s+)?(?:(?!the\b|a\b|an\b|our\b|this\b)[A-Za-z][\w\-]*\s+){0,2}?(?:data ?sets?|data|corpus|logs|"
                                  r"recordings)\b", re.IGNORECASE)


def data_span(text: str, start: int, end: int) -> bool:
    """The duration at text[start:end] is the time a data set covers: the sentence's data set is
    described by a span verb before it (and no run verb precedes the duration: "we trained on the
    set, which contains 1M clips, for 6 days" is a run), or a data noun follows it."""
    if _DATA_AFTER_DURATION.match(text[end:]):
        return True
    subjects = list(DATA_SUBJECT.finditer(text, 0, start))
    if not subjects or _RUN_VERB.search(text[:start]):
        return False
    return bool(_DATA_SPAN_VERB.search(text[subjects[-1].end():start]))


# ---- which of the paper's own results is its headline (issues 12/13): ensemble or single model ----
# Papers that combine models report the ensemble beside the single model ("BiDAF (ensemble)", "Our
# ensemble has ...", "Ens.", "7 CNNs", "2 nets"); results readers mark which one a number belongs to,
# and the headline choice follows the benchmark's curation convention (benchmarks.SINGLE_MODEL_HEADLINE).
_COUNT_WORD = r"(?:[2-9]|1\d|two|three|four|five|six|seven|eight|nine|ten)"
ENSEMBLE = re.compile(
    r"\bensembl\w*|\bens\.|(?<![\w.-])" + _COUNT_WORD + r"\s+(?:models|nets|networks|convnets|CNNs|systems)\b",
    re.IGNORECASE)
SINGLE_MODEL = re.compile(
    r"\bsingle[-\s]?(?:models?|networks?|nets?|systems?)\b|\(\s*single\s*\)|\bsgl\.|"
    r"(?<![\w.-])(?:1|one)\s+(?:model|net|network|CNN|convnet)\b",
    re.IGNORECASE)
# Results read off a public leaderboard or test server, often later than the paper's own experiments.
LEADERBOARD = re.compile(r"\bleader-?boards?\b|\b(?:test|evaluation)\s+servers?\b|\bcodalab\b", re.IGNORECASE)
# Test-time views: several crops, scales or flips averaged ("10-crop", "multi-scale testing", "dense eval").
MULTI_VIEW = re.compile(r"(?<![\w.])\d+[-\s]?crops?\b|\bmulti[-\s]?(?:crops?|scales?|views?)\b|\bdense\s+eval\w*|"
                        r"\btest[-\s]time\s+augment\w*|\bTTA\b", re.IGNORECASE)
SINGLE_VIEW = re.compile(r"\bsingle[-\s]?(?:crops?|scales?|views?)\b|\bcent(?:er|re)[-\s]crop\b", re.IGNORECASE)


def model_count_cues(text: str) -> dict[str, bool]:
    """What `text` (a row label, a header, the words near a number) says about the run behind a result:
    an ensemble or a single model, several test-time views or one, a leaderboard submission."""
    return {"ensemble": bool(ENSEMBLE.search(text)), "single_model": bool(SINGLE_MODEL.search(text)),
            "multi_view": bool(MULTI_VIEW.search(text)), "single_view": bool(SINGLE_VIEW.search(text)),
            "leaderboard": bool(LEADERBOARD.search(text))}


# ---- training-time cues (issue 11, round 3): kinds of held-out training-time errors ----

# The chips a duration ran on, written right next to it: "on 8 RTX8000 GPUs for 16 days", "took 12
# days on 256 V100 GPUs", "takes roughly 20 hours on a single GPU". A duration bound to a chip count is
# what a run used even when the sentence has no training verb ("we used 64 cards for two weeks").
# Fires in 15 corpus papers (22 true, 9 false mentions, the false ones carrying other cues: a
# comparison table row, "per epoch", another model's subject, so the boost skips those).
_CHIP_WORD = (r"(?:GPU|TPU|CPU|card|chip|accelerator|core|node|machine|pod|device|"
              r"[A-Z]{1,2}\d{2,4}[A-Za-z]?)s?")
HARDWARE_BEFORE_DURATION = re.compile(
    r"(?:\d|\b(?:a|one|two|four|eight|sixteen|single|multiple))\s*(?:[\w-]+\s+){0,3}?" + _CHIP_WORD +
    r"(?:\s+(?:each|in total|overall))?\s*(?:\([^)]{0,30}\)\s*)?(?:for|in|over|during)\s+(?:a\s+total\s+of\s+)?$", re.IGNORECASE)
HARDWARE_AFTER_DURATION = re.compile(
    r"^\s*(?:\([^)]{0,30}\)\s*)?(?:on|using|with|across)\s+(?:a\s+|one\s+|the\s+|single\s+|\d[\d,]*\s*(?:[x×]\s*)?|"
    r"two\s|four\s|eight\s|sixteen\s)?(?:[\w-]+\s+){0,3}?" + _CHIP_WORD + r"(?![\w-])", re.IGNORECASE)


def hardware_adjacent(text: str, start: int, end: int) -> bool:
    """A chip count or chip word right before ("64 GPUs for") or after ("on 8 V100s") the duration at
    text[start:end]."""
    return bool(HARDWARE_BEFORE_DURATION.search(text[max(0, start - 100):start])
                or HARDWARE_AFTER_DURATION.match(text[end:end + 70]))


# A model as the subject of a time verb right before the duration: "the 15B model took 60 days",
# "a single net takes 2-3 weeks". The run's own length even when the sentence names no training
# (the training was said in the sentence before). Fires in 3 corpus papers, all on true mentions.
MODEL_TOOK_BEFORE = re.compile(
    r"\b(?:model|network|net|LM|agent|variant|version|system)s?\s+(?:\w+\s+){0,2}?(?:took|takes|needs|needed|"
    r"requires|required|ran|lasted)\s+(?:about\s+|around\s+|roughly\s+|approximately\s+|only\s+|just\s+|~\s*)?$",
    re.IGNORECASE)
