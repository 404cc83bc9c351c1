"""templates/runtime/reader.py, directly: JSON types are checked, constraints are not."""

from __future__ import annotations

import enum

import pytest
from runtime import reader as r


class Color(enum.Enum):
    RED = "red"


@pytest.mark.parametrize(
    ("read", "good", "result", "bad", "expected"),
    [
        (r.as_string, "x", "x", 1, "a string"),
        (r.as_whole, 3.0, 3, 3.5, "an integer"),
        (r.as_whole, 2**70, 2**70, "1", "an integer"),
        (r.as_number, 1, 1.0, True, "a number"),
        (r.as_boolean, False, False, 0, "a boolean"),
        (r.as_object, {"a": 1}, {"a": 1}, [], "an object"),
        (r.as_array, [1], [1], {}, "an array"),
    ],
)
def test_each_reader_takes_its_json_type_only(read: object, good: object, result: object, bad: object, expected: str) -> None:
    assert read(good, ".x") == result  # type: ignore[operator]
    with pytest.raises(r.ResponseFormatError, match=f"malformed response at 'x': expected {expected}") as raised:
        read(bad, ".x")  # type: ignore[operator]
    assert raised.value.path == "x"


def test_unknown_enum_values_stay_text() -> None:
    assert r.as_enum("red", "c", Color) is Color.RED
    assert r.as_enum("mauve", "c", Color) == "mauve"
    with pytest.raises(r.ResponseFormatError, match="at the top level: expected a string"):
        r.as_enum(1, "", Color)


def test_a_body_nested_too_deeply_is_a_value_error() -> None:
    assert r.as_json(b'{"a": [1]}') == {"a": [1]}
    with pytest.raises(ValueError, match="nested too deeply"):
        r.as_json(b"[" * 100_000 + b"]" * 100_000)
    with pytest.raises(ValueError):
        r.as_json(b"{nope")


def test_a_reader_is_picked_by_operation() -> None:
    def read(obj: object) -> object:
        return obj

    assert r.reader_for({"A": read}, None) is read
    with pytest.raises(ValueError, match=r"unknown operation None; expected one of \['A', 'B'\]"):
        r.reader_for({"A": read, "B": read}, None)
