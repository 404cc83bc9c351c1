"""TypeScript declarations (`types.d.ts`) for the JSON bodies on the wire, from the IR.

One declaration per shape: string-literal unions for enums, aliases for other scalars, lists
and maps, interfaces for structures. Optional members are `?: T | null` because AWS reads a
`null` member as "not set" (the exported JSON Schema allows it too). Spec text reaches the
output only as TSDoc through `tsdoc()` or as string literals through `json.dumps`.
"""

from __future__ import annotations

import json
import re

from . import protocols
from .ir import BlobShape, ListShape, MapShape, NumberShape, PlainShape, Service, Shape, StringShape, StructureShape
from .schema import blob_note

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*")
_LINE_BREAKS = re.compile("\r\n|[\r\u2028\u2029\u0085]")
# TSDoc reads these as markup (tags, inline tags, HTML); a backslash makes them plain text.
_TSDOC_SPECIAL = set("\\@{}<>`")
ERROR_TYPE = "AwsErrorType"
TYPE_HINTS = "WithTypeHints"


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
    notes = _notes(shape)
    if isinstance(shape, StructureShape):
        doc = _doc_block(shape.documentation, "", notes)
        return [*doc, f"export interface {shape.name} {{", *_members(service, shape), "}"]
    return [*_doc_block(shape.documentation, "", notes), f"export type {shape.name} = {_alias(service, shape)};"]


def _alias(service: Service, shape: Shape) -> str:
    if isinstance(shape, StringShape):
        return " | ".join(json.dumps(e.value) for e in shape.enum) if shape.enum else "string"
    if isinstance(shape, (NumberShape,)):
        return "number"
    if isinstance(shape, BlobShape):
        return "string"
    if isinstance(shape, PlainShape):
        return "boolean" if shape.kind == "boolean" else "number"
    if isinstance(shape, ListShape):
        return f"{shape.member}[]"
    if isinstance(shape, MapShape):
        key = service.shape(shape.key)
        if isinstance(key, StringShape) and key.enum:
            return f"{{ [Key in {shape.key}]?: {shape.value} }}"
        return f"{{ [key: string]: {shape.value} }}"
    raise TypeError(f"no TypeScript type for shape kind {shape.kind}")


def _members(service: Service, shape: StructureShape) -> list[str]:
    lines: list[str] = []
    if shape.error is not None:
        lines += _doc_block(f"The error code, {shape.error.code}.", "  ")
        lines.append(f"  __type: {ERROR_TYPE}<{json.dumps(shape.error.code)}>;")
        if not any(m.wire_name == "message" for m in shape.members):
            lines += _doc_block("What went wrong, in words.", "  ")
            lines.append("  message?: string;")
    for member in shape.members:
        notes = ["Sensitive: never log or echo this value."] if member.sensitive else []
        lines += _doc_block(member.documentation, "  ", notes)
        name = member.wire_name if _IDENTIFIER.fullmatch(member.wire_name) else json.dumps(member.wire_name)
        if member.required:
            lines.append(f"  {name}: {member.shape};")
        else:
            lines.append(f"  {name}?: {member.shape} | null;")
    return lines


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
        lines += _doc_block(op.documentation, "  ")
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


def _notes(shape: Shape) -> list[str]:
    notes: list[str] = []
    low, high = _bounds(shape)
    unit = {"string": "characters", "list": "items", "map": "entries"}.get(shape.kind)
    if unit and (low is not None or high is not None):
        notes.append(f"Length: {_range(low, high)} {unit}.")
    elif isinstance(shape, NumberShape) and shape.is_whole:
        least = shape.low if shape.minimum is None else max(shape.low, shape.minimum)
        most = shape.high if shape.maximum is None else min(shape.high, shape.maximum)
        notes.append(f"A whole number from {least} to {most}.")
    elif isinstance(shape, NumberShape) and (shape.minimum is not None or shape.maximum is not None):
        notes.append(f"Value: {_range(shape.minimum, shape.maximum)}.")
    if isinstance(shape, NumberShape) and shape.kind == "long":
        notes.append("A 64-bit integer: JavaScript numbers are exact only up to 2^53.")
    if isinstance(shape, StringShape) and shape.pattern:
        notes.append(f"Pattern (the whole value, ASCII character classes): {_code(shape.pattern.source)}")
    if shape.kind == "timestamp":
        notes.append("Seconds since the Unix epoch.")
    if isinstance(shape, BlobShape):
        notes.append(blob_note(shape))
    if shape.sensitive:
        notes.append("Sensitive: never log or echo this value.")
    return notes


def _bounds(shape: Shape) -> tuple[int | None, int | None]:
    if isinstance(shape, (StringShape, ListShape, MapShape)):
        return shape.min_length, shape.max_length
    return None, None


def _range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def _code(text: str) -> str:
    """A code span when the text can sit in one verbatim, else escaped prose."""
    if "`" in text or "*/" in text or _LINE_BREAKS.search(text) or "\n" in text or not text.isprintable():
        return _escape(text)
    return f"`{text}`"


def _doc_block(text: str, indent: str, notes: list[str] | None = None, tags: list[str] | None = None) -> list[str]:
    paragraphs = [_escape(text)] if text.strip() else []
    paragraphs += [_escape_note(n) for n in notes or []]
    body = "\n\n".join(p for p in paragraphs if p)
    lines = body.split("\n") if body else []
    if tags:
        lines += ([""] if lines else []) + tags
    if not lines:
        return []
    if len(lines) == 1:
        return [f"{indent}/** {lines[0]} */"]
    return [f"{indent}/**", *(f"{indent} * {line}".rstrip() for line in lines), f"{indent} */"]


def _escape_note(note: str) -> str:
    """Notes are generator text with code spans already made safe; only close-comment matters."""
    return note.replace("*/", "*\\/")


def _escape(text: str) -> str:
    text = _LINE_BREAKS.sub("\n", text.strip())
    out = []
    for char in text:
        if char in _TSDOC_SPECIAL:
            out.append("\\" + char)
        elif char == "\n" or char.isprintable():
            out.append(char)
        else:
            out.append(f"\\u{{{ord(char):x}}}")
    return "".join(out).replace("*/", "*\\/")


def _one_line(text: str) -> str:
    return " ".join(_escape(text).split())
