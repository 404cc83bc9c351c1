"""The ASGI core of a generated server, the same for every protocol and service.

The package's `server` module builds the operation table and the protocol, and `create_app`
hands them here with the spec's error classes and validators. Per request:

- a request with both `Content-Length` and `Transfer-Encoding` gets 400
  `SerializationException` and the connection is closed, before any of its body is read:
  the two frame the body differently, so the bytes after it could be read as a second,
  smuggled request (RFC 9112, section 6.1);
- the protocol checks the method and path; the body must be at most `max_body_bytes` (413
  `RequestEntityTooLargeException`, and the connection is closed), and so must a `gzip`
  `Content-Encoding` body once decompressed (see `bodies`);
- with `credentials`, the request must carry a valid SigV4 signature (see `sigv4`);
- the protocol names the operation (else 400 `UnknownOperationException`), checks the headers
  and decodes the body (400 `SerializationException` when it cannot);
- a value of the wrong type gives 400 `SerializationException`, constraint violations 400
  `ValidationException` with AWS's message; members are read by their wire names only;
- the handler's method for the operation (sync or async) gets the input model and returns the
  output model, a wire dict or None, or raises a `ServiceError`; any other exception gives 500
  `InternalFailure`, with no detail in the answer; an operation the handler has no method for
  gives 400 `UnknownOperationException` (a handler must have at least one);
- a failure of the server's own (reading, validating, writing an answer) is 500
  `InternalFailure` too, logged with its traceback: never the ASGI server's plain-text 500;
- every answer carries `x-amzn-RequestId`.

Sync handler methods run in threads by default (`handler_threads`, a cheaper hop than the
loop's default executor), so a handler that blocks (a database, a file) cannot stall other
requests; `sync_in_thread=False` runs them on the loop, which saves even that hop for handlers
that never block. Async ones always run on the loop.

One access-log line per request goes to the given logger at INFO: operation, status, error
code, latency and request id; never bodies, headers or keys.
"""

from __future__ import annotations

import inspect
import logging
import os
import time
from collections.abc import Awaitable, Callable, Mapping
from typing import Any, Final, Generic

import pydantic

from .bodies import decoded, read_body, too_large
from .errors import ServiceError
from .handler_threads import HandlerThreads
from .protocols import Codec, ProtocolError, ServerProtocol
from .server_spec import Operation, ServerSpec, V, ViolationLike
from .sigv4 import SignatureError, SigV4Verifier, check_clock_skew

__all__ = [
    "DEFAULT_MAX_BODY_BYTES",
    "Application",
    "Operation",
    "ServerSpec",
    "ViolationLike",
    "new_request_id",
]

DEFAULT_MAX_BODY_BYTES: Final = 1024 * 1024
INTERNAL_FAILURE_MESSAGE: Final = (
    "The request processing has failed because of an unknown error, exception or failure."
)
FRAMED_TWICE_MESSAGE: Final = (
    "The request has both Content-Length and Transfer-Encoding; send one of them "
    "(RFC 9112 forbids both, as they frame the body differently)."
)

Scope = Mapping[str, Any]
Receive = Callable[[], Awaitable[dict[str, Any]]]
Send = Callable[[dict[str, Any]], Awaitable[None]]

_request_ids: list[str] = []
_IDS_PER_READ: Final = 256
_VERSION_4: Final = bytes(b & 0x0F | 0x40 for b in range(256))
_VARIANT_RFC_4122: Final = bytes(b & 0x3F | 0x80 for b in range(256))
# Where each of a UUID's 32 hex digits goes among its 36 characters (8-4-4-4-12).
_DIGIT_PLACES: Final = tuple(i + (i >= 8) + (i >= 12) + (i >= 16) + (i >= 20) for i in range(32))


