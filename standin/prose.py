"""Paper-like text for a `PaperSpec`: abstract, sections, tables and references as simple HTML.

The text is generated, never copied. Own facts (hardware, time, compute, results) appear in the
phrasings the spec chose; around them sit the traps a careful extractor must skip: related work
citing OTHER papers' hardware and scores, GPU memory sizes, per-GPU batch sizes, inference-latency
hardware, per-iteration timings, preprocessing machines and baseline rows in tables.
"""
from __future__ import annotations

import html
import random
from dataclasses import dataclass

from standin.specs import PaperSpec, Result, paper_specs
from standin.tasks import TASKS, TaskProfile


def esc(text: str) -> str:
    return html.escape(text, quote=False)


@dataclass(frozen=True)
class Section:
    heading: str
    html: str  # paragraphs / tables of the section body


# ---------------------------------------------------------------- generic research prose

GENERIC = (
    "Progress on {task_lc} has been driven by larger models, better optimisation and more data.",
    "However, the gains of recent architectures often come with a substantial increase in cost.",
    "We argue that much of this cost is avoidable when the {noun} is designed with care.",
    "A central question is how accuracy scales with the resources spent on training.",
    "Prior studies disagree on whether the improvements transfer across datasets.",
    "Our analysis shows that the {noun} accounts for most of the improvement.",
    "We keep the training recipe fixed so that differences can be attributed to the architecture.",
    "The design is simple to implement and adds only a few lines to a standard code base.",
    "In contrast to earlier work, we do not rely on hand-crafted features.",
    "This observation motivates a closer look at the interaction between depth and width.",
    "We further study the sensitivity of the method to its main hyper-parameters.",
    "The resulting model is competitive with considerably larger systems.",
    "Figure 1 gives an overview of the proposed pipeline.",
    "We also find that the benefits persist when the amount of training data is reduced.",
    "Taken together, these results suggest a favourable trade-off between cost and quality.",
    "The {noun} can be combined with existing regularisation techniques without modification.",
    "Section 3 describes the model and Section 4 reports experiments.",
    "Efficient implementations of the {noun} are available in common deep learning frameworks.",
    "We expect the approach to apply to other {task_lc} settings as well.",
    "Despite its simplicity, the method remains stable across random seeds.",
)

DISCUSSION = {
    "image_classification": (
        "Higher input resolution helps most for fine-grained categories.",
        "Label smoothing and stochastic depth remain useful at every model size we tried.",
        "Most remaining errors involve visually similar classes or images with several objects.",
        "Transfer to smaller classification datasets follows the same ranking as ImageNet accuracy.",
    ),
    "object_detection": (
        "Small objects benefit most from the higher-resolution feature maps.",
        "Box regression quality matters more at strict IoU thresholds than classification quality.",
        "Crowded scenes remain the main failure mode, in particular for overlapping people.",
        "Non-maximum suppression thresholds were kept at their common default values.",
    ),
    "question_answering": (
        "Many errors come from questions whose answers span a list or a date range.",
        "Unanswerable questions require the reader to calibrate its confidence carefully.",
        "Longer passages are split into overlapping windows with a stride of 128 tokens.",
        "Paraphrased questions are handled well once the encoder is pre-trained.",
    ),
    "named_entity_recognition": (
        "Most confusions are between organisations and locations that share a name.",
        "Capitalisation features help little once contextual embeddings are used.",
        "Document-level context resolves many ambiguous mentions in sports tables.",
        "We use the BIOES tagging scheme throughout.",
    ),
    "machine_translation": (
        "Shared source-target vocabularies of 32k byte-pair units work well for both language pairs.",
        "Beam search with width 4 and a length penalty of 0.6 is used for decoding.",
        "Checkpoint averaging gives a small but consistent improvement.",
        "Long sentences benefit most from the deeper decoder.",
    ),
}

METHOD = (
    "Let x denote the input and h_l the representation after layer l. The {noun} computes "
    "h_(l+1) = h_l + f(h_l; W_l), where f is a small sub-network with learned weights W_l.",
    "We replace the standard {noun} with a {noun2} whose parameters are shared across stages, "
    "which reduces the parameter count by roughly a third.",
    "The loss is the sum of the task loss and an auxiliary term weighted by a coefficient lambda, "
    "which we set by cross-validation.",
    "To stabilise optimisation we apply layer normalisation before every {noun2} and use a linear "
    "warm-up of the learning rate followed by cosine decay.",
    "During training, we sample examples uniformly and apply dropout with rate 0.1 to all hidden layers.",
)

