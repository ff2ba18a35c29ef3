"""Configuration: config.yaml validated with pydantic.

Lookup order: an explicit path (--config), $PROGRESS_CONFIG, ./config.yaml, else the packaged default.
The database URL can be overridden by --db or $PROGRESS_DATABASE_URL. A bad key or value raises
ConfigError with one line naming it.
"""
from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

PACKAGED_DEFAULT = Path(__file__).with_name("default_config.yaml")
ARXIV_MIN_DELAY_SECONDS = 3.0  # https://info.arxiv.org/help/api/tou.html


class ConfigError(Exception):
    """A configuration problem, stated in one line that names the key."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Benchmark(_Strict):
    dataset: str
    metric: str
    higher_is_better: bool = True


class TaskQuery(_Strict):
    categories: list[str] = Field(min_length=1)
    terms: list[str] = Field(min_length=1)


class Task(_Strict):
    title: str
    query: TaskQuery
    benchmarks: list[Benchmark] = Field(min_length=1)


class ArxivSettings(_Strict):
    api_url: str = "https://export.arxiv.org/api/query"
    page_size: int = Field(100, ge=1, le=2000)
    delay_seconds: float = Field(3.0, ge=0)
    num_retries: int = Field(3, ge=0, le=10)
    timeout_seconds: float = Field(30, gt=0)
    max_results_per_task: int = Field(200, ge=1)
    user_agent: str = "computer-progress/0.1"

    @field_validator("delay_seconds")
    @classmethod
    def _arxiv_terms(cls, delay: float, info: ValidationInfo) -> float:
        """arXiv's terms: no more than one request every 3 s. A shorter delay is for other endpoints
        (the loopback stand-in, a mirror), never for arXiv's own hosts."""
        host = (urlsplit(str(info.data.get("api_url", ""))).hostname or "").lower()
        if (host == "arxiv.org" or host.endswith(".arxiv.org")) and delay < ARXIV_MIN_DELAY_SECONDS:
            raise ValueError(f"{delay:g} s is below arXiv's {ARXIV_MIN_DELAY_SECONDS:g} s between requests "
                             f"(allowed only for other endpoints, e.g. the loopback stand-in)")
        return delay


class Window(_Strict):
    start: date = date(2012, 1, 1)
    end: date | None = None


class DownloadSettings(_Strict):
    max_concurrent: int = Field(2, ge=1, le=16)
    timeout_seconds: float = Field(60, gt=0)
    max_bytes: int = Field(60_000_000, gt=0)


class ExtractionSettings(_Strict):
    max_pages: int = Field(200, ge=1)
    timeout_seconds: float = Field(120, gt=0)
    workers: int = Field(2, ge=1, le=64)
    # Per worker process (RLIMIT_AS): a warm worker takes ~330 MB of address space; a PDF that needs
    # more than this fails with "exceeded the memory limit" instead of pushing the machine into OOM.
    max_memory_mb: int = Field(2048, ge=256, le=1_048_576)
    task_runner: Literal["default", "dask"] = "default"
    dask_address: str | None = None


class ReviewSettings(_Strict):
    min_confidence: float = Field(0.6, ge=0, le=1)


class AnalysisSettings(_Strict):
    utilization: float = Field(0.33, gt=0, le=1)
    disagreement_factor: float = Field(3.0, gt=1)
    min_points: int = Field(5, ge=3)


class PipelineSettings(_Strict):
    max_attempts: int = Field(3, ge=1)


class ScheduleSettings(_Strict):
    nightly_cron: str = "0 2 * * *"
    timezone: str = "UTC"


class Config(_Strict):
    database_url: str = "sqlite:///data/progress.sqlite"
    pdf_cache: Path = Path("data/pdfs")
    report_dir: Path = Path("data/report")
    arxiv: ArxivSettings = ArxivSettings()
    window: Window = Window()
    download: DownloadSettings = DownloadSettings()
    extraction: ExtractionSettings = ExtractionSettings()
    review: ReviewSettings = ReviewSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    pipeline: PipelineSettings = PipelineSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    tasks: dict[str, Task] = Field(min_length=1)
    source_path: str | None = Field(None, exclude=True)

    @field_validator("tasks")
    @classmethod
    def _task_names_are_identifiers(cls, tasks: dict[str, Task]) -> dict[str, Task]:
        for name in tasks:
            if not name.replace("_", "").isalnum():
                raise ValueError(f"task name {name!r} must be letters, digits and underscores")
        return tasks

    def benchmark_task(self, dataset: str, metric: str) -> tuple[str, Benchmark] | None:
        """The configured task and benchmark for a result, or None if the result is not tracked."""
        key = (_norm(dataset), _norm(metric))
        for name, task in self.tasks.items():
            for bench in task.benchmarks:
                if (_norm(bench.dataset), _norm(bench.metric)) == key:
                    return name, bench
        return None


def _norm(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def _describe(error: ValidationError, source: str) -> str:
    first = error.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "(top level)"
    if first["type"] == "extra_forbidden":
        return f"{source}: unknown key '{where}'"
    return f"{source}: bad value for '{where}': {first['msg']}"


def resolve_config_path(explicit: str | os.PathLike | None = None) -> Path:
    if explicit:
        path = Path(explicit)
        if not path.is_file():
            raise ConfigError(f"config file not found: {path}")
        return path
    env = os.environ.get("PROGRESS_CONFIG")
    if env:
        path = Path(env)
        if not path.is_file():
            raise ConfigError(f"PROGRESS_CONFIG points at a missing file: {path}")
        return path
    local = Path.cwd() / "config.yaml"
    return local if local.is_file() else PACKAGED_DEFAULT


def load_config(path: str | os.PathLike | None = None, *, database_url: str | None = None) -> Config:
    """Load and validate the configuration; `database_url` (from --db) beats $PROGRESS_DATABASE_URL."""
    source = resolve_config_path(path)
    try:
        raw = yaml.safe_load(source.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark else ""
        raise ConfigError(f"{source}: not valid YAML{where}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{source}: expected a mapping of settings at the top level")
    url = database_url or os.environ.get("PROGRESS_DATABASE_URL")
    if url:
        raw["database_url"] = url
    try:
        config = Config.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_describe(exc, str(source))) from None
    config.source_path = str(source)
    return config
