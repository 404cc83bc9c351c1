"""A raw TCP server on 127.0.0.1 that misbehaves on purpose, for the client fault tests.

Each accepted connection reads one HTTP request (head and Content-Length body), counts it,
and then does what the next scripted fault says: answer normally, stall before answering,
send the head and stall, send part of the body and stall, cut the body short and close, reset
the connection, answer bytes that are not HTTP, trickle the answer a byte at a time, send a
body that never ends (chunked, or until the close), or send `100 Continue` forever. Any answer
may be preceded by raw interim (1xx) answers and carry raw extra header lines (folded ones, bytes
that are not ASCII), and may claim a Content-Length (or a chunk size) of its own; a chunked
answer may end in trailer lines without end.
Stalls last until the server stops, so they always outlast the client's timeout.
"""

from __future__ import annotations

import json
import socket
import struct
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Self

JSON = "application/x-amz-json-1.1"
# The endless bodies: 80 MiB of "[" (more than any limit the tests set), then the connection
# closes; "continue-forever" sends that many 100s, then stalls. A client without a limit is
# then seen to fail, instead of holding the test run forever.
ENDLESS_PIECE = b"[" * 65536
ENDLESS_PIECES = 1280


@dataclass
class Fault:
    kind: str  # "answer", "stall", "head-then-stall", "part-then-stall", "cut", "cut-chunked", "reset", "garbage",
    # "trickle", "chunked", "endless-chunked", "endless", "endless-trailer", "continue-forever"
    status: int = 200
    body: bytes = b'{"jobs": []}'
    content_type: str = JSON
    gap: float = 0.0  # seconds between bytes, for "trickle"; between 100s, for "continue-forever"
    interim: bytes = b""  # raw bytes sent before the head: interim (1xx) answers
    headers: bytes = b""  # raw header lines (each ending in CRLF) added to the head
    content_length: str | None = None  # the Content-Length to claim, when not the body's
    reason: bytes = b"X"  # the reason phrase of the status line
    chunk_size: bytes | None = None  # for "chunked": the size line to send, when not the body's length


def answer(
    status: int = 200,
    body: bytes | str = b'{"jobs": []}',
    content_type: str = JSON,
    *,
    interim: bytes = b"",
    headers: bytes = b"",
    content_length: str | None = None,
    reason: bytes = b"X",
) -> Fault:
    data = body.encode() if isinstance(body, str) else body
    return Fault(
        "answer",
        status,
        data,
        content_type,
        interim=interim,
        headers=headers,
        content_length=content_length,
        reason=reason,
    )


def aws_error(status: int, code: str, message: str = "m") -> Fault:
    return answer(status, json.dumps({"__type": code, "message": message}))


