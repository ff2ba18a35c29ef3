"""Enough of the arXiv API's search_query grammar to answer the pipeline's queries.

Supported (see https://info.arxiv.org/help/api/user-manual.html#query_details):
  field prefixes   all: ti: abs: au: cat: co: jr: id:   (no prefix = all:)
  date ranges      submittedDate:[YYYYMMDDHHMM TO YYYYMMDDHHMM], lastUpdatedDate:[... TO ...]
                   (8, 12 or 14 digits; both ends inclusive)
  boolean          AND, OR, ANDNOT, parentheses; juxtaposed terms are ANDed; OR binds loosest
  terms            case-insensitive whole-word match; "quoted phrases" and terms containing
                   punctuation (CoNLL-2003) match consecutive words; a trailing * matches a prefix;
                   cat:cs.* matches an archive; au:del_maestro matches "Del Maestro".
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Protocol, Sequence, Union

FIELDS = ("all", "ti", "abs", "au", "cat", "co", "jr", "id", "rn")
DATE_FIELDS = {"submitteddate": "published", "lastupdateddate": "updated"}
OPERATORS = ("AND", "OR", "ANDNOT")


class QuerySyntaxError(ValueError):
    pass


class Searchable(Protocol):
    arxiv_id: str
    title: str
    abstract: str
    authors: Sequence[str]
    categories: Sequence[str]
    published: datetime
    updated: datetime


@dataclass(frozen=True)
class Term:
    field: str
    words: tuple[str, ...]  # lower-case words to match consecutively
    prefix: bool = False  # last word is a prefix (trailing *)
    raw: str = ""


@dataclass(frozen=True)
class DateRange:
    attribute: str  # "published" | "updated"
    start: datetime
    end: datetime


@dataclass(frozen=True)
class BoolOp:
    op: str  # AND | OR | ANDNOT
    left: "Node"
    right: "Node"


Node = Union[Term, DateRange, BoolOp]


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


# ---------------------------------------------------------------- lexing

def _lex(query: str) -> list[str]:
    tokens, i, n = [], 0, len(query)
    while i < n:
        ch = query[i]
        if ch.isspace():
            i += 1
        elif ch in "()":
            tokens.append(ch)
            i += 1
        else:
            j = i
            while j < n and not query[j].isspace() and query[j] not in "()":
                if query[j] == '"':  # a quoted phrase runs to the closing quote, spaces included
                    close = query.find('"', j + 1)
                    j = n if close < 0 else close + 1
                elif query[j] == "[":  # a date range runs to the closing bracket
                    close = query.find("]", j + 1)
                    j = n if close < 0 else close + 1
                else:
                    j += 1
            tokens.append(query[i:j])
            i = j
    return tokens


def _parse_date(text: str, end: bool) -> datetime:
    digits = text.strip()
    if not re.fullmatch(r"\d{8}|\d{12}|\d{14}", digits):
        raise QuerySyntaxError(f"bad date {text!r}: expected YYYYMMDD[HHMM[SS]]")
    padded = digits + ("235959" if end else "000000")[len(digits) - 8:]
    return datetime.strptime(padded, "%Y%m%d%H%M%S").replace(tzinfo=timezone.utc)


def _leaf(token: str) -> Node:
    field, value = "all", token
    m = re.fullmatch(r"([A-Za-z]+):(.*)", token, flags=re.S)
    if m and (m.group(1).lower() in FIELDS or m.group(1).lower() in DATE_FIELDS):
        field, value = m.group(1).lower(), m.group(2)
    if field in DATE_FIELDS:
        rm = re.fullmatch(r"\[\s*(\S+)\s+TO\s+(\S+)\s*\]", value)
        if not rm:
            raise QuerySyntaxError(f"bad date range {value!r}")
        return DateRange(DATE_FIELDS[field], _parse_date(rm.group(1), False), _parse_date(rm.group(2), True))
    value = value.strip('"')
    if field == "au":
        value = value.replace("_", " ")
    prefix = value.endswith("*")
    if field == "cat":
        return Term("cat", (value.rstrip("*").lower(),), prefix=prefix or value.endswith(".*"), raw=token)
    found = tuple(words(value.rstrip("*")))
    if not found:
        raise QuerySyntaxError(f"empty term {token!r}")
    return Term(field, found, prefix=prefix, raw=token)


# ---------------------------------------------------------------- parsing

class _Parser:
    def __init__(self, tokens: list[str]):
        self.tokens, self.pos = tokens, 0

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.tokens[self.pos]
        self.pos += 1
        return token

    def parse(self) -> Node:
        node = self.or_expr()
        if self.peek() is not None:
            raise QuerySyntaxError(f"unexpected {self.peek()!r}")
        return node

    def or_expr(self) -> Node:
        node = self.and_expr()
        while self.peek() == "OR":
            self.take()
            node = BoolOp("OR", node, self.and_expr())
        return node

    def and_expr(self) -> Node:
        node = self.atom()
        while self.peek() not in (None, ")", "OR"):
            op = self.take() if self.peek() in ("AND", "ANDNOT") else "AND"
            node = BoolOp(op, node, self.atom())
        return node

    def atom(self) -> Node:
        token = self.peek()
        if token is None:
            raise QuerySyntaxError("query ends where a term was expected")
        if token == "(":
            self.take()
            node = self.or_expr()
            if self.peek() != ")":
                raise QuerySyntaxError("missing )")
            self.take()
            return node
        if token in OPERATORS or token == ")":
            raise QuerySyntaxError(f"unexpected {token!r}")
        return _leaf(self.take())


def parse_query(query: str) -> Node | None:
    """The query's syntax tree; None for an empty query (which matches nothing on arXiv)."""
    tokens = _lex(query)
    return _Parser(tokens).parse() if tokens else None


