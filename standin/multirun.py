"""Sample papers with several training runs: sizes, stages, other datasets and speed races (issue 13).

Each paper states more than one run of its own, and only one model (summing its stages) produced the
headline result. The traps, in our own wording:
  image classification  an ImageNet run of about 3 days beside an internal-corpus (JFT) run of over a
                        month; the ImageNet result belongs to the 3-day run
  question answering    base and large pretraining runs, a single-GPU fine-tuning run, and a time to
                        match an older reader's F1 (a race, not a training time); the large model's
                        result sums its pretraining and fine-tuning
  machine translation   a language-modelling run on other GPUs beside the translation runs, and a
                        base model's shorter run; the big model's BLEU belongs to its own run
`RunFact` is the generator's truth for one run; `PaperSpec.point_truth` lists, per result dataset,
the (stage, chip, count, hours) the paper's point must sum.
"""
from __future__ import annotations

import math
import random
from dataclasses import dataclass

from standin.hardware import CHIPS
from standin.tasks import TASKS


@dataclass(frozen=True)
class RunFact:
    stage: str  # pretraining | training | fine-tuning
    model: str
    chip: str | None  # None: the sentence names no hardware
    count: int | None
    hours: float
    headline: bool  # part of the run behind the headline result

    @property
    def compute(self) -> float:
        return (self.count or 0) * CHIPS[self.chip].peak_flops * self.hours * 3600 if self.chip else 0.0


@dataclass(frozen=True)
class MultiRunPlan:
    task: str
    year: int
    model: str  # the headline model, as the result sentences name it
    runs: tuple[RunFact, ...]
    sentences: tuple[str, ...]


PLANS = (
    MultiRunPlan(
        task="image_classification", year=2018, model="Quill-L",
        runs=(RunFact("training", "Quill-L", "V100", 32, 72.0, True),
              RunFact("training", "Quill-L", None, None, 840.0, False)),
        sentences=(
            "Every Quill-L model in the ImageNet experiments is trained on 32 NVIDIA V100 GPUs.",
            "We train each ImageNet model for roughly 3 days, whereas each of our JFT models trains for a "
            "little over five weeks.",
        )),
    MultiRunPlan(
        task="question_answering", year=2019, model="Wren-large",
        runs=(RunFact("pretraining", "Wren-large", "TPU v3", 16, 48.0, True),
              RunFact("pretraining", "Wren-base", "TPU v3", 4, 24.0, False),
              RunFact("fine-tuning", "Wren-large", "V100", 1, 3.0, True)),
        sentences=(
            "Pre-training Wren-large took 2 days on 16 TPU v3 chips.",
            "Pre-training Wren-base took 1 day on 4 TPU v3 chips.",
            "Fine-tuning Wren-large on SQuAD 1.1 then takes 3 hours on a single V100 GPU.",
            "Wren-large also matches the F1 of an older recurrent reader within 40 minutes of fine-tuning.",
        )),
    MultiRunPlan(
        task="machine_translation", year=2017, model="Ibis-big",
        runs=(RunFact("training", "Ibis-big", "P100", 8, 96.0, True),
              RunFact("training", "Ibis-base", "P100", 8, 20.0, False),
              RunFact("training", "Ibis-LM", "K80", 16, 15.0, False)),
        sentences=(
            "For translation, Ibis-big trains for 4 days on 8 P100 GPUs.",
            "Ibis-base needs 20 hours on 8 P100 GPUs.",
            "On the billion-word language modelling benchmark, Ibis-LM trains in 15 hours on 16 K80 GPUs.",
        )),
)


def headline_compute(plan: MultiRunPlan) -> float:
    """The generator's compute of the headline model: its stages summed, as the study does."""
    return sum(run.compute for run in plan.runs if run.headline)


def hardware_labels(plan: MultiRunPlan) -> list[dict]:
    """Every distinct own set-up (the scorer's labels), TPUs counted in chips as the text says."""
    seen, out = set(), []
    for run in plan.runs:
        if run.chip and (run.chip, run.count) not in seen:
            seen.add((run.chip, run.count))
            out.append({"chip": run.chip, "count": run.count, "unit": "chips"})
    return out


def time_labels(plan: MultiRunPlan) -> list[dict]:
    return [{"hours": run.hours, "kind": "wall"} for run in plan.runs]


def point_truth(plan: MultiRunPlan) -> list[tuple[str, str, int, float]]:
    """(stage, chip, count, hours) of the headline model's stages, in stage order."""
    order = {"pretraining": 0, "training": 1, "fine-tuning": 2}
    return [(r.stage, r.chip, r.count, r.hours) for r in sorted(
        (r for r in plan.runs if r.headline), key=lambda r: order[r.stage])]


def error_for(plan: MultiRunPlan, rng: random.Random) -> float:
    """The task's power law at the headline model's compute (with a little noise)."""
    task = TASKS[plan.task]
    return task.base_error * (headline_compute(plan) / 10 ** task.log10_compute[0]) ** (-1 / task.k) * math.exp(
        rng.gauss(0, 0.02))
