"""document: any JSON value (null, a boolean, a number, a string, an array or an object)."""

from __future__ import annotations

from typing import Any

from ..ir import DocumentShape, Service
from ..pycode import Calls
from .base import RawShape, ScalarKind, add_description, required_or_present

DOCUMENT_NOTE = "A document: any JSON value."


class DocumentKind(ScalarKind):
    spec_types = ("document",)

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> DocumentShape:
        return DocumentShape(**common, constraints=())

    def json_schema(self, shape: DocumentShape, schema: dict[str, Any], *, export: bool) -> None:
        if export:
            add_description(schema, DOCUMENT_NOTE)

    def typescript_type(self, service: Service, shape: DocumentShape) -> str:
        # A recursive alias: TypeScript allows these through arrays and object types.
        return f"null | boolean | number | string | {shape.name}[] | {{ [key: string]: {shape.name} }}"

    def typescript_notes(self, shape: DocumentShape) -> list[str]:
        return [DOCUMENT_NOTE]

    def member_lines(self, shape: DocumentShape, path: str, required: bool, sensitive: bool, calls: Calls) -> list[str]:
        return required_or_present(required, path, ["pass"], calls) if required else []

    def item_branches(self, shape: DocumentShape, var: str, path: str, nested_path: str, flag: str, calls: Calls) -> list[str]:
        return []

    def read(self, shape: DocumentShape, var: str, path: str, calls: Calls) -> str:
        return var
