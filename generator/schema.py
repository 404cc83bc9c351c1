"""JSON Schema 2020-12 from the IR: the exported documents and the one the models come from.

Two dialects differ only in details: the export spells patterns for ECMAScript and Python's
`re.search`, marks sensitive values and allows `null` for optional members (AWS reads it as
"not set"); the model schema spells patterns for pydantic-core and names Python members.
"""

from __future__ import annotations

from typing import Any

from .ir import BlobShape, ListShape, MapShape, NumberShape, PlainShape, Service, Shape, StringShape, StructureShape

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SENSITIVE_KEYWORD = "x-aws-sensitive"
# In the model schema only: a blob's byte bounds, for the models' template (templates/datamodel).
BLOB_KEYWORD = "x-aws-blob-bytes"


def blob_note(shape: BlobShape) -> str:
    """A blob's format and bounds in words, for documentation in every export."""
    low, high = shape.min_length or 0, shape.max_length
    size = f"{low} to {high} bytes" if high is not None else f"at least {low} byte{'s' if low != 1 else ''}" if low else "any number of bytes"
    return f"Base64 (RFC 4648: standard alphabet, padded, unused bits zero) of {size} once decoded."


def reachable_shapes(service: Service, roots: list[str]) -> list[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        stack.extend(children(service.shape(name)))
    return sorted(seen)


def children(shape: Shape) -> list[str]:
    if isinstance(shape, StructureShape):
        return [m.shape for m in shape.members]
    if isinstance(shape, ListShape):
        return [shape.member]
    if isinstance(shape, MapShape):
        return [shape.key, shape.value]
    return []


def export_document(service: Service, root: str) -> dict[str, Any]:
    """A self-contained schema for one operation input or output."""
    defs = {name: _shape_schema(service.shape(name), export=True) for name in reachable_shapes(service, [root])}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": root,
        "description": service.shape(root).documentation or root,
        "$ref": f"#/$defs/{root}",
        "$defs": defs,
    }


def model_document(service: Service) -> dict[str, Any]:
    """Every shape the models need, for datamodel-code-generator."""
    roots = [n for op in service.operations for n in (op.input, op.output)]
    names = reachable_shapes(service, roots)
    return {"$schema": JSON_SCHEMA_DIALECT, "$defs": {name: _shape_schema(service.shape(name), export=False) for name in names}}


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def _shape_schema(shape: Shape, *, export: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    if shape.documentation:
        schema["description"] = shape.documentation
    if isinstance(shape, StructureShape):
        schema.update(_structure(shape, export=export))
    elif isinstance(shape, StringShape):
        schema["type"] = "string"
        if shape.enum:
            schema["enum"] = [e.value for e in shape.enum]
            if not export:
                schema["x-enum-varnames"] = [e.python_name for e in shape.enum]
        _put(schema, "minLength", shape.min_length)
        _put(schema, "maxLength", shape.max_length)
        if shape.pattern:
            schema["pattern"] = shape.pattern.json_schema if export else shape.pattern.rust
    elif isinstance(shape, NumberShape):
        schema["type"] = "integer" if shape.is_whole else "number"
        low, high = shape.wire_range or (None, None)
        _put(schema, "minimum", _tighter(shape.minimum, low, max))
        _put(schema, "maximum", _tighter(shape.maximum, high, min))
    elif isinstance(shape, BlobShape):
        schema.update(type="string", contentEncoding="base64")
        if export:
            # The byte bounds as the pattern's repeat counts: every validator then agrees with
            # the generated ones (a length keyword would count base64 characters).
            schema["pattern"] = f"^(?:{shape.base64_body})(?![\\s\\S])"
            schema["description"] = (schema.get("description", "") + "\n\n" + blob_note(shape)).strip()
        else:
            schema[BLOB_KEYWORD] = {"min": shape.min_length, "max": shape.max_length}
    elif isinstance(shape, PlainShape):
        schema["type"] = "boolean" if shape.kind == "boolean" else "number"
        if shape.kind == "timestamp":
            schema["description"] = (schema.get("description", "") + "\n\nSeconds since the Unix epoch.").strip()
    elif isinstance(shape, ListShape):
        schema.update(type="array", items=_ref(shape.member))
        _put(schema, "minItems", shape.min_length)
        _put(schema, "maxItems", shape.max_length)
    elif isinstance(shape, MapShape):
        schema.update(type="object", propertyNames=_ref(shape.key), additionalProperties=_ref(shape.value))
        _put(schema, "minProperties", shape.min_length)
        _put(schema, "maxProperties", shape.max_length)
    if export and shape.sensitive:
        schema[SENSITIVE_KEYWORD] = True
    return schema


def _structure(shape: StructureShape, *, export: bool) -> dict[str, Any]:
    properties: dict[str, Any] = {}
    for member in shape.members:
        prop: dict[str, Any] = _ref(member.shape)
        if export and not member.required:
            prop = {"anyOf": [prop, {"type": "null"}]}
        if member.documentation:
            prop["description"] = member.documentation
        if member.sensitive:
            prop[SENSITIVE_KEYWORD if export else "x-repr"] = True if export else False
        properties[member.wire_name] = prop
    schema: dict[str, Any] = {"type": "object", "properties": properties}
    required = [m.wire_name for m in shape.members if m.required]
    if required:
        schema["required"] = required
    return schema


def _put(schema: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        schema[key] = value


def _tighter(spec_bound: int | float | None, wire_bound: int | None, pick: Any) -> int | float | None:
    if spec_bound is None:
        return wire_bound
    if wire_bound is None:
        return spec_bound
    return pick(spec_bound, wire_bound)
