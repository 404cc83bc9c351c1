"""CBOR request bodies (RFC 8949) read as Smithy RPC v2 CBOR carries them.

A body is read by libipld's DAG-CBOR decoder when it is in DAG-CBOR's form (map keys in its
order, definite lengths, no tags: as libipld writes it, so this package's client), else by
cbor2 held to these rules (what it lets through by default, such as bytes after the item,
duplicate keys or the tags it knows, is refused); a body both refuse is checked item by item
for a message that says what and where: a truncated item, a length larger than the rest of the
body, an indefinite length on an item that has none or a chunk of the wrong kind, a break
outside an indefinite-length item, reserved or simple values, a tag other than 1 (epoch
seconds, a number), a map key that is not text, a key twice in one map, nesting deeper than
MAX_DEPTH, text that is not UTF-8 and bytes after the item. (An indefinite-length map key is
well-formed and read.) NaN and the infinities are floats as in any CBOR.

The values handed on are the JSON protocols', so the package's validators, models and readers
serve both: a timestamp is its epoch seconds and a blob (a byte string) its base64 text; in a
request, that text is a `ByteStringText`, which only a blob member takes.
"""

from __future__ import annotations

import base64
import io
import threading
from typing import Any, Final

import cbor2
import libipld

MAX_DEPTH: Final = 64
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


def decode_checked(body: bytes, blob_text: type[str] = str) -> Any:
    """The value of a well-formed body (MalformedCbor when it is not), as the JSON protocols
    would carry it (a byte string as its base64 text, of type `blob_text`): by libipld when
    the body is DAG-CBOR (tried unless `_bodies_to_cbor2`), else by cbor2; only a body both
    refuse goes through `check_well_formed`, for a message that says what and where. Either
    reader takes a body to the same value."""
    global _bodies_to_cbor2
    if _bodies_to_cbor2 > 0:  # (threads racing here may take it below 0: libipld first again)
        _bodies_to_cbor2 -= 1
    else:
        try:
            value = libipld.decode_dag_cbor(body)
            # libipld reads tag 42 (a CID) as a byte string, where cbor2 refuses it.
            if _TAG_42 not in body:
                return value if type(value) in _PLAIN else _wire_value(value, 0, blob_text)
        except (_Refused, ValueError, RecursionError):
            _bodies_to_cbor2 = _CBOR2_BODIES  # unsorted keys, indefinite lengths, tag 1, NaN...
    stream, decoder = _reader()
    try:
        stream.write(body)
        stream.seek(0)
        value = decoder.decode()
        if stream.tell() != len(body):  # cbor2 seeks back to just after the item
            raise _Refused("bytes after the item")
        if type(value) not in _PLAIN:
            value = _wire_value(value, 0, blob_text)
    except (_Refused, cbor2.CBORDecodeError, ValueError, OverflowError, RecursionError) as exc:
        del _READERS.reader  # what it read ahead of this body must not meet the next one
        check_well_formed(body)
        raise MalformedCbor(f"cbor2 cannot read it ({exc})") from None
    stream.seek(0)
    stream.truncate()
    return value


# After libipld refuses a body, the next _CBOR2_BODIES go straight to cbor2: botocore and the
# JS SDK write map keys in their callers' order, which DAG-CBOR refuses, and a failed read costs
# 1.5 µs (5 µs with RUST_BACKTRACE=1, which makes libipld capture a backtrace per refusal).
# Shared by every thread: a race only changes which reader goes first.
_CBOR2_BODIES: Final = 256
_bodies_to_cbor2 = 0
_TAG_42: Final = b"\xd8\x2a"


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


def _wire_value(value: Any, depth: int, blob_text: type[str]) -> Any:
    """`value` (read by cbor2 or libipld) checked to hold only what the protocol carries, with
    byte strings as base64 (libipld reads as deep as Python's recursion: MAX_DEPTH holds)."""
    kind = type(value)
    if kind is dict:
        if depth >= MAX_DEPTH:
            raise _Refused("nested too deeply")
        for key, item in value.items():  # replacing values keeps the size: safe
            if type(key) is not str:
                raise _Refused("a map key that is not text")
            if type(item) not in _PLAIN:
                value[key] = _wire_value(item, depth + 1, blob_text)
        return value
    if kind is list:
        if depth >= MAX_DEPTH:
            raise _Refused("nested too deeply")
        for index, item in enumerate(value):
            if type(item) not in _PLAIN:
                value[index] = _wire_value(item, depth + 1, blob_text)
        return value
    if kind in _PLAIN:
        return value
    if kind is bytes:
        return blob_text(base64.b64encode(value).decode("ascii"))
    raise _Refused(f"a value the protocol does not carry ({kind.__name__})")