# ---------------------------------------------------------------- matching

def _contains(haystack: list[str], term: Term) -> int:
    """How often the term's words occur consecutively in `haystack`."""
    n, hits = len(term.words), 0
    for i in range(len(haystack) - n + 1):
        window = haystack[i:i + n]
        if window[:-1] == list(term.words[:-1]) and (
                window[-1] == term.words[-1] or (term.prefix and window[-1].startswith(term.words[-1]))):
            hits += 1
    return hits


def _field_texts(paper: Searchable, field: str) -> list[list[str]]:
    get = lambda name: getattr(paper, name, None) or ""  # noqa: E731 - optional attributes
    if field == "ti":
        return [words(paper.title)]
    if field == "abs":
        return [words(paper.abstract)]
    if field == "au":
        return [words(a) for a in paper.authors]
    if field == "co":
        return [words(get("comment"))]
    if field == "jr":
        return [words(get("journal_ref"))]
    if field in ("id", "rn"):
        return [words(paper.arxiv_id)]
    return [words(paper.title), words(paper.abstract), *(words(a) for a in paper.authors),
            words(get("comment")), words(" ".join(paper.categories))]


def score(node: Node | None, paper: Searchable) -> int:
    """0 when the paper does not match; otherwise a relevance score (term hits, at least 1)."""
    if node is None:
        return 0
    if isinstance(node, DateRange):
        when = getattr(paper, node.attribute)
        return 1 if node.start <= when <= node.end else 0
    if isinstance(node, Term):
        if node.field == "cat":
            want = node.words[0]
            cats = [c.lower() for c in paper.categories]
            if node.prefix:
                stem = want.rstrip(".*")
                return int(any(c == stem or c.startswith(stem + ".") for c in cats))
            return int(want in cats)
        return sum(_contains(text, node) for text in _field_texts(paper, node.field))
    left = score(node.left, paper)
    if node.op == "AND":
        right = score(node.right, paper) if left else 0
        return left + right if left and right else 0
    if node.op == "ANDNOT":
        return left if left and not score(node.right, paper) else 0
    right = score(node.right, paper)
    return left + right
