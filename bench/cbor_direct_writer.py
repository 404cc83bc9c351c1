"""A prototype, measured by bench_cbor.py and not used by the packages: a model instance
written straight to CBOR, meant to give the bytes of
`cbor2.dumps(model.model_dump(by_alias=True, exclude_none=True))` (how `CborCodec` wrote an
answer before libipld; it now gives the same value, with the keys in another order) without
the dict in between.

pydantic-core writes a JSON answer in one native pass; a CBOR answer takes a native dump to
Python values and a second native pass (libipld, else cbor2) over them. This writer does one
Python pass:
each model class's members (attribute, encoded wire name) listed once, the heads of short
strings, arrays and maps looked up, byte pieces appended to one list and joined once; what it
does not know (big integers, the non-finite floats, datetimes) goes to cbor2 one item at a
time. Measured, it is slower than the dump-and-encode path it would replace (bench_cbor.py
section 3), so the packages keep that path.

A model of a class from another module than the answer's, one with computed or excluded
members or Python-mode serializers, a value of a type no model member has, or nesting deeper
than the interpreter's recursion raises `Unwritten`.
"""

from __future__ import annotations

import math
import struct
from collections.abc import Callable
from datetime import UTC, datetime
from enum import Enum
from typing import Any, Final

import cbor2
import pydantic


class Unwritten(Exception):
    """A value this writer does not write exactly as the dump-and-encode path would."""


_DOUBLE: Final = struct.Struct(">Bd").pack
_NULL: Final = b"\xf6"
_TRUE: Final = b"\xf5"
_FALSE: Final = b"\xf4"
# Members: (attribute name, the wire name as an encoded CBOR text string).
_Members = tuple[tuple[str, bytes], ...]


def _head(major: int, length: int) -> bytes:
    if length < 24:
        return bytes((major | length,))
    if length < 0x100:
        return bytes((major | 24, length))
    if length < 0x10000:
        return bytes((major | 25,)) + length.to_bytes(2, "big")
    if length < 0x100000000:
        return bytes((major | 26,)) + length.to_bytes(4, "big")
    return bytes((major | 27,)) + length.to_bytes(8, "big")


_TEXT_HEADS: Final = tuple(_head(0x60, n) for n in range(256))
_ARRAY_HEADS: Final = tuple(_head(0x80, n) for n in range(24))
_MAP_HEADS: Final = tuple(_head(0xA0, n) for n in range(24))
_SMALL_INTS: Final = tuple(_head(0x00, n) for n in range(256))


def dumps_one(value: object) -> bytes:
    return cbor2.dumps(value, datetime_as_timestamp=True, timezone=UTC)


def _text(value: str) -> bytes:
    data = value.encode()
    size = len(data)
    return (_TEXT_HEADS[size] if size < 256 else _head(0x60, size)) + data


def _python_serializers(schema: object) -> bool:
    """Whether a core schema writes some value by a function in Python mode (what `model_dump`
    calls and this writer would not)."""
    stack = [schema]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found = item.get("serialization")
            if isinstance(found, dict) and found.get("when_used") not in (
                "json",
                "json-unless-none",
            ):
                return True
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    return False


class ModelWriter:
    """Writes a module's models (a package's `models`), with their member tables made once."""

    def __init__(self) -> None:
        self._modules: dict[str, _ModuleWriter] = {}

    def write(self, model: pydantic.BaseModel) -> bytes:
        module = type(model).__module__
        writer = self._modules.get(module) or self._modules.setdefault(
            module, _ModuleWriter(module)
        )
        out: list[bytes] = []
        try:
            writer.model(model, out.append, out)
        except RecursionError:
            raise Unwritten("nested too deeply") from None
        return b"".join(out)


class _ModuleWriter:
    def __init__(self, module: str) -> None:
        self._module = module
        self._members: dict[type, _Members] = {}

    def _members_of(self, cls: type) -> _Members:
        if not (
            issubclass(cls, pydantic.BaseModel)
            and not issubclass(cls, pydantic.RootModel)
            and cls.__module__ == self._module
        ):
            raise Unwritten(f"a model of another module ({cls.__qualname__})")
        if (
            cls.model_computed_fields
            or any(field.exclude for field in cls.model_fields.values())
            or _python_serializers(cls.__pydantic_core_schema__)
        ):
            raise Unwritten(
                f"{cls.__qualname__} has members model_dump writes by a function"
            )
        members = tuple(
            (name, _text(field.serialization_alias or field.alias or name))
            for name, field in cls.model_fields.items()
        )
        self._members[cls] = members
        return members

    def model(
        self, model: Any, append: Callable[[bytes], None], out: list[bytes]
    ) -> None:
        cls = type(model)
        members = self._members.get(cls) or self._members_of(cls)
        values = model.__dict__
        at = len(out)
        append(b"")
        count = 0
        value: Any
        known = self._members
        heads = _TEXT_HEADS
        for name, key in members:
            value = values[name]
            if value is None:
                continue
            count += 1
            append(key)
            # Inline for the kinds most members are (text, a structure); the rest below.
            kind = type(value)
            if kind is str:
                data = value.encode()
                size = len(data)
                append(heads[size] if size < 256 else _head(0x60, size))
                append(data)
            elif kind in known:
                self.model(value, append, out)
            else:
                self._value(value, append, out)
        extra = model.__pydantic_extra__
        if extra:
            for name, value in extra.items():
                if value is None:
                    continue
                count += 1
                self._value(name, append, out)
                self._value(value, append, out)
        out[at] = _MAP_HEADS[count] if count < 24 else _head(0xA0, count)

    def _value(
        self, value: Any, append: Callable[[bytes], None], out: list[bytes]
    ) -> None:
        kind = type(value)
        if kind is str:
            data = value.encode()
            size = len(data)
            append(_TEXT_HEADS[size] if size < 256 else _head(0x60, size))
            append(data)
        elif kind in self._members:
            self.model(value, append, out)
        elif kind is list:
            size = len(value)
            append(_ARRAY_HEADS[size] if size < 24 else _head(0x80, size))
            for item in value:
                self._value(item, append, out)
        elif kind is dict:
            size = len(value)
            append(_MAP_HEADS[size] if size < 24 else _head(0xA0, size))
            for key, item in value.items():
                self._value(key, append, out)
                self._value(item, append, out)
        elif kind is int:
            if 0 <= value < 256:
                append(_SMALL_INTS[value])
            elif 0 <= value < 0x10000000000000000:
                append(_head(0x00, value))
            elif -0x10000000000000000 <= value < 0:
                append(_head(0x20, -1 - value))
            else:
                append(dumps_one(value))
        elif kind is bool:
            append(_TRUE if value else _FALSE)
        elif kind is float:
            # cbor2 writes NaN and the infinities as half floats: leave those to it.
            if not math.isfinite(value):
                append(dumps_one(value))
            else:
                append(_DOUBLE(0xFB, value))
        elif value is None:
            append(_NULL)
        elif isinstance(value, pydantic.BaseModel):
            self._members_of(kind)
            self.model(value, append, out)
        elif isinstance(value, Enum):
            self._value(value.value, append, out)
        elif kind is bytes:
            size = len(value)
            append(_head(0x40, size))
            append(value)
        elif kind is datetime:
            append(dumps_one(value))
        else:
            raise Unwritten(f"a value of type {kind.__qualname__}")
