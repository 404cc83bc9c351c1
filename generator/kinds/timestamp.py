"""timestamp: a point in time, as a number of seconds since the Unix epoch on the JSON wire."""

from __future__ import annotations

from typing import Any

from ..ir import Service, TimestampShape
from ..pycode import Calls
from .base import RawShape, ScalarKind, add_description
from .number import number_test, number_value_lines

EPOCH_SECONDS = "Seconds since the Unix epoch."


class TimestampKind(ScalarKind):
    spec_types = ("timestamp",)

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> TimestampShape:
        return TimestampShape(**common, constraints=())

    def json_schema(self, shape: TimestampShape, schema: dict[str, Any], *, export: bool) -> None:
        schema["type"] = "number"
        add_description(schema, EPOCH_SECONDS)

    def typescript_type(self, service: Service, shape: TimestampShape) -> str:
        return "number"

    def typescript_notes(self, shape: TimestampShape) -> list[str]:
        return [EPOCH_SECONDS]

    def type_test(self, shape: TimestampShape, var: str, calls: Calls) -> str:
        return number_test(var, calls)

    def value_lines(self, shape: TimestampShape, path: str, sensitive: bool, calls: Calls) -> list[str]:
        return number_value_lines(self, shape, path, sensitive, calls)

    def read(self, shape: TimestampShape, var: str, path: str, calls: Calls) -> str:
        return calls("as_number", var, path)
