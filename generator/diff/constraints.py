"""Rules for the constraints of scalars and collections: length and value bounds, the width
of numbers, patterns and enums.

A bound that is tightened refuses values that were valid: a request a caller sends may be
refused (breaking); a response only gets stricter (info). A bound that is loosened is the
other way round: requests are fine (info), but a caller's models and validate_response hold
the old bound and may refuse a value the service now sends (warning).
"""

from __future__ import annotations

from collections.abc import Iterator

from ..ir import BlobShape, IntegerShape, ListShape, MapShape, NumberShape, StringShape
from .rules import BREAKING, INFO, WARNING, Finding, Pair, detects, rule

_TIGHTER = "values that were valid are refused: by the server, and before sending by validate_request and the models' Field(...) bounds"
_LOOSER = "values the old models, validators and validate_response refuse may now come back in responses"

MIN_LENGTH_RAISED = rule(
    "min-length-raised", BREAKING, INFO, "the minimum length of a string, blob, list or map rises (or is set)", _TIGHTER,
    oasdiff="request-property-min-length-increased, request-property-min-items-increased", smithy="ChangedLengthTrait",
)
MIN_LENGTH_LOWERED = rule(
    "min-length-lowered", INFO, WARNING, "the minimum length falls (or is removed)", _LOOSER,
    oasdiff="response-property-min-length-decreased, response-property-min-items-decreased", smithy="ChangedLengthTrait",
)
MAX_LENGTH_LOWERED = rule(
    "max-length-lowered", BREAKING, INFO, "the maximum length of a string, blob, list or map falls (or is set)", _TIGHTER,
    oasdiff="request-property-max-length-decreased, request-property-max-items-decreased", smithy="ChangedLengthTrait",
)
MAX_LENGTH_RAISED = rule(
    "max-length-raised", INFO, WARNING, "the maximum length rises (or is removed)", _LOOSER,
    oasdiff="response-property-max-length-increased, response-property-max-items-increased", smithy="ChangedLengthTrait",
)
MIN_VALUE_RAISED = rule(
    "min-value-raised", BREAKING, INFO, "the minimum of a number rises (or is set)", _TIGHTER,
    oasdiff="request-property-min-increased", smithy="ChangedRangeTrait",
)
MIN_VALUE_LOWERED = rule(
    "min-value-lowered", INFO, WARNING, "the minimum of a number falls (or is removed)", _LOOSER,
    oasdiff="response-property-min-decreased", smithy="ChangedRangeTrait",
)
MAX_VALUE_LOWERED = rule(
    "max-value-lowered", BREAKING, INFO, "the maximum of a number falls (or is set)", _TIGHTER,
    oasdiff="request-property-max-decreased", smithy="ChangedRangeTrait",
)
MAX_VALUE_RAISED = rule(
    "max-value-raised", INFO, WARNING, "the maximum of a number rises (or is removed)", _LOOSER,
    oasdiff="response-property-max-increased", smithy="ChangedRangeTrait",
)
NUMBER_WIDENED = rule(
    "number-widened", INFO, WARNING, "integer becomes long, float becomes double",
    "callers may send more; a reader that keeps the value in 32 bits (another language) may overflow",
    oasdiff="request-property-type-generalized", smithy="ChangedShapeType",
)
NUMBER_NARROWED = rule(
    "number-narrowed", BREAKING, INFO, "long becomes integer, double becomes float",
    "requests with values past the new range are refused", oasdiff="request-property-type-changed", smithy="ChangedShapeType",
)
PATTERN_ADDED = rule(
    "pattern-added", BREAKING, INFO, "a string gets a pattern", _TIGHTER + " (the models' Field(pattern=...))",
    oasdiff="request-property-pattern-added", smithy="ModifiedTrait (pattern)",
)
PATTERN_CHANGED = rule(
    "pattern-changed", BREAKING, WARNING, "a string's pattern changes",
    "whether the new pattern is wider or narrower cannot be decided in general: it may refuse requests that were "
    "valid and let responses through that the old models refuse",
    oasdiff="request-property-pattern-changed", smithy="ModifiedTrait (pattern)",
)
PATTERN_REMOVED = rule(
    "pattern-removed", INFO, WARNING, "a string loses its pattern", _LOOSER,
    oasdiff="request-property-pattern-removed", smithy="ModifiedTrait (pattern)",
)
ENUM_VALUE_ADDED = rule(
    "enum-value-added", INFO, WARNING, "an enum gains a value",
    "callers may send it; readers with closed enums (a `match` over the StrEnum, a switch in another language) "
    "meet a value they do not know, which the lenient reader passes through as text",
    oasdiff="request-property-enum-value-added, response-property-enum-value-added", smithy="ChangedEnumTrait",
)
ENUM_VALUE_REMOVED = rule(
    "enum-value-removed", BREAKING, WARNING, "an enum loses a value",
    "requests with it are refused, and the StrEnum loses the member: code that names it (ActionCategory.COMPUTE) "
    "fails, in responses too",
    oasdiff="request-property-enum-value-removed, response-property-enum-value-removed", smithy="ChangedEnumTrait",
)
ENUM_ADDED = rule(
    "enum-added", BREAKING, INFO, "a free string becomes an enum",
    "requests with other values are refused; the field's Python type becomes a StrEnum class",
    oasdiff="request-property-became-enum", smithy="ChangedEnumTrait",
)
ENUM_REMOVED = rule(
    "enum-removed", WARNING, WARNING, "an enum becomes a free string",
    "any text is valid now, and the StrEnum class is gone from the models: code that names its members fails",
    oasdiff="response-property-enum-value-added", smithy="ChangedEnumTrait",
)

