"""The immutable intermediate representation that every output is rendered from.

Everything a template needs is decided here or in the kinds' lowering (generator/kinds/):
Python names, type strings, constraint messages. Templates only format.

One class per kind of shape. Shapes refer to each other by name; a `Service` checks every
reference when it is made and resolves names through a read-only index, so a `Service` is a
plain value (equal, hashable, walkable) and recursive shapes need no object cycles.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import ClassVar

from . import base64_pattern
from .cycles import on_cycles
from .diagnostics import Location
from .pattern_fastpath import CharsetPattern
from .patterns import Pattern

INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
# The whole-number kinds and the values their wire form holds.
WIRE_RANGES = {"integer": INT32, "long": INT64}


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
    "union": "an object",
}


class IRError(ValueError):
    """The IR is inconsistent (a reference to no shape, say): a generator bug, since the
    checked spec rules these out."""


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
    kind: str  # the spec's `type`
    documentation: str
    sensitive: bool
    constraints: tuple[Constraint, ...]
    deprecated: str | None = None  # what the model says ("Deprecated." at least), or None

    is_scalar: ClassVar[bool] = True

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
    def references(self) -> tuple[str, ...]:
        """The shapes this one is made of, by name."""
        return ()

    @property
    def checks_value(self) -> bool:
        """Whether a value of the right JSON type can still be refused."""
        return bool(self.constraints)

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
    """A number: IntegerShape (integer, long) or FloatShape (float, double)."""

    minimum: int | float | None = None
    maximum: int | float | None = None
    wire_range: tuple[int, int] | None = None  # the values a whole number's wire form holds

    is_whole: ClassVar[bool] = False

    @property
    def low(self) -> int:
        return (self.wire_range or INT64)[0]

    @property
    def high(self) -> int:
        return (self.wire_range or INT64)[1]


@dataclass(frozen=True)
class IntegerShape(NumberShape):
    """integer and long: whole numbers within `wire_range`."""

    is_whole: ClassVar[bool] = True


@dataclass(frozen=True)
class FloatShape(NumberShape):
    """float and double."""


@dataclass(frozen=True)
class BooleanShape(Shape):
    pass


@dataclass(frozen=True)
class TimestampShape(Shape):
    """A point in time: epoch seconds on the AWS JSON wire unless `timestamp_format` says
    iso8601 or rfc822."""

    timestamp_format: str = "unixTimestamp"

    @property
    def expected(self) -> str:
        return {"iso8601": "an ISO 8601 date-time string", "rfc822": "an RFC 822 date string"}.get(self.timestamp_format, "a number of seconds since the epoch")


@dataclass(frozen=True)
class BlobShape(Shape):
    """Bytes, as canonical base64 text on the wire (see base64_pattern.py); `min_length` and
    `max_length` count the decoded bytes, as AWS does."""

    min_length: int | None = None
    max_length: int | None = None

    @property
    def checks_value(self) -> bool:
        return True  # the text must be base64

    @property
    def base64_body(self) -> str:
        """A regex body (unanchored) that accepts exactly the valid texts of this blob."""
        return base64_pattern.body(self.min_length, self.max_length)


@dataclass(frozen=True)
class ListShape(Shape):
    member: str = ""
    min_length: int | None = None
    max_length: int | None = None
    sparse: bool = False  # null members are values (the model's `sparse`), not refused

    is_scalar: ClassVar[bool] = False

    @property
    def references(self) -> tuple[str, ...]:
        return (self.member,)


@dataclass(frozen=True)
class MapShape(Shape):
    key: str = ""
    value: str = ""
    min_length: int | None = None
    max_length: int | None = None
    sparse: bool = False  # null values are values (the model's `sparse`), not refused

    is_scalar: ClassVar[bool] = False

    @property
    def references(self) -> tuple[str, ...]:
        return (self.key, self.value)


@dataclass(frozen=True)
class Member:
    wire_name: str
    python_name: str
    shape: str
    required: bool
    documentation: str
    sensitive: bool  # the member's shape, or the shape itself, is sensitive
    idempotency_token: bool = False  # the client fills a uuid4 when the caller leaves it out
    deprecated: str | None = None  # what the model says ("Deprecated." at least), or None
    default_json: str | None = None  # the model's default value as JSON text, or None

    @property
    def default(self) -> object:
        """The default value (None when there is none)."""
        return None if self.default_json is None else json.loads(self.default_json)


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

    is_scalar: ClassVar[bool] = False

    @property
    def references(self) -> tuple[str, ...]:
        return tuple(m.shape for m in self.members)

    @property
    def error_members(self) -> tuple[Member, ...]:
        """An error's members that its exception carries as attributes: all but the message
        (and any whose Python name the exception's own attributes take)."""
        if self.error is None:
            return ()
        taken = {"message", "code", "status_code", "request_id", "args"}
        return tuple(m for m in self.members if m.wire_name.lower() != "message" and m.python_name not in taken)

    @property
    def idempotency_tokens(self) -> tuple[str, ...]:
        """The wire names of the members the client fills with a uuid4 when left out."""
        return tuple(m.wire_name for m in self.members if m.idempotency_token)


@dataclass(frozen=True)
class UnionShape(StructureShape):
    """Exactly one member set; its members are never `required`."""


@dataclass(frozen=True)
class DocumentShape(Shape):
    """Any JSON value."""

    @property
    def expected(self) -> str:
        return "a JSON value"


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
    deprecated: str | None = None  # what the model says ("Deprecated." at least), or None
    host_prefix: str | None = None  # the endpoint trait's, `{Label}`s naming input members
    compression: tuple[str, ...] = ()  # the encodings the client may compress the body with


@dataclass(frozen=True)
class LocalHandler:
    """A hand-written handler module copied into the package (`service.local_handler`)."""

    source: str  # relative to the spec file
    module: str  # <package>/<module>.py
    seed_option: str  # `python -m <package>.server --<seed_option> FILE`
    helpers: tuple[str, ...] = ()  # more sources, each copied as <package>/<file stem>.py
    options: bool = False  # the module adds server options and wraps the app (see the spec schema)
    # Where the spec names the source and the module, for problems found when copying it.
    source_at: Location = field(default=Location("", 1, 1), compare=False)
    module_at: Location = field(default=Location("", 1, 1), compare=False)
    helpers_at: Location = field(default=Location("", 1, 1), compare=False)


@dataclass(frozen=True)
class Service:
    name: str
    full_name: str
    package: str
    api_version: str
    protocols: tuple[str, ...]  # in AWS's order of preference
    target_prefix: str
    signing_name: str
    endpoint_prefix: str
    documentation: str
    spec_file: str  # as the user named it, relative where possible: goes in file headers
    operations: tuple[Operation, ...]
    shapes: tuple[Shape, ...]  # sorted by name
    common_errors: tuple[str, ...]
    local_handler: LocalHandler | None = None
    default_operation: str | None = None  # what validate_request(obj) means; see default_op
    # Derived from `shapes` (so left out of equality and hashing): every shape by name, and
    # the names of those a cycle of references passes through.
    shape_index: Mapping[str, Shape] = field(init=False, repr=False, compare=False)
    recursive: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        index: dict[str, Shape] = {}
        for shape in self.shapes:
            if shape.name in index:
                raise IRError(f"two shapes are named {shape.name}")
            index[shape.name] = shape
        object.__setattr__(self, "shape_index", MappingProxyType(index))
        problems = list(self._reference_problems())
        if problems:
            raise IRError("; ".join(problems))
        object.__setattr__(self, "recursive", on_cycles({s.name: s.references for s in self.shapes}))

    def _reference_problems(self) -> Iterable[str]:
        def wrong(name: str, want: type[Shape], user: str) -> str | None:
            found = self.shape_index.get(name)
            if found is None:
                return f"{user} refers to {name}, which is not a shape"
            if not isinstance(found, want):
                return f"{user} refers to {name}, which is not a {want.__name__}"
            return None

        wants: list[tuple[str, type[Shape], str]] = []
        for shape in self.shapes:
            wants += [(name, Shape, f"shape {shape.name}") for name in shape.references]
            if isinstance(shape, MapShape):
                wants.append((shape.key, StringShape, f"the keys of {shape.name}"))
        for op in self.operations:
            wants += [(op.input, StructureShape, f"{op.name}'s input"), (op.output, StructureShape, f"{op.name}'s output")]
            wants += [(name, StructureShape, f"{op.name}'s errors") for name in op.errors]
        wants += [(name, StructureShape, "the common errors") for name in self.common_errors]
        for name, want, user in wants:
            problem = wrong(name, want, user)
            if problem:
                yield problem
        for name in [e for op in self.operations for e in op.errors] + list(self.common_errors):
            error = self.shape_index.get(name)
            if isinstance(error, StructureShape) and error.error is None:
                yield f"error {name} has no error trait"

    def shape(self, name: str) -> Shape:
        return self.shape_index[name]

    @property
    def endpoint_variable(self) -> str:
        """boto3's variable for this service's endpoint: AWS_ENDPOINT_URL_ and the service id
        (the service's name) in capitals, spaces and hyphens as underscores."""
        return "AWS_ENDPOINT_URL_" + re.sub(r"[ -]", "_", self.name).upper()

    @property
    def default_op(self) -> Operation | None:
        """The operation `validate_request(obj)` and `read_response(obj)` mean: the only one,
        or the spec's `default_operation`."""
        name = self.default_operation or (self.operations[0].name if len(self.operations) == 1 else None)
        return next((op for op in self.operations if op.name == name), None)

    def reachable(self, roots: Iterable[str]) -> tuple[str, ...]:
        """The names of `roots` and of every shape they are made of, sorted; each once,
        however the shapes refer to each other."""
        seen: set[str] = set()
        stack = list(roots)
        while stack:
            name = stack.pop()
            if name not in seen:
                seen.add(name)
                stack.extend(self.shape_index[name].references)
        return tuple(sorted(seen))

    @property
    def fills_idempotency_tokens(self) -> bool:
        return any(isinstance(s := self.shape(op.input), StructureShape) and s.idempotency_tokens for op in self.operations)

    @property
    def client_class_name(self) -> str:
        return f"{self.name}Client"

    @property
    def error_shapes(self) -> tuple[StructureShape, ...]:
        return tuple(s for s in self.shapes if isinstance(s, StructureShape) and s.error is not None)
