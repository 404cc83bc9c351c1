"""CBOR bodies (RFC 8949), as Smithy RPC v2 CBOR writes them: read as `cbor_reader` says,
written by libipld's native encoder where it writes what cbor2 would (else by cbor2).
"""

from __future__ import annotations

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

from ..validation import ByteStringText
from . import ProtocolError
from .cbor_reader import MAX_DEPTH, MalformedCbor, check_well_formed, decode_checked

M = TypeVar("M", bound=pydantic.BaseModel)

_EMPTY_MAP: Final = b"\xa0"
__all__ = ["CBOR", "MAX_DEPTH", "CborCodec", "MalformedCbor", "check_well_formed", "decode_checked"]


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
            return decode_checked(body, ByteStringText)
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
        writer = _writer_of(type(model))
        if writer == _BY_LIBIPLD:  # the usual answer, without two calls in Python
            try:
                return libipld.encode_dag_cbor(values)
            except (ValueError, RecursionError):
                pass
        return self._encode(values, writer)

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
