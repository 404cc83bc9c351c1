"""CBOR bodies (RFC 8949), as Smithy RPC v2 CBOR writes them: read by cbor2, written by
libipld's native encoder where it writes what cbor2 would (else by cbor2).

cbor2 reads a body held to these rules (what it lets through by default, such as bytes after
the item, duplicate keys or the tags it knows, is refused), and a body it refuses is checked
item by item for a message that says what and where: a truncated item, a length larger than
the rest of the body, an indefinite length on an item that has none or a chunk of the wrong
kind, a break outside an indefinite-length item, reserved or simple values, a tag other than 1
(epoch seconds, a number), a map key that is not text, a key twice in one map, nesting deeper
than MAX_DEPTH, text that is not UTF-8 and bytes after the item. (An indefinite-length map key
is well-formed and read.) NaN and the infinities are floats as in any CBOR.

The values handed on are the JSON protocols', so the package's validators, models and readers
serve both: a timestamp is its epoch seconds and a blob (a byte string) its base64 text.
"""

from __future__ import annotations

import base64
import functools
import io
import re
import threading
from collections.abc import Callable
from datetime import UTC
from typing import Any, Final, TypeVar

import cbor2
import libipld
import pydantic

from . import ProtocolError

M = TypeVar("M", bound=pydantic.BaseModel)

MAX_DEPTH: Final = 64
_EMPTY_MAP: Final = b"\xa0"
_TIMESTAMP_TAG: Final = 1
# Of major type 7: false, true, null; half, single and double floats.
_SIMPLE_VALUES: Final = frozenset({20, 21, 22})
_FLOATS: Final = frozenset({25, 26, 27})
_MAJOR_NAMES: Final = (
    *("an unsigned integer", "a negative integer", "a byte string", "a text string"),
    *("an array", "a map", "a tag", "a simple value or float"),
)


class MalformedCbor(ValueError):
    """A body that is not one well-formed CBOR item this protocol can carry."""


