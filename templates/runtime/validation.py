"""What every package's validators share: violations, AWS's message, the checks' helpers.

The generated validators.py holds one specialised check per shape; these are the pieces
those checks call, and the names the package offers (`Violation`, `ValidationFailedError`,
`format_message`). Values of sensitive shapes are never echoed.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from typing import Any, Final, TypeVar

# Re-exported (but `show`): the generated validators import every helper from this module.
from .java_text import MAX_ECHOED_CHARS as MAX_ECHOED_CHARS  # noqa: PLC0414
from .java_text import double_value as double_value  # noqa: PLC0414
from .java_text import numbers_shown as numbers_shown  # noqa: PLC0414
from .java_text import show
from .patterns import LinearPattern as LinearPattern  # noqa: PLC0414
from .patterns import matching as matching  # noqa: PLC0414

MAX_LISTED_VIOLATIONS: Final = 10
# How deeply a recursive shape may nest within itself (objects and arrays, counted from the
# first value of a shape a cycle passes through): deeper values are refused as a
# SerializationException, before Python's recursion limit could be reached.
MAX_NESTING: Final = 100
_M = TypeVar("_M")


@dataclass(frozen=True, slots=True)
class Violation:
    """One problem: `path` is the dotted wire path (lists as `jobs.1.member`).

    `kind` is "constraint" for AWS ValidationException material and "type" when the
    JSON value has the wrong type (AWS answers those with SerializationException).
    """

    path: str
    message: str
    kind: str = "constraint"


class ValidationFailedError(ValueError):
    """Raised by the `check_*` functions; `str()` is AWS's ValidationException message."""

    def __init__(self, violations: list[Violation]) -> None:
        self.violations = violations
        super().__init__(format_message(violations))


def format_message(violations: list[Violation]) -> str:
    """`N validation error(s) detected: ...; ...`, listing at most ten, as AWS does."""
    count = len(violations)
    listed = "; ".join(v.message for v in violations[:MAX_LISTED_VIOLATIONS])
    return f"{count} validation error{'' if count == 1 else 's'} detected: {listed}"


def validator_for(table: dict[str, Any], operation: str | None) -> Any:
    """The validator of `operation` in `table`; None names the only one."""
    if operation is None:
        if len(table) != 1:
            raise ValueError(f"this service has several operations; name one of {sorted(table)}")
        return next(iter(table.values()))
    try:
        return table[operation]
    except KeyError:
        raise ValueError(
            f"unknown operation {operation!r}; expected one of {sorted(table)}"
        ) from None


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if type(value) is ByteStringText:
        return "byte string"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _where(path: str) -> str:
    return f"at '{path}'" if path else "at the top level"


def violation(out: list[Violation], path: str, value: Any, phrase: str, sensitive: bool) -> None:
    shown = "Value" if sensitive else f"Value '{show(value)}'"
    out.append(Violation(path, f"{shown} at '{path}' failed to satisfy constraint: {phrase}"))


def null(out: list[Violation], path: str) -> None:
    out.append(
        Violation(
            path,
            f"Value null at '{path}' failed to satisfy constraint: Member must not be null",
        )
    )


def wrong_type(out: list[Violation], path: str, value: Any, expected: str) -> None:
    out.append(
        Violation(
            path,
            f"Unexpected {_json_type(value)} {_where(path)}: expected {expected}",
            "type",
        )
    )


def too_deep(out: list[Violation], path: str) -> None:
    message = f"Value {_where(path)} is nested too deeply: at most {MAX_NESTING} levels are allowed"
    out.append(Violation(path, message, "type"))


def not_one_member(out: list[Violation], path: str, count: int) -> None:
    # A union with no member or several cannot be read: a SerializationException, as for a wrong type.
    message = f"Union {_where(path)} must have exactly one member set, not {count}"
    out.append(Violation(path, message, "type"))


def exactly_one_member(model: _M, names: list[str]) -> _M:
    """A check for a union model's `model_validator` (the models use it): exactly one of the
    fields `names` is set (not None), as the validators here require."""
    count = sum(1 for name in names if getattr(model, name) is not None)
    if count != 1:
        raise ValueError(f"exactly one member must be set, not {count}")
    unknown = getattr(model, "__pydantic_extra__", None)
    if unknown:
        unknown.pop("__type", None)  # a type hint some services add, not a member
    return model


