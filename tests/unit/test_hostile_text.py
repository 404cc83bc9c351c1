"""Hostile text in a valid spec stays text.

Documentation (service, operation, shapes, members), the service's full name, enum values and
example bodies get quotes, backslashes, template syntax, NUL, CR, Unicode line separators,
terminal escapes, comment closers and Python/shell snippets that would create a canary file if
they ever ran. The generated package must compile, pass mypy --strict and ruff, have the same
code as with harmless text (only string constants differ), carry each text into its docstring
(`__doc__` at run time), and importing it must run nothing.
"""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator import models, pipeline
from generator.pipeline import build, generate
from generator.write import write_tree

from ..conftest import ROOT

FRAGMENTS = [
    '"""',
    "'''",
    '"',
    "'",
    "\\",
    "\\\\",
    "\\n",
    "\\x00",
    "\\u2028",
    "\\N{BULLET}",
    "{{ 7*7 }}",
    "{% if true %}X{% endif %}",
    "{# comment #}",
    "{{",
    "}}",
    "{%",
    "</script><script>alert(1)</script>",
    "<!-- -->",
    "]]>",
    "*/",
    "/*",
    "#",
    "# type: ignore",
    "\x00",
    "\r",
    "\r\n",
    "\n",
    "\u2028",
    "\u2029",
    "\x85",
    "\x0b",
    "\x0c",
    "\x1b[31mred\x1b[0m",
    "\t",
    "\ufeff",
    "\u200b",
    "\u202e",
    "\U0001f600",
    "%s %(x)s {0} {x} ${x}",
    "$(touch {canary})",
    "`touch {canary}`",
    '"""; import os; os.system("touch {canary}"); """',
    "'''; __import__('pathlib').Path('{canary}').touch(); '''",
    '\\"""; open("{canary}", "w"); #',
    "f\"{__import__('os').system('touch {canary}')}\"",
    "\n    def run(self): open('{canary}', 'w')\n",
    "\nimport os\nos.system('touch {canary}')\n",
    "@property",
    "r'''",
]
ALL_AT_ONCE = "start " + " | ".join(FRAGMENTS) + " end"


def spec_text(package: str, doc: str, values: str, canary: Path) -> str:
    """A valid spec: every documentation slot holds `doc` after a label; enums and examples hold `values`."""

    def t(label: str, text: str) -> str:
        return f"{label} " + text.replace("{canary}", str(canary))

    def d(label: str) -> str:
        return t(label, doc)

    spec: dict[str, Any] = {
        "spec_version": 1,
        "service": {
            "name": "Hostile",
            "full_name": d("FULL"),
            "package": package,
            "api_version": "2024-01-01",
            "protocol": "awsJson1_1",
            "target_prefix": "Hostile_20240101",
            "signing_name": "hostile",
            "endpoint_prefix": "hostile",
            "documentation": d("SERVICE"),
        },
        "operations": {
            "DoThing": {
                "input": "DoThingInput",
                "output": "DoThingOutput",
                "errors": ["BadThing"],
                "documentation": d("OPERATION"),
                "examples": [
                    {
                        "title": t("TITLE", values),
                        "request": json.dumps({"name": t("REQUEST", values)}),
                        "response": json.dumps({"note": t("RESPONSE", values)}, ensure_ascii=False),
                    }
                ],
            }
        },
        "shapes": {
            "DoThingInput": {
                "type": "structure",
                "documentation": d("INPUT"),
                "required": ["name"],
                "members": {
                    "name": {"shape": "Name", "documentation": d("MEMBER-NAME")},
                    "kind": {"shape": "Kind", "documentation": d("MEMBER-KIND")},
                },
            },
            "DoThingOutput": {
                "type": "structure",
                "documentation": d("OUTPUT"),
                "members": {
                    "note": {"shape": "Note", "documentation": d("MEMBER-NOTE")},
                    "notes": {"shape": "NoteMap"},
                },
            },
            "Name": {"type": "string", "min": 1, "max": 100, "pattern": "['\"{}%#<>/*\\\\$`-]+", "documentation": d("NAME")},
            "Kind": {"type": "string", "enum": [t("A", values), t("B", values)], "documentation": d("KIND")},
            "Note": {"type": "string", "documentation": d("NOTE")},
            "NoteMap": {"type": "map", "key": "Note", "value": "Note", "documentation": d("MAP")},
            "BadThing": {
                "type": "structure",
                "documentation": d("ERROR"),
                "error": {"code": "BadThing", "http_status": 400, "fault": "client"},
                "members": {"message": {"shape": "Note", "documentation": d("MEMBER-MESSAGE")}},
            },
        },
    }
    text = yaml.safe_dump(spec, allow_unicode=False, sort_keys=False, width=1_000_000)
    assert yaml.safe_load(text) == spec
    return text


