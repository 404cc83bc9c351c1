"""string: text, maybe bounded in length, matched by a pattern or one of an enum's values."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

from .. import naming
from ..diagnostics import Diagnostic
from ..ir import Constraint, EnumValue, Service, StringShape
from ..load import JsonPath, LoadedSpec
from ..meta_errors import short
from ..pattern_fastpath import CharsetPattern, charset_form
from ..patterns import Pattern, PatternError, translate
from ..pycode import Calls, lit
from ..tsdoc import code
from .base import PATTERN_KEYWORD, RawShape, ScalarKind, length_constraints, length_note, put


class StringKind(ScalarKind):
    spec_types = ("string",)

    def spec_problems(self, spec: LoadedSpec, base: JsonPath, raw: RawShape) -> Iterator[Diagnostic]:
        if "pattern" in raw:
            try:
                translate(raw["pattern"])
            except PatternError as exc:
                yield spec.diagnostic(base + ("pattern",), f"pattern {short(raw['pattern'])}: {exc}")
        seen: dict[str, str] = {}
        for index, value in enumerate(raw.get("enum", [])):
            python_name = naming.enum_member_name(value)
            if python_name in seen:
                what = "appears twice" if seen[python_name] == value else f"and '{seen[python_name]}' both become {python_name}"
                yield spec.diagnostic(base + ("enum", index), f"enum value '{value}' {what}")
            seen[python_name] = value

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> StringShape:
        constraints = length_constraints(name, raw)
        pattern = translate(raw["pattern"]) if "pattern" in raw else None
        if pattern:
            phrase = f"Member must satisfy regular expression pattern: {pattern.source}"
            constraints.append(Constraint("pattern", pattern, phrase, name, charset_form(pattern.body)))
        enum = tuple(EnumValue(naming.enum_member_name(v), v) for v in raw.get("enum", []))
        if enum:
            listed = ", ".join(e.value for e in enum)
            constraints.append(Constraint("enum", tuple(e.value for e in enum), f"Member must satisfy enum value set: [{listed}]", name))
        return StringShape(**common, constraints=tuple(constraints), min_length=raw.get("min"), max_length=raw.get("max"), pattern=pattern, enum=enum)

    def json_schema(self, shape: StringShape, schema: dict[str, Any], *, export: bool) -> None:
        schema["type"] = "string"
        if shape.enum:
            schema["enum"] = [e.value for e in shape.enum]
            if not export:
                schema["x-enum-varnames"] = [e.python_name for e in shape.enum]
        put(schema, "minLength", shape.min_length)
        put(schema, "maxLength", shape.max_length)
        if shape.pattern and (export or not (shape.pattern.backtracking or shape.pattern.conjuncts)):
            schema["pattern"] = shape.pattern.json_schema if export else shape.pattern.rust
        elif shape.pattern:
            schema[PATTERN_KEYWORD] = {"check": _model_check(shape.pattern), "min": shape.min_length, "max": shape.max_length}

    def shape_runtime_exports(self, shape: StringShape) -> tuple[str, ...]:
        if shape.pattern and shape.pattern.linear:
            return ("LinearPattern",)
        return ("matching",) if shape.pattern and shape.pattern.backtracking else ()

    def typescript_type(self, service: Service, shape: StringShape) -> str:
        return " | ".join(json.dumps(e.value) for e in shape.enum) if shape.enum else "string"

    def typescript_notes(self, shape: StringShape) -> list[str]:
        notes = length_note(shape.min_length, shape.max_length, "characters")
        if shape.pattern:
            notes.append(f"Pattern (the whole value, ASCII character classes): {code(shape.pattern.source)}")
        return notes

    # A pattern that is one repeated character class is checked with str.strip (several times
    # faster than a regex); others with a compiled regex. Both match the whole value.
    def validator_constants(self, shape: StringShape) -> list[str]:
        lines = []
        pattern = shape.constraint("pattern")
        if pattern and pattern.charset:
            lines.append(f"_CHARS_{shape.name}: Final = {lit(pattern.charset.chars)}")
        elif pattern and shape.pattern and shape.pattern.linear:
            lines.append(f"_RE_{shape.name}: Final = LinearPattern({', '.join(map(lit, shape.pattern.linear_forms))})")
        elif pattern and shape.pattern:
            lines.append(f"_RE_{shape.name}: Final = re.compile({lit(shape.pattern.python)}, re.ASCII)")
        enum = shape.constraint("enum")
        if enum:
            lines.append(f"_ENUM_{shape.name}: Final = frozenset({lit(enum.value)})")
        return lines

    def validator_imports(self, shape: StringShape) -> set[str]:
        pattern = shape.constraint("pattern")
        return {"re"} if pattern and not pattern.charset and shape.pattern and not shape.pattern.linear else set()

    def broken(self, constraint: Constraint, var: str) -> str:
        test = _BROKEN.get(constraint.kind)
        return test(constraint, var) if test else super().broken(constraint, var)

    def type_test(self, shape: StringShape, var: str, calls: Calls) -> str:
        return f"type({var}) is str"

    def read(self, shape: StringShape, var: str, path: str, calls: Calls) -> str:
        if shape.enum:
            return calls("as_enum", var, path, f"models.{shape.class_name}")
        return calls("as_string", var, path)


def _model_check(pattern: Pattern) -> str:
    """The models' check of a pattern pydantic-core's `pattern` cannot hold: one with
    lookarounds (Python's `re`, as the validators), or several for the linear-time engine."""
    if pattern.conjuncts:
        return f"LinearPattern({', '.join(map(lit, pattern.linear_forms))}).matched"
    return f"matching({lit(pattern.python)})"


def _pattern_broken(constraint: Constraint, var: str) -> str:
    if constraint.charset:
        return _outside_charset(constraint.charset, constraint.shape, var)
    return f"_RE_{constraint.shape}.fullmatch({var}) is None"


def _enum_broken(constraint: Constraint, var: str) -> str:
    return f"{var} not in _ENUM_{constraint.shape}"


_BROKEN: dict[str, Callable[[Constraint, str], str]] = {"pattern": _pattern_broken, "enum": _enum_broken}


def _outside_charset(charset: CharsetPattern, shape_name: str, var: str) -> str:
    test = f'{var}.strip(_CHARS_{shape_name}) != ""'
    if charset.min_length == charset.max_length:
        return f"{test} or len({var}) != {charset.min_length}"
    if charset.min_length == 1:
        test += f" or not {var}"
    elif charset.min_length > 1:
        test += f" or len({var}) < {charset.min_length}"
    if charset.max_length is not None:
        test += f" or len({var}) > {charset.max_length}"
    return test
