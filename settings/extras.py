"""Optional features and the pip extra each needs (pyproject.toml [project.optional-dependencies]).

The core install (`pip install -e .`) runs the whole pipeline on SQLite. Browsing with Datasette,
Parquet export, Dask scale-out and PostgreSQL each need a package that only that feature uses, so
they are extras; when one is missing, the command says which extra to install, in one line.
"""
from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

# module -> (extra, feature); the extra names are those of pyproject.toml.
EXTRAS: dict[str, tuple[str, str]] = {
    "datasette": ("browse", "progress browse (Datasette)"),
    "pyarrow": ("parquet", "Parquet export"),
    "prefect_dask": ("dask", "extraction.task_runner: dask"),
    "psycopg": ("postgres", "a postgresql+psycopg:// database"),
}


class MissingExtra(ImportError):
    """An optional feature's package is not installed; the message names the extra that brings it."""


def install_hint(extra: str) -> str:
    return f'pip install -e ".[{extra}]"'


def missing_extra_message(module: str) -> str:
    extra, feature = EXTRAS[module]
    return f"{feature} needs the '{extra}' extra, which is not installed: {install_hint(extra)}"


def has(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):  # a broken or shadowed package counts as missing
        return False


def require(module: str) -> ModuleType:
    """Import an optional feature's module, or raise MissingExtra naming the extra to install."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise MissingExtra(missing_extra_message(module)) from exc


def extra_for_import_error(exc: BaseException) -> str | None:
    """The one-line message for an ImportError of an optional package (e.g. a database driver that
    SQLAlchemy failed to load), or None when the missing module is none of ours."""
    name = getattr(exc, "name", None) or ""
    top = name.split(".")[0]
    if top in EXTRAS:
        return missing_extra_message(top)
    text = str(exc)
    for module in EXTRAS:
        if f"'{module}'" in text or f"'{module}." in text:
            return missing_extra_message(module)
    return None
