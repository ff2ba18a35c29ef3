"""`progress review ...`: the review queue for low-confidence extractions (logic lives in review/)."""
from __future__ import annotations

import getpass
import json
import os
import sys
from pathlib import Path
from typing import Optional

import typer
from rich.console import Console

from cli.app_state import AppContext, check_task, database_failure, fail
from db.engine import session_scope

review_app = typer.Typer(help="Review low-confidence extractions: they stay out of the regressions until accepted.",
                         no_args_is_help=True)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(review_app, name="review")  # once: cli.main._register_groups keeps track


def _database(obj: AppContext) -> str:
    """The configured database, migrated. Not `obj.url`: that also sets up the arXiv rate limit through
    Prefect (which starts an ephemeral Prefect server, about a minute), and reviewing needs neither."""
    from db.migrate import upgrade_to_head

    url = obj.config.database_url
    try:
        upgrade_to_head(url)
    except Exception as exc:  # an unreachable or foreign database: one line, not a traceback
        database_failure(obj, exc)
    return url


def _reviewer(name: str | None) -> str:
    if name:
        return name
    try:
        return os.environ.get("USER") or getpass.getuser()
    except (KeyError, OSError):
        fail("no reviewer name: pass --reviewer NAME")


_REVIEWER = typer.Option(None, "--reviewer", help="Who decides (default: $USER)")
_NOTE = typer.Option(None, "--note", help="Why (kept with the decision)")
_FIELD = typer.Option(None, "--field", help="hardware | training_time | stated_compute | throughput | results | "
                                             "forward_flops | parameters | epochs | steps | training_tokens | training_set")
_TASK = typer.Option(None, "--task", help="Only papers found by this task's query")
_PAPER = typer.Option(None, "--paper", help="Only this arXiv id")


@review_app.command("list")
def list_command(ctx: typer.Context, task: Optional[str] = _TASK, field: Optional[str] = _FIELD,
                 paper: Optional[str] = _PAPER,
                 below: Optional[float] = typer.Option(None, "--below", help="Confidence below this"),
                 above: Optional[float] = typer.Option(None, "--above", help="Confidence at least this"),
                 status: str = typer.Option("pending", "--status", help="pending | decided | all"),
                 limit: Optional[int] = typer.Option(None, "--limit", help="At most this many"),
                 as_json: bool = typer.Option(False, "--json", help="JSON array for scripts")) -> None:
    """The review queue: pending candidates below the threshold (or decided ones, or all)."""
    from review.queue import QueueFilter, ReviewError, list_queue
    from review.terminal import print_queue

    obj: AppContext = ctx.obj
    try:
        filters = QueueFilter(status=status, task=check_task(obj, task), field=field, paper=paper, below=below, above=above,
                              limit=limit)
        with session_scope(_database(obj)) as session:
            items = list_queue(session, min_confidence=obj.config.review.min_confidence, filters=filters)
    except ReviewError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps([item.as_json() for item in items], indent=1, default=str))
    else:
        print_queue(console, items, f"Review queue: {len(items)} {status} "
                                    f"(threshold {obj.config.review.min_confidence:.2f})")


@review_app.command("show")
def show_command(ctx: typer.Context, item_id: str = typer.Argument(..., metavar="ID", help="Candidate id or key prefix"),
                 around: int = typer.Option(2, "--around", help="Sentences of context before and after"),
                 image: bool = typer.Option(True, "--image/--no-image", help="Render the evidence image"),
                 as_json: bool = typer.Option(False, "--json", help="JSON object for scripts")) -> None:
    """One candidate: value, highlighted sentence, context, evidence image, the other candidates."""
    from review.detail import item_detail
    from review.queue import ReviewError
    from review.terminal import print_detail

    obj: AppContext = ctx.obj
    try:
        with session_scope(_database(obj)) as session:
            detail = item_detail(session, obj.config, item_id, render_image=image, around=around)
    except ReviewError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps(detail.as_json(), indent=1, default=str))
    else:
        print_detail(console, detail)


