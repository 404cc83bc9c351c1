"""What every kind of shape answers, and the defaults scalars and composites share.

A `Kind` holds everything the generator does that depends on one kind of shape: how the
spec's form is checked and built into the IR (front end), and how an IR shape is lowered into
each output (JSON Schema keywords, a TypeScript type, the Python that validates and reads a
value). Outputs ask `kind_of(shape)` and never test a shape's kind themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from ..diagnostics import Diagnostic
from ..ir import Constraint, Service, Shape
from ..load import JsonPath, LoadedSpec
from ..pycode import Calls, indent, lit

SENSITIVE_KEYWORD = "x-aws-sensitive"
# In the model schema only: a blob's byte bounds, for the models' template (templates/datamodel).
BLOB_KEYWORD = "x-aws-blob-bytes"
# In the model schema only: a timestamp's wire format, for the same template.
TIMESTAMP_KEYWORD = "x-aws-timestamp"
# The model schema's mark of a pattern the models check with Python's `re` (see patterns.py).
PATTERN_KEYWORD = "x-aws-python-pattern"
# In the model schema only: a document, which the models take as any JSON value but null.
DOCUMENT_KEYWORD = "x-aws-document"

RawShape = dict[str, Any]


@dataclass(frozen=True)
class Reference:
    """A name in the spec that must be a shape (of one of the kinds in `want`, if given)."""

    name: str
    path: JsonPath
    want: tuple[str, ...] | None = None
    what: str = "shape"


@dataclass(frozen=True)
class Function:
    """A generated function, `def <name>(<signature>) -> <returns>:` and its body lines."""

    name: str
    returns: str
    body: tuple[str, ...]
    counts_depth: bool = False  # takes `depth: int = 0`, the nesting of a recursive shape


# How a constraint is broken, as a Python condition on `{var}`; a blob's byte bounds compare
# `size`, which its checks set to the decoded length first.
_BROKEN = {
    "max_length": "len({var}) > {value}",
    "min_length": "len({var}) < {value}",
    "max_value": "{var} > {value}",
    "min_value": "{var} < {value}",
    "max_bytes": "size > {value}",
    "min_bytes": "size < {value}",
}


class Kind:
    """One kind of shape; the methods take an IR shape of this kind (typed Any: each kind
    narrows it to its own class)."""

    spec_types: ClassVar[tuple[str, ...]]  # the spec's `type` values this kind reads
    runtime_exports: ClassVar[tuple[str, ...]] = ()  # runtime names validators.py must offer

    def shape_runtime_exports(self, shape: Any) -> tuple[str, ...]:
        return self.runtime_exports

    # ---- front end: the spec ------------------------------------------------------------

    def spec_references(self, raw: RawShape, base: JsonPath) -> list[Reference]:
        return []

    def spec_problems(self, spec: LoadedSpec, base: JsonPath, raw: RawShape) -> Iterator[Diagnostic]:
        return iter(())

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> Shape:
        raise NotImplementedError

    # ---- JSON Schema ----------------------------------------------------------------------

    def json_schema(self, shape: Any, schema: dict[str, Any], *, export: bool) -> None:
        """Add this kind's keywords to `schema` (which may hold a description already)."""
        raise NotImplementedError

    # ---- models.py (datamodel-code-generator) ----------------------------------------------

    def model_aliases(self, shape: Any) -> dict[str, str]:
        """`Class.wireName` -> Python field name, for the models' fields."""
        return {}

    def model_template_data(self, shape: Any) -> dict[str, Any]:
        """What the models' templates (templates/datamodel) get for this shape's class."""
        return {}

    # ---- TypeScript -----------------------------------------------------------------------

    def typescript_type(self, service: Service, shape: Any) -> str:
        raise NotImplementedError

    def typescript_notes(self, shape: Any) -> list[str]:
        return []

    def typescript_declaration(self, service: Service, shape: Any, doc_lines: list[str]) -> list[str]:
        return [*doc_lines, f"export type {shape.name} = {self.typescript_type(service, shape)};"]

    # ---- validators.py --------------------------------------------------------------------

    def validator_constants(self, shape: Any) -> list[str]:
        return []

    def validator_imports(self, shape: Any) -> set[str]:
        return set()

    def broken(self, constraint: Constraint, var: str) -> str:
        return _BROKEN[constraint.kind].format(var=var, value=lit(constraint.value))

    def any_broken(self, shape: Shape, var: str) -> str:
        return " or ".join(self.broken(c, var) for c in shape.constraints)

    def member_lines(self, shape: Any, path: str, required: bool, sensitive: bool, calls: Calls) -> list[str]:
        """The checks of a structure member holding this shape, its value in `v`."""
        raise NotImplementedError

    def item_branches(self, shape: Any, var: str, path: str, nested_path: str, flag: str, calls: Calls) -> list[str]:
        """`elif`/`else` branches checking a list member or map value `var` that is not None;
        a broken constraint sets `flag` (reported once for the whole collection)."""
        raise NotImplementedError

    def flags_items(self, shape: Any) -> bool:
        """Whether `item_branches` sets its flag."""
        return False

    def shown(self, shape: Any, var: str, calls: Calls) -> str:
        """How a collection of this shape's values is echoed."""
        return var

    def checker(self, service: Service, shape: Any, calls: Calls) -> Function | None:
        """`_check_<name>(value, path, out)`, for shapes checked by a function of their own."""
        return None

    # ---- wire.py (the lenient reader) -----------------------------------------------------

    def read(self, shape: Any, var: str, path: str, calls: Calls) -> str:
        """An expression reading the JSON value `var` at `path` (an expression too)."""
        raise NotImplementedError

    def reader(self, service: Service, shape: Any, calls: Calls) -> Function | None:
        """`_read_<name>(value, path)`, for shapes read by a function of their own."""
        return None


