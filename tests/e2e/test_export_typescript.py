"""tsc --strict accepts the documented samples typed with the exported declarations, and
rejects misuse: a wrong enum literal, a missing required member, a `__type` hint where the
plain type is asked for.

The sample bodies are pasted into the TypeScript files verbatim from the documented page
(JSON text is a TypeScript expression). The response's `__type` hints are typed with
`WithTypeHints<T>`, which a value of type `T` can then be read from.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from generator.ir import Service, StringShape, StructureShape

from ..conftest import ROOT, reference_samples
from ..support.node import node_tool
from ..support.readme import readme_blocks

DECLARATIONS = ROOT / "generated" / "pollforjobs" / "types.d.ts"
INVENTORY = ROOT / "tests" / "generality" / "inventory.yaml"
TSC_OPTIONS = ("--strict", "--noEmit", "--target", "es2022", "--module", "commonjs")


def tsc(folder: Path, *files: str) -> subprocess.CompletedProcess[str]:
    shutil.copy(DECLARATIONS, folder / "types.d.ts")
    command = [str(node_tool("tsc")), *TSC_OPTIONS, "types.d.ts", *files]
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=120, check=False)


def errors(result: subprocess.CompletedProcess[str]) -> dict[int, list[str]]:
    """tsc's errors by line: `file(line,column): error TSnnnn: text`."""
    found: dict[int, list[str]] = {}
    for line, text in re.findall(r"^\S+\((\d+),\d+\): error (TS\d+: .*)$", result.stdout, re.MULTILINE):
        found.setdefault(int(line), []).append(text)
    return found


