"""`progress review serve`: a small local web page for reviewers (stdlib http.server, 127.0.0.1).

Pages: `/` the queue (query string: status, field, task, paper, below, above), `/item/<id>` one
candidate with its evidence image and the accept / reject / correct form, `/evidence/<id>.png`, and
`/api/queue`, `/api/item/<id>` with the same JSON as `list --json` and `show --json`.

Plain HTML forms, no JavaScript. Every form carries a per-server token and requests must name this
host, so another web page open in the reviewer's browser cannot post decisions to it.
"""
from __future__ import annotations

import html
import json
import secrets
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from db.engine import session_scope
from review.decisions import decide, parse_attr_assignments
from review.detail import ItemDetail, item_detail
from review.queue import FIELDS_IN_ORDER, QueueFilter, ReviewError, ReviewItem, list_queue
from settings.config import Config

_STYLE = """
body{font:15px/1.45 system-ui,sans-serif;margin:1.5em auto;max-width:70em;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3em .5em;text-align:left;vertical-align:top}
mark{background:#ffe066;padding:0 .1em}.ctx{color:#777}.state-pending{color:#b58900}.state-accepted{color:#2a7}
.state-rejected{color:#c33}.state-corrected{color:#268bd2}img{max-width:100%;border:1px solid #ccc}
form.decide{margin:1em 0;padding:.8em;background:#f6f6f6}form.decide button{margin-right:.5em}
input[type=text]{width:14em}.msg{padding:.5em;background:#eef}.err{padding:.5em;background:#fdd}
"""
_LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]"}


class ReviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], url: str, config: Config, reviewer: str):
        super().__init__(address, _Handler)
        self.database_url = url
        self.config = config
        self.reviewer = reviewer
        self.token = secrets.token_urlsafe(16)

    @property
    def base_url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"


def make_server(url: str, config: Config, *, reviewer: str, host: str = "127.0.0.1", port: int = 8765) -> ReviewServer:
    """A server bound to `host`:`port` (0 picks a free port); call serve_forever() to run it."""
    return ReviewServer((host, port), url, config, reviewer)


