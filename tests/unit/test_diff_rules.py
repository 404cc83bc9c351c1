"""One test per rule of the diff, on the request side and the response side, from the callers'
perspective and the server's. Each case makes one change to a small spec (tests/unit/diff_specs.py)
on one side; the expected verdicts are written here, with the reason, and the rule table must
say the same (so the README's table, made from it, does too)."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from generator.diff import all_rules, diff
from generator.diff.change import CLIENT, SERVER
from generator.diff.report import rule_table
from generator.ir import Service

from .diff_specs import base, compiled

B, W, I = "breaking", "warning", "info"
Spec = dict[str, Any]


def _shapes(spec: Spec) -> dict[str, Any]:
    shapes: dict[str, Any] = spec["shapes"]
    return shapes


def _thing(spec: Spec, p: str) -> dict[str, Any]:
    thing: dict[str, Any] = _shapes(spec)[f"{p}Thing"]
    return thing


def _set(name: str, key: str, value: Any) -> Callable[[Spec, str], None]:
    def mutate(spec: Spec, p: str) -> None:
        _shapes(spec)[f"{p}{name}"][key] = value

    return mutate


def _drop(name: str, key: str) -> Callable[[Spec, str], None]:
    def mutate(spec: Spec, p: str) -> None:
        del _shapes(spec)[f"{p}{name}"][key]

    return mutate


def _member(name: str, target: str, *, required: bool = False) -> Callable[[Spec, str], None]:
    def mutate(spec: Spec, p: str) -> None:
        _thing(spec, p)["members"][name] = {"shape": f"{p}{target}"}
        if required:
            _thing(spec, p)["required"].append(name)

    return mutate


def _retype(spec: Spec, p: str) -> None:
    _shapes(spec)[f"{p}Number"] = {"type": "string"}


def _new_shape(spec: Spec, p: str) -> None:
    _thing(spec, p)["members"]["extra"] = {"shape": f"{p}Extra"}
    _shapes(spec)[f"{p}Extra"] = {"type": "string"}


def _gone_shape(spec: Spec, p: str) -> None:
    del _thing(spec, p)["members"]["other"]
    del _shapes(spec)[f"{p}Other"]


def _remove_note(spec: Spec, p: str) -> None:
    del _thing(spec, p)["members"]["note"]


def _rename_note(spec: Spec, p: str) -> None:
    members = _thing(spec, p)["members"]
    members["Note"] = members.pop("note")


def _require_note(spec: Spec, p: str) -> None:
    _thing(spec, p)["required"].append("note")


def _unrequire_text(spec: Spec, p: str) -> None:
    _thing(spec, p)["required"] = []


def _note_to_text(spec: Spec, p: str) -> None:
    _thing(spec, p)["members"]["note"]["shape"] = f"{p}Text"


def _part_to_other(spec: Spec, p: str) -> None:
    _thing(spec, p)["members"]["part"]["shape"] = f"{p}Other"


# rule: (verdict in a request, verdict in a response, for callers), the change, and why.
SHAPE_CASES: dict[str, tuple[str, str, Callable[[Spec, str], None], str]] = {
    "type-changed": (B, B, _retype, "an integer becomes a string: the JSON and the Python type change"),
    "sensitive-added": (I, I, _set("Plain", "sensitive", True), "only repr() and messages hide it now"),
    "sensitive-removed": (W, W, _drop("Secret", "sensitive"), "a secret may now show in repr() and logs"),
    "documentation-changed": (I, I, _set("Text", "documentation", "Other words."), "only docstrings change"),
    "shape-added": (I, I, _new_shape, "a new name in the models"),
    "shape-removed": (W, W, _gone_shape, "code importing models.ReqOther fails"),
    "min-length-raised": (B, I, _set("Text", "min", 2), "a 1-character request is now refused; responses only get stricter"),
    "min-length-lowered": (I, W, _set("Text", "min", 0), "an empty response value is refused by the old models"),
    "max-length-lowered": (B, I, _set("Text", "max", 5), "a 6..10-character request is now refused"),
    "max-length-raised": (I, W, _set("Text", "max", 20), "an 11..20-character response is refused by the old models"),
    "min-value-raised": (B, I, _set("Number", "min", 2), "a request with 1 is now refused"),
    "min-value-lowered": (I, W, _set("Number", "min", 0), "a response with 0 is refused by the old models"),
    "max-value-lowered": (B, I, _set("Number", "max", 50), "a request with 51..100 is now refused"),
    "max-value-raised": (I, W, _set("Number", "max", 200), "a response with 101..200 is refused by the old models"),
    "number-widened": (I, W, _set("Number", "type", "long"), "responses may hold 64-bit values a 32-bit reader overflows on"),
    "number-narrowed": (B, I, _set("Count", "type", "integer"), "a request with a 64-bit value is now refused"),
    "pattern-added": (B, I, _set("Plain", "pattern", "[a-z]+"), "a request with other characters is now refused"),
    "pattern-changed": (B, W, _set("Text", "pattern", "[a-z0-9]+"), "wider or narrower cannot be told: it may refuse either way"),
    "pattern-removed": (I, W, _drop("Text", "pattern"), "a response the old models refuse may come"),
    "enum-value-added": (I, W, _set("Code", "enum", ["a", "b", "c"]), "a closed-enum reader meets c"),
    "enum-value-removed": (B, W, _set("Code", "enum", ["a"]), "requests with b are refused; models.*Code.B is gone"),
    "enum-added": (B, I, _set("Plain", "enum", ["x", "y"]), "requests with other text are refused"),
    "enum-removed": (W, W, _drop("Code", "enum"), "the StrEnum class is gone from the models"),
    "member-added-required": (B, I, _member("extra", "Plain", required=True), "the constructor needs extra=; requests without it are refused"),
    "member-added-optional": (I, I, _member("extra", "Plain"), "a keyword argument with default None"),
    "member-removed": (B, B, _remove_note, "the model loses the field"),
    "member-renamed-on-wire": (B, B, _rename_note, "note goes over the wire as Note: the other side does not know it"),
    "member-became-required": (B, I, _require_note, "the constructor needs note="),
    "member-became-optional": (I, B, _unrequire_text, "readers get `str | None` where they had `str`"),
    "member-target-changed": (I, I, _note_to_text, "the annotation names another alias (Text's constraints come on their own)"),
    "structure-target-renamed": (B, W, _part_to_other, "models.*Part instances are refused where *Other is expected"),
}


def _error_code(spec: Spec) -> None:
    _shapes(spec)["Oops"]["error"]["code"] = "Oopsie"


def _error_status(spec: Spec) -> None:
    _shapes(spec)["Oops"]["error"]["http_status"] = 409


def _error_added(spec: Spec) -> None:
    spec["operations"]["Put"]["errors"].append("Boom")


def _error_removed(spec: Spec) -> None:
    spec["operations"]["Put"]["errors"].remove("Oops")


# Errors only ever come in responses: these rules have a response verdict, and a request one
# only in the table (the server perspective reads it).
ERROR_CASES: dict[str, tuple[str, str, Callable[[Spec], None], str]] = {
    "error-code-changed": (B, B, _error_code, "callers matching Oops no longer see it"),
    "error-trait-changed": (I, I, _error_status, "the same errors class; retries may differ"),
    "error-added": (I, W, _error_added, "callers may meet Boom, which they do not handle"),
    "error-removed": (I, I, _error_removed, "a handler for Oops stays harmless"),
}


def _service(field: str, value: Any) -> Callable[[Service], Service]:
    changes: dict[str, Any] = {field: value}
    return lambda api: dataclasses.replace(api, **changes)


def _without_get(api: Service) -> Service:
    return dataclasses.replace(api, operations=tuple(op for op in api.operations if op.name != "Get"))


def _with_ping(api: Service) -> Service:
    [get] = [op for op in api.operations if op.name == "Get"]
    ping = dataclasses.replace(get, name="Ping", method_name="ping", target="Widgets_20200101.Ping")
    return dataclasses.replace(api, operations=(*api.operations, ping))


# Changes to operations and the service: (verdict for callers, verdict for servers), made on
# the IR, which is what diff compares (a protocol change made in a spec is tested below).
OPERATION_CASES: dict[str, tuple[str, str, Callable[[Service], Service], str]] = {
    "operation-removed": (B, I, _without_get, "the client loses get(); a server need not answer it"),
    "operation-added": (I, B, _with_ping, "callers gain ping(); create_app refuses a handler without ping"),
    "protocol-changed": (B, B, _service("protocols", ("awsJson1_0",)), "the bytes on the wire change"),
    "protocol-added": (I, B, _service("protocols", ("awsJson1_1", "rpcv2Cbor")), "callers keep JSON; a server must answer CBOR"),
    "protocol-preference-changed": (I, I, _service("protocols", ("rpcv2Cbor", "awsJson1_1")), "both sides speak both"),
    "target-prefix-changed": (B, B, _service("target_prefix", "Widgets_20210101"), "old targets are unknown operations"),
    "signing-name-changed": (B, B, _service("signing_name", "gadgets"), "old signatures are refused"),
    "endpoint-prefix-changed": (B, B, _service("endpoint_prefix", "gadgets"), "old clients call another host"),
    "package-renamed": (B, B, _service("package", "gadgets"), "import widgets fails"),
    "api-version-changed": (I, I, _service("api_version", "2021-01-01"), "a label"),
}

SIDES = {"request": "Req", "response": "Resp"}


def _verdict(request: str, response: str, direction: str, perspective: str) -> str:
    side = direction if perspective == CLIENT else ("response" if direction == "request" else "request")
    return request if side == "request" else response


def test_the_rule_table_says_what_these_tests_expect() -> None:
    expected = {kind: (case[0], case[1]) for cases in (SHAPE_CASES, ERROR_CASES, OPERATION_CASES) for kind, case in cases.items()}
    assert {rule.kind: (rule.request, rule.response) for rule in all_rules()} == expected


@pytest.mark.parametrize("perspective", [CLIENT, SERVER])
@pytest.mark.parametrize("direction", ["request", "response"])
@pytest.mark.parametrize("kind", list(SHAPE_CASES))
def test_shape_rule(kind: str, direction: str, perspective: str) -> None:
    request, response, mutate, reason = SHAPE_CASES[kind]
    old = base()
    new = copy.deepcopy(old)
    mutate(new, SIDES[direction])
    changes = [c for c in diff(compiled(old), compiled(new), perspective) if c.kind == kind]
    assert changes, f"{kind} not reported ({reason})"
    want = _verdict(request, response, direction, perspective)
    assert {(c.direction, c.severity) for c in changes} == {(direction, want)}, reason
    assert all(c.shape.startswith(SIDES[direction]) for c in changes)
    assert all(c.path.startswith(f"$.shapes.{SIDES[direction]}") for c in changes)


@pytest.mark.parametrize("perspective", [CLIENT, SERVER])
@pytest.mark.parametrize("kind", list(ERROR_CASES))
def test_error_rule(kind: str, perspective: str) -> None:
    request, response, mutate, reason = ERROR_CASES[kind]
    old = base()
    new = copy.deepcopy(old)
    mutate(new)
    changes = [c for c in diff(compiled(old), compiled(new), perspective) if c.kind == kind]
    assert changes, f"{kind} not reported ({reason})"
    assert {(c.direction, c.severity) for c in changes} == {("response", _verdict(request, response, "response", perspective))}, reason


@pytest.mark.parametrize("perspective", [CLIENT, SERVER])
@pytest.mark.parametrize("kind", list(OPERATION_CASES))
def test_operation_rule(kind: str, perspective: str) -> None:
    caller, server, change, reason = OPERATION_CASES[kind]
    old = compiled(base())
    if kind == "protocol-preference-changed":  # a reordering needs two protocols before
        old = dataclasses.replace(old, protocols=("awsJson1_1", "rpcv2Cbor"))
    changes = [c for c in diff(old, change(old), perspective) if c.kind == kind]
    assert changes, f"{kind} not reported ({reason})"
    assert {(c.direction, c.severity) for c in changes} == {("operation", caller if perspective == CLIENT else server)}, reason


@pytest.mark.parametrize("perspective", [CLIENT, SERVER])
def test_a_shape_in_requests_and_responses_gets_both_verdicts(perspective: str) -> None:
    """ReqPlain also in a response: an enum on it is breaking in the request, info in the
    response, so two changes; a documentation change is info on both, so one `both`."""
    old = base()
    _shapes(old)["GetOutput"]["members"]["shared"] = {"shape": "ReqPlain"}
    new = copy.deepcopy(old)
    _shapes(new)["ReqPlain"]["enum"] = ["x"]
    _shapes(new)["ReqPlain"]["documentation"] = "Now an enum."
    changes = diff(compiled(old), compiled(new), perspective)
    enum = {(c.direction, c.severity) for c in changes if c.kind == "enum-added"}
    assert enum == ({("request", B), ("response", I)} if perspective == CLIENT else {("request", I), ("response", B)})
    assert [(c.direction, c.severity) for c in changes if c.kind == "documentation-changed"] == [("both", I)]


def test_an_operation_input_of_another_name_is_a_renamed_structure() -> None:
    """PutInput renamed PutRequest: callers that build models.PutInput(...) break."""
    old = base()
    new = copy.deepcopy(old)
    _shapes(new)["PutRequest"] = _shapes(new).pop("PutInput")
    new["operations"]["Put"]["input"] = "PutRequest"
    changes = diff(compiled(old), compiled(new))
    renamed = [c for c in changes if c.kind == "structure-target-renamed"]
    assert [(c.direction, c.severity, c.path, c.old, c.new) for c in renamed] == [("request", B, "$.operations.Put.input", "PutInput", "PutRequest")]
    assert {(c.kind, c.shape) for c in changes if c.kind.startswith("shape-")} == {("shape-added", "PutRequest"), ("shape-removed", "PutInput")}


def test_a_member_that_becomes_required_says_the_constructor_changes() -> None:
    old = base()
    new = copy.deepcopy(old)
    _require_note(new, "Req")
    [change] = [c for c in diff(compiled(old), compiled(new)) if c.kind == "member-became-required"]
    assert change.message == "ReqThing.note becomes required: models.ReqThing(...) needs note=, and requests without it are refused"
    assert (change.path, change.old, change.new) == ("$.shapes.ReqThing.members.note", False, True)


def test_the_readme_lists_every_rule() -> None:
    """The README's rule table is the one rule_table() makes from the rules."""
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert rule_table() in readme
    assert rule_table().count("\n| `") == len(all_rules())


