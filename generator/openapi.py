"""OpenAPI 3.1 description of the real wire protocols (AWS JSON 1.0 or 1.1, Smithy RPC v2
CBOR), from the IR.

AWS JSON puts every operation at `POST /` and names it in the `X-Amz-Target` header (the
facts come from protocols.py). OpenAPI
keys operations by path and method only, so the document has one operation, `POST /`: the
header's schema lists every target, the body schema is the operation's input (`anyOf` the
inputs when a service has several, with `x-amz-targets` mapping each target to its bodies).
Paths such as `/#X-Amz-Target=...` would validate as strings but describe requests that no
client sends, since a fragment never reaches the server.

RPC v2 CBOR names the operation in the path, so each operation also has its own
`POST /service/{TargetPrefix}/operation/{Operation}` with `application/cbor` bodies (the same
schemas: CBOR carries the same values, blobs as byte strings and timestamps as tag 1).

Written as YAML so the generated-file header can be a comment; the schemas are the JSON
Schema export's, with `$ref`s moved under `#/components/schemas/`.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import yaml

from . import protocols
from .ir import Operation, Service, StructureShape
from .schema import export_document

OPENAPI_VERSION = "3.1.0"
SECURITY_SCHEME = "sigv4"
COMPONENTS = "#/components/schemas/"


# libyaml's emitter where PyYAML has it: five times PyYAML's own. The two wrap long strings
# differently, and not at all they write the same bytes (tests/e2e/test_export_openapi.py).
DUMPER: type[yaml.SafeDumper] = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
NO_WRAPPING = 2**31 - 1  # libyaml's width is a C int


def render_openapi(service: Service, generated_by: str) -> str:
    return f"# {' '.join(generated_by.split())}\n{dump(openapi_document(service))}"


def dump(document: dict[str, Any], dumper: type[yaml.SafeDumper] = DUMPER) -> str:
    return yaml.dump(document, Dumper=dumper, sort_keys=False, allow_unicode=False, width=NO_WRAPPING)


def openapi_document(service: Service) -> dict[str, Any]:
    ops = list(service.operations)
    errors = _error_names(service, ops)
    return {
        "openapi": OPENAPI_VERSION,
        "info": {
            "title": service.full_name,
            "version": service.api_version,
            "description": _protocol_description(service),
        },
        "servers": [
            {
                "url": f"https://{service.endpoint_prefix}.{{region}}.amazonaws.com",
                "description": f"The {service.name} endpoint of an AWS Region.",
                "variables": {"region": {"default": "us-east-1", "description": "The AWS Region."}},
            }
        ],
        "security": [{SECURITY_SCHEME: []}],
        "tags": [{"name": service.name, "description": service.documentation or service.full_name}],
        "paths": _paths(service, ops, errors),
        "components": {
            "schemas": _schemas(service, ops, errors),
            "securitySchemes": {SECURITY_SCHEME: _sigv4(service)},
        },
    }


def _paths(service: Service, ops: list[Operation], errors: dict[int, list[str]]) -> dict[str, Any]:
    paths: dict[str, Any] = {}
    for protocol in protocols.all_for(service):
        if protocol is protocols.RPC_V2_CBOR:
            for op in ops:
                paths[protocol.operation_path(service, op)] = {"post": _cbor_operation(service, op, errors)}
        else:
            paths[protocol.http_path] = {protocol.http_method.lower(): _operation(service, ops, errors)}
    return paths


def _cbor_operation(service: Service, op: Operation, errors: dict[int, list[str]]) -> dict[str, Any]:
    cbor = protocols.RPC_V2_CBOR
    media = {"schema": _ref(op.input)}
    return {
        **({"deprecated": True} if op.deprecated else {}),
        "operationId": f"{op.name}Cbor",
        "summary": f"{op.name} in Smithy RPC v2 CBOR",
        "description": op.documentation or op.name,
        "tags": [service.name],
        "parameters": [
            {
                "name": "Smithy-Protocol",
                "in": "header",
                "required": True,
                "description": "The protocol of the request.",
                "schema": {"type": "string", "enum": ["rpc-v2-cbor"]},
            }
        ],
        "requestBody": {"required": True, "description": "The operation's input as CBOR.", "content": {cbor.content_type: media}},
        "responses": _responses(service, [op], errors, cbor),
    }


def _protocol_description(service: Service) -> str:
    spoken = protocols.all_for(service)
    texts = [_cbor_description(service) if p is protocols.RPC_V2_CBOR else _json_description(service, p) for p in spoken]
    return "\n\n".join([service.documentation or service.full_name, *texts])


def _cbor_description(service: Service) -> str:
    return (
        f"Wire protocol: Smithy RPC v2 CBOR. Every operation is `POST /service/{service.target_prefix}/operation/<Operation>` "
        "with `Smithy-Protocol: rpc-v2-cbor`, `Content-Type: application/cbor` and `Accept: application/cbor`; the bodies are "
        "CBOR with the same members as the schemas say (blobs as byte strings, timestamps as tag 1 epoch seconds). Errors "
        "are a 4xx or 5xx status with a CBOR map `{\"__type\": code, \"message\": text}`. Requests are signed with AWS "
        f"Signature Version 4 (service `{service.signing_name}`)."
    )


def _json_description(service: Service, wire: protocols.WireProtocol) -> str:
    route = f"{wire.http_method} {wire.http_path}"
    protocol = (
        f"Wire protocol: {wire.title}. Every operation is `{route}` with `Content-Type: {wire.content_type}` "
        f"and an `{wire.operation_header}` header naming the operation; OpenAPI keys operations by path and "
        f"method, so they share the one `{route}` operation below and its header schema lists every "
        "target. Optional members may be `null`, which means not set. Errors are a 4xx or 5xx "
        "status with a JSON body `{\"__type\": code, \"message\": text}`; the code may carry a "
        "namespace (`ns#Code`) or a `:`-suffix. Requests are signed with AWS Signature Version 4 "
        f"(service `{service.signing_name}`)."
    )
    return protocol


def _operation(service: Service, ops: list[Operation], errors: dict[int, list[str]]) -> dict[str, Any]:
    protocol = protocols.for_service(service)
    single = ops[0] if len(ops) == 1 else None
    operation: dict[str, Any] = {
        **({"deprecated": True} if single and single.deprecated else {}),
        "operationId": single.name if single else f"{service.name}Call",
        "summary": single.name if single else f"Any {service.name} operation, chosen by {protocol.operation_header}",
        "description": (single.documentation or single.name) if single else _targets_description(ops),
        "tags": [service.name],
        "parameters": [
            {
                "name": protocol.operation_header,
                "in": "header",
                "required": True,
                "description": "The operation to call, as `TargetPrefix.OperationName`.",
                "schema": {"type": "string", "enum": [op.target for op in ops]},
            }
        ],
        "requestBody": {
            "required": True,
            "description": "The operation's input as JSON.",
            "content": {protocol.content_type: _media(service, [op.input for op in ops], [(ex.title, ex.request) for op in ops for ex in op.examples])},
        },
        "responses": _responses(service, ops, errors),
    }
    if not single:
        operation["x-amz-targets"] = {
            op.target: {
                "operation": op.name,
                "input": _ref(op.input),
                "output": _ref(op.output),
                "errors": [_ref(e) for e in op.errors],
            }
            for op in ops
        }
    return operation


def _targets_description(ops: list[Operation]) -> str:
    return "\n".join(f"- `{op.target}`: {op.input} in, {op.output} out." for op in ops)


def _media(service: Service, roots: list[str], examples: list[tuple[str, str]]) -> dict[str, Any]:
    media: dict[str, Any] = {"schema": _ref(roots[0]) if len(roots) == 1 else {"anyOf": [_ref(r) for r in roots]}}
    kept = _valid_examples(service, roots, examples)
    if kept:
        media["examples"] = kept
    return media


def _valid_examples(service: Service, roots: list[str], examples: list[tuple[str, str]]) -> dict[str, Any]:
    """The spec's samples that satisfy the schema: AWS's sometimes hold placeholders that do not
    (PollForJobs' sample job id), and a linter rightly rejects an example its schema refuses."""
    validators = [jsonschema.Draft202012Validator(export_document(service, root)) for root in roots]
    kept: dict[str, Any] = {}
    for number, (title, text) in enumerate(examples, start=1):
        value = json.loads(text)
        if any(validator.is_valid(value) for validator in validators):
            kept[f"example{number}"] = {"summary": title, "value": value}
    return kept


def _responses(service: Service, ops: list[Operation], errors: dict[int, list[str]], wire: protocols.WireProtocol | None = None) -> dict[str, Any]:
    wire = wire or protocols.for_service(service)
    media_type = wire.content_type
    outputs = [op.output for op in ops]
    responses: dict[str, Any] = {
        "200": {
            "description": f"Success: the operation's output as {wire.codec_name}.",
            "headers": _headers(service, error=False, wire=wire),
            "content": {media_type: _media(service, outputs, [(ex.title, ex.response) for op in ops for ex in op.examples])},
        }
    }
    for status in sorted(errors):
        names = errors[status]
        schema = _ref(names[0]) if len(names) == 1 else {"oneOf": [_ref(n) for n in names]}
        responses[str(status)] = {
            "description": f"An error: {', '.join(names)}.",
            "headers": _headers(service, error=True, wire=wire),
            "content": {media_type: {"schema": schema}},
        }
    return responses


def _headers(service: Service, *, error: bool, wire: protocols.WireProtocol) -> dict[str, Any]:
    headers: dict[str, Any] = {
        "x-amzn-RequestId": {"description": "The request's id, for support cases.", "required": True, "schema": {"type": "string"}},
    }
    if wire is protocols.RPC_V2_CBOR:
        headers["Smithy-Protocol"] = {"description": "The protocol of the answer.", "required": True, "schema": {"type": "string", "enum": ["rpc-v2-cbor"]}}
    elif error:
        headers["X-Amzn-ErrorType"] = {
            "description": "The error code; when present, clients read it before the body's `__type`.",
            "schema": {"type": "string"},
        }
    return headers


def _error_names(service: Service, ops: list[Operation]) -> dict[int, list[str]]:
    by_status: dict[int, list[str]] = {}
    names = [e for op in ops for e in op.errors] + list(service.common_errors)
    for name in dict.fromkeys(names):
        shape = service.shape(name)
        assert isinstance(shape, StructureShape) and shape.error is not None
        by_status.setdefault(shape.error.http_status, []).append(name)
    return by_status


def _schemas(service: Service, ops: list[Operation], errors: dict[int, list[str]]) -> dict[str, Any]:
    roots = [name for op in ops for name in (op.input, op.output)]
    roots += [name for names in errors.values() for name in names]
    schemas: dict[str, Any] = {}
    for root in roots:
        schemas.update(_relocate(export_document(service, root)["$defs"]))
    for names in errors.values():
        for name in names:
            shape = service.shape(name)
            assert isinstance(shape, StructureShape) and shape.error is not None
            schemas[name] = _error_schema(schemas[name], shape.error.code)
    return dict(sorted(schemas.items()))


def _error_schema(schema: dict[str, Any], code: str) -> dict[str, Any]:
    """The error shape plus the members every AWS JSON error body has."""
    properties = {
        "__type": {
            "type": "string",
            "description": f"The error code, `{code}`, maybe namespaced (`ns#{code}`) or followed by `:` and more.",
            "pattern": f"^(?:[^#:]*#)?{re.escape(code)}(?::[\\s\\S]*)?(?![\\s\\S])",
        },
        "message": {"type": "string", "description": "What went wrong, in words."},
        **schema.get("properties", {}),
    }
    return {**schema, "properties": properties, "required": ["__type", *schema.get("required", [])]}


def _sigv4(service: Service) -> dict[str, Any]:
    return {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": (
            "AWS Signature Version 4 (`AWS4-HMAC-SHA256`), signing name "
            f"`{service.signing_name}`: an `Authorization` header with the credential scope, "
            "the signed headers and the signature, and an `X-Amz-Date` header (plus "
            "`X-Amz-Security-Token` for temporary credentials). Use an AWS SDK or a SigV4 "
            "signer; there is no static key."
        ),
        "x-amazon-apigateway-authtype": "awsSigv4",
    }


def _ref(name: str) -> dict[str, Any]:
    return {"$ref": COMPONENTS + name}


def _relocate(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: (_relocate_ref(v) if k == "$ref" else _relocate(v)) for k, v in value.items()}
    if isinstance(value, list):
        return [_relocate(v) for v in value]
    return value


def _relocate_ref(ref: str) -> str:
    return COMPONENTS + ref.removeprefix("#/$defs/")
