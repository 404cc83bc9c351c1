"""The generator replaces or removes only what it provably wrote.

Each generated package holds `.generated.json`, listing its files. Anything else in the output
folder is never touched: a user's files and folders survive, a folder with a package's name
that the generator did not write stops the run (exit 4, nothing written), and so does a
user's file inside a generated package. A package whose spec is gone is removed.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator import generate
from generator.ownership import MARKER, OwnershipError
from generator.pipeline import run

from ..conftest import ROOT

WIDGET = ROOT / "tests" / "bad_specs" / "_valid_base.yaml"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix() + ("/" if p.is_dir() else ""): p.read_bytes() if p.is_file() else b"" for p in sorted(root.rglob("*"))}


def project(tmp_path: Path, *specs: Path) -> Path:
    """A folder with specs/ holding the given specs (the default: the project's own specs)."""
    folder = tmp_path / "project"
    if specs:
        (folder / "specs").mkdir(parents=True)
        for spec in specs:
            shutil.copy(spec, folder / "specs" / spec.name)
    else:
        shutil.copytree(ROOT / "specs", folder / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_issue_repro_regenerating_into_a_source_folder_keeps_its_files(tmp_path: Path) -> None:
    """The issue, verbatim: `python -m generator --out mysrc` deleted mysrc/app/ and mysrc/setup.cfg."""
    folder = project(tmp_path)
    (folder / "mysrc" / "app").mkdir(parents=True)
    (folder / "mysrc" / "app" / "main.py").write_text("print('important')\n")
    (folder / "mysrc" / "setup.cfg").write_text("keep\n")
    for _ in range(2):  # the first run writes the package, the second finds it current
        done = cli("--out", "mysrc", cwd=folder)
        assert done.returncode == 0, done.stderr
        assert (folder / "mysrc" / "app" / "main.py").read_text() == "print('important')\n"
        assert (folder / "mysrc" / "setup.cfg").read_text() == "keep\n"
        assert (folder / "mysrc" / "pollforjobs" / "models.py").is_file()
    assert sorted(p.name for p in (folder / "mysrc").iterdir()) == ["app", "pollforjobs", "setup.cfg"]
    assert cli("check", "--out", "mysrc", cwd=folder).returncode == 0


def test_files_a_user_puts_in_the_output_folder_survive_every_command(tmp_path: Path) -> None:
    folder = project(tmp_path, WIDGET)
    out = folder / "generated"
    assert cli(cwd=folder).returncode == 0
    (out / "NOTES.md").write_text("mine\n")
    (out / "tools").mkdir()
    (out / "tools" / "helper.py").write_text("x = 1\n")
    (out / "build.log").write_text("log\n")
    for args in ([], ["check"], ["regenerate"], ["generate", "--spec", "specs/_valid_base.yaml", "--out", "generated"]):
        done = cli(*args, cwd=folder)
        assert done.returncode == 0, (args, done.stdout, done.stderr)
    assert (out / "NOTES.md").read_text() == "mine\n"
    assert (out / "tools" / "helper.py").read_text() == "x = 1\n"
    assert (out / "build.log").read_text() == "log\n"


@pytest.mark.parametrize("command", [["regenerate"], ["check"], ["generate", "--spec", "specs/_valid_base.yaml", "--out", "generated"]])
def test_a_package_folder_the_generator_did_not_write_is_an_error_and_nothing_is_written(tmp_path: Path, command: list[str]) -> None:
    folder = project(tmp_path, WIDGET)
    mine = folder / "generated" / "widget"
    mine.mkdir(parents=True)
    (mine / "__init__.py").write_text("# my own package that happens to be called widget\n")
    (folder / "generated" / "other.txt").write_text("also mine\n")
    before = snapshot(folder / "generated")
    done = cli(*command, cwd=folder)
    assert done.returncode == 4, done.stdout + done.stderr
    assert done.stderr.startswith("error: generated/widget/ was not written by the generator"), done.stderr
    assert "generated/widget/__init__.py" in done.stderr and "nothing was written." in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""
    assert snapshot(folder / "generated") == before


def test_a_file_where_a_package_goes_is_an_error_too(tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "widget").write_text("a file, not a folder\n")
    with pytest.raises(OwnershipError, match="widget is a file the generator did not write"):
        generate(WIDGET, out)
    assert (out / "widget").read_text() == "a file, not a folder\n"


def test_a_users_file_inside_a_generated_package_stops_the_write(tmp_path: Path) -> None:
    """The folder is replaced whole, so a file its marker does not list would be lost: refuse,
    name the file, write nothing; `check` still shows the diff and says what is in the way."""
    folder = project(tmp_path, WIDGET)
    package = folder / "generated" / "widget"
    assert cli(cwd=folder).returncode == 0
    (package / "notes.txt").write_text("my notes\n")
    (package / "models.py").write_text((package / "models.py").read_text() + "# an edit the next run would undo\n")
    (package / "__pycache__").mkdir(exist_ok=True)
    (package / "__pycache__" / "models.cpython-311.pyc").write_bytes(b"\0cache")  # caches are not in the way
    before = snapshot(folder / "generated")
    done = cli(cwd=folder)
    assert done.returncode == 4, done.stderr
    assert done.stderr.splitlines() == [
        "error: generated/widget/notes.txt was not written by the generator; move it out of generated/widget/ (the generator replaces that folder)",
        "nothing was written.",
    ]
    assert snapshot(folder / "generated") == before
    checked = cli("check", cwd=folder)
    assert checked.returncode == 1
    assert "a/widget/notes.txt" in checked.stdout and "+# an edit" not in checked.stdout and "-# an edit" in checked.stdout
    assert "note: generated/widget/notes.txt was not written by the generator" in checked.stderr
    (package / "notes.txt").unlink()
    assert cli(cwd=folder).returncode == 0
    assert "# an edit" not in (package / "models.py").read_text()
    assert cli("check", cwd=folder).returncode == 0


def test_the_package_of_a_deleted_spec_is_removed(tmp_path: Path) -> None:
    out = tmp_path / "out"
    second = tmp_path / "gadget.yaml"
    second.write_text(WIDGET.read_text(encoding="utf-8").replace("package: widget", "package: gadget"), encoding="utf-8")
    run([WIDGET, second], out)
    assert (out / "gadget" / MARKER).is_file() and (out / "widget" / MARKER).is_file()
    (out / "keep.txt").write_text("mine\n")
    outcome = run([WIDGET], out)
    assert outcome.removed == ("gadget",) and outcome.written == ()
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt", "widget"]
    # `generate` (one spec) never removes other packages
    run([WIDGET, second], out)
    generate(WIDGET, out)
    assert (out / "gadget").is_dir()


def test_a_stale_package_holding_a_users_file_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "out"
    second = tmp_path / "gadget.yaml"
    second.write_text(WIDGET.read_text(encoding="utf-8").replace("package: widget", "package: gadget"), encoding="utf-8")
    run([WIDGET, second], out)
    (out / "gadget" / "mine.py").write_text("x = 1\n")
    before = snapshot(out)
    with pytest.raises(OwnershipError, match="gadget/mine.py was not written by the generator"):
        run([WIDGET], out)
    assert snapshot(out) == before


def test_a_copied_package_is_not_the_generators(tmp_path: Path) -> None:
    """The marker names its folder: a renamed copy is not claimed, so not removed as stale."""
    out = tmp_path / "out"
    generate(WIDGET, out)
    shutil.copytree(out / "widget", out / "widget_backup")
    assert run([WIDGET], out).removed == ()
    assert (out / "widget_backup" / "models.py").is_file()


def test_a_folder_written_before_markers_is_adopted_when_nothing_would_be_lost(tmp_path: Path) -> None:
    """An older generation (no marker) whose files are all what the generator writes now is
    replaced; one with a different file is refused. So is a marker that is not valid JSON."""
    out = tmp_path / "out"
    generate(WIDGET, out)
    (out / "widget" / MARKER).unlink()
    generate(WIDGET, out)
    assert json.loads((out / "widget" / MARKER).read_text())["package"] == "widget"
    (out / "widget" / MARKER).write_text("not json")
    (out / "widget" / "models.py").write_text("# from an older version\n")
    with pytest.raises(OwnershipError, match="was not written by the generator"):
        generate(WIDGET, out)
    assert (out / "widget" / "models.py").read_text() == "# from an older version\n"


def test_a_file_missing_from_the_marker_but_identical_to_the_output_is_not_in_the_way(tmp_path: Path) -> None:
    """A merge may bring a file a newer template writes before the marker lists it."""
    out = tmp_path / "out"
    generate(WIDGET, out)
    marker = json.loads((out / "widget" / MARKER).read_text())
    marker["files"].remove("wire.py")
    (out / "widget" / MARKER).write_text(json.dumps(marker))
    generate(WIDGET, out)
    assert "wire.py" in json.loads((out / "widget" / MARKER).read_text())["files"]


def test_a_package_that_is_current_is_not_rewritten(tmp_path: Path) -> None:
    out = tmp_path / "out"
    generate(WIDGET, out)
    inode = (out / "widget").stat().st_ino
    outcome = run([WIDGET], out, owned_only=True)
    assert outcome.written == () and not outcome.changed
    assert (out / "widget").stat().st_ino == inode
