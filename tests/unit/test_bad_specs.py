"""Broken specs: each gives located FILE:LINE:COLUMN errors, exits 2, prints no traceback and
writes nothing.

Each `tests/bad_specs/*.yaml` is the valid `_valid_base.yaml` with one defect (or, for
`several_errors.yaml`, a few) and says in its header what the generator must report:
`# expect: LINE: message fragment`, one line per problem. Every problem must be listed, and
nothing else. The cases that cannot live in a small text file (huge, binary, non-UTF-8, a
NUL byte, 100,000 levels of nesting) are written by `generated_cases` below.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import pytest

from generator import SpecError, generate
from generator.load import MAX_SPEC_BYTES

from ..conftest import ROOT

BAD_SPECS = Path(__file__).resolve().parents[1] / "bad_specs"
VALID_BASE = BAD_SPECS / "_valid_base.yaml"
EXPECT = re.compile(r"^# expect: (\d+): (.+)$", re.MULTILINE)
LOCATED = re.compile(r"^(?P<file>[^\n]+?):(?P<line>\d+):(?P<column>\d+): error: (?P<message>.+)$")
SUMMARY = re.compile(r"^(\d+) errors?; nothing was written\.$")
CANARY = Path("/tmp/pwned-by-spec")  # what yaml_python_tag.yaml would create if its tag ran


@dataclass(frozen=True)
class Case:
    name: str
    text: bytes
    expects: tuple[tuple[int, str], ...]


def file_cases() -> list[Case]:
    cases = []
    for path in sorted(BAD_SPECS.glob("*.yaml")):
        if path.name.startswith("_"):
            continue
        raw = path.read_bytes()
        expects = tuple((int(line), fragment) for line, fragment in EXPECT.findall(raw.decode("utf-8")))
        assert expects, f"{path.name} has no '# expect: LINE: fragment' header"
        cases.append(Case(path.name, raw, expects))
    return cases


def generated_cases() -> list[Case]:
    base = VALID_BASE.read_text(encoding="utf-8")
    base_lines = base.splitlines(keepends=True)
    doc_line = next(i for i, line in enumerate(base_lines) if line.startswith("  documentation:")) + 1

    def with_doc(value: bytes) -> bytes:
        lines = [line.encode() for line in base_lines]
        lines[doc_line - 1] = b"  documentation: " + value + b"\n"
        return b"".join(lines)

    def with_example(request: str) -> bytes:
        text = base.replace("    - WidgetNotFound\n", f"    - WidgetNotFound\n    examples:\n    - title: deep\n      request: '{request}'\n      response: '{{}}'\n")
        return text.encode()

    example_line = base.splitlines().index("    - WidgetNotFound") + 4
    many = base + "".join(f"  Extra{i:03}:\n    type: string\n    min: many\n" for i in range(150))
    first_extra = len(base.splitlines()) + 3
    return [
        Case("empty_file.yaml", b"", ((1, "spec is empty"),)),
        Case("huge_file.yaml", base.encode() + b"#" * MAX_SPEC_BYTES + b"\n", ((1, f"larger than the limit of {MAX_SPEC_BYTES} bytes"),)),
        Case("binary_file.yaml", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), ((1, "not valid UTF-8 (byte 0x89)"),)),
        Case("latin1_bytes.yaml", with_doc(b"caf\xe9 au lait"), ((doc_line, "not valid UTF-8 (byte 0xe9)"),)),
        Case("nul_byte.yaml", with_doc(b"a NUL \x00 here"), ((doc_line, "character U+0000 is not allowed"),)),
        Case("escape_byte.yaml", with_doc(b"a terminal escape \x1b[31m here"), ((doc_line, "character U+001B is not allowed"),)),
        Case("deep_nesting_100k.yaml", b"[" * 100_000 + b"]" * 100_000 + b"\n", ((1, "nesting deeper than 64 levels"),)),
        Case("deep_example_json.yaml", with_example("[" * 100_000 + "]" * 100_000), ((example_line, "example request nests too deeply"),)),
        Case("huge_documentation.yaml", with_doc(b"x" * 100_001), ((doc_line, "text of 100001 characters is longer than the limit of 100000"),)),
        Case("many_errors.yaml", many.encode(), ((first_extra, "expected a whole number, got 'many'"), (first_extra + 3 * 99, "expected a whole number"), (first_extra + 3 * 100, "... and 50 more problems"))),
    ]


ALL_CASES = file_cases() + generated_cases()
# How many lines a case prints, when that is not one per `expect`.
EXPECTED_COUNTS = {"meta_many_errors.yaml": 60, "many_errors.yaml": 101}


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str
    before: dict[str, bytes]
    after: dict[str, bytes]


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file and folder under root (hidden ones too), with file bytes."""
    found: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        found[path.relative_to(root).as_posix() + ("/" if path.is_dir() else "")] = path.read_bytes() if path.is_file() else b""
    return found


