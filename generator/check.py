"""Check a loaded spec: first against specs/spec.schema.json, then for meaning."""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

import jsonschema

from . import check_extensions, naming
from .diagnostics import Diagnostic
from .kinds import Reference, kind_named, spec_types
from .load import JsonPath, LoadedSpec
from .meta_errors import describe, schema_diagnostics
from .resources import META_SCHEMA_PATH
from .schema_refs import resolving_once

# Past this many problems the rest are counted, not listed: a reader fixes the first ones first.
MAX_REPORTED = 100
def _is_whole_number(checker: Any, instance: Any) -> bool:
    # 5.0 is an integer to JSON Schema; a spec bound or status written as 5.0 would reach
    # generated code as a float, so only true integers count.
    return isinstance(instance, int) and not isinstance(instance, bool)


@cache
def meta_validator() -> jsonschema.protocols.Validator:
    schema = json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))
    base = jsonschema.Draft202012Validator
    strict = jsonschema.validators.extend(base, type_checker=base.TYPE_CHECKER.redefine("integer", _is_whole_number))
    return resolving_once(strict, schema)


def check_spec(spec: LoadedSpec) -> list[Diagnostic]:
    """Every problem in the spec, sorted by position; [] when it is sound."""
    try:
        problems = schema_diagnostics(spec, meta_validator())
        if not problems:
            problems = list(_semantic_problems(spec))
    except RecursionError:
        problems = [spec.diagnostic((), "spec is nested too deeply to check")]
    except Exception as exc:  # noqa: BLE001 - a checker bug must still end as a diagnostic, not a traceback
        problems = [spec.diagnostic((), f"internal error while checking this spec ({type(exc).__name__}: {str(exc)[:200]}); please report it")]
    return _limit(_dedupe(problems))


def _dedupe(problems: list[Diagnostic]) -> list[Diagnostic]:
    return sorted(set(problems))


def _limit(problems: list[Diagnostic]) -> list[Diagnostic]:
    if len(problems) <= MAX_REPORTED:
        return problems
    rest = problems[MAX_REPORTED]
    more = len(problems) - MAX_REPORTED
    summary = Diagnostic(rest.file, rest.line, rest.column, f"... and {more} more problem{'s' if more != 1 else ''} from here on, not listed")
    return problems[:MAX_REPORTED] + [summary]


