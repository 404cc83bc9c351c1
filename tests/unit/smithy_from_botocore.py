"""A botocore model rewritten as the Smithy JSON AST AWS publishes (api-models-aws layout):
namespaced shape IDs, a service shape with aws.api#service / aws.auth#sigv4 / protocol traits,
enum shapes, length and range traits, anchored patterns, required member traits, error traits,
and documentation wrapped over indented lines as in those files. It lets the two importers be
compared on the same real model."""

from __future__ import annotations

from typing import Any

NS = "com.amazonaws.test"
_FORMATS = {"unixTimestamp": "epoch-seconds", "iso8601": "date-time", "rfc822": "http-date"}


def _id(name: str) -> str:
    return f"{NS}#{name}"


def _wrap(html: str) -> str:
    words = html.split(" ")
    lines, line = [], ""
    for word in words:
        if len(line) + len(word) > 70:
            lines.append(line)
            line = "            " + word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def _deprecation(raw: dict[str, Any], traits: dict[str, Any]) -> None:
    if raw.get("deprecated"):
        traits["smithy.api#deprecated"] = {k: raw[b] for k, b in (("message", "deprecatedMessage"), ("since", "deprecatedSince")) if b in raw}


def _docs(raw: dict[str, Any], traits: dict[str, Any]) -> None:
    if "documentation" in raw:
        traits["smithy.api#documentation"] = _wrap(raw["documentation"])


def convert(model: dict[str, Any]) -> dict[str, Any]:
    meta = model["metadata"]
    shapes: dict[str, Any] = {}
    service_traits: dict[str, Any] = {
        "aws.api#service": {"sdkId": meta["serviceId"], "endpointPrefix": meta["endpointPrefix"]},
        "aws.auth#sigv4": {"name": meta.get("signingName", meta["endpointPrefix"])},
    }
    for protocol in meta.get("protocols", [meta["protocol"]]):
        trait = {"json": f"aws.protocols#awsJson{meta['jsonVersion'].replace('.', '_')}", "smithy-rpc-v2-cbor": "smithy.protocols#rpcv2Cbor"}[protocol]
        service_traits[trait] = {}
    if "serviceFullName" in meta:
        service_traits["smithy.api#title"] = meta["serviceFullName"]
    _docs(model, service_traits)
    shapes[_id(meta["targetPrefix"])] = {
        "type": "service",
        "version": meta["apiVersion"],
        "operations": [{"target": _id(name)} for name in model["operations"]],
        "traits": service_traits,
    }
    for name, op in model["operations"].items():
        traits: dict[str, Any] = {}
        _docs(op, traits)
        _deprecation(op, traits)
        if "endpoint" in op:
            traits["smithy.api#endpoint"] = {"hostPrefix": op["endpoint"]["hostPrefix"]}
        if "requestcompression" in op:
            traits["smithy.api#requestCompression"] = {"encodings": op["requestcompression"]["encodings"]}
        shape: dict[str, Any] = {"type": "operation"}
        for key in ("input", "output"):
            if key in op:
                shape[key] = {"target": _id(op[key]["shape"])}
        if op.get("errors"):
            shape["errors"] = [{"target": _id(e["shape"])} for e in op["errors"]]
        shape["traits"] = traits
        shapes[_id(name)] = shape
    for name, raw in model["shapes"].items():
        shapes[_id(name)] = _shape(raw)
    return {"smithy": "2.0", "metadata": {"suppressions": []}, "shapes": shapes}


def _shape(raw: dict[str, Any]) -> dict[str, Any]:
    kind = raw["type"]
    traits: dict[str, Any] = {}
    _docs(raw, traits)
    _deprecation(raw, traits)
    if raw.get("sensitive"):
        traits["smithy.api#sensitive"] = {}
    bounds = {k: raw[k] for k in ("min", "max") if k in raw}
    if bounds:
        traits["smithy.api#range" if kind in ("integer", "long", "float", "double") else "smithy.api#length"] = bounds
    if "pattern" in raw:
        traits["smithy.api#pattern"] = f"^{raw['pattern']}$"
    if "timestampFormat" in raw:
        traits["smithy.api#timestampFormat"] = _FORMATS[raw["timestampFormat"]]
    shape: dict[str, Any] = {"type": kind}
    if kind == "string" and "enum" in raw:
        shape["type"] = "enum"
        shape["members"] = {f"V{i}": {"target": "smithy.api#Unit", "traits": {"smithy.api#enumValue": v}} for i, v in enumerate(raw["enum"])}
    elif kind == "structure":
        if raw.get("document"):
            shape = {"type": "document"}
        else:
            shape["type"] = "union" if raw.get("union") or raw.get("eventstream") else "structure"
            if raw.get("eventstream"):
                traits["smithy.api#streaming"] = {}
            required = set(raw.get("required", []))
            shape["members"] = {m: _member(member, m in required) for m, member in raw["members"].items()}
        if raw.get("exception"):
            traits["smithy.api#error"] = "server" if raw.get("fault") else "client"
            if "httpStatusCode" in raw.get("error", {}):
                traits["smithy.api#httpError"] = raw["error"]["httpStatusCode"]
        if "retryable" in raw:
            traits["smithy.api#retryable"] = {"throttling": True} if raw["retryable"].get("throttling") else {}
    elif kind == "list":
        shape["member"] = {"target": _id(raw["member"]["shape"])}
    elif kind == "map":
        shape["key"] = {"target": _id(raw["key"]["shape"])}
        shape["value"] = {"target": _id(raw["value"]["shape"])}
    if traits:
        shape["traits"] = traits
    return shape


def _member(raw: dict[str, Any], required: bool) -> dict[str, Any]:
    traits: dict[str, Any] = {}
    _docs(raw, traits)
    _deprecation(raw, traits)
    if required:
        traits["smithy.api#required"] = {}
    if raw.get("idempotencyToken"):
        traits["smithy.api#idempotencyToken"] = {}
    if raw.get("hostLabel"):
        traits["smithy.api#hostLabel"] = {}
    if "timestampFormat" in raw:
        traits["smithy.api#timestampFormat"] = _FORMATS[raw["timestampFormat"]]
    member: dict[str, Any] = {"target": _id(raw["shape"])}
    if traits:
        member["traits"] = traits
    return member
