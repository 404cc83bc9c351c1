"""botocore's service-2.json into the neutral model (model.Model)."""

from __future__ import annotations

import difflib
from typing import Any

from .errors import ModelPath
from .fields import Fields
from .model import Model, Skip
from .names import pascal
from .read import ModelDocument

KINDS = ("structure", "list", "map", "string", "integer", "long", "float", "double", "boolean", "blob", "timestamp")
UNEXPRESSIBLE_KINDS = {"bigInteger": "arbitrary-precision integers", "bigDecimal": "arbitrary-precision decimals"}
JSON_VERSIONS = {"1.0": "awsJson1_0", "1.1": "awsJson1_1"}
TIMESTAMP_FORMATS = ("iso8601", "rfc822", "unixTimestamp")
NUMBER_KINDS = ("integer", "long", "float", "double")

# Keys the spec format has no place for, and why leaving them out is what it is.
_HTTP = "HTTP bindings: AWS JSON protocols send every member in the JSON body"
_XML = "XML serialization: not used by AWS JSON protocols"
_RULES = "endpoint rule parameters: the spec format uses https://<endpoint_prefix>.<region>.amazonaws.com"
SKIPPED_KEYS = {
    "idempotent": "operation idempotency is not in the spec format",
    "readonly": "read-only operations are not marked in the spec format",
    "endpointdiscovery": "endpoint discovery is not in the spec format",
    "endpointoperation": "endpoint discovery is not in the spec format",
    "auth": "per-operation auth schemes are not in the spec format (every operation is SigV4-signed)",
    "authtype": "per-operation auth schemes are not in the spec format (every operation is SigV4-signed)",
    "httpChecksum": "request checksums are not in the spec format",
    "httpChecksumRequired": "request checksums are not in the spec format",
    "staticContextParams": _RULES,
    "operationContextParams": _RULES,
    "contextParam": _RULES,
    "documentationUrl": "links to documentation pages are not in the spec format",
    "box": "Java boxing: JSON has no such distinction",
    "synthetic": "a botocore artefact of the model conversion",
    "event": "event-stream events are not in the spec format",
    "flattened": _XML,
    "xmlOrder": _XML,
    "xmlNamespace": _XML,
    "xmlAttribute": _XML,
    "wrapper": _XML,
    "location": _HTTP,
    "locationName": _HTTP,
    "queryName": _HTTP,
    "jsonvalue": _HTTP,
    "eventpayload": "event-stream payloads are not in the spec format",
    "requiresLength": "streaming bodies are not in the spec format",
    "alias": "operation aliases are not in the spec format",
    "unsignedPayload": "unsigned payloads are not in the spec format",
}
_OPERATION_KEYS = {"name", "http", "input", "output", "errors", "documentation", "deprecated", "deprecatedMessage", "deprecatedSince", "endpoint", "requestcompression"}
_SHAPE_KEYS = {"type", "documentation", "sensitive", "deprecated", "deprecatedMessage", "deprecatedSince", "min", "max", "pattern", "enum"}
_SHAPE_KEYS |= {"members", "required", "union", "document", "eventstream", "exception", "fault", "error", "retryable", "member", "key", "value"}
_SHAPE_KEYS |= {"timestampFormat", "streaming"}
_MEMBER_KEYS = {"shape", "documentation", "deprecated", "deprecatedMessage", "deprecatedSince", "idempotencyToken", "timestampFormat", "hostLabel"}


def protocols_of(metadata: dict[str, Any]) -> list[str]:
    listed = metadata.get("protocols")
    if isinstance(listed, list) and all(isinstance(p, str) for p in listed):
        return list(listed)
    protocol = metadata.get("protocol")
    return [protocol] if isinstance(protocol, str) else []


def translate(document: ModelDocument) -> Model:
    fields = Fields(document)
    root = fields.obj(document.data, (), "the model")
    if root and "metadata" not in root:
        fields.problem((), "the model has no 'metadata'")
    metadata = fields.obj(root.get("metadata", {}), ("metadata",), "'metadata'")
    operations_in = fields.obj(root.get("operations", {}), ("operations",), "'operations'")
    shapes_in = fields.obj(root.get("shapes", {}), ("shapes",), "'shapes'")
    if root and "shapes" not in root and "operations" not in root:
        fields.problem((), "not a botocore model: it has no 'shapes' or 'operations' (a Smithy model has 'smithy' and 'shapes')")
        fields.raise_problems()
    translator = _Translator(fields, shapes_in)
    model = Model(
        format="botocore",
        service=translator.service(root, metadata),
        protocols=protocols_of(metadata),
        json_protocol=None,
        no_json_reason="",
        operations={},
        shapes={},
    )
    model.json_protocol, model.no_json_reason = _json_protocol(metadata, model.protocols)
    for name, raw in shapes_in.items():
        translator.shape(model, name, raw)
    for name, raw in operations_in.items():
        translator.operation(model, name, raw)
    translator.check_references(model)
    fields.raise_problems()
    model.skipped.sort()
    return model


