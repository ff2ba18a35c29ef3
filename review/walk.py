"""`progress review next`: walk the pending queue, one keystroke per decision.

Keys: a accept, r reject, c correct (then the value, and a note), s skip, q quit. On a terminal a
single key is read (click's getchar); when stdin is not a terminal (a pipe, a script, a test) each
key is one line, so a walk can be scripted.

Typer ships its own copy of click (typer._click); its getchar/prompt/echo are used because those are
the ones the `progress` command (and typer's test runner) drive.
"""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import Callable, TextIO

import typer
from rich.console import Console

from db.engine import session_scope
from review.decisions import decide, parse_attr_assignments
from review.detail import item_detail
from review.queue import QueueFilter, ReviewError, list_queue
from review.terminal import print_detail
from settings.config import Config

KEY_ACTIONS = {"a": "accept", "r": "reject", "c": "correct", "s": "skip", "q": "quit"}
PROMPT = "[a]ccept  [r]eject  [c]orrect  [s]kip  [q]uit"


@dataclass
class Input:
    """Where keys and lines come from. `key()` returns one lower-case character, "" at end of input."""

    key: Callable[[], str]
    line: Callable[[str], str | None]


@dataclass
class WalkSummary:
    counts: dict[str, int] = field(default_factory=lambda: {a: 0 for a in ("accept", "reject", "correct", "skip")})
    remaining: int = 0  # pending items not reached (quit or end of input)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # a closed or unusual stream: read lines
        return False


def terminal_input(stdin: TextIO | None = None) -> Input:
    stdin = stdin or sys.stdin
    if _is_terminal(stdin):
        def read_char() -> str:
            try:
                char = typer.getchar()
            except (KeyboardInterrupt, EOFError):  # Ctrl-C / Ctrl-D: stop the walk, keep what was decided
                return ""
            typer.echo(char)  # raw mode does not echo: show which key was taken
            return char.lower()[:1]

        return Input(key=read_char, line=lambda prompt: typer.prompt(prompt, default="", show_default=False))

    def read_line(prompt: str) -> str | None:
        typer.echo(f"{prompt}: ", nl=False)
        text = stdin.readline()
        typer.echo("")
        return None if text == "" else text.rstrip("\n")

    def read_key() -> str:
        while True:
            text = stdin.readline()
            if text == "":
                return ""
            if text.strip():
                return text.strip()[0].lower()

    return Input(key=read_key, line=read_line)


def walk_queue(url: str, config: Config, filters: QueueFilter, *, reviewer: str, console: Console, keys: Input,
               render_image: bool = True) -> WalkSummary:
    """Show each pending candidate matching `filters` and record the reviewer's decision on it."""
    filters = QueueFilter(**{**filters.__dict__, "status": "pending"})
    with session_scope(url) as session:
        ids = [item.id for item in list_queue(session, min_confidence=config.review.min_confidence, filters=filters)]
    summary = WalkSummary()
    for position, item_id in enumerate(ids, start=1):
        with session_scope(url) as session:
            try:
                detail = item_detail(session, config, item_id, render_image=render_image)
            except ReviewError:  # re-extracted while we walked: its id is gone
                continue
        if detail.item.state != "pending":  # decided meanwhile (another reviewer, the web page)
            continue
        console.rule(f"{position} of {len(ids)}")
        print_detail(console, detail)
        action = _decide_one(url, config, item_id, reviewer, console, keys)
        if action == "quit":
            summary.remaining = len(ids) - position + 1
            break
        summary.counts[action] += 1
    console.print("reviewed: " + ", ".join(f"{n} {a}" for a, n in summary.counts.items())
                  + (f"; {summary.remaining} left in the queue" if summary.remaining else ""), highlight=False)
    return summary


def _decide_one(url: str, config: Config, item_id: int, reviewer: str, console: Console, keys: Input) -> str:
    while True:
        console.print(PROMPT, highlight=False, markup=False)
        key = keys.key()
        if key == "":
            return "quit"
        action = KEY_ACTIONS.get(key)
        if action is None:
            console.print(f"unknown key {key!r}", highlight=False)
            continue
        if action in ("skip", "quit"):
            return action
        answer = note = None
        if action == "correct":
            answer = keys.line("correct value (a number, and/or key=value pairs)")
            if answer is None:
                return "quit"
            note = keys.line("note (optional)")
        try:
            value, attrs = _split_correction(answer) if answer is not None else (None, None)
            with session_scope(url) as session:
                outcome = decide(session, config, item_id, action, reviewer=reviewer, value=value, attrs=attrs,
                                 note=note)
        except ReviewError as exc:
            console.print(f"[red]{exc}[/red]", highlight=False)
            continue
        console.print(f"-> {outcome.item.state}: {outcome.item.summary()}", highlight=False)
        return action


def _split_correction(answer: str) -> tuple[str | None, dict]:
    """"77.1" -> ("77.1", {}); "16 chip=A100" -> ("16", {"chip": "A100"})."""
    words = answer.split()
    plain = " ".join(w for w in words if "=" not in w)  # several numbers fail as one bad number
    return (plain or None), parse_attr_assignments([w for w in words if "=" in w])