def present_document(value: Any) -> Any:
    """A check for pydantic's AfterValidator (the models use it on documents): a document is
    not null where a value is needed, as the validators here require."""
    if value is None:
        raise ValueError("a document must not be null here")
    return value


def is_whole(value: Any, low: int, high: int) -> bool:
    if type(value) is int:
        return low <= value <= high
    return type(value) is float and value.is_integer() and low <= value <= high


def whole_number(
    out: list[Violation], path: str, value: Any, low: int, high: int, expected: str
) -> int | None:
    """`value` as a whole number in low..high, or None (reported) when it is not one."""
    if is_whole(value, low, high):
        return int(value)
    if type(value) is int or (type(value) is float and value.is_integer()):
        out.append(
            Violation(
                path,
                f"Number {_where(path)} is out of range: expected {expected}",
                "type",
            )
        )
    else:
        wrong_type(out, path, value, expected)
    return None


# NaN and the infinities as the AWS JSON protocols carry them (CBOR carries floats).
NON_FINITE_TEXTS: Final = frozenset({"NaN", "Infinity", "-Infinity"})


def is_number(value: Any) -> bool:
    """Whether `value` is a float or double shape's value: a number, NaN or an infinity
    included, or one of NON_FINITE_TEXTS."""
    kind = type(value)
    return kind is float or kind is int or (kind is str and value in NON_FINITE_TEXTS)


def number(out: list[Violation], path: str, value: Any, expected: str) -> float | None:
    """`value` as a number (float, NaN and the infinities included), or None (reported) when
    it is not one."""
    if is_number(value):
        return double_value(value)
    wrong_type(out, path, value, expected)
    return None


_BASE64_ALPHABET: Final = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
_BEFORE_TWO_PADS: Final = "AQgw"  # a 1-byte group's second character: its low 4 bits are unused
_BEFORE_ONE_PAD: Final = "AEIMQUYcgkosw048"  # a 2-byte group's third character: 2 bits unused


def base64_length(text: str) -> int:
    """How many bytes `text` holds as canonical base64, or -1 when it is not that: the
    standard alphabet (RFC 4648), padded with `=` to a multiple of four characters, the
    unused bits of a padded group zero. Blob lengths count these bytes, as AWS does."""
    size = len(text)
    if size % 4:
        return -1
    padding = 2 if text.endswith("==") else 1 if text.endswith("=") else 0
    data = text[: size - padding]
    if data.strip(_BASE64_ALPHABET):
        return -1
    if (padding == 2 and data[-1] not in _BEFORE_TWO_PADS) or (
        padding == 1 and data[-1] not in _BEFORE_ONE_PAD
    ):
        return -1
    return size // 4 * 3 - padding


class ByteStringText(str):
    """A CBOR byte string read from a request, as its base64 text (the JSON protocols' value
    of a blob): a blob member takes it, a string member refuses it as a wrong type (RPC v2
    CBOR types a string as text and a blob as a byte string)."""

    __slots__ = ()


def is_blob_text(value: Any) -> bool:
    """Whether a blob member's value has a blob's type: text, or a CBOR byte string."""
    return type(value) is str or type(value) is ByteStringText


def not_base64(out: list[Violation], path: str) -> None:
    # AWS's services cannot read such a blob at all: a SerializationException, like a wrong type.
    message = f"Invalid base64 {_where(path)}: expected a base64 string (standard alphabet, padded)"
    out.append(Violation(path, message, "type"))


def byte_buffer(size: int) -> str:
    """How AWS's (Java) services show a blob in a ValidationException: its ByteBuffer."""
    return f"java.nio.HeapByteBuffer[pos=0 lim={size} cap={size}]"


def blobs_shown(value: Any) -> Any:
    """A list or map of blobs as AWS shows it: each valid blob as its ByteBuffer."""

    def one(item: Any) -> Any:
        size = base64_length(item) if is_blob_text(item) else -1
        return byte_buffer(size) if size >= 0 else item

    if type(value) is dict:
        return {key: one(item) for key, item in value.items()}
    return [one(item) for item in value]


