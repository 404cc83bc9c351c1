"""Turn a checked spec into the immutable IR."""

from __future__ import annotations

from typing import Any

from . import naming
from .ir import (
    BlobShape,
    Constraint,
    EnumValue,
    ErrorTrait,
    Example,
    ListShape,
    LocalHandler,
    MapShape,
    Member,
    NumberShape,
    Operation,
    PlainShape,
    Service,
    Shape,
    StringShape,
    StructureShape,
)
from .pattern_fastpath import charset_form
from .patterns import translate


def build_service(data: dict[str, Any], spec_file: str) -> Service:
    raw_shapes: dict[str, dict[str, Any]] = data["shapes"]
    shapes = tuple(_build_shape(name, raw_shapes[name], raw_shapes) for name in sorted(raw_shapes))
    svc = data["service"]
    operations = tuple(_build_operation(name, data["operations"][name], svc["target_prefix"]) for name in sorted(data["operations"]))
    service = Service(
        name=svc["name"],
        full_name=svc.get("full_name", svc["name"]),
        package=svc["package"],
        api_version=svc["api_version"],
        protocol=svc["protocol"],
        target_prefix=svc["target_prefix"],
        signing_name=svc["signing_name"],
        endpoint_prefix=svc["endpoint_prefix"],
        documentation=_doc(svc),
        spec_file=spec_file,
        operations=operations,
        shapes=shapes,
        common_errors=tuple(svc.get("common_errors", [])),
        local_handler=_local_handler(svc.get("local_handler")),
    )
    service.shape_index.update({s.name: s for s in shapes})
    return service


def _local_handler(raw: dict[str, Any] | None) -> LocalHandler | None:
    if raw is None:
        return None
    return LocalHandler(source=raw["source"], module=raw["module"], seed_option=raw.get("seed_option", "seed"))


def _doc(raw: dict[str, Any]) -> str:
    return str(raw.get("documentation", "")).strip()


def _build_operation(name: str, raw: dict[str, Any], target_prefix: str) -> Operation:
    return Operation(
        name=name,
        method_name=naming.method_name(name),
        input=raw["input"],
        output=raw["output"],
        errors=tuple(raw.get("errors", [])),
        documentation=_doc(raw),
        examples=tuple(Example(e["title"], e["request"], e["response"]) for e in raw.get("examples", [])),
        target=f"{target_prefix}.{name}",
    )


def _length_constraints(name: str, raw: dict[str, Any], unit: str = "length") -> list[Constraint]:
    """AWS's length phrases; `unit` "bytes" makes the kinds min_bytes/max_bytes (a blob's
    decoded length: AWS says "length" for those too)."""
    found = []
    if "max" in raw:
        found.append(Constraint(f"max_{unit}", raw["max"], f"Member must have length less than or equal to {raw['max']}", name))
    if "min" in raw:
        found.append(Constraint(f"min_{unit}", raw["min"], f"Member must have length greater than or equal to {raw['min']}", name))
    return found


def _build_shape(name: str, raw: dict[str, Any], all_shapes: dict[str, dict[str, Any]]) -> Shape:
    kind = raw["type"]
    common = {"name": name, "kind": kind, "documentation": _doc(raw), "sensitive": bool(raw.get("sensitive", False))}
    if kind == "string":
        constraints = _length_constraints(name, raw)
        pattern = translate(raw["pattern"]) if "pattern" in raw else None
        if pattern:
            phrase = f"Member must satisfy regular expression pattern: {pattern.source}"
            constraints.append(Constraint("pattern", pattern, phrase, name, charset_form(pattern.body)))
        enum = tuple(EnumValue(naming.enum_member_name(v), v) for v in raw.get("enum", []))
        if enum:
            constraints.append(Constraint("enum", tuple(e.value for e in enum), f"Member must satisfy enum value set: [{', '.join(e.value for e in enum)}]", name))
        return StringShape(**common, constraints=tuple(constraints), min_length=raw.get("min"), max_length=raw.get("max"), pattern=pattern, enum=enum)
    if kind in ("integer", "long", "float", "double"):
        constraints = []
        if "max" in raw:
            constraints.append(Constraint("max_value", raw["max"], f"Member must have value less than or equal to {raw['max']}", name))
        if "min" in raw:
            constraints.append(Constraint("min_value", raw["min"], f"Member must have value greater than or equal to {raw['min']}", name))
        return NumberShape(**common, constraints=tuple(constraints), minimum=raw.get("min"), maximum=raw.get("max"))
    if kind in ("boolean", "timestamp"):
        return PlainShape(**common, constraints=())
    if kind == "blob":
        return BlobShape(**common, constraints=tuple(_length_constraints(name, raw, "bytes")), min_length=raw.get("min"), max_length=raw.get("max"))
    if kind == "list":
        return ListShape(**common, constraints=tuple(_length_constraints(name, raw)), member=raw["member"], min_length=raw.get("min"), max_length=raw.get("max"))
    if kind == "map":
        return MapShape(**common, constraints=tuple(_length_constraints(name, raw)), key=raw["key"], value=raw["value"], min_length=raw.get("min"), max_length=raw.get("max"))
    required = set(raw.get("required", []))
    members = tuple(
        Member(
            wire_name=wire,
            python_name=naming.member_name(wire),
            shape=member["shape"],
            required=wire in required,
            documentation=_doc(member) or _doc(all_shapes[member["shape"]]),
            sensitive=common["sensitive"] or bool(all_shapes[member["shape"]].get("sensitive", False)),
        )
        for wire, member in raw["members"].items()
    )
    error = raw.get("error")
    trait = (
        ErrorTrait(error["code"], error["http_status"], error["fault"], bool(error.get("retryable", False)), bool(error.get("throttling", False)))
        if error
        else None
    )
    return StructureShape(**common, constraints=(), members=members, error=trait)
