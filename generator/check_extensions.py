"""Semantic checks for the spec-format keys that say what AWS JSON models contain: unions,
documents, timestamp formats, sparse collections, idempotency tokens, defaults, deprecation,
host prefixes, and the `source` record of an imported spec.

The format can say all of these; the generator generates all but what NOT_GENERATED_YET
names (defaults of timestamp, blob and document members, which the models would hold
unconverted): a spec that uses one gets a clear diagnostic instead of bindings that would
ignore it; delete an entry when the pipeline learns it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from .diagnostics import Diagnostic
from .load import JsonPath, LoadedSpec

Ref = Callable[..., Iterator[Diagnostic]]

NOT_GENERATED_YET = {
    "default": "defaults of timestamp, blob and document members",
}
_LABEL = re.compile(r"\{([^{}]*)\}")
_DEFAULT_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "blob": (str,),
    "boolean": (bool,),
    "integer": (int,),
    "long": (int,),
    "float": (int, float),
    "double": (int, float),
    "timestamp": (int, float, str),
    "list": (list,),
    "map": (dict,),
}


def not_generated_yet(data: dict[str, Any]) -> dict[str, int]:
    """How often a spec uses each thing in NOT_GENERATED_YET (for the import summary)."""
    counts: dict[str, int] = {}

    def count(key: str) -> None:
        counts[NOT_GENERATED_YET[key]] = counts.get(NOT_GENERATED_YET[key], 0) + 1

    for shape in data["shapes"].values():
        for member in shape.get("members", {}).values():
            target = data["shapes"].get(member["shape"], {})
            if "default" in member and target.get("type") in ("timestamp", "blob", "document"):
                count("default")
    return counts


def problems(spec: LoadedSpec, ref: Ref) -> Iterator[Diagnostic]:
    data = spec.data
    shapes: dict[str, dict[str, Any]] = data["shapes"]
    for name, shape in shapes.items():
        base: JsonPath = ("shapes", name)
        for member_name, member in shape.get("members", {}).items():
            yield from _member(spec, base + ("members", member_name), member, shapes)
    for op_name, op in data["operations"].items():
        if "endpoint" in op:
            yield from _host_prefix(spec, ("operations", op_name, "endpoint", "host_prefix"), op["endpoint"]["host_prefix"], shapes.get(op["input"]))
    yield from _curated(spec)


def _not_yet(spec: LoadedSpec, path: JsonPath, key: str) -> Diagnostic:
    return spec.diagnostic(path, f"{NOT_GENERATED_YET[key]}: the spec format has them, but the generator does not generate them yet")


def _member(spec: LoadedSpec, path: JsonPath, member: dict[str, Any], shapes: dict[str, dict[str, Any]]) -> Iterator[Diagnostic]:
    target = shapes.get(member["shape"])
    kind = target["type"] if target else None
    if "default" in member and kind in ("timestamp", "blob", "document"):
        yield _not_yet(spec, path + ("default",), "default")
    if "timestamp_format" in member and kind not in (None, "timestamp"):
        yield spec.diagnostic(path + ("timestamp_format",), f"timestamp_format applies to timestamps; '{member['shape']}' is a {kind}")
    for key in ("idempotency_token", "host_label"):
        if member.get(key) and kind not in (None, "string"):
            yield spec.diagnostic(path + (key,), f"{key} applies to string members; '{member['shape']}' is a {kind}")
    if "default" in member and kind in _DEFAULT_TYPES:
        value = member["default"]
        wanted = _DEFAULT_TYPES[kind]
        if (isinstance(value, bool) and bool not in wanted) or not isinstance(value, wanted):
            yield spec.diagnostic(path + ("default",), f"default {value!r:.60} does not fit '{member['shape']}', a {kind}")
        elif kind in ("list", "map") and value:
            yield spec.diagnostic(path + ("default",), f"the default of a {kind} can only be empty")
        elif kind == "string" and target and target.get("enum") and value not in target["enum"]:
            yield spec.diagnostic(path + ("default",), f"default {value!r:.60} is not one of the values of '{member['shape']}'")


def _host_prefix(spec: LoadedSpec, path: JsonPath, prefix: str, input_shape: dict[str, Any] | None) -> Iterator[Diagnostic]:
    members = (input_shape or {}).get("members", {})
    required = set((input_shape or {}).get("required", []))
    for label in _LABEL.findall(prefix):
        member = members.get(label)
        if member is None or not member.get("host_label"):
            yield spec.diagnostic(path, f"host prefix label '{{{label}}}' is not an input member marked host_label")
        elif label not in required:
            yield spec.diagnostic(path, f"host label member '{label}' must be required")
    if re.sub(_LABEL, "", prefix).count("{") or re.sub(_LABEL, "", prefix).count("}"):
        yield spec.diagnostic(path, "host prefix has an unmatched '{' or '}'")


def _curated(spec: LoadedSpec) -> Iterator[Diagnostic]:
    source = spec.data.get("source") or {}
    for index, text in enumerate(source.get("curated", [])):
        node: Any = spec.data
        for part in text.split("."):
            node = node.get(part) if isinstance(node, dict) else None
        if node is None:
            yield spec.diagnostic(("source", "curated", index), f"curated text '{text}' names no text in this spec")
