"""A Smithy JSON AST model (the layout of AWS's api-models-aws repository) into the neutral
model (model.Model), with the traits AWS JSON services use.

Shapes are named by their local name (`com.amazonaws.codepipeline#Job` -> `Job`); when two
namespaces share one, the service's namespace keeps it and the other keeps its full ID,
which names.py makes legal. Prelude shapes (`smithy.api#String`, ...) become shapes of their
own. Patterns lose the `^`/`$` anchors AWS writes around them, as botocore's conversion does
(the spec format matches patterns against the whole value).
"""

from __future__ import annotations

import difflib
import math
from typing import Any

from .errors import ModelPath
from .fields import Fields
from .model import UNIT, Model, Skip
from .names import pascal
from .read import ModelDocument
from .smithy_vocabulary import (
    API,
    IGNORED,
    JSON_TRAITS,
    KINDS,
    PRELUDE,
    PROTOCOLS,
    QUIET_PREFIXES,
    QUIET_REASON,
    TIMESTAMP_FORMATS,
    UNEXPRESSIBLE,
    USED,
)


def _local(shape_id: str) -> str:
    return shape_id.split("#", 1)[-1]


def translate(document: ModelDocument) -> Model:
    fields = Fields(document)
    root = fields.obj(document.data, (), "the model")
    version = fields.string(root, "smithy", (), "the model", required=True) or ""
    if version and not version.startswith(("1.", "2.")):
        fields.problem(("smithy",), f"Smithy version '{version}' is not 1.x or 2.x")
    shapes_in = fields.obj(root.get("shapes", {}), ("shapes",), "'shapes'")
    fields.raise_problems()
    return _Translator(fields, shapes_in).model()