def required_or_present(required: bool, path: str, body: list[str], calls: Calls) -> list[str]:
    """Run `body` when the member `v` is set; a required one that is not is reported."""
    if required:
        return ["if v is None:", f"    {calls('null', 'out', path)}", "else:", *indent(body)]
    return ["if v is not None:", *indent(body)]


class ScalarKind(Kind):
    """A shape whose value is one JSON scalar."""

    def type_test(self, shape: Any, var: str, calls: Calls) -> str:
        """A condition that holds when `var` has the JSON type this shape needs."""
        raise NotImplementedError

    def type_failure(self, shape: Any, var: str, path: str, calls: Calls) -> str:
        """The statement reporting `var` of the wrong type."""
        return calls("wrong_type", "out", path, var, lit(shape.expected))

    def value_lines(self, shape: Any, path: str, sensitive: bool, calls: Calls) -> list[str]:
        """The checks of the member value `v`, known not to be None: its type, then each
        constraint (the default, for values that are checked as they are)."""
        lines = [f"if not ({self.type_test(shape, 'v', calls)}):", f"    {self.type_failure(shape, 'v', path, calls)}"]
        if shape.constraints:
            lines.append("else:")
            for c in shape.constraints:
                lines += [f"    if {self.broken(c, 'v')}:", f"        {calls('violation', 'out', path, 'v', lit(c.phrase), lit(sensitive))}"]
        return lines

    def member_lines(self, shape: Any, path: str, required: bool, sensitive: bool, calls: Calls) -> list[str]:
        if not required and not shape.checks_value:
            return [f"if v is not None and not ({self.type_test(shape, 'v', calls)}):", f"    {self.type_failure(shape, 'v', path, calls)}"]
        return required_or_present(required, path, self.value_lines(shape, path, sensitive, calls), calls)

    def value_branches(self, shape: Any, var: str, path: str, calls: Calls) -> list[str]:
        """Branches refusing a collection item of the right type whose value cannot be read."""
        return []

    def item_branches(self, shape: Any, var: str, path: str, nested_path: str, flag: str, calls: Calls) -> list[str]:
        lines = [f"elif not ({self.type_test(shape, var, calls)}):", f"    {calls('wrong_type', 'out', path, var, lit(shape.expected))}"]
        lines += self.value_branches(shape, var, path, calls)
        if shape.constraints:
            lines += [f"elif {self.any_broken(shape, var)}:", f"    {flag} = True"]
        return lines

    def flags_items(self, shape: Any) -> bool:
        return bool(shape.constraints)