def check_well_formed(body: bytes, max_depth: int = MAX_DEPTH) -> bool:
    """Raise MalformedCbor unless `body` is exactly one item as the module docstring says;
    returns whether it holds a byte string (which the caller turns into base64 text)."""
    size = len(body)
    position = 0
    has_bytes = False
    # Open items: [items left (-1: until a break), major type, items seen, keys seen (maps)]
    stack: list[list[Any]] = []
    while True:
        if position >= size:
            raise MalformedCbor(f"the body ends inside an item (at byte {position})")
        start = position
        initial = body[position]
        position += 1
        major, info = initial >> 5, initial & 0x1F
        top = stack[-1] if stack else None
        if info < 24:
            argument = info
        elif info < 28:
            width = 1 << (info - 24)
            if position + width > size:
                raise MalformedCbor(f"the item at byte {start} is truncated")
            argument = int.from_bytes(body[position : position + width], "big")
            position += width
        elif info == 31:
            if major == 7:
                if top is None or top[0] != -1:
                    raise MalformedCbor(f"a break at byte {start} ends no indefinite-length item")
                if top[1] == 5 and top[2] % 2:
                    raise MalformedCbor(
                        f"the map ended by the break at byte {start} has a key without a value"
                    )
                stack.pop()
                if _completed(stack):
                    break
                continue
            if major not in (2, 3, 4, 5):
                raise MalformedCbor(
                    f"{_MAJOR_NAMES[major]} at byte {start} cannot have an indefinite length"
                )
            argument = -1
        else:
            raise MalformedCbor(
                f"the item at byte {start} uses a reserved length (additional information {info})"
            )
        if top is not None:
            if top[1] in (2, 3) and top[0] == -1:
                if major != top[1] or argument == -1:
                    raise MalformedCbor(
                        f"the chunk at byte {start} of an indefinite-length string is not a definite {_MAJOR_NAMES[top[1]][2:]}"
                    )
            elif top[1] == 5 and top[2] % 2 == 0 and (major != 3 or argument == -1):
                raise MalformedCbor(
                    f"the map key at byte {start} is {_MAJOR_NAMES[major]}, not a definite-length text string"
                )
        if major in (2, 3):
            if argument == -1:
                stack.append([-1, major, 0, None])
                _check_depth(stack, max_depth, start)
                continue
            if argument > size - position:
                raise MalformedCbor(
                    f"the string at byte {start} declares {argument} bytes; the body has {size - position} left"
                )
            data = body[position : position + argument]
            position += argument
            if major == 2:
                has_bytes = True
            else:
                try:
                    data.decode("utf-8")
                except UnicodeDecodeError:
                    raise MalformedCbor(
                        f"the text string at byte {start} is not valid UTF-8"
                    ) from None
                if top is not None and top[1] == 5 and top[2] % 2 == 0:
                    if data in top[3]:
                        raise MalformedCbor(f"the map key at byte {start} repeats a key of its map")
                    top[3].add(data)
        elif major in (4, 5):
            items = argument if major == 4 or argument == -1 else 2 * argument
            if items > size - position:
                raise MalformedCbor(
                    f"the {'array' if major == 4 else 'map'} at byte {start} declares {argument} items; the body has {size - position} bytes left"
                )
            if items != 0:
                stack.append([items, major, 0, set() if major == 5 else None])
                _check_depth(stack, max_depth, start)
                continue
        elif major == 6:
            if argument != _TIMESTAMP_TAG:
                raise MalformedCbor(
                    f"tag {argument} at byte {start} is not one the protocol uses (only tag 1, a timestamp)"
                )
            if position >= size:
                raise MalformedCbor(f"the timestamp at byte {start} is truncated")
            held = body[position]
            if not (held >> 5 in (0, 1) or (held >> 5 == 7 and held & 0x1F in _FLOATS)):
                raise MalformedCbor(
                    f"the timestamp at byte {start} holds {_MAJOR_NAMES[held >> 5]}, not a number of seconds"
                )
            continue
        elif major == 7 and info not in _SIMPLE_VALUES and info not in _FLOATS:
            what = "undefined" if info == 23 else f"the simple value {argument}"
            raise MalformedCbor(
                f"the item at byte {start} is {what}, which the protocol does not use"
            )
        if _completed(stack):
            break
    if position != size:
        raise MalformedCbor(
            f"the body has {size - position} bytes after its item (from byte {position})"
        )
    return has_bytes


def _check_depth(stack: list[list[Any]], max_depth: int, start: int) -> None:
    if len(stack) > max_depth:
        raise MalformedCbor(f"the item at byte {start} is nested more than {max_depth} deep")


def _completed(stack: list[list[Any]]) -> bool:
    """Count an item done in its container (closing full ones); whether the body is done."""
    while stack:
        top = stack[-1]
        top[2] += 1
        if top[0] != top[2]:
            return False
        stack.pop()
    return True


def decode_checked(body: bytes) -> Any:
    """The value of a well-formed body (MalformedCbor when it is not), as the JSON protocols
    would carry it. cbor2 reads it, held to the rules above; only a body it refuses goes
    through `check_well_formed`, for a message that says what and where."""
    stream, decoder = _reader()
    try:
        stream.write(body)
        stream.seek(0)
        value = decoder.decode()
        if stream.tell() != len(body):  # cbor2 seeks back to just after the item
            raise _Refused("bytes after the item")
        if type(value) not in _PLAIN:
            value = _wire_value(value, 0)
    except (_Refused, cbor2.CBORDecodeError, ValueError, OverflowError, RecursionError) as exc:
        del _READERS.reader  # what it read ahead of this body must not meet the next one
        check_well_formed(body)
        raise MalformedCbor(f"cbor2 cannot read it ({exc})") from None
    stream.seek(0)
    stream.truncate()
    return value


