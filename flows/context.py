"""What every flow needs first: the validated config and a migrated database."""
from __future__ import annotations

from db.migrate import upgrade_to_head
from settings.config import Config, load_config

_migrated: set[str] = set()


def load_context(config_path: str | None, database_url: str | None) -> tuple[Config, str]:
    config = load_config(config_path, database_url=database_url)
    url = config.database_url
    if url not in _migrated:
        upgrade_to_head(url)
        _migrated.add(url)
    return config, url
