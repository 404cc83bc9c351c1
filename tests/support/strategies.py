"""Hypothesis strategies for JSON values near a shape: mostly plausible, often slightly wrong.

With `python_names=True`, structures also get members under their Python names
(`max_batch_size` beside `maxBatchSize`), which the wire does not know: a server must ignore
them as unknown members, whatever their values.
"""

from __future__ import annotations

import base64
import re
from typing import Any

from hypothesis import strategies as st

from generator.ir import BlobShape, ListShape, MapShape, NumberShape, Service, Shape, StringShape, StructureShape

BASE64_ISH = "AQgwBCE+/=-_ \n"  # base64 characters, padding, the URL-safe ones and spaces
TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
WRONG = st.one_of(st.none(), st.booleans(), st.integers(-5, 5), st.floats(allow_nan=False, allow_infinity=False), TEXT, st.just([]), st.just({}))


def json_near(service: Service, shape: Shape, depth: int = 0, *, python_names: bool = False) -> st.SearchStrategy[Any]:
    plausible = _plausible(service, shape, depth, python_names)
    return st.one_of(plausible, WRONG) if depth else plausible


def _plausible(service: Service, shape: Shape, depth: int, python_names: bool) -> st.SearchStrategy[Any]:
    if isinstance(shape, StringShape):
        choices: list[st.SearchStrategy[Any]] = [TEXT]
        if shape.pattern:
            choices.append(st.from_regex(re.compile(shape.pattern.python, re.ASCII), fullmatch=True))
        if shape.enum:
            choices.append(st.sampled_from([e.value for e in shape.enum]))
        if shape.max_length is not None:
            choices.append(st.text(alphabet="abcXYZ019_-", min_size=max((shape.min_length or 0) - 1, 0), max_size=shape.max_length + 1))
        return st.one_of(choices)
    if isinstance(shape, NumberShape):
        low = shape.minimum if shape.minimum is not None else (shape.wire_range or (-(2**70), 0))[0]
        high = shape.maximum if shape.maximum is not None else (shape.wire_range or (0, 2**70))[1]
        if shape.is_whole:
            return st.one_of(st.integers(int(low) - 2, int(high) + 2), st.integers(), st.sampled_from([low - 1, low, high, high + 1]))
        return st.floats(allow_nan=False, allow_infinity=False)
    if isinstance(shape, ListShape):
        high = (shape.max_length if shape.max_length is not None else 3) + 1
        return st.lists(json_near(service, service.shape(shape.member), depth + 1, python_names=python_names), max_size=min(high, 5))
    if isinstance(shape, MapShape):
        high = (shape.max_length if shape.max_length is not None else 2) + 1
        keys = _plausible(service, service.shape(shape.key), depth + 1, python_names).filter(lambda k: isinstance(k, str))
        values = json_near(service, service.shape(shape.value), depth + 1, python_names=python_names)
        return st.dictionaries(keys, values, max_size=min(high, 4))
    if isinstance(shape, StructureShape):
        members = {m.wire_name: json_near(service, service.shape(m.shape), depth + 1, python_names=python_names) for m in shape.members}
        required = {m.wire_name for m in shape.members if m.required}
        unknown = (
            {m.python_name: members[m.wire_name] for m in shape.members if m.python_name != m.wire_name}
            if python_names
            else {}
        )
        complete = st.fixed_dictionaries(
            {k: v for k, v in members.items() if k in required},
            optional={**{k: v for k, v in members.items() if k not in required}, **unknown},
        )
        loose = st.fixed_dictionaries({}, optional={**members, **unknown})
        return st.one_of(complete, complete, loose)
    if isinstance(shape, BlobShape):
        high = (shape.max_length if shape.max_length is not None else 8) + 2
        sizes = st.integers(max((shape.min_length or 0) - 2, 0), high)
        encoded = sizes.flatmap(lambda size: st.binary(min_size=size, max_size=size)).map(lambda data: base64.b64encode(data).decode("ascii"))
        return st.one_of(encoded, encoded.map(lambda text: text.rstrip("=")), st.text(alphabet=BASE64_ISH, max_size=12), TEXT)
    if shape.kind == "boolean":
        return st.booleans()
    return st.floats(allow_nan=False, allow_infinity=False)
