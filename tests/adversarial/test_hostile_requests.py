"""Hand-written hostile requests against the generated server (a real uvicorn on 127.0.0.1).

Each row of the table is sent as raw bytes on its own connection. The answer must be a
well-formed AWS JSON 1.1 error with the code (and the start of the message) the row names, a
success, or, for bytes that are not HTTP/1.1 at all, uvicorn's own plain-text 400 (the
application never sees those). After every row the server still answers a valid request,
the handler ran only for the rows that succeed, and neither uvicorn nor the server logged an
error. Then: slow clients (trickling bytes, stalling after the headers or in the middle of
them) and hundreds of concurrent connections do not stop others from being served.

Rows that tests/e2e/test_server_protocol.py already holds (NaN as maxBatchSize, 4,000 nested
brackets, a 4,400-digit number, wrong content types, a chunked body over the limit...) are
not repeated here.
"""

from __future__ import annotations

import gzip
import json
import logging
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from pollforjobs import models
from pollforjobs.server import DEFAULT_MAX_BODY_BYTES, create_app

from ..support.hostile_harness import (
    KeepAlive,
    Reply,
    aws_error,
    is_uvicorn_400,
    parse_raw,
    raw_exchange,
    request_bytes,
)
from ..support.server_harness import ACTION_TYPE, TARGET, Served, poll_body, post

LIMIT = DEFAULT_MAX_BODY_BYTES
VALID = poll_body()
OK = "OK"
UVICORN_400 = "uvicorn-400"


class Handler:
    def __init__(self) -> None:
        self.calls = 0
        self.seen: list[models.PollForJobsInput] = []
        self._lock = threading.Lock()

    def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
        with self._lock:
            self.calls += 1
            self.seen.append(request)
        return models.PollForJobsOutput(jobs=[])


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(scope="module")
def handler() -> Handler:
    return Handler()


@pytest.fixture(scope="module")
def served(handler: Handler) -> Iterator[Served]:
    with Served(create_app(handler)) as running:
        yield running


@pytest.fixture(autouse=True)
def no_errors_logged() -> Iterator[Records]:
    """Neither uvicorn nor the server may log an error (a crash, a traceback) during a test."""
    records = Records()
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "pollforjobs.server")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(records)
        logger.setLevel(logging.DEBUG)
    try:
        yield records
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(records)
            logger.setLevel(level)
    bad = [r.getMessage() for r in records.records if r.levelno >= logging.ERROR or r.exc_info]
    assert bad == []
    assert not [r for r in records.records if "validators accepted" in r.getMessage()]


def body_with(**members: Any) -> bytes:
    return json.dumps({"actionTypeId": ACTION_TYPE, **members}).encode()


def with_raw(member: str, raw: bytes) -> bytes:
    """The valid body with one more member whose value is `raw` JSON text (or not JSON)."""
    return VALID[:-1] + b', "' + member.encode() + b'": ' + raw + b"}"


def chunked(body: bytes, size: int) -> bytes:
    pieces = [body[i : i + size] for i in range(0, len(body), size)]
    return b"".join(f"{len(p):x}\r\n".encode() + p + b"\r\n" for p in pieces) + b"0\r\n\r\n"


@dataclass
class Row:
    name: str
    data: bytes | list[bytes]
    # One expected answer per response: OK, UVICORN_400, or (status, code, message start).
    answers: list[Any]
    pause: float = 0.0
    closes: bool = False  # the last answer must say `Connection: close`


def json_row(name: str, body: bytes, *answer: Any) -> Row:
    return Row(name, request_bytes(body), [answer[0] if len(answer) == 1 else answer])


SER = "SerializationException"
BAD_JSON = (400, SER, "The request body is not valid JSON")
NOT_UTF8 = (400, SER, "The request body is not valid UTF-8.")
TOO_DEEP = (400, SER, "The request body is nested too deeply.")
TOO_MANY_DIGITS = (400, SER, "The request body has a number with too many digits.")
WRONG_TYPE = (400, SER, "Unexpected ")
OUT_OF_RANGE = (400, SER, "Number at 'maxBatchSize' is out of range: expected a 32-bit integer")
SURROGATE = (400, SER, "The request body is not valid JSON: a string holds an unpaired surrogate escape.")
VALIDATION = (400, "ValidationException", "1 validation error detected")
TOO_LARGE = (413, "RequestEntityTooLargeException", f"The request body is larger than {LIMIT} bytes.")
UNKNOWN_OPERATION = (400, "UnknownOperationException", "X-Amz-Target names no operation")
FRAMED_TWICE = (400, SER, "The request has both Content-Length and Transfer-Encoding; send one of them")
# A request hidden after the last chunk: read as a second request if the first were served.
SMUGGLED = request_bytes(VALID, close=False)

