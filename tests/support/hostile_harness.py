"""Helpers for the hostile-input tests: a server subprocess, keep-alive and raw connections,
and the check that an answer is a well-formed AWS JSON 1.1 answer.

`ServerProcess` runs `python -m pollforjobs.server` as a user would (port 0, on 127.0.0.1),
keeps every line it logs, and reads its resident memory from /proc.
"""

from __future__ import annotations

import datetime
import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self

from botocore.auth import SIGV4_TIMESTAMP, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from ..conftest import ROOT

CONTENT_TYPE = "application/x-amz-json-1.1"
# Codes the server answers for a request it will not serve, with their statuses.
PROTOCOL_STATUSES = {
    "IncompleteSignatureException": {400},
    "InvalidSignatureException": {400},
    "MissingAuthenticationTokenException": {400},
    "UnrecognizedClientException": {400},
    "RequestEntityTooLargeException": {413},
    "SerializationException": {400},
    "UnknownOperationException": {400, 404, 405},
    "ValidationException": {400},
    "ActionTypeNotFoundException": {400},
    "InternalFailure": {500},
}


class ServerProcess:
    """`python -m pollforjobs.server ARGS` on a free loopback port, for the length of a `with`."""

    def __init__(self, *args: str, env: dict[str, str] | None = None) -> None:
        command = [sys.executable, "-m", "pollforjobs.server", "--host", "127.0.0.1", "--port", "0", *args]
        self.process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={**os.environ, **(env or {})},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            errors="backslashreplace",
        )
        self.lines: list[str] = []
        self.port = 0
        self._started = threading.Event()
        threading.Thread(target=self._read, daemon=True).start()
        if not self._started.wait(30) or not self.port:
            self.process.kill()
            raise RuntimeError("the server did not start:\n" + self.log())
        self.url = f"http://127.0.0.1:{self.port}"

    def _read(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.lines.append(line)
            if not self.port:
                found = re.search(r"Uvicorn running on http://127\.0\.0\.1:(\d+)", line)
                if found:
                    self.port = int(found.group(1))
                    self._started.set()
        self._started.set()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(30)

    def alive(self) -> bool:
        return self.process.poll() is None

    def log(self) -> str:
        return "".join(self.lines)

    def wait_for_lines(self, pattern: str, count: int, timeout: float = 20) -> int:
        """How many log lines match `pattern`, once `count` have (or `timeout` passed)."""
        expression = re.compile(pattern)
        deadline = time.monotonic() + timeout
        while True:
            found = sum(1 for line in list(self.lines) if expression.search(line))
            if found >= count or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    def rss_kib(self) -> int:
        """The server's resident set size (VmRSS), in KiB."""
        status = Path(f"/proc/{self.process.pid}/status").read_text(encoding="ascii")
        found = re.search(r"^VmRSS:\s+(\d+) kB$", status, re.MULTILINE)
        assert found, status
        return int(found.group(1))


@dataclass
class Reply:
    status: int
    headers: dict[str, str]  # names lower-cased; repeated headers joined with ", "
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


class KeepAlive:
    """One keep-alive HTTP/1.1 connection that reconnects when the server closed it."""

    def __init__(self, port: int, timeout: float = 30) -> None:
        self._port = port
        self._timeout = timeout
        self._connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)

    def send(self, method: str, path: str, headers: dict[str, str], body: bytes) -> Reply:
        for attempt in (1, 2):
            try:
                self._connection.request(method, path, body=body, headers=headers)
                response = self._connection.getresponse()
                data = response.read()
            except (ConnectionError, http.client.RemoteDisconnected, BrokenPipeError):
                # The server closed the idle connection (its keep-alive timeout) before this
                # request reached it; a request it answered is never sent twice.
                self._connection.close()
                if attempt == 2:
                    raise
                continue
            if response.will_close:
                self._connection.close()
            return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, data)
        raise AssertionError("unreachable")

    def close(self) -> None:
        self._connection.close()


def raw_exchange(port: int, data: bytes | list[bytes], *, timeout: float = 10, pause: float = 0.0) -> bytes:
    """Write `data` (pieces with `pause` seconds between them) on a fresh socket and return
    every byte the server sends until it closes (or `timeout` passes). The socket is not
    half-closed: uvicorn closes a connection at the client's EOF without answering."""
    pieces = [data] if isinstance(data, bytes) else data
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        try:
            for index, piece in enumerate(pieces):
                if index and pause:
                    time.sleep(pause)
                sock.sendall(piece)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed while we were still writing
        deadline = time.monotonic() + timeout
        try:
            while time.monotonic() < deadline:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                received += chunk
        except ConnectionResetError:
            pass  # the server closed with our surplus bytes unread
        except TimeoutError:
            pass
    return received


