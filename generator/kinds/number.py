"""integer and long (whole numbers within their wire range), float and double."""

from __future__ import annotations

import importlib.util
import math
from collections.abc import Iterator
from functools import cache
from types import ModuleType
from typing import Any

from ..diagnostics import Diagnostic
from ..ir import WIRE_RANGES, Constraint, FloatShape, IntegerShape, NumberShape, Service
from ..load import JsonPath, LoadedSpec
from ..pycode import Calls, lit
from ..resources import TEMPLATE_ROOT
from .base import RawShape, ScalarKind, put, value_range

# JavaScript numbers hold every whole number up to this exactly.
MAX_SAFE_INTEGER = 2**53 - 1
_NAMED = {"integer": "an integer", "long": "a long"}


def value_constraints(name: str, raw: RawShape) -> tuple[Constraint, ...]:
    found = []
    if "max" in raw:
        found.append(Constraint("max_value", raw["max"], f"Member must have value less than or equal to {java_number(raw['max'])}", name))
    if "min" in raw:
        found.append(Constraint("min_value", raw["min"], f"Member must have value greater than or equal to {java_number(raw['min'])}", name))
    return tuple(found)


def java_number(value: float) -> str:
    """A bound as AWS's Java services print it: a fraction as Double.toString does (with the
    runtime's java_double, which prints the values in the messages), a whole number as written."""
    if isinstance(value, int):
        return str(value)
    return str(_java_text().java_double(value))


