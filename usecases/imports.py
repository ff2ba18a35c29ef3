"""Imported rows, with provenance: the study's CSVs, Epoch's table and researchers' contributions.

Each import writes papers, evidence (extractions with source = the import's provenance, the CSV row as
the "sentence"), results and compute estimates, all with the same `source`. Re-importing a file
replaces that file's rows: imports are idempotent. Nothing here touches extracted rows.

Paper keys (papers.arxiv_id, unique):
  reference:thompson2022  "ref:thompson2022:<file>:<row>": the study's unit is a model (one paper can
                          have several, with different compute per benchmark), so each CSV row is one.
  reference:epoch         "ref:epoch:<arXiv id>#<n>": the n-th Epoch system linking that paper.
  contributed             the paper's arXiv id (or "doi:<doi>"), shared with an extracted paper of the
                          same id, so a contribution completes what extraction found.
"""
from __future__ import annotations

import hashlib
import json
import math
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterable

import pandas as pd
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from analysis.compute import estimate_compute
from usecases.scaling import estimate_rows
from db.upsert import upsert
from models import ComputeEstimate, Extraction, Paper, PaperStatus, Result
from settings.config import Config
from sources.contributions import Contribution, ContributionError, parse_contributions
from sources.reference_epoch import read_epoch_systems
from sources.reference_thompson import FILE_KEYS, PHASES, STUDY_FILES, STUDY_SOURCE, STUDY_VERSION, read_study_csv

EPOCH_SOURCE = "reference:epoch"
CONTRIBUTED = "contributed"
IMPORTED_STATE = "imported"  # review state of imported rows: taken as given, not waiting for review


@dataclass
class ImportCounts:
    papers: int = 0
    results: int = 0
    estimates: int = 0
    evidence: int = 0
    skipped: int = 0
    errors: list[ContributionError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"papers": self.papers, "results": self.results, "estimates": self.estimates,
                "evidence": self.evidence, "skipped": self.skipped, "errors": [str(e) for e in self.errors]}


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def _year_start(year) -> datetime | None:
    return None if _missing(year) else datetime(int(year), 1, 1, tzinfo=timezone.utc)


