"""union: an object with exactly one of its members set (null counts as not set).

A response may hold a member this spec does not know (AWS adds them): it is read, kept in the
model's `model_extra`, and no known member is set. Requests must set exactly one known member.
"""

from __future__ import annotations

from typing import Any

from .. import naming
from ..ir import Member, Service, UnionShape
from ..pycode import Calls, indent, lit
from ..tsdoc import SENSITIVE_NOTE, deprecated_tag, doc_block
from .base import Function, RawShape, deprecation, doc
from .structure import StructureKind, ts_member_name

UNION_NOTE = "A union: exactly one member is set."


class UnionKind(StructureKind):
    spec_types = ("union",)
    runtime_exports = ("exactly_one_member",)  # the models check unions with it

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> UnionShape:
        members = tuple(
            Member(
                wire_name=wire,
                python_name=naming.member_name(wire),
                shape=member["shape"],
                required=False,
                documentation=doc(member) or doc(shapes[member["shape"]]),
                sensitive=common["sensitive"] or bool(shapes[member["shape"]].get("sensitive", False)),
                deprecated=deprecation(member),
            )
            for wire, member in raw["members"].items()
        )
        return UnionShape(**common, constraints=(), members=members)

    def json_schema(self, shape: UnionShape, schema: dict[str, Any], *, export: bool) -> None:
        super().json_schema(shape, schema, export=export)
        if export:
            # Exactly one member is set: present and not null.
            schema["oneOf"] = [{"required": [m.wire_name], "properties": {m.wire_name: {"not": {"type": "null"}}}} for m in shape.members]

    def model_template_data(self, shape: UnionShape) -> dict[str, Any]:
        return {"union_members": [m.python_name for m in shape.members]}

    def typescript_notes(self, shape: UnionShape) -> list[str]:
        return [UNION_NOTE]

    def typescript_declaration(self, service: Service, shape: UnionShape, doc_lines: list[str]) -> list[str]:
        lines = [*doc_lines, f"export type {shape.name} ="]
        for member in shape.members:
            lines += doc_block(member.documentation, "  ", [SENSITIVE_NOTE] if member.sensitive else [], deprecated_tag(member.deprecated))
            others = "".join(f" {ts_member_name(m.wire_name)}?: never;" for m in shape.members if m is not member)
            lines.append(f"  | {{ {ts_member_name(member.wire_name)}: {member.shape};{others} }}")
        lines[-1] += ";"
        return lines

    def checker(self, service: Service, shape: UnionShape, calls: Calls) -> Function:
        checked = super().checker(service, shape, calls)
        names = lit(tuple(m.wire_name for m in shape.members))
        count = ["set_members = sum(1 for name in " + names + " if value.get(name) is not None)", "if set_members != 1:"]
        count += indent([calls("not_one_member", "out", "path", "set_members")])
        guard_end = 3  # the type guard's lines (type test, report, return)
        return Function(checked.name, checked.returns, (*checked.body[:guard_end], *count, *checked.body[guard_end:]), checked.counts_depth)

    def reader(self, service: Service, shape: UnionShape, calls: Calls) -> Function:
        read = super().reader(service, shape, calls)
        # `__type` is a type hint some services add, not a member.
        names = lit(("__type", *(m.wire_name for m in shape.members)))
        keep = f"fields.update((k, v) for k, v in data.items() if k not in {names} and v is not None)"
        return Function(read.name, read.returns, (*read.body[:-1], keep, read.body[-1]), read.counts_depth)