def _decide(ctx: typer.Context, item_id: str, action: str, reviewer: str | None, note: str | None,
            value: str | None = None, assignments: list[str] | None = None) -> None:
    from review.decisions import decide, parse_attr_assignments
    from review.queue import ReviewError

    obj: AppContext = ctx.obj
    try:
        attrs = parse_attr_assignments(assignments) if assignments else None
        with session_scope(_database(obj)) as session:
            outcome = decide(session, obj.config, item_id, action, reviewer=_reviewer(reviewer), value=value,
                             attrs=attrs, note=note)
    except ReviewError as exc:
        fail(str(exc))
    replaced = f" (replaces an earlier {outcome.replaced})" if outcome.replaced else ""
    console.print(f"#{outcome.item.id} {outcome.item.field}: {outcome.item.state}{replaced} -> "
                  f"{outcome.item.summary()}. Results updated; compute and fits follow at the next refit.",
                  highlight=False)


@review_app.command("accept")
def accept_command(ctx: typer.Context, item_id: str = typer.Argument(..., metavar="ID"),
                   reviewer: Optional[str] = _REVIEWER, note: Optional[str] = _NOTE) -> None:
    """The value is right: it enters the regressions whatever its confidence."""
    _decide(ctx, item_id, "accept", reviewer, note)


@review_app.command("reject")
def reject_command(ctx: typer.Context, item_id: str = typer.Argument(..., metavar="ID"),
                   reviewer: Optional[str] = _REVIEWER, note: Optional[str] = _NOTE) -> None:
    """The value is wrong: it is dropped, and stays dropped when the paper is extracted again."""
    _decide(ctx, item_id, "reject", reviewer, note)


@review_app.command("correct")
def correct_command(ctx: typer.Context, item_id: str = typer.Argument(..., metavar="ID"),
                    value: Optional[str] = typer.Option(None, "--value", help="The right headline number "
                                                        "(chip count, hours, FLOPs, FLOP/s or score)"),
                    assignments: Optional[list[str]] = typer.Option(None, "--set", help="Other attributes, "
                                                                    "e.g. --set chip=A100 (repeatable)"),
                    reviewer: Optional[str] = _REVIEWER, note: Optional[str] = _NOTE) -> None:
    """The value is wrong and this is the right one: the correction wins over any extracted value."""
    _decide(ctx, item_id, "correct", reviewer, note, value=value, assignments=assignments)


@review_app.command("next")
def next_command(ctx: typer.Context, task: Optional[str] = _TASK, field: Optional[str] = _FIELD,
                 paper: Optional[str] = _PAPER, reviewer: Optional[str] = _REVIEWER,
                 image: bool = typer.Option(True, "--image/--no-image", help="Render evidence images")) -> None:
    """Walk the pending queue: a accept, r reject, c correct, s skip, q quit (one key each)."""
    from review.queue import QueueFilter, ReviewError
    from review.walk import terminal_input, walk_queue

    obj: AppContext = ctx.obj
    try:
        walk_queue(_database(obj), obj.config, QueueFilter(task=check_task(obj, task), field=field, paper=paper),
                   reviewer=_reviewer(reviewer), console=console, keys=terminal_input(sys.stdin),
                   render_image=image)
    except ReviewError as exc:
        fail(str(exc))


@review_app.command("export")
def export_command(ctx: typer.Context,
                   out: Optional[Path] = typer.Option(None, "--out", help="JSONL file (default: stdout)")) -> None:
    """Accepted and corrected values as evaluation labels (the scorer's JSONL format)."""
    from review.export import review_labels, write_jsonl

    obj: AppContext = ctx.obj
    with session_scope(_database(obj)) as session:
        labels = review_labels(session)
    if out is None:
        write_jsonl(labels, sys.stdout)
        return
    out.parent.mkdir(parents=True, exist_ok=True)
    with out.open("w", encoding="utf-8") as fh:
        count = write_jsonl(labels, fh)
    Console(stderr=True, soft_wrap=True).print(f"{count} papers with reviewed labels -> {out}", highlight=False)


@review_app.command("serve")
def serve_command(ctx: typer.Context, host: str = typer.Option("127.0.0.1", "--host", help="Loopback address"),
                  port: int = typer.Option(8765, "--port", help="0 picks a free port"),
                  reviewer: Optional[str] = _REVIEWER) -> None:
    """A local web page for reviewers: the queue, each candidate with its evidence image, the decisions."""
    from review.web import make_server

    obj: AppContext = ctx.obj
    if host not in ("127.0.0.1", "localhost"):
        fail("the review page serves the loopback address only (--host 127.0.0.1)")
    try:
        server = make_server(_database(obj), obj.config, reviewer=_reviewer(reviewer), host=host, port=port)
    except OSError as exc:
        fail(f"cannot listen on {host}:{port}: {exc}")
    console.print(f"Review page at {server.base_url}/  (Ctrl-C stops it)", highlight=False)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
