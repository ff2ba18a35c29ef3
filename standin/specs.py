"""Deterministic generation of the sample papers' facts: ids, dates, hardware, time, compute, results.

`paper_specs()` decides every number; `standin.prose` turns a spec into text and `standin.corpus`
into labels and PDFs, so the labels can never drift from what the text says.

Per task: 7 "scaling" papers state hardware + training time + results, with error following the
task's power law in compute (tasks.py), plus one extra paper that is a negative control (no
hardware), a generic-"GPU" paper, a chip-hours-only paper or a stated-compute-only paper, plus
OPERATIONS_PAPERS_PER_TASK "operations_only" papers that name no hardware and no time but state the
study's operation-count inputs: forward FLOPs + epochs + the training set (vision tasks), parameters +
training tokens (question answering, named entities) or Mult-Adds + steps x batch (translation), chosen
so that the count (forward x 3 x examples, or 6 x parameters x tokens) is OPERATIONS_SHARE x the paper's
compute on the task's power law. Four scaling papers per task (BOTH_MEASURES) state these inputs as
well, so both of the study's measures can be fitted. Two off-task distractors test category and term
filtering.
"""
from __future__ import annotations

import math
import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import lru_cache

from standin.hardware import CHIPS, Chip, chips_for_year
from standin.phrasing import (
    COMPUTE_STYLES,
    HARDWARE_STYLES,
    HardwarePhrase,
    TimePhrase,
    compute_phrase,
    hardware_phrase,
    throughput_phrase,
    time_phrase,
    time_styles_for,
)
from standin.tasks import ADJECTIVES, TASKS, TaskProfile

SCALING_PAPERS_PER_TASK = 7
OPERATIONS_PAPERS_PER_TASK = 2
NOISE_SIGMA = 0.04  # multiplicative noise on the error (about 4%)
DGX_CHIPS = ("P100", "V100", "A100", "H100")  # chips sold in DGX nodes
# A few fixed set-ups so the corpus always contains large clusters and the classic phrasings
# ("512 TPU v3 chips", "8 servers (64 GPUs)", "4x A100", "a single Titan X").
SHOWCASE_HARDWARE = {
    ("image_classification", 6): ("TPU v3", "tpu_chips", 512),
    ("object_detection", 5): ("V100", "servers", 64),
    ("question_answering", 6): ("H100", "digits", 64),
    ("named_entity_recognition", 1): ("TITAN X", "single", 1),
    ("named_entity_recognition", 3): ("V100", "digits", 8),
    ("machine_translation", 4): ("A100", "times", 4),
}

FIRST_NAMES = ("Ada", "Bram", "Chiara", "Dev", "Elif", "Farid", "Greta", "Hiro", "Ines", "Jonas",
               "Kavya", "Lukas", "Mei", "Nadia", "Omar", "Priya", "Quentin", "Rosa", "Sven", "Tariq",
               "Uma", "Viktor", "Wen", "Yara", "Zoltan")
LAST_NAMES = ("Achterberg", "Bianchi", "Castellano", "Dimitrov", "Eriksen", "Fujimoto", "Garnier",
              "Haddad", "Ivanova", "Jaramillo", "Kowalczyk", "Lindqvist", "Moreau", "Nakagawa",
              "Okonkwo", "Petrov", "Quintero", "Rasmussen", "Sandoval", "Takahashi", "Umarov",
              "Valdivia", "Whitfield", "Xenakis", "Yilmaz", "Zielinski")


@dataclass(frozen=True)
class Result:
    dataset: str
    metric: str
    value: float
    ensemble: float | None = None  # a second headline value (ensemble row), also acceptable


