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
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final

from ..client_errors import MAX_ID_CHARS, clean_text
from . import Codec, ProtocolError, media_type_is, sanitize_code
from .json_codec import JSON

if TYPE_CHECKING:
    from ..transport import Response

VERSIONS: Final = ("1.0", "1.1")
MAX_SNIPPET_CHARS: Final = 120
_TARGET: Final = b"x-amz-target"
_CONTENT_TYPE: Final = b"content-type"
# What an unknown target may look like to be logged: a header could hold anything, a key too.
_TARGET_LIKE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}\.[A-Za-z]{1,64}", re.ASCII)


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
        header_code = _text(response.headers.get("X-Amzn-ErrorType"))
        try:
            data = self._codec.decode(response.body) if response.body.strip() else {}
        except ValueError:
            data = None
        if isinstance(data, dict):
            raw = header_code or _text(data.get("code")) or _text(data.get("__type"))
            message = clean_text(_text(data.get("message")) or _text(data.get("Message")) or "")
        else:
            raw = header_code
            reason = clean_text(response.reason, MAX_ID_CHARS) or "error"
            media = response.headers.get("Content-Type")
            media = clean_text(media, MAX_ID_CHARS) if media else "no content type"
            message = (
                f"{reason} (HTTP {response.status}); the error body is not "
                f"{self._codec.name} ({media}): {_snippet(response.body)!r}"
            )
        return (clean_text(sanitize_code(raw), MAX_ID_CHARS) if raw else ""), message


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
        if key is None:
            return "-"
        if known:
            return key
        if _TARGET_LIKE.fullmatch(key):
            return repr(key)
        return f"(not shown: {len(key)} characters)"

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


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _snippet(body: bytes) -> str:
    text = " ".join(clean_text(body[: MAX_SNIPPET_CHARS * 4].decode("utf-8", "replace")).split())
    return text if len(text) <= MAX_SNIPPET_CHARS else text[:MAX_SNIPPET_CHARS] + "..."