def _json_protocol(metadata: dict[str, Any], protocols: list[str]) -> tuple[str | None, str]:
    if "json" not in protocols:
        return None, f"the model's protocols are {protocols or 'not given'}: none is AWS JSON ('json')"
    version = metadata.get("jsonVersion")
    if version not in JSON_VERSIONS:
        return None, f"the model speaks 'json' but its jsonVersion is {version!r}, not '1.0' or '1.1'"
    return JSON_VERSIONS[str(version)], ""


class _Translator:
    def __init__(self, fields: Fields, shapes_in: dict[str, Any]) -> None:
        self.fields = fields
        self.shapes_in = shapes_in
        self.references: list[tuple[str, ModelPath]] = []

    def skip(self, model: Model, key: str, where: str, path: ModelPath) -> None:
        reason = SKIPPED_KEYS.get(key, "not understood by the importer")
        model.skipped.append(Skip(key, where, reason))

    def service(self, root: dict[str, Any], metadata: dict[str, Any]) -> dict[str, Any]:
        f, path = self.fields, ("metadata",)
        service_id = f.string(metadata, "serviceId", path, "'metadata'") or f.string(metadata, "serviceAbbreviation", path, "'metadata'")
        full_name = f.string(metadata, "serviceFullName", path, "'metadata'")
        endpoint_prefix = f.string(metadata, "endpointPrefix", path, "'metadata'", required=True) or ""
        service: dict[str, Any] = {"name": pascal(service_id or full_name or endpoint_prefix or "Service")}
        if full_name:
            service["full_name"] = full_name
        service["api_version"] = f.string(metadata, "apiVersion", path, "'metadata'", required=True) or ""
        service["target_prefix"] = f.string(metadata, "targetPrefix", path, "'metadata'") or ""
        service["signing_name"] = f.string(metadata, "signingName", path, "'metadata'") or endpoint_prefix
        service["endpoint_prefix"] = endpoint_prefix
        documentation = f.doc(root, "documentation", ())
        if documentation:
            service["documentation"] = documentation
        return service

    def ref(self, parent: dict[str, Any], key: str, path: ModelPath, what: str, required: bool = True) -> str | None:
        holder = self.fields.member(parent, key, path, dict, what, required)
        if holder is None:
            return None
        name = self.fields.string(holder, "shape", path + (key,), f"'{key}'", required=True)
        if name is not None:
            self.references.append((name, path + (key, "shape")))
        return name

    def check_references(self, model: Model) -> None:
        for name, path in self.references:
            if name not in self.shapes_in:
                close = difflib.get_close_matches(name, list(self.shapes_in), n=1)
                hint = f"; did you mean '{close[0]}'?" if close else ""
                self.fields.problem(path, f"shape '{name}' is not defined in the model's shapes{hint}")

    def deprecation(self, raw: dict[str, Any], path: ModelPath, what: str) -> Any:
        f = self.fields
        if not f.flag(raw, "deprecated", path, what):
            return None
        message = f.string(raw, "deprecatedMessage", path, what)
        since = f.string(raw, "deprecatedSince", path, what)
        found = {key: value for key, value in (("message", message), ("since", since)) if value}
        return found or True

    def operation(self, model: Model, name: str, raw_value: Any) -> None:
        f, path = self.fields, ("operations", name)
        raw = f.obj(raw_value, path, f"operation '{name}'")
        op: dict[str, Any] = {}
        http = f.member(raw, "http", path, dict, f"operation '{name}'") or {}
        method, uri = http.get("method", "POST"), http.get("requestUri", "/")
        if (method, uri) != ("POST", "/"):
            model.skipped.append(Skip("http", f"operation {name}", f"{method} {uri}: AWS JSON protocols always POST /"))
        op["http"] = {"method": "POST", "uri": "/"}
        for key in ("input", "output"):
            if key in raw:
                op[key] = self.ref(raw, key, path, f"operation '{name}'")
        errors = f.member(raw, "errors", path, list, f"operation '{name}'") or []
        op["errors"] = [e for i, item in enumerate(errors) if (e := self._error_ref(item, path + ("errors", i)))]
        documentation = f.doc(raw, "documentation", path)
        if documentation:
            op["documentation"] = documentation
        deprecated = self.deprecation(raw, path, f"operation '{name}'")
        if deprecated:
            op["deprecated"] = deprecated
        endpoint = f.member(raw, "endpoint", path, dict, f"operation '{name}'")
        if endpoint is not None:
            prefix = f.string(endpoint, "hostPrefix", path + ("endpoint",), "'endpoint'", required=True)
            if prefix:
                op["endpoint"] = {"host_prefix": prefix}
        compression = f.member(raw, "requestcompression", path, dict, f"operation '{name}'")
        if compression is not None:
            encodings = f.strings(compression, "encodings", path + ("requestcompression",), "'requestcompression'")
            if encodings:
                op["request_compression"] = {"encodings": list(dict.fromkeys(encodings))}
        for key in sorted(set(raw) - _OPERATION_KEYS):
            self.skip(model, key, f"operation {name}", path)
        model.operations[name] = op

    def _error_ref(self, item: Any, path: ModelPath) -> str | None:
        holder = self.fields.obj(item, path, "an error entry")
        name = self.fields.string(holder, "shape", path, "an error entry", required=True)
        if name is not None:
            self.references.append((name, path + ("shape",)))
        return name

    def shape(self, model: Model, name: str, raw_value: Any) -> None:
        f, path = self.fields, ("shapes", name)
        raw = f.obj(raw_value, path, f"shape '{name}'")
        kind = f.string(raw, "type", path, f"shape '{name}'", required=True)
        if kind is None:
            return
        if kind in UNEXPRESSIBLE_KINDS:
            model.unexpressible[name] = f"shape {name} is a {kind} ({UNEXPRESSIBLE_KINDS[kind]}), which the spec format cannot express"
            model.shapes[name] = {"type": "string"}
            return
        if kind not in KINDS:
            close = difflib.get_close_matches(kind, KINDS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            f.problem(path + ("type",), f"unknown shape kind '{kind}' (botocore's kinds: {', '.join(KINDS)}){hint}")
            return
        where = f"shape {name}"
        shape: dict[str, Any] = {"type": kind}
        if kind == "structure":
            if f.flag(raw, "union", path, where):
                shape["type"] = "union"
            elif f.flag(raw, "document", path, where):
                shape["type"] = "document"
            if f.flag(raw, "eventstream", path, where):
                model.event_streams.add(name)
        documentation = f.doc(raw, "documentation", path)
        if documentation:
            shape["documentation"] = documentation
        deprecated = self.deprecation(raw, path, where)
        if deprecated:
            shape["deprecated"] = deprecated
        if f.flag(raw, "sensitive", path, where):
            shape["sensitive"] = True
        if shape["type"] in ("structure", "union"):
            self._structure(model, name, raw, shape, path)
        elif kind == "list":
            shape["member"] = self.ref(raw, "member", path, where)
        elif kind == "map":
            shape["key"] = self.ref(raw, "key", path, where)
            shape["value"] = self.ref(raw, "value", path, where)
        elif kind == "timestamp":
            fmt = self._timestamp_format(model, raw, path, where)
            if fmt:
                shape["timestamp_format"] = fmt
        elif kind == "blob" and f.flag(raw, "streaming", path, where):
            model.unexpressible[name] = f"shape {name} is a streaming blob, which AWS JSON protocols do not send"
        self._bounds(model, raw, shape, path, where, kind)
        if kind == "string":
            pattern = f.string(raw, "pattern", path, where)
            if pattern:
                shape["pattern"] = pattern
            enum = f.strings(raw, "enum", path, where)
            if enum:
                shape["enum"] = enum
        for key in sorted(set(raw) - _SHAPE_KEYS):
            self.skip(model, key, where, path)
        for key in ("pattern", "enum") if kind != "string" else ():
            if key in raw:
                model.skipped.append(Skip(key, where, f"'{key}' applies to strings only"))
        model.shapes[name] = shape

    def _timestamp_format(self, model: Model, raw: dict[str, Any], path: ModelPath, where: str) -> str | None:
        fmt = self.fields.string(raw, "timestampFormat", path, where)
        if fmt is None or fmt in TIMESTAMP_FORMATS:
            return fmt
        model.skipped.append(Skip("timestampFormat", where, f"'{fmt}' is not one of {', '.join(TIMESTAMP_FORMATS)}"))
        return None

    def _bounds(self, model: Model, raw: dict[str, Any], shape: dict[str, Any], path: ModelPath, where: str, kind: str) -> None:
        if kind not in NUMBER_KINDS + ("string", "blob", "list", "map"):
            for key in ("min", "max"):
                if key in raw:
                    model.skipped.append(Skip(key, where, f"a {kind} has no bounds"))
            return
        for key in ("min", "max"):
            value = self.fields.member(raw, key, path, (int, float), where)
            if value is None:
                continue
            if isinstance(value, float) and value.is_integer():
                value = int(value)
            elif isinstance(value, float) and kind not in ("float", "double"):
                model.skipped.append(Skip(key, where, f"{value} is not a whole number: a {kind}'s bounds are"))
                continue
            shape[key] = value

    def _structure(self, model: Model, name: str, raw: dict[str, Any], shape: dict[str, Any], path: ModelPath) -> None:
        f, where = self.fields, f"shape {name}"
        members_in = f.member(raw, "members", path, dict, where) or {}
        if shape["type"] == "document":
            return
        required = f.strings(raw, "required", path, where)
        for index, member_name in enumerate(required):
            if member_name not in members_in:
                f.problem(path + ("required", index), f"required member '{member_name}' is not among the members of '{name}'")
        if required and shape["type"] == "structure":
            shape["required"] = [r for r in dict.fromkeys(required) if r in members_in]
        elif required:
            model.skipped.append(Skip("required", where, "a union's members cannot be required"))
        members: dict[str, Any] = {}
        for member_name, member_value in members_in.items():
            members[member_name] = self._member(model, name, member_name, member_value, path + ("members", member_name))
        shape["members"] = members
        if f.flag(raw, "exception", path, where) or "error" in raw or f.flag(raw, "fault", path, where):
            shape["error"] = self._error(model, name, raw, path)

    def _member(self, model: Model, shape_name: str, name: str, value: Any, path: ModelPath) -> dict[str, Any]:
        f, where = self.fields, f"member {shape_name}.{name}"
        raw = f.obj(value, path, f"member '{name}'")
        target = f.string(raw, "shape", path, f"member '{name}'", required=True)
        if target is not None:
            self.references.append((target, path + ("shape",)))
        member: dict[str, Any] = {"shape": target}
        documentation = f.doc(raw, "documentation", path)
        if documentation:
            member["documentation"] = documentation
        deprecated = self.deprecation(raw, path, where)
        if deprecated:
            member["deprecated"] = deprecated
        if f.flag(raw, "idempotencyToken", path, where):
            member["idempotency_token"] = True
        fmt = self._timestamp_format(model, raw, path, where)
        if fmt:
            member["timestamp_format"] = fmt
        if f.flag(raw, "hostLabel", path, where):
            member["host_label"] = True
        for key in sorted(set(raw) - _MEMBER_KEYS):
            self.skip(model, key, where, path)
        return member

    def _error(self, model: Model, name: str, raw: dict[str, Any], path: ModelPath) -> dict[str, Any]:
        f, where = self.fields, f"shape {name}"
        server = f.flag(raw, "fault", path, where)
        error_in = f.member(raw, "error", path, dict, where) or {}
        status = f.member(error_in, "httpStatusCode", path + ("error",), int, "'error'")
        if status is not None and not 400 <= status <= 599:
            model.skipped.append(Skip("error.httpStatusCode", where, f"{status} is not an error status (400-599); {500 if server else 400} is used"))
            status = None
        code = f.string(error_in, "code", path + ("error",), "'error'")
        if code is not None and code != name:
            model.skipped.append(Skip("error.code", where, f"'{code}' is the awsQuery error code; AWS JSON protocols name the error '{name}'"))
        error: dict[str, Any] = {"code": name, "http_status": status or (500 if server else 400), "fault": "server" if server else "client"}
        retryable = f.member(raw, "retryable", path, dict, where)
        if retryable is not None:
            error["retryable"] = True
            if f.flag(retryable, "throttling", path + ("retryable",), "'retryable'"):
                error["throttling"] = True
        return error
