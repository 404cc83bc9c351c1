"""A corpus of instances derived from every constraint in the IR, for differential tests.

Starting from a valid instance, each location is mutated at its shape's boundaries
(min-1, min, max, max+1), with its pattern broken, its enum missed, required members dropped,
members set to null and wrong JSON types. Nothing here is specific to one service.
"""

from __future__ import annotations

import base64
import copy
from collections.abc import Iterator
from typing import Any

from generator.ir import (
    BlobShape,
    ListShape,
    MapShape,
    NumberShape,
    Service,
    Shape,
    StringShape,
    StructureShape,
    TimestampShape,
    UnionShape,
)

WRONG_TYPES: tuple[Any, ...] = (None, True, 7, 2.5, "text", [], {})
PATTERN_BREAKERS = ("$", "\n", " ", "é", "\u0661", "\u2028", "\U0001f600", "ǅ")

Path = tuple[str | int, ...]


def mutants(service: Service, root: str, valid: Any) -> Iterator[Any]:
    """Instances derived from `valid` (an instance of shape `root`); includes `valid` itself."""
    yield valid
    yield from WRONG_TYPES
    for path, shape in _locations(service, service.shape(root), valid, ()):
        for replacement in _replacements(service, shape, get_at(valid, path)):
            yield put_at(valid, path, replacement)
        if path and isinstance(path[-1], str):
            yield put_at(valid, path, DROP)


def blob_mutants(service: Service, root: str, valid: Any) -> Iterator[tuple[BlobShape, str, Any]]:
    """`valid` with each blob in it replaced by each of blob_texts: (shape, text, instance)."""
    for path, shape in _locations(service, service.shape(root), valid, ()):
        if isinstance(shape, BlobShape):
            for text in blob_texts(shape):
                yield shape, text, put_at(valid, path, text)


def blob_is_valid(shape: BlobShape, text: str) -> bool:
    """The oracle, from Python's base64: canonical text (what the encoder writes back) of a
    number of bytes within the shape's bounds."""
    try:
        data = base64.b64decode(text, validate=True)
    except ValueError:
        return False
    low, high = shape.min_length or 0, shape.max_length
    return base64.b64encode(data).decode("ascii") == text and low <= len(data) <= (len(data) if high is None else high)


def _locations(service: Service, shape: Shape, value: Any, path: Path) -> Iterator[tuple[Path, Shape]]:
    yield path, shape
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for member in shape.members:
            member_shape = service.shape(member.shape)
            if member.wire_name in value:
                yield from _locations(service, member_shape, value[member.wire_name], path + (member.wire_name,))
            else:
                for example in _fillers(service, member_shape):
                    yield path + (member.wire_name,), member_shape
                    break
    elif isinstance(shape, ListShape) and isinstance(value, list):
        for index, item in enumerate(value):
            yield from _locations(service, service.shape(shape.member), item, path + (index,))
    elif isinstance(shape, MapShape) and isinstance(value, dict):
        for key, item in value.items():
            yield from _locations(service, service.shape(shape.value), item, path + (key,))


