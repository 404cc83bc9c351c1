"""Keep-alive HTTP/1.1 connections to one endpoint, for the client (thread-safe).

Everything taken from a response is bounded: the body is capped (`max_response_bytes`),
interim (1xx) answers are skipped but counted, and the numbers that frame an answer must be
plain ASCII digits. Nothing here depends on a protocol or an operation.
"""

from __future__ import annotations

import http.client
import io
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
    ConnectTimeoutError,
    EndpointConnectionError,
    MalformedResponseError,
    ReadTimeoutError,
    TotalTimeoutError,
    clean_text,
)

DEFAULT_MAX_RESPONSE_BYTES: Final = 64 * 1024 * 1024
# http.client's own limits on one header line and on the header lines of one answer.
MAX_LINE_BYTES: Final = 65536
MAX_HEADER_LINES: Final = 100
# Interim (1xx) answers skipped before the final one; real servers send one or two.
MAX_INTERIM_ANSWERS: Final = 20
_READ_PIECE: Final = 65536
_CHUNK_SIZE: Final = re.compile(b"0*[0-9A-Fa-f]{1,16}")


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


class _DeadlineReader(io.RawIOBase):
    """A socket's reads, each bounded by `read_timeout` and by what is left until `deadline`."""

    def __init__(self, sock: socket.socket, deadline: float, read_timeout: float) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)
        self._deadline = deadline
        self._read_timeout = read_timeout

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        remaining = self._deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("total_timeout reached")
        self._sock.settimeout(min(self._read_timeout, remaining))
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _HTTPResponse(http.client.HTTPResponse):
    """http.client's response, made to skip every interim (1xx) answer and to read the numbers
    that frame the answer strictly. http.client itself skips only `100 Continue` and would take
    any other 1xx (`103 Early Hints`, `102 Processing`) as the final answer, losing the real one
    behind it; it takes `int(..., 16)` of a chunk size, so `-1` made it read to the end of the
    connection in one piece, past any limit; and it reads trailer lines without end."""

    def _read_status(self) -> tuple[str, int, str]:
        header_lines = MAX_HEADER_LINES  # for all the interim answers together
        for _ in range(MAX_INTERIM_ANSWERS + 1):
            version, status, reason = self._status_line()
            if status >= 200:
                return version, status, reason
            if status == 101:
                # Only a request that asks for an upgrade may get one; this one asked for none.
                raise http.client.HTTPException(
                    "101 Switching Protocols to a request that asked for no upgrade"
                )
            header_lines = self._skip_lines(header_lines, "interim header")
        raise MalformedResponseError(
            f"more than {MAX_INTERIM_ANSWERS} interim (1xx) answers before the final one",
            status_code=status,
            request_id=None,
        )

    def _status_line(self) -> tuple[str, int, str]:
        line = self.fp.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            raise http.client.LineTooLong("status line")
        if not line:
            raise http.client.RemoteDisconnected("Remote end closed connection without response")
        text = line.decode("iso-8859-1")
        version, _, rest = text.rstrip("\r\n").partition(" ")
        status, _, reason = rest.partition(" ")
        if not version.startswith("HTTP/") or not (
            len(status) == 3 and status.isascii() and status.isdigit()
        ):
            raise http.client.BadStatusLine(text)
        return version, int(status), reason

    def _skip_lines(self, budget: int, what: str) -> int:
        """Read lines up to an empty one, at most `budget` of them; the budget that is left."""
        while budget >= 0:
            line = self.fp.readline(MAX_LINE_BYTES + 1)
            if len(line) > MAX_LINE_BYTES:
                raise http.client.LineTooLong(f"{what} line")
            if line in (b"\r\n", b"\n", b""):
                return budget
            budget -= 1
        raise http.client.HTTPException(f"got more than {MAX_HEADER_LINES} {what} lines")

    def _read_next_chunk_size(self) -> int:
        line = self.fp.readline(MAX_LINE_BYTES + 1)
        if len(line) > MAX_LINE_BYTES:
            raise http.client.LineTooLong("chunk size")
        size = line.split(b";", 1)[0].strip()
        if not _CHUNK_SIZE.fullmatch(size):
            raise ValueError(
                "a chunk size is hexadecimal digits, at most 16 after leading zeros"
            )  # -> IncompleteRead
        return int(size, 16)

    def _read_and_discard_trailer(self) -> None:
        self._skip_lines(MAX_HEADER_LINES, "trailer")


class _DeadlineHTTPResponse(_HTTPResponse):
    """A response whose every read also ends by a deadline (`total_timeout`)."""

    def __init__(
        self, sock: socket.socket, *args: Any, deadline: float, read_timeout: float, **kwargs: Any
    ) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp.close()
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, read_timeout))


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
            conn = http.client.HTTPSConnection(
                self._host, self._port, timeout=self._connect_timeout, context=self._ssl_context
            )
        else:
            conn = http.client.HTTPConnection(self._host, self._port, timeout=self._connect_timeout)
        conn.response_class = _HTTPResponse
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
            conn.request("POST", path, body, dict(headers))
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
                conn.response_class = _HTTPResponse
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
        conn.response_class = partial(_DeadlineHTTPResponse, deadline=deadline, read_timeout=self._read_timeout)  # type: ignore[assignment]

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
