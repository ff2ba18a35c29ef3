"""`progress scorer train|report`: fit the learned scorer on the labelled corpus, print its report.

The logic lives in extractors/scoring (pure functions) and db/review_labels.py (reviewer decisions)."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from cli.app_state import AppContext, fail

scorer_app = typer.Typer(help="The learned scorer: rules propose candidates, a fitted model sets their confidence.",
                         no_args_is_help=True)
console = Console()
REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def register(app: typer.Typer) -> None:
    app.add_typer(scorer_app, name="scorer")  # once: cli.main._register_groups keeps track


def _review_examples(obj: AppContext):
    from db.engine import session_scope
    from db.migrate import upgrade_to_head
    from usecases.review_labels import review_labels

    url = obj.config.database_url
    try:
        upgrade_to_head(url)
        with session_scope(url) as session:
            return review_labels(session)
    except Exception as exc:  # an unreachable or foreign database: one line, not a traceback
        fail(f"database {url}: {str(exc).splitlines()[0]}")


@scorer_app.command("train")
def train_command(
    ctx: typer.Context,
    corpus: Path = typer.Option(DEFAULT_CORPUS, "--corpus", help="Folder with pdfs/ and gold-dev.jsonl (default: ../shared/corpus)"),
    with_reviews: bool = typer.Option(False, "--with-reviews", help="Add reviewer decisions from the database as labels"),
    cv: int = typer.Option(5, "--cv", min=2, help="Folds of the cross-validation grouped by paper"),
    workers: int = typer.Option(2, "--workers", min=1, help="Extraction processes for PDFs not in the cache"),
    cache: Optional[Path] = typer.Option(None, "--cache", help="Candidate cache folder (default: data/scorer-cache)"),
    models: Optional[Path] = typer.Option(None, "--models", help="Where the model files go (default: the shipped extractors/scoring/models)"),
    ablate: str = typer.Option("", "--ablate", help="Measuring only: rules to switch off (comma-separated), to see their CV worth; "
                               "the shipped models are left alone (files go to --models, else a temporary folder)"),
) -> None:
    """Rebuild the model files and the training report from the labelled corpus (and reviews)."""
    import tempfile

    from extractors import cues
    from extractors.scoring import train as training
    from extractors.scoring.cache import CandidateCache

    if ablate:
        cues.ablate(ablate.split(","))
        models = models or Path(tempfile.mkdtemp(prefix="progress-ablation-"))

    gold_path, pdf_dir = corpus / "gold-dev.jsonl", corpus / "pdfs"
    if not gold_path.is_file() or not pdf_dir.is_dir():
        fail(f"--corpus {corpus}: no labelled corpus there (needs gold-dev.jsonl and pdfs/)")
    pdfs = sorted(pdf_dir.glob("*.pdf"))
    if not pdfs:
        fail(f"--corpus {corpus}: pdfs/ holds no PDF")
    reviews, skipped = [], 0
    if with_reviews:
        labels = _review_examples(ctx.obj)
        reviews, skipped = labels.examples, labels.skipped
    papers = training.corpus_papers(pdfs, CandidateCache(cache), workers=workers, log=console.print)
    gold = training.load_gold(gold_path)
    model_dir = models or training.MODEL_DIR
    report = training.train(papers, gold, k=cv, review_examples=reviews, out_dir=model_dir,
                            report_path=model_dir.parent / "training_report.json" if models is None
                            else model_dir / "training_report.json",
                            corpus=str(corpus), review_skipped=skipped)
    console.print(training.format_report(report), soft_wrap=True, highlight=False, markup=False)


@scorer_app.command("report")
def report_command(
    models: Optional[Path] = typer.Option(None, "--models", help="Folder of model files (default: the shipped ones)"),
    as_json: bool = typer.Option(False, "--json", help="The report as JSON"),
) -> None:
    """Print the training report: data, features, weights, CV and in-sample P/R, Brier, reliability."""
    from extractors.scoring import train as training

    path = (models / "training_report.json") if models else training.REPORT_PATH
    if not path.is_file():
        fail(f"no training report at {path}: run `progress scorer train` first")
    report = json.loads(path.read_text(encoding="utf-8"))
    if as_json:
        print(json.dumps(report, indent=1))
    else:
        console.print(training.format_report(report), soft_wrap=True, highlight=False, markup=False)