def blob_bytes(min_bytes: int | None, max_bytes: int | None) -> Callable[[Any], bytes]:
    """A check for pydantic's BeforeValidator (the models use it on blob shapes): bytes, or
    the wire's text, which must be canonical base64 as the validators here require; either
    must hold min_bytes..max_bytes bytes."""

    def check(value: Any) -> bytes:
        if isinstance(value, str):
            if base64_length(value) < 0:
                raise ValueError("not canonical base64 (standard alphabet, padded)")
            value = base64.b64decode(value)
        if not isinstance(value, (bytes, bytearray)):
            # pydantic reports a ValueError as a validation error (a TypeError would escape).
            raise ValueError("expected bytes or base64 text")  # noqa: TRY004
        size = len(value)
        if min_bytes is not None and size < min_bytes:
            raise ValueError(f"holds {size} bytes; at least {min_bytes} are needed")
        if max_bytes is not None and size > max_bytes:
            raise ValueError(f"holds {size} bytes; at most {max_bytes} are allowed")
        return bytes(value)

    return check


def blob_text(value: bytes) -> str:
    """A blob on the wire (the models' serializer): canonical base64."""
    return base64.b64encode(value).decode("ascii")


# Timestamps: epoch seconds (`unixTimestamp`, the AWS JSON default), ISO 8601 (RFC 3339's
# profile, as AWS writes it) or RFC 822 (RFC 7231's IMF-fixdate). datetime's range bounds them.
EARLIEST_EPOCH: Final = -62135596800  # 0001-01-01T00:00:00Z
LATEST_EPOCH: Final = 253402300799  # 9999-12-31T23:59:59Z
ISO8601_PATTERN: Final = (
    r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]"
    r":(?:[0-5][0-9]|60)(?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)
RFC822_PATTERN: Final = (
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?:0[1-9]|[12][0-9]|3[01]) "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] GMT$"
)
_TEXT_FORMS: Final = {
    "iso8601": re.compile(ISO8601_PATTERN, re.ASCII),
    "rfc822": re.compile(RFC822_PATTERN, re.ASCII),
}


def is_epoch_seconds(value: Any) -> bool:
    return is_number(value) and EARLIEST_EPOCH <= value <= LATEST_EPOCH


def timestamp_from(value: Any, timestamp_format: str) -> datetime | None:
    """The datetime `value` (wire text or epoch seconds, per `timestamp_format`) names, or
    None when it is not one."""
    if timestamp_format == "unixTimestamp":
        if not is_epoch_seconds(value):
            return None
        return datetime.fromtimestamp(value, UTC)
    if type(value) is not str or not _TEXT_FORMS[timestamp_format].fullmatch(value):
        return None
    try:
        if timestamp_format == "iso8601":
            parsed = datetime.fromisoformat(value.replace("z", "Z").replace("t", "T"))
        else:
            parsed = parsedate_to_datetime(value)
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def bad_timestamp(out: list[Violation], path: str, value: Any, timestamp_format: str) -> None:
    # AWS's services cannot read such a timestamp at all: a SerializationException.
    expected = {
        "unixTimestamp": "a number of seconds since the epoch",
        "iso8601": "an ISO 8601 date-time string",
        "rfc822": "an RFC 822 date string",
    }
    out.append(
        Violation(
            path,
            f"Invalid timestamp {_where(path)}: expected {expected[timestamp_format]}",
            "type",
        )
    )


def timestamp_value(timestamp_format: str) -> Callable[[Any], datetime]:
    """A check for pydantic's BeforeValidator (the models use it on timestamp shapes): a
    datetime (a naive one is UTC), or the wire's form of one."""

    def check(value: Any) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        parsed = timestamp_from(value, timestamp_format)
        if parsed is None:
            raise ValueError(f"not a timestamp in the {timestamp_format} format")
        return parsed

    return check


def timestamp_wire(timestamp_format: str) -> Callable[[datetime], float | int | str]:
    """A timestamp on the wire (the models' serializer), as botocore writes it."""

    def write(value: datetime) -> float | int | str:
        if value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        if timestamp_format == "unixTimestamp":
            seconds = value.timestamp()
            return int(seconds) if value.microsecond == 0 else round(seconds, 3)
        if timestamp_format == "iso8601":
            utc = value.astimezone(UTC)
            return utc.strftime(
                "%Y-%m-%dT%H:%M:%S.%fZ" if utc.microsecond else "%Y-%m-%dT%H:%M:%SZ"
            )
        return format_datetime(value.astimezone(UTC), usegmt=True)

    return write