@dataclass
class PaperSpec:
    arxiv_id: str
    version: int
    task: str | None
    role: str  # scaling | negative | generic_gpu | chip_hours_only | compute_only | operations_only | distractor | multi_run
    published: datetime
    updated: datetime
    title: str
    authors: list[str]
    categories: list[str]
    model: str
    hardware: HardwarePhrase | None = None
    chip: Chip | None = None
    time: TimePhrase | None = None
    extra_time: TimePhrase | None = None  # a second own training run (fine-tuning)
    compute_text: str | None = None
    stated_flops: float | None = None
    throughput_text: str | None = None
    throughput_label: dict | None = None
    results: list[Result] = field(default_factory=list)
    reports_error: bool = False  # ImageNet numbers written as top-k error
    result_style: str = "text"  # text | table | both
    two_column: bool = False
    ligatures: bool = False
    hardware_compute: float | None = None  # chips x peak x wall hours x 3600, the generator's truth
    traps: tuple[str, ...] = ()
    seed: int = 0
    # operations_only papers: the sentences stating the operation-count inputs, their values (labels
    # for the operations extractor) and the count they give (the generator's truth, in FLOPs).
    operation_sentences: tuple[str, ...] = ()
    operation_labels: dict = field(default_factory=dict)
    operations: float | None = None
    epochs: int | None = None
    # Papers with several own runs (standin.multirun): the setup sentences, and per stage of the headline
    # model the (stage, chip, count, hours) its point must sum.
    run_plan: object | None = None
    run_sentences: tuple[str, ...] = ()
    point_truth: tuple[tuple[str, str, int, float], ...] = ()

    @property
    def primary_category(self) -> str:
        return self.categories[0]

    @property
    def labels(self) -> dict:
        """Ground truth in the scorer's format (see shared/eval/score.py)."""
        hardware = [dict(self.hardware.label)] if self.hardware else []
        times = [dict(t.label) for t in (self.time, self.extra_time) if t is not None]
        if self.run_plan is not None:
            from standin.multirun import hardware_labels, time_labels
            hardware, times = hardware_labels(self.run_plan), time_labels(self.run_plan)
        results = []
        for r in self.results:
            metric = r.metric.replace("accuracy", "error") if self.reports_error else r.metric
            value = round(100 - r.value, 2) if self.reports_error else r.value
            item = {"dataset": r.dataset, "metric": metric, "value": value}
            if r.ensemble is not None:
                ens = round(100 - r.ensemble, 2) if self.reports_error else r.ensemble
                item["values"] = [value, ens]
                item["value"] = max(value, ens) if not self.reports_error else min(value, ens)
            results.append(item)
        compute = [{"flops": self.stated_flops}] if self.stated_flops else []
        labels = {"arxiv_id": self.arxiv_id, "hardware": hardware, "training_time": times,
                  "results": results, "stated_compute": compute}
        if self.throughput_label:
            labels["throughput"] = [dict(self.throughput_label)]  # not scored; extractors report it
        for name, items in self.operation_labels.items():  # not scored by score.py; bench/score_operations.py
            labels[name] = [dict(item) for item in items]
        return labels


def _fake_id(task: TaskProfile, index: int, year: int) -> str:
    """Month 99 never exists, so these ids cannot clash with real arXiv papers."""
    yy = year % 100
    if year < 2015:  # arXiv used four-digit numbers before 2015
        return f"{yy:02d}99.{task.id_prefix}{index:03d}"
    return f"{yy:02d}99.{task.id_prefix}{index:04d}"


def _date(rng: random.Random, year: int) -> datetime:
    start = datetime(year, 1, 1, tzinfo=timezone.utc)
    return start + timedelta(days=rng.randrange(0, 360), hours=rng.randrange(0, 24),
                             minutes=rng.randrange(0, 60), seconds=rng.randrange(0, 60))


