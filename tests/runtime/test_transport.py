"""The client's connections (runtime.transport): a request's bytes, written at once."""

from __future__ import annotations

import http.client
from typing import Any

import pytest
from runtime import transport
from runtime.client_errors import ConfigurationError

HEADERS = {
    "Content-Type": "application/x-amz-json-1.1",
    "X-Amz-Target": "Service_20200101.PutWidget",
    "Host": "example.com:8080",
    "User-Agent": "widgets-client/2020-01-01 python/3.11",
    "X-Amz-Date": "20260101T000000Z",
    "Authorization": "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/widgets/aws4_request, SignedHeaders=content-type;host, Signature=00ff",
}


class Recording:
    """A connection class's sends, recorded instead of written to a socket."""

    def __init__(self, base: type[http.client.HTTPConnection]) -> None:
        self.writes: list[bytes] = []
        writes = self.writes

        class Recorded(base):  # type: ignore[misc,valid-type]
            def send(self, data: Any) -> None:
                writes.append(bytes(data))

        self.connection = Recorded("example.com", 8080)


@pytest.mark.parametrize(
    "headers",
    [
        HEADERS,
        {**HEADERS, "X-Amz-Security-Token": "a token: with colons, spaces  and = signs"},
        {**HEADERS, "Content-Encoding": "gzip"},
        {**HEADERS, "X-Folded": "one\r\n two"},  # http.client takes an obs-fold; so does this
        {**HEADERS, "X-Latin": "caf\xe9"},
        {"Host": "example.com"},
        {},
    ],
    ids=["signed", "token", "encoded", "folded", "latin-1", "host only", "none"],
)
def test_a_request_is_the_bytes_http_client_writes_in_one_write(headers: dict[str, str]) -> None:
    body = b'{"widgetId":"w-1"}'
    old = Recording(http.client.HTTPConnection)
    old.connection.request("POST", "/", body, headers)
    new = Recording(transport._Connection)
    transport._send_request(new.connection, "/", body, headers)
    assert new.writes == [b"".join(old.writes)]
    assert len(old.writes) == 2  # what one write saves: http.client's head and body apart


@pytest.mark.parametrize("value", ["line\r\nInjected: yes", "bare\nnewline", "lone\rcr", "snow \u2603"])
def test_a_header_value_http_client_refuses_is_refused_without_showing_it(value: str) -> None:
    new = Recording(transport._Connection)
    with pytest.raises(ConfigurationError) as caught:
        transport._send_request(new.connection, "/", b"{}", {**HEADERS, "X-Amz-Security-Token": value})
    assert str(caught.value).startswith("the X-Amz-Security-Token header cannot be sent")
    assert value not in str(caught.value) and caught.value.__cause__ is None
    assert new.writes == []


def test_the_tls_connection_writes_once_too() -> None:
    new = Recording(transport._TLSConnection)
    transport._send_request(new.connection, "/", b"{}", HEADERS)
    assert len(new.writes) == 1 and new.writes[0].endswith(b"\r\n\r\n{}")
