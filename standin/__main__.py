"""Run the arXiv stand-in on the bundled sample corpus: python -m standin --port 8765"""
from __future__ import annotations

import argparse
import threading

from standin.server import StandIn


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    args = parser.parse_args(argv)
    with StandIn(host=args.host, port=args.port) as standin:
        print(f"arXiv stand-in serving {len(standin.papers())} papers", flush=True)
        print(f"API: {standin.api_url}", flush=True)
        print(f"PDFs: {standin.base_url}/pdf/<id>v<n>", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