RELATED_CLASSIC = {
    "image_classification": (
        "Neural architecture search produced strong classifiers, but at great cost: NASNet [7] was "
        "searched with 500 GPUs over 4 days, and an evolutionary search [9] ran on 450 K40 GPUs for 7 days.",
        "Deep residual networks [5] first pushed top-1 accuracy on ImageNet beyond 75%.",
    ),
    "object_detection": (
        "Two-stage detectors [4] are typically trained on 8 GPUs with 2 images per GPU for 12 epochs, "
        "and large transformer detectors [10] report training for 3 days on 64 V100 GPUs.",
        "Feature pyramids [6] raised COCO box AP to 36.2 for a ResNet-101 backbone.",
    ),
    "question_answering": (
        "Large pre-trained encoders [3] were trained on 16 Cloud TPU devices (64 TPU chips) for four days "
        "before fine-tuning, and few-shot language models [10] consumed about 3.1e23 FLOPs.",
        "Early attention readers [8] reached 77.3 F1 on SQuAD 1.1.",
    ),
    "named_entity_recognition": (
        "Contextual word embeddings [6] required two weeks of training on 3 GTX 1080 GPUs, while "
        "character language models [11] were trained for a week on a single GPU.",
        "BiLSTM-CRF taggers [4] achieved an F1 score of 90.9 on CoNLL-2003.",
    ),
    "machine_translation": (
        "Deep recurrent systems [11] were trained on 96 NVIDIA K80 GPUs for about a week, and the big "
        "self-attention model [9] took 3.5 days on 8 P100 GPUs; mixture-of-experts translators [10] "
        "report budgets of 12 petaflop/s-days.",
        "Convolutional sequence models [7] obtained 25.2 BLEU on WMT14 English-German.",
    ),
}

TRAPS = {
    "memory": "Each accelerator has {mem}GB of memory, which bounds the per-device batch size.",
    "per_chip_batch": "We use a batch of {batch} {unit} per {device} and synchronous updates.",
    "latency": "Inference latency is measured on a single T4 GPU with batch size 1; {model} needs "
               "{ms} ms per example, compared to {ms2} ms for the baseline.",
    "step_time": "One training iteration takes about {step} s including communication.",
    "preprocessing": "Data preprocessing and tokenisation ran on 32 CPU cores before training.",
}

BASELINES = {
    "image_classification": ("AlexNet-style CNN [12]", "VGG-style network [13]", "Wide residual net [14]"),
    "object_detection": ("Sliding-window DPM [12]", "Region CNN [13]", "Single-shot detector [14]"),
    "question_answering": ("Logistic regression [12]", "Match-LSTM [13]", "Attention reader [14]"),
    "named_entity_recognition": ("CRF with gazetteers [12]", "BiLSTM tagger [13]", "ID-CNN [14]"),
    "machine_translation": ("Phrase-based SMT [12]", "RNN encoder-decoder [13]", "ConvS2S-style [14]"),
}

DATASET_WORDS = {
    "WMT14 EN-DE": "WMT14 English-German", "WMT14 EN-FR": "WMT14 English-French",
}


def _fmt_value(value: float) -> str:
    return f"{value:.1f}"


# ---------------------------------------------------------------- own facts

def _setup_sentences(spec: PaperSpec, rng: random.Random) -> list[str]:
    """The paper's own hardware, time, throughput and compute statements."""
    out = list(spec.run_sentences)  # several own runs (standin.multirun): written as planned
    hw = spec.hardware.text if spec.hardware else None
    t = spec.time.text if spec.time else None
    if hw and t:
        if spec.time.label.get("kind") == "chip-hours":
            out.append(f"Training {spec.model} consumed {t} on {hw}.")
        else:
            template = rng.choice((
                "All models are trained on {hw} for {t}.",
                "Training {model} takes {t} on {hw}.",
                "Our largest configuration was trained with {hw}, which took {t}.",
                "We train using {hw}; the full schedule finishes in {t}.",
            ))
            out.append(template.format(hw=hw, t=t, model=spec.model))
    elif hw:
        out.append(f"All experiments use {hw}.")
    elif t:
        out.append(f"The full training budget was {t}.")
    if spec.extra_time:
        out.append(f"Fine-tuning on SQuAD then takes {spec.extra_time.text} on the same hardware.")
    if spec.throughput_text:
        out.append(f"For reference, {spec.throughput_text}.")
    if spec.compute_text:
        out.append(rng.choice((
            "In total, training the final model used {c}.",
            "We estimate the total training compute at {c}.",
        )).format(c=spec.compute_text))
    return out


