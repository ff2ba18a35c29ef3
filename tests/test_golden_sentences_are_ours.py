"""Golden test strings are our own wording: none shares six consecutive words with a corpus paper.

Tests that quote the papers we measure on would measure memory, not extraction: a rule tuned to pass
a copied sentence passes the corpus too, and says nothing about papers nobody tuned it for. Every
string literal in tests/ is compared, as lowercase word 6-grams, with the text of ../shared/corpus/pdfs.
Only boilerplate that every paper shares (venue header lines) is exempt.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pymupdf
import pytest

pytestmark = pytest.mark.corpus

N = 6
WORD = re.compile(r"[a-z0-9]+(?:[.,][0-9]+)*")
# Venue header lines are a form the text reader must skip, the same words in thousands of papers.
BOILERPLATE = re.compile(r"\b(?:published|under review|accepted) as a (?:conference|workshop) paper at\b", re.I)
TESTS = Path(__file__).resolve().parent


def _grams(text: str) -> set[tuple[str, ...]]:
    words = WORD.findall(text.lower())
    return {tuple(words[i:i + N]) for i in range(len(words) - N + 1)}


@pytest.fixture(scope="module")
def corpus_grams(shared_corpus: Path) -> set[tuple[str, ...]]:
    grams: set[tuple[str, ...]] = set()
    for pdf_path in sorted((shared_corpus / "pdfs").glob("*.pdf")):
        with pymupdf.open(pdf_path) as pdf:
            grams |= _grams(" ".join(page.get_text() for page in pdf))
    return grams


def _string_literals(path: Path):
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and not BOILERPLATE.search(node.value):
            yield node.lineno, node.value


def test_the_check_finds_a_copied_sentence():
    paper = "In this work we trained the whole network on eight accelerators for nine days straight."
    quoted = "We note that we trained the whole network on eight accelerators."
    assert _grams(paper) & _grams(quoted)
    assert not _grams(paper) & _grams("The network ran for nine days on eight accelerators.")


def test_no_test_string_quotes_a_corpus_paper(corpus_grams):
    copied = []
    for path in sorted(TESTS.rglob("*.py")):
        for line, text in _string_literals(path):
            shared = _grams(text) & corpus_grams
            if shared:
                copied.append(f"{path.relative_to(TESTS)}:{line}: {' '.join(sorted(shared)[0])!r} in {text[:80]!r}")
    assert not copied, "test strings that quote a corpus paper:\n" + "\n".join(copied)
