"""Shared by the fault tests: subprocess runners, row snapshots, PDFs with known defects."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pymupdf
from sqlalchemy import select

from db.engine import session_scope
from models import Extraction, Paper, PaperTask, Result

REPO = Path(__file__).resolve().parents[2]
REPO_CONFIG = REPO / "config.yaml"
PYTHON = sys.executable
PROGRESS = str(Path(sys.executable).with_name("progress"))
DRIVER = str(Path(__file__).with_name("flow_driver.py"))


def child_env(**extra: str) -> dict[str, str]:
    """The test process's environment (PREFECT_HOME from conftest, no telemetry, this checkout first on
    the path) plus `extra`."""
    env = dict(os.environ)
    # The checkout under test, not whatever the venv's editable install points at.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update({"PREFECT_SERVER_ANALYTICS_ENABLED": "false", "PREFECT_LOGGING_TO_API_ENABLED": "false",
                "PYTHONUNBUFFERED": "1"})
    env.update(extra)
    return env


def run_progress(*args: str, cwd: Path, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([PROGRESS, *args], cwd=cwd, capture_output=True, text=True, timeout=timeout,
                          env=child_env(**env))


def run_progress_with_faults(spec: str, *args: str, cwd: Path, timeout: float = 120,
                             **env: str) -> subprocess.CompletedProcess:
    """`progress ARGS` whose extraction workers hang or crash on marked files (faulty_worker.py)."""
    return subprocess.run([PYTHON, str(Path(__file__).with_name("faulty_worker.py")), spec, "--", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=timeout, env=child_env(**env))


def paper_rows(url: str) -> list[tuple]:
    """Everything a run decides about its papers, in a comparable form (ids and timestamps left out)."""
    with session_scope(url) as s:
        papers = sorted((p.arxiv_id, p.version, p.status.value, p.pdf_sha256, p.pdf_bytes, p.pages)
                        for p in s.execute(select(Paper)).scalars())
        tasks = sorted(s.execute(select(Paper.arxiv_id, PaperTask.task).join(PaperTask)).all())
        extractions = sorted(s.execute(select(Paper.arxiv_id, Extraction.field, Extraction.candidate_key)
                                       .join(Extraction, Extraction.paper_id == Paper.id)).all())
        results = sorted(s.execute(select(Paper.arxiv_id, Result.dataset, Result.metric, Result.value)
                                   .join(Result, Result.paper_id == Paper.id)).all())
    return [("papers", papers), ("tasks", tasks), ("extractions", extractions), ("results", results)]


def text_pdf(lines: list[str], pages: int = 1) -> bytes:
    doc = pymupdf.open()
    for n in range(pages):
        page = doc.new_page()
        y = 72
        for line in lines:
            page.insert_text((72, y), line, fontsize=10)
            y += 14
        page.insert_text((72, 760), f"page {n + 1}", fontsize=8)
    data = doc.tobytes(deflate=True)
    doc.close()
    return data


def write_config(workdir: Path, api_url: str, **sections: dict) -> Path:
    """The repo's config pointed at a stand-in, with its own database and cache in `workdir`;
    `sections` override keys per section, e.g. download={"max_bytes": 1000}."""
    import yaml

    data = yaml.safe_load(REPO_CONFIG.read_text())
    data["database_url"] = f"sqlite:///{(workdir / 'progress.sqlite').resolve()}"
    data["pdf_cache"] = str((workdir / "pdfs").resolve())
    data["report_dir"] = str((workdir / "report").resolve())
    data["arxiv"].update(api_url=api_url, delay_seconds=0.0, timeout_seconds=10)
    for section, values in sections.items():
        data.setdefault(section, {}).update(values)
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False))
    return path


def task_papers(task: str = "image_classification") -> list:
    from standin.corpus import sample_papers

    return [p for p in sample_papers() if p.task == task]