def test_samples_readme_example_and_a_two_operation_spec_type_check(tmp_path: Path) -> None:
    """One tsc run: the documented samples, the README's example, and the declarations
    exported from an invented two-operation spec with every kind of shape."""
    request, response = reference_samples()
    (tmp_path / "samples.ts").write_text(
        'import type { ActionCategory, PollForJobsInput, PollForJobsOutput, WithTypeHints } from "./types";\n'
        f"export const request: PollForJobsInput = {request};\n"
        f"const hinted: WithTypeHints<PollForJobsOutput> = {response};\n"
        "export const response: PollForJobsOutput = hinted;\n"
        "export const category: ActionCategory | undefined = response.jobs?.[0]?.data?.actionTypeId?.category;\n"
        "export const secret: string | undefined = response.jobs?.[0]?.data?.artifactCredentials?.secretAccessKey;\n",
        encoding="utf-8",
    )
    # The README's example, verbatim: it imports ./aws/pollforjobs/types, where
    # `export --format typescript --out aws` writes these declarations
    # (tests/e2e/test_readme_examples.py::test_typescript_example_import_path_is_the_documented_export).
    [example] = [b for b in readme_blocks() if b.section == "## Exports for other languages" and b.language == "ts"]
    (tmp_path / "aws" / "pollforjobs").mkdir(parents=True)
    shutil.copy(DECLARATIONS, tmp_path / "aws" / "pollforjobs" / "types.d.ts")
    (tmp_path / "example.ts").write_text(example.text, encoding="utf-8")
    export = [sys.executable, "-m", "generator", "export", "--format", "typescript", "--spec", str(INVENTORY), "--out", str(tmp_path)]
    exported = subprocess.run(export, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert exported.returncode == 0, exported.stderr
    result = tsc(tmp_path, "samples.ts", "example.ts", "inventory_api/types.d.ts")
    assert result.returncode == 0, result.stdout + result.stderr
    inventory = (tmp_path / "inventory_api" / "types.d.ts").read_text(encoding="utf-8")
    assert "export type LocationMap = { [Key in LocationName]?: Bin };" in inventory
    assert '"Inventory_20240131.PutItem"' in inventory and '"Inventory_20240131.ListItems"' in inventory


def test_misuse_is_rejected_with_the_expected_errors(tmp_path: Path, service: Service, sample_request: dict[str, Any]) -> None:
    _, response = reference_samples()
    enum_path, enum_shape = _first(service, "PollForJobsInput", sample_request, lambda s: isinstance(s, StringShape) and bool(s.enum))
    struct_path, struct_shape = _first(service, "PollForJobsInput", sample_request, lambda s: isinstance(s, StructureShape) and any(m.required for m in s.members) and s.name != "PollForJobsInput")
    assert isinstance(struct_shape, StructureShape)
    dropped = next(m.wire_name for m in struct_shape.members if m.required)
    wrong_enum = _replace(sample_request, enum_path, _get(sample_request, enum_path) + "X")
    missing = _replace(sample_request, struct_path, {k: v for k, v in _get(sample_request, struct_path).items() if k != dropped})
    (tmp_path / "misuse.ts").write_text(
        'import type { PollForJobsInput, PollForJobsOutput } from "./types";\n'
        f"export const wrongEnum: PollForJobsInput = {json.dumps(wrong_enum)};\n"
        f"export const missingMember: PollForJobsInput = {json.dumps(missing)};\n"
        f"export const hintsWhereNoneAreTyped: PollForJobsOutput = {response};\n",
        encoding="utf-8",
    )
    result = tsc(tmp_path, "misuse.ts")
    assert result.returncode != 0
    by_line = errors(result)
    assert sorted(by_line) == [2, 3, 4], result.stdout
    bad_literal = json.dumps(_get(wrong_enum, enum_path))
    # TS2820 is TS2322 with a "Did you mean" suggestion.
    assert [re.sub(r" Did you mean .*", "", e) for e in by_line[2]] == [
        f"TS2820: Type '{bad_literal}' is not assignable to type '{enum_shape.name}'."
    ], result.stdout
    [missing_error] = by_line[3]
    assert missing_error.startswith(f"TS2741: Property '{dropped}' is missing in type"), result.stdout
    assert missing_error.endswith(f"but required in type '{struct_shape.name}'."), result.stdout
    hinted_types = {re.sub(r".*does not exist in type '(\w+)'\.$", r"\1", e) for e in by_line[4]}
    assert all(e.startswith("TS2353: Object literal may only specify known properties, and '\"__type\"'") for e in by_line[4])
    assert hinted_types == set(re.findall(r'"__type": "(\w+)"', response)), result.stdout


def _first(service: Service, root: str, value: Any, wanted: Any) -> tuple[tuple[str, ...], Any]:
    """The first location in `value` (walking the spec's shapes) whose shape is `wanted`."""
    stack: list[tuple[tuple[str, ...], Any, Any]] = [((), service.shape(root), value)]
    while stack:
        path, shape, current = stack.pop(0)
        if wanted(shape):
            return path, shape
        if isinstance(shape, StructureShape) and isinstance(current, dict):
            for member in shape.members:
                if member.wire_name in current:
                    stack.append((path + (member.wire_name,), service.shape(member.shape), current[member.wire_name]))
    raise AssertionError("the sample has no such location")


def _get(value: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        value = value[part]
    return value


def _replace(value: Any, path: tuple[str, ...], replacement: Any) -> Any:
    if not path:
        return replacement
    return {**value, path[0]: _replace(value[path[0]], path[1:], replacement)}


def test_hostile_spec_text_stays_inside_comments_and_literals(tmp_path: Path) -> None:
    """Documentation that tries to close the comment and declare a type, TSDoc markup, a
    pattern containing `*/`, and an enum value with quotes and backslashes: the declarations
    still compile, and the smuggled types do not exist."""
    spec = yaml.safe_load(INVENTORY.read_text(encoding="utf-8"))
    smuggle = "*/ export type Injected = string; /**"
    spec["service"]["documentation"] = f"{smuggle} @packageDocumentation"
    spec["shapes"]["Item"]["documentation"] = f"One item {smuggle}\n@deprecated {{@link Bin}} <b>bold</b> `code` back\\slash\u2028next"
    spec["shapes"]["Item"]["members"]["sku"]["documentation"] = "*/ export type Injected2 = number; /*"
    spec["shapes"]["Tag"]["pattern"] = "[a-z*/]+"
    spec["shapes"]["Kind"]["enum"].append('Quote"Back\\slash')
    hostile = tmp_path / "hostile.yaml"
    hostile.write_text(yaml.safe_dump(spec), encoding="utf-8")
    export = [sys.executable, "-m", "generator", "export", "--format", "typescript", "--spec", str(hostile), "--out", str(tmp_path)]
    exported = subprocess.run(export, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert exported.returncode == 0, exported.stderr
    (tmp_path / "probe.ts").write_text(
        'import type { Injected, Injected2, Kind } from "./inventory_api/types";\n'
        'export const kind: Kind = "Quote\\"Back\\\\slash";\n'
        "export type Smuggled = [Injected, Injected2];\n",
        encoding="utf-8",
    )
    result = tsc(tmp_path, "probe.ts", "inventory_api/types.d.ts")
    assert errors(result) == {
        1: [
            "TS2305: Module '\"./inventory_api/types\"' has no exported member 'Injected'.",
            "TS2305: Module '\"./inventory_api/types\"' has no exported member 'Injected2'.",
        ]
    }, result.stdout
    declarations = (tmp_path / "inventory_api" / "types.d.ts").read_text(encoding="utf-8")
    assert "\\@deprecated \\{\\@link Bin\\} \\<b\\>bold\\</b\\>" in declarations
    assert "[a-z*\\/]+" in declarations
