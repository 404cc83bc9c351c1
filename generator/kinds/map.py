"""map: an object from string keys (maybe constrained) to values of one shape."""

from __future__ import annotations

from typing import Any

from ..ir import MapShape, Service, StringShape
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


class MapKind(CompositeKind):
    spec_types = ("map",)

    def spec_references(self, raw: RawShape, base: JsonPath) -> list[Reference]:
        return [Reference(raw["key"], base + ("key",), ("string",), "map key"), Reference(raw["value"], base + ("value",))]

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> MapShape:
        constraints = tuple(length_constraints(name, raw))
        min_length, max_length = raw.get("min"), raw.get("max")
        sparse = bool(raw.get("sparse", False))
        return MapShape(**common, constraints=constraints, key=raw["key"], value=raw["value"], min_length=min_length, max_length=max_length, sparse=sparse)

    def json_schema(self, shape: MapShape, schema: dict[str, Any], *, export: bool) -> None:
        schema.update(type="object", propertyNames=schema_ref(shape.key), additionalProperties=nullable(schema_ref(shape.value), shape.sparse))
        put(schema, "minProperties", shape.min_length)
        put(schema, "maxProperties", shape.max_length)

    def typescript_type(self, service: Service, shape: MapShape) -> str:
        key = service.shape(shape.key)
        value = f"{shape.value} | null" if shape.sparse else shape.value
        if isinstance(key, StringShape) and key.enum:
            return f"{{ [Key in {shape.key}]?: {value} }}"
        return f"{{ [key: string]: {value} }}"

    def typescript_notes(self, shape: MapShape) -> list[str]:
        return length_note(shape.min_length, shape.max_length, "entries") + (["Values may be null (sparse)."] if shape.sparse else [])

    def checker(self, service: Service, shape: MapShape, calls: Calls) -> Function:
        key, value = service.shape(shape.key), service.shape(shape.value)
        key_kind, value_kind = kind_of(key), kind_of(value)
        path = fstring("{path}.{key}")
        flagged = value_kind.flags_items(value)
        body = self.type_guard(shape, "dict", calls)
        body += self.own_constraint_lines(shape, "value", shape.sensitive, calls)
        body += ["keys_failed = False"] if key.constraints else []
        body += ["values_failed = False"] if flagged else []
        body.append("for key, item in value.items():")
        if key.constraints:
            body += [f"    if {key_kind.any_broken(key, 'key')}:", "        keys_failed = True"]
        null = "pass  # sparse: null is a value" if shape.sparse else calls("null", "out", path)
        body += ["    if item is None:", f"        {null}"]
        body += indent(value_kind.item_branches(value, "item", path, fstring("{path}.{key}.member"), "values_failed", calls))
        if key.constraints:
            phrase = lit("Map keys must satisfy constraint: " + key.constraint_summary)
            body += ["if keys_failed:", f"    {calls('violation', 'out', 'path', 'value', phrase, lit(shape.sensitive or key.sensitive))}"]
        if flagged:
            phrase = lit("Map value must satisfy constraint: " + value.constraint_summary)
            shown = value_kind.shown(value, "value", calls)
            body += ["if values_failed:", f"    {calls('violation', 'out', 'path', shown, phrase, lit(shape.sensitive or value.sensitive))}"]
        return Function(f"_check_{shape.name}", "None", tuple(body))

    def reader(self, service: Service, shape: MapShape, calls: Calls) -> Function:
        value, key_shape = service.shape(shape.value), service.shape(shape.key)
        read = kind_of(value).read(value, "item", fstring("{path}.{key}"), calls)
        # An enum's keys as the model's enum (unknown ones stay strings), as pydantic parses them.
        key = kind_of(key_shape).read(key_shape, "key", "path", calls) if isinstance(key_shape, StringShape) and key_shape.enum else "key"
        items = f"for key, item in {calls('as_object', 'value', 'path')}.items()"
        if shape.sparse:
            return Function(f"_read_{shape.name}", "dict[str, Any]", ("return {", f"    {key}: None if item is None else {read}", f"    {items}", "}"))
        return Function(f"_read_{shape.name}", "dict[str, Any]", ("return {", f"    {key}: {read}", f"    {items}", "    if item is not None", "}"))
