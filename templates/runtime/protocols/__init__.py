"""The protocol seam: what differs between wire protocols, behind one interface per side.

A protocol module implements `ClientProtocol` and `ServerProtocol` over a `Codec`: AWS JSON
1.0 and 1.1 are `aws_json` (the version is a parameter) over `json_codec`; Smithy RPC v2 CBOR
is `rpc_v2_cbor` over `cbor_codec`. What every protocol reads the same way (an error answer's
code and message, the access log's operation) is here. The client core
(`client.py`: connections, signing, retries, reading answers) and the ASGI core (`server.py`:
body limits, SigV4, handler calls, logging) are the same for every protocol; one server
speaks every protocol its spec lists, at once. A package carries only the protocol modules its
spec's protocols use.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Final, Protocol, TypeVar

from ..client_errors import MAX_ID_CHARS, clean_text

if TYPE_CHECKING:
    from pydantic import BaseModel

    from ..transport import Response

M = TypeVar("M", bound="BaseModel")
MAX_SNIPPET_CHARS: Final = 120
# What an unknown operation key may look like to be logged: a header or a path could hold
# anything, a key too.
_KEY_LIKE: Final = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}\.[A-Za-z]{1,64}", re.ASCII)


class ProtocolError(Exception):
    """A request the server refuses before (or instead of) calling a handler, answered with
    the error `code`: with the status of the spec's class for it, else `status`, else the
    core's default for the code. With `close`, the connection is closed after the answer."""

    def __init__(
        self, code: str, message: str, status: int | None = None, *, close: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status
        self.close = close


class Codec(Protocol):
    """How wire values become bytes and back (JSON, CBOR)."""

    @property
    def name(self) -> str:
        """What the bodies are, in messages: "JSON"."""
        ...

    def encode(self, value: object) -> bytes:
        """A wire value (dicts of wire names, lists, text, numbers) as a body; TypeError or
        ValueError when it is not one."""
        ...

    def encode_request(self, payload: object, model: type[BaseModel] | None) -> bytes:
        """A client's request (a wire dict of the JSON protocols' values) as a body; `model`,
        the operation's input model, tells a codec with more types than JSON's what each
        value is (a blob, a timestamp). TypeError or ValueError when it is not one."""
        ...

    def decode(self, body: bytes) -> Any:
        """A response body's value; ValueError when it is not one."""
        ...

    def decode_request(self, body: bytes) -> Any:
        """A request body's value, held to every rule of the format (an empty body is an
        empty structure); ProtocolError `SerializationException` otherwise."""
        ...

    def encode_model(self, model: BaseModel | None) -> bytes:
        """A model as its wire value by wire names, without unset members (None: an empty
        structure)."""
        ...

    def read_model(self, body: bytes, model: type[M], lenient: Callable[[object], M]) -> M:
        """A success body as `model`: by wire names only, through `lenient` (the package's
        forgiving reader) when the body does not satisfy the model exactly. Raises ValueError
        for a body that is not in the format, and what `lenient` raises."""
        ...


class ClientProtocol(Protocol):
    """The client's side: how a request for an operation looks, and how to read an error."""

    @property
    def codec(self) -> Codec: ...

    def request_path(self, endpoint_path: str, operation: str) -> str:
        """The path to send `operation`'s request to, below the endpoint's (percent-encoded)."""
        ...

    def request_headers(self, operation: str) -> dict[str, str]:
        """The protocol's headers for `operation`'s request (a new dict: the caller adds)."""
        ...

    def error_code(self, response: Response) -> tuple[str, str]:
        """The error code ("" when the answer names none) and the message of an error answer,
        both safe to show."""
        ...


class ServerProtocol(Protocol):
    """The server's side: which operation a request names, and how answers are written."""

    @property
    def codec(self) -> Codec: ...

    @property
    def content_type(self) -> str: ...

    @property
    def routing_headers(self) -> frozenset[bytes]:
        """The request headers (lower-case names) `route` and `check_headers` read; a repeated
        one reads as its values joined with commas."""
        ...

    @property
    def answer_headers(self) -> tuple[tuple[bytes, bytes], ...]:
        """The headers of every answer (the content type first)."""
        ...

    def claims(self, path: str, headers: Mapping[bytes, str]) -> bool:
        """Whether a request is this protocol's (by its path, or a header only it uses): a
        server speaking several protocols answers a request in the first that claims it, and
        in its first protocol when none does."""
        ...

    def check_request_line(self, method: str, path: str) -> None:
        """Raise ProtocolError for a method or path the protocol never serves."""
        ...

    def route(self, path: str, headers: Mapping[bytes, str]) -> str | None:
        """The key of the operation the request names (None when it names none): the key of
        that operation in the package's operation table."""
        ...

    def unknown_operation(self, key: str | None) -> ProtocolError:
        """The error for a request whose key is None or names no operation."""
        ...

    def shown_operation(self, key: str | None, known: bool) -> str:
        """The key as the access log shows it: only when it is an operation's or looks like
        one (a header or path can hold anything, a key too)."""
        ...

    def check_headers(self, headers: Mapping[bytes, str]) -> None:
        """Raise ProtocolError when a routed request's headers (content type...) are wrong."""
        ...

    def error_answer(
        self, code: str, message: str, members: Mapping[str, Any] | None = None
    ) -> tuple[list[tuple[bytes, bytes]], bytes]:
        """The extra headers and the body of an error answer (with the error's members)."""
        ...


def shown_key(key: str | None, known: bool) -> str:
    """An operation key as the access log shows it: only when it is an operation's or looks
    like one (`Service_Version.Operation`)."""
    if key is None:
        return "-"
    if known:
        return key
    if _KEY_LIKE.fullmatch(key):
        return repr(key)
    return f"(not shown: {len(key)} characters)"


def sanitize_code(raw: str) -> str:
    """`aws.ns#FooError:http://...` -> `FooError`: before the first `:`, after the first `#`
    (how AWS clients read an error code, in every AWS protocol)."""
    code = raw.split(":", 1)[0]
    return code.split("#", 1)[-1].strip()


def media_type_is(value: str | None, media_type: str) -> bool:
    """Whether a Content-Type is `media_type` (any case), with no charset other than utf-8."""
    if value == media_type:
        return True
    if value is None:
        return False
    found, _, parameters = value.partition(";")
    if found.strip().lower() != media_type:
        return False
    for parameter in parameters.split(";") if parameters else ():
        name, _, argument = parameter.partition("=")
        if name.strip().lower() == "charset" and argument.strip().strip('"').lower() != "utf-8":
            return False
    return True


def error_from_body(response: Response, codec: Codec, header_code: str | None) -> tuple[str, str]:
    """The code and message of an error answer, as every AWS protocol reads them: the code from
    `header_code` (a protocol's header, when it has one), else the body's `code`, else its
    `__type`; the message from `message`, else `Message`. Both are safe to show; a body that is
    not in the codec's format is described, by a short cleaned snippet."""
    header_code = _text(header_code)
    try:
        data = codec.decode(response.body) if response.body.strip() else {}
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
            f"{codec.name} ({media}): {_snippet(response.body)!r}"
        )
    return (clean_text(sanitize_code(raw), MAX_ID_CHARS) if raw else ""), message


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value.strip() else None


def _snippet(body: bytes) -> str:
    text = " ".join(clean_text(body[: MAX_SNIPPET_CHARS * 4].decode("utf-8", "replace")).split())
    return text if len(text) <= MAX_SNIPPET_CHARS else text[:MAX_SNIPPET_CHARS] + "..."
