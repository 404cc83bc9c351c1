"""Check a loaded spec: first against specs/spec.schema.json, then for meaning."""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema

from . import naming
from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec
from .patterns import PatternError, translate

META_SCHEMA_PATH = Path(__file__).resolve().parent.parent / "specs" / "spec.schema.json"
SCALAR_KINDS = ("string", "integer", "long", "float", "double", "boolean", "blob", "timestamp")
RANGES = {"integer": (-(2**31), 2**31 - 1), "long": (-(2**63), 2**63 - 1)}


@cache
def meta_validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(schema)


def check_spec(spec: LoadedSpec) -> list[Diagnostic]:
    problems = [_schema_diagnostic(spec, error) for error in meta_validator().iter_errors(spec.data)]
    if problems:
        return _dedupe(problems)
    return _dedupe(list(_semantic_problems(spec)))


def _dedupe(problems: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(problems))


def _schema_diagnostic(spec: LoadedSpec, error: jsonschema.ValidationError) -> Diagnostic:
    path: JsonPath = tuple(error.absolute_path)
    message = error.message
    if len(message) > 300:
        message = message[:300] + "…"
    if error.validator == "pattern" and isinstance(error.instance, str):
        message = f"{_short(error.instance)} does not match the required pattern {error.validator_value}"
    return spec.diagnostic(path, message)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"


def _semantic_problems(spec: LoadedSpec) -> Iterator[Diagnostic]:
    data = spec.data
    shapes: dict[str, dict[str, Any]] = data["shapes"]
    service = data["service"]
    referenced: dict[str, JsonPath] = {}

    def ref(name: str, path: JsonPath, want: tuple[str, ...] | None = None, what: str = "shape") -> Iterator[Diagnostic]:
        referenced.setdefault(name, path)
        if name not in shapes:
            yield spec.diagnostic(path, f"{what} '{name}' is not defined in shapes")
        elif want and shapes[name]["type"] not in want:
            yield spec.diagnostic(path, f"{what} '{name}' must be a {' or '.join(want)}, not a {shapes[name]['type']}")

    for index, name in enumerate(service.get("common_errors", [])):
        path = ("service", "common_errors", index)
        yield from ref(name, path, ("structure",), "common error")
        if name in shapes and "error" not in shapes[name]:
            yield spec.diagnostic(path, f"common error '{name}' has no 'error' block (code, http_status, fault)")

    method_names: dict[str, str] = {}
    for op_name, op in data["operations"].items():
        base: JsonPath = ("operations", op_name)
        method = naming.method_name(op_name)
        if method in method_names:
            yield spec.diagnostic(base, f"operation '{op_name}' and '{method_names[method]}' both become the method '{method}'")
        method_names[method] = op_name
        yield from ref(op["input"], base + ("input",), ("structure",), "input")
        yield from ref(op["output"], base + ("output",), ("structure",), "output")
        for index, error in enumerate(op.get("errors", [])):
            yield from ref(error, base + ("errors", index), ("structure",), "error")
            if error in shapes and "error" not in shapes[error]:
                yield spec.diagnostic(base + ("errors", index), f"error '{error}' has no 'error' block (code, http_status, fault)")
        for index, example in enumerate(op.get("examples", [])):
            for part in ("request", "response"):
                try:
                    json.loads(example[part])
                except ValueError as exc:
                    yield spec.diagnostic(base + ("examples", index, part), f"example {part} is not valid JSON: {exc}")

    for shape_name, shape in shapes.items():
        yield from _shape_problems(spec, shape_name, shape, ref)

    for shape_name in shapes:
        problem = naming.class_name_problem(shape_name)
        if problem:
            yield spec.diagnostic(("shapes", shape_name), problem)

    yield from _unused_shapes(spec, shapes, data, referenced)
    yield from _cycles(spec, shapes)


