"""Instances for whole services, sized by the number of shapes rather than the number of
places a shape is used.

`covering_instance` sets every member of every structure (a union's first), one item per list
and map; a shape met again below itself gets its smallest valid instance instead, so recursive
shapes end after one full level. `covering_corpus` mutates each shape once per direction
(requests, responses): at the shallowest place it occupies in the smallest instance that
holds it, with every replacement `corpus._replacements` makes for its constraints; each
structure there also has each member dropped and each set to null. Around the place, a
mutant holds only what leads to it and what the constraints require, so each is validated
whole but costs little. Every instance is yielded with the root it belongs to.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator, Sequence
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

from .corpus import DROP, WRONG_TYPES, Path, _replacements, blob_of, put_at
from .export_corpus import _most, distinct_strings, valid_string


def covering_instance(service: Service, shape: Shape, above: frozenset[str] = frozenset()) -> Any:
    """A valid value with every member set, down to the first repeat of a shape."""
    if shape.name in above:
        return smallest_instance(service, shape, above)
    below = above | {shape.name}
    if isinstance(shape, UnionShape):
        first = shape.members[0]
        return {first.wire_name: covering_instance(service, service.shape(first.shape), below)}
    if isinstance(shape, StructureShape):
        return {m.wire_name: covering_instance(service, service.shape(m.shape), below) for m in shape.members}
    if isinstance(shape, ListShape):
        item = covering_instance(service, service.shape(shape.member), below)
        return [copy.deepcopy(item) for _ in range(max(shape.min_length or 0, 1))][: _most(shape.max_length)]
    if isinstance(shape, MapShape):
        value = covering_instance(service, service.shape(shape.value), below)
        return {key: copy.deepcopy(value) for key in _keys(service, shape, max(shape.min_length or 0, 1))}
    return _scalar(shape)


def smallest_instance(service: Service, shape: Shape, above: frozenset[str]) -> Any:
    """A valid value with only what the constraints require (a union's first member that does
    not lead back into `above`)."""
    below = above | {shape.name}
    if isinstance(shape, UnionShape):
        for member in shape.members:
            if member.shape not in above:
                return {member.wire_name: smallest_instance(service, service.shape(member.shape), below)}
        raise ValueError(f"union {shape.name} has no finite valid instance")
    if isinstance(shape, StructureShape):
        required = [m for m in shape.members if m.required]
        if any(m.shape in below for m in required):
            raise ValueError(f"structure {shape.name} requires itself")
        return {m.wire_name: smallest_instance(service, service.shape(m.shape), below) for m in required}
    if isinstance(shape, ListShape):
        count = shape.min_length or 0
        return [smallest_instance(service, service.shape(shape.member), below) for _ in range(count)]
    if isinstance(shape, MapShape):
        count = shape.min_length or 0
        keys = _keys(service, shape, count) if count else []
        return {key: smallest_instance(service, service.shape(shape.value), below) for key in keys}
    return _scalar(shape)


def _keys(service: Service, shape: MapShape, wanted: int) -> list[str]:
    key_shape = service.shape(shape.key)
    assert isinstance(key_shape, StringShape)
    return distinct_strings(key_shape, min(wanted, _most(shape.max_length)))


_STRINGS: dict[StringShape, str] = {}  # hypothesis finds a pattern's string slowly: once per shape
_QUICK = settings(database=None, derandomize=True, phases=[Phase.generate], max_examples=200)


def _pattern_string(shape: StringShape) -> str:
    """A short match, or one of its characters repeated to the minimum length (`^[a-f0-9]+$`
    with min 64), before export_corpus.valid_string's search for a long match (seconds)."""
    assert shape.pattern is not None
    low, high = shape.min_length or 1, _most(shape.max_length)
    compiled = re.compile(shape.pattern.python, re.ASCII)
    short = _short_match(compiled)
    if short is None:
        return valid_string(shape)
    fits = [text for text in (short, *(c * low for c in dict.fromkeys(short))) if low <= len(text) <= high]
    return next((text for text in fits if compiled.fullmatch(text)), None) or valid_string(shape)


_SHORT_MATCHES: dict[str, str | None] = {}  # by pattern: AWS services repeat theirs (Glue: 109 shapes, 64 patterns)


def _short_match(compiled: re.Pattern[str]) -> str | None:
    """hypothesis's match of the pattern (derandomized: the same for the same pattern), or None."""
    if compiled.pattern not in _SHORT_MATCHES:
        try:
            _SHORT_MATCHES[compiled.pattern] = find(st.from_regex(compiled, fullmatch=True), lambda s: len(s) > 0, settings=_QUICK)
        except NoSuchExample:
            _SHORT_MATCHES[compiled.pattern] = None
    return _SHORT_MATCHES[compiled.pattern]


