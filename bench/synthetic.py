"""A large synthetic benchmark corpus: distinct variants of the bundled sample papers, cached on disk.

The sample corpus has only 42 papers; a throughput figure needs ~1,000 distinct files so that caches
inside the extractors (per-text memoisation, repeated sentences) cannot flatter the result. Each
variant keeps its sample paper's task, hardware and training-time phrasing but gets a new arXiv id,
a new prose seed (which paragraphs are drawn, appendix or not, ablation table or not), jittered
result values, and a random layout (one or two columns, results in text, a table or both).

Variants are a pure function of (GENERATOR_VERSION, index), so a cache built once is valid for
every later run; `ensure_corpus` only renders files that are missing.
"""
from __future__ import annotations

import dataclasses
import json
import os
import random
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from standin.corpus import SamplePaper, build_pdf, sample_papers
from standin.specs import Result

GENERATOR_VERSION = 2  # bump when variant() changes, so old caches are not mistaken for new ones
# Numbers 60000-89999 in month 99: never real arXiv ids, and sample papers use first digits 1-5 and 9.
FIRST_NUMBER, LAST_NUMBER = 60_000, 89_999


def variant(index: int, base: list[SamplePaper] | None = None) -> SamplePaper:
    """The index-th benchmark paper: a reshuffled copy of sample paper index % len(base)."""
    if not 0 <= index <= LAST_NUMBER - FIRST_NUMBER:
        raise ValueError(f"variant index {index} outside 0..{LAST_NUMBER - FIRST_NUMBER}")
    papers = base if base is not None else sample_papers()
    paper = papers[index % len(papers)]
    rng = random.Random(f"bench-variant:{GENERATOR_VERSION}:{index}")
    arxiv_id = f"{paper.published.year % 100:02d}99.{FIRST_NUMBER + index:05d}"
    spec = paper.spec
    changes: dict = dict(arxiv_id=arxiv_id, version=1, seed=rng.randrange(1_000_000),
                         two_column=rng.random() < 0.5)
    if spec.results:
        changes["results"] = [_jitter(r, rng) for r in spec.results]
        changes["result_style"] = rng.choice(("text", "table", "both"))
    new_spec = dataclasses.replace(spec, **changes)
    return dataclasses.replace(paper, arxiv_id=arxiv_id, version=1, updated=paper.published,
                               spec=new_spec, labels=new_spec.labels)


def _jitter(result: Result, rng: random.Random) -> Result:
    """Move a score by up to half a point, staying a plausible percentage."""
    def move(value: float) -> float:
        return round(min(99.5, max(0.5, value + rng.uniform(-0.5, 0.5))), 2)

    return dataclasses.replace(result, value=move(result.value),
                               ensemble=None if result.ensemble is None else move(result.ensemble))


def _render(index: int, path: str) -> None:
    target = Path(path)
    tmp = target.with_suffix(f".{os.getpid()}.tmp")  # two runs filling one cache never share a temp file
    tmp.write_bytes(build_pdf(variant(index)))
    tmp.replace(target)  # a run interrupted mid-write never leaves a truncated PDF behind


def corpus_dir(cache_root: Path) -> Path:
    return cache_root / f"synthetic-v{GENERATOR_VERSION}"


def ensure_corpus(cache_root: Path, count: int, *, workers: int = 2) -> list[Path]:
    """Paths of the first `count` benchmark PDFs under cache_root, rendering any that are missing.

    Rendering runs in `workers` processes; a manifest records the ids so a reader can map files to
    labels (variant(i).labels)."""
    folder = corpus_dir(cache_root)
    folder.mkdir(parents=True, exist_ok=True)
    base = sample_papers()
    papers = [variant(i, base) for i in range(count)]
    paths = [folder / p.pdf_filename for p in papers]
    missing = [(i, str(path)) for i, path in enumerate(paths) if not path.is_file()]
    if missing:
        if workers > 1 and len(missing) > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                list(pool.map(_render, *zip(*missing), chunksize=16))
        else:
            for index, path in missing:
                _render(index, path)
    manifest = folder / "manifest.json"
    known = json.loads(manifest.read_text()) if manifest.is_file() else {}
    if len(known.get("papers", [])) < count:
        manifest.write_text(json.dumps({"generator_version": GENERATOR_VERSION,
                                        "papers": [p.arxiv_id for p in papers]}, indent=0))
    return paths
