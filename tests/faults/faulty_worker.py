"""Test-only extraction worker entries that hang or segfault on chosen files, for real hung and
crashed worker processes. Production code has no fault hook: the tests swap
`extractors.sandbox.extract_in_worker` for `with_faults(...)` (a partial of a function here, so it
pickles by name into the forkserver workers, which get the test's sys.path), or run `progress` as

    python tests/faults/faulty_worker.py hang=MARK,crash=MARK -- PROGRESS ARGS...

which installs the same entry in that process before handing over to the CLI.
"""
from __future__ import annotations

import functools
import os
import signal
import sys
import time
from pathlib import Path


def extract_with_faults(path: str, max_pages: int, arxiv_id: str | None, *, hang: str | None = None,
                        crash: str | None = None):
    """Crash (SIGSEGV, as a segfault in MuPDF would) or hang forever on a file whose name contains the
    marker; anything else goes to the real worker entry."""
    from extractors import sandbox

    name = Path(path).name
    if crash and crash in name:
        os.kill(os.getpid(), signal.SIGSEGV)
    if hang and hang in name:
        Path(path + ".worker-pid").write_text(str(os.getpid()))  # so a test can check it was killed
        while True:  # an endless parse: only a kill from outside ends it
            time.sleep(60)
    return sandbox.extract_in_worker(path, max_pages, arxiv_id)


def with_faults(spec: str):
    """'hang=SLOW,crash=BOOM' -> the worker entry that hangs on *SLOW* and crashes on *BOOM*."""
    markers = dict(part.split("=", 1) for part in spec.split(",") if "=" in part)
    unknown = set(markers) - {"hang", "crash"}
    if unknown:
        raise ValueError(f"unknown fault kinds {sorted(unknown)}")
    import faulty_worker  # by its importable name, never __main__, so workers can unpickle it

    return functools.partial(faulty_worker.extract_with_faults, **markers)


def install(spec: str) -> None:
    from extractors import sandbox

    sandbox.extract_in_worker = with_faults(spec)


if __name__ == "__main__":
    spec, sep, *args = sys.argv[1:]
    assert sep == "--", "usage: faulty_worker.py hang=MARK,crash=MARK -- PROGRESS ARGS..."
    install(spec)
    from cli.main import main

    sys.argv = ["progress", *args]
    main()
