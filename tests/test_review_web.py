"""The review web page on loopback: over HTTP with httpx, and in headless Chromium (driven through the
DevTools protocol) when Debian's chromium is installed — skipped otherwise."""
from __future__ import annotations

import base64
import json
import re
import shutil
import subprocess
import threading
import time

import httpx
import pytest
from sqlalchemy import select

from db import session_scope
from models import Result, ReviewDecision
from review.web import make_server
from test_review import build_database, item_id


@pytest.fixture
def served(tmp_path):
    config, url, _ = build_database(tmp_path)
    server = make_server(url, config, reviewer="webby", port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield config, url, server
    server.shutdown()
    server.server_close()
    thread.join(5)


def test_queue_item_evidence_and_json_pages(served):
    config, url, server = served
    top1 = item_id(url, config, "results", 76.5)
    with httpx.Client(base_url=server.base_url) as client:
        queue = client.get("/")
        assert queue.status_code == 200 and f'href="/item/{top1}"' in queue.text and "4 candidates" in queue.text
        assert "1 candidates" in client.get("/", params={"field": "stated_compute"}).text
        page = client.get(f"/item/{top1}")
        assert "Our model reaches <mark>76.5% top-1 accuracy</mark> on ImageNet." in page.text
        assert "We train our network on 8 NVIDIA V100 GPUs" in page.text and "78.1" in page.text
        assert f'src="/evidence/{top1}.png"' in page.text
        image = client.get(f"/evidence/{top1}.png")
        assert image.headers["content-type"] == "image/png" and image.content[:4] == b"\x89PNG"
        assert [i["value"] for i in client.get("/api/queue", params={"field": "results"}).json()] == [76.5, 6.5]
        detail = client.get(f"/api/item/{top1}").json()
        assert detail["match"] == "76.5% top-1 accuracy" and len(detail["others"]) == 2
        assert client.get("/item/999999").status_code == 404
        assert client.get("/nowhere").status_code == 404


def test_decisions_over_http_need_the_token_and_move_to_the_next_item(served):
    config, url, server = served
    top1, top5 = item_id(url, config, "results", 76.5), item_id(url, config, "results", 6.5)
    with httpx.Client(base_url=server.base_url) as client:
        forged = client.post(f"/item/{top1}", data={"action": "accept", "token": "guess"})
        assert forged.status_code == 403
        foreign = client.post(f"/item/{top1}", data={"action": "accept", "token": server.token},
                              headers={"Host": "evil.example:80"})
        assert foreign.status_code == 403
        done = client.post(f"/item/{top1}", data={"action": "correct", "value": "77.0", "note": "table 2",
                                                  "token": server.token, "reviewer": "eve"})
        assert done.status_code == 303 and done.headers["location"].startswith(f"/item/{top5}")
        bad = client.post(f"/item/{top5}", data={"action": "correct", "value": "lots", "token": server.token})
        assert bad.status_code == 303 and "error" in client.get(bad.headers["location"]).text
        client.post(f"/item/{top5}", data={"action": "reject", "token": server.token})
        skipped = client.post(f"/item/{item_id(url, config, 'stated_compute', 1.2e19)}",
                              data={"action": "skip", "token": server.token})
        assert skipped.status_code == 303
    with session_scope(url) as s:
        decisions = {d.action.value: d for d in s.execute(select(ReviewDecision)).scalars()}
        assert set(decisions) == {"correct", "reject"}
        assert (decisions["correct"].reviewer, decisions["correct"].note) == ("eve", "table 2")
        assert decisions["reject"].reviewer == "webby"  # the server's default reviewer
        assert s.execute(select(Result.value)).scalars().all() == [77.0]


class _DevTools:
    """The few DevTools-protocol calls the test needs, over the page's websocket."""

    def __init__(self, ws_url: str):
        from websockets.sync.client import connect

        self.ws = connect(ws_url, max_size=None)
        self.next_id = 0

    def call(self, method: str, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv(timeout=30))
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(message["error"])
                return message["result"]

    def evaluate(self, expression: str):
        return self.call("Runtime.evaluate", expression=expression, returnByValue=True)["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            value = self.evaluate(expression)
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError(f"timed out waiting for {expression}")


@pytest.fixture
def chromium(tmp_path):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if binary is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    proc = subprocess.Popen([binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
                             f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 30
        while not (port_file.is_file() and port_file.read_text().strip()) and time.monotonic() < deadline:
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        pages = httpx.get(f"http://127.0.0.1:{port}/json/list").json()
        tools = _DevTools(next(p for p in pages if p["type"] == "page")["webSocketDebuggerUrl"])
        yield tools
        tools.ws.close()
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def test_reviewer_corrects_a_value_in_headless_chromium(served, chromium, tmp_path):
    config, url, server = served
    top1 = item_id(url, config, "results", 76.5)
    chromium.call("Page.enable")
    chromium.call("Page.navigate", url=f"{server.base_url}/")
    chromium.wait_for(f"document.readyState === 'complete' && !!document.querySelector('a[href=\"/item/{top1}\"]')")
    chromium.evaluate(f"document.querySelector('a[href=\"/item/{top1}\"]').click()")
    chromium.wait_for("location.pathname.startsWith('/item/') && document.readyState === 'complete'")
    # The evidence image really decodes in the browser, and the match is highlighted in the sentence.
    assert chromium.wait_for("document.getElementById('evidence').complete && "
                             "document.getElementById('evidence').naturalWidth") > 100
    assert chromium.evaluate("document.querySelector('#sentence mark').textContent") == "76.5% top-1 accuracy"
    shot = chromium.call("Page.captureScreenshot", format="png")["data"]
    (tmp_path / "item.png").write_bytes(base64.b64decode(shot))
    # Type the right value and press Correct, as a reviewer would.
    chromium.evaluate("document.querySelector('input[name=value]').value = '77.0';"
                      "document.querySelector('input[name=note]').value = 'from the table';"
                      "document.querySelector('button[value=correct]').click()")
    message = chromium.wait_for("document.getElementById('message') && document.getElementById('message').textContent")
    assert re.search(rf"#{top1} corrected: ImageNet top-1 accuracy = 77\.0", message)
    with session_scope(url) as s:
        decision = s.execute(select(ReviewDecision)).scalar_one()
        assert (decision.action.value, decision.corrected_value, decision.reviewer, decision.note) == \
            ("correct", 77.0, "webby", "from the table")
        assert s.execute(select(Result.value).where(Result.metric == "top-1 accuracy")).scalar_one() == 77.0
    assert (tmp_path / "item.png").stat().st_size > 1000
