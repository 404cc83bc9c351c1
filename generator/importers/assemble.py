"""The neutral model, some of its operations and a source record, made into one spec (a dict
in the spec format) and a summary of what was imported, refused and left out."""

from __future__ import annotations

import difflib
import keyword
import re
from dataclasses import dataclass, field
from typing import Any

from ..diagnostics import Diagnostic
from . import closure
from .errors import ModelError
from .model import UNIT, Model, Skip, no_protocol_reason, spec_protocols
from .names import legal_names

SPEC_VERSION = 1
_OPERATION_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_SHAPE_KEY_ORDER: tuple[str, ...] = ("type", "documentation", "deprecated", "sensitive", "required", "members", "member", "key", "value")
_SHAPE_KEY_ORDER += ("min", "max", "pattern", "enum", "timestamp_format", "sparse", "error")
_MEMBER_KEY_ORDER = ("shape", "documentation", "deprecated", "default", "idempotency_token", "timestamp_format", "host_label")


@dataclass
class Summary:
    model: str
    operations_in_model: int
    imported: list[str]
    refused: dict[str, str]
    shapes: int
    renamed: dict[str, str]
    unit: str | None = None  # the empty structure added for operations without input or output
    skipped: list[Skip] = field(default_factory=list)


@dataclass
class Imported:
    spec: dict[str, Any]
    summary: Summary


class Refused(Exception):
    """The model (or every chosen operation) cannot be imported; the message says why."""


def default_package(service_name: str) -> str:
    package = re.sub(r"[^a-z0-9]", "", service_name.lower()) or "service"
    if not package[0].isalpha():
        package = "service" + package
    return package + "_" if keyword.iskeyword(package) else package


def assemble(model: Model, record: dict[str, Any], model_name: str, operations: list[str] | None, package: str | None) -> Imported:
    spoken = spec_protocols(model)
    if not spoken:
        raise Refused(f"{model_name}: not imported: {no_protocol_reason(model)}")
    if not model.service.get("target_prefix"):
        raise Refused(f"{model_name}: not imported: the model has no targetPrefix, which AWS JSON protocols need for X-Amz-Target and RPC v2 CBOR for its path")
    chosen = _choose(model, operations, model_name)
    accepted: list[str] = []
    refused: dict[str, str] = {}
    for name in chosen:
        reason = _operation_refusal(model, name)
        if reason:
            refused[name] = reason
        else:
            accepted.append(name)
    if not accepted:
        details = "; ".join(f"{name}: {reason}" for name, reason in refused.items())
        raise Refused(f"{model_name}: no operation can be imported ({details})")
    reached: list[str] = []
    for name in accepted:
        reached.extend(closure.reach(model, closure.roots_of(model.operations[name]))[0])
    wanted = set(reached)
    unit = closure.needs_unit([model.operations[name] for name in accepted])
    names = legal_names([*model.shapes, UNIT], {UNIT: "Unit"})
    shapes = {names[name]: _shape(model.shapes[name], names) for name in wanted}
    if unit:
        shapes[names[UNIT]] = {"type": "structure", "members": {}}
    service = dict(model.service)
    service["package"] = package or default_package(service["name"])
    if len(spoken) == 1:
        service["protocol"] = spoken[0]
    else:
        service["protocols"] = spoken
    spec = {
        "spec_version": SPEC_VERSION,
        "source": _source_record(model, record, accepted, operations is None),
        "service": _ordered(service, ("name", "full_name", "package", "api_version", "protocol", "protocols", "target_prefix", "signing_name", "endpoint_prefix", "documentation")),
        "operations": {name: _operation(model.operations[name], names) for name in sorted(accepted)},
        "shapes": dict(sorted(shapes.items())),
    }
    owners = {f"shape:{name}" for name in wanted} | {f"operation:{name}" for name in accepted}
    summary = Summary(
        model=model_name,
        operations_in_model=len(model.operations),
        imported=sorted(accepted),
        refused=refused,
        shapes=len(shapes),
        renamed={old: new for old, new in sorted(names.items()) if old != new and old in wanted},
        unit=names[UNIT] if unit else None,
        skipped=[skip for skip in model.skipped if skip.owner in owners],
    )
    return Imported(spec, summary)


def _choose(model: Model, operations: list[str] | None, model_name: str) -> list[str]:
    if operations is None:
        return sorted(model.operations)
    unknown = [name for name in operations if name not in model.operations]
    if unknown:
        problems = []
        for name in unknown:
            close = difflib.get_close_matches(name, list(model.operations), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            problems.append(Diagnostic(model_name, 0, 0, f"the model has no operation '{name}'{hint}"))
        raise ModelError(problems)
    return list(dict.fromkeys(operations))


def _operation_refusal(model: Model, name: str) -> str | None:
    if not _OPERATION_NAME.match(name) or len(name) > 100:
        return f"the operation name '{name}' is its X-Amz-Target wire name and is not a PascalCase name the spec format allows"
    return closure.refusal(model, name)


def _source_record(model: Model, record: dict[str, Any], accepted: list[str], whole: bool) -> dict[str, Any]:
    source: dict[str, Any] = {"model": record.get("model", ""), "format": model.format}
    if "botocore_version" in record:
        source["botocore_version"] = record["botocore_version"]
    source["model_sha256"] = record["model_sha256"]
    source["protocols"] = list(model.protocols)
    source["operations"] = sorted(accepted)
    if whole:
        source["all_operations"] = True
    return source


def _operation(op: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    result: dict[str, Any] = {"http": dict(op["http"])}
    result["input"] = names[op.get("input") or UNIT]
    result["output"] = names[op.get("output") or UNIT]
    errors = [names[e] for e in dict.fromkeys(op.get("errors", []))]
    if errors:
        result["errors"] = errors
    for key in ("documentation", "deprecated", "endpoint", "request_compression"):
        if key in op:
            result[key] = op[key]
    return result


def _shape(shape: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    result = dict(shape)
    for key in ("member", "key", "value"):
        if key in result:
            result[key] = names[result[key]]
    if "members" in result:
        result["members"] = {wire: _ordered({**member, "shape": names[member["shape"]]}, _MEMBER_KEY_ORDER) for wire, member in result["members"].items()}
    return _ordered(result, _SHAPE_KEY_ORDER)


def _ordered(data: dict[str, Any], order: tuple[str, ...]) -> dict[str, Any]:
    known = {key: data[key] for key in order if key in data}
    return known | {key: value for key, value in data.items() if key not in known}
