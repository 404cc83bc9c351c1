"""`[tool.aws-binding-generator]` in pyproject.toml: every key, every error (located as
pyproject.toml:LINE:COLUMN, all reported at once, exit 2), discovery from the working
directory upwards, `--config`, and the command-line flags that override it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import ROOT

SPEC = ROOT / "tests" / "generality" / "inventory.yaml"
PACKAGE = "inventory_api"
EXPORTS = {"jsonschema": "schemas/PutItemRequest.schema.json", "openapi": "openapi.yaml", "typescript": "types.d.ts"}


def run(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "generator", *map(str, args)], cwd=cwd, capture_output=True, text=True, check=False)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    shutil.copy(SPEC, tmp_path / "specs" / "inventory.yaml")
    return tmp_path


def configure(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(f'[project]\nname = "x"\n\n[tool.aws-binding-generator]\n{body}', encoding="utf-8")


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and "__pycache__" not in p.parts}


# Each case: the table's body (from line 5 of the file), and the errors, in order.
ERRORS = {
    "unknown key, with the close one": ('sever = true\n', ["5:1: error: unknown key 'sever' in [tool.aws-binding-generator]; did you mean 'server'?"]),
    "unknown key, with the list": ('colour = "red"\n', ["5:1: error: unknown key 'colour' in [tool.aws-binding-generator] (the keys: specs, out, packages, exports, server, client, local-handler)"]),
    "specs not a list": ('specs = "specs/*.yaml"\n', ["5:9: error: 'specs' must be a list of paths or globs (strings), not a string"]),
    "specs empty": ("specs = []\n", ["5:9: error: 'specs' is empty: name at least one spec, or a glob such as \"specs/*.yaml\""]),
    "spec glob matches nothing": ('specs = ["api/*.yaml"]\n', ["5:10: error: 'api/*.yaml' matches no file (relative to the folder of pyproject.toml)"]),
    "spec file missing": ('specs = ["specs/inventory.yaml", "gone.yaml"]\n', ["5:34: error: 'gone.yaml' is not a file (relative to the folder of pyproject.toml)"]),
    "spec absolute": ('specs = ["/etc/x.yaml"]\n', ["5:10: error: '/etc/x.yaml' is absolute: write it relative to pyproject.toml's folder"]),
    "spec empty path": ('specs = [" "]\n', ["5:10: error: an empty path in 'specs'"]),
    "out not a string": ("out = 3\n", ["5:7: error: 'out' must be a folder (a non-empty string), not an integer"]),
    "out empty": ('out = ""\n', ["5:7: error: 'out' must be a folder (a non-empty string), not a string"]),
    "exports not a list": ('exports = "openapi"\n', ["5:11: error: 'exports' must be a list of export formats (jsonschema, openapi, typescript), not a string"]),
    "export unknown": ('exports = ["opnapi"]\n', ["5:12: error: unknown export format 'opnapi'; did you mean 'openapi'?"]),
    "export twice": ('exports = ["openapi", "openapi"]\n', ["5:23: error: 'openapi' is listed twice in 'exports'"]),
    "server not a boolean": ('server = "yes"\n', ["5:10: error: 'server' must be true or false, not a string"]),
    "client not a boolean": ("client = 1\n", ["5:10: error: 'client' must be true or false, not an integer"]),
    "local-handler not a boolean": ("local-handler = []\n", ["5:17: error: 'local-handler' must be true or false, not an array"]),
    "packages not a table": ("packages = []\n", ["5:12: error: 'packages' must be a table of spec path = package name, not an array"]),
    "package of a spec not listed": (
        '[tool.aws-binding-generator.packages]\n"specs/other.yaml" = "other"\n',
        ["6:1: error: 'specs/other.yaml' is not one of the specs 'specs' names"],
    ),
    "package name not a Python name": (
        '[tool.aws-binding-generator.packages]\n"specs/inventory.yaml" = "Bad-Name"\n',
        ["6:26: error: the package for 'specs/inventory.yaml' must be a Python package name (lower-case letters, digits and _, starting with a letter, at most 64), not 'Bad-Name'"],
    ),
    "package name a keyword": (
        '[tool.aws-binding-generator.packages]\n"specs/inventory.yaml" = "class"\n',
        ["6:26: error: the package for 'specs/inventory.yaml' must be a Python package name (lower-case letters, digits and _, starting with a letter, at most 64), not 'class'"],
    ),
    "not valid TOML": ('specs = ["specs/*.yaml"\n', ["5:24: error: not valid TOML: Unclosed array"]),
    "several at once": (
        'out = 3\nserver = "no"\nexprots = []\n',
        [
            "5:7: error: 'out' must be a folder (a non-empty string), not an integer",
            "6:10: error: 'server' must be true or false, not a string",
            "7:1: error: unknown key 'exprots' in [tool.aws-binding-generator]; did you mean 'exports'?",
        ],
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_every_configuration_error_is_located_and_exits_2(project: Path, case: str) -> None:
    body, expected = ERRORS[case]
    configure(project, body)
    result = run("check", cwd=project)
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.splitlines()
    assert lines == [f"pyproject.toml:{line}" for line in expected] + [f"{len(expected)} error{'s' if len(expected) > 1 else ''}; nothing was written."]
    assert "Traceback" not in result.stderr
    assert not (project / "generated").exists()


def test_the_table_must_be_a_table(project: Path) -> None:
    (project / "pyproject.toml").write_text("tool.aws-binding-generator = 3\n", encoding="utf-8")
    result = run(cwd=project)
    assert result.returncode == 2
    assert result.stderr.startswith("pyproject.toml:1:30: error: [tool.aws-binding-generator] must be a table, not an integer\n")


def test_config_option_names_a_file_elsewhere_and_its_errors(project: Path, tmp_path: Path) -> None:
    missing = run("--config", "nothere.toml", cwd=project)
    assert missing.returncode == 2
    assert missing.stderr.startswith("nothere.toml:1:1: error: cannot read the configuration: No such file or directory\n")
    (project / "other.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    no_table = run("--config", "other.toml", cwd=project)
    assert no_table.returncode == 2
    assert no_table.stderr.startswith("other.toml:1:1: error: no [tool.aws-binding-generator] table in other.toml\n")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (project / "other.toml").write_text('[tool.aws-binding-generator]\nspecs = ["specs/inventory.yaml"]\nout = "from-other"\n', encoding="utf-8")
    result = run("--config", project / "other.toml", cwd=elsewhere)
    assert result.returncode == 0, result.stderr
    assert (project / "from-other" / PACKAGE / "models.py").is_file(), "paths in the file are relative to its folder"


def test_every_key_takes_effect(project: Path) -> None:
    configure(
        project,
        'specs = ["specs/*.yaml"]\nout = "src"\nexports = ["openapi"]\nserver = false\nclient = false\nlocal-handler = false\n'
        '[tool.aws-binding-generator.packages]\n"specs/inventory.yaml" = "stock"\n',
    )
    result = run(cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "src/: 1 package written (stock, 34 files)\n"
    written = files(project / "src" / "stock")
    assert "openapi.yaml" in written and "types.d.ts" not in written and not any(n.startswith("schemas/") for n in written)
    assert "server.py" not in written and "server_auth.py" not in written and "client.py" not in written
    assert {"models.py", "validators.py", "wire.py", "errors.py", "__init__.py", "_runtime/client.py"} <= written
    marker = json.loads((project / "src" / "stock" / ".generated.json").read_text(encoding="utf-8"))
    assert marker["inputs"]["options"] == {"client": False, "exports": ["openapi"], "local-handler": False, "package": "stock", "server": False}
    # What is left still imports and passes mypy --strict and ruff.
    for command in (["mypy", "--strict", "--no-incremental", "stock"], ["ruff", "check", "--no-cache", "stock"]):
        checked = subprocess.run([sys.executable, "-m", *command], cwd=project / "src", capture_output=True, text=True, check=False)
        assert checked.returncode == 0, checked.stdout + checked.stderr
    imported = subprocess.run([sys.executable, "-c", "import stock, stock.models; print(stock.validate_request({}, 'ListItems'))"], cwd=project / "src", capture_output=True, text=True, check=False)
    assert imported.returncode == 0 and imported.stdout == "[]\n", imported.stderr


def test_the_defaults_and_the_flags_that_override_them(project: Path) -> None:
    configure(project, "server = false\n")
    result = run(cwd=project)
    assert result.stdout == "generated/: 1 package written (inventory_api, 40 files)\n", "defaults: specs/*.yaml into generated/"
    assert not (project / "generated" / PACKAGE / "server.py").exists()
    result = run("--server", "--no-client", "--exports", "typescript,jsonschema", "--out", "other", cwd=project)
    assert result.returncode == 0, result.stderr
    written = files(project / "other" / PACKAGE)
    assert "server.py" in written and "client.py" not in written
    assert {EXPORTS["jsonschema"], EXPORTS["typescript"]} <= written and EXPORTS["openapi"] not in written
    empty = run("regenerate", "--exports", "", "--out", "none", cwd=project)
    assert empty.returncode == 0, empty.stderr
    assert not {path for path in EXPORTS.values()} & files(project / "none" / PACKAGE)
    bad = run("--exports", "yaml", cwd=project)
    assert bad.returncode == 2
    assert "argument --exports: unknown export format 'yaml' (the formats: jsonschema, openapi, typescript)" in bad.stderr


def test_found_from_a_folder_below_and_the_output_is_the_same(project: Path) -> None:
    configure(project, 'out = "bindings"\n')
    assert run(cwd=project).returncode == 0
    below = project / "specs"
    result = run("check", cwd=below)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "../bindings/: 1 package up to date (inventory_api, 42 files)\n"
    header = (project / "bindings" / PACKAGE / "models.py").read_text(encoding="utf-8").splitlines()[0]
    assert "from specs/inventory.yaml." in header, "specs are named relative to the configuration's folder"


def test_specs_flag_overrides_the_configured_specs(project: Path, tmp_path: Path) -> None:
    configure(project, 'specs = ["specs/inventory.yaml"]\n')
    (project / "api").mkdir()
    (project / "api" / "stock.yaml").write_text(SPEC.read_text(encoding="utf-8").replace("package: inventory_api", "package: stock_api"), encoding="utf-8")
    result = run("--specs", "api", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "generated/: 1 package written (stock_api, 42 files)\n"


def test_readme_configuration_is_this_projects_own() -> None:
    import tomllib

    from ..support.readme import readme_blocks

    [block] = [b for b in readme_blocks() if b.section == "### Configuration" and b.language == "toml"]
    shown = tomllib.loads(block.text)["tool"]["aws-binding-generator"]
    assert shown == tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["aws-binding-generator"]
    assert block.text in (ROOT / "pyproject.toml").read_text(encoding="utf-8"), "the same text, comments and all"
    result = run("check", cwd=ROOT / "generator")
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "../generated/: 1 package up to date (pollforjobs, 57 files)\n"
