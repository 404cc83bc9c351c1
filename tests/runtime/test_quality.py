"""The runtime modules are checked where they live: mypy --strict, ruff and black (line length
100, the generated code's), and they import only each other, the standard library and the
generated package's own dependencies, never the package's generated modules."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import RUNTIME, TEMPLATES

MODULES = sorted(RUNTIME.rglob("*.py"))
# What a generated package may need at run time besides the standard library.
THIRD_PARTY = {"pydantic", "pydantic_core", "botocore", "uvicorn", "cbor2", "libipld"}
MAX_LINES = 400


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=TEMPLATES, capture_output=True, text=True, check=False)


def test_mypy_strict_passes_on_the_runtime() -> None:
    # No cache: one in templates/ would be scanned (and rewritten) by the tests that read
    # every file there.
    result = _run("mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", "runtime")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (TEMPLATES / ".mypy_cache").exists()


def test_ruff_passes_on_the_runtime() -> None:
    result = _run("ruff", "check", "--no-cache", "runtime")
    assert result.returncode == 0, result.stdout + result.stderr


def test_black_leaves_the_runtime_unchanged() -> None:
    result = _run("black", "--check", "--line-length", "100", "--target-version", "py311", "runtime")
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(RUNTIME).as_posix() for p in MODULES])
def test_runtime_module_imports_only_the_runtime_stdlib_and_dependencies(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    depth = len(path.relative_to(RUNTIME).parts)  # a module in protocols/ may go up one level
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level:
            if node.level > depth:
                problems.append(f"line {node.lineno}: imports from outside the runtime")
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [alias.name for alias in node.names] if isinstance(node, ast.Import) else [node.module or ""]
            for name in names:
                top = name.split(".")[0]
                if top not in sys.stdlib_module_names and top not in THIRD_PARTY:
                    problems.append(f"line {node.lineno}: imports {name}")
    assert problems == []


@pytest.mark.parametrize("path", MODULES, ids=[p.relative_to(RUNTIME).as_posix() for p in MODULES])
def test_runtime_module_is_small(path: Path) -> None:
    assert len(path.read_text(encoding="utf-8").splitlines()) <= MAX_LINES
