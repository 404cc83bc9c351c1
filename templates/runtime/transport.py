"""Keep-alive HTTP/1.1 connections to one endpoint, for the client (thread-safe).

Everything taken from a response is bounded: the body is capped (`max_response_bytes`),
interim (1xx) answers are skipped but counted, and the numbers that frame an answer must be
plain ASCII digits. Nothing here depends on a protocol or an operation.
"""

from __future__ import annotations

import http.client
import re
import select
import socket
import ssl
import time
from collections import deque
from collections.abc import Mapping
from email.message import Message
from functools import partial
from typing import Any, Final

from .client_errors import (
    MAX_ID_CHARS,
    ConfigurationError,
    ConnectTimeoutError,
    EndpointConnectionError,
    MalformedResponseError,
    ReadTimeoutError,
    TotalTimeoutError,
    clean_text,
)
from .http_answers import DeadlineHTTPResponse, StrictHTTPResponse

DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
_READ_PIECE: Final = 65536
# Header lines that http.client's `putheader` takes as they are (a legal name, a value with no
# line break); anything else goes through `putheader`, to be refused or sent as it would be.
_PLAIN_HEADER_LINES: Final = re.compile(
    r"[^:\s][^:\r\n]*: [^\r\n]*(?:\r\n[^:\s][^:\r\n]*: [^\r\n]*)*"
)


def header_text(headers: Message, name: str) -> str | None:
    """A header's value, safe to show, cut to MAX_ID_CHARS; None when absent."""
    value = headers.get(name)
    return None if value is None else clean_text(value, MAX_ID_CHARS)


class Response:
    """What one attempt got back: status, headers (case-insensitive) and the whole body."""

    __slots__ = ("body", "headers", "reason", "status")

    def __init__(self, status: int, reason: str, headers: Message, body: bytes) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.body = body

    @property
    def request_id(self) -> str | None:
        return header_text(self.headers, "x-amzn-RequestId")


