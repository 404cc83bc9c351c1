"""Helpers for the server tests: a real uvicorn server on 127.0.0.1 and plain HTTP calls.

`Served(app)` binds a free port (port 0), runs uvicorn in a thread, and stops it on exit.
`post(url, body, headers)` sends one request with http.client and returns what came back,
so a test sees exactly the bytes the server wrote.
"""

from __future__ import annotations

import http.client
import json
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Self
from urllib.parse import urlsplit

import uvicorn
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

TARGET = "CodePipeline_20150709.PollForJobs"
CONTENT_TYPE = "application/x-amz-json-1.1"
ACTION_TYPE = {"category": "Test", "owner": "Custom", "provider": "JenkinsProviderName", "version": "1"}
ACCESS_KEY = "AKIDSERVERTEST000001"
SECRET_KEY = "server-test-secret/K7MDENG+bPxRfiCYEXAMPLEKEY"


class Served:
    """A uvicorn server for `app` on a free loopback port, for the length of a `with`."""

    def __init__(self, app: Any) -> None:
        # IPPROTO_TCP, not 0, or asyncio leaves Nagle on and keep-alive answers stall ~40 ms.
        self._socket = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run,
            kwargs={"sockets": [self._socket]},
            name="uvicorn-loop",
            daemon=True,
        )

    def __enter__(self) -> Self:
        self._thread.start()
        deadline = time.monotonic() + 15
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.should_exit = True
        self._thread.join(15)
        self._socket.close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body)


def post(
    url: str,
    body: bytes | str = b"",
    headers: dict[str, str] | None = None,
    *,
    method: str = "POST",
    path: str = "/",
    default_headers: bool = True,
) -> Answer:
    """One request on a fresh connection; `default_headers` adds the target and content type."""
    sent = {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE} if default_headers else {}
    sent.update(headers or {})
    data = body.encode("utf-8") if isinstance(body, str) else body
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
    try:
        connection.request(method, path, body=data, headers=sent)
        response = connection.getresponse()
        return Answer(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def signed_headers(
    url: str,
    body: bytes,
    *,
    access_key: str = ACCESS_KEY,
    secret_key: str = SECRET_KEY,
    token: str | None = None,
    service: str = "codepipeline",
    region: str = "us-east-1",
    extra: dict[str, str] | None = None,
) -> dict[str, str]:
    """Headers for a request signed by botocore's own SigV4 signer."""
    request = AWSRequest(
        method="POST",
        url=url + "/",
        data=body,
        headers={"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE, **(extra or {})},
    )
    SigV4Auth(Credentials(access_key, secret_key, token), service, region).add_auth(request)
    return dict(request.headers.items())


def poll_body(**overrides: Any) -> bytes:
    return json.dumps({"actionTypeId": ACTION_TYPE, **overrides}).encode("utf-8")


def access_lines(caplog: Any, count: int, logger: str = "pollforjobs.server") -> list[str]:
    """The server's log lines once `count` have arrived: a line is written after its answer."""
    deadline = time.monotonic() + 10
    while True:
        lines = [r.getMessage() for r in caplog.records if r.name == logger]
        if len(lines) >= count or time.monotonic() > deadline:
            return lines
        time.sleep(0.01)
