"""PDF -> PaperExtraction: text, then every field extractor, then the best-candidate selection."""
from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from extractors import compute, context, hardware, training_time
from extractors.document import DocumentText
from extractors.records import Candidate, ExtractionError, PaperExtraction
from extractors.results import extract_results
from extractors.tables import result_table_pages
from extractors.text import open_pdf, read_document

EXTRACTOR_VERSION = "0.5.0"
log = logging.getLogger(__name__)

# "1706.03762", "1706.03762v2", "hep-th_9901001v1" (old-style ids with "/" written as "_").
_NEW_ID = re.compile(r"^(\d{4}\.\d{4,5})(?:v\d+)?$")
_OLD_ID = re.compile(r"^([a-z][a-z\-]*(?:\.[A-Z]{2})?)[_/](\d{7})(?:v\d+)?$")


def arxiv_id_from_filename(path: str | Path) -> str | None:
    stem = Path(path).name
    stem = re.sub(r"\.pdf$", "", stem, flags=re.IGNORECASE)
    match = _NEW_ID.match(stem)
    if match:
        return match.group(1)
    match = _OLD_ID.match(stem)
    if match:
        return f"{match.group(1)}/{match.group(2)}"
    return None


def extract_document(doc: DocumentText, pdf=None) -> list[Candidate]:
    """Every candidate for every field, best ones marked (is_best)."""
    sentences = doc.sentences
    own_names = context.own_model_names(doc.title, sentences)

    hw, named_chips = hardware.analyse(sentences, own_names=own_names)
    hardware.select_best(hw, named_chips)

    title_vocabulary = context.title_words(doc.title)
    times = training_time.extract_training_time(sentences, own_names=own_names, title_vocabulary=title_vocabulary)
    training_time.select_best(times)

    flops = compute.extract_stated_compute(sentences, own_names=own_names)
    flops += compute.extract_table_compute(sentences, own_names=own_names, title_vocabulary=title_vocabulary)
    compute.select_best(flops)

    rates = compute.extract_throughput(sentences)
    compute.select_best(rates)

    results: list[Candidate] = []
    try:
        results = list(extract_results(doc, pdf))
    except Exception:  # a bug in one field's extractor must not lose the other fields
        log.exception("results extractor failed on %s", doc.arxiv_id or doc.title[:60])
    return [*hw, *times, *flops, *rates, *results]


def extract_pdf(path: str | Path, *, max_pages: int | None = None) -> PaperExtraction:
    """Read one PDF and extract every field; raises ExtractionError when the PDF cannot be read.

    The PDF is opened once: the text reader and the results extractor (table geometry) share it."""
    started = time.perf_counter()
    path = Path(path)
    pdf = open_pdf(path, max_pages=max_pages)
    try:
        doc = read_document(pdf, word_pages=result_table_pages)
        if doc.arxiv_id is None:
            doc.arxiv_id = arxiv_id_from_filename(path)
        candidates = extract_document(doc, pdf)
    finally:
        pdf.close()
    return PaperExtraction(
        arxiv_id=doc.arxiv_id, source_path=str(path), pages=doc.page_count, candidates=candidates,
        extractor_version=EXTRACTOR_VERSION, seconds=time.perf_counter() - started,
    )


def _extract_one(args: tuple[str, int | None]) -> tuple[str, PaperExtraction | ExtractionError]:
    path, max_pages = args
    try:
        return path, extract_pdf(path, max_pages=max_pages)
    except ExtractionError as exc:
        return path, exc
    except Exception as exc:  # a crash in one paper must not stop a batch
        return path, ExtractionError(f"extractor crashed: {type(exc).__name__}: {exc}", kind="crashed")


def extract_files(paths: Iterable[str | Path], *, workers: int = 1, max_pages: int | None = None,
                  ) -> Iterator[tuple[Path, PaperExtraction | ExtractionError]]:
    """Extract many PDFs, yielding (path, extraction or error) in input order; workers > 1 uses processes."""
    jobs = [(str(p), max_pages) for p in paths]
    if workers <= 1:
        for job in jobs:
            path, outcome = _extract_one(job)
            yield Path(path), outcome
        return
    # Build the spaCy pipeline and matcher once here: forked workers inherit them instead of each
    # paying the start-up cost.
    hardware.warm_up()
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for path, outcome in pool.map(_extract_one, jobs, chunksize=2):
            yield Path(path), outcome
