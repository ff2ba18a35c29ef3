"""arXiv identifiers as they appear on a PDF: the margin stamp arXiv prints on page 1 and the names of
arXiv's bulk PDFs. Pure text functions.

Old-style ids name an archive ("hep-th/9901001"); only arXiv's real archive names are accepted, so a
submission stamp such as "arXiv:submit/3129194 [cs.CL]" (printed on PDFs compiled before the paper
had an id) is not read as an id.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

# arXiv's archives of the old (pre-2007) identifier scheme.
OLD_ARCHIVES = (
    "acc-phys", "adap-org", "alg-geom", "ao-sci", "astro-ph", "atom-ph", "bayes-an", "chao-dyn", "chem-ph",
    "cmp-lg", "comp-gas", "cond-mat", "cs", "dg-ga", "funct-an", "gr-qc", "hep-ex", "hep-lat", "hep-ph",
    "hep-th", "math", "math-ph", "mtrl-th", "nlin", "nucl-ex", "nucl-th", "patt-sol", "physics",
    "plasm-ph", "q-alg", "q-bio", "quant-ph", "solv-int", "supr-con",
)
_ARCHIVE = "(?:" + "|".join(re.escape(a) for a in sorted(OLD_ARCHIVES, key=len, reverse=True)) + r")(?:\.[A-Z]{2})?"
NEW_ID = r"\d{4}\.\d{4,5}"
OLD_ID = rf"{_ARCHIVE}/\d{{7}}"

# "arXiv:1706.03762v5 [cs.CL] 6 Dec 2017" (the vertical stamp on page 1) and old-style ids.
STAMP = re.compile(rf"arXiv:\s?(?P<id>{NEW_ID}|{OLD_ID})(?:v(?P<v>\d+))?\s*\[[A-Za-z.\-]+\]")
# Bulk file names: "1706.03762v5.pdf", "1706.03762.pdf", "hep-th_9901001v1.pdf" ("/" written as "_").
_FILE_NEW = re.compile(rf"^(?P<id>{NEW_ID})(?:v(?P<v>\d+))?$")
_FILE_OLD = re.compile(rf"^(?P<archive>{_ARCHIVE})[_/](?P<num>\d{{7}})(?:v(?P<v>\d+))?$")


@dataclass(frozen=True)
class ArxivRef:
    """An arXiv id without version, and the version when the source states it."""

    arxiv_id: str
    version: int | None = None


def stamp_ref(text: str) -> ArxivRef | None:
    """The id and version of the first arXiv stamp in `text` (page 1), else None."""
    match = STAMP.search(text or "")
    if not match:
        return None
    return ArxivRef(match.group("id"), int(match.group("v")) if match.group("v") else None)


def filename_ref(path: str | Path) -> ArxivRef | None:
    """The id and version an arXiv-style file name carries, else None."""
    stem = re.sub(r"\.pdf$", "", Path(path).name, flags=re.IGNORECASE)
    match = _FILE_NEW.match(stem)
    if match:
        return ArxivRef(match.group("id"), int(match.group("v")) if match.group("v") else None)
    match = _FILE_OLD.match(stem)
    if match:
        return ArxivRef(f"{match.group('archive')}/{match.group('num')}", int(match.group("v")) if match.group("v") else None)
    return None


def submission_month(arxiv_id: str) -> tuple[int, int] | None:
    """(year, month) of the first version, which the id itself encodes (YYMM.NNNNN or archive/YYMMNNN)."""
    digits = arxiv_id.split("/")[-1]
    if not digits[:4].isdigit() or not 1 <= int(digits[2:4]) <= 12:
        return None
    yy = int(digits[:2])
    return (1900 if yy >= 91 else 2000) + yy, int(digits[2:4])


def submission_year(arxiv_id: str) -> int | None:
    """The year of the first version (see submission_month)."""
    month = submission_month(arxiv_id)
    return month[0] if month else None
