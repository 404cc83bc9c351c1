"""The fingerprint each package's .generated.json records, and the incremental runs built on
it: nothing changed rewrites and renders nothing; one spec changed rebuilds only its package;
a template, the generator's version or a hand edit rebuild what they touch; `check` trusts
the fingerprint first; and the result is byte for byte a full generation's."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from generator.pipeline import generate_many
from generator.write import read_tree

from ..conftest import ROOT

SPEC = ROOT / "tests" / "generality" / "inventory.yaml"
# Run in-process after a command, to see what it imported: the no-op never imports the renderer.
PROBE = "import sys; from generator import cli; code = cli.main(sys.argv[1:]); print(sorted(m for m in ('black', 'jinja2', 'datamodel_code_generator') if m in sys.modules)); sys.exit(code)"


def run(*args: str, cwd: Path, generator: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = None
    if generator is not None:
        import os

        env = {**os.environ, "PYTHONPATH": str(generator)}
    return subprocess.run([sys.executable, "-c", PROBE, *args], cwd=cwd, capture_output=True, text=True, env=env, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "project"
    (folder / "specs").mkdir(parents=True)
    shutil.copy(SPEC, folder / "specs" / "inventory.yaml")
    (folder / "specs" / "stock.yaml").write_text(SPEC.read_text(encoding="utf-8").replace("package: inventory_api", "package: stock_api"), encoding="utf-8")
    (folder / "pyproject.toml").write_text('[tool.aws-binding-generator]\nspecs = ["specs/*.yaml"]\nout = "out"\n', encoding="utf-8")
    return folder


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's inode and modification time: a file rewritten (even with the same bytes) changes."""
    return {p.relative_to(folder).as_posix(): (p.stat().st_ino, p.stat().st_mtime_ns) for p in folder.rglob("*") if p.is_file()}


def full_generation(project: Path, into: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.chdir(project)
    generate_many(sorted(Path("specs").glob("*.yaml")), into)
    return read_tree(into)


def copy_of_the_generator(folder: Path) -> Path:
    """A copy whose templates and version can be changed; it finds its templates next to it."""
    shutil.copytree(ROOT / "generator", folder / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "templates", folder / "templates", ignore=shutil.ignore_patterns("__pycache__"))
    (folder / "specs").mkdir()
    shutil.copy(ROOT / "specs" / "spec.schema.json", folder / "specs")
    return folder


def test_the_marker_records_the_inputs_and_every_file_hash(project: Path) -> None:
    assert run(cwd=project).returncode == 0
    marker = json.loads((project / "out" / "inventory_api" / ".generated.json").read_text(encoding="utf-8"))
    inputs = marker["inputs"]
    assert inputs["spec"]["path"] == "specs/inventory.yaml"
    import hashlib

    assert inputs["spec"]["sha256"] == hashlib.sha256((project / "specs" / "inventory.yaml").read_bytes()).hexdigest()
    assert inputs["tools"] == {name: metadata.version(name) for name in ("black", "datamodel-code-generator", "isort")}
    assert set(inputs["generator"]) == {"source", "version"}
    assert inputs["options"] == {"client": True, "exports": ["jsonschema", "openapi", "typescript"], "local-handler": True, "package": None, "server": True}
    assert sorted(marker["sha256"]) == marker["files"]
    models = (project / "out" / "inventory_api" / "models.py").read_bytes()
    assert marker["sha256"]["models.py"] == hashlib.sha256(models).hexdigest()


def test_a_tool_version_is_the_one_importlib_metadata_reads() -> None:
    """The fingerprint reads versions from the dist-info folders' names (fingerprint._version):
    the same answers, whatever the spelling of the name, and a missing tool is named so."""
    from generator.fingerprint import installed_version as _version

    for name in ("black", "datamodel-code-generator", "datamodel_code_generator", "isort", "pydantic", "Jinja2", "PyYAML"):
        assert _version(name) == metadata.version(name)
    assert _version("no-such-tool-anywhere") == "not installed"


def test_nothing_changed_rewrites_nothing_and_renders_nothing(project: Path) -> None:
    first = run(cwd=project)
    assert first.returncode == 0, first.stderr
    before = stamps(project / "out")
    again = run("-v", cwd=project)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == ["out/: 2 packages up to date (inventory_api, 42 files; stock_api, 42 files)", "[]"]
    assert "specs/inventory.yaml: current (same inputs, files as written)" in again.stderr
    assert "up to date by its fingerprint (42 files, nothing rendered)" in again.stderr
    assert stamps(project / "out") == before
    check = run("check", cwd=project)
    assert check.returncode == 0 and check.stdout.splitlines()[-1] == "[]", "check trusts the fingerprint: no renderer imported"


def test_one_spec_changed_rebuilds_only_its_package_and_matches_a_full_generation(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert run(cwd=project).returncode == 0
    before = stamps(project / "out" / "inventory_api")
    spec = project / "specs" / "stock.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Stores an item.", "Stores one item."), encoding="utf-8")
    stale = run("check", cwd=project)
    assert stale.returncode == 1
    assert "+        Stores one item." in stale.stdout and "inventory_api/" not in stale.stdout
    result = run("-v", cwd=project)
    assert result.stdout.splitlines()[0] == "out/: 1 package written (stock_api, 42 files); 1 package up to date (inventory_api, 42 files)"
    assert "specs/stock.yaml: to build (changed since it was generated: spec)" in result.stderr
    assert stamps(project / "out" / "inventory_api") == before, "the other package is not rewritten"
    assert read_tree(project / "out") == full_generation(project, tmp_path / "full", monkeypatch)