class FaultServer:
    def __init__(self, *, backlog: int = 64) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(backlog)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.requests = 0
        self.connections = 0
        self._script: deque[Fault] = deque()
        self.default = answer()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._open: list[socket.socket] = []

    def script(self, *faults: Fault) -> None:
        with self._lock:
            self._script.extend(faults)

    def __enter__(self) -> Self:
        thread = threading.Thread(target=self._accept, daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._listener.close()
        with self._lock:
            for conn in self._open:  # wake the threads waiting for another request
                try:
                    conn.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        for thread in self._threads:
            thread.join(5)

    def _accept(self) -> None:
        self._listener.settimeout(0.05)
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            with self._lock:
                self.connections += 1
                self._open.append(conn)
            thread = threading.Thread(target=self._serve, args=(conn,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _read_request(self, conn: socket.socket) -> bool:
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = conn.recv(65536)
            if not chunk:
                return False
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(body) < length:
            chunk = conn.recv(65536)
            if not chunk:
                return False
            body += chunk
        return True

    def _serve(self, conn: socket.socket) -> None:
        with conn:
            conn.settimeout(10)
            try:
                while not self._stop.is_set() and self._read_request(conn):
                    with self._lock:
                        self.requests += 1
                        fault = self._script.popleft() if self._script else self.default
                    if not self._act(conn, fault):
                        return
            except OSError:
                return

    def _act(self, conn: socket.socket, fault: Fault) -> bool:
        """Do the fault; whether the connection may carry another request."""
        length = str(len(fault.body)) if fault.content_length is None else fault.content_length
        request_id = (
            b""
            if b"x-amzn-requestid:" in fault.headers.lower()
            else f"x-amzn-RequestId: fault-{self.requests}\r\n".encode()
        )
        head = b"HTTP/1.1 %d %s\r\nContent-Type: %s\r\n%sContent-Length: %s\r\n%s\r\n" % (
            fault.status,
            fault.reason,
            fault.content_type.encode(),
            request_id,
            length.encode(),
            fault.headers,
        )
        if fault.interim:
            conn.sendall(fault.interim)
        if fault.kind == "answer":
            conn.sendall(head + fault.body)
            return True
        if fault.kind == "stall":
            self._stop.wait()
        elif fault.kind == "head-then-stall":
            conn.sendall(head)
            self._stop.wait()
        elif fault.kind == "part-then-stall":
            conn.sendall(head + fault.body[: len(fault.body) // 2])
            self._stop.wait()
        elif fault.kind == "cut":
            conn.sendall(head + fault.body[: len(fault.body) // 2])
        elif fault.kind == "cut-chunked":
            chunked_head = head.replace(f"Content-Length: {length}".encode(), b"Transfer-Encoding: chunked")
            conn.sendall(chunked_head + f"{len(fault.body):x}\r\n".encode() + fault.body[:5])
        elif fault.kind == "reset":
            conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        elif fault.kind == "garbage":
            conn.sendall(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")
        elif fault.kind == "trickle":
            for byte in head + fault.body:
                if self._stop.is_set():
                    break
                conn.sendall(bytes([byte]))
                time.sleep(fault.gap)
            return True
        elif fault.kind == "chunked":
            chunked_head = head.replace(f"Content-Length: {length}".encode(), b"Transfer-Encoding: chunked")
            size = b"%x" % len(fault.body) if fault.chunk_size is None else fault.chunk_size
            conn.sendall(chunked_head + b"%s\r\n%s\r\n0\r\n\r\n" % (size, fault.body))
            if fault.chunk_size is None:
                return True
            self._stop.wait()  # a client that believed the size waits for more
        elif fault.kind == "endless-trailer":
            chunked_head = head.replace(f"Content-Length: {length}".encode(), b"Transfer-Encoding: chunked")
            conn.sendall(chunked_head + b"%x\r\n%s\r\n0\r\n" % (len(fault.body), fault.body))
            for _ in range(ENDLESS_PIECES):
                if self._stop.is_set():
                    break
                conn.sendall(b"X-Trailer: " + ENDLESS_PIECE[:60000] + b"\r\n")
            self._stop.wait()
        elif fault.kind == "endless-chunked":
            conn.sendall(head.replace(f"Content-Length: {length}".encode(), b"Transfer-Encoding: chunked"))
            chunk = b"%x\r\n%s\r\n" % (len(ENDLESS_PIECE), ENDLESS_PIECE)
            for _ in range(ENDLESS_PIECES):
                if self._stop.is_set():
                    break
                conn.sendall(chunk)  # ends with an OSError once the client hangs up
        elif fault.kind == "endless":
            conn.sendall(head.replace(f"Content-Length: {length}\r\n".encode(), b""))
            for _ in range(ENDLESS_PIECES):
                if self._stop.is_set():
                    break
                conn.sendall(ENDLESS_PIECE)
        elif fault.kind == "continue-forever":
            for _ in range(ENDLESS_PIECES):
                if self._stop.is_set():
                    break
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n")
                time.sleep(fault.gap)
            self._stop.wait()
        return False


class FullBacklog:
    """A listening port whose accept queue is full, so new connections are never completed."""

    def __init__(self) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self.port: int = self._listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._filler = socket.create_connection(("127.0.0.1", self.port), timeout=5)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self._filler.close()
        self._listener.close()