def _looks_dropped(sock: socket.socket) -> bool:
    """An idle keep-alive socket that is readable has been closed by the server."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([sock], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def _describe(exc: BaseException) -> str:
    # http.client puts what the server sent in some of its errors (BadStatusLine holds the line).
    text = clean_text(str(exc), MAX_ID_CHARS)
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _send_output_once(
    self: http.client.HTTPConnection, message_body: Any = None, encode_chunked: bool = False
) -> None:
    """http.client's `_send_output` for a bytes body, in one write where http.client makes two:
    the server is woken once, and the second packet is not sent (botocore joins them too)."""
    buffer: list[bytes] = self._buffer  # type: ignore[attr-defined]
    buffer.extend((b"", b""))
    head = b"\r\n".join(buffer)
    del buffer[:]
    self.send(head + message_body if message_body else head)


class _Connection(http.client.HTTPConnection):
    _send_output = _send_output_once


class _TLSConnection(http.client.HTTPSConnection):
    _send_output = _send_output_once


def _send_request(
    conn: http.client.HTTPConnection, path: str, body: bytes, headers: Mapping[str, str]
) -> None:
    """`conn.request("POST", path, body, headers)`, the same bytes, without a `putheader` call
    (and its checks) for each plain header line; ConfigurationError, which does not show the
    value, for a header http.client will not send."""
    conn.putrequest("POST", path, skip_host="Host" in headers, skip_accept_encoding=True)
    lines = "\r\n".join([f"{name}: {value}" for name, value in headers.items()])
    try:
        # As many lines as headers: no value holds a line break of its own.
        plain = (
            lines.count("\r\n") == len(headers) - 1
            and bool(_PLAIN_HEADER_LINES.fullmatch(lines))
            and lines.encode("latin-1")
        )
    except UnicodeEncodeError:
        plain = False
    if plain:
        head = b"Accept-Encoding: identity\r\nContent-Length: %d\r\n%s" % (len(body), plain)
        conn._buffer.append(head)  # type: ignore[attr-defined]
    else:
        conn.putheader("Accept-Encoding", "identity")
        conn.putheader("Content-Length", str(len(body)))
        for name, value in headers.items():
            try:
                conn.putheader(name, value)
            except ValueError:  # its message shows the value: a session token, it may be
                raise ConfigurationError(
                    f"the {name} header cannot be sent: its value holds a line break or a "
                    "character outside Latin-1 (the value is not shown)"
                ) from None
    conn.endheaders(body)


def _content_length_is_valid(answer: http.client.HTTPResponse) -> bool:
    """RFC 9112 section 6.3: a Content-Length is digits, and one value; anything else makes the
    framing unknown. (http.client takes `int()` of it: `+12`, `1_2` and ` 12 ` pass there.)"""
    if answer.chunked:
        return True
    values = answer.headers.get_all("Content-Length")
    if not values:
        return True
    first = values[0].strip()
    return first.isascii() and first.isdigit() and all(v.strip() == first for v in values)


class ConnectionPool:
    """Keep-alive connections to one host; at most `max_idle` are kept between calls."""

    def __init__(
        self,
        scheme: str,
        host: str,
        port: int | None,
        *,
        connect_timeout: float,
        read_timeout: float,
        max_idle: int,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        self._https = scheme == "https"
        self._host = host
        self._port = port
        self._connect_timeout = connect_timeout
        self._read_timeout = read_timeout
        self._max_idle = max_idle
        self._max_response_bytes = max_response_bytes
        self._idle: deque[http.client.HTTPConnection] = deque()
        self._ssl_context = ssl.create_default_context() if self._https else None

    def _connection(self) -> http.client.HTTPConnection:
        while True:
            try:
                conn = self._idle.pop()
            except IndexError:
                break
            if conn.sock is not None and not _looks_dropped(conn.sock):
                return conn
            conn.close()
        if self._https:
            conn = _TLSConnection(
                self._host, self._port, timeout=self._connect_timeout, context=self._ssl_context
            )
        else:
            conn = _Connection(self._host, self._port, timeout=self._connect_timeout)
        conn.response_class = StrictHTTPResponse
        return conn

    def post(
        self, path: str, body: bytes, headers: Mapping[str, str], deadline: float | None = None
    ) -> Response:
        """One POST. Raises EndpointConnectionError (or a subclass) when the connection fails,
        TotalTimeoutError when `deadline` (a `time.monotonic()` value) passes first, and
        MalformedResponseError when the answer is more than the client reads."""
        conn = self._connection()
        try:
            if deadline is not None:
                self._bound(conn, deadline)
            if conn.sock is None:
                self._connect(conn, deadline)
            _send_request(conn, path, body, headers)
            answer = conn.getresponse()
            data = self._body(answer)
        except EndpointConnectionError:
            conn.close()
            raise
        except TimeoutError as exc:
            conn.close()
            if deadline is not None and time.monotonic() >= deadline:
                raise TotalTimeoutError(
                    f"no answer from {self.where} before total_timeout ran out"
                ) from exc
            raise ReadTimeoutError(
                f"no answer from {self.where} within {self._read_timeout} s"
            ) from exc
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            raise EndpointConnectionError(
                f"connection to {self.where} failed: {_describe(exc)}"
            ) from exc
        except BaseException:
            conn.close()
            raise
        if answer.will_close or len(self._idle) >= self._max_idle:
            conn.close()
        else:
            if deadline is not None and conn.sock is not None:
                conn.sock.settimeout(self._read_timeout)
                conn.timeout = self._connect_timeout
                conn.response_class = StrictHTTPResponse
            self._idle.append(conn)
        return Response(answer.status, answer.reason, answer.headers, data)

    def _bound(self, conn: http.client.HTTPConnection, deadline: float) -> None:
        """Make every wait of this attempt end by `deadline`: connecting, sending, each read."""
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("total_timeout reached")
        conn.timeout = min(self._connect_timeout, remaining)
        if conn.sock is not None:
            conn.sock.settimeout(min(self._read_timeout, remaining))
        conn.response_class = partial(DeadlineHTTPResponse, deadline=deadline, read_timeout=self._read_timeout)  # type: ignore[assignment]

    def _body(self, answer: http.client.HTTPResponse) -> bytes:
        """The whole body, or MalformedResponseError past `max_response_bytes` (nothing more is read)."""
        if not _content_length_is_valid(answer):
            raise http.client.HTTPException("the answer's Content-Length is not one whole number")
        limit = self._max_response_bytes
        if answer.length is not None:
            if answer.length <= limit:
                return answer.read()
        else:  # chunked, or until the server closes: read in pieces, never more than the limit
            pieces: list[bytes] = []
            size = 0
            while size <= limit:
                piece = answer.read(min(_READ_PIECE, limit + 1 - size))
                if not piece:
                    return b"".join(pieces)
                pieces.append(piece)
                size += len(piece)
        raise MalformedResponseError(
            f"the body is larger than max_response_bytes ({limit} bytes); it is not read",
            status_code=answer.status,
            request_id=header_text(answer.headers, "x-amzn-RequestId"),
        )

    @property
    def where(self) -> str:
        scheme = "https" if self._https else "http"
        return f"{scheme}://{self._host}" + (f":{self._port}" if self._port else "")

    def _connect(self, conn: http.client.HTTPConnection, deadline: float | None) -> None:
        try:
            conn.connect()
        except TimeoutError as exc:
            if deadline is not None and time.monotonic() >= deadline:
                raise TotalTimeoutError(
                    f"could not connect to {self.where} before total_timeout ran out"
                ) from exc
            raise ConnectTimeoutError(
                f"could not connect to {self.where} within {self._connect_timeout} s"
            ) from exc
        except OSError as exc:
            raise EndpointConnectionError(
                f"could not connect to {self.where}: {_describe(exc)}"
            ) from exc
        # The connect timeout is spent; from now on each socket read waits up to this.
        read_timeout = self._read_timeout
        if deadline is not None:
            read_timeout = min(read_timeout, max(deadline - time.monotonic(), 0.001))
        conn.sock.settimeout(read_timeout)
        # http.client writes the headers and the body separately; do not let Nagle hold the body.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def close(self) -> None:
        while self._idle:
            self._idle.pop().close()