class _Handler(BaseHTTPRequestHandler):
    server: ReviewServer

    def log_message(self, format: str, *args) -> None:  # noqa: A002 - the stdlib's signature
        pass  # keep the reviewer's terminal quiet; errors are shown on the page

    # -- routing ---------------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        if not self._host_allowed():
            return
        url = urlparse(self.path)
        query = {k: v[-1] for k, v in parse_qs(url.query).items()}
        parts = [p for p in url.path.split("/") if p]
        try:
            if not parts:
                self._html(self._queue_page(query))
            elif parts == ["api", "queue"]:
                self._json([item.as_json() for item in self._queue(query)])
            elif len(parts) == 3 and parts[:2] == ["api", "item"]:
                self._json(self._detail(parts[2]).as_json())
            elif len(parts) == 2 and parts[0] == "item":
                self._html(self._item_page(self._detail(parts[1], render_image=False), query.get("msg")))
            elif len(parts) == 2 and parts[0] == "evidence" and parts[1].endswith(".png"):
                self._evidence(parts[1][:-4])
            else:
                self._error(HTTPStatus.NOT_FOUND, "no such page")
        except ReviewError as exc:
            self._error(HTTPStatus.NOT_FOUND, str(exc))

    def do_POST(self) -> None:  # noqa: N802
        if not self._host_allowed():
            return
        parts = [p for p in urlparse(self.path).path.split("/") if p]
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[-1] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}
        if len(parts) != 2 or parts[0] != "item":
            return self._error(HTTPStatus.NOT_FOUND, "no such form")
        if not secrets.compare_digest(form.get("token", ""), self.server.token):
            return self._error(HTTPStatus.FORBIDDEN, "stale or foreign form: reload the page")
        item_id, action = parts[1], form.get("action", "")
        if action == "skip":
            return self._redirect(self._next_after(item_id))
        try:
            attrs = parse_attr_assignments(form.get("attrs", "").split()) if action == "correct" else None
            with session_scope(self.server.database_url) as session:
                outcome = decide(session, self.server.config, item_id, action,
                                 reviewer=form.get("reviewer") or self.server.reviewer,
                                 value=(form.get("value") or None) if action == "correct" else None,
                                 attrs=attrs or None, note=form.get("note"))
        except ReviewError as exc:
            return self._redirect(f"/item/{item_id}?" + urlencode({"msg": f"error: {exc}"}))
        done = f"#{outcome.item.id} {outcome.item.state}: {outcome.item.summary()}"
        target = self._next_after(item_id)
        self._redirect(target + ("&" if "?" in target else "?") + urlencode({"msg": done}))

    # -- data --------------------------------------------------------------------------------------
    def _queue(self, query: dict[str, str]) -> list[ReviewItem]:
        task = query.get("task") or None
        if task is not None and task not in self.server.config.tasks:  # as `review list --task` refuses it
            raise ReviewError(f"unknown task {task}; configured: {', '.join(self.server.config.tasks)}")
        filters = QueueFilter(status=query.get("status") or "pending", task=query.get("task") or None,
                              field=query.get("field") or None, paper=query.get("paper") or None,
                              below=_float(query.get("below")), above=_float(query.get("above")), limit=500)
        with session_scope(self.server.database_url) as session:
            return list_queue(session, min_confidence=self.server.config.review.min_confidence, filters=filters)

    def _detail(self, ref: str, *, render_image: bool = True) -> ItemDetail:
        with session_scope(self.server.database_url) as session:
            return item_detail(session, self.server.config, ref, render_image=render_image)

    def _next_after(self, item_id: str) -> str:
        """The next pending item after `item_id` in queue order (wrapping round), else the queue."""
        pending = [item.id for item in self._queue({})]
        order = [item.id for item in self._queue({"status": "all"})]
        here = order.index(int(item_id)) if item_id.isdigit() and int(item_id) in order else -1
        rank = {id_: position for position, id_ in enumerate(order)}
        later = [i for i in pending if rank.get(i, -1) > here]
        remaining = [i for i in pending if str(i) != item_id]
        target = later[0] if later else (remaining[0] if remaining else None)
        return f"/item/{target}" if target is not None else "/"

    def _evidence(self, ref: str) -> None:
        image = self._detail(ref).evidence
        if image is None:
            return self._error(HTTPStatus.NOT_FOUND, "no evidence image: the PDF is not in the cache")
        self._send(HTTPStatus.OK, "image/png", Path(image.path).read_bytes())

    # -- pages -------------------------------------------------------------------------------------
    def _queue_page(self, query: dict[str, str]) -> str:
        items = self._queue(query)
        status = query.get("status") or "pending"
        options = "".join(f'<option{" selected" if s == status else ""}>{s}</option>' for s in ("pending", "decided", "all"))
        fields = "".join(f'<option{" selected" if f == query.get("field") else ""}>{f}</option>' for f in FIELDS_IN_ORDER)
        rows = "".join(
            f'<tr><td><a href="/item/{i.id}">#{i.id}</a></td><td>{_e(i.arxiv_id)}</td><td>{_e(i.field)}</td>'
            f'<td>{_e(i.summary())}</td><td>{i.confidence:.2f}</td><td class="state-{i.state}">{i.state}</td>'
            f'<td>{_e(_short(i.sentence or i.raw_text, 100))}</td></tr>' for i in items)
        filters = (f'<form method="get">status <select name="status">{options}</select> '
                   f'field <select name="field"><option value="">any</option>{fields}</select> '
                   f'task <input type="text" name="task" value="{_e(query.get("task", ""))}"> '
                   f'paper <input type="text" name="paper" value="{_e(query.get("paper", ""))}"> '
                   f'<button>filter</button></form>')
        body = (f"<h1>Review queue</h1><p>{len(items)} candidates ({_e(status)}); values below confidence "
                f"{self.server.config.review.min_confidence:.2f} stay out of the regressions until reviewed.</p>"
                f"{filters}<table id='queue'><tr><th>id</th><th>paper</th><th>field</th><th>value</th><th>conf</th>"
                f"<th>state</th><th>sentence</th></tr>{rows}</table>")
        return _page("Review queue", body)

    def _item_page(self, detail: ItemDetail, message: str | None) -> str:
        item = detail.item
        before, match, after = detail.sentence_parts
        context = "".join(f'<p class="ctx">{_e(s)}</p>' for s in detail.context.before)
        context += f'<p id="sentence">{_e(before)}<mark>{_e(match)}</mark>{_e(after)}</p>'
        context += "".join(f'<p class="ctx">{_e(s)}</p>' for s in detail.context.after)
        decision = ""
        if item.decision is not None:
            d = item.decision
            decision = (f"<p>Decision: <b>{_e(d.action)}</b> by {_e(d.reviewer)} at {d.decided_at:%Y-%m-%d %H:%M}"
                        f"{' — ' + _e(d.note) if d.note else ''} (a new decision replaces it)</p>")
        others = "".join(
            f'<tr><td><a href="/item/{o.id}">#{o.id}</a></td><td>{"best" if o.is_best else ""}</td>'
            f'<td>{_e(o.summary())}</td><td>{o.confidence:.2f}</td><td class="state-{o.state}">{o.state}</td>'
            f'<td>p{o.page}: {_e(_short(o.sentence or "", 100))}</td></tr>' for o in detail.others)
        image = (f'<p><img id="evidence" alt="evidence on page {item.page}" src="/evidence/{item.id}.png"></p>'
                 if item.pdf_path else "<p>No cached PDF: no evidence image.</p>")
        note = (f'<p class="{"err" if message.startswith("error") else "msg"}" id="message">{_e(message)}</p>'
                if message else "")
        form = (f'<form class="decide" method="post" action="/item/{item.id}">'
                f'<input type="hidden" name="token" value="{self.server.token}">'
                f'reviewer <input type="text" name="reviewer" value="{_e(self.server.reviewer)}"> '
                f'note <input type="text" name="note"><br><br>'
                f'<button name="action" value="accept" accesskey="a">Accept</button>'
                f'<button name="action" value="reject" accesskey="r">Reject</button>'
                f'<button name="action" value="skip" accesskey="s">Skip</button> '
                f'| correct to <input type="text" name="value" placeholder="{_e(item.field)} value"> '
                f'<input type="text" name="attrs" placeholder="key=value …"> '
                f'<button name="action" value="correct" accesskey="c">Correct</button></form>')
        body = (f'<p><a href="/">← queue</a></p>{note}<h1>#{item.id} {_e(item.field)}: {_e(item.summary())}</h1>'
                f'<p>{_e(item.arxiv_id)} — {_e(item.title)}<br>confidence {item.confidence:.2f} '
                f'(threshold {detail.threshold:.2f}), state <span class="state-{item.state}" id="state">{item.state}'
                f'</span>, page {item.page}, {_e(item.section or "")}, {_e(item.extractor)}</p>{decision}'
                f'{context}{form}{image}<h2>Other {_e(item.field)} candidates in this paper</h2>'
                f'<table>{others or "<tr><td>none</td></tr>"}</table>')
        return _page(f"#{item.id} {item.field}", body)

    # -- responses ---------------------------------------------------------------------------------
    def _host_allowed(self) -> bool:
        host = (self.headers.get("Host") or "").rsplit(":", 1)[0]
        if host in _LOCAL_HOSTS or host == self.server.server_address[0]:
            return True
        self._error(HTTPStatus.FORBIDDEN, "this page only answers on its own loopback address")
        return False

    def _html(self, text: str) -> None:
        self._send(HTTPStatus.OK, "text/html; charset=utf-8", text.encode("utf-8"))

    def _json(self, data) -> None:
        self._send(HTTPStatus.OK, "application/json", json.dumps(data, default=str).encode("utf-8"))

    def _error(self, status: HTTPStatus, message: str) -> None:
        body = _page(str(status.value), f'<p><a href="/">← queue</a></p><p class="err">{_e(message)}</p>')
        self._send(status, "text/html; charset=utf-8", body.encode("utf-8"))

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.SEE_OTHER)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _send(self, status: HTTPStatus, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html><head><meta charset="utf-8"><title>{_e(title)}</title>'
            f"<style>{_STYLE}</style></head><body>{body}</body></html>")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _short(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _float(text: str | None) -> float | None:
    try:
        return float(text) if text else None
    except ValueError:
        raise ReviewError(f"not a number: {text!r}") from None
