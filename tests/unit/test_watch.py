"""`python -m generator watch`, run for real: a subprocess on a sample project, with the
OS's file events (watchfiles), edits made to the files, and Ctrl-C (SIGINT) to stop it."""

from __future__ import annotations

import os
import queue
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ..conftest import ROOT

SPEC = ROOT / "tests" / "generality" / "inventory.yaml"
WAIT = 120  # seconds: a generous bound for a loaded machine, not a measurement
WATCHING = "watching for changes (Ctrl-C stops)"


class Watcher:
    def __init__(self, project: Path, *args: str, env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-m", "generator", "watch", *args]
        environment = {**os.environ, **(env or {})}
        self.process = subprocess.Popen(command, cwd=project, env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
        self.lines: queue.Queue[str] = queue.Queue()
        self.seen: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))

    def until(self, text: str) -> list[str]:
        """The lines up to the next one that contains `text`, and then up to the next WATCHING."""
        got: list[str] = []
        for wanted in (text, WATCHING):
            while True:
                try:
                    line = self.lines.get(timeout=WAIT)
                except queue.Empty:
                    raise AssertionError(f"no line with {wanted!r}; got {self.seen}") from None
                self.seen.append(line)
                got.append(line)
                if wanted in line:
                    break
        return got

    def stop(self) -> tuple[int, str]:
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=WAIT)
        rest = []
        while not self.lines.empty():
            rest.append(self.lines.get())
        return code, "\n".join(self.seen + rest)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    shutil.copy(SPEC, tmp_path / "specs" / "inventory.yaml")
    (tmp_path / "pyproject.toml").write_text('[tool.aws-binding-generator]\nspecs = ["specs/*.yaml"]\nout = "bindings"\n', encoding="utf-8")
    return tmp_path


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_a_change_regenerates_and_a_broken_spec_is_reported_while_it_keeps_watching(project: Path) -> None:
    spec = project / "specs" / "inventory.yaml"
    client = project / "bindings" / "inventory_api" / "client.py"
    watcher = Watcher(project)
    try:
        assert "bindings/: 1 package written (inventory_api, 42 files)" in watcher.until("bindings/")
        edit(spec, "Stores an item.", "Stores one item.")
        assert "bindings/: 1 package written (inventory_api, 42 files)" in watcher.until("bindings/")
        assert "Stores one item." in client.read_text(encoding="utf-8")

        before = client.read_text(encoding="utf-8")
        edit(spec, "item: {shape: Item}", "item: {shape: Itme}")
        lines = watcher.until("nothing was written")
        assert "specs/inventory.yaml:35:21: error: member shape 'Itme' is not defined in shapes; did you mean 'Item'? (at $.shapes.PutItemRequest.members.item.shape)" in lines
        assert client.read_text(encoding="utf-8") == before, "a broken spec leaves the output as it was"
        assert watcher.process.poll() is None, "still watching"

        edit(spec, "item: {shape: Itme}", "item: {shape: Item}")
        edit(spec, "Stores one item.", "Stores two items.")
        watcher.until("bindings/: 1 package written")
        assert "Stores two items." in client.read_text(encoding="utf-8")
    finally:
        code, output = watcher.stop()
    assert code == 0, output
    assert output.endswith("stopped watching")
    assert "Traceback" not in output


def test_a_new_spec_a_glob_matches_and_a_template_change_regenerate(project: Path, tmp_path: Path) -> None:
    # A copy of the generator, so that its templates can be edited: it finds them next to it.
    copy = tmp_path / "copy"
    shutil.copytree(ROOT / "generator", copy / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", copy / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "specs").mkdir()
    shutil.copy(ROOT / "specs" / "spec.schema.json", copy / "specs")
    watcher = Watcher(project, env={"PYTHONPATH": str(copy)})
    try:
        watcher.until("bindings/: 1 package written")
        second = project / "specs" / "stock.yaml"
        second.write_text(SPEC.read_text(encoding="utf-8").replace("package: inventory_api", "package: stock_api"), encoding="utf-8")
        lines = watcher.until("bindings/:")
        assert "bindings/: 1 package written (stock_api, 42 files); 1 package up to date (inventory_api, 42 files)" in lines

        template = copy / "templates" / "package" / "errors.py.j2"
        template.write_text(template.read_text(encoding="utf-8") + "# edited while watched\n", encoding="utf-8")
        lines = watcher.until("bindings/:")
        assert "bindings/: 2 packages written (inventory_api, 42 files; stock_api, 42 files)" in lines
        for package in ("inventory_api", "stock_api"):
            assert (project / "bindings" / package / "errors.py").read_text(encoding="utf-8").endswith("# edited while watched\n")
    finally:
        code, output = watcher.stop()
    assert code == 0, output
    assert str(copy / "generator") in subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"], cwd=project, env={**os.environ, "PYTHONPATH": str(copy)}, capture_output=True, text=True, check=False
    ).stdout, "the watcher ran the copy"


def test_a_broken_configuration_is_reported_and_watched(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    watcher = Watcher(project)
    try:
        watcher.until("bindings/: 1 package written")
        edit(pyproject, 'out = "bindings"', 'out = "bindings"\nexprots = []')
        assert "pyproject.toml:4:1: error: unknown key 'exprots' in [tool.aws-binding-generator]; did you mean 'exports'?" in watcher.until("nothing was written")
        edit(pyproject, "exprots = []", "exports = []")
        lines = watcher.until("bindings/:")
        assert "bindings/: 1 package written (inventory_api, 36 files)" in lines, "no exports any more"
    finally:
        code, output = watcher.stop()
    assert code == 0, output