def flat(text: str) -> str:
    """Text as a docstring may lay it out: black re-indents lines and drops trailing spaces.
    Only raw spaces and newlines move; every other character (tabs, CR, U+2028 ...) is written
    as an escape in the source and must come back exactly."""
    return re.sub(r"[ \n]+", " ", text).strip(" ")


def expected(label: str, doc: str, canary: Path) -> str:
    return flat((f"{label} " + doc.replace("{canary}", str(canary))).strip())


def strings_blanked(source: str) -> str:
    """The module's code with every string constant replaced: what must not depend on spec text."""

    class Blank(ast.NodeTransformer):
        def visit_Constant(self, node: ast.Constant) -> ast.Constant:
            return ast.Constant("S") if isinstance(node.value, str) else node

    return ast.dump(Blank().visit(ast.parse(source)))


def docstrings(source: str) -> dict[str, str]:
    """Module, class, function and attribute docstrings by dotted name, as the source holds them."""
    found: dict[str, str] = {}
    tree = ast.parse(source)
    if (doc := ast.get_docstring(tree, clean=False)) is not None:
        found[""] = doc

    def walk(body: list[ast.stmt], prefix: str) -> None:
        previous: str | None = None
        for node in body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
                name = prefix + node.name
                if (doc := ast.get_docstring(node, clean=False)) is not None:
                    found[name] = doc
                walk(node.body, name + ".")
            elif previous and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                found[prefix + previous] = node.value.value
            previous = node.target.id if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) else None

    walk(tree.body, "")
    return found


def check_in_memory(files: dict[str, str], benign: dict[str, str], package: str, doc: str, canary: Path) -> None:
    """What can be checked without running the code: it compiles, its code is the benign code,
    and each text sits whole in the docstring it belongs to."""
    assert set(files) == set(benign)
    for name, text in files.items():
        if name.endswith(".py"):
            compile(text, name, "exec")
            assert strings_blanked(text) == strings_blanked(benign[name]), f"{name}: spec text changed the code"
            assert all(c.isprintable() or c == "\n" for c in text), f"{name}: a raw control or separator character"
        elif name.endswith(".json"):
            json.loads(text)
        elif name.endswith((".yaml", ".yml")):
            yaml.safe_load(text)
    models = docstrings(files[f"{package}/models.py"])
    for where, label in (
        ("DoThingInput", "INPUT"),
        ("DoThingOutput", "OUTPUT"),
        ("Kind", "KIND"),
        ("DoThingInput.name", "MEMBER-NAME"),
        ("DoThingInput.kind", "MEMBER-KIND"),
        ("DoThingOutput.note", "MEMBER-NOTE"),
    ):
        assert flat(models[where]) == expected(label, doc, canary), where
    assert flat(docstrings(files[f"{package}/errors.py"])["BadThing"]) == expected("ERROR", doc, canary)
    init = flat(docstrings(files[f"{package}/__init__.py"])[""])
    assert expected("SERVICE", doc, canary) in init and expected("FULL", doc, canary) in init
    client = docstrings(files[f"{package}/client.py"])
    assert any(expected("OPERATION", doc, canary) in flat(text) for name, text in client.items() if name.endswith("do_thing"))