def _key(*parts) -> str:
    """A stable candidate key for imported evidence: the same value in the same row gives the same key."""
    return hashlib.sha1(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def _paper_ids(session: Session, rows: list[dict], *, update: Iterable[str]) -> dict[str, int]:
    """Upsert papers by key (papers.arxiv_id) and return key -> id."""
    upsert(session, Paper, rows, conflict=["arxiv_id"], update=list(update))
    keys = [r["arxiv_id"] for r in rows]
    found = session.execute(select(Paper.arxiv_id, Paper.id).where(Paper.arxiv_id.in_(keys))).all()
    return dict(found)


def _replace(session: Session, paper_ids: Iterable[int], source: str, *, extractions: bool = True) -> None:
    ids = list(paper_ids)
    for model in (Result, ComputeEstimate) + ((Extraction,) if extractions else ()):
        session.execute(delete(model).where(model.paper_id.in_(ids), model.source == source))


def _evidence(paper_id: int, field_name: str, attrs: dict, value: float | None, sentence: str, raw: str,
              source: str, version: str) -> dict:
    return dict(paper_id=paper_id, field=field_name, candidate_key=_key(field_name, attrs), raw_text=raw,
                value=value, unit=attrs.get("unit"), normalized_value=value, attrs=attrs, confidence=1.0,
                is_best=True, page=None, sentence=sentence, section=None, char_start=None, char_end=None,
                extractor=source, extractor_version=version, source=source)


# --- Thompson et al. 2022 -------------------------------------------------------------------------------

def _study_hardware(row: pd.Series) -> tuple[list[dict], list[dict]]:
    """The row's chips and per-phase training times in the scorer's format (TPUs counted per device)."""
    hardware, times = [], []
    for phase in PHASES:
        for kind, unit in (("gpu", "chips"), ("tpu", "devices"), ("cpu", "chips")):
            model, amount = row.get(f"{phase}_{kind}_model"), row.get(f"{phase}_{kind}_amount")
            if isinstance(model, str) and model.strip():
                gflops = row.get(f"{phase}_{kind}_ptp_gflops")
                hardware.append({"chip": model.strip(), "count": None if _missing(amount) else float(amount),
                                 "unit": unit, "phase": phase,
                                 "study_peak_gflops": None if _missing(gflops) else float(gflops)})
        seconds = row.get(f"{phase}_time_total_sec")
        if not _missing(seconds):
            times.append({"hours": float(seconds) / 3600.0, "kind": "wall", "phase": phase})
    return hardware, times


def import_thompson(session: Session, paths: Iterable[str | Path], config: Config, *, run_id: int | None = None) -> ImportCounts:
    """Load the study's CSVs (any of its six files) as papers, evidence, results and compute estimates
    with source "reference:thompson2022". Compute: the hardware_burden column as method "hardware"
    (preferred; the study's x), network_operations as method "arithmetic"; methods further apart than
    config.analysis.disagreement_factor (hardware at its utilization-adjusted figure) are flagged."""
    counts = ImportCounts()
    utilization, factor = config.analysis.utilization, config.analysis.disagreement_factor
    for path in paths:
        frame = read_study_csv(path)
        file_name = Path(path).name
        task, dataset, metrics = STUDY_FILES[file_name]
        papers = []
        for row in frame.to_dict("records"):
            name = str(row.get("name") or "").strip()
            title = str(row.get("title") or "").strip()
            link = row.get("paper_link") if isinstance(row.get("paper_link"), str) else None
            papers.append(dict(arxiv_id=f"ref:thompson2022:{FILE_KEYS[file_name]}:{row['csv_row']}",
                               title=f"{name}: {title}" if title and title != name else (name or title),
                               authors=[], abstract="", categories=[], published=_year_start(row.get("year")),
                               pdf_url=link, source=STUDY_SOURCE, status=PaperStatus.extracted,
                               status_reason=f"imported from {file_name}", attempts=0, version=1))
        ids = _paper_ids(session, papers, update=["title", "published", "pdf_url", "status_reason"])
        _replace(session, ids.values(), STUDY_SOURCE)
        evidence, results, estimates = [], [], []
        for paper, row in zip(papers, frame.to_dict("records")):
            paper_id = ids[paper["arxiv_id"]]
            where = f"{file_name} row {row['csv_row']} ({row.get('name')})"
            hardware, times = _study_hardware(row)
            evidence += [_evidence(paper_id, "hardware", h, h["count"], where, f"{h['count'] or '?'} x {h['chip']}",
                                   STUDY_SOURCE, STUDY_VERSION) for h in hardware]
            evidence += [_evidence(paper_id, "training_time", t, t["hours"], where, f"{t['hours'] * 3600:g} s ({t['phase']})",
                                   STUDY_SOURCE, STUDY_VERSION) for t in times]
            for column, metric in metrics.items():
                if not _missing(row.get(column)):
                    results.append(dict(paper_id=paper_id, task=task, dataset=dataset, metric=metric,
                                        value=float(row[column]), higher_is_better=True, confidence=1.0,
                                        review_state=IMPORTED_STATE, source=STUDY_SOURCE))
            estimates += _study_estimates(paper_id, row, hardware, times, where, utilization, factor, run_id)
        for model, rows in ((Extraction, evidence), (Result, results), (ComputeEstimate, estimates)):
            if rows:
                session.execute(model.__table__.insert(), rows)
        counts.papers += len(papers)
        counts.evidence += len(evidence)
        counts.results += len(results)
        counts.estimates += len(estimates)
    session.flush()
    return counts


def _study_estimates(paper_id, row, hardware, times, where, utilization, factor, run_id) -> list[dict]:
    burden, operations = row.get("hardware_burden"), row.get("network_operations")
    common = {"study_row": where, "model": row.get("name"), "arxiv_id": row.get("arxiv_id")}
    out = []
    if not _missing(burden) and burden > 0:
        chips = "; ".join(f"{h['phase']}: {h['count'] or '?':g}x {h['chip']}" if isinstance(h["count"], float)
                          else f"{h['phase']}: {h['chip']}" for h in hardware)
        out.append(dict(method="hardware", flops=float(burden), flops_utilized=float(burden) * utilization,
                        inputs={**common, "column": "hardware_burden", "hardware": hardware, "training_time": times,
                                "chips_text": chips, "utilization": utilization,
                                "note": "the study's hardware burden: seconds x chips x peak, summed over phases"}))
    if not _missing(operations) and operations > 0:
        out.append(dict(method="arithmetic", flops=float(operations), flops_utilized=float(operations),
                        inputs={**common, "column": "network_operations", **_study_operation_inputs(row),
                                "note": "the study's operation count: forward FLOPs x 3 x epochs x training-set size"}))
    if out:
        out[0]["preferred"] = True  # hardware when present: the study's x axis
        performed = [e["flops_utilized"] for e in out]
        disagree = len(out) > 1 and max(performed) > factor * min(performed)
    for est in out:
        est.update(paper_id=paper_id, flops_low=est["flops"], flops_high=est["flops"], disagreement=disagree,
                   preferred=est.get("preferred", False), review_state=IMPORTED_STATE, source=STUDY_SOURCE,
                   run_id=run_id)
    return out


def _study_operation_inputs(row: dict) -> dict:
    """The row's columns its network_operations multiplied, under the keys our points' operation counts
    use (analysis.point_operations), so `compare thompson` can set both side by side: the forward cost
    (its flops column, else multiply-adds doubled, the study's convention) and per phase the epochs and
    training-set size. Only what the row states: a missing column stays out (or None within a phase)."""
    def number(column: str) -> float | None:
        value = row.get(column)
        return None if _missing(value) else float(value)

    out: dict = {}
    flops, multiadds = number("flops"), number("multiadds")
    if flops is not None:
        out |= {"forward_flops": flops, "forward_kind": "flops", "forward_as_stated": flops}
    elif multiadds is not None:
        out |= {"forward_flops": 2.0 * multiadds, "forward_kind": "multiadds", "forward_as_stated": multiadds}
    stages = []
    for phase in PHASES:
        epochs, size = number(f"{phase}_epochs"), number(f"{phase}_set_size")
        if epochs is None and size is None:
            continue
        named = row.get(f"{phase}_dataset")
        stages.append({"stage": phase, "epochs": epochs, "training_set_size": size,
                       "training_set": named.strip() if isinstance(named, str) else None})
    return out | ({"stages": stages} if stages else {})


# --- Epoch AI's All ML Systems ------------------------------------------------------------------------

def _epoch_method(text) -> str:
    """Epoch's "Training compute estimation method" in our vocabulary; anything else is "reference"."""
    text = str(text or "").lower()
    if "hardware" in text:
        return "hardware"
    if "operation" in text:
        return "arithmetic"
    return "reference"


def import_epoch(session: Session, path: str | Path, *, run_id: int | None = None) -> ImportCounts:
    """Epoch's systems that link an arXiv paper and give a training compute, as papers keyed
    "ref:epoch:<id>#<n>" with one compute estimate each (source "reference:epoch"). Rows without an
    arXiv link or a compute figure are counted as skipped: nothing of ours could be compared with them."""
    frame = read_epoch_systems(path)
    usable = frame[frame["arxiv_id"].notna() & (frame["training_compute_flop"] > 0)].copy()
    counts = ImportCounts(skipped=int(len(frame) - len(usable)))
    usable["n"] = usable.groupby("arxiv_id").cumcount() + 1
    papers, records = [], []
    for row in usable.to_dict("records"):
        key = f"ref:epoch:{row['arxiv_id']}#{row['n']}"
        published = pd.to_datetime(row.get("publication_date"), errors="coerce", utc=True)
        papers.append(dict(arxiv_id=key, title=str(row["model"]), authors=[], abstract="", categories=[],
                           published=None if pd.isna(published) else published.to_pydatetime(),
                           pdf_url=f"https://arxiv.org/abs/{row['arxiv_id']}", source=EPOCH_SOURCE,
                           status=PaperStatus.extracted, status_reason=f"imported from {Path(path).name}",
                           attempts=0, version=1))
        records.append((key, row))
    if not papers:
        return counts
    # Stale keys of an older Epoch table (a system removed since) go with the re-import.
    stale = session.execute(select(Paper.id).where(Paper.source == EPOCH_SOURCE,
                                                   Paper.arxiv_id.not_in([p["arxiv_id"] for p in papers]))).scalars().all()
    if stale:
        session.execute(delete(Paper).where(Paper.id.in_(stale)))
    ids = {}
    for start in range(0, len(papers), 500):  # bounded statements (SQLite's variable limit)
        ids.update(_paper_ids(session, papers[start:start + 500], update=["title", "published", "pdf_url"]))
    _replace(session, ids.values(), EPOCH_SOURCE)
    estimates = []
    for key, row in records:
        inputs = {k: (None if _missing(row.get(k)) else row.get(k)) for k in
                  ("arxiv_id", "model", "hardware", "hardware_quantity", "training_time_hours", "numerical_format",
                   "utilization", "estimation_method", "domain", "parameters")}
        low, high = row.get("training_compute_low"), row.get("training_compute_high")
        estimates.append(dict(paper_id=ids[key], method=_epoch_method(row.get("estimation_method")),
                              flops=float(row["training_compute_flop"]),
                              flops_low=None if _missing(low) else float(low),
                              flops_high=None if _missing(high) else float(high),
                              flops_utilized=float(row["training_compute_flop"]), inputs=inputs, preferred=True,
                              disagreement=False, review_state=IMPORTED_STATE, source=EPOCH_SOURCE, run_id=run_id))
    session.execute(ComputeEstimate.__table__.insert(), estimates)
    counts.papers, counts.estimates = len(papers), len(estimates)
    session.flush()
    return counts


def epoch_frame(session: Session) -> pd.DataFrame:
    """The imported Epoch systems back in sources.reference_epoch's column names (for compare_with_epoch)."""
    rows = session.execute(select(ComputeEstimate.inputs, ComputeEstimate.flops)
                           .where(ComputeEstimate.source == EPOCH_SOURCE).order_by(ComputeEstimate.id)).all()
    frame = pd.DataFrame([{**inputs, "training_compute_flop": flops} for inputs, flops in rows],
                         columns=["arxiv_id", "model", "hardware", "hardware_quantity", "training_time_hours",
                                  "estimation_method", "training_compute_flop"])
    return frame


def our_compute(session: Session, source: str = "extracted", *, performed: bool = True) -> pd.DataFrame:
    """Each paper's preferred compute estimate of one provenance: arxiv_id, flops, method, peak_flops.

    performed=True gives operations actually performed (a hardware burden times the configured
    utilization), which is what Epoch's figures count; False gives the peak burden as estimated."""
    rows = session.execute(select(Paper.arxiv_id, ComputeEstimate.flops, ComputeEstimate.flops_utilized,
                                  ComputeEstimate.method)
                           .join(ComputeEstimate, ComputeEstimate.paper_id == Paper.id)
                           .where(ComputeEstimate.preferred, ComputeEstimate.source == source)
                           .order_by(Paper.arxiv_id)).all()
    frame = pd.DataFrame([tuple(r) for r in rows], columns=["arxiv_id", "peak_flops", "utilized", "method"])
    frame["flops"] = frame["utilized"].fillna(frame["peak_flops"]) if performed else frame["peak_flops"]
    return frame.drop(columns="utilized")


# --- Researchers' contributions -----------------------------------------------------------------------

def import_contributions(session: Session, path: str | Path, config: Config, *, run_id: int | None = None) -> ImportCounts:
    """Validate a contribution CSV (sources.contributions) and store its good rows with source
    "contributed"; bad rows are returned in `errors` with their CSV row numbers and stored nowhere.

    A row's hardware, time and stated compute become evidence of its paper; the paper's contributed
    compute is then re-estimated from all its contributed evidence (several files may add to one
    paper), preferring a stated total over the hardware burden as for extracted papers."""
    rows, errors = parse_contributions(path, config.tasks)
    counts = ImportCounts(errors=errors)
    if not rows:
        return counts
    file_name = Path(path).name
    keys = {row.paper for row in rows}
    existing = dict(session.execute(select(Paper.arxiv_id, Paper.id).where(Paper.arxiv_id.in_(keys))).all())
    new = [_contributed_paper(row, file_name) for row in _first_per_paper(rows) if row.paper not in existing]
    ids = {**existing, **(_paper_ids(session, new, update=[]) if new else {})}
    counts.papers = len(keys)
    evidence, results = {}, {}
    for row in rows:
        paper_id = ids[row.paper]
        where = f"{file_name} row {row.row}" + (f": {row.note}" if row.note else "")
        for item in _contributed_evidence(row):
            record = _evidence(paper_id, item[0], item[1], item[2], where, item[3], CONTRIBUTED, "csv")
            evidence[(paper_id, record["candidate_key"])] = record
        # The last row for a paper and benchmark wins, as a later line in a file corrects an earlier one.
        results[(paper_id, row.dataset, row.metric)] = dict(
            paper_id=paper_id, task=row.task, dataset=row.dataset, metric=row.metric, value=row.value,
            higher_is_better=row.higher_is_better, confidence=1.0, review_state=IMPORTED_STATE, source=CONTRIBUTED)
    upsert(session, Extraction, list(evidence.values()), conflict=["paper_id", "candidate_key"])
    upsert(session, Result, list(results.values()), conflict=["paper_id", "dataset", "metric", "source"],
           update=["task", "value", "higher_is_better"])
    counts.evidence, counts.results = len(evidence), len(results)
    counts.estimates = rebuild_contributed_estimates(session, config, set(ids.values()), run_id=run_id)
    counts.skipped = sum(1 for pid in set(ids.values()) if not session.scalar(
        select(ComputeEstimate.id).where(ComputeEstimate.paper_id == pid, ComputeEstimate.source == CONTRIBUTED).limit(1)))
    session.flush()
    return counts


def _first_per_paper(rows: list[Contribution]) -> list[Contribution]:
    seen: dict[str, Contribution] = {}
    for row in rows:
        seen.setdefault(row.paper, row)
    return list(seen.values())


def _contributed_paper(row: Contribution, file_name: str) -> dict:
    return dict(arxiv_id=row.paper, title=row.title or "", authors=[], abstract="", categories=[],
                published=_year_start(row.year), doi=row.doi,
                pdf_url=f"https://arxiv.org/abs/{row.arxiv_id}" if row.arxiv_id else f"https://doi.org/{row.doi}",
                source=CONTRIBUTED, status=PaperStatus.extracted,
                status_reason=f"contributed in {file_name}; not downloaded", attempts=0, version=1)


def _contributed_evidence(row: Contribution) -> list[tuple[str, dict, float, str]]:
    """(field, attrs, value, raw text) of a row's hardware, training time and stated compute."""
    items = []
    if row.chip:
        items.append(("hardware", {"chip": row.chip, "count": row.count, "unit": row.unit}, row.count,
                      f"{row.count:g} {row.unit} {row.chip}"))
        items.append(("training_time", {"hours": row.hours, "kind": "wall"}, row.hours, f"{row.hours:g} hours"))
    if row.flops:
        items.append(("stated_compute", {"flops": row.flops}, row.flops, f"{row.flops:g} FLOPs"))
    return items


def rebuild_contributed_estimates(session: Session, config: Config, paper_ids: set[int], *, run_id: int | None) -> int:
    """Re-estimate the contributed compute of these papers from all their contributed evidence."""
    session.execute(delete(ComputeEstimate).where(ComputeEstimate.paper_id.in_(paper_ids),
                                                  ComputeEstimate.source == CONTRIBUTED))
    evidence = session.execute(select(Extraction).where(Extraction.paper_id.in_(paper_ids),
                                                        Extraction.source == CONTRIBUTED)
                               .order_by(Extraction.paper_id, Extraction.id)).scalars().all()
    by_paper: dict[int, dict[str, list]] = {}
    for ext in evidence:
        by_paper.setdefault(ext.paper_id, {}).setdefault(ext.field, []).append(ext)
    rows = []
    for paper_id, fields in sorted(by_paper.items()):
        estimates = estimate_compute([e.attrs for e in fields.get("hardware", [])],
                                     [e.attrs for e in fields.get("training_time", [])],
                                     [e.attrs for e in fields.get("stated_compute", [])],
                                     utilization=config.analysis.utilization,
                                     disagreement_factor=config.analysis.disagreement_factor)
        ids = {f: [e.id for e in es] for f, es in fields.items()}
        rows += estimate_rows(paper_id, estimates, source=CONTRIBUTED, run_id=run_id, review_state=IMPORTED_STATE,
                              extra_inputs={"extraction_ids": ids})
    if rows:
        session.execute(ComputeEstimate.__table__.insert(), rows)
    return len(rows)
