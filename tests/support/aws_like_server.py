"""A scripted HTTP server on 127.0.0.1 that answers like an AWS JSON 1.1 endpoint.

Tests queue the answers (status, headers, body, or a dropped connection / a slow answer),
call the client, then look at what reached the server: every request is recorded with
its headers and body, and `signature_matches` recomputes the SigV4 signature with
botocore's signer, as AWS would.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import ReadOnlyCredentials

from ..conftest import reference_samples

SAMPLE_RESPONSE_TEXT = reference_samples()[1]


@dataclass
class Answer:
    status: int = 200
    body: bytes | str = b"{}"
    headers: dict[str, str] = field(default_factory=lambda: {"Content-Type": "application/x-amz-json-1.1"})
    drop: bool = False  # close the connection without answering
    delay: float = 0.0  # seconds to wait before answering
    close_after: bool = False  # close the connection after answering, without saying so


def error(status: int, code: str | None, message: str | None = None, **headers: str) -> Answer:
    """An error answer with `__type` and `message`, as CodePipeline writes them."""
    body: dict[str, str] = {}
    if code is not None:
        body["__type"] = code
    if message is not None:
        body["message"] = message
    return Answer(status, json.dumps(body), {"Content-Type": "application/x-amz-json-1.1", **headers})


def sample() -> Answer:
    """The documented sample response, byte for byte, with its documented request id."""
    return Answer(
        200,
        SAMPLE_RESPONSE_TEXT,
        {"Content-Type": "application/x-amz-json-1.1", "x-amzn-RequestId": "620484b7-88cb-11e5-b497-75c49EXAMPLE"},
    )


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class AwsLikeServer:
    def __init__(self) -> None:
        self.requests: list[Recorded] = []
        self.closed_connections = threading.Semaphore(0)  # released once per connection the server ends
        self._script: deque[Answer] = deque()
        self.default = Answer(200, b'{"jobs":[]}')
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                answer = owner._record(
                    Recorded(self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                )
                if answer.delay:
                    time.sleep(answer.delay)
                if answer.drop:
                    self.close_connection = True
                    return
                data = answer.body.encode() if isinstance(answer.body, str) else answer.body
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                if answer.close_after:
                    self.close_connection = True

            do_GET = do_POST

            def log_message(self, format: str, *args: Any) -> None:
                pass

        class Server(ThreadingHTTPServer):
            def shutdown_request(self, request: Any) -> None:
                # Counted once the socket is closed, not when the handler returns: a client that
                # then looks at its pooled connection must see it dropped.
                super().shutdown_request(request)
                owner.closed_connections.release()

            def handle_error(self, request: Any, client_address: Any) -> None:
                # A client that gives up (the timeout and drop tests) leaves a broken pipe
                # behind: expected, and not worth a traceback on stderr. Anything else is shown.
                if not isinstance(sys.exc_info()[1], ConnectionError):
                    super().handle_error(request, client_address)

        self._server = Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"

    def _record(self, request: Recorded) -> Answer:
        with self._lock:
            self.requests.append(request)
            return self._script.popleft() if self._script else self.default

    def answer(self, *answers: Answer) -> None:
        """Queue answers for the next requests; after them, `default` answers."""
        with self._lock:
            self._script.extend(answers)

    def start(self) -> None:
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running_server() -> Iterator[AwsLikeServer]:
    server = AwsLikeServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


def signature_parts(request: Recorded) -> dict[str, str]:
    """`Credential`, `SignedHeaders` and `Signature` of the Authorization header."""
    algorithm, _, rest = request.headers["authorization"].partition(" ")
    assert algorithm == "AWS4-HMAC-SHA256"
    return dict(part.strip().split("=", 1) for part in rest.split(","))


def expected_signature(request: Recorded, secret_key: str) -> str:
    """The signature AWS would compute for this request, worked out with botocore's signer."""
    parts = signature_parts(request)
    access_key, _date, region, service, _ = parts["Credential"].split("/")
    signed = parts["SignedHeaders"].split(";")
    headers = {name: request.headers[name] for name in signed}
    aws_request = AWSRequest(
        method=request.method, url=f"http://{request.headers['host']}{request.path}", data=request.body, headers=headers
    )
    aws_request.context["timestamp"] = request.headers["x-amz-date"]
    signer = SigV4Auth(ReadOnlyCredentials(access_key, secret_key, request.headers.get("x-amz-security-token")), service, region)
    canonical = signer.canonical_request(aws_request)
    return str(signer.signature(signer.string_to_sign(aws_request, canonical), aws_request))


def signature_matches(request: Recorded, secret_key: str) -> bool:
    return signature_parts(request)["Signature"] == expected_signature(request, secret_key)
