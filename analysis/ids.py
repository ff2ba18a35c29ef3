"""Paper identifiers: pull a bare arXiv id (no version) out of links and free text."""
from __future__ import annotations

import re

from extractors.arxiv_ids import NEW_ID, OLD_ID

# New-style ids (1706.03762, 2106.04560v1) and old-style ones (cs/0112017, hep-th/9901001v2).
# Old-style ids only with arXiv's real archive names: "arXiv:submit/3129194" is a submission number.
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf|html)/|arxiv:\s*)"
    rf"(?P<id>{NEW_ID}|{OLD_ID})(?:v\d+)?",
    re.IGNORECASE,
)
_BARE_ARXIV = re.compile(rf"^(?P<id>{NEW_ID}|{OLD_ID})(?:v\d+)?$", re.IGNORECASE)


def arxiv_id_from_text(text: object) -> str | None:
    """The first arXiv id in a link or citation ("https://arxiv.org/pdf/2205.01917v1.pdf" ->
    "2205.01917"), a bare id ("1706.03762v5" -> "1706.03762"), else None."""
    if text is None or not isinstance(text, str):
        return None
    stripped = text.strip()
    bare = _BARE_ARXIV.match(stripped)
    if bare:
        return bare.group("id")
    found = _ARXIV_IN_TEXT.search(stripped)
    return found.group("id") if found else None


def all_arxiv_ids(text: object) -> list[str]:
    """Every distinct arXiv id in a text, in order of appearance."""
    if not isinstance(text, str):
        return []
    seen: list[str] = []
    for match in _ARXIV_IN_TEXT.finditer(text):
        if match.group("id") not in seen:
            seen.append(match.group("id"))
    return seen
