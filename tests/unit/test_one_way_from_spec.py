"""One way from a spec to its IR (`compile_spec`) serves every command, and one atomic writer
writes every output: `export` too, replacing only the files it writes."""

from __future__ import annotations

import ast
import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from generator import SpecError, compile_spec
from generator.check import check_spec
from generator.load import load_spec
from generator.pipeline import build, message_path

from ..conftest import ROOT

GENERATOR = ROOT / "generator"
VALID_BASE = ROOT / "tests" / "bad_specs" / "_valid_base.yaml"
SEVERAL = ROOT / "tests" / "bad_specs" / "several_errors.yaml"
FRONT_END = {"load_spec", "check_spec", "build_service"}


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False)


def test_only_compile_spec_loads_checks_and_builds() -> None:
    callers = set()
    for path in sorted(GENERATOR.rglob("*.py")):
        for function in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(function, ast.FunctionDef):
                called = {n.func.id for n in ast.walk(function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
                if called & FRONT_END:
                    callers.add(f"{path.relative_to(GENERATOR).as_posix()}:{function.name}")
    # compile_spec loads a spec file and hands it to compile_loaded, the one check -> IR (for a
    # spec at a git revision or an import in memory too: diff, refresh's verdict);
    # read_spec: the raw, format-checked spec for refresh, which rewrites the spec itself
    assert callers == {"pipeline.py:compile_spec", "pipeline.py:compile_loaded", "pipeline.py:read_spec"}
    pipeline = ast.parse((GENERATOR / "pipeline.py").read_text(encoding="utf-8"))
    [compile_spec_function] = [n for n in ast.walk(pipeline) if isinstance(n, ast.FunctionDef) and n.name == "compile_spec"]
    called = {n.func.id for n in ast.walk(compile_spec_function) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
    assert called & FRONT_END == {"load_spec"} and "compile_loaded" in called


def test_compile_spec_raises_every_problem_the_checker_finds() -> None:
    expected = check_spec(load_spec(SEVERAL, message_path(SEVERAL)))
    assert len(expected) == 5
    with pytest.raises(SpecError) as raised:
        compile_spec(SEVERAL)
    assert raised.value.diagnostics == expected


def test_generate_renders_the_service_compile_spec_makes() -> None:
    service, _ = build(VALID_BASE)
    assert service == compile_spec(VALID_BASE)


def test_export_leaves_the_rest_of_the_folder_alone_and_claims_nothing(tmp_path: Path) -> None:
    package = tmp_path / "web" / "widget"
    package.mkdir(parents=True)
    (package / "index.ts").write_text("export * from './types';\n")
    done = cli("export", "--format", "jsonschema", "--spec", str(VALID_BASE), "--out", "web", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert sorted(p.relative_to(package).as_posix() for p in package.rglob("*") if p.is_file()) == [
        "index.ts",
        "schemas/GetWidgetInput.schema.json",
        "schemas/GetWidgetOutput.schema.json",
    ]
    assert not (package / ".generated.json").exists()
    assert [p.name for p in (tmp_path / "web").iterdir()] == ["widget"], "no staging left behind"


def test_exported_files_get_the_same_permissions_as_generated_ones(tmp_path: Path) -> None:
    """export once wrote through mkstemp, so its files were readable by their owner only."""
    assert cli("export", "--format", "typescript", "--spec", str(VALID_BASE), "--out", "web", cwd=tmp_path).returncode == 0
    assert cli("generate", "--spec", str(VALID_BASE), "--out", "gen", cwd=tmp_path).returncode == 0
    mode = stat.S_IMODE((tmp_path / "gen" / "widget" / "types.d.ts").stat().st_mode)
    assert stat.S_IMODE((tmp_path / "web" / "widget" / "types.d.ts").stat().st_mode) == mode


def test_an_export_that_cannot_write_one_file_writes_none(tmp_path: Path) -> None:
    """All of an export or nothing: a folder where the second schema goes stops it before the
    first schema is written."""
    schemas = tmp_path / "web" / "widget" / "schemas"
    (schemas / "GetWidgetOutput.schema.json").mkdir(parents=True)
    done = cli("export", "--format", "jsonschema", "--spec", str(VALID_BASE), "--out", "web", cwd=tmp_path)
    assert done.returncode == 3, done.stderr
    assert "Is a directory" in done.stderr and "Traceback" not in done.stderr
    assert sorted(p.name for p in schemas.iterdir()) == ["GetWidgetOutput.schema.json"]
    assert [p.name for p in (tmp_path / "web").iterdir()] == ["widget"]


def test_generate_into_an_export_folder_adopts_it_only_while_the_export_is_current(tmp_path: Path) -> None:
    """An export folder has no ownership marker: `generate` may replace it when every file in
    it is what generate writes there too (a current export), and otherwise stops (exit 4)
    without writing, since it cannot tell an old export from the user's own edits."""
    spec = tmp_path / "widget.yaml"
    shutil.copy(VALID_BASE, spec)
    assert cli("export", "--format", "typescript", "--spec", "widget.yaml", "--out", "out", cwd=tmp_path).returncode == 0
    spec.write_text(VALID_BASE.read_text(encoding="utf-8").replace("    max: 10\n", "    max: 12\n"), encoding="utf-8")
    before = (tmp_path / "out" / "widget" / "types.d.ts").read_bytes()
    stopped = cli("generate", "--spec", "widget.yaml", "--out", "out", cwd=tmp_path)
    assert stopped.returncode == 4, stopped.stderr
    assert "out/widget/ was not written by the generator" in stopped.stderr and "types.d.ts" in stopped.stderr
    assert [p.name for p in (tmp_path / "out" / "widget").iterdir()] == ["types.d.ts"]
    assert (tmp_path / "out" / "widget" / "types.d.ts").read_bytes() == before
    assert cli("export", "--format", "typescript", "--spec", "widget.yaml", "--out", "out", cwd=tmp_path).returncode == 0
    done = cli("generate", "--spec", "widget.yaml", "--out", "out", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "widget" / ".generated.json").is_file()
