"""Smithy RPC v2 CBOR.

Every request is `POST [prefix]/service/<Service>/operation/<Operation>`, where the service
is the model's target prefix (botocore's RpcV2CBORSerializer writes `targetPrefix` there), with
the headers `Smithy-Protocol: rpc-v2-cbor`, `Content-Type: application/cbor` (left out when
there is no body) and `Accept: application/cbor`; the body is the input as CBOR, an empty body
meaning `{}`. Every answer carries `Smithy-Protocol: rpc-v2-cbor`; an error is a 4xx or 5xx
status with the CBOR map `{"__type": code, "message": text}`. A client reads the code from
`__type` (or `code`), keeping what is before the first `:` and then what is after the first
`#`, as botocore's RpcV2CBORParser does.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import TYPE_CHECKING, Any, Final

from . import Codec, ProtocolError, error_from_body, media_type_is, shown_key
from .cbor_codec import CBOR

if TYPE_CHECKING:
    from ..transport import Response

CONTENT_TYPE: Final = "application/cbor"
SMITHY_PROTOCOL: Final = "rpc-v2-cbor"
_HEADER: Final = b"smithy-protocol"
_CONTENT_TYPE: Final = b"content-type"
_ACCEPT: Final = b"accept"
_ROUTE: Final = re.compile(r"/service/([^/]+)/operation/([^/]+)\Z")
_ACCEPTED_RANGES: Final = frozenset({CONTENT_TYPE, "application/*", "*/*"})
_USUAL_HEADERS: Final = {
    _HEADER: SMITHY_PROTOCOL,
    _CONTENT_TYPE: CONTENT_TYPE,
    _ACCEPT: CONTENT_TYPE,
}


class _ServiceCodec:
    """What both sides hold: the service's name (its target prefix) and the CBOR codec."""

    def __init__(self, service_name: str, codec: Codec = CBOR) -> None:
        self.service_name = service_name
        self._codec = codec

    @property
    def codec(self) -> Codec:
        return self._codec


class RpcV2CborClient(_ServiceCodec):
    """The client's side of RPC v2 CBOR for the service `service_name` (its target prefix)."""

    content_type: Final = CONTENT_TYPE

    def request_path(self, endpoint_path: str, operation: str) -> str:
        return f"{endpoint_path.rstrip('/')}/service/{self.service_name}/operation/{operation}"

    def request_headers(self, operation: str) -> dict[str, str]:
        return {
            "Content-Type": CONTENT_TYPE,
            "Accept": CONTENT_TYPE,
            "Smithy-Protocol": SMITHY_PROTOCOL,
        }

    def error_code(self, response: Response) -> tuple[str, str]:
        return error_from_body(response, self._codec, None)


class RpcV2CborServer(_ServiceCodec):
    """The server's side of RPC v2 CBOR for the service `service_name`; the package's
    operation table is keyed `<service_name>.<Operation>` (the AWS JSON target, so one table
    serves both)."""

    content_type: Final = CONTENT_TYPE
    routing_headers: Final = frozenset({_HEADER, _CONTENT_TYPE, _ACCEPT})
    answer_headers: Final = (
        (b"content-type", CONTENT_TYPE.encode("ascii")),
        (b"smithy-protocol", SMITHY_PROTOCOL.encode("ascii")),
    )

    def claims(self, path: str, headers: Mapping[bytes, str]) -> bool:
        return _HEADER in headers or _route(path) is not None

    def check_request_line(self, method: str, path: str) -> None:
        if _route(path) is None:
            message = f"Requests go to [prefix]/service/{self.service_name}/operation/<Operation>."
            raise ProtocolError("UnknownOperationException", message, 404)
        if method != "POST":
            raise ProtocolError("UnknownOperationException", "Only POST is supported.", 405)

    def route(self, path: str, headers: Mapping[bytes, str]) -> str | None:
        return _key(path)

    def unknown_operation(self, key: str | None) -> ProtocolError:
        message = (
            "The request's path names no operation."
            if key is None
            else f"The path names no operation; expected /service/{self.service_name}/operation/<Operation>."
        )
        return ProtocolError("UnknownOperationException", message)

    def shown_operation(self, key: str | None, known: bool) -> str:
        return shown_key(key, known)

    def check_headers(self, headers: Mapping[bytes, str]) -> None:
        if headers == _USUAL_HEADERS:  # what the SDKs send: one comparison in C
            return
        if headers.get(_HEADER) != SMITHY_PROTOCOL:
            raise ProtocolError(
                "SerializationException",
                f"The request must carry the header Smithy-Protocol: {SMITHY_PROTOCOL}.",
            )
        found = headers.get(_CONTENT_TYPE)
        if found is not None and found != CONTENT_TYPE and not media_type_is(found, CONTENT_TYPE):
            raise ProtocolError("SerializationException", f"Content-Type must be {CONTENT_TYPE}.")
        accept = headers.get(_ACCEPT)
        if accept is not None and accept != CONTENT_TYPE and not _accepts_cbor(accept):
            raise ProtocolError(
                "NotAcceptableException", f"The answer is {CONTENT_TYPE}; Accept refuses it.", 406
            )

    def error_answer(
        self, code: str, message: str, members: Mapping[str, Any] | None = None
    ) -> tuple[list[tuple[bytes, bytes]], bytes]:
        return [], self._codec.encode({**(members or {}), "__type": code, "message": message})


@lru_cache(maxsize=256)
def _route(path: str) -> tuple[str, str] | None:
    """The service and operation a path names (looked up once per path: every request asks
    more than once, and most name the same few operations)."""
    found = _ROUTE.search(path)
    return (found[1], found[2]) if found else None


@lru_cache(maxsize=256)
def _key(path: str) -> str | None:
    """The operation key a path names (None when it names none)."""
    found = _route(path)
    return None if found is None or "." in found[1] else f"{found[0]}.{found[1]}"


def _accepts_cbor(accept: str) -> bool:
    for media_range in accept.split(","):
        kind, _, parameters = media_range.partition(";")
        if kind.strip().lower() in _ACCEPTED_RANGES and "q=0" not in parameters.replace(
            " ", ""
        ).split(";"):
            return True
    return False