IMPORT_CHECK = """
import importlib, json, sys
cases = json.load(open(sys.argv[1]))
for case in cases:
    package = case["package"]
    for module in case["modules"]:
        importlib.import_module(f"{package}.{module}")
    pkg = sys.modules[package]
    models, errors = sys.modules[package + ".models"], sys.modules[package + ".errors"]
    got = {
        "init": pkg.__doc__, "input": models.DoThingInput.__doc__, "output": models.DoThingOutput.__doc__,
        "kind": models.Kind.__doc__, "error": errors.BadThing.__doc__,
        "enum": [member.value for member in models.Kind],
        "client": sys.modules[package + ".client"].HostileClient.do_thing.__doc__,
    }
    print(json.dumps({"package": package, "got": got}))
"""


def import_and_read(root: Path, cases: list[dict[str, Any]], canary: Path) -> dict[str, dict[str, Any]]:
    """Import every module of every package in a fresh interpreter; return what it saw."""
    listing = root / "cases.json"
    listing.write_text(json.dumps(cases))
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run([sys.executable, "-c", IMPORT_CHECK, str(listing)], cwd=root, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    assert not canary.exists(), "importing the package ran text from the spec"
    return {row["package"]: row["got"] for row in map(json.loads, done.stdout.splitlines())}


def check_at_run_time(got: dict[str, Any], doc: str, values: str, canary: Path) -> None:
    assert flat(got["input"]) == expected("INPUT", doc, canary)
    assert flat(got["output"]) == expected("OUTPUT", doc, canary)
    assert flat(got["kind"]) == expected("KIND", doc, canary)
    assert flat(got["error"]) == expected("ERROR", doc, canary)
    assert expected("SERVICE", doc, canary) in flat(got["init"])
    assert expected("OPERATION", doc, canary) in flat(got["client"])
    assert got["enum"] == [f"{label} " + values.replace("{canary}", str(canary)) for label in ("A", "B")]


def python_modules(package_dir: Path) -> list[str]:
    return sorted(p.stem for p in package_dir.glob("*.py") if p.stem != "__init__")


def write_spec(folder: Path, package: str, doc: str, values: str, canary: Path) -> Path:
    spec = folder / f"{package}.yaml"
    spec.write_text(spec_text(package, doc, values, canary), encoding="utf-8")
    return spec


@pytest.fixture(scope="module")
def hostile_package(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """Every fragment at once, generated through the public `generate` call."""
    root = tmp_path_factory.mktemp("hostile")
    canary = root / "canary"
    spec = write_spec(root, "hostile_all", ALL_AT_ONCE, ALL_AT_ONCE, canary)
    generate(spec, root / "out")
    yield root / "out", canary
    assert not canary.exists()


def test_fixed_hostile_text_is_inert_and_round_trips(hostile_package: tuple[Path, Path], tmp_path: Path) -> None:
    out, canary = hostile_package
    package = "hostile_all"
    files = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in (out / package).rglob("*") if p.is_file()}
    benign_spec = write_spec(tmp_path, package, "harmless words", ALL_AT_ONCE, canary)
    _, benign = build(benign_spec)
    check_in_memory(files, benign, package, ALL_AT_ONCE, canary)
    got = import_and_read(out, [{"package": package, "modules": python_modules(out / package)}], canary)
    check_at_run_time(got[package], ALL_AT_ONCE, ALL_AT_ONCE, canary)


def test_fixed_hostile_package_passes_mypy_strict_and_ruff(hostile_package: tuple[Path, Path]) -> None:
    out, _ = hostile_package
    env = {**os.environ, "MYPY_CACHE_DIR": str(out / ".mypy_cache")}
    mypy = subprocess.run([sys.executable, "-m", "mypy", "--strict", "hostile_all"], cwd=out, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert mypy.returncode == 0, mypy.stdout[-3000:]
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "hostile_all"], cwd=out, capture_output=True, text=True, timeout=120, check=False)
    assert ruff.returncode == 0, ruff.stdout[-3000:]