def _result_sentences(spec: PaperSpec) -> list[str]:
    by = {(r.dataset, r.metric): r for r in spec.results}
    m = spec.model
    out = []
    if spec.task == "image_classification":
        top1, top5 = by.get(("ImageNet", "top-1 accuracy")), by.get(("ImageNet", "top-5 accuracy"))
        if spec.reports_error:
            s = f"{m} obtains a top-1 error of {100 - top1.value:.1f}% on the ImageNet validation set"
            s += f" and a top-5 error of {100 - top5.value:.1f}%." if top5 else "."
        else:
            s = f"{m} achieves {top1.value:.1f}% top-1 accuracy on ImageNet"
            s += f" and {top5.value:.1f}% top-5 accuracy." if top5 else "."
        out.append(s)
        if top1.ensemble:
            out.append(f"An ensemble of three {m} models reaches {top1.ensemble:.1f}% top-1 accuracy.")
    elif spec.task == "object_detection":
        ap, ap50 = by[("COCO", "AP")], by.get(("COCO", "AP50"))
        s = f"{m} reaches {ap.value:.1f} AP on COCO test-dev"
        s += f", with an AP50 of {ap50.value:.1f}." if ap50 else "."
        out.append(s)
        if ap.ensemble:
            out.append(f"With multi-scale testing the AP rises to {ap.ensemble:.1f}.")
    elif spec.task == "question_answering":
        f1, em, f2 = by[("SQuAD 1.1", "F1")], by.get(("SQuAD 1.1", "EM")), by.get(("SQuAD 2.0", "F1"))
        s = f"On SQuAD 1.1, {m} obtains {em.value:.1f} EM and {f1.value:.1f} F1" if em else \
            f"On SQuAD 1.1, {m} obtains {f1.value:.1f} F1"
        s += f"; on SQuAD 2.0 it reaches {f2.value:.1f} F1." if f2 else "."
        out.append(s)
        if f1.ensemble:
            out.append(f"An ensemble of five models improves SQuAD 1.1 F1 to {f1.ensemble:.1f}.")
    elif spec.task == "named_entity_recognition":
        f1 = by[("CoNLL-2003", "F1")]
        out.append(f"{m} achieves an F1 score of {f1.value:.1f} on the CoNLL-2003 English test set.")
        if f1.ensemble:
            out.append(f"Averaging five seeds' predictions yields {f1.ensemble:.1f} F1.")
    elif spec.task == "machine_translation":
        de, fr = by[("WMT14 EN-DE", "BLEU")], by.get(("WMT14 EN-FR", "BLEU"))
        s = f"{m} achieves {de.value:.1f} BLEU on the WMT 2014 English-to-German translation task"
        s += f" and {fr.value:.1f} BLEU on English-to-French." if fr else "."
        out.append(s)
        if de.ensemble:
            out.append(f"An ensemble of four checkpoints obtains {de.ensemble:.1f} BLEU on English-to-German.")
    return out


# ---------------------------------------------------------------- tables

def _table_columns(task: TaskProfile, spec: PaperSpec) -> list[tuple[str, str, str]]:
    """(dataset, metric, header) for each column the results table shows."""
    cols = []
    reported = {(r.dataset, r.metric) for r in spec.results}
    for b in task.benchmarks:
        if (b.dataset, b.metric) in reported:
            header = b.columns
            if task.key == "question_answering":
                header = f"{b.dataset} {b.metric}"
            if spec.reports_error:
                header = header.replace("Top-1", "Top-1 err.").replace("Top-5", "Top-5 err.")
            cols.append((b.dataset, b.metric, header))
    if task.key == "question_answering":  # tables list EM before F1 for each SQuAD version
        cols.sort(key=lambda c: (c[0], c[1] != "EM"))
    return cols


