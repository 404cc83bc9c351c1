"""boolean."""

from __future__ import annotations

from typing import Any

from ..ir import BooleanShape, Service
from ..pycode import Calls
from .base import RawShape, ScalarKind


class BooleanKind(ScalarKind):
    spec_types = ("boolean",)

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> BooleanShape:
        return BooleanShape(**common, constraints=())

    def json_schema(self, shape: BooleanShape, schema: dict[str, Any], *, export: bool) -> None:
        schema["type"] = "boolean"

    def typescript_type(self, service: Service, shape: BooleanShape) -> str:
        return "boolean"

    def type_test(self, shape: BooleanShape, var: str, calls: Calls) -> str:
        return f"type({var}) is bool"

    def read(self, shape: BooleanShape, var: str, path: str, calls: Calls) -> str:
        return calls("as_boolean", var, path)
