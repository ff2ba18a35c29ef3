"""State shared by the commands: where the config is and which database to use."""
from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import NoReturn

from rich.console import Console
from rich.markup import escape

from settings.config import Config, ConfigError, load_config


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear line on stderr, no traceback (soft_wrap: never broken at the terminal width)."""
    Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {escape(message)}", highlight=False)
    sys.exit(code)


@dataclass
class AppContext:
    config_path: str | None = None
    database_url: str | None = None
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                self._config = load_config(self.config_path, database_url=self.database_url)
            except ConfigError as exc:
                fail(f"config: {exc}")
        return self._config

    @property
    def url(self) -> str:
        """The database URL, migrated to the current schema."""
        from flows.context import load_context

        from sqlalchemy.exc import SQLAlchemyError

        from db.lock import RunLocked, run_lock

        try:
            # Two commands started together on a fresh database would both create its tables.
            with run_lock(self.config.database_url, name="migrate", wait=120):
                return load_context(self.config_path, self.database_url)[1]
        except RunLocked as exc:
            fail(f"database {_shown_url(self)}: {exc}")
        except ConfigError as exc:
            fail(f"config: {exc}")
        except (SQLAlchemyError, OSError, ImportError) as exc:  # ImportError: its driver is not installed
            from db.engine import damaged_database_line

            damaged = damaged_database_line(exc, self.config.database_url)
            if damaged:  # exit 1 like every other command that finds the file damaged
                fail(damaged, code=1)
            fail(f"database {_shown_url(self)}: {_first_line(exc)}")


def _shown_url(obj: AppContext) -> str:
    """The database URL as the user gave it (or the config has it), password hidden."""
    from sqlalchemy.engine import make_url

    raw = obj.database_url or obj.config.database_url
    try:
        return make_url(raw).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL is shown as given
        return repr(raw)


def _first_line(exc: BaseException) -> str:
    """SQLAlchemy appends driver details and a background link on further lines: keep the gist."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return (text.splitlines() or [exc.__class__.__name__])[0]