class _Translator:
    def __init__(self, fields: Fields, shapes_in: dict[str, Any]) -> None:
        self.fields = fields
        self.raw: dict[str, dict[str, Any]] = {}
        for shape_id, value in shapes_in.items():
            path = ("shapes", shape_id)
            shape = fields.obj(value, path, f"shape '{shape_id}'")
            if "#" not in shape_id:
                fields.problem(path, f"shape ID '{shape_id}' has no namespace (it must be namespace#Name)")
                continue
            kind = fields.string(shape, "type", path, f"shape '{shape_id}'", required=True)
            if kind is not None and kind not in KINDS:
                close = difflib.get_close_matches(kind, sorted(KINDS), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                fields.problem(path + ("type",), f"unknown shape kind '{kind}'{hint}")
                continue
            if kind is not None:
                self.raw[shape_id] = shape
        self._apply_traits()
        services = sorted(i for i, s in self.raw.items() if s["type"] == "service")
        if len(services) != 1:
            fields.problem(("shapes",), "the model defines no service shape" if not services else f"the model defines {len(services)} services ({', '.join(services)}); import one at a time")
            fields.raise_problems()
        self.service_id = services[0]
        self.namespace = self.service_id.split("#", 1)[0]
        self.names = self._names()

    def _apply_traits(self) -> None:
        for shape_id, shape in list(self.raw.items()):
            if shape["type"] != "apply":
                continue
            del self.raw[shape_id]
            target = self.raw.get(shape_id.split("$", 1)[0])
            traits = self.fields.member(shape, "traits", ("shapes", shape_id), dict, "an apply") or {}
            if target is not None:
                target.setdefault("traits", {}).update(traits)

    def _names(self) -> dict[str, str]:
        """Shape ID -> the name the neutral model uses (a local name when it is unique)."""
        by_local: dict[str, list[str]] = {}
        for shape_id in self.raw:
            by_local.setdefault(_local(shape_id), []).append(shape_id)
        names = {}
        for local, ids in by_local.items():
            owner = next((i for i in ids if i.startswith(self.namespace + "#")), min(ids))
            for shape_id in ids:
                names[shape_id] = local if shape_id == owner else shape_id
        for local in PRELUDE:
            names.setdefault(API + local, local if local not in by_local else API + local)
        return names

    def traits(self, raw: dict[str, Any], path: ModelPath, what: str) -> dict[str, Any]:
        return self.fields.member(raw, "traits", path, dict, what) or {}

    def model(self) -> Model:
        f = self.fields
        service_raw = self.raw[self.service_id]
        path = ("shapes", self.service_id)
        traits = self.traits(service_raw, path, "the service")
        protocols = [PROTOCOLS[t] for t in traits if t in PROTOCOLS]
        json_traits = [JSON_TRAITS[t] for t in traits if t in JSON_TRAITS]
        model = Model(
            format="smithy",
            service=self._service(service_raw, traits, path),
            protocols=list(dict.fromkeys(protocols)),
            json_protocol=json_traits[0] if json_traits else None,
            no_json_reason="" if json_traits else f"the service's protocols are {protocols or 'not given'}: none is AWS JSON (awsJson1_0 or awsJson1_1)",
            operations={},
            shapes={},
        )
        self._skip_traits(model, traits, "service", "service " + _local(self.service_id))
        self.wanted: list[str] = []
        for operation_id in self._operations(service_raw, path):
            self._operation(model, operation_id)
        done: set[str] = set()
        while self.wanted:
            shape_id = self.wanted.pop()
            if shape_id not in done:
                done.add(shape_id)
                self._shape(model, shape_id)
        f.raise_problems()
        model.skipped.sort()
        return model

    def _service(self, raw: dict[str, Any], traits: dict[str, Any], path: ModelPath) -> dict[str, Any]:
        f = self.fields
        aws = f.member(traits, "aws.api#service", path + ("traits",), dict, "the service") or {}
        sigv4 = f.member(traits, "aws.auth#sigv4", path + ("traits",), dict, "the service") or {}
        sdk_id = f.string(aws, "sdkId", path + ("traits", "aws.api#service"), "aws.api#service")
        endpoint_prefix = f.string(aws, "endpointPrefix", path + ("traits", "aws.api#service"), "aws.api#service") or (sdk_id or "").lower().replace(" ", "-")
        service: dict[str, Any] = {"name": pascal(sdk_id or _local(self.service_id))}
        title = f.string(traits, f"{API}title", path + ("traits",), "the service")
        if title:
            service["full_name"] = title
        service["api_version"] = f.string(raw, "version", path, "the service", required=True) or ""
        service["target_prefix"] = _local(self.service_id)
        service["signing_name"] = f.string(sigv4, "name", path + ("traits", "aws.auth#sigv4"), "aws.auth#sigv4") or endpoint_prefix
        service["endpoint_prefix"] = endpoint_prefix
        documentation = f.doc(traits, f"{API}documentation", path + ("traits",))
        if documentation:
            service["documentation"] = documentation
        return service

    def _targets(self, raw: dict[str, Any], key: str, path: ModelPath, what: str) -> list[str]:
        found = []
        for index, item in enumerate(self.fields.member(raw, key, path, list, what) or []):
            target = self._target(self.fields.obj(item, path + (key, index), f"'{key}' entry"), path + (key, index), f"'{key}' entry")
            if target:
                found.append(target)
        return found

    def _target(self, holder: dict[str, Any], path: ModelPath, what: str) -> str | None:
        target = self.fields.string(holder, "target", path, what, required=True)
        if target is None:
            return None
        if target not in self.raw and target != UNIT and not (target.startswith(API) and _local(target) in PRELUDE):
            close = difflib.get_close_matches(target, list(self.raw), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            self.fields.problem(path + ("target",), f"shape '{target}' is not defined in the model{hint}")
            return None
        return target

    def _operations(self, service: dict[str, Any], path: ModelPath) -> list[str]:
        found: list[str] = []
        pending = [(service, path)]
        seen: set[str] = set()
        while pending:
            container, where = pending.pop()
            for key in ("operations", "collectionOperations"):
                found.extend(self._targets(container, key, where, "a service or resource"))
            for key in ("create", "put", "read", "update", "delete", "list"):
                if key in container:
                    target = self._target(self.fields.obj(container[key], where + (key,), f"'{key}'"), where + (key,), f"'{key}'")
                    if target:
                        found.append(target)
            for resource in self._targets(container, "resources", where, "a service or resource"):
                if resource not in seen and resource in self.raw:
                    seen.add(resource)
                    pending.append((self.raw[resource], ("shapes", resource)))
        operations = []
        for target in dict.fromkeys(found):
            if self.raw.get(target, {}).get("type") != "operation":
                self.fields.problem(("shapes", target), f"'{target}' is bound as an operation but is not one")
            else:
                operations.append(target)
        return operations

    def _ref(self, target: str) -> str:
        if target == UNIT:
            return UNIT
        self.wanted.append(target)
        return self.names[target]

    def _skip_traits(self, model: Model, traits: dict[str, Any], kind: str, where: str) -> None:
        for trait in traits:
            if trait in USED:
                continue
            if trait in IGNORED:
                model.skipped.append(Skip(trait, where, IGNORED[trait]))
            elif trait.startswith(QUIET_PREFIXES):
                model.skipped.append(Skip(trait.split("#")[0] + "#…", where, QUIET_REASON))
            else:
                model.skipped.append(Skip(trait, where, "not understood by the importer"))

    def _deprecation(self, traits: dict[str, Any], path: ModelPath) -> Any:
        if f"{API}deprecated" not in traits:
            return None
        value = self.fields.obj(traits[f"{API}deprecated"], path + ("traits", f"{API}deprecated"), "smithy.api#deprecated")
        found = {key: value[key] for key in ("message", "since") if isinstance(value.get(key), str) and value[key]}
        return found or True

    def _operation(self, model: Model, operation_id: str) -> None:
        f, path = self.fields, ("shapes", operation_id)
        raw = self.raw[operation_id]
        name = _local(operation_id)
        traits = self.traits(raw, path, f"operation '{name}'")
        op: dict[str, Any] = {"http": {"method": "POST", "uri": "/"}}
        for key in ("input", "output"):
            if key in raw:
                target = self._target(f.obj(raw[key], path + (key,), f"'{key}'"), path + (key,), f"'{key}'")
                if target and target != UNIT:
                    op[key] = self._ref(target)
        op["errors"] = [self._ref(t) for t in self._targets(raw, "errors", path, f"operation '{name}'")]
        service_errors = self._targets(self.raw[self.service_id], "errors", ("shapes", self.service_id), "the service")
        op["errors"] += [self._ref(t) for t in service_errors if self.names[t] not in op["errors"]]
        documentation = f.doc(traits, f"{API}documentation", path + ("traits",))
        if documentation:
            op["documentation"] = documentation
        deprecated = self._deprecation(traits, path)
        if deprecated:
            op["deprecated"] = deprecated
        endpoint = f.member(traits, f"{API}endpoint", path + ("traits",), dict, f"operation '{name}'")
        if endpoint is not None:
            prefix = f.string(endpoint, "hostPrefix", path + ("traits", f"{API}endpoint"), "smithy.api#endpoint", required=True)
            if prefix:
                op["endpoint"] = {"host_prefix": prefix}
        compression = f.member(traits, f"{API}requestCompression", path + ("traits",), dict, f"operation '{name}'")
        if compression is not None:
            encodings = f.strings(compression, "encodings", path + ("traits", f"{API}requestCompression"), "smithy.api#requestCompression")
            if encodings:
                op["request_compression"] = {"encodings": list(dict.fromkeys(encodings))}
        self._skip_traits(model, traits, "operation", f"operation {name}")
        model.operations[name] = op

    def _shape(self, model: Model, shape_id: str) -> None:
        f = self.fields
        name = self.names[shape_id]
        if shape_id not in self.raw:  # a prelude shape
            kind = PRELUDE[_local(shape_id)]
            raw: dict[str, Any] = {"type": kind}
            path: ModelPath = ("shapes", shape_id)
        else:
            raw, path = self.raw[shape_id], ("shapes", shape_id)
            kind = raw["type"]
        where = f"shape {name}"
        traits = self.traits(raw, path, where)
        trait_path = path + ("traits",)
        if kind in UNEXPRESSIBLE:
            model.unexpressible[name] = f"shape {name} is a {kind} ({UNEXPRESSIBLE[kind]}), which the spec format cannot express"
            model.shapes[name] = {"type": "string"}
            return
        if kind in ("operation", "service", "resource"):
            f.problem(path, f"'{shape_id}' is a {kind}, not a shape a member can target")
            return
        spec_kind = {"set": "list", "enum": "string", "byte": "integer", "short": "integer", "intEnum": "integer"}.get(kind, kind)
        shape: dict[str, Any] = {"type": spec_kind}
        documentation = f.doc(traits, f"{API}documentation", trait_path)
        if documentation:
            shape["documentation"] = documentation
        deprecated = self._deprecation(traits, path)
        if deprecated:
            shape["deprecated"] = deprecated
        if f"{API}sensitive" in traits:
            shape["sensitive"] = True
        if kind == "union" and f"{API}streaming" in traits:
            model.event_streams.add(name)
        if kind == "blob" and f"{API}streaming" in traits:
            model.unexpressible[name] = f"shape {name} is a streaming blob, which AWS JSON protocols do not send"
        if kind in ("structure", "union"):
            self._members(model, name, raw, shape, path)
        elif kind in ("list", "set"):
            shape["member"] = self._member_target(raw, "member", path, where)
            if kind == "set":
                model.skipped.append(Skip("set", where, "unique list items are not in the spec format (a set is a list)"))
        elif kind == "map":
            shape["key"] = self._member_target(raw, "key", path, where)
            shape["value"] = self._member_target(raw, "value", path, where)
        elif kind == "timestamp" and f"{API}timestampFormat" in traits:
            fmt = traits[f"{API}timestampFormat"]
            if fmt in TIMESTAMP_FORMATS:
                shape["timestamp_format"] = TIMESTAMP_FORMATS[fmt]
            else:
                model.skipped.append(Skip(f"{API}timestampFormat", where, f"{fmt!r} is not epoch-seconds, date-time or http-date"))
        if kind in ("list", "set", "map") and f"{API}sparse" in traits:
            shape["sparse"] = True
        self._constraints(model, traits, shape, trait_path, where, kind, raw, path)
        if kind == "structure" and f"{API}error" in traits:
            shape["error"] = self._error(model, name, traits, trait_path)
        if f"{API}default" in traits:
            model.skipped.append(Skip(f"{API}default", where, "a shape's default is repeated on the members that target it, where the spec records it"))
        self._skip_traits(model, traits, "shape", where)
        model.shapes[name] = shape

    def _member_target(self, raw: dict[str, Any], key: str, path: ModelPath, where: str) -> str | None:
        holder = self.fields.member(raw, key, path, dict, where, required=True)
        if holder is None:
            return None
        target = self._target(holder, path + (key,), f"'{key}'")
        return self._ref(target) if target else None

    def _constraints(self, model: Model, traits: dict[str, Any], shape: dict[str, Any], path: ModelPath, where: str, kind: str, raw: dict[str, Any], shape_path: ModelPath) -> None:
        f = self.fields
        bounds = traits.get(f"{API}length") if kind in ("string", "blob", "list", "set", "map") else traits.get(f"{API}range")
        if bounds is not None:
            for key in ("min", "max"):
                value = f.obj(bounds, path, "a length or range trait").get(key)
                if value is None:
                    continue
                if isinstance(value, float) and value.is_integer():
                    value = int(value)
                fractional = kind in ("float", "double") and isinstance(value, float) and math.isfinite(value)
                if isinstance(value, int) and not isinstance(value, bool) or fractional:
                    shape[key] = value
                else:
                    model.skipped.append(Skip(key, where, f"{value!r} is not a whole number: a {kind}'s bounds are"))
        pattern = traits.get(f"{API}pattern")
        if isinstance(pattern, str) and kind == "string" or kind == "enum" and isinstance(pattern, str):
            shape["pattern"] = _unanchored(pattern)
        values = self._enum_values(model, kind, raw, traits, shape_path, where)
        if values:
            shape["enum"] = values

    def _enum_values(self, model: Model, kind: str, raw: dict[str, Any], traits: dict[str, Any], path: ModelPath, where: str) -> list[str]:
        f = self.fields
        if kind in ("enum", "intEnum"):
            values: list[Any] = []
            for member_name, member in (f.member(raw, "members", path, dict, where) or {}).items():
                member_traits = self.traits(f.obj(member, path + ("members", member_name), "an enum member"), path + ("members", member_name), "an enum member")
                values.append(member_traits.get(f"{API}enumValue", member_name))
            if kind == "intEnum":
                model.skipped.append(Skip("intEnum", where, "integer enums are not in the spec format (the values are not enforced)"))
                return []
            return [v for v in values if isinstance(v, str)]
        legacy = traits.get(f"{API}enum")
        if isinstance(legacy, list):
            return [entry["value"] for entry in legacy if isinstance(entry, dict) and isinstance(entry.get("value"), str)]
        return []

    def _members(self, model: Model, name: str, raw: dict[str, Any], shape: dict[str, Any], path: ModelPath) -> None:
        f = self.fields
        members_in = f.member(raw, "members", path, dict, f"shape {name}") or {}
        if "mixins" in raw:
            model.unexpressible[name] = f"shape {name} uses Smithy mixins; flatten the model first (smithy build)"
        members: dict[str, Any] = {}
        required: list[str] = []
        for member_name, value in members_in.items():
            member_path = path + ("members", member_name)
            member_raw = f.obj(value, member_path, f"member '{member_name}'")
            where = f"member {name}.{member_name}"
            target = self._target(member_raw, member_path, f"member '{member_name}'")
            traits = self.traits(member_raw, member_path, where)
            member: dict[str, Any] = {"shape": self._ref(target) if target else None}
            documentation = f.doc(traits, f"{API}documentation", member_path + ("traits",))
            if documentation:
                member["documentation"] = documentation
            deprecated = self._deprecation(traits, member_path)
            if deprecated:
                member["deprecated"] = deprecated
            if f"{API}default" in traits and traits[f"{API}default"] is not None:
                member["default"] = traits[f"{API}default"]
            if f"{API}idempotencyToken" in traits:
                member["idempotency_token"] = True
            fmt = traits.get(f"{API}timestampFormat")
            if fmt in TIMESTAMP_FORMATS:
                member["timestamp_format"] = TIMESTAMP_FORMATS[fmt]
            if f"{API}hostLabel" in traits:
                member["host_label"] = True
            if f"{API}required" in traits:
                required.append(member_name)
            for trait in ("sensitive", "length", "range", "pattern"):
                if f"{API}{trait}" in traits:
                    model.skipped.append(Skip(f"{API}{trait}", where, "on a member: the spec format puts constraints on shapes"))
            self._skip_traits(model, {k: v for k, v in traits.items() if k not in {f"{API}{t}" for t in ("sensitive", "length", "range", "pattern")}}, "member", where)
            members[member_name] = member
        if shape["type"] == "structure" and required:
            shape["required"] = required
        elif required:
            model.skipped.append(Skip(f"{API}required", f"shape {name}", "a union's members cannot be required"))
        shape["members"] = members

    def _error(self, model: Model, name: str, traits: dict[str, Any], path: ModelPath) -> dict[str, Any]:
        fault = traits.get(f"{API}error")
        if fault not in ("client", "server"):
            self.fields.problem(path + (f"{API}error",), f"smithy.api#error must be \"client\" or \"server\", not {fault!r}")
            fault = "client"
        status = traits.get(f"{API}httpError")
        if not (isinstance(status, int) and 400 <= status <= 599):
            status = 500 if fault == "server" else 400
        error: dict[str, Any] = {"code": _local(name) if "#" in name else name, "http_status": status, "fault": fault}
        retryable = traits.get(f"{API}retryable")
        if retryable is not None:
            error["retryable"] = True
            if isinstance(retryable, dict) and retryable.get("throttling") is True:
                error["throttling"] = True
        return error


def _unanchored(pattern: str) -> str:
    pattern = pattern.removeprefix("^")
    if pattern.endswith("$") and not pattern.endswith("\\$"):
        pattern = pattern[:-1]
    return pattern