def populate(out: Path) -> None:
    """A pre-existing output tree: the package the spec would generate, another one, hidden files."""
    (out / "widget" / "schemas").mkdir(parents=True)
    (out / "widget" / "__init__.py").write_text("# an older generation\nVERSION = 1\n")
    (out / "widget" / "schemas" / "GetWidgetInput.schema.json").write_text("{}\n")
    shutil.copytree(ROOT / "generated" / "pollforjobs", out / "pollforjobs", ignore=shutil.ignore_patterns("__pycache__"))
    (out / ".keep").write_text("hidden\n")


def run_cli(args: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    # No models' worker: each run stops at its spec's errors, before the models, and the worker
    # the command line would fork at once doubled this file's CPU time (its cleanup after a
    # failed run is tests/unit/test_worker.py's).
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "AWS_BINDING_GENERATOR_WORKER": "off"}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Run]:
    """`python -m generator generate --spec X --out OUT` once per case, four at a time."""
    assert not CANARY.exists(), f"remove {CANARY} left by something else first"
    root = tmp_path_factory.mktemp("bad-specs")

    def one(case: Case) -> tuple[str, Run]:
        folder = root / case.name.removesuffix(".yaml")
        out = folder / "out"
        out.mkdir(parents=True)
        populate(out)
        (folder / case.name).write_bytes(case.text)
        before = snapshot(out)
        done = run_cli(["generate", "--spec", case.name, "--out", "out"], folder)
        return case.name, Run(done.returncode, done.stdout, done.stderr, before, snapshot(out))

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(pool.map(one, ALL_CASES))


def test_there_are_at_least_forty_distinct_bad_specs() -> None:
    assert len(ALL_CASES) >= 40
    assert len({case.text for case in ALL_CASES}) == len(ALL_CASES)
    assert len({case.name for case in ALL_CASES}) == len(ALL_CASES)


def test_the_base_every_bad_spec_edits_is_valid(tmp_path: Path) -> None:
    shutil.copy(VALID_BASE, tmp_path / "spec.yaml")
    done = run_cli(["generate", "--spec", "spec.yaml", "--out", "out"], tmp_path)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "out" / "widget" / "models.py").is_file()


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_bad_spec_is_reported_located_and_nothing_is_written(case: Case, runs: dict[str, Run]) -> None:
    run = runs[case.name]
    assert run.returncode == 2, run.stderr
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    assert run.stdout == ""
    assert run.after == run.before, "the output folder changed"
    lines = run.stderr.splitlines()
    assert lines, "no diagnostics printed"
    summary = SUMMARY.match(lines[-1])
    assert summary, lines[-1]
    located = [LOCATED.match(line) for line in lines[:-1]]
    assert all(located), f"unlocated lines in:\n{run.stderr}"
    assert {m["file"] for m in located if m} == {case.name}
    assert all(int(m["line"]) >= 1 and int(m["column"]) >= 1 for m in located if m)
    found = [(int(m["line"]), m["message"]) for m in located if m]
    for line, fragment in case.expects:
        assert any(at == line and fragment in message for at, message in found), (
            f"expected line {line}: {fragment!r}; got:\n{run.stderr}"
        )
    assert len(found) == EXPECTED_COUNTS.get(case.name, len(case.expects)), run.stderr
    assert int(summary.group(1)) == len(found)
    assert not CANARY.exists()


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda c: c.name)
def test_library_call_raises_spec_error_and_writes_nothing(case: Case, tmp_path: Path) -> None:
    spec = tmp_path / case.name
    spec.write_bytes(case.text)
    out = tmp_path / "out"
    out.mkdir()
    populate(out)
    before = snapshot(out)
    with pytest.raises(SpecError) as raised:
        generate(spec, out)
    assert raised.value.diagnostics
    assert snapshot(out) == before


