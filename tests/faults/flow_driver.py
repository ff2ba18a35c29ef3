"""Runs one pipeline stage in its own process for the crash tests, optionally stopping at a chosen
point so the test can SIGKILL it there:

    python flow_driver.py STAGE CONFIG [--pause-insert TABLE:N] [--pause-download N] [--ready FILE]

STAGE: ingest | download | extract. --pause-insert stops just before the N-th INSERT into TABLE is
sent, inside its open transaction (rows already sent in that transaction are uncommitted);
--pause-download stops after the first bytes of the N-th PDF body. Either way FILE is created when
the pause begins and the process then waits to be killed. Test-only: it patches nothing in the
project, only listens on the engine and wraps urllib3's read1 in this process.
"""
from __future__ import annotations

import argparse
import threading
import time
from datetime import date
from pathlib import Path


def _park(ready: Path) -> None:
    ready.write_text("paused")
    while True:
        time.sleep(60)


def pause_before_insert(url: str, table: str, nth: int, ready: Path) -> None:
    from sqlalchemy import event

    from db.engine import get_engine

    seen = 0
    lock = threading.Lock()

    def before(conn, cursor, statement, parameters, context, executemany):
        nonlocal seen
        if statement.lstrip().upper().startswith(f"INSERT INTO {table.upper()} "):
            with lock:
                seen += 1
                hit = seen == nth
            if hit:
                _park(ready)

    event.listen(get_engine(url), "before_cursor_execute", before)


def pause_inside_download(nth: int, ready: Path) -> None:
    from urllib3.response import HTTPResponse

    original = HTTPResponse.read1  # sources/pdf_cache reads PDF bodies with read1 as they arrive
    seen = 0
    started: set[int] = set()
    paused: set[int] = set()
    lock = threading.Lock()

    def read1(self, *args, **kwargs):
        nonlocal seen
        if id(self) in paused:  # the first bytes were handed over (and written): stop here
            _park(ready)
        data = original(self, *args, **kwargs)
        if "/pdf/" in (self.url or "") and id(self) not in started:
            with lock:
                started.add(id(self))
                seen += 1
                if seen == nth:
                    paused.add(id(self))
        return data

    HTTPResponse.read1 = read1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("stage", choices=["ingest", "download", "extract"])
    parser.add_argument("config")
    parser.add_argument("--task", default="image_classification")
    parser.add_argument("--pause-insert")
    parser.add_argument("--pause-download", type=int)
    parser.add_argument("--ready", type=Path)
    args = parser.parse_args()

    from settings.config import load_config

    url = load_config(args.config).database_url
    if args.pause_insert:
        from flows.startup import load_context

        load_context(args.config, None)  # migrate first: the pause is for the stage's own writes
        table, nth = args.pause_insert.split(":")
        pause_before_insert(url, table, int(nth), args.ready)
    if args.pause_download:
        pause_inside_download(args.pause_download, args.ready)

    if args.stage == "ingest":
        from flows.ingest import ingest_flow

        result = ingest_flow(config_path=args.config, tasks=[args.task], start=date(2012, 1, 1), end=date(2025, 12, 31))
    elif args.stage == "download":
        from flows.download import download_flow

        result = download_flow(config_path=args.config)
    else:
        from flows.extract import extract_flow

        result = extract_flow(config_path=args.config)
    print(result, flush=True)


if __name__ == "__main__":
    main()
