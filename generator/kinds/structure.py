"""structure: an object with named members, some required; an error shape is one too."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from .. import naming
from ..diagnostics import Diagnostic
from ..ir import ErrorTrait, Member, Service, StructureShape
from ..load import JsonPath, LoadedSpec
from ..pycode import Calls, fstring, ftext, lit
from ..tsdoc import ERROR_TYPE, SENSITIVE_NOTE, deprecated_tag, doc_block
from .base import SENSITIVE_KEYWORD, CompositeKind, Function, RawShape, Reference, deprecation, doc, kind_of, schema_ref

_TS_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")


class StructureKind(CompositeKind):
    spec_types = ("structure",)

    def spec_references(self, raw: RawShape, base: JsonPath) -> list[Reference]:
        members: dict[str, Any] = raw["members"]
        return [Reference(m["shape"], base + ("members", name, "shape"), None, "member shape") for name, m in members.items()]

    def spec_problems(self, spec: LoadedSpec, base: JsonPath, raw: RawShape) -> Iterator[Diagnostic]:
        members: dict[str, Any] = raw["members"]
        python_names: dict[str, str] = {}
        for member_name in members:
            path = base + ("members", member_name)
            problem = naming.member_name_problem(member_name)
            if problem:
                yield spec.key_diagnostic(path, problem)
            python_name = naming.member_name(member_name)
            if python_name in python_names:
                yield spec.key_diagnostic(path, f"members '{python_names[python_name]}' and '{member_name}' both become '{python_name}' in Python")
            python_names[python_name] = member_name
        for index, required in enumerate(raw.get("required", [])):
            if required not in members:
                yield spec.diagnostic(base + ("required", index), f"required member '{required}' is not among the members")
        error = raw.get("error")
        if error and error["fault"] == "server" and error["http_status"] < 500:
            yield spec.diagnostic(base + ("error", "http_status"), "an error with fault 'server' needs a 5xx http_status")

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> StructureShape:
        required = set(raw.get("required", []))
        members = tuple(
            Member(
                wire_name=wire,
                python_name=naming.member_name(wire),
                shape=member["shape"],
                required=wire in required,
                documentation=doc(member) or doc(shapes[member["shape"]]),
                sensitive=common["sensitive"] or bool(shapes[member["shape"]].get("sensitive", False)),
                deprecated=deprecation(member),
                idempotency_token=bool(member.get("idempotency_token", False)),
                default_json=json.dumps(member["default"], sort_keys=True) if "default" in member else None,
            )
            for wire, member in raw["members"].items()
        )
        error = raw.get("error")
        trait = (
            ErrorTrait(error["code"], error["http_status"], error["fault"], bool(error.get("retryable", False)), bool(error.get("throttling", False)))
            if error
            else None
        )
        return StructureShape(**common, constraints=(), members=members, error=trait)

    def json_schema(self, shape: StructureShape, schema: dict[str, Any], *, export: bool) -> None:
        properties: dict[str, Any] = {}
        for member in shape.members:
            prop: dict[str, Any] = schema_ref(member.shape)
            if export and not member.required:
                prop = {"anyOf": [prop, {"type": "null"}]}
            if member.default_json is not None:
                prop["default"] = member.default
            if member.documentation or member.deprecated:
                prop["description"] = "\n\n".join(t for t in (member.documentation, member.deprecated) if t)
            if member.deprecated and export:
                prop["deprecated"] = True
            if member.sensitive and export:
                prop[SENSITIVE_KEYWORD] = True
            elif member.sensitive:
                prop["x-repr"] = False  # the models leave the value out of repr()
            properties[member.wire_name] = prop
        schema.update(type="object", properties=properties)
        required = [m.wire_name for m in shape.members if m.required]
        if required:
            schema["required"] = required

    def model_aliases(self, shape: StructureShape) -> dict[str, str]:
        return {f"{shape.class_name}.{member.wire_name}": member.python_name for member in shape.members}

    def typescript_declaration(self, service: Service, shape: StructureShape, doc_lines: list[str]) -> list[str]:
        lines = _error_members(shape.error, shape.members) if shape.error else []
        for member in shape.members:
            notes = [SENSITIVE_NOTE] if member.sensitive else []
            notes += [f"Default: {member.default_json} (the server assumes it when the member is left out)."] if member.default_json is not None else []
            lines += doc_block(member.documentation, "  ", notes, deprecated_tag(member.deprecated))
            name = ts_member_name(member.wire_name)
            lines.append(f"  {name}: {member.shape};" if member.required else f"  {name}?: {member.shape} | null;")
        return [*doc_lines, f"export interface {shape.name} {{", *lines, "}"]

    def checker(self, service: Service, shape: StructureShape, calls: Calls) -> Function:
        body = self.type_guard(shape, "dict", calls)
        if shape.members:
            body.append('prefix = path + "." if path else ""')
        for member in shape.members:
            value = service.shape(member.shape)
            body.append(f"v = value.get({lit(member.wire_name)})")
            body += kind_of(value).member_lines(value, f"prefix + {lit(member.wire_name)}", member.required, member.sensitive, calls)
        return Function(f"_check_{shape.name}", "None", tuple(body))

    def reader(self, service: Service, shape: StructureShape, calls: Calls) -> Function:
        if not shape.members:  # an empty structure (Unit): still an object on the wire
            body = [calls("as_object", "value", "path"), f"return models.{shape.class_name}.model_construct()"]
            return Function(f"_read_{shape.name}", f"models.{shape.class_name}", tuple(body))
        body = [f"data = {calls('as_object', 'value', 'path')}", "fields: dict[str, Any] = {}"]
        for member in shape.members:
            value = service.shape(member.shape)
            read = kind_of(value).read(value, "v", fstring("{path}." + ftext(member.wire_name)), calls)
            body += [f"v = data.get({lit(member.wire_name)})", "if v is not None:", f"    fields[{lit(member.python_name)}] = {read}"]
        body.append(f"return models.{shape.class_name}.model_construct(**fields)")
        return Function(f"_read_{shape.name}", f"models.{shape.class_name}", tuple(body))


def ts_member_name(wire_name: str) -> str:
    return wire_name if _TS_IDENTIFIER.fullmatch(wire_name) else json.dumps(wire_name)


def _error_members(error: ErrorTrait, members: tuple[Member, ...]) -> list[str]:
    """The members every AWS JSON error body has: its code, and a message."""
    lines = [*doc_block(f"The error code, {error.code}.", "  "), f"  __type: {ERROR_TYPE}<{json.dumps(error.code)}>;"]
    if not any(m.wire_name == "message" for m in members):
        lines += [*doc_block("What went wrong, in words.", "  "), "  message?: string;"]
    return lines