def test_several_problems_are_all_reported_in_one_run(runs: dict[str, Run]) -> None:
    run = runs["several_errors.yaml"]
    messages = [line for line in run.stderr.splitlines() if ": error: " in line]
    assert len(messages) == 5, run.stderr
    assert len({m.split(":")[1] for m in messages}) == 5, "each problem at its own line"


def test_default_command_reports_bad_specs_among_good_ones_and_writes_nothing(tmp_path: Path) -> None:
    """`python -m generator --specs DIR --out DIR` (and `check`) on a folder with good and bad specs."""
    project = tmp_path / "project"
    shutil.copytree(ROOT / "specs", project / "specs", ignore=shutil.ignore_patterns("__pycache__"))
    good_specs = sorted(p.name for p in (project / "specs").glob("*.yaml"))
    done = run_cli(["--specs", "specs", "--out", "generated"], project)
    assert done.returncode == 0, done.stderr
    before = snapshot(project / "generated")
    chosen = ["bounds_min_gt_max_string.yaml", "regex_named_group.yaml", "yaml_unclosed_flow.yaml", "ref_circular_structures.yaml"]
    for name in chosen:
        shutil.copy(BAD_SPECS / name, project / "specs" / name)
    by_name = {c.name: c for c in ALL_CASES}
    for args in (["--specs", "specs", "--out", "generated"], ["check", "--specs", "specs", "--out", "generated"]):
        done = run_cli(args, project)
        assert done.returncode == 2, done.stderr
        assert "Traceback" not in done.stderr
        for name in chosen:
            for line, fragment in by_name[name].expects:
                assert re.search(rf"^specs/{re.escape(name)}:{line}:\d+: error: .*{re.escape(fragment)}", done.stderr, re.MULTILINE), done.stderr
        assert not any(good in done.stderr for good in good_specs)
        assert snapshot(project / "generated") == before


def test_unreadable_spec_paths(tmp_path: Path) -> None:
    (tmp_path / "folder.yaml").mkdir()
    for name, fragment in (("missing.yaml", "cannot read spec: No such file"), ("folder.yaml", "cannot read spec: Is a directory")):
        done = run_cli(["generate", "--spec", name, "--out", "out"], tmp_path)
        assert done.returncode == 2
        assert done.stderr.startswith(f"{name}:1:1: error: {fragment}"), done.stderr
        assert not (tmp_path / "out").exists()


def test_python_tag_is_refused_without_constructing_anything(tmp_path: Path) -> None:
    """The tag names os.system; a SafeLoader refuses scalars with it, but a sequence node's tag
    was once silently dropped. Either way nothing may run and the spec must be rejected."""
    for body in ('!!python/object/apply:os.system ["touch {canary}"]', '!!python/object/apply:os.system\n    - touch {canary}', "!!python/name:os.system"):
        canary = tmp_path / "canary"
        spec = tmp_path / "spec.yaml"
        text = VALID_BASE.read_text(encoding="utf-8").replace(
            "  documentation: A tiny service used to test the generator against broken specs.", "  documentation: " + body.format(canary=canary)
        )
        spec.write_text(text, encoding="utf-8")
        with pytest.raises(SpecError) as raised:
            generate(spec, tmp_path / "out")
        assert "is not allowed in specs" in str(raised.value)
        assert not canary.exists()
        assert not (tmp_path / "out").exists()


def test_expectations_in_headers_are_well_formed() -> None:
    for case in file_cases():
        text = case.text.decode("utf-8")
        total = text.count("\n") + (0 if text.endswith("\n") else 1)
        for line, _ in case.expects:
            assert 1 <= line <= max(total, 1), f"{case.name}: line {line} is past the end"


def test_a_checker_bug_is_a_diagnostic_not_a_traceback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """If a semantic check itself crashes on some spec, the user still gets a located line."""
    from generator import check

    def broken(*args: object) -> object:
        raise KeyError("members")

    monkeypatch.setattr(check, "_shape_problems", broken)
    spec = tmp_path / "spec.yaml"
    shutil.copy(VALID_BASE, spec)
    with pytest.raises(SpecError) as raised:
        generate(spec, tmp_path / "out")
    (diagnostic,) = raised.value.diagnostics
    assert "internal error while checking this spec (KeyError: 'members')" in str(diagnostic)
    assert diagnostic.file == spec.as_posix() and diagnostic.line >= 1  # outside the working directory: absolute
    assert not (tmp_path / "out").exists()


