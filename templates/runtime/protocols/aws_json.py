"""AWS JSON 1.0 and 1.1: the two differ only in their content type.

Every request is `POST /` (below the endpoint's path) with `Content-Type:
application/x-amz-json-<version>` and `X-Amz-Target: <target prefix>.<Operation>`; the body is
the input as JSON, an empty body meaning `{}`. A server accepts a `charset=utf-8` parameter on
the content type. Errors are a 4xx or 5xx status with `{"__type": code, "message": text}` and
the code in `X-Amzn-ErrorType`. A client finds the code in the `X-Amzn-ErrorType` header, else
the body's `code`, else its `__type`, keeping what is before the first `:` and then what is
after the first `#`; the message is `message`, else `Message`. (The Smithy awsJson1_0 and
awsJson1_1 protocol tests say so.)
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from . import Codec, ProtocolError, error_from_body, media_type_is, shown_key
from .json_codec import JSON

if TYPE_CHECKING:
    from ..transport import Response

VERSIONS: Final = ("1.0", "1.1")
_TARGET: Final = b"x-amz-target"
_CONTENT_TYPE: Final = b"content-type"


def content_type(version: str) -> str:
    if version not in VERSIONS:
        raise ValueError(f"AWS JSON has versions {', '.join(VERSIONS)}, not {version!r}")
    return f"application/x-amz-json-{version}"


class AwsJsonClient:
    """The client's side of AWS JSON `version` for a service whose targets start
    `target_prefix`."""

    def __init__(self, version: str, target_prefix: str, codec: Codec = JSON) -> None:
        self.content_type = content_type(version)
        self.target_prefix = target_prefix
        self._codec = codec

    @property
    def codec(self) -> Codec:
        return self._codec

    def request_path(self, endpoint_path: str, operation: str) -> str:
        return endpoint_path

    def request_headers(self, operation: str) -> dict[str, str]:
        return {
            "Content-Type": self.content_type,
            "X-Amz-Target": f"{self.target_prefix}.{operation}",
        }

    def error_code(self, response: Response) -> tuple[str, str]:
        return error_from_body(response, self._codec, response.headers.get("X-Amzn-ErrorType"))


class AwsJsonServer:
    """The server's side of AWS JSON `version` for a service whose targets start
    `target_prefix`; the package's operation table is keyed by target."""

    routing_headers: Final = frozenset({_TARGET, _CONTENT_TYPE})

    def __init__(self, version: str, target_prefix: str, codec: Codec = JSON) -> None:
        self.content_type = content_type(version)
        self.target_prefix = target_prefix
        self.answer_headers = ((b"content-type", self.content_type.encode("ascii")),)
        self._codec = codec

    @property
    def codec(self) -> Codec:
        return self._codec

    def claims(self, path: str, headers: Mapping[bytes, str]) -> bool:
        return path == "/"

    def check_request_line(self, method: str, path: str) -> None:
        if path != "/":
            raise ProtocolError("UnknownOperationException", "Requests go to the path /.", 404)
        if method != "POST":
            raise ProtocolError("UnknownOperationException", "Only POST is supported.", 405)

    def route(self, path: str, headers: Mapping[bytes, str]) -> str | None:
        return headers.get(_TARGET)

    def unknown_operation(self, key: str | None) -> ProtocolError:
        message = (
            "The request has no X-Amz-Target header."
            if key is None
            else f"X-Amz-Target names no operation; expected {self.target_prefix}.<Operation>."
        )
        return ProtocolError("UnknownOperationException", message)

    def shown_operation(self, key: str | None, known: bool) -> str:
        return shown_key(key, known)

    def check_headers(self, headers: Mapping[bytes, str]) -> None:
        found = headers.get(_CONTENT_TYPE)
        if found != self.content_type and not media_type_is(found, self.content_type):
            raise ProtocolError(
                "SerializationException",
                f"Content-Type must be {self.content_type} (with charset=utf-8 if any charset).",
            )

    def error_answer(
        self, code: str, message: str, members: Mapping[str, Any] | None = None
    ) -> tuple[list[tuple[bytes, bytes]], bytes]:
        headers = [(b"x-amzn-errortype", code.encode("ascii", "replace"))] if code else []
        body = {**(members or {}), "__type": code, "message": message}
        return headers, json.dumps(body).encode("utf-8")
