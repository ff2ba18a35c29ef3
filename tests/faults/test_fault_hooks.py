"""Production code free of test hooks (issue 16.5): no environment variable that makes workers hang or
crash, and no import that silently falls back to something else when it fails."""
from __future__ import annotations

import ast
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PRODUCTION = ["extractors", "sources", "flows", "db", "cli", "settings", "review", "analysis", "models"]


def production_files():
    for package in PRODUCTION:
        yield from sorted((REPO / package).rglob("*.py"))


def test_no_test_hook_is_read_from_the_environment():
    offenders = [str(path.relative_to(REPO)) for path in production_files()
                 if "PROGRESS_TEST" in path.read_text(encoding="utf-8")]
    assert offenders == []
    extractors_env = [str(path.relative_to(REPO)) for path in (REPO / "extractors").rglob("*.py")
                      if "os.environ" in path.read_text(encoding="utf-8") or "getenv" in path.read_text(encoding="utf-8")]
    assert extractors_env == []  # extractors are pure functions of their input


def _catches_import_failure(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    names = [handler.type] if not isinstance(handler.type, ast.Tuple) else list(handler.type.elts)
    return any(isinstance(n, ast.Name) and n.id in {"ImportError", "ModuleNotFoundError", "Exception",
                                                     "BaseException"} for n in names)


def test_extractors_import_their_modules_without_fallbacks():
    """A module of this project that fails to import must fail loudly, not switch code paths."""
    offenders = []
    for path in sorted((REPO / "extractors").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Try):
                continue
            imports = [n for stmt in node.body for n in ast.walk(stmt)
                       if isinstance(n, ast.ImportFrom) and (n.module or "").startswith("extractors")]
            if imports and any(_catches_import_failure(h) for h in node.handlers):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert offenders == []


def test_the_pipeline_runs_the_results_extractor():
    import extractors.pipeline as pipeline
    from extractors.results import extract_results

    assert pipeline.extract_results is extract_results
