"""Loopback arXiv stand-in (standin.server.StandIn) and the synthetic sample corpus (standin.corpus).

Imports are lazy so `import standin.query` does not pull in PyMuPDF.
"""
from __future__ import annotations

from typing import Any

__all__ = ["StandIn", "SamplePaper", "sample_papers", "build_pdf", "write_corpus", "write_labels_jsonl"]


def __getattr__(name: str) -> Any:
    if name == "StandIn":
        from standin.server import StandIn
        return StandIn
    if name in __all__:
        from standin import corpus
        return getattr(corpus, name)
    raise AttributeError(name)