def _semantic_problems(spec: LoadedSpec) -> Iterator[Diagnostic]:
    data = spec.data
    shapes: dict[str, dict[str, Any]] = data["shapes"]
    service = data["service"]

    def ref(name: str, path: JsonPath, want: tuple[str, ...] | None = None, what: str = "shape") -> Iterator[Diagnostic]:
        if name not in shapes:
            close = difflib.get_close_matches(name, list(shapes), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            yield spec.diagnostic(path, f"{what} '{name}' is not defined in shapes{hint}")
        elif want and shapes[name]["type"] not in want:
            yield spec.diagnostic(path, f"{what} '{name}' must be a {' or '.join(want)}, not a {shapes[name]['type']}")

    if ("protocol" in service) == ("protocols" in service):
        yield spec.diagnostic(("service",), "the service names its protocol with either 'protocol' (one) or 'protocols' (a list), " + ("not both" if "protocol" in service else "and names none"))
    elif sum(name.startswith("awsJson") for name in service.get("protocols", [])) > 1:
        yield spec.diagnostic(("service", "protocols"), "a service speaks one AWS JSON version (awsJson1_0 or awsJson1_1), not both: both are POST / and the server could not tell them apart by path")
    for index, name in enumerate(service.get("common_errors", [])):
        path = ("service", "common_errors", index)
        yield from ref(name, path, ("structure",), "common error")
        if name in shapes and "error" not in shapes[name]:
            yield spec.diagnostic(path, f"common error '{name}' has no 'error' block (code, http_status, fault)")

    default = service.get("default_operation")
    if default is not None and default not in data["operations"]:
        close = difflib.get_close_matches(default, list(data["operations"]), n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        yield spec.diagnostic(("service", "default_operation"), f"default operation '{default}' is not one of the spec's operations{hint}")

    method_names: dict[str, str] = {}
    for op_name, op in data["operations"].items():
        base: JsonPath = ("operations", op_name)
        method = naming.method_name(op_name)
        if method in method_names:
            yield spec.key_diagnostic(base, f"operation '{op_name}' and '{method_names[method]}' both become the method '{method}'")
        method_names[method] = op_name
        yield from ref(op["input"], base + ("input",), ("structure",), "input")
        yield from ref(op["output"], base + ("output",), ("structure",), "output")
        for index, error in enumerate(op.get("errors", [])):
            yield from ref(error, base + ("errors", index), ("structure",), "error")
            if error in shapes and "error" not in shapes[error]:
                yield spec.diagnostic(base + ("errors", index), f"error '{error}' has no 'error' block (code, http_status, fault)")
        for index, example in enumerate(op.get("examples", [])):
            for part in ("request", "response"):
                yield from _example_problems(spec, base + ("examples", index, part), part, example[part])

    for shape_name, shape in shapes.items():
        for reference in _references(shape_name, shape):
            yield from ref(reference.name, reference.path, reference.want, reference.what)
        yield from _shape_problems(spec, shape_name, shape)

    for shape_name in shapes:
        problem = naming.class_name_problem(shape_name)
        if problem:
            yield spec.key_diagnostic(("shapes", shape_name), problem)

    yield from _error_codes(spec, shapes)
    yield from _unused_shapes(spec, shapes, data)
    yield from _impossible_cycles(spec, shapes)
    yield from check_extensions.problems(spec, ref)


def _example_problems(spec: LoadedSpec, path: JsonPath, part: str, text: str) -> Iterator[Diagnostic]:
    try:
        body = json.loads(text)
    except ValueError as exc:
        yield spec.diagnostic(path, f"example {part} is not valid JSON: {exc}")
    except RecursionError:
        yield spec.diagnostic(path, f"example {part} nests too deeply to read as JSON")
    else:
        if not isinstance(body, dict):
            yield spec.diagnostic(path, f"example {part} must be a JSON object, not {describe(body)}")


def _error_codes(spec: LoadedSpec, shapes: dict[str, dict[str, Any]]) -> Iterator[Diagnostic]:
    owners: dict[str, str] = {}
    for name, shape in shapes.items():
        error = shape.get("error")
        if not error:
            continue
        code = error["code"]
        if code in owners:
            yield spec.diagnostic(("shapes", name, "error", "code"), f"error code '{code}' is already used by shape '{owners[code]}'")
        owners.setdefault(code, name)


def _references(name: str, shape: dict[str, Any]) -> list[Reference]:
    if shape["type"] not in spec_types():
        return []  # a kind the spec format has and the generator not yet: check_extensions refuses it
    return kind_named(shape["type"]).spec_references(shape, ("shapes", name))


def _shape_problems(spec: LoadedSpec, name: str, shape: dict[str, Any]) -> Iterator[Diagnostic]:
    base: JsonPath = ("shapes", name)
    low, high = shape.get("min"), shape.get("max")
    if low is not None and high is not None and low > high:
        yield spec.diagnostic(base + ("min",), f"min ({low}) is greater than max ({high})")
    if shape["type"] in spec_types():
        yield from kind_named(shape["type"]).spec_problems(spec, base, shape)


def _unused_shapes(spec: LoadedSpec, shapes: dict[str, Any], data: dict[str, Any]) -> Iterator[Diagnostic]:
    roots = [n for op in data["operations"].values() for n in (op["input"], op["output"], *op.get("errors", []))]
    roots += data["service"].get("common_errors", [])
    reachable: set[str] = set()
    stack = [n for n in roots if n in shapes]
    while stack:
        name = stack.pop()
        if name in reachable:
            continue
        reachable.add(name)
        stack.extend(n for n in _children(name, shapes) if n in shapes)
    for name in shapes:
        if name not in reachable:
            yield spec.diagnostic(("shapes", name), f"shape '{name}' is never used by any operation")


def _children(name: str, shapes: dict[str, Any]) -> list[str]:
    return [r.name for r in _references(name, shapes[name])]


def _impossible_cycles(spec: LoadedSpec, shapes: dict[str, Any]) -> Iterator[Diagnostic]:
    """Recursive shapes are fine, except cycles no value can close (as Smithy rules): lists
    and maps containing themselves with no structure or union between, and structures that
    require each other."""

    def collections(name: str) -> list[str]:
        if shapes[name]["type"] not in ("list", "map"):
            return []
        return [n for n in _children(name, shapes) if n in shapes and shapes[n]["type"] in ("list", "map")]

    def required(name: str) -> list[str]:
        shape = shapes[name]
        if shape["type"] != "structure":
            return []
        members = shape["members"]
        return [members[m]["shape"] for m in shape.get("required", []) if m in members and members[m]["shape"] in shapes]

    why = "a list or map contains itself with no structure or union between, so no value can be written"
    yield from _cycles(spec, shapes, collections, why)
    yield from _cycles(spec, shapes, required, "structures require each other, so no value can be written")


def _cycles(spec: LoadedSpec, shapes: dict[str, Any], children: Callable[[str], list[str]], why: str) -> Iterator[Diagnostic]:
    """Each cycle of `children` once, found without recursion (chains may be long)."""
    state: dict[str, int] = {}
    reported: set[str] = set()
    for start in shapes:
        if start in state:
            continue
        trail: list[str] = [start]
        pending: list[Iterator[str]] = [iter(children(start))]
        state[start] = 1
        while pending:
            child = next(pending[-1], None)
            if child is None:
                state[trail.pop()] = 2
                pending.pop()
            elif child not in shapes:
                continue
            elif state.get(child) == 1:
                if child not in reported:
                    reported.add(child)
                    cycle = trail[trail.index(child) :] + [child]
                    yield spec.diagnostic(("shapes", child), f"{why}: " + " -> ".join(cycle))
            elif child not in state:
                state[child] = 1
                trail.append(child)
                pending.append(iter(children(child)))
