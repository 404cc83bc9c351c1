"""TypeScript declarations (`types.d.ts`) for the JSON bodies on the wire, from the IR.

One declaration per shape: string-literal unions for enums, aliases for other scalars, lists
and maps, interfaces for structures. Optional members are `?: T | null` because AWS reads a
`null` member as "not set" (the exported JSON Schema allows it too). Spec text reaches the
output only as TSDoc through `tsdoc()` or as string literals through `json.dumps`.
"""

from __future__ import annotations

import json

from . import protocols
from .ir import Service, Shape
from .kinds import kind_of
from .tsdoc import ERROR_TYPE, SENSITIVE_NOTE, TYPE_HINTS, deprecated_tag
from .tsdoc import doc_block as _doc_block
from .tsdoc import escape as _escape
from .tsdoc import one_line as _one_line


def render_typescript(service: Service, generated_by: str) -> str:
    out = [f"// {_one_line(generated_by)}", ""]
    protocol = protocols.for_service(service)
    about = (
        f"Types of the JSON bodies that {service.full_name} (API {service.api_version}) sends and accepts "
        f"over the {protocol.title} protocol: {protocol.request_summary(service)}, signed with SigV4.\n"
        "Optional members are typed `?: T | null`: AWS reads a null member as not set.\n"
        f"Response bodies may carry extra members and `__type` hints; see {TYPE_HINTS}."
    )
    out += _doc_block("", "", [about, _escape(service.documentation)], tags=["@packageDocumentation"])
    out += ["", *_helpers(), ""]
    for shape in service.shapes:
        out += [*_declaration(service, shape), ""]
    out += _operations(service)
    return "\n".join(out).rstrip("\n") + "\n"


def _helpers() -> list[str]:
    return [
        *_doc_block(
            "",
            "",
            [
                (
                    "The `__type` member of an error body: the error code, which AWS may prefix with a "
                    "namespace and `#` or follow with `:` and a URL (`aws.ns#Code:http://...`)."
                )
            ],
        ),
        f"export type {ERROR_TYPE}<Code extends string> = Code | `${{string}}#${{Code}}` | `${{Code}}:${{string}}` | `${{string}}#${{Code}}:${{string}}`;",
        "",
        *_doc_block(
            "",
            "",
            [
                (
                    "`T` with an optional `__type` hint allowed on every object, as in AWS's documented "
                    "sample responses. A value of this type can be assigned to `T`."
                )
            ],
        ),
        f"export type {TYPE_HINTS}<T> = T extends readonly (infer Item)[]",
        f"  ? {TYPE_HINTS}<Item>[]",
        "  : T extends object",
        f"    ? {{ [Key in keyof T]: {TYPE_HINTS}<T[Key]> }} & {{ __type?: string }}",
        "    : T;",
    ]


def _declaration(service: Service, shape: Shape) -> list[str]:
    """The shape's declaration: its kind writes it; the notes say what its type cannot."""
    kind = kind_of(shape)
    notes = kind.typescript_notes(shape) + ([SENSITIVE_NOTE] if shape.sensitive else [])
    return kind.typescript_declaration(service, shape, _doc_block(shape.documentation, "", notes, deprecated_tag(shape.deprecated)))


def _operations(service: Service) -> list[str]:
    common = [n for n in service.common_errors]
    lines = [
        *_doc_block(f"Errors any {service.name} operation can return, besides its own.", ""),
        f"export type {service.name}CommonError = {' | '.join(common) if common else 'never'};",
        "",
        *_doc_block(
            f"Every {service.name} operation: the X-Amz-Target header value, the request and "
            "response bodies and the operation's modeled errors.",
            "",
        ),
        f"export interface {service.name}Operations {{",
    ]
    for op in service.operations:
        lines += _doc_block(op.documentation, "  ", [], deprecated_tag(op.deprecated))
        errors = " | ".join(op.errors) if op.errors else "never"
        lines += [
            f"  {op.name}: {{",
            f"    target: {json.dumps(op.target)};",
            f"    input: {op.input};",
            f"    output: {op.output};",
            f"    errors: {errors};",
            "  };",
        ]
    return [*lines, "}"]