def _previous_papers(spec: PaperSpec) -> list[PaperSpec]:
    same = [p for p in paper_specs() if p.task == spec.task and p.results and p.published < spec.published]
    return sorted(same, key=lambda p: p.published)[-3:]


def _cell(value: float | None, as_error: bool) -> str:
    if value is None:
        return "–"
    return _fmt_value(100 - value if as_error else value)


def results_table(spec: PaperSpec, rng: random.Random, number: int) -> str:
    task = TASKS[spec.task]
    cols = _table_columns(task, spec)
    own = {(r.dataset, r.metric): r for r in spec.results}
    rows: list[tuple[str, list[float | None]]] = []
    previous = _previous_papers(spec)
    for name in BASELINES[task.key][: max(1, 3 - len(previous))]:
        gap = rng.uniform(3.0, 8.0)
        rows.append((name, [max(1.0, own[(d, mt)].value - gap * (1 + 0.3 * i)) for i, (d, mt, _) in enumerate(cols)]))
    for n, prev in enumerate(previous):
        theirs = {(r.dataset, r.metric): r.value for r in prev.results}
        rows.append((f"{prev.model} [{15 + n}]", [theirs.get((d, mt)) for d, mt, _ in cols]))
    rows.append((f"{spec.model} (ours)", [own[(d, mt)].value for d, mt, _ in cols]))
    ensemble = [own[(d, mt)].ensemble for d, mt, _ in cols]
    if any(v is not None for v in ensemble):
        rows.append((f"{spec.model} ensemble (ours)", ensemble))

    datasets = sorted({DATASET_WORDS.get(d, d) for d, _, _ in cols})
    caption = f"Table {number}: Comparison with prior work on {' and '.join(datasets)}"
    caption += {"image_classification": " (single-crop evaluation on the validation set).",
                "object_detection": " test-dev (single-scale testing unless noted).",
                "question_answering": " (development sets).",
                "named_entity_recognition": " (test set, mean of five runs).",
                "machine_translation": " newstest2014 (BLEU).",
                }[task.key]
    head = "".join(f"<th>{esc(h)}</th>" for _, _, h in cols)
    body = "".join(
        "<tr><td>{}</td>{}</tr>".format(esc(name), "".join(f"<td>{_cell(v, spec.reports_error)}</td>" for v in vals))
        for name, vals in rows)
    return (f"<p class='caption'>{esc(caption)}</p>"
            f"<table><tr><th>Method</th>{head}</tr>{body}</table>")


def ablation_table(spec: PaperSpec, rng: random.Random, number: int) -> str:
    """Own but non-headline numbers: weaker variants of the model (an extractor should take the best)."""
    r = spec.results[0]
    as_error = spec.reports_error
    rows = []
    for variant, drop in (("without the " + TASKS[spec.task].method_nouns[0], rng.uniform(1.0, 2.5)),
                          ("with half the depth", rng.uniform(0.4, 1.2))):
        rows.append(f"<tr><td>{esc(spec.model)} {esc(variant)}</td><td>{_cell(r.value - drop, as_error)}</td></tr>")
    rows.append(f"<tr><td>{esc(spec.model)} (full)</td><td>{_cell(r.value, as_error)}</td></tr>")
    metric = r.metric.replace("accuracy", "error") if as_error else r.metric
    return (f"<p class='caption'>Table {number}: Ablation of the main components "
            f"({esc(DATASET_WORDS.get(r.dataset, r.dataset))}, {esc(metric)}).</p>"
            f"<table><tr><th>Variant</th><th>{esc(metric)}</th></tr>{''.join(rows)}</table>")


# ---------------------------------------------------------------- sections

def abstract(spec: PaperSpec) -> str:
    rng = random.Random(f"abstract:{spec.seed}")
    if spec.task is None:
        return _distractor_abstract(spec)
    task = TASKS[spec.task]
    noun = task.method_nouns[spec.seed % len(task.method_nouns)]
    parts = [
        f"We present {spec.model}, a new model for {task.title.lower()} built around a {noun}.",
        _Deck(rng, GENERIC, task_lc=task.title.lower(), noun=noun).draw(2),
    ]
    datasets = sorted({DATASET_WORDS.get(r.dataset, r.dataset) for r in spec.results})
    parts.append(f"We evaluate on {' and '.join(datasets)}.")
    if spec.result_style != "table":
        parts.append(_result_sentences(spec)[0])
    parts.append("Code and trained models will be released.")
    return " ".join(parts)


