"""What every package's lenient response reader shares: JSON type checks that read a value.

The generated wire.py holds one reader per structure, list and map; these read the values
inside them. Only JSON types are checked: constraints are not enforced, unknown enum values
stay plain strings, and unknown members are never looked at.
"""

from __future__ import annotations

import json
from enum import Enum
from typing import Any, TypeVar

from .validation import MAX_NESTING

_E = TypeVar("_E", bound=Enum)


class ResponseFormatError(ValueError):
    """The response body does not have the JSON types the spec says."""

    def __init__(self, path: str, expected: str) -> None:
        path = path.removeprefix(".")  # members of the top-level object come as ".name"
        self.path = path
        where = f"at '{path}'" if path else "at the top level"
        super().__init__(f"malformed response {where}: expected {expected}")


def within_nesting(depth: int, path: str) -> None:
    """A recursive shape's reader refuses values nested deeper than the validators allow."""
    if depth >= MAX_NESTING:
        raise ResponseFormatError(path, f"at most {MAX_NESTING} levels of nesting")


def as_string(value: Any, path: str) -> str:
    if type(value) is not str:
        raise ResponseFormatError(path, "a string")
    return value


def as_whole(value: Any, path: str) -> int:
    if type(value) is int:
        return value
    if type(value) is float and value.is_integer():
        return int(value)
    raise ResponseFormatError(path, "an integer")


def as_number(value: Any, path: str) -> float:
    if type(value) in (int, float):
        return float(value)
    raise ResponseFormatError(path, "a number")


def as_boolean(value: Any, path: str) -> bool:
    if type(value) is not bool:
        raise ResponseFormatError(path, "a boolean")
    return value


def as_enum(value: Any, path: str, enum_class: type[_E]) -> _E | str:
    text = as_string(value, path)
    try:
        return enum_class(text)
    except ValueError:
        return text


def as_object(value: Any, path: str) -> dict[str, Any]:
    if type(value) is not dict:
        raise ResponseFormatError(path, "an object")
    return value


def as_array(value: Any, path: str) -> list[Any]:
    if type(value) is not list:
        raise ResponseFormatError(path, "an array")
    return value


def as_json(body: bytes) -> Any:
    """The body parsed as JSON; ValueError when it is not JSON or nests too deeply."""
    try:
        return json.loads(body)
    except RecursionError:
        raise ValueError("the response body is nested too deeply to read") from None


def reader_for(readers: dict[str, Any], operation: str | None) -> Any:
    """The reader of `operation` in `readers`; None names the only one."""
    if operation is None and len(readers) == 1:
        return next(iter(readers.values()))
    if operation not in readers:
        raise ValueError(f"unknown operation {operation!r}; expected one of {sorted(readers)}")
    return readers[operation]
