"""The validation and reader runtime pass black, ruff and mypy --strict where they live."""

from __future__ import annotations

import subprocess
import sys

import pytest

from .conftest import TEMPLATES

MODULES = ["runtime/__init__.py", "runtime/validation.py", "runtime/reader.py"]


@pytest.mark.parametrize(
    "command",
    [
        ["black", "--check", "--line-length", "100", "--target-version", "py311", *MODULES],
        ["ruff", "check", "--no-cache", *MODULES],
        ["mypy", "--strict", "--no-incremental", "--cache-dir", "/dev/null", *MODULES],
    ],
    ids=["black", "ruff", "mypy"],
)
def test_the_modules_pass(command: list[str]) -> None:
    result = subprocess.run([sys.executable, "-m", *command], cwd=TEMPLATES, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
