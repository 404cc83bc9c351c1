"""The command line: help that helps, exit codes, no tracebacks."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT


def run(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, capture_output=True, text=True, check=False)


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
    assert 'aws-binding-generator = "generator.entry:script_main"' in text


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


WIDGET = ROOT / "tests" / "bad_specs" / "_valid_base.yaml"


def widget_project(tmp_path: Path) -> Path:
    (tmp_path / "my specs").mkdir()
    shutil.copy(WIDGET, tmp_path / "my specs" / "widget.yaml")
    return tmp_path


def test_the_console_script_names_itself_in_usage_and_hints(tmp_path: Path) -> None:
    script = Path(sys.executable).with_name("aws-binding-generator")
    assert script.is_file(), "the console script is installed with the project (pip install -e .)"
    helped = subprocess.run([str(script), "--help"], capture_output=True, text=True, check=False)
    assert helped.returncode == 0
    assert helped.stdout.startswith("usage: aws-binding-generator ")
    assert "python -m generator" not in helped.stdout
    assert "  aws-binding-generator check " in helped.stdout
    sub = subprocess.run([str(script), "generate", "--help"], capture_output=True, text=True, check=False)
    assert sub.stdout.startswith("usage: aws-binding-generator generate ")
    folder = widget_project(tmp_path)
    subprocess.run([str(script), "--specs", "my specs", "--out", "out", "-q"], cwd=folder, check=True)
    (folder / "out" / "widget" / "wire.py").write_text("# stale\n")
    stale = subprocess.run([str(script), "check", "--specs", "my specs", "--out", "out"], cwd=folder, capture_output=True, text=True, check=False)
    assert stale.returncode == 1
    assert stale.stderr.splitlines()[-1] == "generated files are out of date; run: aws-binding-generator --specs 'my specs' --out out"


def test_help_documents_every_exit_status() -> None:
    result = run("--help")
    for status in ("0 success", "1 'check'", "2 bad spec", "3 the output could not be written", "4 the output folder holds something"):
        assert status in result.stdout


def test_each_command_prints_one_summary_line_and_quiet_silences_it(tmp_path: Path) -> None:
    folder = widget_project(tmp_path)
    from generator.pipeline import build

    count = len(build(folder / "my specs" / "widget.yaml")[1])  # the package's files, its marker included
    runs = [
        (["--specs", "my specs", "--out", "gen"], f"gen/: 1 package written (widget, {count} files)"),
        (["--specs", "my specs", "--out", "gen"], f"gen/: 1 package up to date (widget, {count} files)"),
        (["check", "--specs", "my specs", "--out", "gen"], f"gen/: 1 package up to date (widget, {count} files)"),
        (["generate", "--spec", "my specs/widget.yaml", "--out", "one"], f"one/: 1 package written (widget, {count} files)"),
        (["generate", "--spec", "my specs/widget.yaml", "--out", "one", "--check"], f"one/: 1 package up to date (widget, {count} files)"),
        (["export", "--format", "typescript", "--spec", "my specs/widget.yaml", "--out", "ts"], "ts/: 1 package exported as typescript (widget, 1 file)"),
    ]
    for args, line in runs:
        done = run(*args, cwd=folder)
        assert done.returncode == 0, done.stderr
        assert done.stdout == line + "\n" and done.stderr == "", (args, done.stdout, done.stderr)
        for quiet in (["-q", *args], [*args, "--quiet"]):
            silent = run(*quiet, cwd=folder)
            assert silent.returncode == 0 and silent.stdout == "" and silent.stderr == "", (quiet, silent.stdout, silent.stderr)


def test_check_prints_the_exact_command_that_refreshes(tmp_path: Path) -> None:
    """With the flags the user gave (quoted for the shell), so pasting it fixes what check found."""
    folder = widget_project(tmp_path)
    assert run("--specs", "my specs", "--out", "gen dir", "-q", cwd=folder).returncode == 0
    assert run("generate", "--spec", "my specs/widget.yaml", "--out", "one", "-q", cwd=folder).returncode == 0
    expected = {
        ("check", "--specs", "my specs", "--out", "gen dir"): "python -m generator --specs 'my specs' --out 'gen dir'",
        ("--specs", "my specs", "check", "--out", "gen dir"): "python -m generator --specs 'my specs' --out 'gen dir'",
        ("generate", "--spec", "my specs/widget.yaml", "--out", "one", "--check"): "python -m generator generate --spec 'my specs/widget.yaml' --out one",
    }
    for args, command in expected.items():
        (folder / args[-2 if args[-1] == "--check" else -1] / "widget" / "wire.py").write_text("# stale\n")
        done = run(*args, cwd=folder)
        assert done.returncode == 1
        assert "-# stale" in done.stdout, "the diff goes to stdout"
        assert done.stderr.splitlines()[-1] == f"generated files are out of date; run: {command}", done.stderr
        refreshed = run(*shlex.split(command.removeprefix("python -m generator ")), cwd=folder)
        assert refreshed.returncode == 0, refreshed.stderr
        assert run(*args, cwd=folder).returncode == 0, "the printed command refreshed what check found"


def test_import_with_an_empty_operations_list_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    # The import commands' modules are imported lazily; a name one of them needs was once not.
    result = run("import", "--model", "botocore:kms", "--operations", ",", "--out", str(tmp_path / "kms.yaml"))
    assert result.returncode == 2, result.stderr
    assert result.stderr == "error: --operations names no operation\nnothing was written.\n"
    assert not (tmp_path / "kms.yaml").exists()


@pytest.mark.parametrize("command", [["generate", "--spec", "specs/pollforjobs.yaml", "--out", "OUT"], ["import", "--model", "botocore:codepipeline", "--out", "OUT/x.yaml"]])
def test_a_python_without_the_dependencies_gets_a_message_not_a_traceback(tmp_path: Path, command: list[str]) -> None:
    """`python -S`: the checkout's generator on the standard library alone, as when it is run
    before `pip install`."""
    out = tmp_path / "out"
    argv = [part.replace("OUT", str(out)) for part in command]
    result = subprocess.run([sys.executable, "-S", "-m", "generator", *argv], cwd=ROOT, capture_output=True, text=True, check=False)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    (line,) = result.stderr.splitlines()
    assert "is not installed, and the generator needs it" in line and "pip install -e ." in line
    assert not out.exists()
