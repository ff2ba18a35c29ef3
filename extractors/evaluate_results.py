"""Measure results extraction on real papers: `python -m extractors.evaluate_results PDF_DIR GOLD.jsonl`.

Reads every PDF named in the gold file as the pipeline does (extractors.text.read_document; with
--simple-reader, a plain PyMuPDF reader here instead, never silently), runs `extract_results`, writes the scorer's JSONL and runs the scorer
(../shared/eval/score.py next to the repo, or --scorer) at --min-confidence, printing the results row
and the wall time of the results step alone.
"""
from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import time
import unicodedata
from pathlib import Path

import pymupdf

from extractors.document import DocumentText, Sentence
from extractors.results import extract_results
from extractors.tables import result_table_pages
from extractors.text import read_document

_DEFAULT_SCORER = Path(__file__).resolve().parents[1] / ".." / "shared" / "eval" / "score.py"


def _simple_read(path: Path) -> DocumentText:
    """Fallback reader: page text, NFKC, dehyphenation, naive sentences, coarse sections."""
    pdf = pymupdf.open(path)
    pages = [unicodedata.normalize("NFKC", page.get_text()) for page in pdf]
    pdf.close()
    sentences: list[Sentence] = []
    section = "abstract"
    for number, text in enumerate(pages, start=1):
        joined = re.sub(r"(\w)-\n(\w)", r"\1\2", text).replace("\n", " ")
        for piece in re.split(r"(?<=[.!?])\s+(?=[A-Z(])", joined):
            low = piece.strip().lower()
            if re.match(r"^(?:\d+\.?\s+)?(?:introduction)\b", low):
                section = "body"
            if re.match(r"^(?:\d+\.?\s+)?related work\b", low):
                section = "related_work"
            elif section == "related_work" and re.match(r"^\d+\.?\s+[A-Z]", piece.strip()):
                section = "body"
            if re.match(r"^references\b", low):
                section = "references"
            sentences.append(Sentence(number, piece.strip(), section, len(sentences)))
    return DocumentText(arxiv_id=None, pages=pages, sentences=sentences,
                        title=pages[0].strip().splitlines()[0] if pages and pages[0].strip() else "")


def read(path: Path, *, simple: bool = False) -> DocumentText:
    if simple:
        return _simple_read(path)
    # As the pipeline reads: the text reader keeps the word boxes of the result-table pages.
    return read_document(path, word_pages=result_table_pages)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("pdf_dir", type=Path)
    ap.add_argument("gold", type=Path)
    ap.add_argument("--out", type=Path, default=Path("results-predictions.jsonl"))
    ap.add_argument("--min-confidence", type=float, default=0.5)
    ap.add_argument("--scorer", type=Path, default=_DEFAULT_SCORER)
    ap.add_argument("--verbose", action="store_true", help="print every headline with its evidence")
    ap.add_argument("--simple-reader", action="store_true",
                    help="read PDFs with the plain fallback reader here (robustness to the text reader)")
    a = ap.parse_args(argv)

    gold_ids = [json.loads(line)["arxiv_id"] for line in a.gold.read_text().splitlines() if line.strip()]
    results_seconds = results_cpu = plain_cpu = 0.0
    with a.out.open("w", encoding="utf-8") as out:
        for arxiv_id in gold_ids:
            path = a.pdf_dir / f"{arxiv_id}.pdf"
            if not path.exists():
                print(f"missing {path}", file=sys.stderr)
                continue
            doc = read(path, simple=a.simple_reader)
            pdf = pymupdf.open(path)
            # Reference cost on the same machine and moment: plain text of every page.
            cpu = time.process_time()
            for page in pdf:
                page.get_text()
            plain_cpu += time.process_time() - cpu
            pdf.close()
            pdf = pymupdf.open(path)  # fresh document: no page cache from the reference read
            started, cpu = time.perf_counter(), time.process_time()
            candidates = extract_results(doc, pdf)
            results_seconds += time.perf_counter() - started
            results_cpu += time.process_time() - cpu
            pdf.close()
            best = [c for c in candidates if c.is_best]
            out.write(json.dumps({"arxiv_id": arxiv_id, "results": [c.score_item() for c in best]}) + "\n")
            if a.verbose:
                for c in best:
                    print(f"{arxiv_id:18} {c.attrs['dataset']:12} {c.attrs['metric']:15} {c.attrs['value']:7} "
                          f"conf={c.confidence:.2f} p{c.evidence.page} {c.evidence.section}: "
                          f"{c.evidence.sentence[:90]!r}")
    score = subprocess.run(
        [sys.executable, str(a.scorer), str(a.gold), str(a.out), "--min-confidence", str(a.min_confidence)],
        capture_output=True, text=True, check=False,
    )
    lines = score.stdout.splitlines()
    print("\n".join(line for line in lines if line.startswith(("field", "results"))) or score.stdout + score.stderr)
    print(f"results extraction: wall {results_seconds:.3f} s, CPU {results_cpu:.3f} s on {len(gold_ids)} papers; "
          f"plain get_text() CPU {plain_cpu:.3f} s (ratio {results_cpu / max(plain_cpu, 1e-9):.2f})")
    return score.returncode


if __name__ == "__main__":
    raise SystemExit(main())
