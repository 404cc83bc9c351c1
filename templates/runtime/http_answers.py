"""Reading one HTTP/1.1 answer strictly, for the client's connections (`transport`).

http.client's `HTTPResponse`, made to skip every interim (1xx) answer, to read the numbers
that frame an answer strictly, to bound every line it reads, and to read plain header lines
without the `email` package: each answer's headers went through `email.parser`, the largest
part of the client's own time after the socket. Header sections with anything but plain
`name: value` lines (folded lines, lines without a colon, a lone CR) still go through
`email.parser`, so every answer's headers read as http.client reads them.
"""

from __future__ import annotations

import email.parser
import http.client
import io
import re
import socket
import time
from typing import Any, Final

from .client_errors import MalformedResponseError

# http.client's own limits on one header line and on the header lines of one answer.
MAX_LINE_BYTES: Final = 65536
MAX_HEADER_LINES: Final = 100
# Interim (1xx) answers skipped before the final one; real servers send one or two.
MAX_INTERIM_ANSWERS: Final = 20
_CHUNK_SIZE: Final = re.compile(b"0*[0-9A-Fa-f]{1,16}")
# A header section `email.parser` reads as plain (name, value) pairs: names of the characters
# its header pattern allows, no continuation lines, no CR but before the LF ending each line.
_PLAIN_SECTION: Final = re.compile(r"(?:[!-9;-~]+:[^\r\n]*\r?\n)*\r?\n")
_EMPTY_LINES: Final = (b"\r\n", b"\n", b"")


def parse_header_section(lines: list[bytes]) -> http.client.HTTPMessage:
    """The headers of an answer from its header lines (the empty line that ends them last), as
    `http.client.parse_headers` makes them: `email.parser` (compat32) reads a plain line as the
    name before the first colon and the rest without its leading blanks and line ending."""
    text = b"".join(lines).decode("iso-8859-1")
    if not _PLAIN_SECTION.fullmatch(text):
        return email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)
    message = http.client.HTTPMessage()
    pairs = []
    for line in text.split("\n")[:-2]:  # not splitlines: it also splits at \x0c, \x85...
        name, _, value = line.partition(":")
        pairs.append((name, value.lstrip(" \t").removesuffix("\r")))
    message._headers = pairs  # type: ignore[attr-defined]  # Message keeps its headers here
    return message


class StrictHTTPResponse(http.client.HTTPResponse):
    """http.client's response, made to skip every interim (1xx) answer and to read the numbers
    that frame the answer strictly. http.client itself skips only `100 Continue` and would take
    any other 1xx (`103 Early Hints`, `102 Processing`) as the final answer, losing the real one
    behind it; it takes `int(..., 16)` of a chunk size, so `-1` made it read to the end of the
    connection in one piece, past any limit; and it reads trailer lines without end."""

    def begin(self) -> None:
        # http.client's own `begin`, but for the header lines (`parse_header_section`).
        if self.headers is not None:
            return
        version, status, reason = self._read_status()
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = parse_header_section(self._header_lines())
        encoding = self.headers.get("transfer-encoding")
        self.chunked = bool(encoding) and encoding.lower() == "chunked"
        self.chunk_left = None
        self.will_close = self._check_close()
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        if status in (204, 304) or self._method == "HEAD":
            self.length = 0
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True

    def _header_lines(self) -> list[bytes]:
        lines = []
        while True:
            line = self.fp.readline(MAX_LINE_BYTES + 1)
            if len(line) > MAX_LINE_BYTES:
                raise http.client.LineTooLong("header line")
            lines.append(line)
            if len(lines) > MAX_HEADER_LINES:
                raise http.client.HTTPException(f"got more than {MAX_HEADER_LINES} headers")
            if line in _EMPTY_LINES:
                return lines

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
            if line in _EMPTY_LINES:
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


class DeadlineHTTPResponse(StrictHTTPResponse):
    """A response whose every read also ends by a deadline (`total_timeout`)."""

    def __init__(
        self, sock: socket.socket, *args: Any, deadline: float, read_timeout: float, **kwargs: Any
    ) -> None:
        super().__init__(sock, *args, **kwargs)
        self.fp.close()
        self.fp = io.BufferedReader(_DeadlineReader(sock, deadline, read_timeout))