# The length rules hold for lists, maps and blobs as for strings (ReqList/ReqMap: 1..5 items,
# ReqData: 1..16 bytes): tightened, a request that was valid is refused; loosened, a response
# the old models refuse may come.
LIMITS = [
    (shape, key, value, kind)
    for shape, low, high in (("List", 1, 5), ("Map", 1, 5), ("Data", 1, 16))
    for key, value, kind in (
        ("min", low + 1, "min-length-raised"),
        ("max", high - 1, "max-length-lowered"),
        ("min", 0, "min-length-lowered"),
        ("max", high + 1, "max-length-raised"),
    )
]


@pytest.mark.parametrize("perspective", [CLIENT, SERVER])
@pytest.mark.parametrize("direction", ["request", "response"])
@pytest.mark.parametrize(("shape", "key", "value", "kind"), LIMITS)
def test_list_map_and_blob_limits(shape: str, key: str, value: int, kind: str, direction: str, perspective: str) -> None:
    request, response, _, reason = SHAPE_CASES[kind]
    old = base()
    new = copy.deepcopy(old)
    _set(shape, key, value)(new, SIDES[direction])
    [change] = diff(compiled(old), compiled(new), perspective)
    name = f"{SIDES[direction]}{shape}"
    assert (change.kind, change.shape, change.path, change.new) == (kind, name, f"$.shapes.{name}.{key}", value)
    assert (change.direction, change.severity) == (direction, _verdict(request, response, direction, perspective)), reason


def test_a_protocol_change_in_a_spec_breaks_both_sides() -> None:
    """awsJson1_1 to awsJson1_0, written in the spec (the generator builds both)."""
    old = base()
    new = copy.deepcopy(old)
    new["service"]["protocol"] = "awsJson1_0"
    for perspective in (CLIENT, SERVER):
        assert [(c.severity, c.direction, c.kind, c.path, c.old, c.new) for c in diff(compiled(old), compiled(new), perspective)] == [
            (B, "operation", "protocol-changed", "$.service.protocols", ["awsJson1_1"], ["awsJson1_0"])
        ]
