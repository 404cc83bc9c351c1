"""What every package's lenient response reader shares: JSON type checks that read a value.

The generated wire.py holds one reader per structure, list and map; these read the values
inside them. Only JSON types are checked: constraints are not enforced, unknown enum values
stay plain strings, and unknown members are never looked at.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime
from enum import Enum
from typing import Any, TypeVar

from .java_text import double_value
from .validation import MAX_NESTING, NON_FINITE_TEXTS

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
    """A number, or NaN or an infinity as AWS JSON writes them ("NaN", "Infinity",
    "-Infinity")."""
    if type(value) in (int, float) or (type(value) is str and value in NON_FINITE_TEXTS):
        return double_value(value)
    raise ResponseFormatError(path, "a number")


def as_boolean(value: Any, path: str) -> bool:
    if type(value) is not bool:
        raise ResponseFormatError(path, "a boolean")
    return value


def as_timestamp(value: Any, path: str) -> datetime:
    """Epoch seconds or a date string in any form botocore's parser reads (whatever the
    shape's declared format: responses are read leniently), or a datetime (a handler's)."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if type(value) in (int, float, str):
        # botocore is there already (the credential chain); imported when first needed.
        from botocore.utils import parse_timestamp  # type: ignore[import-untyped]

        try:
            parsed: datetime = parse_timestamp(value)
        except (ValueError, TypeError, OverflowError, OSError):
            pass
        else:
            # A date string without an offset is UTC (botocore leaves it naive).
            return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    raise ResponseFormatError(path, "a timestamp")


def as_blob(value: Any, path: str) -> bytes:
    """Base64 text, decoded as botocore does (padding and alphabet checked, no more), or bytes."""
    if isinstance(value, bytes):
        return value
    if type(value) is str:
        try:
            return base64.b64decode(value)
        except (binascii.Error, ValueError):
            pass
    raise ResponseFormatError(path, "a base64 string")


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