def _distractor_abstract(spec: PaperSpec) -> str:
    if "cs.RO" in spec.categories:
        return ("We learn contact models for robotic grasp planning from simulated interactions. "
                "A lightweight network predicts grasp stability from depth images, and a planner uses "
                "it to rank candidate grasps. On a real robot the success rate improves by 14 points.")
    return ("We study stochastic mirror descent when gradient noise has only a finite p-th moment "
            "for some p in (1, 2]. We prove high-probability convergence rates that match known lower "
            "bounds up to logarithmic factors and show that clipping is unnecessary for this class.")


class _Deck:
    """Draws filler sentences without repeats until the pool is exhausted (then reshuffles)."""

    def __init__(self, rng: random.Random, pool: tuple[str, ...], **kw: str):
        self.rng, self.pool, self.kw, self.cards = rng, pool, kw, []

    def draw(self, n: int) -> str:
        out = []
        for _ in range(n):
            if not self.cards:
                self.cards = list(self.pool)
                self.rng.shuffle(self.cards)
            out.append(self.cards.pop().format(**self.kw))
        return " ".join(out)


def _related_work(spec: PaperSpec, task: TaskProfile, deck: _Deck) -> str:
    related = [RELATED_CLASSIC[task.key][0], RELATED_CLASSIC[task.key][1]]
    for n, prev in enumerate(_previous_papers(spec)[-2:]):
        r = prev.results[0]
        score = f"{r.value:.1f}% {r.metric}" if r.metric.startswith("top") else f"{r.value:.1f} {r.metric}"
        where = DATASET_WORDS.get(r.dataset, r.dataset)
        if prev.hardware and prev.time and prev.time.label.get("kind") == "wall":
            related.append(f"{prev.model} [{15 + n}] was trained for {prev.time.text} on {prev.hardware.text} "
                           f"and reported {score} on {where}.")
        else:
            related.append(f"{prev.model} [{15 + n}] reported {score} on {where} without describing "
                           f"its training cost.")
    related.append(deck.draw(2))
    return f"<p>{esc(' '.join(related))}</p>"


def sections(spec: PaperSpec) -> list[Section]:
    if spec.task is None:
        return _distractor_sections(spec)
    rng = random.Random(f"body:{spec.seed}")
    task = TASKS[spec.task]
    noun = task.method_nouns[spec.seed % len(task.method_nouns)]
    noun2 = task.method_nouns[(spec.seed + 1) % len(task.method_nouns)]
    kw = dict(task_lc=task.title.lower(), noun=noun)
    deck = _Deck(rng, GENERIC + DISCUSSION[task.key], **kw)
    out = []

    intro = [f"<p>{esc(deck.draw(4))}</p>", f"<p>{esc(deck.draw(4))}</p>",
             f"<p>In this paper we introduce {esc(spec.model)}. {esc(deck.draw(3))} "
             f"Our contributions are: (i) a {esc(noun)} that is cheap to train, (ii) an analysis of "
             f"its scaling behaviour, and (iii) strong results on standard {esc(task.title.lower())} "
             f"benchmarks.</p>"]
    out.append(Section("1 Introduction", "".join(intro)))
    out.append(Section("2 Related Work", _related_work(spec, task, deck)))
    method = _Deck(rng, METHOD, noun=noun, noun2=noun2).draw(4)
    out.append(Section("3 Method", f"<p>{esc(method)}</p><p>{esc(deck.draw(4))}</p><p>{esc(deck.draw(3))}</p>"))

    # Some papers keep hardware and training time in an appendix, as many real ones do.
    in_appendix = spec.role == "scaling" and spec.seed % 4 == 1
    own = _setup_sentences(spec, rng)
    epochs = rng.choice((30, 90, 100, 300))
    setup = [f"We train on {task.data_phrase}.",
             f"Optimisation uses AdamW with a peak learning rate of 0.{rng.randint(1, 9)}e-3 and weight "
             f"decay 0.05 for {spec.epochs or epochs} epochs."]
    setup += list(spec.operation_sentences)
    traps = _own_traps(spec, rng, task)
    setup.append(traps[0])
    setup += ["Hardware and training time are reported in Appendix A."] if in_appendix else own
    setup += traps[1:]
    experiments = f"<h3>4.1 Setup</h3><p>{esc(' '.join(setup))}</p><h3>4.2 Results</h3>"
    table_no = 1 + rng.randint(0, 2)
    if spec.result_style in ("text", "both"):
        experiments += f"<p>{esc(' '.join(_result_sentences(spec)))} {esc(deck.draw(2))}</p>"
    else:
        experiments += f"<p>Table {table_no} compares {esc(spec.model)} with prior work. {esc(deck.draw(2))}</p>"
    if spec.result_style in ("table", "both"):
        experiments += results_table(spec, rng, table_no)
    if spec.seed % 3 == 0:
        experiments += (f"<h3>4.3 Ablations</h3><p>{esc(deck.draw(2))}</p>"
                        + ablation_table(spec, rng, table_no + 1))
    out.append(Section("4 Experiments", experiments))
    out.append(Section("5 Discussion", f"<p>{esc(deck.draw(4))}</p><p>{esc(deck.draw(4))}</p>"))
    out.append(Section("6 Conclusion", f"<p>We presented {esc(spec.model)}. {esc(deck.draw(3))}</p>"))
    out.append(Section("References", references(spec, rng)))
    if in_appendix:
        out.append(Section("A Implementation Details",
                           f"<p>{esc(deck.draw(2))} {esc(' '.join(own))} {esc(deck.draw(3))}</p>"
                           f"<p>{esc(deck.draw(4))}</p>"))
    return out


