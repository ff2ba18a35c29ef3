"""What every flow needs first: the validated config, a migrated database, and arXiv politeness."""
from __future__ import annotations

import os
import threading

from db.migrate import upgrade_to_head
from settings.config import Config, load_config
from sources.rate_limit import ensure_prefect_rate_limit, prefect_rate_limit_gate, set_cross_process_gate

RATE_LIMIT_ENV = "PROGRESS_ARXIV_RATE_LIMIT"  # "prefect": share the global limit across processes
_migrated: set[str] = set()
_politeness_for: dict[str, float] = {}  # Prefect API URL -> delay its rate limit was set up with
_politeness_lock = threading.Lock()


def load_context(config_path: str | None, database_url: str | None) -> tuple[Config, str]:
    config = load_config(config_path, database_url=database_url)
    url = config.database_url
    if url not in _migrated:
        upgrade_to_head(url)
        _migrated.add(url)
    install_politeness(config)
    return config, url


def install_politeness(config: Config) -> None:
    """Requests of one process are always spaced (sources/rate_limit). Processes that may run flows at
    the same time - the flow runs a serve process or worker starts for the deployments, which set
    $PROGRESS_ARXIV_RATE_LIMIT=prefect (flows/deployments.py) - also share Prefect's global rate
    limit: created here once per API and delay, then one slot per request. It costs an API call per
    request and Prefect's retry jitter, so a lone `progress run` does without it."""
    if os.environ.get(RATE_LIMIT_ENV, "process") != "prefect":
        with _politeness_lock:
            set_cross_process_gate(None)
            _politeness_for.clear()
        return
    from prefect.settings import PREFECT_API_URL

    api = PREFECT_API_URL.value() or "ephemeral"
    delay = config.arxiv.delay_seconds
    with _politeness_lock:
        if _politeness_for.get(api) == delay:
            return
        enabled = ensure_prefect_rate_limit(delay)
        set_cross_process_gate(prefect_rate_limit_gate() if enabled else None)
        _politeness_for[api] = delay
