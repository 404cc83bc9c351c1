"""Instances for checking the exports in other languages, built from the IR alone.

`complete_instance` sets every member of every structure (the documented samples leave many
out), so the constraint corpus reaches each shape. `unicode_probes` puts awkward strings at
every string location and map key: astral characters at the length bounds (lengths count
code points), lone surrogates, line terminators and NUL next to valid text.
"""

from __future__ import annotations

import base64
import copy
import itertools
import re
import string
from collections.abc import Iterator
from typing import Any

from hypothesis import Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from generator.ir import (
    BlobShape,
    DocumentShape,
    ListShape,
    MapShape,
    NumberShape,
    Service,
    Shape,
    StringShape,
    StructureShape,
    UnionShape,
)

from .corpus import blob_of, get_at, put_at

ASTRAL = "\U0001f600"
AWKWARD = ("\ud800", "\udc00", "\n", "\r", "\u2028", "\u0085", "\x00", "\u00e9", "\u0661", ASTRAL)
MAX_DEPTH = 8

Path = tuple[str | int, ...]


def complete_instance(service: Service, shape: Shape, depth: int = 0) -> Any:
    """A valid value with every structure member set (a union's first), one item per list and map."""
    if isinstance(shape, UnionShape):
        first = shape.members[0]
        return {first.wire_name: complete_instance(service, service.shape(first.shape), depth + 1)}
    if isinstance(shape, DocumentShape):
        return {"kept": ["as", 1, None, True]}
    if isinstance(shape, StructureShape):
        if depth > MAX_DEPTH:
            return {}
        return {m.wire_name: complete_instance(service, service.shape(m.shape), depth + 1) for m in shape.members}
    if isinstance(shape, ListShape):
        item = complete_instance(service, service.shape(shape.member), depth + 1)
        return [copy.deepcopy(item) for _ in range(max(shape.min_length or 0, 1))][: _most(shape.max_length)]
    if isinstance(shape, MapShape):
        value = complete_instance(service, service.shape(shape.value), depth + 1)
        key_shape = service.shape(shape.key)
        wanted = min(max(shape.min_length or 0, 1), _most(shape.max_length))
        keys = distinct_strings(key_shape, wanted) if isinstance(key_shape, StringShape) else [complete_instance(service, key_shape, depth + 1)][:wanted]
        return {key: copy.deepcopy(value) for key in keys}
    if isinstance(shape, StringShape):
        return valid_string(shape)
    if isinstance(shape, NumberShape):
        return shape.minimum if shape.minimum is not None else min(1, shape.maximum if shape.maximum is not None else 1)
    if isinstance(shape, BlobShape):
        return blob_of(min(max(shape.min_length or 0, 3), _most(shape.max_length)))
    return True if shape.kind == "boolean" else 1700000000


def valid_near(service: Service, shape: Shape, depth: int = 0) -> st.SearchStrategy[Any]:
    """Instances that are mostly valid: pattern-made strings (with any Unicode where the
    pattern allows it), numbers in range, members sometimes left out or null."""
    if isinstance(shape, StringShape):
        if shape.enum:
            return st.sampled_from([e.value for e in shape.enum])
        low, high = shape.min_length or 0, min(_most(shape.max_length), 80)
        if shape.pattern is None:
            return st.text(min_size=low, max_size=high)
        made = st.from_regex(re.compile(shape.pattern.python, re.ASCII), fullmatch=True)
        return made.filter(lambda s: low <= len(s) <= high)
    if isinstance(shape, NumberShape):
        low = shape.low if shape.minimum is None else max(shape.low, int(shape.minimum))
        high = shape.high if shape.maximum is None else min(shape.high, int(shape.maximum))
        return st.integers(low, high) if shape.is_whole else st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(shape, ListShape):
        items = valid_near(service, service.shape(shape.member), depth + 1)
        return st.lists(items, min_size=shape.min_length or 0, max_size=min(_most(shape.max_length), 3))
    if isinstance(shape, MapShape):
        keys = valid_near(service, service.shape(shape.key), depth + 1)
        values = valid_near(service, service.shape(shape.value), depth + 1)
        return st.dictionaries(keys, values, min_size=shape.min_length or 0, max_size=min(_most(shape.max_length), 3))
    if isinstance(shape, StructureShape):
        if depth > MAX_DEPTH:
            return st.just({})
        members = {m.wire_name: valid_near(service, service.shape(m.shape), depth + 1) for m in shape.members}
        required = {m.wire_name for m in shape.members if m.required}
        optional = {k: st.one_of(v, v, st.none()) for k, v in members.items() if k not in required}
        return st.fixed_dictionaries({k: v for k, v in members.items() if k in required}, optional=optional)
    if isinstance(shape, BlobShape):
        sizes = st.integers(shape.min_length or 0, min(_most(shape.max_length), 64))
        return sizes.flatmap(lambda size: st.binary(min_size=size, max_size=size)).map(
            lambda data: base64.b64encode(data).decode("ascii")
        )
    return st.booleans() if shape.kind == "boolean" else st.integers(0, 2**33)