def test_if_then_branch_noise_collapses_for_any_discriminated_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """specs/spec.schema.json's shape branches require `type` in their `if`, so a shape without
    one matches no branch. The checker does not rely on that: with the `required` taken out of
    every `if` (each branch then applies vacuously and reports its own missing keys), a shape
    with no type still gets one error."""
    import json

    import jsonschema

    from generator import check

    schema = json.loads(check.META_SCHEMA_PATH.read_text(encoding="utf-8"))
    for branch in schema["$defs"]["shape"]["allOf"]:
        branch["if"].pop("required")
    monkeypatch.setattr(check, "meta_validator", lambda: jsonschema.Draft202012Validator(schema))
    spec = tmp_path / "spec.yaml"
    for name, edit in (("Count", ("  Count:\n    type: integer\n", "  Count:\n")), ("TagList", ("  TagList:\n    type: list\n", "  TagList:\n"))):
        spec.write_text(VALID_BASE.read_text(encoding="utf-8").replace(*edit), encoding="utf-8")
        with pytest.raises(SpecError) as raised:
            generate(spec, tmp_path / "out")
        (diagnostic,) = raised.value.diagnostics
        assert diagnostic.message.startswith("'type' is a required property (one of: structure, list,"), diagnostic
        assert diagnostic.json_path == f"$.shapes.{name}"


def test_messages_name_a_spec_by_a_path_that_opens_and_headers_stay_the_same(tmp_path: Path) -> None:
    """Inside the working directory a spec is named relative to it; outside, messages use its
    absolute path (an editor can jump to it) while generated headers keep the file name, so
    the output does not depend on where things live."""
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    work = tmp_path / "work"
    (work / "specs").mkdir(parents=True)
    broken = VALID_BASE.read_text(encoding="utf-8").replace("    min: 0\n", "    min: -1\n    max: -5\n")
    for folder in (outside, work / "specs"):
        (folder / "bad.yaml").write_text(broken, encoding="utf-8")
        shutil.copy(VALID_BASE, folder / "good.yaml")
    for given, named in (
        (str(outside / "bad.yaml"), (outside / "bad.yaml").as_posix()),
        ("../elsewhere/bad.yaml", (outside / "bad.yaml").as_posix()),
        ("specs/bad.yaml", "specs/bad.yaml"),
        (str(work / "specs" / "bad.yaml"), "specs/bad.yaml"),
    ):
        done = run_cli(["generate", "--spec", given, "--out", "out"], work)
        assert done.returncode == 2
        assert done.stderr.startswith(f"{named}:41:10: error: min (-1) is greater than max (-5)"), done.stderr
        assert (work / done.stderr.split(":", 1)[0]).is_file(), "the named path opens from the working directory"
    for given, header in ((str(outside / "good.yaml"), "good.yaml"), ("specs/good.yaml", "specs/good.yaml")):
        out = tmp_path / f"out-{header.replace('/', '-')}"
        assert run_cli(["generate", "--spec", given, "--out", str(out), "-q"], work).returncode == 0
        first_line = (out / "widget" / "models.py").read_text(encoding="utf-8").splitlines()[0]
        assert first_line == f"# Generated by the AWS binding generator (python -m generator) from {header}. Do not edit."
        assert str(tmp_path) not in "".join(p.read_text(encoding="utf-8") for p in out.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    "old,new,meant",
    [
        ("  package: widget\n", "  pakage: widget\n", "package"),
        ("    input: GetWidgetInput\n", "    inputs: GetWidgetInput\n", "input"),
        ("      http_status: 404\n", "      http_statu: 404\n", "http_status"),
        ("    min: 0\n", "    minn: 0\n", "min"),
        ("    required:\n    - name\n", "    requird:\n    - name\n", "required"),
        ("        documentation: The widget's name.\n", "        documentaton: The widget's name.\n", "documentation"),
    ],
)
def test_a_misspelled_key_anywhere_is_one_error_with_the_likely_key(tmp_path: Path, old: str, new: str, meant: str) -> None:
    text = VALID_BASE.read_text(encoding="utf-8")
    assert text.count(old) == 1
    spec = tmp_path / "spec.yaml"
    spec.write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        generate(spec, tmp_path / "out")
    (diagnostic,) = raised.value.diagnostics
    misspelled = new.split(":")[0].strip()
    assert diagnostic.message.startswith(f"unknown key '{misspelled}'; did you mean '{meant}'? (allowed: "), diagnostic
    assert diagnostic.line == text.splitlines().index(old.splitlines()[0]) + 1
