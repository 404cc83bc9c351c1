"""The exports for other languages: JSON Schema, OpenAPI and TypeScript, as `{path: text}`.

Paths are relative to the package folder, so the committed copies live in
`generated/<package>/` and `python -m generator export` writes the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from .ir import Service
from .openapi import render_openapi
from .schema import export_document
from .typescript import render_typescript


def json_schemas(service: Service, generated_by: str) -> dict[str, str]:
    files: dict[str, str] = {}
    for op in service.operations:
        for root in (op.input, op.output):
            document = {"$comment": generated_by, **export_document(service, root)}
            files[f"schemas/{root}.schema.json"] = json.dumps(document, indent=2, ensure_ascii=True) + "\n"
    return files


FORMATS: dict[str, Callable[[Service, str], dict[str, str]]] = {
    "jsonschema": json_schemas,
    "openapi": lambda service, generated_by: {"openapi.yaml": render_openapi(service, generated_by)},
    "typescript": lambda service, generated_by: {"types.d.ts": render_typescript(service, generated_by)},
}


def export_files(service: Service, generated_by: str, formats: list[str] | None = None) -> dict[str, str]:
    """Every export of `service` (or the named formats), keyed by path inside the package folder."""
    files: dict[str, str] = {}
    for name in formats or sorted(FORMATS):
        files.update(FORMATS[name](service, generated_by))
    return files