_READERS: Final = threading.local()


def _reader() -> tuple[io.BytesIO, Any]:
    """This thread's stream and its decoder, made once (a new stream costs a decoder three
    calls, more than a small body takes to read); a decoder keeps nothing after a success."""
    try:
        return _READERS.reader  # type: ignore[no-any-return]
    except AttributeError:
        stream = io.BytesIO()
        reader = _READERS.reader = stream, cbor2.CBORDecoder(stream, **_STRICT)
        return reader


class _Refused(ValueError):
    """A value cbor2 reads that the protocol does not carry."""


def _refused_tag(*_: object) -> object:
    raise _Refused("a tag the protocol does not use")


def _timestamp(value: object, _immutable: bool) -> object:
    if type(value) not in (int, float):
        raise _Refused("a timestamp that is not a number")
    return value  # epoch seconds: the JSON protocols' timestamp value


# The tags cbor2 decodes itself, all refused but tag 1; tag_hook refuses the others.
_CBOR2_TAGS: Final = (0, *range(2, 6), *range(21, 38), 52, 54, 100, 256, 258, 260, 261, 1004, 55799)
_STRICT: Final[dict[str, Any]] = {
    "tag_hook": _refused_tag,
    "semantic_decoders": {
        **dict.fromkeys(_CBOR2_TAGS, _refused_tag),
        _TIMESTAMP_TAG: _timestamp,
    },
    "allow_duplicate_keys": False,
    "max_depth": MAX_DEPTH + 1,
}
_PLAIN: Final = frozenset({str, int, float, bool, type(None)})


def _wire_value(value: Any, depth: int) -> Any:
    """`value` checked to hold only what the protocol carries, with byte strings as base64."""
    kind = type(value)
    if kind is dict:
        if depth >= MAX_DEPTH:
            raise _Refused("nested too deeply")
        for key, item in value.items():  # replacing values keeps the size: safe
            if type(key) is not str:
                raise _Refused("a map key that is not text")
            if type(item) not in _PLAIN:
                value[key] = _wire_value(item, depth + 1)
        return value
    if kind is list:
        if depth >= MAX_DEPTH:
            raise _Refused("nested too deeply")
        for index, item in enumerate(value):
            if type(item) not in _PLAIN:
                value[index] = _wire_value(item, depth + 1)
        return value
    if kind in _PLAIN:
        return value
    if kind is bytes:
        return base64.b64encode(value).decode("ascii")
    raise _Refused(f"a value the protocol does not carry ({kind.__name__})")


# libipld writes map keys in RFC 8949's deterministic order (shorter first), which no reader may
# rely on, and unlike cbor2 a byte string that looks like a CID as tag 42 and -0.0 as 0.0.
_TAG_42: Final = b"\xd8\x2a"
_ZERO: Final = b"\xfb" + bytes(8)


def _native(value: object, checked: bool = True) -> bytes | None:
    """`value` as libipld's DAG-CBOR encoder writes it (five times cbor2's speed) when cbor2
    would write the same; else None, also for what it cannot write (NaN, an infinity, a
    datetime, an integer past 64 bits, a tuple, a non-text key) and, when `checked`, for a body
    with a byte that could start tag 42 or 0.0."""
    try:
        written = libipld.encode_dag_cbor(value)
    except (ValueError, RecursionError):
        return None
    if not checked or (_TAG_42 not in written and _ZERO not in written):
        return written
    return None


# A model's values go to cbor2 (datetimes, which libipld cannot write), to libipld with the
# searches above, or to libipld alone when its schema has only kinds of value libipld writes as
# cbor2 does (no bytes, floats, any): the searches cost a third of libipld's time on 2 KB.
_BY_CBOR2, _BY_LIBIPLD_CHECKED, _BY_LIBIPLD = 0, 1, 2
_SCHEMA_KIND: Final = re.compile(r"'type': '([a-z-]+)'")
_SAME_IN_LIBIPLD: Final = frozenset(
    {"model", "model-fields", "model-field", "definitions", "definition-ref", "default"}
    | {"nullable", "list", "dict", "str", "int", "bool", "enum", "literal"}
)


