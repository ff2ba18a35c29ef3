"""The bundled synthetic sample corpus: paper metadata, gold labels and PDFs.

    papers = sample_papers()          # 52 SamplePaper, 10 per task + 2 off-task distractors
    pdf = build_pdf(papers[0])        # deterministic bytes
    write_corpus("data/sample")       # <id>v<version>.pdf files ("cs/9913400" -> "cs_9913400v1.pdf")
    write_labels_jsonl("gold.jsonl")  # labels in ../shared/eval/score.py's format

All text is generated (standin.prose); the numbers come from standin.specs, where each task's error
follows a power law in training compute so the analysis has something real to find.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from standin.prose import abstract
from standin.specs import PaperSpec, paper_specs


@dataclass(frozen=True)
class SamplePaper:
    arxiv_id: str  # without version, e.g. "2499.10006" or "cs/9913400"
    version: int
    title: str
    authors: list[str]
    abstract: str
    categories: list[str]
    primary_category: str
    published: datetime  # UTC; first version's submission
    updated: datetime  # UTC; this version's submission
    task: str | None  # config.yaml task key; None for off-task distractors
    labels: dict[str, Any]  # gold labels in the scorer's format
    role: str = "scaling"  # scaling | negative | generic_gpu | chip_hours_only | compute_only | operations_only | distractor
    hardware_compute: float | None = None  # generator's chips x peak x hours (FLOPs), for analysis checks
    spec: PaperSpec | None = field(default=None, repr=False, compare=False)

    def __hash__(self) -> int:  # the list fields make the generated hash fail; identity is id + version
        return hash((self.arxiv_id, self.version))

    @property
    def versioned_id(self) -> str:
        return f"{self.arxiv_id}v{self.version}"

    @property
    def pdf_filename(self) -> str:
        return pdf_filename(self.arxiv_id, self.version)


def pdf_filename(arxiv_id: str, version: int) -> str:
    """Old-style ids contain "/", which cannot be part of a file name."""
    return f"{arxiv_id.replace('/', '_')}v{version}.pdf"


def _from_spec(spec: PaperSpec) -> SamplePaper:
    return SamplePaper(
        arxiv_id=spec.arxiv_id, version=spec.version, title=spec.title, authors=list(spec.authors),
        abstract=abstract(spec), categories=list(spec.categories), primary_category=spec.primary_category,
        published=spec.published, updated=spec.updated, task=spec.task, labels=spec.labels,
        role=spec.role, hardware_compute=spec.hardware_compute, spec=spec)


def sample_papers() -> list[SamplePaper]:
    return [_from_spec(s) for s in paper_specs()]


def sample_paper_versions() -> list[SamplePaper]:
    """Every version of every sample paper: v1 .. vN, earlier ones dated at first submission.

    The stand-in serves these so `id_list=<id>v1` works for a paper whose latest version is v2.
    """
    out = []
    for paper in sample_papers():
        for version in range(1, paper.version):
            out.append(dataclasses.replace(paper, version=version, updated=paper.published))
        out.append(paper)
    return out


def build_pdf(paper: SamplePaper) -> bytes:
    """PDF bytes for a sample paper; a copy with another version/date gets a matching stamp."""
    if paper.spec is None:
        raise ValueError(f"{paper.arxiv_id} has no generated text (not a sample paper)")
    from standin import pdf as pdf_render  # PyMuPDF is only needed when a PDF is actually built

    spec = dataclasses.replace(paper.spec, arxiv_id=paper.arxiv_id, version=paper.version,
                               published=paper.published, updated=paper.updated, title=paper.title)
    return pdf_render.build_pdf(spec)


def write_corpus(dest_dir: str | Path, papers: list[SamplePaper] | None = None) -> list[Path]:
    dest = Path(dest_dir)
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for paper in papers if papers is not None else sample_papers():
        path = dest / paper.pdf_filename
        path.write_bytes(build_pdf(paper))
        written.append(path)
    return written


def write_labels_jsonl(path: str | Path, papers: list[SamplePaper] | None = None) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as fh:
        for paper in papers if papers is not None else sample_papers():
            fh.write(json.dumps(paper.labels, sort_keys=True) + "\n")
    return path