def _replacements(service: Service, shape: Shape, current: Any) -> Iterator[Any]:
    yield from WRONG_TYPES
    if isinstance(shape, StringShape):
        seed = current if isinstance(current, str) and current else _string_filler(shape)
        for length in _boundaries(shape.min_length, shape.max_length):
            yield (seed * (length // max(len(seed), 1) + 1))[:length]
        if shape.pattern:
            for breaker in PATTERN_BREAKERS:
                yield seed + breaker
                yield breaker + seed
        for value in shape.enum:
            yield value.value
            yield value.value.lower()
            yield value.value + " "
    elif isinstance(shape, NumberShape):
        for bound in (shape.minimum, shape.maximum):
            if bound is not None:
                yield from (bound - 1, bound, bound + 1)
        low, high = shape.wire_range or (None, None)
        if low is not None and high is not None:
            yield from (low - 1, low, high, high + 1, 2**64, -(2**64))
        yield from (0, -1, 1.5, 3.0, 1e300)
    elif isinstance(shape, ListShape):
        member_values = list(_fillers(service, service.shape(shape.member)))
        item = current[0] if isinstance(current, list) and current else (member_values[0] if member_values else None)
        for length in _boundaries(shape.min_length, shape.max_length, 3):
            yield [copy.deepcopy(item) for _ in range(length)]
        yield [None]
        yield [item, 5]
    elif isinstance(shape, MapShape):
        value_fillers = list(_fillers(service, service.shape(shape.value)))
        value = value_fillers[0] if value_fillers else "v"
        key_shape = service.shape(shape.key)
        assert isinstance(key_shape, StringShape)
        for length in _boundaries(shape.min_length, shape.max_length, 3):
            yield {f"k{i}": copy.deepcopy(value) for i in range(length)}
        for key_length in _boundaries(key_shape.min_length, key_shape.max_length):
            yield {"k" * key_length: copy.deepcopy(value)}
        yield {"key": None}
        yield {"key": 5}
        for bad in _replacements(service, service.shape(shape.value), value):
            yield {"key": bad}
    elif isinstance(shape, StructureShape):
        yield {}
        yield {"__type": "Unknown", "unknownMember": [1]}
        if isinstance(shape, UnionShape) and len(shape.members) > 1:
            first, second = (next(_fillers(service, service.shape(m.shape))) for m in shape.members[:2])
            yield {shape.members[0].wire_name: first, shape.members[1].wire_name: second}
            yield {shape.members[0].wire_name: first, shape.members[1].wire_name: None}
    elif isinstance(shape, BlobShape):
        yield from blob_texts(shape)
    elif isinstance(shape, TimestampShape):
        yield from (-62135596801, -62135596800, 253402300799, 253402300800, 1e300, 1398796238.25, "1398796238")
        yield from ("2014-04-29T18:30:38Z", "2014-04-29T18:30:38.5+02:00", "2014-04-29T18:30:38Z\n", "2014-04-29", "2014-04-29 18:30:38Z")
        yield from ("Tue, 29 Apr 2014 18:30:38 GMT", "Tue, 29 Apr 2014 18:30:38 +0000", "Tue, 29 Apr 2014 18:30:38 GMT\n")


# Bytes whose base64 uses every kind of character (+ and / too), cut to any length.
_BLOB_BYTES = bytes(range(256)) * 4 + b"\xfb\xff\xbf" * 400


def blob_of(size: int) -> str:
    return base64.b64encode(_BLOB_BYTES[:size] if size <= len(_BLOB_BYTES) else b"\xfb" * size).decode("ascii")


def blob_texts(shape: BlobShape) -> Iterator[str]:
    """Canonical base64 at the byte bounds and next to them, and texts that are not
    canonical base64: padding missing, extra or in the middle, unused bits set, the URL-safe
    alphabet, whitespace, a length that is no multiple of four, non-ASCII."""
    for size in _boundaries(shape.min_length, shape.max_length, 5):
        yield blob_of(size)
    for size in (1, 2, 3, 4, 5):
        text = blob_of(size)
        yield text.rstrip("=")
        yield text + "="
        yield text + "=="
        yield text[:-1] + "=" if not text.endswith("=") else text[:-3] + "=" + text[-2:]
    yield from ("QR==", "QUJ=", "QUI=", "QQ==", "QQ=", "Q===", "====", "=", "QQ==QQ==", "AAAA====")
    yield from ("-_-_", "+/+/", "AA AA", "AAAA\n", "\nAAAA", "AAAA ", "AAA\u00e9", "AAAA\u2028", "\U0001f600AA")


def _boundaries(low: int | None, high: int | None, default_high: int = 0) -> list[int]:
    found = {0, 1}
    for bound in (low, high):
        if bound is not None:
            found.update(b for b in (bound - 1, bound, bound + 1) if b >= 0)
    if high is None and default_high:
        found.add(default_high)
    return sorted(b for b in found if b <= 5000)


def _string_filler(shape: StringShape) -> str:
    if shape.enum:
        return shape.enum[0].value
    return "a1"


def _fillers(service: Service, shape: Shape) -> Iterator[Any]:
    """A plausible value for a shape the valid instance does not set (it may be invalid)."""
    if isinstance(shape, StringShape):
        yield _string_filler(shape)
    elif isinstance(shape, NumberShape):
        yield shape.minimum if shape.minimum is not None else 1
    elif isinstance(shape, ListShape):
        yield []
    elif isinstance(shape, (MapShape, StructureShape)):
        yield {}
    elif isinstance(shape, BlobShape):
        yield blob_of(shape.min_length or 0)
    elif shape.kind == "boolean":
        yield True
    else:
        yield 1


class _Drop:
    pass


DROP = _Drop()


def get_at(value: Any, path: Path) -> Any:
    for part in path:
        if (isinstance(value, dict) and part in value) or (isinstance(value, list) and isinstance(part, int) and part < len(value)):
            value = value[part]
        else:
            return None
    return value


def put_at(valid: Any, path: Path, replacement: Any) -> Any:
    """A copy of `valid` with the value at `path` replaced (or dropped, with DROP)."""
    if not path:
        return copy.deepcopy(replacement)
    result = copy.deepcopy(valid)
    target = result
    for part in path[:-1]:
        target = target[part]
    if replacement is DROP:
        target.pop(path[-1], None)
    else:
        target[path[-1]] = copy.deepcopy(replacement)
    return result


def has_integral_float(value: Any) -> bool:
    """Whether a float like 5.0 is anywhere in the value (pydantic's strict mode refuses
    those as integers, where JSON Schema, JavaScript and the validators accept them)."""
    if isinstance(value, float):
        return value.is_integer()
    if isinstance(value, list):
        return any(has_integral_float(v) for v in value)
    if isinstance(value, dict):
        return any(has_integral_float(v) for v in value.values())
    return False


def has_lone_surrogate(value: Any) -> bool:
    """Whether a string or key holds half a surrogate pair ("\\ud800"): JSON can carry one as
    an escape, Python's json and jsonschema accept it, pydantic-core's JSON parser refuses it.
    Iterative, so deeply nested values are safe."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if any("\ud800" <= c <= "\udfff" for c in item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False