@functools.cache
def _writer_of(model: type[pydantic.BaseModel]) -> int:
    """Which writer a model's values go to (a wrong guess would cost bytes: keep it narrow)."""
    kinds = set(_SCHEMA_KIND.findall(repr(model.__pydantic_core_schema__)))
    if "datetime" in kinds:
        return _BY_CBOR2
    return _BY_LIBIPLD if kinds <= _SAME_IN_LIBIPLD else _BY_LIBIPLD_CHECKED


class CborCodec:
    """The `Codec` of Smithy RPC v2 CBOR."""

    name: Final = "CBOR"

    def __init__(self) -> None:
        self._local = threading.local()

    def encode(self, value: object) -> bytes:
        return self._encode(value, _BY_LIBIPLD_CHECKED)

    def _encode(self, value: object, writer: int) -> bytes:
        if writer and (written := _native(value, writer == _BY_LIBIPLD_CHECKED)) is not None:
            return written
        try:
            return self._dumps(value)
        except cbor2.CBOREncodeError as exc:
            raise TypeError(str(exc)) from None

    def _dumps(self, value: object) -> bytes:
        """cbor2.dumps(value) with one encoder per thread, made once: a third faster."""
        try:
            stream, encoder = self._local.encoder
        except AttributeError:
            stream = io.BytesIO()  # a datetime (a timestamp member) is tag 1, epoch seconds:
            encoder = cbor2.CBOREncoder(stream, datetime_as_timestamp=True, timezone=UTC)
            self._local.encoder = stream, encoder
        stream.seek(0)
        stream.truncate()
        try:
            encoder.encode(value)
        except BaseException:
            del self._local.encoder  # a half-written value: start afresh next time
            raise
        return stream.getvalue()  # type: ignore[no-any-return]

    def encode_request(self, payload: object, model: type[pydantic.BaseModel] | None) -> bytes:
        """Through the input model, so that a blob's base64 text is sent as a byte string and
        a timestamp's number as tag 1, as botocore's serializer sends them; a request the
        model refuses (validate_requests off) goes as given."""
        if model is not None:
            try:
                request = model.__pydantic_validator__.validate_python(
                    payload, by_alias=True, by_name=False
                )
            except pydantic.ValidationError:
                pass
            else:
                values = model.__pydantic_serializer__.to_python(
                    request, by_alias=True, exclude_none=True, exclude_unset=True
                )
                return self._encode(values, _writer_of(model))
        return self.encode(payload)

    def decode(self, body: bytes) -> Any:
        return decode_checked(body)

    def decode_request(self, body: bytes) -> Any:
        if not body:
            return {}
        try:
            return decode_checked(body)
        except MalformedCbor as exc:
            raise ProtocolError(
                "SerializationException", f"The request body is not valid CBOR: {exc}."
            ) from None

    def encode_model(self, model: pydantic.BaseModel | None) -> bytes:
        if model is None:
            return _EMPTY_MAP
        # The Python values, not the JSON ones: a blob stays bytes (a byte string), a
        # timestamp a datetime (tag 1), and pydantic-core skips the conversions to text.
        values = model.__pydantic_serializer__.to_python(model, by_alias=True, exclude_none=True)
        return self._encode(values, _writer_of(type(model)))

    def read_model(self, body: bytes, model: type[M], lenient: Callable[[object], M]) -> M:
        value = self.decode(body) if body else {}
        try:
            validated = model.__pydantic_validator__.validate_python(
                value, strict=True, by_alias=True, by_name=False
            )
            return validated  # type: ignore[no-any-return]
        except pydantic.ValidationError:
            return lenient(value)


CBOR: Final = CborCodec()
