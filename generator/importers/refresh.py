"""Re-import a spec from its model and keep what people wrote by hand.

Hand-written (kept as they are): `service.package`, `service.default_operation`, `service.local_handler`,
`service.common_errors` (AWS models have none) with the shapes they name and the shapes those
reach when the model lacks them, each operation's `examples`, and every text whose path is
listed in `source.curated` (for example `service.documentation` or
`shapes.Job.members.id.documentation`). Everything else comes from the model.
"""

from __future__ import annotations

import copy
from typing import Any

from .model import references

CURATED_KEYS = ("documentation",)
_SERVICE_ORDER: tuple[str, ...] = ("name", "full_name", "package", "api_version", "protocol", "protocols", "target_prefix", "signing_name", "endpoint_prefix")
_SERVICE_ORDER += ("documentation", "default_operation", "common_errors", "local_handler")


def parse_path(text: str) -> list[str]:
    return text.split(".")


def lookup(data: Any, path: list[str]) -> tuple[bool, Any]:
    for part in path:
        if not isinstance(data, dict) or part not in data:
            return False, None
        data = data[part]
    return True, data


def merge(current: dict[str, Any], fresh: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """`fresh` (just imported) with the hand-written parts of `current`, and notes on what
    could not be kept."""
    merged = copy.deepcopy(fresh)
    notes: list[str] = []
    old_service, service = current.get("service", {}), merged["service"]
    for key in ("package", "default_operation", "local_handler", "common_errors"):
        if key in old_service:
            service[key] = copy.deepcopy(old_service[key])
    merged["service"] = {key: service[key] for key in _SERVICE_ORDER if key in service} | {k: v for k, v in service.items() if k not in _SERVICE_ORDER}
    old_shapes = current.get("shapes", {})
    pending = [name for name in service.get("common_errors", [])]
    while pending:
        name = pending.pop()
        if name in merged["shapes"] or name not in old_shapes:
            continue
        merged["shapes"][name] = copy.deepcopy(old_shapes[name])
        if isinstance(old_shapes[name], dict) and "type" in old_shapes[name]:
            pending.extend(references_of(old_shapes[name]))
    merged["shapes"] = dict(sorted(merged["shapes"].items()))
    for name, op in current.get("operations", {}).items():
        if not isinstance(op, dict) or "examples" not in op:
            continue
        if name in merged["operations"]:
            merged["operations"][name]["examples"] = copy.deepcopy(op["examples"])
        else:
            notes.append(f"the examples of {name} are dropped: the operation is no longer imported")
    old_source = current.get("source", {})
    kept = []
    for text in old_source.get("curated", []):
        path = parse_path(text)
        found, value = lookup(current, path)
        parent_found, parent = lookup(merged, path[:-1])
        if not found or not parent_found or not isinstance(parent, dict) or path[-1] not in CURATED_KEYS:
            notes.append(f"curated text {text} is dropped: the spec no longer has a place for it")
            continue
        parent[path[-1]] = value
        kept.append(text)
    if old_source.get("model_sha256") == merged["source"]["model_sha256"]:
        # The same model, read from wherever: the record keeps saying where it came from,
        # and only the operations it lists follow the import.
        fresh_operations = {key: merged["source"][key] for key in ("operations", "all_operations") if key in merged["source"]}
        merged["source"] = {key: copy.deepcopy(value) for key, value in old_source.items() if key not in ("curated", "operations", "all_operations")}
        merged["source"].update(fresh_operations)
    if kept:
        merged["source"]["curated"] = kept
    return merged, notes


def references_of(shape: dict[str, Any]) -> list[str]:
    try:
        return [name for name in references(shape) if isinstance(name, str)]
    except (KeyError, TypeError, AttributeError):
        return []


def changes(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """What a refresh changes, one line each, in spec order."""
    lines: list[str] = []
    for section in ("source", "service"):
        before, after = old.get(section, {}), new.get(section, {})
        for key in dict.fromkeys([*before, *after]):
            if before.get(key) != after.get(key):
                lines.append(f"{section}.{key}: {_change(before.get(key), after.get(key))}")
    for section, what in (("operations", "operation"), ("shapes", "shape")):
        before, after = old.get(section, {}), new.get(section, {})
        for name in sorted(set(before) | set(after)):
            if name not in before:
                lines.append(f"{what} {name}: added")
            elif name not in after:
                lines.append(f"{what} {name}: removed")
            elif before[name] != after[name]:
                keys = [k for k in dict.fromkeys([*before[name], *after[name]]) if before[name].get(k) != after[name].get(k)]
                lines.append(f"{what} {name}: {', '.join(_key_change(k, before[name].get(k), after[name].get(k)) for k in keys)}")
    return lines


def _key_change(key: str, before: Any, after: Any) -> str:
    if key == "members" and isinstance(before, dict) and isinstance(after, dict):
        parts = [f"+{m}" for m in after if m not in before] + [f"-{m}" for m in before if m not in after]
        parts += [f"~{m}" for m in after if m in before and before[m] != after[m]]
        return f"members {' '.join(parts)}"
    if key == "documentation":
        return "documentation changed"
    return f"{key} {_change(before, after)}"


def _change(before: Any, after: Any) -> str:
    if before is None:
        return f"added ({_short(after)})"
    if after is None:
        return "removed"
    return f"{_short(before)} -> {_short(after)}"


def _short(value: Any) -> str:
    text = value if isinstance(value, str) else repr(value)
    text = " ".join(text.split())
    return text if len(text) <= 60 else text[:59] + "…"