# A head still incomplete past h11's 16 KiB, however the reads split it: no final CRLF CRLF.
BIG_HEADER = request_bytes(VALID, {"X-Big": "a" * 20_000})[:18_000]

ROWS = [
    # Malformed and truncated JSON
    json_row("unclosed object", b'{"actionTypeId": {"category": "Test"', BAD_JSON),
    json_row("value missing", b'{"actionTypeId": }', BAD_JSON),
    json_row("single quotes", b"{'actionTypeId': {}}", BAD_JSON),
    json_row("missing colon", b'{"maxBatchSize" 1}', BAD_JSON),
    json_row("trailing comma in an array", with_raw("x", b"[1,]"), BAD_JSON),
    json_row("invalid escape", with_raw("x", b'"\\q"'), BAD_JSON),
    json_row("short unicode escape", with_raw("x", b'"\\u12"'), BAD_JSON),
    json_row("raw control character in a string", with_raw("x", b'"a\x00b"'), BAD_JSON),
    json_row("lower-case nan", with_raw("x", b"nan"), BAD_JSON),
    json_row("hexadecimal number", body_with()[:-1] + b', "maxBatchSize": 0x10}', BAD_JSON),
    json_row("leading zeros", body_with()[:-1] + b', "maxBatchSize": 007}', BAD_JSON),
    json_row("truncated to one byte", VALID[:1], BAD_JSON),
    json_row("truncated in half", VALID[: len(VALID) // 2], BAD_JSON),
    json_row("last brace missing", VALID[:-1], BAD_JSON),
    json_row("two documents", VALID + VALID, BAD_JSON),
    json_row("a lone BOM", b"\xef\xbb\xbf", BAD_JSON),
    json_row("two BOMs", b"\xef\xbb\xbf\xef\xbb\xbf" + VALID, BAD_JSON),
    json_row("top-level null", b"null", WRONG_TYPE),
    json_row("top-level number", b"5", WRONG_TYPE),
    # Encodings
    json_row("a UTF-8 BOM is skipped", b"\xef\xbb\xbf" + VALID, OK),
    json_row("invalid UTF-8 byte", with_raw("x", b'"\xff"'), NOT_UTF8),
    json_row("overlong UTF-8", with_raw("x", b'"\xc0\xaf"'), NOT_UTF8),
    json_row("UTF-8-encoded surrogate", with_raw("x", b'"\xed\xa0\x80"'), NOT_UTF8),
    json_row("cut multi-byte sequence", with_raw("x", b'"\xe2\x82"'), NOT_UTF8),
    json_row("Latin-1 text", with_raw("x", '"café"'.encode("latin-1")), NOT_UTF8),
    json_row("UTF-16 with its BOM", b"\xff\xfe" + VALID.decode().encode("utf-16-le"), NOT_UTF8),
    json_row("gzip-compressed body", gzip.compress(VALID), NOT_UTF8),
    json_row("unpaired high surrogate escape in a map key", body_with(queryParam={"\ud800": "x"}), SURROGATE),
    json_row("unpaired low surrogate escape in an unknown member", with_raw("x", b'"\\udc00"'), SURROGATE),
    json_row("surrogate pair escape is one character", with_raw("x", b'"\\ud83d\\ude00"'), OK),
    json_row("escaped backslash before u", with_raw("x", b'"\\\\ud800"'), OK),
    json_row("escaped NUL is a character", body_with(queryParam={"\x00": "x"}), OK),
    # Numbers
    json_row("NaN in an unknown member", with_raw("x", b"NaN"), (400, SER, "The request body is not valid JSON: NaN")),
    json_row(
        "-Infinity in a map value",
        body_with()[:-1] + b', "queryParam": {"k": -Infinity}}',
        (400, SER, "The request body is not valid JSON: -Infinity"),
    ),
    json_row("1e400 (infinite as a double)", body_with()[:-1] + b', "maxBatchSize": 1e400}', WRONG_TYPE),
    json_row("2^31 (over the 32-bit range)", body_with(maxBatchSize=2**31), OUT_OF_RANGE),
    json_row("2^31 - 1 (the largest integer)", body_with(maxBatchSize=2**31 - 1), OK),
    json_row("2^63", body_with(maxBatchSize=2**63), OUT_OF_RANGE),
    json_row("2^64", body_with(maxBatchSize=2**64), OUT_OF_RANGE),
    json_row("-2^63 - 1", body_with(maxBatchSize=-(2**63) - 1), OUT_OF_RANGE),
    json_row("10^100", body_with(maxBatchSize=10**100), OUT_OF_RANGE),
    json_row(
        "4,300 digits (Python's limit)", body_with()[:-1] + b', "maxBatchSize": ' + b"9" * 4300 + b"}", OUT_OF_RANGE
    ),
    json_row("4,301 digits", body_with()[:-1] + b', "maxBatchSize": ' + b"9" * 4301 + b"}", TOO_MANY_DIGITS),
    json_row("100,000 digits in an unknown member", with_raw("x", b"1" * 100_000), TOO_MANY_DIGITS),
    json_row("100,000 fraction digits", with_raw("x", b"0." + b"1" * 100_000), OK),
    json_row("1.0 is the integer 1", body_with(maxBatchSize=1.0), OK),
    json_row("1e0 is the integer 1", body_with()[:-1] + b', "maxBatchSize": 1e0}', OK),
    json_row("1.5", body_with(maxBatchSize=1.5), WRONG_TYPE),
    json_row(
        "-0 is 0",
        body_with()[:-1] + b', "maxBatchSize": -0}',
        (400, "ValidationException", "1 validation error detected: Value '0' at 'maxBatchSize'"),
    ),
    # Booleans and other wrong types
    json_row("true for an integer", body_with(maxBatchSize=True), WRONG_TYPE),
    json_row("false for an integer", body_with(maxBatchSize=False), WRONG_TYPE),
    json_row("an integer for a string", body_with(actionTypeId={**ACTION_TYPE, "version": 1}), WRONG_TYPE),
    json_row("a boolean for an enum", body_with(actionTypeId={**ACTION_TYPE, "category": True}), WRONG_TYPE),
    json_row("an object for a string", body_with(actionTypeId={**ACTION_TYPE, "provider": {}}), WRONG_TYPE),
    json_row("null for a required member", body_with(actionTypeId=None), VALIDATION),
    # Deep nesting (100,000 levels fit in the 1 MiB limit)
    json_row("100,000 nested arrays", b"[" * 100_000 + b"]" * 100_000, TOO_DEEP),
    json_row("100,000 nested objects", b'{"a":' * 100_000 + b"1" + b"}" * 100_000, TOO_DEEP),
    json_row(
        "100,000 nested arrays as maxBatchSize",
        body_with()[:-1] + b', "maxBatchSize": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
        TOO_DEEP,
    ),
    json_row("100,000 unclosed arrays", b"[" * 100_000, TOO_DEEP),
    json_row("nested arrays in an unknown member", with_raw("x", b"[" * 200 + b"]" * 200), OK),
    # Duplicate keys: the last one wins, as with Jackson (AWS's Java services) by default
    json_row("duplicate key, the last valid", body_with()[:-1] + b', "maxBatchSize": 0, "maxBatchSize": 2}', OK),
    json_row(
        "duplicate key, the last invalid",
        body_with()[:-1] + b', "maxBatchSize": 2, "maxBatchSize": 0}',
        (400, "ValidationException", "1 validation error detected: Value '0' at 'maxBatchSize'"),
    ),
    json_row("duplicate map key counts once", body_with()[:-1] + b', "queryParam": {"A": "x", "A": "y"}}', OK),
    # Size
    Row("over the limit", request_bytes(VALID + b" " * (LIMIT + 1 - len(VALID))), [TOO_LARGE]),
    Row(
        "Content-Length over the limit, small body",
        request_bytes(VALID, {"Content-Length": str(LIMIT + 1)}),
        [TOO_LARGE],
    ),
    Row("Content-Length of 10^30", request_bytes(VALID, {"Content-Length": "1" + "0" * 30}), [UVICORN_400]),
    Row(
        "chunked, no Content-Length, over the limit in 64 KiB chunks",
        request_bytes(b"", {"Transfer-Encoding": "chunked"}, length=False) + chunked(b" " * (LIMIT + 1), 65536),
        [TOO_LARGE],
    ),
    Row(
        "chunked, no Content-Length, in 1-byte chunks",
        request_bytes(b"", {"Transfer-Encoding": "chunked"}, length=False) + chunked(VALID, 1),
        [OK],
    ),
    # Both Content-Length and Transfer-Encoding: refused and the connection closed (RFC 9112
    # section 6.1), before the body is read, whatever the Content-Length says.
    Row(
        "chunked and a Content-Length",
        request_bytes(b"", {"Transfer-Encoding": "chunked", "Content-Length": "3"}) + chunked(VALID, 7),
        [FRAMED_TWICE],
        closes=True,
    ),
    Row(
        "chunked and a Content-Length over the limit",
        request_bytes(b"", {"Transfer-Encoding": "chunked", "Content-Length": str(LIMIT + 1)}) + chunked(VALID, 7),
        [FRAMED_TWICE],
        closes=True,
    ),
    Row(
        "chunked and a Content-Length, a request smuggled after the last chunk",
        request_bytes(b"", {"Transfer-Encoding": "chunked", "Content-Length": "4"}, close=False)
        + chunked(VALID, 64)
        + SMUGGLED,
        [FRAMED_TWICE],
        closes=True,
    ),
    Row(
        "a Content-Length, then chunked, and a smuggled request",
        request_bytes(b"", [("Content-Length", str(len(VALID))), ("Transfer-Encoding", "chunked")], close=False)
        + chunked(VALID, 64)
        + SMUGGLED,
        [FRAMED_TWICE],
        closes=True,
    ),
    Row(
        "chunked and Content-Length: 0",
        request_bytes(b"", {"Transfer-Encoding": "chunked", "Content-Length": "0"}, close=False) + chunked(VALID, 64),
        [FRAMED_TWICE],
        closes=True,
    ),
    Row(
        "Content-Length shorter than the body: the rest is the next request",
        request_bytes(VALID + b"GARBAGE\r\n\r\n", {"Content-Length": str(len(VALID))}, close=False),
        [OK, UVICORN_400],
    ),
    Row("negative Content-Length", request_bytes(VALID, {"Content-Length": "-1"}), [UVICORN_400]),
    Row("Content-Length not a number", request_bytes(VALID, {"Content-Length": "ten"}), [UVICORN_400]),
    Row(
        "two different Content-Lengths",
        request_bytes(VALID, [("Content-Length", str(len(VALID))), ("Content-Length", "1")]),
        [UVICORN_400],
    ),
    Row(
        "bad chunk size",
        request_bytes(b"", {"Transfer-Encoding": "chunked"}, length=False) + b"zz\r\n{}\r\n0\r\n\r\n",
        [UVICORN_400],
    ),
    # Target and content type
    Row(
        "no target",
        request_bytes(VALID, {"X-Amz-Target": "", "Content-Type": "application/x-amz-json-1.1"}),
        [UNKNOWN_OPERATION],
    ),
    Row("a 10,000-character target", request_bytes(VALID, {"X-Amz-Target": "A" * 10_000}), [UNKNOWN_OPERATION]),
    Row("a Latin-1 target", request_bytes(VALID, {"X-Amz-Target": TARGET + "é"}), [UNKNOWN_OPERATION]),
    Row(
        "the target twice",
        request_bytes(VALID, [("X-Amz-Target", TARGET), ("X-Amz-Target", TARGET)]),
        [UNKNOWN_OPERATION],
    ),
    Row(
        "the content type twice",
        request_bytes(VALID, [("Content-Type", "application/x-amz-json-1.1")] * 2),
        [(400, SER, "Content-Type must be application/x-amz-json-1.1")],
    ),
    Row("a target with a NUL", request_bytes(VALID, {"X-Amz-Target": TARGET + "\x00"}), [UVICORN_400]),
    Row(
        "spaces around the target are not part of it",
        request_bytes(VALID, {"X-Amz-Target": "  " + TARGET + "  "}),
        [OK],
    ),
    # Headers and HTTP
    Row(
        "18 KiB of an unfinished head arriving in pieces (h11's 16 KiB limit)",
        [BIG_HEADER[i : i + 2048] for i in range(0, len(BIG_HEADER), 2048)],
        [UVICORN_400],
        pause=0.002,
    ),
    Row("a 1 MiB header", request_bytes(VALID, {"X-Big": "a" * 1024 * 1024}), [UVICORN_400]),
    Row(
        "three pipelined requests",
        request_bytes(VALID, close=False) + request_bytes(b"{", close=False) + request_bytes(VALID),
        [OK, BAD_JSON, OK],
    ),
    Row("HTTP/1.0", request_bytes(VALID).replace(b"HTTP/1.1", b"HTTP/1.0", 1), [OK]),
    Row(
        "GET with a body",
        request_bytes(VALID).replace(b"POST", b"GET", 1),
        [(405, "UnknownOperationException", "Only POST is supported.")],
    ),
    Row(
        "absolute URI",
        request_bytes(VALID).replace(b"POST /", b"POST http://127.0.0.1/", 1),
        [(404, "UnknownOperationException", "Requests go to the path /.")],
    ),
    Row("a TLS ClientHello", b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(64)), [UVICORN_400]),
    Row("not HTTP at all", b"HELLO\r\n\r\n", [UVICORN_400]),
]


def check(reply: Reply, answer: Any) -> None:
    if answer == OK:
        assert reply.status == 200, reply
        assert reply.json == {"jobs": []}
        assert uuid.UUID(reply.headers["x-amzn-requestid"]).version == 4
    elif answer == UVICORN_400:
        assert is_uvicorn_400(reply), reply
    else:
        status, code, start = answer
        assert aws_error(reply)[:2] == (status, code), reply
        assert reply.json["message"].startswith(start), reply


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_hostile_request(served: Served, handler: Handler, row: Row) -> None:
    calls = handler.calls
    replies = parse_raw(raw_exchange(served.port, row.data, pause=row.pause))
    assert len(replies) == len(row.answers), replies
    for reply, answer in zip(replies, row.answers, strict=True):
        check(reply, answer)
    if row.closes:
        assert replies[-1].headers.get("connection") == "close", replies[-1]
    assert handler.calls == calls + row.answers.count(OK)
    assert post(served.url, VALID).status == 200  # and the server lives on


def test_rows_cover_the_issue() -> None:
    names = " ".join(row.name for row in ROWS)
    for topic in (
        "truncated",
        "UTF-8",
        "BOM",
        "NaN",
        "Infinity",
        "2^64",
        "true for an integer",
        "100,000 nested",
        "duplicate key",
        "over the limit",
        "chunked",
        "Content-Length",
        "chunked and a Content-Length",
        "smuggled",
        "target",
        "content type",
        "header",
    ):
        assert topic in names, topic


def test_duplicate_keys_last_one_wins(served: Served, handler: Handler) -> None:
    body = (
        body_with()[:-1]
        + b', "maxBatchSize": 7, "queryParam": {"A": "x"}, "queryParam": {"B": "y"}, "maxBatchSize": 3}'
    )
    assert post(served.url, body).status == 200
    assert (handler.seen[-1].max_batch_size, handler.seen[-1].query_param) == (3, {"B": "y"})


@pytest.mark.parametrize(
    ("target", "logged"),
    [
        ("A" * 5000, "target=(not shown: 5000 characters) "),
        ("é" * 5000, "target=(not shown: 5000 characters) "),
        ("Canary7f3a9c2eKJPC1XONgTz3vNL1g4sOXVipOy", "target=(not shown: 40 characters) "),
        ("CodePipeline_20150709.Canary7f3a9c2eKJPC1XONgTz3vNL1g4sOXVipOy", "target=(not shown: 62 characters) "),
        ("CodePipeline_20150709.DeletePipeline", "target='CodePipeline_20150709.DeletePipeline' "),
        ("codepipeline.pollForJobs", "target='codepipeline.pollForJobs' "),
    ],
)
def test_an_unknown_target_is_logged_only_when_it_looks_like_one(
    served: Served, no_errors_logged: Records, target: str, logged: str
) -> None:
    """A header may hold anything, a key pasted in the wrong place too: the access log names
    an unknown target only when it has the form Service_Version.Operation."""
    (reply,) = parse_raw(raw_exchange(served.port, request_bytes(VALID, {"X-Amz-Target": target})))
    assert aws_error(reply)[1] == "UnknownOperationException"
    request_id = reply.headers["x-amzn-requestid"]
    deadline = time.monotonic() + 10
    while True:  # the line is written after the answer; lines of other requests may be there
        lines = [r.getMessage() for r in no_errors_logged.records if request_id in r.getMessage()]
        if lines or time.monotonic() > deadline:
            break
        time.sleep(0.01)
    (line,) = lines
    assert line.startswith(logged)
    assert line.isascii() and "\n" not in line


# --- slow clients and many connections -----------------------------------------------------


def probe(served: Served, count: int) -> list[int]:
    """`count` valid requests on one keep-alive connection; their statuses."""
    connection = KeepAlive(served.port, timeout=10)
    try:
        return [
            connection.send(
                "POST", "/", {"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"}, VALID
            ).status
            for _ in range(count)
        ]
    finally:
        connection.close()


def test_a_trickling_client_is_answered_and_others_are_served_meanwhile(served: Served) -> None:
    data = request_bytes(VALID)
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        for byte in data[:-20]:
            sock.sendall(bytes([byte]))
            time.sleep(0.001)
        assert probe(served, 20) == [200] * 20  # while the trickle is still incomplete
        for byte in data[-20:]:
            sock.sendall(bytes([byte]))
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    (reply,) = parse_raw(received)
    assert reply.status == 200


def test_stalled_clients_do_not_stop_others(served: Served, handler: Handler) -> None:
    head_only = request_bytes(VALID)[:40]  # in the middle of the headers
    headers_then_stall = request_bytes(VALID, {"Content-Length": str(len(VALID) + 100)})  # body never completes
    sockets = []
    try:
        for index in range(60):
            sock = socket.create_connection(("127.0.0.1", served.port), timeout=10)
            sockets.append(sock)
            if index % 3 == 0:
                sock.sendall(head_only)
            elif index % 3 == 1:
                sock.sendall(headers_then_stall)
            # else: connected, nothing sent
        calls = handler.calls
        assert probe(served, 50) == [200] * 50
        assert handler.calls == calls + 50  # the stalled requests never reached the handler
    finally:
        for sock in sockets:
            sock.close()
    assert post(served.url, VALID).status == 200


def test_expect_100_continue(served: Served) -> None:
    data = request_bytes(VALID, {"Expect": "100-continue"})
    head, body = data[: -len(VALID)], VALID
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(head)
        assert sock.recv(65536) == b"HTTP/1.1 100 Continue\r\n\r\n"
        sock.sendall(body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert parse_raw(received)[0].status == 200


def test_a_stalled_body_is_waited_for(served: Served) -> None:
    """uvicorn sets no deadline on a request in progress: a body that resumes is served."""
    data = request_bytes(VALID)
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(data[:-10])
        sock.settimeout(0.5)
        with pytest.raises(TimeoutError):
            sock.recv(1)  # nothing comes while the body is incomplete
        sock.settimeout(10)
        sock.sendall(data[-10:])
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert parse_raw(received)[0].status == 200


def test_a_client_leaving_mid_body_is_logged_and_forgotten(served: Served, no_errors_logged: Records) -> None:
    with socket.create_connection(("127.0.0.1", served.port), timeout=10) as sock:
        sock.sendall(request_bytes(VALID, {"Content-Length": str(len(VALID) + 100)}))
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        lines = [r.getMessage() for r in no_errors_logged.records if r.name == "pollforjobs.server"]
        if lines:
            break
        time.sleep(0.01)
    assert len(lines) == 1 and "status=400 error=SerializationException" in lines[0]
    assert post(served.url, VALID).status == 200


def test_hundreds_of_concurrent_connections(served: Served, handler: Handler) -> None:
    count = 300
    calls = handler.calls
    sockets = [socket.create_connection(("127.0.0.1", served.port), timeout=30) for _ in range(count)]
    try:
        for sock in sockets:
            sock.sendall(request_bytes(VALID))
        replies = []
        for sock in sockets:
            received = b""
            while chunk := sock.recv(65536):
                received += chunk
            replies.extend(parse_raw(received))
    finally:
        for sock in sockets:
            sock.close()
    assert [r.status for r in replies] == [200] * count
    assert len({r.headers["x-amzn-requestid"] for r in replies}) == count
    assert handler.calls == calls + count


# --- many workers polling one queue ----------------------------------------------------------

WORKER_TYPES = {
    "ConcurrentA": {"category": "Build", "owner": "Custom", "provider": "ConcurrentA", "version": "1"},
    "ConcurrentB": {"category": "Test", "owner": "Custom", "provider": "ConcurrentB", "version": "3"},
}


def _seeded_jobs(count: int) -> tuple[dict[str, Any], dict[str, str]]:
    jobs, provider_of = [], {}
    for n in range(count):
        provider = "ConcurrentA" if n % 3 else "ConcurrentB"
        job_id = str(uuid.uuid4())
        provider_of[job_id] = provider
        data = {"actionTypeId": WORKER_TYPES[provider], "actionConfiguration": {"configuration": {"Shard": str(n % 2)}}}
        jobs.append({"id": job_id, "data": data})
    return {"jobs": jobs}, provider_of


def test_many_signed_workers_get_every_job_exactly_once(tmp_path: Any) -> None:
    """24 threads poll `python -m pollforjobs.server` at once, signed: 8 with boto3, 8 with the
    generated client, 8 with raw requests signed by botocore's signer. Retries are off, so a
    lost answer would show as an error rather than hide a lost job."""
    import boto3
    from botocore.config import Config
    from pollforjobs.client import CodePipelineClient

    from ..support.hostile_harness import ServerProcess, sign

    seed, provider_of = _seeded_jobs(1500)
    (tmp_path / "jobs.json").write_text(json.dumps(seed), encoding="utf-8")
    (tmp_path / "credentials.json").write_text(json.dumps({"AKIDWORKERS000000001": "workers-secret"}), encoding="utf-8")
    keys = {"aws_access_key_id": "AKIDWORKERS000000001", "aws_secret_access_key": "workers-secret"}
    got: dict[str, list[str]] = {name: [] for name in ("boto3", "generated", "raw")}
    failures: list[str] = []
    lock = threading.Lock()
    with ServerProcess(
        "--jobs", str(tmp_path / "jobs.json"), "--credentials", str(tmp_path / "credentials.json")
    ) as server:
        start = threading.Barrier(24)

        def worker(kind: str, number: int) -> None:
            provider = "ConcurrentA" if number % 2 else "ConcurrentB"
            request: dict[str, Any] = {"actionTypeId": WORKER_TYPES[provider], "maxBatchSize": 1 + number % 7}
            if number % 4 == 3:
                request["queryParam"] = {"Shard": str(number % 2)}
            if kind == "boto3":
                client = boto3.client(
                    "codepipeline",
                    endpoint_url=server.url,
                    region_name="us-east-1",
                    config=Config(retries={"max_attempts": 1, "mode": "standard"}),
                    **keys,
                )
                poll = lambda: [j["id"] for j in client.poll_for_jobs(**request)["jobs"]]
            elif kind == "generated":
                ours = CodePipelineClient(region_name="us-east-1", endpoint_url=server.url, max_attempts=1, **keys)
                poll = lambda: [j.id or "" for j in ours.poll_for_jobs(request).jobs or []]
            else:
                connection = KeepAlive(server.port)
                body = json.dumps(request).encode()

                def poll() -> list[str]:
                    headers = sign(
                        server.url,
                        body,
                        {"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.1"},
                        access_key=keys["aws_access_key_id"],
                        secret_key=keys["aws_secret_access_key"],
                    )
                    reply = connection.send("POST", "/", headers, body)
                    assert reply.status == 200, reply
                    return [job["id"] for job in reply.json["jobs"]]

            start.wait()
            try:
                while ids := poll():
                    with lock:
                        got[kind].extend(ids)
                        failures.extend(f"{i} is not a {provider} job" for i in ids if provider_of.get(i) != provider)
            except Exception as exc:  # noqa: BLE001 - reported below
                with lock:
                    failures.append(f"{kind} worker {number}: {type(exc).__name__}: {exc}")

        threads = [
            threading.Thread(target=worker, args=(kind, number))
            for number in range(8)
            for kind in ("boto3", "generated", "raw")
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        # Workers with a queryParam stop early; sweep what is left with plain polls.
        leftovers = []
        for type_id in WORKER_TYPES.values():
            client = CodePipelineClient(region_name="us-east-1", endpoint_url=server.url, max_attempts=1, **keys)
            leftovers += [
                job.id or "" for job in client.poll_for_jobs(actionTypeId=type_id, maxBatchSize=10_000).jobs or []
            ]
        log = server.log()
    handed = got["boto3"] + got["generated"] + got["raw"]
    print(
        f"\nhanded out by kind of worker: { {k: len(v) for k, v in got.items()} }, swept afterwards: {len(leftovers)}"
    )
    assert failures == []
    assert all(got.values()), "every kind of worker got jobs"
    assert len(handed) == len(set(handed)), "a job was handed out twice"
    assert sorted(handed + leftovers) == sorted(provider_of), "a job was lost"
    assert "Traceback" not in log and "ERROR" not in log
