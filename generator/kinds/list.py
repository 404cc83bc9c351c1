"""list: an array of one member shape, maybe bounded in length."""

from __future__ import annotations

from typing import Any

from ..ir import ListShape, Service
from ..load import JsonPath
from ..pycode import Calls, fstring, indent, lit
from .base import (
    CompositeKind,
    Function,
    RawShape,
    Reference,
    kind_of,
    length_constraints,
    length_note,
    nullable,
    put,
    schema_ref,
)


class ListKind(CompositeKind):
    spec_types = ("list",)

    def spec_references(self, raw: RawShape, base: JsonPath) -> list[Reference]:
        return [Reference(raw["member"], base + ("member",))]

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> ListShape:
        constraints = tuple(length_constraints(name, raw))
        sparse = bool(raw.get("sparse", False))
        return ListShape(**common, constraints=constraints, member=raw["member"], min_length=raw.get("min"), max_length=raw.get("max"), sparse=sparse)

    def json_schema(self, shape: ListShape, schema: dict[str, Any], *, export: bool) -> None:
        schema.update(type="array", items=nullable(schema_ref(shape.member), shape.sparse))
        put(schema, "minItems", shape.min_length)
        put(schema, "maxItems", shape.max_length)

    def typescript_type(self, service: Service, shape: ListShape) -> str:
        return f"({shape.member} | null)[]" if shape.sparse else f"{shape.member}[]"

    def typescript_notes(self, shape: ListShape) -> list[str]:
        return length_note(shape.min_length, shape.max_length, "items") + (["Members may be null (sparse)."] if shape.sparse else [])

    def checker(self, service: Service, shape: ListShape, calls: Calls) -> Function:
        item = service.shape(shape.member)
        lowered = kind_of(item)
        path = fstring("{path}.{index}.member")
        flagged = lowered.flags_items(item)
        body = self.type_guard(shape, "list", calls)
        body += self.own_constraint_lines(shape, "value", shape.sensitive, calls)
        body += ["members_failed = False"] if flagged else []
        null = "pass  # sparse: null is a value" if shape.sparse else calls("null", "out", path)
        body += ["for index, item in enumerate(value, 1):", "    if item is None:", f"        {null}"]
        body += indent(lowered.item_branches(item, "item", path, path, "members_failed", calls))
        if flagged:
            phrase = lit("Member must satisfy constraint: " + item.constraint_summary)
            report = calls("violation", "out", "path", lowered.shown(item, "value", calls), phrase, lit(shape.sensitive or item.sensitive))
            body += ["if members_failed:", f"    {report}"]
        return Function(f"_check_{shape.name}", "None", tuple(body))

    def reader(self, service: Service, shape: ListShape, calls: Calls) -> Function:
        item = service.shape(shape.member)
        read = kind_of(item).read(item, "item", fstring("{path}.{index}.member"), calls)
        items = f"for index, item in enumerate({calls('as_array', 'value', 'path')}, 1)"
        if shape.sparse:
            return Function(f"_read_{shape.name}", "list[Any]", ("return [", f"    None if item is None else {read}", f"    {items}", "]"))
        return Function(f"_read_{shape.name}", "list[Any]", ("return [", f"    {read}", f"    {items}", "    if item is not None", "]"))
