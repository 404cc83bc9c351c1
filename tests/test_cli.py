"""The command line: help that helps, exit codes, no tracebacks."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize("command", [[], ["regenerate"], ["check"], ["generate"]])
def test_help_describes_each_command(command: list[str]) -> None:
    result = run(*command, "--help")
    assert result.returncode == 0
    assert "usage: python -m generator" in result.stdout
    assert "Traceback" not in result.stderr
    if not command:
        for word in ("check", "generate", "exit status", "FILE:LINE:COLUMN"):
            assert word in result.stdout
    if command == ["generate"]:
        assert "--spec" in result.stdout and "--out" in result.stdout and "--check" in result.stdout


def test_console_script_is_declared() -> None:
    text = (ROOT / "pyproject.toml").read_text()
    assert 'aws-binding-generator = "generator.cli:main_entry"' in text


def test_missing_spec_is_a_located_error(tmp_path: Path) -> None:
    result = run("generate", "--spec", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "nope.yaml:1:1: error: cannot read spec" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


def test_no_specs_folder_is_explained(tmp_path: Path) -> None:
    result = run(cwd=tmp_path)
    assert result.returncode == 2
    assert "no *.yaml specs in specs/" in result.stderr


def test_unknown_command_is_a_usage_error() -> None:
    result = run("frobnicate")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr


def test_generate_writes_the_package_and_check_is_then_clean(tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out).mkdir()
    (out / "keep.txt").write_text("not ours\n")
    assert run("generate", "--spec", "specs/pollforjobs.yaml", "--out", str(out)).returncode == 0
    assert (out / "pollforjobs" / "models.py").is_file()
    assert (out / "keep.txt").read_text() == "not ours\n"
    result = run("generate", "--spec", "specs/pollforjobs.yaml", "--out", str(out), "--check")
    assert result.returncode == 0, result.stdout


def test_unwritable_output_is_a_clear_error_not_a_traceback(tmp_path: Path) -> None:
    blocker = tmp_path / "file-not-folder"
    blocker.write_text("x")
    result = run("generate", "--spec", "specs/pollforjobs.yaml", "--out", str(blocker / "out"))
    assert result.returncode == 3
    assert "error: cannot write the output" in result.stderr
    assert "Traceback" not in result.stderr