class CompositeKind(Kind):
    """A shape made of other shapes, checked and read by functions of its own."""

    def type_guard(self, shape: Shape, python_type: str, calls: Calls) -> list[str]:
        """A checker's first lines: a `value` of another JSON type is reported, and that is all."""
        return [f"if type(value) is not {python_type}:", f"    {calls('wrong_type', 'out', 'path', 'value', lit(shape.expected))}", "    return"]

    def own_constraint_lines(self, shape: Shape, var: str, sensitive: bool, calls: Calls) -> list[str]:
        """A collection's checks of its own length."""
        lines = []
        for c in shape.constraints:
            lines += [f"if {self.broken(c, var)}:", f"    {calls('violation', 'out', 'path', var, lit(c.phrase), lit(sensitive))}"]
        return lines

    def member_lines(self, shape: Any, path: str, required: bool, sensitive: bool, calls: Calls) -> list[str]:
        return required_or_present(required, path, [f"_check_{shape.name}(v, {path}, out{calls.depth_argument(shape.name)})"], calls)

    def item_branches(self, shape: Any, var: str, path: str, nested_path: str, flag: str, calls: Calls) -> list[str]:
        return ["else:", f"    _check_{shape.name}({var}, {nested_path}, out{calls.depth_argument(shape.name)})"]

    def read(self, shape: Any, var: str, path: str, calls: Calls) -> str:
        return f"_read_{shape.name}({var}, {path}{calls.depth_argument(shape.name)})"


def doc(raw: RawShape) -> str:
    return str(raw.get("documentation", "")).strip()


def deprecation(raw: RawShape) -> str | None:
    """The spec's `deprecated` in words: `Deprecated since X: message.`, or None."""
    found = raw.get("deprecated")
    if not found:
        return None
    details = found if isinstance(found, dict) else {}
    since = f" since {details['since']}" if details.get("since") else ""
    message = str(details.get("message", "")).strip()
    return f"Deprecated{since}: {message}" if message else f"Deprecated{since}."


def schema_ref(name: str) -> dict[str, Any]:
    return {"$ref": f"#/$defs/{name}"}


def nullable(schema: dict[str, Any], sparse: bool) -> dict[str, Any]:
    """A sparse collection's item schema: the item's, or null."""
    return {"anyOf": [schema, {"type": "null"}]} if sparse else schema


def put(schema: dict[str, Any], key: str, value: object) -> None:
    if value is not None:
        schema[key] = value


def add_description(schema: dict[str, Any], text: str) -> None:
    schema["description"] = (schema.get("description", "") + "\n\n" + text).strip()


def length_note(low: int | None, high: int | None, unit: str) -> list[str]:
    if low is None and high is None:
        return []
    return [f"Length: {value_range(low, high)} {unit}."]


def value_range(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"{low} to {high}"
    return f"at least {low}" if low is not None else f"at most {high}"


def length_constraints(name: str, raw: RawShape, unit: str = "length") -> list[Constraint]:
    """AWS's length phrases; `unit` "bytes" makes the kinds min_bytes/max_bytes (a blob's
    decoded length: AWS says "length" for those too)."""
    found = []
    if "max" in raw:
        found.append(Constraint(f"max_{unit}", raw["max"], f"Member must have length less than or equal to {raw['max']}", name))
    if "min" in raw:
        found.append(Constraint(f"min_{unit}", raw["min"], f"Member must have length greater than or equal to {raw['min']}", name))
    return found


_BY_CLASS: dict[type[Shape], Kind] = {}
_BY_SPEC_TYPE: dict[str, Kind] = {}


def register(kind: Kind, ir_class: type[Shape]) -> None:
    _BY_CLASS[ir_class] = kind
    for spec_type in kind.spec_types:
        _BY_SPEC_TYPE[spec_type] = kind


def kind_of(shape: Shape) -> Kind:
    return _BY_CLASS[type(shape)]


def kind_named(spec_type: str) -> Kind:
    """The kind for a spec `type` (the meta-schema admits only registered ones)."""
    return _BY_SPEC_TYPE[spec_type]


def spec_types() -> frozenset[str]:
    return frozenset(_BY_SPEC_TYPE)


def ir_classes() -> frozenset[type[Shape]]:
    return frozenset(_BY_CLASS)
