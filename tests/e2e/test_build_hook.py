"""The hatchling build hook, used as a downstream project uses it: tests/build_sample/ is built
with the real pip and `python -m build`, offline, in a fresh virtual environment into which
the generator is installed from a wheel built here (the build runs without isolation: the
environment has hatchling and the generator's dependencies, and no network is needed).

The fresh environment sees this test run's installed packages through tests/installed_links.py,
so it holds no copy of the generator but the one from the wheel.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from ..conftest import ROOT
from ..support.installed_links import installed_links

SAMPLE = ROOT / "tests" / "build_sample"
OFFLINE = ["--no-deps", "--no-index", "--no-build-isolation"]


class FreshVenv:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.python = folder / "bin" / "python"

    def run(self, *args: str | Path, cwd: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "PIP_", "VIRTUAL_ENV"))}
        env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
        result = subprocess.run([str(self.python), *map(str, args)], cwd=cwd, env=env, capture_output=True, text=True, check=False)
        if check:
            assert result.returncode == 0, result.stdout + result.stderr
        return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> FreshVenv:
    base = tmp_path_factory.mktemp("hook")
    wheels = base / "wheels"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", *OFFLINE, "-w", str(wheels), str(ROOT)], check=True, capture_output=True)
    [wheel] = wheels.glob("aws_binding_generator-*.whl")
    fresh = FreshVenv(base / "venv")
    subprocess.run([sys.executable, "-m", "venv", str(fresh.folder)], check=True)
    links = installed_links(base / "installed")
    [fresh_site] = (fresh.folder / "lib").glob("python3*/site-packages")
    (fresh_site / "_installed.pth").write_text(f"{links}\n", encoding="utf-8")
    fresh.run("-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=base)
    shown = fresh.run("-c", "import generator.resources as r; print(r.TEMPLATE_ROOT)", cwd=base).stdout
    assert str(fresh_site) in shown, "the generator comes from the wheel, with its templates inside it"
    return fresh


@pytest.fixture
def project(tmp_path: Path) -> Path:
    folder = tmp_path / "widgetshop"
    shutil.copytree(SAMPLE, folder, ignore=shutil.ignore_patterns("bindings", "dist", "*.egg-info", "__pycache__"))
    return folder


def test_wheel_holds_the_generated_package_which_imports(venv: FreshVenv, project: Path, tmp_path: Path) -> None:
    venv.run("-m", "pip", "wheel", "-q", *OFFLINE, "-w", tmp_path / "dist", ".", cwd=project)
    [wheel] = (tmp_path / "dist").glob("widgetshop-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "widgetshop/__init__.py" in names
    assert {"inventory_api/__init__.py", "inventory_api/models.py", "inventory_api/client.py", "inventory_api/py.typed"} <= set(names)
    assert "inventory_api/server.py" not in names, "server = false in the sample's [tool.aws-binding-generator]"
    assert not [n for n in names if n.startswith("bindings/") or n.endswith(".generated.json")]
    venv.run("-m", "pip", "install", "-q", "--no-deps", "--no-index", wheel, cwd=tmp_path)
    shown = venv.run("-c", "import widgetshop, inventory_api.client as c; print(widgetshop.bolt_problems()); print(c.__file__)", cwd=tmp_path).stdout
    assert "Value '-1' at 'item.count' failed to satisfy constraint" in shown
    assert "site-packages/inventory_api/client.py" in shown
    venv.run("-m", "pip", "uninstall", "-q", "-y", "widgetshop", cwd=tmp_path)


def test_editable_install_imports_the_package_from_the_project_folder(venv: FreshVenv, project: Path, tmp_path: Path) -> None:
    venv.run("-m", "pip", "install", "-q", *OFFLINE, "-e", ".", cwd=project)
    try:
        shown = venv.run("-c", "import widgetshop, inventory_api; print(inventory_api.__file__)", cwd=tmp_path).stdout
        assert Path(shown.strip()) == project / "bindings" / "inventory_api" / "__init__.py"
        # The generator installed in the environment regenerates in place; the install sees it.
        spec = project / "specs" / "inventory.yaml"
        spec.write_text(spec.read_text(encoding="utf-8").replace("Stores an item.", "Stores one item."), encoding="utf-8")
        venv.run("-m", "generator", cwd=project)
        shown = venv.run("-c", "import inventory_api.client as c, inspect; print(inspect.getsource(c))", cwd=tmp_path).stdout
        assert "Stores one item." in shown
    finally:
        venv.run("-m", "pip", "uninstall", "-q", "-y", "widgetshop", cwd=tmp_path)


def test_sdist_carries_specs_and_generated_files_and_its_wheel_finds_them_current(venv: FreshVenv, project: Path, tmp_path: Path) -> None:
    # `python -m build` makes the sdist, then the wheel from the unpacked sdist.
    result = venv.run("-m", "build", "--no-isolation", "--skip-dependency-check", "-o", tmp_path / "dist", ".", cwd=project)
    [sdist] = (tmp_path / "dist").glob("widgetshop-*.tar.gz")
    with tarfile.open(sdist) as archive:
        names = archive.getnames()
    assert "widgetshop-1.0.0/specs/inventory.yaml" in names
    assert "widgetshop-1.0.0/bindings/inventory_api/models.py" in names
    assert "widgetshop-1.0.0/bindings/inventory_api/.generated.json" in names
    assert "aws-bindings: bindings/inventory_api up to date" in result.stdout + result.stderr, "the wheel from the sdist renders nothing"
    [wheel] = (tmp_path / "dist").glob("widgetshop-*.whl")
    assert "inventory_api/validators.py" in zipfile.ZipFile(wheel).namelist()


def test_a_broken_spec_fails_the_build_with_the_located_error(venv: FreshVenv, project: Path, tmp_path: Path) -> None:
    spec = project / "specs" / "inventory.yaml"
    spec.write_text(spec.read_text(encoding="utf-8").replace("item: {shape: Item}", "item: {shape: Itme}"), encoding="utf-8")
    result = venv.run("-m", "pip", "wheel", *OFFLINE, "-w", tmp_path / "dist", ".", cwd=project, check=False)
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "specs/inventory.yaml:35:21: error: member shape 'Itme' is not defined in shapes; did you mean 'Item'?" in output
    assert "1 error in the specs; the build stopped." in output
    assert "Traceback" not in output
    assert not (tmp_path / "dist").exists() or not list((tmp_path / "dist").glob("*.whl"))


def test_an_unknown_hook_option_is_a_located_error(venv: FreshVenv, project: Path, tmp_path: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8").replace("[tool.hatch.build.hooks.aws-bindings]\n", "[tool.hatch.build.hooks.aws-bindings]\nspecs = 'x'\n")
    pyproject.write_text(text, encoding="utf-8")
    line = text.splitlines().index("specs = 'x'") + 1
    result = venv.run("-m", "build", "--wheel", "--no-isolation", "--skip-dependency-check", "-o", tmp_path / "dist", ".", cwd=project, check=False)
    assert result.returncode != 0
    assert f"pyproject.toml:{line}:1: error: unknown option 'specs' in [tool.hatch.build.hooks.aws-bindings]" in result.stdout + result.stderr


def test_readme_hook_block_is_what_the_sample_uses() -> None:
    from ..support.readme import readme_blocks

    [block] = [b for b in readme_blocks() if b.section == "### Build hook" and b.language == "toml"]
    sample = (SAMPLE / "pyproject.toml").read_text(encoding="utf-8")
    for chunk in block.text.strip().split("\n\n"):
        assert chunk + "\n" in sample, chunk
