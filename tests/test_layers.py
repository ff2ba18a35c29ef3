"""The folders keep to their layer: each package imports only the packages below it.

Data flows arXiv and reference tables (sources/) -> PDF text and candidates (extractors/) -> rows
(usecases/ through db/ and models/) -> estimates and fits (analysis/ arithmetic, usecases/ storage);
flows/ orchestrate, cli/ and review/ face the user. Function-level imports count too.
"""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ALLOWED = {
    "models": set(),
    "settings": set(),
    "extractors": set(),  # pure functions from PDF/text to records: no database, no Prefect, no config
    "standin": set(),
    "db": {"models"},  # engine, sessions, migrations, upserts: persistence only
    "analysis": {"extractors"},  # arithmetic; reads the extractors' spec data (chip catalog, id forms)
    "sources": {"settings", "extractors", "analysis"},
    "usecases": {"db", "models", "settings", "extractors", "analysis", "sources"},
    "review": {"db", "models", "settings", "extractors", "usecases"},
    "flows": {"db", "models", "settings", "extractors", "analysis", "sources", "usecases"},
}
PACKAGES = set(ALLOWED) | {"cli", "bench"}
OUTSIDE_PREFECT = ("extractors", "models", "db", "analysis", "usecases")


def _imports(package: str):
    for path in sorted((REPO / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                yield path, node.module
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    yield path, alias.name


@pytest.mark.parametrize("package", sorted(ALLOWED))
def test_package_imports_only_the_layers_below_it(package):
    wrong = sorted({f"{path.relative_to(REPO)} imports {module}" for path, module in _imports(package)
                    if module.split(".")[0] in PACKAGES - {package} - ALLOWED[package]})
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("package", OUTSIDE_PREFECT)
def test_only_flows_and_commands_use_prefect(package):
    wrong = sorted({str(path.relative_to(REPO)) for path, module in _imports(package) if module.split(".")[0] == "prefect"})
    assert not wrong, wrong


def test_the_check_sees_function_level_imports(tmp_path):
    source = "def f():\n    from db.engine import session_scope\n"
    found = [node.module for node in ast.walk(ast.parse(source)) if isinstance(node, ast.ImportFrom)]
    assert found == ["db.engine"]


def test_no_two_modules_share_a_vague_name():
    names = {}
    for path in REPO.glob("*/*.py"):
        if path.parent.name in PACKAGES and path.name != "__init__.py":
            names.setdefault(path.name, []).append(str(path.relative_to(REPO)))
    assert "context.py" not in names, names.get("context.py")
