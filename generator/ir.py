"""The immutable intermediate representation that every output is rendered from.

Everything a template needs is decided here: Python names, type strings, constraint
messages. Templates only format.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from . import base64_pattern
from .pattern_fastpath import CharsetPattern
from .patterns import Pattern

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)


_EXPECTED = {
    "string": "a string",
    "blob": "a base64 string",
    "integer": "a 32-bit integer",
    "long": "a 64-bit integer",
    "float": "a number",
    "double": "a number",
    "timestamp": "a number of seconds since the epoch",
    "boolean": "a boolean",
    "structure": "an object",
    "map": "an object",
    "list": "an array",
}


@dataclass(frozen=True)
class Constraint:
    """One AWS constraint, with the phrase AWS's ValidationException uses for it."""

    kind: str  # min_length, max_length (characters or items), min_bytes, max_bytes (a blob's decoded bytes), min_value, max_value, pattern, enum
    value: object
    phrase: str
    shape: str  # the shape it belongs to
    charset: CharsetPattern | None = None  # a pattern that is one repeated character class


@dataclass(frozen=True)
class Shape:
    name: str
    kind: str
    documentation: str
    sensitive: bool
    constraints: tuple[Constraint, ...]

    @property
    def class_name(self) -> str:
        return self.name

    def constraint(self, kind: str) -> Constraint | None:
        return next((c for c in self.constraints if c.kind == kind), None)

    @property
    def expected(self) -> str:
        """What the JSON value must be, for type errors."""
        return _EXPECTED[self.kind]

    @property
    def is_scalar(self) -> bool:
        return self.kind not in ("structure", "list", "map")

    @property
    def checks_value(self) -> bool:
        """Whether a value of the right JSON type can still be refused (a blob must be base64)."""
        return bool(self.constraints) or self.kind == "blob"

    @property
    def constraint_summary(self) -> str:
        """How AWS lists a collection member's constraints: `[phrase, phrase]`."""
        return "[" + ", ".join(c.phrase for c in self.constraints) + "]"


@dataclass(frozen=True)
class EnumValue:
    python_name: str
    value: str


@dataclass(frozen=True)
class StringShape(Shape):
    min_length: int | None = None
    max_length: int | None = None
    pattern: Pattern | None = None
    enum: tuple[EnumValue, ...] = ()


@dataclass(frozen=True)
class NumberShape(Shape):
    """integer, long (whole numbers) and float, double."""

    minimum: int | float | None = None
    maximum: int | float | None = None

    @property
    def is_whole(self) -> bool:
        return self.kind in ("integer", "long")

    @property
    def wire_range(self) -> tuple[int, int] | None:
        return {"integer": INT32, "long": INT64}.get(self.kind)

    @property
    def low(self) -> int:
        return (self.wire_range or INT64)[0]

    @property
    def high(self) -> int:
        return (self.wire_range or INT64)[1]


@dataclass(frozen=True)
class PlainShape(Shape):
    """boolean and timestamp (epoch seconds on the AWS JSON wire)."""


@dataclass(frozen=True)
class BlobShape(Shape):
    """Bytes, as canonical base64 text on the wire (see base64_pattern.py); `min_length` and
    `max_length` count the decoded bytes, as AWS does."""

    min_length: int | None = None
    max_length: int | None = None

    @property
    def base64_body(self) -> str:
        """A regex body (unanchored) that accepts exactly the valid texts of this blob."""
        return base64_pattern.body(self.min_length, self.max_length)


@dataclass(frozen=True)
class ListShape(Shape):
    member: str = ""
    min_length: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class MapShape(Shape):
    key: str = ""
    value: str = ""
    min_length: int | None = None
    max_length: int | None = None


@dataclass(frozen=True)
class Member:
    wire_name: str
    python_name: str
    shape: str
    required: bool
    documentation: str
    sensitive: bool  # the member's shape, or the shape itself, is sensitive


@dataclass(frozen=True)
class ErrorTrait:
    code: str
    http_status: int
    fault: str
    retryable: bool
    throttling: bool


@dataclass(frozen=True)
class StructureShape(Shape):
    members: tuple[Member, ...] = ()
    error: ErrorTrait | None = None


@dataclass(frozen=True)
class Example:
    title: str
    request: str
    response: str


@dataclass(frozen=True)
class Operation:
    name: str
    method_name: str
    input: str
    output: str
    errors: tuple[str, ...]
    documentation: str
    examples: tuple[Example, ...]
    target: str


@dataclass(frozen=True)
class LocalHandler:
    """A hand-written handler module copied into the package (`service.local_handler`)."""

    source: str  # relative to the spec file
    module: str  # <package>/<module>.py
    seed_option: str  # `python -m <package>.server --<seed_option> FILE`


@dataclass(frozen=True)
class Service:
    name: str
    full_name: str
    package: str
    api_version: str
    protocol: str
    target_prefix: str
    signing_name: str
    endpoint_prefix: str
    documentation: str
    spec_file: str  # as the user named it, relative where possible: goes in file headers
    operations: tuple[Operation, ...]
    shapes: tuple[Shape, ...]  # sorted by name
    common_errors: tuple[str, ...]
    local_handler: LocalHandler | None = None
    shape_index: dict[str, Shape] = field(default_factory=dict, compare=False, repr=False)

    def shape(self, name: str) -> Shape:
        return self.shape_index[name]

    @property
    def client_class_name(self) -> str:
        return f"{self.name}Client"

    @property
    def error_shapes(self) -> tuple[StructureShape, ...]:
        return tuple(s for s in self.shapes if isinstance(s, StructureShape) and s.error is not None)