def test_a_hand_edited_or_missing_file_is_not_taken_for_current(project: Path) -> None:
    assert run(cwd=project).returncode == 0
    models = project / "out" / "stock_api" / "models.py"
    original = models.read_text(encoding="utf-8")
    models.write_text(original + "# mine\n", encoding="utf-8")
    check = run("check", "-v", cwd=project)
    assert check.returncode == 1
    assert "specs/stock.yaml: to build (models.py is not what was written (edited by hand?))" in check.stderr
    assert "-# mine" in check.stdout
    assert run(cwd=project).returncode == 0
    assert models.read_text(encoding="utf-8") == original
    (project / "out" / "stock_api" / "wire.py").unlink()
    result = run("-v", cwd=project)
    assert "specs/stock.yaml: to build (wire.py is missing)" in result.stderr
    assert (project / "out" / "stock_api" / "wire.py").is_file()


def test_a_template_change_rebuilds_every_package(project: Path, tmp_path: Path) -> None:
    generator = copy_of_the_generator(tmp_path / "copy")
    assert run(cwd=project, generator=generator).returncode == 0
    template = generator / "templates" / "package" / "errors.py.j2"
    template.write_text(template.read_text(encoding="utf-8") + "# a template change\n", encoding="utf-8")
    result = run("-v", cwd=project, generator=generator)
    assert result.stdout.splitlines()[0] == "out/: 2 packages written (inventory_api, 42 files; stock_api, 42 files)"
    assert "specs/inventory.yaml: to build (changed since it was generated: generator)" in result.stderr
    assert (project / "out" / "inventory_api" / "errors.py").read_text(encoding="utf-8").endswith("# a template change\n")


def test_the_generator_version_changed_rebuilds_every_package(project: Path, tmp_path: Path) -> None:
    generator = copy_of_the_generator(tmp_path / "copy")
    assert run(cwd=project, generator=generator).returncode == 0
    before = read_tree(project / "out")
    init = generator / "generator" / "__init__.py"
    init.write_text(init.read_text(encoding="utf-8").replace('VERSION = "0.1.0"', 'VERSION = "0.1.1"'), encoding="utf-8")
    result = run("-v", cwd=project, generator=generator)
    assert "specs/stock.yaml: to build (changed since it was generated: generator)" in result.stderr
    assert result.stdout.splitlines()[0] == "out/: 2 packages written (inventory_api, 42 files; stock_api, 42 files)"
    marker = json.loads((project / "out" / "stock_api" / ".generated.json").read_text(encoding="utf-8"))
    assert marker["inputs"]["generator"]["version"] == "0.1.1"
    after = read_tree(project / "out")
    assert {name for name in after if after[name] != before[name]} == {"inventory_api/.generated.json", "stock_api/.generated.json"}


