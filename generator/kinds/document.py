"""document: any JSON value. The document itself is not null where a value is needed (a
required member, an item of a list or map that is not sparse): AWS reads a null member as not
set, and a dense collection refuses null items, whatever their shape. Inside it, null is a
value like any other."""

from __future__ import annotations

from typing import Any

from ..ir import DocumentShape, Service
from ..pycode import Calls
from .base import DOCUMENT_KEYWORD, RawShape, ScalarKind, add_description, required_or_present

DOCUMENT_NOTE = "A document: any JSON value; the value itself is not null (values inside it may be)."
# Every JSON value but null (as `not`: ajv's strict mode and Spectral refuse a list of types
# without `items`); an optional member or a sparse item adds null as for any shape.
_NOT_NULL = {"type": "null"}


class DocumentKind(ScalarKind):
    spec_types = ("document",)
    runtime_exports = ("present_document",)  # the models refuse a null document with it

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> DocumentShape:
        return DocumentShape(**common, constraints=())

    def json_schema(self, shape: DocumentShape, schema: dict[str, Any], *, export: bool) -> None:
        if export:
            schema["not"] = dict(_NOT_NULL)
            add_description(schema, DOCUMENT_NOTE)
        else:
            schema[DOCUMENT_KEYWORD] = True

    def typescript_type(self, service: Service, shape: DocumentShape) -> str:
        # A recursive alias: TypeScript allows these through arrays and object types.
        inner = f"{shape.name} | null"
        return f"boolean | number | string | ({inner})[] | {{ [key: string]: {inner} }}"

    def typescript_notes(self, shape: DocumentShape) -> list[str]:
        return [DOCUMENT_NOTE]

    def member_lines(self, shape: DocumentShape, path: str, required: bool, sensitive: bool, calls: Calls) -> list[str]:
        return required_or_present(required, path, ["pass"], calls) if required else []

    def item_branches(self, shape: DocumentShape, var: str, path: str, nested_path: str, flag: str, calls: Calls) -> list[str]:
        return []

    def read(self, shape: DocumentShape, var: str, path: str, calls: Calls) -> str:
        return var
