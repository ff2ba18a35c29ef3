"""Draw a captioned table with rules on a PyMuPDF page, for the tests that read tables from PDFs they
render themselves."""
from __future__ import annotations

import pymupdf


def draw_table(page: pymupdf.Page, y: float, caption: str, header: list[tuple[float, str]],
               rows: list[tuple[str, list[str]]], xs: list[float]) -> float:
    """Caption at y, a rule above and below the header, one row per (label, cells) with the cells at
    `xs`, a closing rule; returns the y below the table."""
    page.insert_text((60, y), caption, fontsize=8)
    y += 26
    page.draw_line((52, y - 10), (560, y - 10))
    for x, text in header:
        page.insert_text((x, y), text, fontsize=8.5)
    y += 12
    page.draw_line((52, y - 8), (560, y - 8))
    for label, cells in rows:
        page.insert_text((60, y), label, fontsize=8.5)
        for x, text in zip(xs, cells):
            page.insert_text((x, y), text, fontsize=8.5)
        y += 12
    page.draw_line((52, y - 8), (560, y - 8))
    return y + 10