def _scalar(shape: Shape) -> Any:
    if isinstance(shape, StringShape) and not shape.enum and shape.pattern is not None:
        if shape not in _STRINGS:
            _STRINGS[shape] = _pattern_string(shape)
        return _STRINGS[shape]
    if isinstance(shape, DocumentShape):
        return {"kept": ["as", 1, None, True]}
    if isinstance(shape, StringShape):
        return valid_string(shape)
    if isinstance(shape, NumberShape):
        return shape.minimum if shape.minimum is not None else min(1, shape.maximum if shape.maximum is not None else 1)
    if isinstance(shape, BlobShape):
        return blob_of(min(max(shape.min_length or 0, 3), _most(shape.max_length)))
    return True if shape.kind == "boolean" else 1700000000


def _places(
    service: Service, shape: Shape, value: Any, path: Path, above: frozenset[str]
) -> Iterator[tuple[Path, Shape, frozenset[str]]]:
    yield path, shape, above
    below = above | {shape.name}
    if isinstance(shape, StructureShape) and isinstance(value, dict):
        for member in shape.members:
            if member.wire_name in value:
                member_shape = service.shape(member.shape)
                yield from _places(service, member_shape, value[member.wire_name], (*path, member.wire_name), below)
    elif isinstance(shape, ListShape) and isinstance(value, list) and value:
        yield from _places(service, service.shape(shape.member), value[0], (*path, 0), below)
    elif isinstance(shape, MapShape) and isinstance(value, dict) and value:
        key = next(iter(value))
        yield from _places(service, service.shape(shape.value), value[key], (*path, key), below)


def _slim(service: Service, shape: Shape, value: Any, path: Path, above: frozenset[str]) -> Any:
    """`value` cut down to what leads to `path`: above the place, only what the constraints
    require besides the way down (so each mutant is validated whole, but small); at the place,
    the value as it was."""
    if not path:
        return value
    head, rest = path[0], path[1:]
    below = above | {shape.name}
    if isinstance(shape, StructureShape):
        member = next(m for m in shape.members if m.wire_name == head)
        kept = {} if isinstance(shape, UnionShape) else smallest_instance(service, shape, above)
        kept[head] = _slim(service, service.shape(member.shape), value[head], rest, below)
        return kept
    if isinstance(shape, ListShape):
        member_shape = service.shape(shape.member)
        others = [smallest_instance(service, member_shape, below) for _ in range((shape.min_length or 1) - 1)]
        return [_slim(service, member_shape, value[head], rest, below), *others]
    assert isinstance(shape, MapShape)
    value_shape, wanted = service.shape(shape.value), shape.min_length or 0
    others = [k for k in _keys(service, shape, wanted) if k != head][: max(wanted - 1, 0)]
    slim = {head: _slim(service, value_shape, value[head], rest, below)}
    return {**slim, **{k: smallest_instance(service, value_shape, below) for k in others}}


def _at(value: Any, path: Path) -> Any:
    for part in path:
        value = value[part]
    return value


def _missing(shape: Shape, value: Any) -> int:
    """How many members a structure's value leaves out (a union's one member counts as all)."""
    if isinstance(shape, UnionShape) or not isinstance(shape, StructureShape) or not isinstance(value, dict):
        return 0
    return sum(m.wire_name not in value for m in shape.members)


def covering_corpus(service: Service, roots: Sequence[tuple[str, str, Any]]) -> Iterator[tuple[str, Any]]:
    """(root, instance) pairs, from `roots`: (root shape, direction, valid instance of it).

    Besides the given instances, each union is given each other member once per direction
    (a valid variant of the instance that holds it), so that every member's shape is reached."""
    bases = list(roots)
    expanded: set[tuple[str, str]] = set()
    chosen: dict[tuple[str, str], tuple[tuple[int, int, int, int], int, Path, Shape]] = {}
    index = 0
    while index < len(bases):
        root, direction, valid = bases[index]
        size = len(json.dumps(valid))
        for path, shape, above in _places(service, service.shape(root), valid, (), frozenset()):
            current = _at(valid, path)
            rank = (_missing(shape, current), size, len(path), index)
            key = (direction, shape.name)
            if key not in chosen or rank < chosen[key][0]:
                chosen[key] = (rank, index, path, shape)
            if isinstance(shape, UnionShape) and key not in expanded:
                expanded.add(key)
                for member in shape.members:
                    if member.wire_name not in current:
                        held = covering_instance(service, service.shape(member.shape), above | {shape.name})
                        bases.append((root, direction, put_at(valid, path, {member.wire_name: held})))
        index += 1
    for root, _, valid in bases:
        yield root, valid
    for root, _, _ in roots:
        for value in WRONG_TYPES:
            yield root, value
    for _, (_, index, path, shape) in sorted(chosen.items(), key=lambda item: item[0]):
        root, _, full = bases[index]
        valid = _slim(service, service.shape(root), full, path, frozenset())
        current = _at(valid, path)
        for replacement in _replacements(service, shape, current):
            yield root, put_at(valid, path, replacement)
        if isinstance(shape, StructureShape) and isinstance(current, dict):
            for member in shape.members:
                if member.wire_name in current:
                    yield root, put_at(valid, (*path, member.wire_name), DROP)
                    yield root, put_at(valid, (*path, member.wire_name), None)