def _shape_problems(spec: LoadedSpec, name: str, shape: dict[str, Any], ref: Any) -> Iterator[Diagnostic]:
    base: JsonPath = ("shapes", name)
    kind = shape["type"]
    low, high = shape.get("min"), shape.get("max")
    if low is not None and high is not None and low > high:
        yield spec.diagnostic(base + ("min",), f"min ({low}) is greater than max ({high})")
    if kind in RANGES:
        lo, hi = RANGES[kind]
        for key in ("min", "max"):
            if key in shape and not lo <= shape[key] <= hi:
                yield spec.diagnostic(base + (key,), f"{key} ({shape[key]}) is outside the range of a {kind} ({lo}..{hi})")
    if kind == "string":
        if "pattern" in shape:
            try:
                translate(shape["pattern"])
            except PatternError as exc:
                yield spec.diagnostic(base + ("pattern",), f"pattern {_short(shape['pattern'])}: {exc}")
        yield from _enum_problems(spec, base, shape.get("enum", []))
    elif kind == "list":
        yield from ref(shape["member"], base + ("member",))
    elif kind == "map":
        yield from ref(shape["key"], base + ("key",), ("string",), "map key")
        yield from ref(shape["value"], base + ("value",))
    elif kind == "structure":
        yield from _structure_problems(spec, base, shape, ref)


def _enum_problems(spec: LoadedSpec, base: JsonPath, values: list[str]) -> Iterator[Diagnostic]:
    seen: dict[str, str] = {}
    for index, value in enumerate(values):
        python_name = naming.enum_member_name(value)
        if python_name in seen:
            what = "appears twice" if seen[python_name] == value else f"and '{seen[python_name]}' both become {python_name}"
            yield spec.diagnostic(base + ("enum", index), f"enum value '{value}' {what}")
        seen[python_name] = value


def _structure_problems(spec: LoadedSpec, base: JsonPath, shape: dict[str, Any], ref: Any) -> Iterator[Diagnostic]:
    members: dict[str, Any] = shape["members"]
    python_names: dict[str, str] = {}
    for member_name, member in members.items():
        path = base + ("members", member_name)
        yield from ref(member["shape"], path + ("shape",), None, "member shape")
        problem = naming.member_name_problem(member_name)
        if problem:
            yield spec.diagnostic(path, problem)
        python_name = naming.member_name(member_name)
        if python_name in python_names:
            yield spec.diagnostic(path, f"members '{python_names[python_name]}' and '{member_name}' both become '{python_name}' in Python")
        python_names[python_name] = member_name
    for index, required in enumerate(shape.get("required", [])):
        if required not in members:
            yield spec.diagnostic(base + ("required", index), f"required member '{required}' is not among the members")
    error = shape.get("error")
    if error and error["fault"] == "server" and error["http_status"] < 500:
        yield spec.diagnostic(base + ("error", "http_status"), "an error with fault 'server' needs a 5xx http_status")


def _unused_shapes(spec: LoadedSpec, shapes: dict[str, Any], data: dict[str, Any], referenced: dict[str, JsonPath]) -> Iterator[Diagnostic]:
    roots = [n for op in data["operations"].values() for n in (op["input"], op["output"], *op.get("errors", []))]
    roots += data["service"].get("common_errors", [])
    reachable: set[str] = set()
    stack = [n for n in roots if n in shapes]
    while stack:
        name = stack.pop()
        if name in reachable:
            continue
        reachable.add(name)
        stack.extend(n for n in _children(shapes[name]) if n in shapes)
    for name in shapes:
        if name not in reachable:
            yield spec.diagnostic(("shapes", name), f"shape '{name}' is never used by any operation")


def _children(shape: dict[str, Any]) -> list[str]:
    kind = shape["type"]
    if kind == "structure":
        return [m["shape"] for m in shape["members"].values()]
    if kind == "list":
        return [shape["member"]]
    if kind == "map":
        return [shape["key"], shape["value"]]
    return []


def _cycles(spec: LoadedSpec, shapes: dict[str, Any]) -> Iterator[Diagnostic]:
    state: dict[str, int] = {}
    reported: set[str] = set()

    def visit(name: str, trail: list[str]) -> Iterator[Diagnostic]:
        state[name] = 1
        for child in _children(shapes[name]):
            if child not in shapes:
                continue
            if state.get(child) == 1 and child not in reported:
                reported.add(child)
                cycle = trail[trail.index(child) :] + [child] if child in trail else [name, child]
                yield spec.diagnostic(("shapes", child), "recursive shapes are not supported: " + " -> ".join(cycle))
            elif child not in state:
                yield from visit(child, trail + [child])
        state[name] = 2

    for name in shapes:
        if name not in state:
            yield from visit(name, [name])