def _authors(rng: random.Random) -> list[str]:
    n = rng.randint(2, 6)
    return [f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" for _ in range(n)]


def _pick_least_used(options: list[str], usage: Counter, rng: random.Random) -> str:
    least = min(usage[o] for o in options)
    choice = rng.choice(sorted(o for o in options if usage[o] == least))
    usage[choice] += 1
    return choice


def _nearest_count(counts: tuple[int, ...], ideal: float) -> int:
    return min(counts, key=lambda n: abs(math.log(n) - math.log(max(ideal, 1e-9))))


def _results_for(task: TaskProfile, error: float, year: int, rng: random.Random, index: int) -> list[Result]:
    out = []
    for n, bench in enumerate(task.benchmarks):
        if year < bench.first_year:
            continue
        if bench.optional and (index + n) % 4 == 0:
            continue
        err = error * bench.error_factor * math.exp(rng.gauss(0, 0.01))
        out.append(Result(bench.dataset, bench.metric, round(100 - err, 1)))
    return out


class _Usage:
    """Global style counters so the corpus covers every phrasing at least once."""

    def __init__(self) -> None:
        self.hardware: Counter = Counter()
        self.time: Counter = Counter()
        self.compute: Counter = Counter()


def _pick_hardware(chip: Chip, log_target: float, year: int, rng: random.Random,
                   usage: _Usage) -> tuple[str, int]:
    """A phrasing style and chip count that reach the target compute in a plausible time."""
    # Later papers train on bigger clusters for shorter times, as the field did.
    short, long = (5, 500) if year < 2019 else (2, 100)
    preferred_hours = 10 ** rng.uniform(math.log10(short), math.log10(long))
    ideal = 10 ** log_target / (chip.peak_flops * preferred_hours * 3600)

    def hours_with(style: str) -> float:
        count = _nearest_count(HARDWARE_STYLES[style][1], ideal)
        return 10 ** log_target / (count * chip.peak_flops * 3600)

    suitable = [s for s, (kinds, _) in HARDWARE_STYLES.items()
                if chip.kind in kinds and (s != "dgx" or chip.name in DGX_CHIPS)]
    # Keep training times plausible (2 hours to 4 weeks) whichever phrasing is chosen.
    styles = [s for s in suitable if 2 <= hours_with(s) <= 700]
    if not styles:
        styles = [min(suitable, key=lambda s: abs(math.log(hours_with(s) / preferred_hours)))]
    style = _pick_least_used(styles, usage.hardware, rng)
    return style, _nearest_count(HARDWARE_STYLES[style][1], ideal)


def _scaling_paper(task: TaskProfile, index: int, rng: random.Random, usage: _Usage) -> PaperSpec:
    lo, hi = task.log10_compute
    frac = index / (SCALING_PAPERS_PER_TASK - 1)
    log_target = lo + (hi - lo) * frac + rng.uniform(-0.12, 0.12)
    y0, y1 = task.years
    year = min(y1, max(y0, round(y0 + (y1 - y0) * frac + rng.uniform(-0.4, 0.4))))
    candidates = chips_for_year(year)
    chip = CHIPS[candidates[index % len(candidates)]]
    if (task.key, index) in SHOWCASE_HARDWARE:
        name, style, count = SHOWCASE_HARDWARE[(task.key, index)]
        chip = CHIPS[name]
        usage.hardware[style] += 1
    else:
        style, count = _pick_hardware(chip, log_target, year, rng, usage)
    hw = hardware_phrase(style, chip, count)
    hours = 10 ** log_target / (count * chip.peak_flops * 3600)

    time_options = time_styles_for(hours)
    if count > 1 and chip.kind == "gpu" and count * hours >= 100 and usage.time["chip_hours"] < 2:
        time_options.append("chip_hours")
    tstyle = _pick_least_used(time_options, usage.time, rng)
    tp = time_phrase(tstyle, hours, count, "GPU")
    compute = count * chip.peak_flops * tp.wall_hours * 3600

    spec = _base_spec(task, index, year, rng, role="scaling")
    spec.hardware, spec.chip, spec.time = hw, chip, tp
    spec.hardware_compute = compute
    if index in ((3, 6) if task.id_prefix % 2 else (4, 5)):
        cstyle = _pick_least_used(list(COMPUTE_STYLES), usage.compute, rng)
        spec.compute_text, spec.stated_flops = compute_phrase(cstyle, compute * rng.uniform(0.3, 0.55))
    if index in (2, 5):
        spec.throughput_text, spec.throughput_label = throughput_phrase(chip, task.id_prefix + index)
    if task.key == "question_answering" and index == 4:
        spec.extra_time = time_phrase("hours", 2.0, count, "GPU")  # fine-tuning run on SQuAD
    if task.key == "image_classification" and index in (1, 4):
        spec.reports_error = True
    return spec


def _orthogonal_noise(log_compute: list[float], rng: random.Random) -> list[float]:
    """Gaussian noise with its least-squares trend on log-compute removed.

    The draws stay random-looking, but they cannot tilt the fitted slope: with only seven papers
    per task an unlucky draw would otherwise move the task's k far from the one it was built with.
    """
    eps = [rng.gauss(0, NOISE_SIGMA) for _ in log_compute]
    n = len(eps)
    mx, me = sum(log_compute) / n, sum(eps) / n
    sxx = sum((x - mx) ** 2 for x in log_compute)
    slope = sum((x - mx) * (e - me) for x, e in zip(log_compute, eps)) / sxx
    return [e - me - slope * (x - mx) for x, e in zip(log_compute, eps)]


def _add_scaling_results(task: TaskProfile, specs: list[PaperSpec], rng: random.Random) -> None:
    lo = task.log10_compute[0]
    log_compute = [math.log10(s.hardware_compute) for s in specs]
    for index, (spec, noise) in enumerate(zip(specs, _orthogonal_noise(log_compute, rng))):
        error = task.base_error * (spec.hardware_compute / 10 ** lo) ** (-1 / task.k) * math.exp(noise)
        spec.results = _results_for(task, error, spec.published.year, rng, index)
        if index == 5:  # single model and ensemble are both headline numbers
            first = spec.results[0]
            spec.results[0] = Result(first.dataset, first.metric, first.value,
                                     ensemble=round(first.value + 0.4 + 0.1 * task.id_prefix, 1))


def _base_spec(task: TaskProfile, index: int, year: int, rng: random.Random, role: str) -> PaperSpec:
    published = _date(rng, year)
    version = 1
    if (index + task.id_prefix) % 5 == 0:
        version = 2
    if task.id_prefix == 3 and index == 1:
        version = 3
    updated = published + timedelta(days=47 * (version - 1), hours=5 * (version - 1))
    arxiv_id = _fake_id(task, index, year)
    if task.key == "named_entity_recognition" and index == 0:
        arxiv_id = f"cs/9913{task.id_prefix}{index:02d}"  # one old-style identifier (month 13: fake)
    model = task.model_stems[index % len(task.model_stems)] + task.model_suffix
    title = task.title_patterns[index % len(task.title_patterns)].format(
        model=model, adj=ADJECTIVES[(index * 5 + task.id_prefix) % len(ADJECTIVES)])
    categories = list(task.categories)
    if len(categories) > 1 and index % 3 == 2:
        categories = [categories[1], categories[0]]  # some cross-listed papers have cs.LG primary
    if index % 4 == 1:
        categories.append("stat.ML")
    return PaperSpec(
        arxiv_id=arxiv_id, version=version, task=task.key, role=role, published=published,
        updated=updated, title=title, authors=_authors(rng), categories=categories, model=model,
        result_style=("text", "table", "both")[(index + task.id_prefix) % 3],
        two_column=(index + task.id_prefix) % 2 == 0,
        ligatures=(index + task.id_prefix) % 3 == 1,
        seed=task.id_prefix * 100 + index,
    )


EXTRA_ROLES = {
    "image_classification": "negative",
    "object_detection": "generic_gpu",
    "question_answering": "negative",
    "named_entity_recognition": "chip_hours_only",
    "machine_translation": "compute_only",
}


def _extra_paper(task: TaskProfile, rng: random.Random) -> PaperSpec:
    index = SCALING_PAPERS_PER_TASK
    role = EXTRA_ROLES[task.key]
    year = rng.randint(task.years[0] + 1, task.years[1] - 1)
    lo, hi = task.log10_compute
    compute = 10 ** rng.uniform(lo + 0.5, hi - 0.5)
    error = task.base_error * (compute / 10 ** lo) ** (-1 / task.k) * math.exp(rng.gauss(0, NOISE_SIGMA))
    spec = _base_spec(task, index, year, rng, role=role)
    spec.results = _results_for(task, error, year, rng, index)
    if role == "generic_gpu":
        spec.hardware = HardwarePhrase("eight GPUs", {"chip": "GPU", "count": 8, "unit": "chips"}, 8)
        spec.time = time_phrase("word_days", 48.0, 8, "GPU")
    elif role == "chip_hours_only":
        spec.time = TimePhrase("2.5 GPU days", {"hours": 60.0, "kind": "chip-hours"}, 60.0)
    elif role == "compute_only":
        spec.compute_text, spec.stated_flops = compute_phrase("pfs_days", compute)
    return spec


# Examples in one epoch of each task's training set, as tasks.py's data_phrase states them.
TRAINING_EXAMPLES = {"image_classification": 1.28e6, "object_detection": 118e3, "question_answering": 87e3,
                     "named_entity_recognition": 14e3, "machine_translation": 4.5e6}


def _two_figures(value: float) -> float:
    return float(f"{value:.2g}")


def _amount(value: float) -> str:
    """'550M', '2.8 billion': the two ways papers write large counts."""
    return f"{value / 1e9:g} billion" if value >= 1e9 else f"{value / 1e6:g}M"


# Operations a run performs, as a share of its hardware's peak capacity (chips x peak x time): the
# operation count of a paper is OPERATIONS_SHARE x its (hardware-equivalent) compute, so both measures
# agree within the disagreement factor and one power law holds for each.
OPERATIONS_SHARE = 0.5
# Scaling papers that also state the operation-count inputs (both measures, as many real papers do).
BOTH_MEASURES = (0, 2, 4, 6)


def _state_operations(task: TaskProfile, spec: PaperSpec, operations: float, rng: random.Random) -> None:
    """The sentences and labels of the operation count's inputs, chosen to give `operations`."""
    m = spec.model
    if task.key in ("image_classification", "object_detection"):
        epochs = rng.choice((90, 100, 120, 300))
        examples = TRAINING_EXAMPLES[task.key]
        forward = _two_figures(operations / (3 * epochs * examples))
        spec.operation_sentences = (f"{m} needs {forward / 1e9:g} GFLOPs per image in a single forward pass.",)
        spec.epochs = epochs
        spec.operations = forward * 3 * epochs * examples
        spec.operation_labels = {"forward_flops": [{"flops": forward, "kind": "flops"}],
                                 "epochs": [{"epochs": float(epochs)}]}
    elif task.key == "machine_translation":
        steps, batch = rng.choice((100_000, 200_000, 300_000)), rng.choice((2048, 4096))
        madds = _two_figures(operations / (2 * 3 * steps * batch))
        spec.operation_sentences = (
            f"One forward pass of {m} costs {_amount(madds)} Mult-Adds per sentence pair.",
            f"We train {m} for {steps // 1000}k steps with a batch size of {batch} sentence pairs.")
        spec.operations = 2 * madds * 3 * steps * batch
        spec.operation_labels = {"forward_flops": [{"flops": madds, "kind": "multiadds"}],
                                 "steps": [{"steps": float(steps), "batch_size": float(batch)}]}
    else:
        # About 20 tokens per parameter (compute-optimal language models), with some spread.
        params = _two_figures(math.sqrt(operations / (6 * 20 * rng.uniform(0.5, 2.0))))
        tokens = _two_figures(operations / (6 * params))
        spec.operation_sentences = (
            f"{m} has {_amount(params)} parameters.",
            f"Before fine-tuning, we pre-train it on {tokens / 1e9:g}B tokens of unlabeled text.")
        spec.operations = 6 * params * tokens
        spec.operation_labels = {"parameters": [{"parameters": params}], "training_tokens": [{"tokens": tokens}]}


def _operations_paper(task: TaskProfile, index: int, rng: random.Random) -> PaperSpec:
    """A paper with results but no hardware or time: only the operation count's inputs."""
    year = rng.randint(task.years[0] + 1, task.years[1])
    lo, hi = task.log10_compute
    target = 10 ** rng.uniform(lo + 0.3, hi - 0.3)
    spec = _base_spec(task, index, year, rng, role="operations_only")
    _state_operations(task, spec, OPERATIONS_SHARE * target, rng)
    compute = spec.operations / OPERATIONS_SHARE  # hardware-equivalent compute: where it sits on the power law
    error = task.base_error * (compute / 10 ** lo) ** (-1 / task.k) * math.exp(rng.gauss(0, NOISE_SIGMA))
    spec.results = _results_for(task, error, year, rng, index)
    return spec


# After the scaling papers, the extra paper and the operations-only papers of each task.
MULTI_RUN_INDEX = SCALING_PAPERS_PER_TASK + 1 + OPERATIONS_PAPERS_PER_TASK


def _multi_run_paper(plan) -> PaperSpec:
    """A paper with several own runs (sizes, stages, another corpus, a speed race): standin.multirun."""
    from standin.multirun import error_for, headline_compute, point_truth

    task = TASKS[plan.task]
    rng = random.Random(f"standin-corpus:multirun:{plan.task}")
    spec = _base_spec(task, MULTI_RUN_INDEX, plan.year, rng, role="multi_run")
    spec.model = plan.model
    main = max((r for r in plan.runs if r.headline and r.chip), key=lambda r: r.compute)
    spec.chip = CHIPS[main.chip]
    spec.run_plan, spec.run_sentences, spec.point_truth = plan, plan.sentences, tuple(point_truth(plan))
    spec.hardware_compute = headline_compute(plan)
    spec.results = _results_for(task, error_for(plan, rng), plan.year, rng, MULTI_RUN_INDEX)
    spec.result_style = "text"
    return spec


def _distractors(rng: random.Random) -> list[PaperSpec]:
    """Off-task papers: a robotics paper with hardware, a theory paper with none."""
    robot_year, theory_year = 2019, 2016
    robot = PaperSpec(
        arxiv_id="1999.90001", version=1, task=None, role="distractor",
        published=_date(rng, robot_year), updated=datetime(1, 1, 1, tzinfo=timezone.utc),
        title="Grasp Planning with Learned Contact Models", authors=_authors(rng),
        categories=["cs.RO", "cs.LG"], model="GraspNet-C", seed=901)
    robot.updated = robot.published
    v100 = CHIPS["V100"]
    robot.hardware, robot.chip = hardware_phrase("digits", v100, 4), v100
    robot.time = time_phrase("hours", 10.0, 4, "GPU")
    theory = PaperSpec(
        arxiv_id="1699.90002", version=2, task=None, role="distractor",
        published=_date(rng, theory_year), updated=datetime(1, 1, 1, tzinfo=timezone.utc),
        title="Convergence of Stochastic Mirror Descent under Heavy-Tailed Noise",
        authors=_authors(rng), categories=["math.OC", "stat.ML"], model="", seed=902)
    theory.updated = theory.published + timedelta(days=120)
    return [robot, theory]


@lru_cache(maxsize=1)
def _all_specs() -> tuple[PaperSpec, ...]:
    usage = _Usage()
    specs: list[PaperSpec] = []
    for task in TASKS.values():
        rng = random.Random(f"standin-corpus:{task.key}")
        scaling = [_scaling_paper(task, index, rng, usage) for index in range(SCALING_PAPERS_PER_TASK)]
        _add_scaling_results(task, scaling, rng)
        specs.extend(scaling)
        specs.append(_extra_paper(task, rng))
        ops_rng = random.Random(f"standin-corpus:operations:{task.key}")  # the other papers stay as they were
        for index in BOTH_MEASURES:
            _state_operations(task, scaling[index], OPERATIONS_SHARE * scaling[index].hardware_compute, ops_rng)
        specs.extend(_operations_paper(task, SCALING_PAPERS_PER_TASK + 1 + i, ops_rng)
                     for i in range(OPERATIONS_PAPERS_PER_TASK))
    specs.extend(_distractors(random.Random("standin-corpus:distractors")))
    from standin.multirun import PLANS
    specs.extend(_multi_run_paper(plan) for plan in PLANS)  # last, so the earlier papers keep their order
    return tuple(specs)


def paper_specs() -> list[PaperSpec]:
    return list(_all_specs())