def distinct_strings(shape: StringShape, count: int) -> list[str]:
    """`count` different valid strings (a map's keys, when it must have several)."""
    if shape.enum:
        return [e.value for e in shape.enum][:count]
    found = [valid_string(shape)][:count]
    if len(found) < count and shape.pattern is None:
        letters = itertools.product(string.ascii_lowercase, repeat=shape.min_length or 1)
        return ["".join(next(letters)) for _ in range(count)]
    strings = st.from_regex(re.compile(shape.pattern.python, re.ASCII), fullmatch=True) if shape.pattern else st.nothing()
    quick = settings(database=None, derandomize=True, phases=[Phase.generate], max_examples=2000)
    low, high = shape.min_length or 1, _most(shape.max_length)
    while len(found) < count:
        found.append(find(strings, lambda s: low <= len(s) <= high and s not in found, settings=quick))
    return found


def valid_string(shape: StringShape) -> str:
    if shape.enum:
        return shape.enum[0].value
    low, high = shape.min_length or 1, _most(shape.max_length)
    if shape.pattern is None:
        return "a" * low
    compiled = re.compile(shape.pattern.python, re.ASCII)
    strings = st.from_regex(compiled, fullmatch=True)
    quick = settings(database=None, derandomize=True, phases=[Phase.generate], max_examples=2000)
    try:
        found: str = find(strings, lambda s: low <= len(s) <= high, settings=quick)
    except NoSuchExample:
        # from_regex seldom reaches long lengths (`^[a-f0-9]+$` with min 64): one character of
        # a short match, repeated to the minimum length, fits a repeated class.
        short: str = find(strings, lambda s: len(s) > 0, settings=quick)
        repeated = [c * low for c in dict.fromkeys(short) if compiled.fullmatch(c * low)]
        if not repeated:
            raise
        return repeated[0]
    return found


def unicode_probes(service: Service, root: str, valid: Any) -> Iterator[Any]:
    for path, shape in _string_locations(service, service.shape(root), valid, ()):
        current = get_at(valid, path)
        if isinstance(shape, MapShape):
            key_shape = service.shape(shape.key)
            assert isinstance(key_shape, StringShape)
            first = next(iter(current.values()))
            for text in _probe_strings(key_shape, next(iter(current))):
                yield put_at(valid, path, {text: copy.deepcopy(first)})
        else:
            assert isinstance(shape, StringShape)
            for text in _probe_strings(shape, current):
                yield put_at(valid, path, text)


def _probe_strings(shape: StringShape, seed: str) -> Iterator[str]:
    bounds = {shape.min_length or 1, *([shape.max_length, shape.max_length + 1] if shape.max_length else [])}
    for length in sorted(bounds):
        if length <= 2100:
            yield ASTRAL * length
            yield "\u00e9" * length
    for char in AWKWARD:
        yield seed + char
        yield char + seed
        yield seed[:-1] + char if seed else char


def _string_locations(service: Service, shape: Shape, value: Any, path: Path) -> Iterator[tuple[Path, Shape]]:
    if isinstance(shape, StringShape) and isinstance(value, str):
        yield path, shape
    elif isinstance(shape, StructureShape) and isinstance(value, dict):
        for member in shape.members:
            if member.wire_name in value:
                yield from _string_locations(
                    service, service.shape(member.shape), value[member.wire_name], path + (member.wire_name,)
                )
    elif isinstance(shape, ListShape) and isinstance(value, list) and value:
        yield from _string_locations(service, service.shape(shape.member), value[0], path + (0,))
    elif isinstance(shape, MapShape) and isinstance(value, dict) and value:
        yield path, shape
        key = next(iter(value))
        yield from _string_locations(service, service.shape(shape.value), value[key], path + (key,))


def _most(bound: int | None) -> int:
    return bound if bound is not None else 10**9