_UNITS = {StringShape: "characters", BlobShape: "bytes", ListShape: "items", MapShape: "entries"}


@detects(StringShape, BlobShape, ListShape, MapShape)
def _lengths(old: StringShape | BlobShape | ListShape | MapShape, new: StringShape | BlobShape | ListShape | MapShape, pair: Pair) -> Iterator[Finding]:
    unit = _UNITS[type(new)]
    yield from _bounds(pair, old.min_length, new.min_length, old.max_length, new.max_length, "length", unit)


@detects(NumberShape)
def _values(old: NumberShape, new: NumberShape, pair: Pair) -> Iterator[Finding]:
    yield from _bounds(pair, old.minimum, new.minimum, old.maximum, new.maximum, "value", "")
    if old.kind != new.kind:
        order = ("integer", "long") if isinstance(new, IntegerShape) else ("float", "double")
        kind = NUMBER_WIDENED if order.index(new.kind) > order.index(old.kind) else NUMBER_NARROWED
        yield Finding(kind, "type", old.kind, new.kind, f"{pair.name}: {old.kind} becomes {new.kind}")


def _bounds(pair: Pair, old_min: float | None, new_min: float | None, old_max: float | None, new_max: float | None, what: str, unit: str) -> Iterator[Finding]:
    low_old = old_min if old_min is not None else float("-inf")
    low_new = new_min if new_min is not None else float("-inf")
    if low_new != low_old:
        raised = low_new > low_old
        kind = (MIN_LENGTH_RAISED if raised else MIN_LENGTH_LOWERED) if what == "length" else (MIN_VALUE_RAISED if raised else MIN_VALUE_LOWERED)
        yield Finding(kind, "min", old_min, new_min, f"{pair.name}: {_moved('minimum', what, old_min, new_min, unit)}")
    high_old = old_max if old_max is not None else float("inf")
    high_new = new_max if new_max is not None else float("inf")
    if high_new != high_old:
        lowered = high_new < high_old
        kind = (MAX_LENGTH_LOWERED if lowered else MAX_LENGTH_RAISED) if what == "length" else (MAX_VALUE_LOWERED if lowered else MAX_VALUE_RAISED)
        yield Finding(kind, "max", old_max, new_max, f"{pair.name}: {_moved('maximum', what, old_max, new_max, unit)}")


def _moved(bound: str, what: str, before: float | None, after: float | None, unit: str) -> str:
    """`the maximum length falls from 250 to 20 characters`, `a minimum value of 1 is set`."""
    if before is None:
        return f"a {bound} {what} of {_counted(after, unit)} is set"
    if after is None:
        return f"the {bound} {what} of {_counted(before, unit)} is removed"
    verb = "rises" if after > before else "falls"
    return f"the {bound} {what} {verb} from {before} to {_counted(after, unit)}"


_SINGULAR = {"characters": "character", "bytes": "byte", "items": "item", "entries": "entry"}


def _counted(value: float | None, unit: str) -> str:
    if not unit:
        return str(value)
    return f"{value} {_SINGULAR[unit] if value == 1 else unit}"


@detects(StringShape)
def _string(old: StringShape, new: StringShape, pair: Pair) -> Iterator[Finding]:
    before, after = old.pattern.source if old.pattern else None, new.pattern.source if new.pattern else None
    if before is None and after is not None:
        yield Finding(PATTERN_ADDED, "pattern", None, after, f"{pair.name}: values must now match {after}")
    elif before is not None and after is None:
        yield Finding(PATTERN_REMOVED, "pattern", before, None, f"{pair.name}: values no longer need to match {before}")
    elif before != after:
        yield Finding(PATTERN_CHANGED, "pattern", before, after, f"{pair.name}: the pattern changes from {before} to {after}")
    yield from _enum(old, new, pair)


def _enum(old: StringShape, new: StringShape, pair: Pair) -> Iterator[Finding]:
    before = [e.value for e in old.enum]
    after = {e.value: e.python_name for e in new.enum}
    if before and not after:
        yield Finding(ENUM_REMOVED, "enum", before, None, f"{pair.name} is no longer an enum: any text is valid, and models.{old.class_name} is no longer a StrEnum")
        return
    if after and not before:
        yield Finding(ENUM_ADDED, "enum", None, list(after), f"{pair.name} becomes an enum of {', '.join(after)}: other values are refused, and its Python type is the StrEnum models.{new.class_name}")
        return
    gone = {e.value: e.python_name for e in old.enum if e.value not in after}
    for value, python_name in gone.items():
        yield Finding(ENUM_VALUE_REMOVED, "enum", value, None, f"{pair.name} loses the value {value}: models.{old.class_name}.{python_name} is gone")
    for value, python_name in after.items():
        if value not in before:
            yield Finding(ENUM_VALUE_ADDED, "enum", None, value, f"{pair.name} gains the value {value} (models.{new.class_name}.{python_name}): readers with closed enums meet a value they do not know")
