"""JSON Schema 2020-12 from the IR: the exported documents and the one the models come from.

Two dialects differ only in details: the export spells patterns for ECMAScript and Python's
`re.search`, marks sensitive values and allows `null` for optional members (AWS reads it as
"not set"); the model schema spells patterns for pydantic-core and names Python members.
Each kind's keywords come from its lowering (generator/kinds/).
"""

from __future__ import annotations

from typing import Any

from .ir import Service, Shape
from .kinds import BLOB_KEYWORD, DOCUMENT_KEYWORD, PATTERN_KEYWORD, SENSITIVE_KEYWORD, TIMESTAMP_KEYWORD, kind_of

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

__all__ = ["BLOB_KEYWORD", "DOCUMENT_KEYWORD", "JSON_SCHEMA_DIALECT", "PATTERN_KEYWORD", "SENSITIVE_KEYWORD", "TIMESTAMP_KEYWORD", "export_document", "model_document"]


def export_document(service: Service, root: str) -> dict[str, Any]:
    """A self-contained schema for one operation input or output."""
    defs = {name: _shape_schema(service.shape(name), export=True) for name in service.reachable([root])}
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "title": root,
        "description": service.shape(root).documentation or root,
        "$ref": f"#/$defs/{root}",
        "$defs": defs,
    }


def model_document(service: Service) -> dict[str, Any]:
    """Every shape the models need, for datamodel-code-generator."""
    names = service.reachable(n for op in service.operations for n in (op.input, op.output))
    return {"$schema": JSON_SCHEMA_DIALECT, "$defs": {name: _shape_schema(service.shape(name), export=False) for name in names}}


def _shape_schema(shape: Shape, *, export: bool) -> dict[str, Any]:
    schema: dict[str, Any] = {}
    if shape.documentation or shape.deprecated:
        schema["description"] = "\n\n".join(t for t in (shape.documentation, shape.deprecated) if t)
    if shape.deprecated and export:
        schema["deprecated"] = True
    kind_of(shape).json_schema(shape, schema, export=export)
    if export and shape.sensitive:
        schema[SENSITIVE_KEYWORD] = True
    return schema
