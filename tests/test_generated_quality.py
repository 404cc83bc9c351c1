"""The generated package passes mypy --strict and ruff, and imports cleanly."""

from __future__ import annotations

import subprocess
import sys

from .conftest import ROOT

GENERATED = ROOT / "generated"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=GENERATED, capture_output=True, text=True)


def test_mypy_strict_passes_on_generated_code() -> None:
    result = _run("mypy", "--strict", "--no-incremental", "pollforjobs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_passes_on_generated_code() -> None:
    result = _run("ruff", "check", "--no-cache", "pollforjobs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_black_leaves_generated_code_unchanged() -> None:
    result = _run("black", "--check", "--line-length", "100", "--target-version", "py311", "pollforjobs")
    assert result.returncode == 0, result.stdout + result.stderr
