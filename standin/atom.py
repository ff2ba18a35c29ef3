"""Atom feeds shaped like export.arxiv.org/api/query responses (recorded examples: shared/corpus/atom).

The `arxiv` client (4.x, arxiv/_feed.py) reads: opensearch totalResults/startIndex/itemsPerPage;
per entry id, updated, published, title, summary, author/name (+ arxiv:affiliation), link
(href, rel, type, title="pdf"), category/@term, arxiv:primary_category/@term, arxiv:comment,
arxiv:journal_ref, arxiv:doi.
"""
from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timezone
from typing import Any, Sequence
from xml.sax.saxutils import escape, quoteattr

ATOM_NS = "http://www.w3.org/2005/Atom"
ARXIV_NS = "http://arxiv.org/schemas/atom"
OPENSEARCH_NS = "http://a9.com/-/spec/opensearch/1.1/"


def _ts(when: datetime) -> str:
    return when.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_xml(paper: Any, version: int, updated: datetime, base_url: str) -> str:
    """One <entry>. `base_url` is the stand-in's own root, so abs/pdf links point back at it."""
    vid = f"{paper.arxiv_id}v{version}"
    lines = [
        "  <entry>",
        f"    <id>http://arxiv.org/abs/{vid}</id>",
        f"    <title>{escape(paper.title)}</title>",
        f"    <updated>{_ts(updated)}</updated>",
        f'    <link href={quoteattr(f"{base_url}/abs/{vid}")} rel="alternate" type="text/html"/>',
        f'    <link href={quoteattr(f"{base_url}/pdf/{vid}")} rel="related" type="application/pdf" title="pdf"/>',
        f"    <summary>{escape(paper.abstract)}</summary>",
    ]
    for cat in paper.categories:
        lines.append(f'    <category term={quoteattr(cat)} scheme="http://arxiv.org/schemas/atom"/>')
    lines.append(f"    <published>{_ts(paper.published)}</published>")
    for tag in ("comment", "journal_ref", "doi"):
        value = getattr(paper, tag, None)
        if value:
            lines.append(f"    <arxiv:{tag}>{escape(value)}</arxiv:{tag}>")
    lines.append(f"    <arxiv:primary_category term={quoteattr(paper.primary_category)}/>")
    for author in paper.authors:
        lines.append(f"    <author>\n      <name>{escape(author)}</name>\n    </author>")
    lines.append("  </entry>")
    return "\n".join(lines)


def feed_xml(query_title: str, self_link: str, total: int, start: int, per_page: int,
             entries: Sequence[str], now: datetime | None = None) -> bytes:
    feed_id = base64.b64encode(hashlib.sha1(self_link.encode()).digest()).decode()[:27]
    head = [
        "<?xml version='1.0' encoding='UTF-8'?>",
        f'<feed xmlns:opensearch="{OPENSEARCH_NS}" xmlns:arxiv="{ARXIV_NS}" xmlns="{ATOM_NS}">',
        f"  <id>https://arxiv.org/api/{feed_id}</id>",
        f"  <title>{escape(query_title)}</title>",
        f"  <updated>{_ts(now or datetime.now(timezone.utc))}</updated>",
        f'  <link href={quoteattr(self_link)} type="application/atom+xml"/>',
        f"  <opensearch:itemsPerPage>{per_page}</opensearch:itemsPerPage>",
        f"  <opensearch:totalResults>{total}</opensearch:totalResults>",
        f"  <opensearch:startIndex>{start}</opensearch:startIndex>",
    ]
    return ("\n".join(head + list(entries) + ["</feed>", ""])).encode("utf-8")


def error_feed(message: str, self_link: str) -> bytes:
    """arXiv answers a malformed query with HTTP 400 and a single <entry> titled "Error"."""
    entry = (f"  <entry>\n    <id>http://arxiv.org/api/errors</id>\n    <title>Error</title>\n"
             f"    <summary>{escape(message)}</summary>\n  </entry>")
    return feed_xml("arXiv Query: error", self_link, 1, 0, 1, [entry])
