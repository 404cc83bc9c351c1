"""Turn a checked spec into the immutable IR."""

from __future__ import annotations

from typing import Any

from . import naming
from .diagnostics import Location
from .ir import Example, LocalHandler, Operation, Service, Shape
from .kinds import kind_named
from .kinds.base import deprecation, doc
from .load import LoadedSpec, format_path


def build_service(data: dict[str, Any], spec_file: str, spec: LoadedSpec | None = None) -> Service:
    """The IR of a checked spec; `spec` (the loaded one) locates what later stages report."""
    raw_shapes = with_member_formats(data["shapes"])
    shapes = tuple(_build_shape(name, raw_shapes[name], raw_shapes) for name in sorted(raw_shapes))
    svc = data["service"]
    operations = tuple(_build_operation(name, data["operations"][name], svc["target_prefix"]) for name in sorted(data["operations"]))
    return Service(
        name=svc["name"],
        full_name=svc.get("full_name", svc["name"]),
        package=svc["package"],
        api_version=svc["api_version"],
        protocols=tuple(svc["protocols"]) if "protocols" in svc else (svc["protocol"],),
        target_prefix=svc["target_prefix"],
        signing_name=svc["signing_name"],
        endpoint_prefix=svc["endpoint_prefix"],
        documentation=doc(svc),
        spec_file=spec_file,
        operations=operations,
        shapes=shapes,
        common_errors=tuple(svc.get("common_errors", [])),
        local_handler=_local_handler(svc.get("local_handler"), spec, spec_file),
        default_operation=svc.get("default_operation"),
    )


def _local_handler(raw: dict[str, Any] | None, spec: LoadedSpec | None, spec_file: str) -> LocalHandler | None:
    if raw is None:
        return None

    def at(key: str) -> Location:
        path = ("service", "local_handler", key)
        return spec.location(path) if spec else Location(spec_file, 1, 1, format_path(path))

    seed_option = raw.get("seed_option", "seed")
    helpers = tuple(raw.get("helpers", []))
    return LocalHandler(
        raw["source"], raw["module"], seed_option, helpers, bool(raw.get("options", False)), source_at=at("source"), module_at=at("module"), helpers_at=at("helpers")
    )


def _build_operation(name: str, raw: dict[str, Any], target_prefix: str) -> Operation:
    return Operation(
        name=name,
        method_name=naming.method_name(name),
        input=raw["input"],
        output=raw["output"],
        errors=tuple(raw.get("errors", [])),
        documentation=doc(raw),
        examples=tuple(Example(e["title"], e["request"], e["response"]) for e in raw.get("examples", [])),
        target=f"{target_prefix}.{name}",
        deprecated=deprecation(raw),
        host_prefix=raw.get("endpoint", {}).get("host_prefix"),
        compression=tuple(raw.get("request_compression", {}).get("encodings", ())),
    )


_FORMAT_SUFFIX = {"unixTimestamp": "EpochSeconds", "iso8601": "Iso8601", "rfc822": "Rfc822"}


def with_member_formats(raw_shapes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The shapes with each member's `timestamp_format` made a timestamp shape of its own.

    A member's format overrides its shape's, as botocore merges a member's timestampFormat
    into a copy of the shape: here the copy is a shape named after both (`Planted` read as
    iso8601 is `PlantedIso8601`), so every output treats it as any timestamp shape."""
    shapes = dict(raw_shapes)
    made: dict[tuple[str, str], str] = {}
    for name, raw in raw_shapes.items():
        members = raw.get("members")
        if not members or not any("timestamp_format" in m for m in members.values()):
            continue
        rewritten = {}
        for wire, member in members.items():
            member = dict(member)
            wanted = member.pop("timestamp_format", None)
            target = raw_shapes[member["shape"]]
            if wanted is not None and wanted != target.get("timestamp_format", "unixTimestamp"):
                key = (member["shape"], wanted)
                if key not in made:
                    derived = member["shape"] + _FORMAT_SUFFIX[wanted]
                    while derived in shapes:
                        derived += "Member"
                    shapes[derived] = {**target, "timestamp_format": wanted}
                    made[key] = derived
                member["shape"] = made[key]
            rewritten[wire] = member
        shapes[name] = {**raw, "members": rewritten}
    return shapes


def _build_shape(name: str, raw: dict[str, Any], all_shapes: dict[str, dict[str, Any]]) -> Shape:
    common = {"name": name, "kind": raw["type"], "documentation": doc(raw), "sensitive": bool(raw.get("sensitive", False)), "deprecated": deprecation(raw)}
    return kind_named(raw["type"]).build(name, raw, common, all_shapes)
