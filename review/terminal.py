"""Terminal rendering of the queue and of one candidate (rich)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from review.queue import ReviewItem

if TYPE_CHECKING:  # importing review.detail loads PyMuPDF, which `list` does not need
    from review.detail import ItemDetail

STATE_STYLE = {"pending": "yellow", "accepted": "green", "corrected": "cyan", "rejected": "red",
               "auto": "dim", "unused": "dim"}


def print_queue(console: Console, items: list[ReviewItem], title: str) -> None:
    table = Table(title=title)
    for column in ("id", "paper", "field", "value", "conf", "state"):
        table.add_column(column, no_wrap=column not in ("value", "field"))
    table.add_column("page: sentence", overflow="fold")
    for item in items:
        style = STATE_STYLE.get(item.state, "")
        table.add_row(str(item.id), item.arxiv_id, item.field, escape(item.summary()), f"{item.confidence:.2f}",
                      f"[{style}]{item.state}[/{style}]" if style else item.state,
                      f"p{item.page or '?'}: " + escape(_shorten(item.sentence or item.raw_text, 90)))
    console.print(table)


def print_detail(console: Console, detail: "ItemDetail") -> None:
    item = detail.item
    style = STATE_STYLE.get(item.state, "")
    console.print(f"[bold]#{item.id}[/bold] {item.arxiv_id} — {escape(item.title)}", highlight=False)
    console.print(f"  field [bold]{item.field}[/bold]: [bold]{escape(item.summary())}[/bold]   "
                  f"confidence {item.confidence:.2f} (threshold {detail.threshold:.2f})   "
                  f"state [{style}]{item.state}[/{style}]", highlight=False)
    if item.decision is not None:
        d = item.decision
        note = f" — {escape(d.note)}" if d.note else ""
        console.print(f"  decision: {d.action} by {escape(d.reviewer)} at {d.decided_at:%Y-%m-%d %H:%M}{note}",
                      highlight=False)
        if d.action == "correct":
            console.print(f"  extracted value was: {escape(_attrs(item.attrs))}", highlight=False)
    console.print(f"  page {item.page}, section {item.section}, extractor {item.extractor} "
                  f"(version {item.extractor_version}), key {item.candidate_key}", highlight=False)
    before, match, after = detail.sentence_parts
    lines = [f"[dim]{escape(s)}[/dim]" for s in detail.context.before]
    lines.append(f"{escape(before)}[reverse bold]{escape(match)}[/reverse bold]{escape(after)}")
    lines += [f"[dim]{escape(s)}[/dim]" for s in detail.context.after]
    console.print("")
    for line in lines:
        console.print("  " + line, highlight=False)
    console.print("")
    if detail.evidence is not None:
        how = "match highlighted" if detail.evidence.highlighted else "match not found on the page: whole page"
        console.print(f"  evidence image: {detail.evidence.path} ({how})", highlight=False)
    elif item.pdf_path and detail.image_requested:
        console.print(f"  evidence image: none (PDF {item.pdf_path} not readable)", highlight=False)
    if detail.others:
        console.print(f"  other {item.field} candidates in this paper:")
        for other in detail.others:
            best = "best" if other.is_best else "    "
            console.print(f"    #{other.id:<6} {best} {other.confidence:.2f} {other.state:<9} "
                          f"{escape(other.summary())} — p{other.page}: {escape(_shorten(other.sentence or '', 70))}",
                          highlight=False)


def _attrs(attrs: dict) -> str:
    return ", ".join(f"{k}={v}" for k, v in attrs.items())


def _shorten(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"