def _own_traps(spec: PaperSpec, rng: random.Random, task: TaskProfile) -> list[str]:
    """Numbers near the setup that are not training hardware/time: at least two per paper."""
    device = "core" if spec.chip is not None and spec.chip.kind == "tpu" else "GPU"
    names = sorted(TRAPS)
    chosen = rng.sample(names, 2 + spec.seed % 2)
    values = dict(mem=spec.chip.memory_gb if spec.chip else 16, batch=rng.choice((8, 16, 32)),
                  unit=task.unit_phrase, device=device, model=spec.model, ms=rng.randint(9, 40),
                  ms2=rng.randint(41, 90), step=f"0.{rng.randint(2, 9)}{rng.randint(0, 9)}")
    return [TRAPS[name].format(**values) for name in chosen]


def references(spec: PaperSpec, rng: random.Random) -> str:
    rng_names = random.Random(f"refs:{spec.seed}")
    from standin.specs import FIRST_NAMES, LAST_NAMES
    venues = ("CVPR", "ICCV", "NeurIPS", "ICML", "ICLR", "ACL", "EMNLP", "NAACL", "TPAMI", "JMLR")
    items = []
    for n in range(1, 17):
        author = f"{rng_names.choice(FIRST_NAMES)[0]}. {rng_names.choice(LAST_NAMES)}"
        year = rng_names.randint(2008, max(2009, spec.published.year))
        items.append(f"[{n}] {author} et al. A study of {rng_names.choice(TASKS[spec.task].method_nouns)}s. "
                     f"In {rng_names.choice(venues)}, pages {rng_names.randint(100, 900)}-"
                     f"{rng_names.randint(901, 999)}, {year}.")
    return "".join(f"<p class='ref'>{esc(i)}</p>" for i in items)


def _distractor_sections(spec: PaperSpec) -> list[Section]:
    rng = random.Random(f"body:{spec.seed}")
    deck = _Deck(rng, GENERIC, task_lc="learning", noun="update rule")
    body = [Section("1 Introduction", f"<p>{esc(deck.draw(6))}</p>")]
    if spec.hardware and spec.time:
        body.append(Section("2 Experiments", f"<p>We train the contact network on {esc(spec.hardware.text)} "
                                             f"for {esc(spec.time.text)}. {esc(deck.draw(3))}</p>"))
    else:
        body.append(Section("2 Analysis", f"<p>Let F be convex and L-smooth. "
                                          f"{esc(deck.draw(5))}</p>"))
    body.append(Section("3 Conclusion", f"<p>{esc(deck.draw(3))}</p>"))
    return body
