"""PDF -> PaperExtraction: text, then every field extractor, then the best-candidate selection."""
from __future__ import annotations

import logging
import time
from collections.abc import Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from extractors import compute, cues, hardware, operations, scoring, training_time
from extractors.arxiv_ids import filename_ref
from extractors.document import DocumentText
from extractors.operation_tables import find_operation_tables, operation_table_pages
from extractors.records import Candidate, ExtractionError, PaperExtraction
from extractors.result_context import names_in_results_prose
from extractors.results import extract_results
from extractors.runs import annotate as annotate_runs
from extractors.scoring.paper_features import add_paper_features
from extractors.tables import find_result_tables, result_table_pages
from extractors.text import open_pdf, read_document

EXTRACTOR_VERSION = "0.9.1"
log = logging.getLogger(__name__)


def arxiv_id_from_filename(path: str | Path) -> str | None:
    """"1706.03762v2.pdf" -> "1706.03762", "hep-th_9901001v1.pdf" -> "hep-th/9901001", else None."""
    ref = filename_ref(path)
    return ref.arxiv_id if ref else None


def generate_candidates(doc: DocumentText, pdf=None) -> list[Candidate]:
    """Every candidate for every field with its named features and rule confidence, not yet scored:
    the rules are candidate generators; `scoring.score_and_select` decides."""
    sentences = doc.sentences
    own_names = cues.own_model_names(doc.title, sentences)

    hw, named_chips = hardware.analyse(sentences, own_names=own_names)
    hardware.name_generic_chips(hw, named_chips)

    title_vocabulary = cues.title_words(doc.title)
    times = training_time.extract_training_time(sentences, own_names=own_names, title_vocabulary=title_vocabulary)

    flops = compute.extract_stated_compute(sentences, own_names=own_names)
    if not cues.ablated("table_compute"):
        flops += compute.extract_table_compute(sentences, own_names=own_names, title_vocabulary=title_vocabulary)

    rates = compute.extract_throughput(sentences)

    # The result tables are read once: the operation-count columns and the results both use them.
    read_tables: list | None = None
    ops: list[Candidate] = []
    try:  # the own-model names results prose gives ("our X", "called X"): read once for both readers
        prose_names = names_in_results_prose(doc)
    except Exception:  # a bug in one field's extractor must not lose the other fields
        log.exception("results prose names failed on %s", doc.arxiv_id or doc.title[:60])
        prose_names = set()
    try:
        read_tables = find_result_tables(pdf, doc)
        tables = read_tables if pdf is not None or doc.page_words else list(doc.tables)
        # The operation counts judge rows and sentences by the names the results reader knows too
        # ("our ResNet", "called X"): the same own-model reading for both.
        ops_names = own_names if cues.ablated("ops_prose_names") else own_names | prose_names
        if not cues.ablated("ops_config_tables"):
            # Configuration and architecture tables ("Layers | Hidden | Params") name no benchmark:
            # the result-table reader skips them, the operation counts read them.
            tables = [*tables, *find_operation_tables(pdf, doc, tables)]
        ops = operations.extract_operation_inputs(sentences, own_names=ops_names, tables=tables,
                                                  title_vocabulary=title_vocabulary)
        operations.select_best(ops)
    except Exception:  # a bug in one field's extractor must not lose the other fields
        log.exception("operations extractor failed on %s", doc.arxiv_id or doc.title[:60])

    results: list[Candidate] = []
    try:
        results = list(extract_results(doc, pdf, read_tables=read_tables, own_names=own_names | prose_names))
    except Exception:  # a bug in one field's extractor must not lose the other fields
        log.exception("results extractor failed on %s", doc.arxiv_id or doc.title[:60])
    candidates = [*hw, *times, *flops, *rates, *ops, *results]
    # Which model, size, stage and dataset each value belongs to: features for the learned scorer
    # (analysis.points links results to runs with the same reading).
    annotate_runs(candidates, sentences)
    add_paper_features(candidates, doc.page_count)
    return candidates


def extract_document(doc: DocumentText, pdf=None) -> list[Candidate]:
    """Every candidate for every field: generated, scored (learned model per field, else the rule
    confidence), best ones marked (is_best)."""
    candidates = generate_candidates(doc, pdf)
    scoring.score_and_select(candidates)
    return candidates


def _table_pages(doc: DocumentText) -> list[int]:
    """Pages whose word boxes the result and configuration-table readers will ask for: taken from the
    TextPage the text reader builds anyway, not from a second one."""
    return sorted({*result_table_pages(doc), *operation_table_pages(doc)})


def generate_pdf(path: str | Path, *, max_pages: int | None = None) -> PaperExtraction:
    """Read one PDF and generate every field's candidates (unscored); raises ExtractionError when the
    PDF cannot be read. The PDF is opened once: the text reader and the results extractor share it."""
    started = time.perf_counter()
    path = Path(path)
    pdf = open_pdf(path, max_pages=max_pages)
    try:
        doc = read_document(pdf, word_pages=_table_pages)
        if doc.arxiv_id is None:
            doc.arxiv_id = arxiv_id_from_filename(path)
        candidates = generate_candidates(doc, pdf)
    finally:
        pdf.close()
    return PaperExtraction(
        arxiv_id=doc.arxiv_id, source_path=str(path), pages=doc.page_count, candidates=candidates,
        extractor_version=EXTRACTOR_VERSION, seconds=time.perf_counter() - started,
    )


def extract_pdf(path: str | Path, *, max_pages: int | None = None) -> PaperExtraction:
    """Read one PDF and extract every field (scored, best marked); raises ExtractionError when the
    PDF cannot be read."""
    extraction = generate_pdf(path, max_pages=max_pages)
    scoring.score_and_select(extraction.candidates)
    return extraction


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
