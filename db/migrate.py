"""Schema management: Alembic migrations in db/migrations, applied with `upgrade_to_head`."""
from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig

from db.engine import get_engine

MIGRATIONS = Path(__file__).with_name("migrations")


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    # Alembic's ini interpolation treats % specially; URLs may contain it (escaped passwords).
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade_to_head(url: str) -> None:
    """Create or upgrade the schema. Safe to call on every start: a current schema is left alone."""
    from db.lock import run_lock

    cfg = alembic_config(url)
    # Two processes starting on a fresh database would both create the tables: take turns.
    with run_lock(url, name="migrate", wait=120), get_engine(url).begin() as connection:
        cfg.attributes["connection"] = connection
        command.upgrade(cfg, "head")
