"""Training-set catalog: how many examples one epoch covers (data and sources in datasets.yaml).

The operation count multiplies forward FLOPs by epochs and by the training-set size; papers name the
set ("trained on ImageNet") far more often than they count it, so the size comes from here unless the
paper states its own (extractors/operations.py reads that, and it wins).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CATALOG_PATH = Path(__file__).with_name("datasets.yaml")


@dataclass(frozen=True)
class TrainingSet:
    name: str
    examples: int  # examples in one epoch (images, sentence pairs, questions, sentences)
    unit: str
    task: str
    source: str
    aliases: tuple[str, ...]
    study: int | None = None  # the rounded figure Thompson et al. entered, where it differs


@lru_cache(maxsize=1)
def catalog() -> tuple[TrainingSet, ...]:
    data = yaml.safe_load(CATALOG_PATH.read_text(encoding="utf-8"))
    out = []
    for item in data["datasets"]:
        if not item.get("source"):
            raise ValueError(f"datasets.yaml: {item.get('name')} has no source")
        out.append(TrainingSet(name=item["name"], examples=int(item["examples"]), unit=item["unit"],
                               task=item["task"], source=item["source"],
                               aliases=tuple(dict.fromkeys([item["name"], *item.get("aliases", [])])),
                               study=item.get("study")))
    return tuple(out)


@lru_cache(maxsize=1)
def _alias_pattern() -> tuple[re.Pattern[str], dict[str, TrainingSet]]:
    by_alias: dict[str, TrainingSet] = {}
    for entry in catalog():
        for alias in entry.aliases:
            by_alias.setdefault(alias.lower(), entry)
    # Longest first, so "ImageNet-21k" is not read as "ImageNet" followed by "-21k".
    alternatives = sorted(by_alias, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(a) for a in alternatives) + r")(?![\w+]|-\w)",
                         re.IGNORECASE)
    return pattern, by_alias


def lookup(name: str) -> TrainingSet | None:
    """The catalog entry for a name or alias (case-insensitive), or None."""
    return _alias_pattern()[1].get(name.strip().lower())


def find_training_sets(text: str) -> list[tuple[re.Match[str], TrainingSet]]:
    """Every catalogued training set named in `text`, with the match (its span is the evidence)."""
    pattern, by_alias = _alias_pattern()
    return [(m, by_alias[m.group(0).lower()]) for m in pattern.finditer(text)]


def keywords() -> tuple[str, ...]:
    """Lower-case substrings one of which every alias contains (for the sentence prefilter)."""
    return ("imagenet", "ilsvrc", "jft", "coco", "train2017", "trainval", "squad", "wmt", "conll", "cifar")
