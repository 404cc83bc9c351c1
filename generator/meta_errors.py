"""The spec-format (meta-schema) errors of a spec, as few diagnostics that say what is wrong.

jsonschema reports every keyword that failed, which for one slip can be a dozen lines: each
`if/then` branch of a discriminated schema (a shape's `type`) speaks up when it cannot tell
which branch applies, a key indented too little fails both where it landed and where it is
missing, and a misspelled key is both unknown and missing. Here those collapse into one
located diagnostic each: what is missing, where, and the likely fix.
"""

from __future__ import annotations

import difflib
import json
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

import jsonschema

from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec

_TYPE_WORDS = {
    "object": "a mapping",
    "array": "a list",
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
# Schema keywords that step into the instance (one path element each); the rest stay put.
_STEPS_IN = {"properties": 2, "patternProperties": 2, "additionalProperties": 1, "items": 1, "prefixItems": 2, "propertyNames": 1}


def schema_diagnostics(spec: LoadedSpec, validator: jsonschema.protocols.Validator) -> list[Diagnostic]:
    errors = _without_branch_noise(list(validator.iter_errors(spec.data)))
    return list(_Explainer(spec, validator.schema, errors).diagnostics())


def _without_branch_noise(errors: list[jsonschema.ValidationError]) -> list[jsonschema.ValidationError]:
    """Drop the errors of `allOf: [{if, then}, ...]` branches when several branches of one
    `allOf` fire on one value: its discriminator matched none of them specifically (it is
    missing), and that is reported on its own (as a `required` error)."""
    branches: dict[tuple[Any, ...], set[int]] = defaultdict(set)
    keyed: list[tuple[jsonschema.ValidationError, tuple[Any, ...] | None]] = []
    for error in errors:
        key, branch = _branch(error)
        keyed.append((error, key))
        if key is not None and branch is not None:
            branches[key].add(branch)
    return [error for error, key in keyed if key is None or len(branches[key]) < 2]


def _branch(error: jsonschema.ValidationError) -> tuple[tuple[Any, ...] | None, int | None]:
    schema_path = list(error.absolute_schema_path)
    for index in range(len(schema_path) - 2, 0, -1):
        if schema_path[index - 1] == "allOf" and schema_path[index + 1] == "then":
            depth = _instance_depth(schema_path[: index - 1])
            return (tuple(schema_path[: index - 1]), tuple(error.absolute_path)[:depth]), int(schema_path[index])
    return None, None


def _instance_depth(schema_path: list[Any]) -> int:
    depth, index = 0, 0
    while index < len(schema_path):
        step = _STEPS_IN.get(schema_path[index]) if isinstance(schema_path[index], str) else None
        if step:
            depth += 1
            index += step
        else:
            index += 1
    return depth


class _Explainer:
    def __init__(self, spec: LoadedSpec, schema: dict[str, Any], errors: list[jsonschema.ValidationError]) -> None:
        self.spec, self.schema, self.errors = spec, schema, errors
        self.dropped: set[int] = set()  # ids of errors another diagnostic explains
        self.dropped_extras: set[tuple[JsonPath, str]] = set()  # unknown keys explained as misplaced
        self.at: dict[JsonPath, list[jsonschema.ValidationError]] = defaultdict(list)
        for error in errors:
            self.at[tuple(error.absolute_path)].append(error)

    def diagnostics(self) -> Iterator[Diagnostic]:
        explained = list(self._misplaced_keys())
        unknown = [item for error in self.errors if error.validator == "additionalProperties" for item in self._unknown_keys(error)]
        yield from explained
        for error in self.errors:
            if id(error) in self.dropped or error.validator == "additionalProperties":
                continue
            yield self._plain(error)
        for diagnostic, error_id in unknown:
            if error_id not in self.dropped:
                yield diagnostic

    # A key indented too little: it lands next to the entry it belongs in, which then lacks it.
    def _misplaced_keys(self) -> Iterator[Diagnostic]:
        seen: set[JsonPath] = set()
        for error in self.errors:
            for parent, key in self._flagged_keys(error):
                if parent + (key,) in seen:
                    continue
                seen.add(parent + (key,))
                diagnostic = self._misplaced(parent, key)
                if diagnostic:
                    yield diagnostic

    def _flagged_keys(self, error: jsonschema.ValidationError) -> Iterator[tuple[JsonPath, str]]:
        path: JsonPath = tuple(error.absolute_path)
        if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
            yield path, error.instance
        elif error.validator == "additionalProperties" and isinstance(error.instance, dict):
            yield from ((path, key) for key in self._extras(error))
        elif path and isinstance(path[-1], str):
            yield path[:-1], path[-1]

    def _misplaced(self, parent: JsonPath, key: str) -> Diagnostic | None:
        mapping = _value_at(self.spec.data, parent)
        if not isinstance(mapping, dict) or key not in mapping:
            return None
        names = list(mapping)
        position = names.index(key)
        if position == 0:
            return None
        sibling = names[position - 1]
        inside = _value_at(self.spec.data, parent + (sibling,))
        if inside is not None and not isinstance(inside, dict):
            return None
        belongs = self._sibling_properties(parent, sibling, key)
        if key not in belongs:
            return None
        run = [key]
        for name in names[position + 1 :]:
            if name not in belongs or (isinstance(inside, dict) and name in inside) or not self._flagged(parent, name):
                break
            run.append(name)
        for name in run:
            self._drop_under(parent + (name,))
            self.dropped.update(id(e) for e in self.at[parent + (sibling,)] if self._lacks(e, name))
            self.dropped.update(id(e) for e in self.at[parent] if "propertyNames" in e.absolute_schema_path and e.instance == name)
            self.dropped_extras.add((parent, name))
        _, key_column = self.spec.locate_key(parent + (key,))
        if isinstance(inside, dict) and inside:
            _, child_column = self.spec.locate_key(parent + (sibling, next(iter(inside))))
            spaces = child_column - key_column
            fix = f"indent {'it' if len(run) == 1 else 'them'} {spaces} more space{'s' if spaces != 1 else ''}, to column {child_column}"
        else:
            fix = f"indent {'it' if len(run) == 1 else 'them'} under '{sibling}'"
        what = f"'{key}'" if len(run) == 1 else f"'{key}' and the {len(run) - 1} line{'s' if len(run) > 2 else ''} after it"
        reading = f"so '{sibling}' has no '{key}'" if isinstance(inside, dict) and inside else f"and '{sibling}' is left empty"
        message = f"{what} {'is' if len(run) == 1 else 'are'} indented too little: read as {'an entry' if len(run) == 1 else 'entries'} next to '{sibling}' ({reading}); {fix}"
        return self.spec.key_diagnostic(parent + (key,), message)

    def _flagged(self, parent: JsonPath, key: str) -> bool:
        """Whether any error is about the entry `key` of `parent` or what it holds."""
        return any(tuple(e.absolute_path)[: len(parent) + 1] == parent + (key,) for e in self.errors) or any(
            key in self._extras(e) for e in self.at[parent] if e.validator == "additionalProperties"
        )

    def _sibling_properties(self, parent: JsonPath, sibling: str, key: str) -> set[str]:
        """The keys the entry `sibling` may hold, when it is flagged as lacking `key` (missing,
        or left empty) or when `key` is unknown where it stands but known inside `sibling`."""
        lacking = [e for e in self.at[parent + (sibling,)] if self._lacks(e, key)]
        if lacking:
            return set(lacking[0].schema.get("properties", {}))
        for error in self.at[parent]:
            if error.validator == "additionalProperties" and key in self._extras(error):
                inner = self._resolve(error.schema.get("properties", {}).get(sibling, {}))
                properties = set(inner.get("properties", {}))
                if inner.get("type") == "object" and key in properties:
                    return properties
        return set()

    @staticmethod
    def _lacks(error: jsonschema.ValidationError, key: str) -> bool:
        properties = error.schema.get("properties", {}) if isinstance(error.schema, dict) else {}
        if key not in properties:
            return False
        if error.validator == "required":
            return bool(error.message == f"{key!r} is a required property")
        return error.validator == "type" and error.instance is None

    def _drop_under(self, path: JsonPath) -> None:
        for error in self.errors:
            if tuple(error.absolute_path)[: len(path)] == path:
                self.dropped.add(id(error))

    # Unknown keys, one diagnostic each, with the allowed key they are closest to.
    def _extras(self, error: jsonschema.ValidationError) -> list[str]:
        allowed = error.schema.get("properties", {})
        return [key for key in error.instance if key not in allowed]

    def _unknown_keys(self, error: jsonschema.ValidationError) -> Iterator[tuple[Diagnostic, int]]:
        path: JsonPath = tuple(error.absolute_path)
        allowed = list(error.schema.get("properties", {}))
        missing = {e.message: e for e in self.at[path] if e.validator == "required"}
        for key in self._extras(error):
            if (path, key) in self.dropped_extras:
                continue
            close = difflib.get_close_matches(key, allowed, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            if close and f"{close[0]!r} is a required property" in missing:
                self.dropped.add(id(missing[f"{close[0]!r} is a required property"]))
            listing = f" (allowed: {', '.join(allowed)})" if allowed else ""
            yield self.spec.key_diagnostic(path + (key,), f"unknown key {short(key)}{hint}{listing}"), id(error)

    def _plain(self, error: jsonschema.ValidationError) -> Diagnostic:
        spec, path = self.spec, tuple(error.absolute_path)
        if "propertyNames" in error.absolute_schema_path and isinstance(error.instance, str):
            return spec.key_diagnostic(path + (error.instance,), f"name {short(error.instance)} is not allowed here: {_constraint_text(error)}")
        if error.validator == "uniqueItems" and isinstance(error.instance, list):
            seen: set[str] = set()
            for index, item in enumerate(error.instance):
                text = json.dumps(item, sort_keys=True)
                if text in seen:
                    return spec.diagnostic(path + (index,), f"{describe(item)} is listed more than once")
                seen.add(text)
        if error.validator == "required":
            return spec.diagnostic(path, self._required_message(error))
        return spec.diagnostic(path, _message(error))

    def _required_message(self, error: jsonschema.ValidationError) -> str:
        name = error.message.split("'")[1] if error.message.count("'") >= 2 else ""
        choices = error.schema.get("properties", {}).get(name, {}).get("enum") if isinstance(error.schema, dict) else None
        if not choices:
            return str(error.message)
        fitting = self._fitting_kinds(error.schema, name, error.instance)
        hint = f"; its other keys fit only '{fitting[0]}'" if len(fitting) == 1 else ""
        return f"{error.message} (one of: {', '.join(choices)}){hint}"

    def _fitting_kinds(self, schema: dict[str, Any], name: str, instance: Any) -> list[str]:
        """The values of discriminator `name` whose `if/then` branch the instance's keys fit."""
        if not isinstance(instance, dict):
            return []
        found: list[str] = []
        for branch in schema.get("allOf", []):
            wanted = branch.get("if", {}).get("properties", {}).get(name, {})
            values = [wanted["const"]] if "const" in wanted else wanted.get("enum", [])
            then = self._resolve(branch.get("then", {}))
            allowed, required = set(then.get("properties", {})), set(then.get("required", []))
            if len(values) == 1 and set(instance) <= allowed and required <= set(instance):
                found.extend(values)
        return found

    def _resolve(self, schema: dict[str, Any]) -> dict[str, Any]:
        reference = schema.get("$ref", "")
        if not reference.startswith("#/"):
            return schema
        target: Any = self.schema
        for part in reference[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        return target if isinstance(target, dict) else {}


def _value_at(data: Any, path: JsonPath) -> Any:
    for part in path:
        fits = isinstance(data, dict) and part in data or isinstance(data, list) and isinstance(part, int) and part < len(data)
        if not fits:
            return None
        data = data[part]
    return data


def _message(error: jsonschema.ValidationError) -> str:
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "type":
        wanted = " or ".join(_TYPE_WORDS.get(t, t) for t in ([value] if isinstance(value, str) else value))
        return f"expected {wanted}, got {describe(instance)}"
    if kind == "const":
        return f"must be {value!r}, got {describe(instance)}"
    if kind == "enum":
        close = difflib.get_close_matches(instance, [v for v in value if isinstance(v, str)], n=1) if isinstance(instance, str) else []
        hint = f"; did you mean '{close[0]}'?" if close else ""
        return f"{describe(instance)} is not one of: {', '.join(str(v) for v in value)}{hint}"
    return _constraint_text(error)


def _constraint_text(error: jsonschema.ValidationError) -> str:
    kind, value, instance = error.validator, error.validator_value, error.instance
    if kind == "pattern":
        return f"{short(instance)} does not match the required pattern {value}"
    if kind in ("maxLength", "minLength") and isinstance(instance, str):
        return f"text of {len(instance)} characters is {'longer' if kind == 'maxLength' else 'shorter'} than the limit of {value}"
    if kind in ("minProperties", "minItems"):
        return f"needs at least {value} entr{'y' if value == 1 else 'ies'}"
    message = str(error.message)
    return message if len(message) <= 200 else message[:199] + "…"


def describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return short(value)


def short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "…"