def test_fixed_hostile_typescript_declarations_compile(hostile_package: tuple[Path, Path]) -> None:
    """Doc comments in types.d.ts must not be closed early by a `*/` in the text."""
    out, _ = hostile_package
    tsc = ROOT / "tests" / "js" / "node_modules" / ".bin" / "tsc"
    declarations = out / "hostile_all" / "types.d.ts"
    if not declarations.exists():
        pytest.fail("the package has no types.d.ts to check")
    assert tsc.exists(), "typescript is not installed in tests/js; run: npm ci --prefix tests/js"
    done = subprocess.run([str(tsc), "--noEmit", "--strict", str(declarations)], capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stdout[-3000:]


HOSTILE_TEXT = st.lists(
    st.one_of(st.sampled_from(FRAGMENTS), st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=6)),
    min_size=1,
    max_size=6,
).map("".join)


def unformatted_build(spec: Path) -> dict[str, str]:
    """The reference build for the code comparison, without black: only its AST is compared,
    and black keeps the AST by construction. Saves a second formatting per example."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(models, "format_python", lambda text, name: text)
        patch.setattr(pipeline, "format_generated", lambda text, name: text)
        return build(spec)[1]


def test_generated_hostile_text_is_inert_and_round_trips(tmp_path: Path) -> None:
    """Property: for any such text, the checks above hold (imports are run once, at the end)."""
    canary = tmp_path / "canary"
    out = tmp_path / "out"
    reference_dir = tmp_path / "benign"
    reference_dir.mkdir()
    cases: list[dict[str, Any]] = []
    texts: dict[str, tuple[str, str]] = {}

    @settings(max_examples=12, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(doc=HOSTILE_TEXT, values=HOSTILE_TEXT)
    def one(doc: str, values: str) -> None:
        package = f"hostile_{len(cases)}"
        spec = write_spec(tmp_path, package, doc, values, canary)
        _, files = build(spec)
        check_in_memory(files, unformatted_build(write_spec(reference_dir, package, "harmless words", values, canary)), package, doc, canary)
        write_tree(files, out, {package})
        cases.append({"package": package, "modules": python_modules(out / package)})
        texts[package] = (doc, values)

    one()
    assert len(cases) >= 8
    seen = import_and_read(out, cases, canary)
    assert set(seen) == set(texts)
    for package, (doc, values) in texts.items():
        check_at_run_time(seen[package], doc, values, canary)
    ruff = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."], cwd=out, capture_output=True, text=True, timeout=120, check=False)
    assert ruff.returncode == 0, ruff.stdout[-3000:]
    shutil.rmtree(out)


def test_spec_file_name_is_inert(tmp_path: Path) -> None:
    """The spec's file name goes into every header comment; a newline in it must not end the comment."""
    out = tmp_path / "out"
    canary = out / "canary"  # the import below runs in `out`, where a relative path would land
    folder = tmp_path / "specs"
    folder.mkdir()
    name = "evil\n__import__('pathlib').Path('canary').touch()\n\u2028#.yaml"
    spec = folder / name
    spec.write_text(spec_text("hostile_name", "plain words", "plain", canary), encoding="utf-8")
    generate(spec, out)
    for path in (out / "hostile_name").glob("*.py"):
        first, second = path.read_text(encoding="utf-8").split("\n", 2)[:2]
        assert first.startswith("# Generated by ") and "\\n__import__" in first, first
        assert "__import__" not in second
    import_and_read(out, [{"package": "hostile_name", "modules": python_modules(out / "hostile_name")}], canary)
    assert not canary.exists()
