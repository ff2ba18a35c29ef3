"""State shared by the commands: where the config is and which database to use.

Which database: --db, else $PROGRESS_DATABASE_URL, else the config's `database_url`. Two exceptions
keep a newcomer out of an empty database made on the spot:
- an explicit SQLite URL (--db or the variable) whose folder does not exist is an error: a typo must
  not create a new, empty database somewhere;
- when the configured database is the default one (data/progress.sqlite here), which does not exist
  yet, but `progress demo`'s database does (at its default place beside it), commands use the demo's
  and say so on stderr. Any other configured database is used as it is. Commands that fetch
  from arXiv (run, ingest, backfill) never do: real papers go to the configured database.
"""
from __future__ import annotations

import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from rich.console import Console
from rich.markup import escape

from settings.config import Config, ConfigError, load_config
from settings.extras import extra_for_import_error

DEMO_DATABASE = Path("data/demo/progress.sqlite")  # `progress demo`'s default --workdir, from the cwd
DEFAULT_DATABASE = Path("data/progress.sqlite")    # the packaged config's database_url, from the cwd


def fail(message: str, code: int = 2) -> NoReturn:
    """One clear line on stderr, no traceback (soft_wrap: never broken at the terminal width)."""
    Console(stderr=True, soft_wrap=True).print(f"[red]error:[/red] {escape(message)}", highlight=False)
    sys.exit(code)


@dataclass
class AppContext:
    config_path: str | None = None
    database_url: str | None = None
    use_demo_database: bool = True  # False for commands that fetch from arXiv (see the module docstring)
    _config: Config | None = field(default=None, repr=False)

    @property
    def config(self) -> Config:
        if self._config is None:
            try:
                config = load_config(self.config_path, database_url=self.database_url)
            except ConfigError as exc:
                fail(f"config: {exc}")
            explicit = self.database_url or os.environ.get("PROGRESS_DATABASE_URL")
            if explicit:
                _check_folder_exists(explicit)
            elif self.use_demo_database:
                demo = demo_database_instead(config.database_url)
                if demo:
                    Console(stderr=True, soft_wrap=True, highlight=False).print(
                        f"note: {sqlite_file(config.database_url)} does not exist yet; using the demo's database "
                        f"{DEMO_DATABASE} (--db chooses another)", markup=False)
                    config.database_url = self.database_url = demo
            self._config = config
        return self._config

    @property
    def url(self) -> str:
        """The database URL, migrated to the current schema."""
        from flows.startup import load_context

        from sqlalchemy.exc import SQLAlchemyError

        from db.lock import RunLocked, run_lock

        try:
            # Two commands started together on a fresh database would both create its tables.
            with run_lock(self.config.database_url, name="migrate", wait=120):
                return load_context(self.config_path, self.config.database_url)[1]
        except RunLocked as exc:
            fail(f"database {_shown_url(self)}: {exc}")
        except ConfigError as exc:
            fail(f"config: {exc}")
        except (SQLAlchemyError, OSError, ImportError) as exc:  # ImportError: its driver is not installed
            database_failure(self, exc)


def check_task(obj: AppContext, name: str | None) -> str | None:
    """A --task name must be a configured task, as `ingest` and `run` require (one line otherwise)."""
    if name is not None and name not in obj.config.tasks:
        fail(f"--task: unknown task {name}; configured: {', '.join(obj.config.tasks)}")
    return name


def database_failure(obj: AppContext, exc: BaseException) -> NoReturn:
    """One line: the database (password hidden) and the cause; a missing driver names its extra, a
    damaged SQLite file says how to check it (exit 1, like every command that finds it damaged)."""
    from db.engine import damaged_database_line

    damaged = damaged_database_line(exc, obj.database_url or obj.config.database_url)
    if damaged:
        fail(damaged, code=1)
    fail(f"database {_shown_url(obj)}: {extra_for_import_error(exc) or _first_line(exc)}")


def shown_url(raw: str) -> str:
    """A database URL with its password hidden."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(raw).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - an unparseable URL is shown as given
        return repr(raw)


def _shown_url(obj: AppContext) -> str:
    """The database URL as the user gave it (or the config has it), password hidden."""
    return shown_url(obj.database_url or obj.config.database_url)


def sqlite_file(url: str) -> Path | None:
    """The file of a SQLite URL (None for other databases, in-memory ones and unparseable URLs)."""
    from sqlalchemy.engine import make_url

    try:
        parsed = make_url(url)
    except Exception:  # noqa: BLE001 - reported when the engine is made
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database).expanduser()


def _check_folder_exists(url: str) -> None:
    path = sqlite_file(url)
    if path is not None and not path.exists() and not path.parent.is_dir():
        fail(f"database {shown_url(url)}: no such folder {path.parent}/ (a new database file is made only "
             f"in an existing folder)")


def demo_database_instead(configured_url: str) -> str | None:
    """The demo's database URL when the configured database is the default one, which does not exist
    yet, and the demo's does."""
    path = sqlite_file(configured_url)
    if path is None or path.exists() or not DEMO_DATABASE.is_file():
        return None
    if path.resolve() != DEFAULT_DATABASE.resolve():
        return None
    return f"sqlite:///{DEMO_DATABASE}"


def _first_line(exc: BaseException) -> str:
    """SQLAlchemy appends driver details and a background link on further lines: keep the gist."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return (text.splitlines() or [exc.__class__.__name__])[0]
