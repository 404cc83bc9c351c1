"""The generated package passes mypy --strict and ruff, and imports cleanly."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from ..conftest import ROOT

GENERATED = ROOT / "generated"


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", *command], cwd=GENERATED, capture_output=True, text=True, check=False)


def test_mypy_strict_passes_on_generated_code() -> None:
    result = _run("mypy", "--strict", "--no-incremental", "pollforjobs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_passes_on_generated_code() -> None:
    result = _run("ruff", "check", "--no-cache", "pollforjobs")
    assert result.returncode == 0, result.stdout + result.stderr


def test_black_leaves_generated_code_unchanged() -> None:
    result = _run("black", "--check", "--line-length", "100", "--target-version", "py311", "pollforjobs")
    assert result.returncode == 0, result.stdout + result.stderr


# The design notes are not in the repository: generated code and the generator say a fact
# where they rely on it. Citations of standards (RFC 9112 §6.1) are fine.
DESIGN_CITATION = re.compile(r"DESIGN\.md|(?<!RFC \d{4} )§ ?\d")
CITING_FILES = sorted(
    path.relative_to(ROOT).as_posix()
    for folder in ("generator", "templates", "generated/pollforjobs")
    for path in (ROOT / folder).rglob("*")
    if path.is_file() and "__pycache__" not in path.parts
)


@pytest.mark.parametrize("name", CITING_FILES)
def test_no_file_cites_the_design_notes(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8", errors="replace")
    found = [m.group(0) for m in DESIGN_CITATION.finditer(text)]
    assert found == [], f"{name} cites notes that are not in the repository: {found}"