def parse_raw(response: bytes) -> list[Reply]:
    """The HTTP/1.1 responses in `response` (bodies framed by Content-Length or chunked)."""
    replies = []
    rest = response
    while rest:
        head, separator, rest = rest.partition(b"\r\n\r\n")
        assert separator, f"incomplete response head: {head[:200]!r}"
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        headers: dict[str, str] = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        status = int(status_line.split(" ")[1])
        if 100 <= status < 200:  # an interim answer (100 Continue) has no body
            replies.append(Reply(status, headers, b""))
            continue
        if headers.get("transfer-encoding") == "chunked":
            body = b""
            while True:
                size_line, _, rest = rest.partition(b"\r\n")
                size = int(size_line, 16)
                body, rest = body + rest[:size], rest[size + 2 :]
                if not size:
                    break
            replies.append(Reply(status, headers, body))
            continue
        length = int(headers.get("content-length", len(rest)))
        replies.append(Reply(status, headers, rest[:length]))
        rest = rest[length:]
    return replies


def request_bytes(
    body: bytes,
    headers: dict[str, str] | list[tuple[str, str]] | None = None,
    *,
    length: bool = True,
    close: bool = True,
) -> bytes:
    """A raw POST / with the PollForJobs target, content type, Content-Length (unless `length`
    is false or `headers` name one) and `Connection: close` (unless `close` is false).
    `headers` as a list may repeat a name."""
    fields = [("X-Amz-Target", "CodePipeline_20150709.PollForJobs"), ("Content-Type", CONTENT_TYPE)]
    given = list(headers.items()) if isinstance(headers, dict) else list(headers or [])
    names = {name.lower() for name, _ in given}
    fields = [(name, value) for name, value in fields if name.lower() not in names] + given
    if length and "content-length" not in names:
        fields.append(("Content-Length", str(len(body))))
    if close and "connection" not in names:
        fields.append(("Connection", "close"))
    lines = ["POST / HTTP/1.1", "Host: 127.0.0.1", *(f"{name}: {value}" for name, value in fields)]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body


def aws_error(reply: Reply) -> tuple[int, str, str]:
    """Assert `reply` is a well-formed AWS JSON 1.1 error; return (status, code, message)."""
    assert reply.headers.get("content-type") == CONTENT_TYPE, reply
    request_id = reply.headers.get("x-amzn-requestid", "")
    assert uuid.UUID(request_id).version == 4, reply
    body = json.loads(reply.body)
    assert isinstance(body, dict) and set(body) == {"__type", "message"}, reply
    code, message = body["__type"], body["message"]
    assert isinstance(code, str) and isinstance(message, str) and message, reply
    assert reply.headers.get("x-amzn-errortype") == code, reply
    assert reply.status in PROTOCOL_STATUSES.get(code, {reply.status}), reply
    assert 400 <= reply.status <= 599, reply
    assert "Traceback" not in message and 'File "' not in message, reply
    return reply.status, code, message


def is_uvicorn_400(reply: Reply) -> bool:
    """uvicorn's own answer to bytes that are not HTTP/1.1 (the app never sees them)."""
    return (
        reply.status == 400
        and reply.headers.get("content-type") == "text/plain; charset=utf-8"
        and reply.headers.get("connection", "").lower() == "close"
        and reply.body == b"Invalid HTTP request received."
    )


def sign(
    url: str,
    body: bytes,
    headers: dict[str, str],
    *,
    access_key: str,
    secret_key: str,
    token: str | None = None,
    service: str = "codepipeline",
    region: str = "us-east-1",
    at: datetime.datetime | None = None,
    path: str = "/",
) -> dict[str, str]:
    """`headers` plus a SigV4 signature by botocore's signer for `path`, made at `at` (default: now).

    botocore's `add_auth` is not used: it logs the canonical request (session token and all)
    at debug level, and these tests run with debug logging to prove nothing else leaks.
    """
    request = AWSRequest(method="POST", url=url + path, data=body, headers=dict(headers))
    signer = SigV4Auth(Credentials(access_key, secret_key, token), service, region)
    request.context["timestamp"] = (at or datetime.datetime.now(datetime.UTC)).strftime(SIGV4_TIMESTAMP)
    signer._modify_request_before_signing(request)
    string_to_sign = signer.string_to_sign(request, signer.canonical_request(request))
    signer._inject_signature_to_request(request, signer.signature(string_to_sign, request))
    return dict(request.headers.items())