def test_an_option_changed_rebuilds(project: Path) -> None:
    assert run(cwd=project).returncode == 0
    result = run("--no-server", "-v", cwd=project)
    assert "changed since it was generated: options" in result.stderr
    assert not (project / "out" / "stock_api" / "server.py").exists()


def test_a_stale_package_to_remove_is_not_a_no_op(project: Path) -> None:
    assert run(cwd=project).returncode == 0
    (project / "specs" / "stock.yaml").unlink()
    result = run(cwd=project)
    assert result.stdout.splitlines()[0] == "out/: 1 package up to date (inventory_api, 42 files); 1 stale package removed (stock_api)"
    assert not (project / "out" / "stock_api").exists()


def test_a_file_of_someone_elses_in_a_package_still_stops_the_run(project: Path) -> None:
    assert run(cwd=project).returncode == 0
    (project / "out" / "stock_api" / "notes.txt").write_text("mine", encoding="utf-8")
    result = run(cwd=project)
    assert result.returncode == 4, result.stdout + result.stderr
    assert (project / "out" / "stock_api" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_check_diffs_only_the_packages_that_would_change(project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The whole pipeline, no fingerprints involved: with two specs and one changed, the diff
    # once showed every file of the package that was current as added.
    monkeypatch.chdir(project)
    specs = sorted(Path("specs").glob("*.yaml"))
    generate_many(specs, Path("full"))
    spec = project / "specs" / "stock.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("Stores an item.", "Stores one item."), encoding="utf-8")
    diff = generate_many(specs, Path("full"), check=True)
    assert "+        Stores one item." in diff
    assert "inventory_api/" not in diff


def test_progress_is_a_line_per_stage_and_package_on_a_terminal_and_plain_otherwise(project: Path) -> None:
    # A real pseudo-terminal (util-linux `script`) on stderr; the same command with pipes.
    command = f"{sys.executable} -m generator"
    uncached = {**os.environ, "AWS_BINDING_GENERATOR_CACHE": "off"}  # models answered by a cache have no wait to show
    on_terminal = subprocess.run(["script", "-qec", command, "/dev/null"], cwd=project, env=uncached, capture_output=True, text=True, check=False)
    assert on_terminal.returncode == 0, on_terminal.stdout
    lines = on_terminal.stdout.replace("\r\n", "\n").splitlines()
    stages = [line.split(": ", 1)[1].rsplit(" ", 2)[0] for line in lines if line.startswith("specs/inventory.yaml: ")]
    # The models stage starts (in the second process, generator/worker.py) before the templates
    # and ends after black: what is left of it then is the wait for that process, then black
    # over the models.
    assert stages == ["load and check", "models", "templates", "exports", "black", "models (the rest of the wait)", "black"]
    assert "out/inventory_api: written (42 files)" in lines and "out/stock_api: written (42 files)" in lines
    assert any(line.startswith("out: write ") and line.endswith(" s") for line in lines)
    assert lines[-1] == "out/: 2 packages written (inventory_api, 42 files; stock_api, 42 files)"
    assert "\x1b" not in on_terminal.stdout, "plain text, no terminal control"
    piped = subprocess.run([sys.executable, "-m", "generator", "--no-server"], cwd=project, capture_output=True, text=True, check=False)
    assert piped.stderr == "" and piped.stdout == "out/: 2 packages written (inventory_api, 40 files; stock_api, 40 files)\n"
    quiet = subprocess.run(["script", "-qec", f"{command} --quiet --server", "/dev/null"], cwd=project, capture_output=True, text=True, check=False)
    assert quiet.returncode == 0 and quiet.stdout == "", "--quiet: nothing, even on a terminal"
    verbose = subprocess.run([sys.executable, "-m", "generator", "--verbose"], cwd=project, capture_output=True, text=True, check=False)
    assert verbose.stderr.splitlines() == [
        "specs/inventory.yaml: current (same inputs, files as written)",
        "specs/stock.yaml: current (same inputs, files as written)",
        "out/inventory_api: up to date by its fingerprint (42 files, nothing rendered)",
        "out/stock_api: up to date by its fingerprint (42 files, nothing rendered)",
    ]