@cache
def _java_text() -> ModuleType:
    """templates/runtime/java_text.py (it imports nothing of the runtime), loaded from its file."""
    spec = importlib.util.spec_from_file_location("_runtime_java_text", TEMPLATE_ROOT / "runtime" / "java_text.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def coerced_value_lines(kind: ScalarKind, shape: Any, needs_reading: str, reading: str, path: str, sensitive: bool, calls: Calls, shown: str = "v") -> list[str]:
    """Checks of a number `v`: `reading` sets `v` to the number read, or None when it has the
    wrong type (reported), then each constraint is checked on what was read (and echoed as
    `shown`)."""
    lines = [f"if {needs_reading}:", f"    v = {reading}"]
    for c in shape.constraints:
        lines += [f"if v is not None and {kind.broken(c, 'v')}:", f"    {calls('violation', 'out', path, shown, lit(c.phrase), lit(sensitive))}"]
    return lines


class IntegerKind(ScalarKind):
    spec_types = ("integer", "long")

    def spec_problems(self, spec: LoadedSpec, base: JsonPath, raw: RawShape) -> Iterator[Diagnostic]:
        kind = raw["type"]
        low, high = WIRE_RANGES[kind]
        for key in ("min", "max"):
            if key in raw and not low <= raw[key] <= high:
                yield spec.diagnostic(base + (key,), f"{key} ({raw[key]}) is outside the range of {_NAMED[kind]} ({low}..{high})")

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> IntegerShape:
        wire_range = WIRE_RANGES[raw["type"]]
        return IntegerShape(**common, constraints=value_constraints(name, raw), minimum=raw.get("min"), maximum=raw.get("max"), wire_range=wire_range)

    def json_schema(self, shape: IntegerShape, schema: dict[str, Any], *, export: bool) -> None:
        schema["type"] = "integer"
        put(schema, "minimum", shape.low if shape.minimum is None else max(shape.minimum, shape.low))
        put(schema, "maximum", shape.high if shape.maximum is None else min(shape.maximum, shape.high))

    def typescript_type(self, service: Service, shape: IntegerShape) -> str:
        return "number"

    def typescript_notes(self, shape: IntegerShape) -> list[str]:
        least = shape.low if shape.minimum is None else max(shape.low, shape.minimum)
        most = shape.high if shape.maximum is None else min(shape.high, shape.maximum)
        notes = [f"A whole number from {least} to {most}."]
        if shape.high > MAX_SAFE_INTEGER:
            notes.append("A 64-bit integer: JavaScript numbers are exact only up to 2^53.")
        return notes

    def type_test(self, shape: IntegerShape, var: str, calls: Calls) -> str:
        return calls("is_whole", var, str(shape.low), str(shape.high))

    def type_failure(self, shape: IntegerShape, var: str, path: str, calls: Calls) -> str:
        return calls("whole_number", "out", path, var, str(shape.low), str(shape.high), lit(shape.expected))

    def value_lines(self, shape: IntegerShape, path: str, sensitive: bool, calls: Calls) -> list[str]:
        needs_reading = f"type(v) is not int or not {shape.low} <= v <= {shape.high}"
        return coerced_value_lines(self, shape, needs_reading, self.type_failure(shape, "v", path, calls), path, sensitive, calls)

    def read(self, shape: IntegerShape, var: str, path: str, calls: Calls) -> str:
        return calls("as_whole", var, path)


def non_finite_texts(shape: FloatShape) -> list[str]:
    """The JSON texts of the non-finite values a float shape takes (botocore's form): all three
    without a range; as in Smithy's range checks, NaN breaks any bound, Infinity a maximum and
    -Infinity a minimum."""
    if shape.minimum is not None or shape.maximum is not None:
        return [text for text, bound in (("Infinity", shape.maximum), ("-Infinity", shape.minimum)) if bound is None]
    return ["NaN", "Infinity", "-Infinity"]


class FloatKind(ScalarKind):
    spec_types = ("float", "double")

    def spec_problems(self, spec: LoadedSpec, base: JsonPath, raw: RawShape) -> Iterator[Diagnostic]:
        for key in ("min", "max"):
            if key in raw and not math.isfinite(raw[key]):
                yield spec.diagnostic(base + (key,), f"{key} must be a finite number, got {raw[key]}")

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> FloatShape:
        return FloatShape(**common, constraints=value_constraints(name, raw), minimum=raw.get("min"), maximum=raw.get("max"))

    def json_schema(self, shape: FloatShape, schema: dict[str, Any], *, export: bool) -> None:
        texts = non_finite_texts(shape) if export else []
        number: dict[str, Any] = {"type": "number"}
        put(number, "minimum", shape.minimum)
        put(number, "maximum", shape.maximum)
        if texts:
            # On the JSON wire NaN and the infinities are strings; the models take them too.
            schema["anyOf"] = [number, {"enum": texts}]
        else:
            schema.update(number)

    def typescript_type(self, service: Service, shape: FloatShape) -> str:
        return " | ".join(["number", *(f'"{text}"' for text in non_finite_texts(shape))])

    def typescript_notes(self, shape: FloatShape) -> list[str]:
        notes = ["NaN and the infinities travel as the strings shown (AWS JSON; CBOR floats)."]
        if shape.minimum is None and shape.maximum is None:
            return notes
        return [f"Value: {value_range(shape.minimum, shape.maximum)}.", *notes]

    def broken(self, constraint: Constraint, var: str) -> str:
        # Negated, so that NaN breaks every bound; double_value reads the wire's "NaN" texts
        # too, and an integer too large for a double as the infinity Java reads.
        if constraint.kind == "max_value":
            return f"not double_value({var}) <= {lit(constraint.value)}"
        if constraint.kind == "min_value":
            return f"not double_value({var}) >= {lit(constraint.value)}"
        return super().broken(constraint, var)

    def item_branches(self, shape: FloatShape, var: str, path: str, nested_path: str, flag: str, calls: Calls) -> list[str]:
        if shape.constraints:
            calls.names.add("double_value")  # the bounds' tests (`broken`) call it
        return super().item_branches(shape, var, path, nested_path, flag, calls)

    def type_test(self, shape: NumberShape, var: str, calls: Calls) -> str:
        return number_test(var, calls)

    def shown(self, shape: FloatShape, var: str, calls: Calls) -> str:
        # AWS holds each value as a double: a whole number shows as `1.0`.
        return calls("numbers_shown", var)

    def value_lines(self, shape: NumberShape, path: str, sensitive: bool, calls: Calls) -> list[str]:
        return number_value_lines(self, shape, path, sensitive, calls)

    def read(self, shape: NumberShape, var: str, path: str, calls: Calls) -> str:
        return calls("as_number", var, path)


def number_test(var: str, calls: Calls) -> str:
    return calls("is_number", var)


def number_value_lines(kind: ScalarKind, shape: Any, path: str, sensitive: bool, calls: Calls) -> list[str]:
    reading = calls("number", "out", path, "v", lit(shape.expected))
    # Echoed as the double AWS holds (`3` reads `3.0`), as in Java's message.
    shown = calls("double_value", "v") if shape.constraints else "v"  # only a constraint's message shows it
    return coerced_value_lines(kind, shape, f"not {number_test('v', calls)}", reading, path, sensitive, calls, shown)