def new_request_id() -> str:
    """A random (version 4) UUID, as `str(uuid.uuid4())` writes it; from `os.urandom` read
    for 256 at a time and laid out a digit column at a time, which costs a fraction of
    formatting each."""
    if not _request_ids:
        raw = bytearray(os.urandom(16 * _IDS_PER_READ))
        raw[6::16] = raw[6::16].translate(_VERSION_4)
        raw[8::16] = raw[8::16].translate(_VARIANT_RFC_4122)
        digits = raw.hex().encode("ascii")
        text = bytearray(b"-" * (36 * _IDS_PER_READ))
        for digit, place in enumerate(_DIGIT_PLACES):
            text[place::36] = digits[digit::32]
        ids = text.decode("ascii")
        _request_ids.extend(ids[i : i + 36] for i in range(0, len(ids), 36))
    return _request_ids.pop()


# A forked worker must not answer with its parent's ids.
os.register_at_fork(after_in_child=_request_ids.clear)


class Application(Generic[V]):
    """The ASGI application `create_app` returns."""

    def __init__(
        self,
        spec: ServerSpec[V],
        handler: object,
        *,
        credentials: Mapping[str, str] | None,
        max_body_bytes: int,
        clock_skew: float,
        clock: Callable[[], float],
        sync_in_thread: bool,
    ) -> None:
        if isinstance(max_body_bytes, bool) or not isinstance(max_body_bytes, int):
            raise TypeError(
                "max_body_bytes must be a whole number of bytes, "
                f"not {type(max_body_bytes).__name__}"
            )
        if max_body_bytes < 0:
            raise ValueError(f"max_body_bytes must be at least 0, got {max_body_bytes}")
        check_clock_skew(clock_skew)
        self.handler = handler
        self.max_body_bytes = max_body_bytes
        self._spec = spec
        if not spec.protocols:
            raise ValueError("a server speaks at least one protocol")
        self._operations = spec.operations
        self._logger = spec.logger
        # Looked up once: a request pays for no property or attribute chain.
        self._speakers = [_Speaker(protocol) for protocol in spec.protocols]
        self._single = self._speakers[0] if len(self._speakers) == 1 else None
        self._wanted = frozenset().union(*(p.routing_headers for p in spec.protocols))
        self._verifier = (
            SigV4Verifier(
                credentials, service=spec.signing_name, clock_skew=clock_skew, clock=clock
            )
            if credentials is not None
            else None
        )
        self._sync_in_thread = sync_in_thread
        # The app's own: another app's blocked handlers cannot take them (no thread starts before
        # the first call).
        self._threads = HandlerThreads()
        self._methods: dict[str, tuple[Callable[[Any], Any], bool]] = {}
        missing = []
        for key, operation in self._operations.items():
            method = getattr(handler, operation.method_name, None)
            if not callable(method):
                missing.append(f"{operation.method_name}() for {operation.name}")
                continue
            self._methods[key] = (method, inspect.iscoroutinefunction(method))
        if not self._methods:
            raise TypeError(f"handler {type(handler).__name__} lacks {', '.join(missing)}")
        if missing:
            # A handler may serve some operations only; the others answer
            # UnknownOperationException, and the log says which at once (a misspelt name).
            self._logger.warning(
                "handler %s lacks %s: those operations answer UnknownOperationException",
                type(handler).__name__,
                ", ".join(missing),
            )

    def __repr__(self) -> str:
        signed = self._verifier is not None
        return f"Application(handler={type(self.handler).__name__}, signed={signed})"

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        # An HTTP request in this coroutine itself: one coroutine fewer a request.
        if scope["type"] != "http":
            if scope["type"] == "lifespan":
                await _lifespan(receive, send)
            return
        started = time.perf_counter()
        request_id = new_request_id()
        wanted = self._wanted
        found: dict[bytes, str] = {}
        length: str | None = None
        encoding: str | None = None
        chunked = False
        for name, value in scope["headers"]:
            # A repeated header reads as its values joined with commas, as the signature
            # covers it: two targets or content types then match nothing.
            if name in wanted:
                text = value.decode("latin-1")
                found[name] = f"{found[name]},{text}" if name in found else text
            elif name == b"content-length":
                length = value.decode("latin-1")
            elif name == b"transfer-encoding":
                chunked = True
            elif name == b"content-encoding":
                text = value.decode("latin-1")
                encoding = f"{encoding},{text}" if encoding else text
        path = scope["path"]
        speaker = self._single or self._speaker_for(path, found)
        protocol = speaker.protocol
        key: str | None = None
        code = ""
        try:
            key = protocol.route(path, found)
            if chunked and length is not None:
                raise ProtocolError("SerializationException", FRAMED_TWICE_MESSAGE, close=True)
            body = await self._answer(speaker, scope, receive, key, found, (length, encoding))
            status = 200
            headers = [
                *speaker.answer_headers,
                (b"x-amzn-requestid", request_id.encode("ascii")),
                (b"content-length", str(len(body)).encode("ascii")),
            ]
        except Exception as failure:  # noqa: BLE001 - every failure gets an AWS error answer
            status, code, headers, body = self._failure_answer(speaker, key, request_id, failure)
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": False})
        if self._logger.isEnabledFor(logging.INFO):
            self._logger.info(
                "target=%s status=%d error=%s latency_ms=%.2f request_id=%s",
                protocol.shown_operation(key, key in self._operations),
                status,
                code or "-",
                (time.perf_counter() - started) * 1000.0,
                request_id,
            )

    def _failure_answer(
        self, speaker: _Speaker, key: str | None, request_id: str, failure: Exception
    ) -> tuple[int, str, list[tuple[bytes, bytes]], bytes]:
        """The status, error code, headers and body answering `failure`: a refusal's own, and
        InternalFailure (logged with its traceback) for anything else, also when the refusal's
        answer cannot be written (a message CBOR cannot hold)."""
        operation = self._operations.get(key) if key is not None else None
        name = operation.name if operation else speaker.protocol.shown_operation(key, False)
        if isinstance(failure, (ProtocolError, ServiceError)):
            try:
                return self._error_answer(speaker, request_id, failure)
            except Exception as unwritable:  # answered as InternalFailure below
                # Not chained to the refusal: a message no answer can hold may not suit a log.
                unwritable.__suppress_context__ = True
                self._logger.exception("%s: the error answer could not be written", name)
        else:
            self._logger.exception("%s: the server failed outside the handler", name)
        internal = self._spec.error("InternalFailure", INTERNAL_FAILURE_MESSAGE)
        return self._error_answer(speaker, request_id, internal)

    def _error_answer(
        self, speaker: _Speaker, request_id: str, failure: ProtocolError | ServiceError
    ) -> tuple[int, str, list[tuple[bytes, bytes]], bytes]:
        headers = [*speaker.answer_headers, (b"x-amzn-requestid", request_id.encode("ascii"))]
        if isinstance(failure, ProtocolError):
            error = self._spec.error(failure.code, failure.message, failure.status)
            if failure.close:
                headers.append((b"connection", b"close"))
        else:
            error = failure
        extra, body = speaker.protocol.error_answer(error.code, error.message, error.wire_members())
        headers.append((b"content-length", str(len(body)).encode("ascii")))
        headers.extend(extra)
        return error.status_code, error.code, headers, body

    def _speaker_for(self, path: str, headers: Mapping[bytes, str]) -> _Speaker:
        for speaker in self._speakers:
            if speaker.protocol.claims(path, headers):
                return speaker
        return self._speakers[0]

    async def _answer(
        self,
        speaker: _Speaker,
        scope: Scope,
        receive: Receive,
        key: str | None,
        found: Mapping[bytes, str],
        framing: tuple[str | None, str | None],
    ) -> bytes:
        """The success body; raises ProtocolError or ServiceError. `framing`: the body's
        Content-Length and Content-Encoding."""
        protocol = speaker.protocol
        protocol.check_request_line(scope["method"], scope["path"])
        length, encoding = framing
        limit = self.max_body_bytes
        if length is not None and length.isdigit() and int(length) > limit:
            raise too_large(limit)
        # Most bodies come whole in the first message: read_body joins the rest.
        first = await receive()
        body = first.get("body", b"")
        if first.get("more_body", False) or first["type"] != "http.request" or len(body) > limit:
            body = await read_body(receive, length, limit, first)
        if self._verifier is not None:
            try:
                query = scope.get("query_string", b"")
                self._verifier.verify(scope["method"], scope["path"], query, scope["headers"], body)
            except SignatureError as exc:
                raise ProtocolError(exc.code, exc.message) from None
        operation = self._operations.get(key) if key is not None else None
        if operation is None or key is None:
            raise protocol.unknown_operation(key)
        protocol.check_headers(found)
        if encoding is not None:
            body = decoded(body, encoding, self.max_body_bytes)
        return await self._call(operation, key, speaker.codec.decode_request(body), speaker.codec)

    async def _call(self, operation: Operation[V], key: str, document: Any, codec: Codec) -> bytes:
        spec = self._spec
        violations = operation.validate(document)
        if violations:
            type_errors = [v for v in violations if v.kind == "type"]
            if type_errors:
                raise spec.error("SerializationException", type_errors[0].message)
            raise spec.error("ValidationException", spec.format_message(violations))
        try:
            # By wire names only: the validators checked those, and a Python name
            # (`max_batch_size`) is an unknown member on the wire.
            request = operation.input_model.__pydantic_validator__.validate_python(
                document, by_alias=True, by_name=False
            )
        except pydantic.ValidationError as exc:
            # The generated validators passed it, so the two disagree: a generator bug. The
            # locations would hold map keys from the body: log only pydantic's error kinds.
            kinds = {str(e["type"]) for e in exc.errors(include_url=False, include_input=False)}
            self._logger.warning(
                "%s: the model refused a request the validators accepted (%d errors: %s)",
                operation.name,
                exc.error_count(),
                ", ".join(sorted(kinds)),
            )
            raise spec.error("ValidationException", "The request failed validation.") from None
        found = self._methods.get(key)
        if found is None:
            raise ProtocolError(
                "UnknownOperationException", f"This server does not serve {operation.name}."
            )
        method, is_async = found
        try:
            if is_async:
                result = await method(request)
            elif self._sync_in_thread:
                result = await self._threads.call(method, request)
            else:
                result = method(request)
            if type(result) is not operation.output_model and inspect.isawaitable(result):
                result = await result
            if type(result) is not operation.output_model:
                result = self._output(operation, result)
            return codec.encode_model(result)
        except ServiceError as exc:
            if not 400 <= exc.status_code <= 599:
                exc.status_code = 500
            raise
        except Exception:
            self._logger.exception("%s failed", operation.name)
            raise spec.error("InternalFailure", INTERNAL_FAILURE_MESSAGE) from None

    def _output(self, operation: Operation[V], result: object) -> pydantic.BaseModel | None:
        if type(result) is operation.output_model or isinstance(result, operation.output_model):
            output = result
        elif isinstance(result, Mapping):
            output = operation.read_output(_wire_dict(result))
        elif result is None:
            output = None
        else:
            raise TypeError(
                f"{operation.method_name}() returned {type(result).__name__}, "
                f"not {operation.output_model.__name__} or a dict"
            )
        return output


class _Speaker:
    """A protocol with what each answer in it needs, looked up once."""

    __slots__ = ("answer_headers", "codec", "protocol")

    def __init__(self, protocol: ServerProtocol) -> None:
        self.protocol = protocol
        self.codec = protocol.codec
        self.answer_headers = list(protocol.answer_headers)


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


def _wire_dict(value: Any) -> Any:
    """A handler's dict, with any models inside it (`{"echo": request.form}`) as their wire
    dicts, so the reader takes them like the rest."""
    if isinstance(value, pydantic.BaseModel):
        return value.model_dump(by_alias=True, exclude_none=True)
    if isinstance(value, Mapping):
        return {key: _wire_dict(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_wire_dict(item) for item in value]
    return value
