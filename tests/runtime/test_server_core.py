"""The ASGI core (runtime.server) with a toy service, called straight through ASGI: every
protocol-neutral rule, and the same core serving a second, path-routed protocol."""

from __future__ import annotations

import json
import logging
import re
import threading
import time
import uuid
from collections.abc import Mapping
from typing import Any

import pytest
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from runtime.protocols import Codec, ProtocolError, media_type_is
from runtime.protocols.aws_json import AwsJsonServer
from runtime.protocols.json_codec import JSON
from runtime.server import Application, Operation, new_request_id

from .asgi import (
    LOGGER,
    PREFIX,
    TARGET,
    Answer,
    Handler,
    PutWidgetInput,
    PutWidgetOutput,
    call,
    operations,
    read_output,
    spec,
    validate,
)

JSON10 = b"application/x-amz-json-1.0"


def app(handler: object | None = None, **options: object) -> Application:  # type: ignore[type-arg]
    settings: dict[str, object] = {"credentials": None, "max_body_bytes": 1024, "clock_skew": 300.0, "clock": time.time, "sync_in_thread": True}
    settings.update(options)
    return Application(spec(AwsJsonServer("1.0", PREFIX)), handler or Handler(), **settings)  # type: ignore[arg-type]


def headers(target: str = TARGET, content_type: bytes = JSON10, *extra: tuple[bytes, bytes]) -> list[tuple[bytes, bytes]]:
    return [(b"host", b"widgets.example.com"), (b"x-amz-target", target.encode()), (b"content-type", content_type), *extra]


def put(widget_id: object, application: Application | None = None) -> Answer:  # type: ignore[type-arg]
    return call(application or app(), headers=headers(), chunks=[json.dumps({"widgetId": widget_id}).encode()])


def test_a_success_answer() -> None:
    answer = call(app(), headers=headers(), chunks=[b'{"widgetId": "w1"}'])
    assert (answer.status, answer.body) == (200, b'{"version":1}')
    assert answer.headers["content-type"] == "application/x-amz-json-1.0"
    assert re.fullmatch(r"[0-9a-f-]{36}", answer.headers["x-amzn-requestid"])
    assert answer.headers["content-length"] == "13"
    assert "x-amzn-errortype" not in answer.headers


@pytest.mark.parametrize(("widget_id", "body"), [("dict", b'{"version":2}'), ("none", b"{}")])
def test_handlers_may_return_a_wire_dict_or_none(widget_id: str, body: bytes) -> None:
    assert put(widget_id).body == body


@pytest.mark.parametrize(
    ("widget_id", "error"),
    [
        ("conflict", (409, "ConflictException", "taken")),
        ("teapot", (500, "ConflictException", "short and stout")),  # a status that is no error's
        ("boom", (500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")),
        ("bad", (500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")),
        ("pydict", (500, "InternalFailure", "The request processing has failed because of an unknown error, exception or failure.")),
        (5, (400, "SerializationException", "Expected a string at 'widgetId'")),
        (None, (400, "ValidationException", "1 validation error detected: Value null at 'widgetId' failed to satisfy constraint: Member must not be null")),
        ("much-too-long", (400, "ValidationException", "The request failed validation.")),  # the model, not the validator, refuses it
    ],
)
def test_error_answers(widget_id: object, error: tuple[int, str, str]) -> None:
    answer = put(widget_id)
    assert answer.error == error
    assert answer.headers["x-amzn-errortype"] == error[1]


def test_a_handler_failure_is_logged_and_not_answered(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        answer = put("boom")
    assert "secret detail" not in answer.body.decode()
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert [r.getMessage() for r in failures] == ["PutWidget failed"]
    assert failures[0].exc_info is not None


@pytest.mark.parametrize(
    ("method", "path", "request_headers", "error"),
    [
        ("POST", "/other", headers(), (404, "UnknownOperationException", "Requests go to the path /.")),
        ("GET", "/", headers(), (405, "UnknownOperationException", "Only POST is supported.")),
        ("POST", "/", headers()[:1], (400, "UnknownOperationException", "The request has no X-Amz-Target header.")),
        ("POST", "/", headers("Widgets_20240101.Nope"), (400, "UnknownOperationException", "X-Amz-Target names no operation; expected Widgets_20240101.<Operation>.")),
        ("POST", "/", headers(TARGET, b"application/x-amz-json-1.1"), (400, "SerializationException", "Content-Type must be application/x-amz-json-1.0 (with charset=utf-8 if any charset).")),
        ("POST", "/", headers() + [(b"x-amz-target", TARGET.encode())], (400, "UnknownOperationException", "X-Amz-Target names no operation; expected Widgets_20240101.<Operation>.")),
    ],
)
def test_what_the_protocol_refuses(method: str, path: str, request_headers: list[tuple[bytes, bytes]], error: tuple[int, str, str]) -> None:
    assert call(app(), method=method, path=path, headers=request_headers, chunks=[b"{}"]).error == error


def test_a_body_framed_twice_is_refused_and_the_connection_closed() -> None:
    answer = call(app(), headers=headers(TARGET, JSON10, (b"content-length", b"2"), (b"transfer-encoding", b"chunked")), chunks=[b"{}"])
    assert answer.error[:2] == (400, "SerializationException")
    assert answer.error[2].startswith("The request has both Content-Length and Transfer-Encoding")
    assert answer.headers["connection"] == "close"


@pytest.mark.parametrize(
    ("extra", "chunks"),
    [([(b"content-length", b"1025")], [b"{}"]), ([], [b"{" + b" " * 600, b" " * 600 + b"}"])],
    ids=["declared", "read"],
)
def test_a_body_over_the_limit_is_refused_and_the_connection_closed(extra: list[tuple[bytes, bytes]], chunks: list[bytes]) -> None:
    answer = call(app(), headers=headers(TARGET, JSON10, *extra), chunks=chunks)
    assert answer.error == (413, "RequestEntityTooLargeException", "The request body is larger than 1024 bytes.")
    assert answer.headers["connection"] == "close"


def test_a_body_in_pieces_under_the_limit_is_joined() -> None:
    assert call(app(), headers=headers(), chunks=[b'{"widge', b'tId": ', b'"w"}']).status == 200


def test_a_client_that_goes_away_is_answered_with_close() -> None:
    answer = call(app(), headers=headers(), disconnect=True)
    assert answer.error == (400, "SerializationException", "The client went away.")
    assert answer.headers["connection"] == "close"


def test_a_malformed_body_is_the_codecs_serialization_error() -> None:
    assert call(app(), headers=headers(), chunks=[b'{"widgetId": NaN}']).error == (400, "SerializationException", "The request body is not valid JSON: NaN is not a JSON number.")


def test_the_handler_must_have_every_operations_method() -> None:
    with pytest.raises(TypeError, match=r"handler object lacks put_widget\(\) for PutWidget"):
        app(object())


@pytest.mark.parametrize(("value", "error"), [(True, TypeError), ("1", TypeError), (-1, ValueError)])
def test_max_body_bytes_is_checked(value: object, error: type[Exception]) -> None:
    with pytest.raises(error, match="max_body_bytes"):
        app(max_body_bytes=value)


def test_sync_handlers_run_in_the_thread_pool_unless_told_not_to() -> None:
    pooled, inline = Handler(), Handler()
    put("w", app(pooled))
    put("w", app(inline, sync_in_thread=False))
    assert pooled.threads != [threading.get_ident()]
    assert inline.threads == [threading.get_ident()]


def test_async_handlers_are_awaited() -> None:
    class AsyncHandler:
        async def put_widget(self, request: PutWidgetInput) -> PutWidgetOutput:
            return PutWidgetOutput(version=7)

    assert put("w", app(AsyncHandler())).body == b'{"version":7}'


def test_one_access_line_per_request(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger=LOGGER):
        put("w")
        call(app(), headers=headers("AKIDEXAMPLE/not-a-target"), chunks=[b"{}"])
    lines = [r.getMessage() for r in caplog.records if r.name == LOGGER]
    assert re.fullmatch(rf"target={TARGET} status=200 error=- latency_ms=[0-9.]+ request_id=[0-9a-f-]{{36}}", lines[0])
    assert re.fullmatch(r"target=\(not shown: 24 characters\) status=400 error=UnknownOperationException latency_ms=[0-9.]+ request_id=[0-9a-f-]{36}", lines[1])


def signed_headers(path: str, body: bytes, target_headers: dict[str, str], key: str = "AKIDCORE") -> list[tuple[bytes, bytes]]:
    request = AWSRequest(method="POST", url=f"https://widgets.example.com{path}", data=body, headers=target_headers)
    SigV4Auth(Credentials(key, "core-secret", None), "widgets", "us-east-1").add_auth(request)
    return [(b"host", b"widgets.example.com")] + [(k.lower().encode(), v.encode()) for k, v in request.headers.items()]


def test_with_credentials_requests_must_be_signed() -> None:
    signed = app(credentials={"AKIDCORE": "core-secret"})
    body = b'{"widgetId": "w"}'
    good = signed_headers("/", body, {"X-Amz-Target": TARGET, "Content-Type": JSON10.decode()})
    assert call(signed, headers=good, chunks=[body]).status == 200
    assert call(signed, headers=good, chunks=[body + b" "]).error[:2] == (400, "InvalidSignatureException")
    assert call(signed, headers=headers(), chunks=[body]).error == (400, "MissingAuthenticationTokenException", "Missing Authentication Token")
    assert repr(signed) == "Application(handler=Handler, signed=True)"


class PathRouted:
    """A second protocol, routed by path as Smithy RPC v2 is (`POST /service/S/operation/O`):
    what a new protocol module implements, here over JSON for the test's sake."""

    content_type = "application/json"
    routing_headers = frozenset({b"content-type"})
    answer_headers = ((b"content-type", b"application/json"), (b"smithy-protocol", b"test-path"))

    def __init__(self, service: str) -> None:
        self._prefix = f"/service/{service}/operation/"

    @property
    def codec(self) -> Codec:
        return JSON

    def check_request_line(self, method: str, path: str) -> None:
        if method != "POST" or not path.startswith(self._prefix):
            raise ProtocolError("UnknownOperationException", f"Requests are POST {self._prefix}<Operation>.", 404)

    def route(self, path: str, headers: Mapping[bytes, str]) -> str | None:
        return path.removeprefix(self._prefix) if path.startswith(self._prefix) else None

    def unknown_operation(self, key: str | None) -> ProtocolError:
        return ProtocolError("UnknownOperationException", "No such operation.", 404)

    def shown_operation(self, key: str | None, known: bool) -> str:
        return key if known and key else "-"

    def check_headers(self, headers: Mapping[bytes, str]) -> None:
        if not media_type_is(headers.get(b"content-type"), self.content_type):
            raise ProtocolError("SerializationException", "Content-Type must be application/json.")

    def error_answer(self, code: str, message: str, members: Mapping[str, Any] | None = None) -> tuple[list[tuple[bytes, bytes]], bytes]:
        return [], JSON.encode({**(members or {}), "__type": code, "message": message})


def path_app(**options: object) -> Application:  # type: ignore[type-arg]
    table = {"PutWidget": Operation("PutWidget", "put_widget", validate, PutWidgetInput, PutWidgetOutput, read_output)}
    settings: dict[str, object] = {"credentials": None, "max_body_bytes": 1024, "clock_skew": 300.0, "clock": time.time, "sync_in_thread": False}
    settings.update(options)
    return Application(spec(PathRouted("Widgets"), table), Handler(), **settings)  # type: ignore[arg-type]


def test_the_same_core_serves_a_path_routed_protocol() -> None:
    json_type = [(b"content-type", b"application/json")]
    answer = call(path_app(), path="/service/Widgets/operation/PutWidget", headers=json_type, chunks=[b'{"widgetId": "w"}'])
    assert (answer.status, answer.body, answer.headers["smithy-protocol"]) == (200, b'{"version":1}', "test-path")
    failed = call(path_app(), path="/service/Widgets/operation/PutWidget", headers=json_type, chunks=[b'{"widgetId": "conflict"}'])
    assert (failed.status, failed.body) == (409, b'{"__type":"ConflictException","message":"taken"}')
    assert call(path_app(), path="/service/Widgets/operation/Nope", headers=json_type, chunks=[b"{}"]).error == (404, "UnknownOperationException", "No such operation.")
    assert call(path_app(), path="/", headers=json_type, chunks=[b"{}"]).status == 404


def test_a_path_routed_request_is_verified_against_its_path() -> None:
    body = b'{"widgetId": "w"}'
    good = signed_headers("/service/Widgets/operation/PutWidget", body, {"Content-Type": "application/json"})
    signed = path_app(credentials={"AKIDCORE": "core-secret"})
    assert call(signed, path="/service/Widgets/operation/PutWidget", headers=good, chunks=[body]).status == 200
    signed_elsewhere = signed_headers("/service/Widgets/operation/Other", body, {"Content-Type": "application/json"})
    answer = call(signed, path="/service/Widgets/operation/PutWidget", headers=signed_elsewhere, chunks=[body])
    assert answer.error[:2] == (400, "InvalidSignatureException")


def test_operations_are_looked_up_in_the_table_given() -> None:
    table = operations()
    application = Application(spec(AwsJsonServer("1.0", PREFIX), table), Handler(), credentials=None, max_body_bytes=1024, clock_skew=300.0, clock=time.time, sync_in_thread=False)
    assert put("w", application).status == 200
    del table[TARGET]
    assert put("w", application).error[1] == "UnknownOperationException"


def test_request_ids_are_random_version_4_uuids() -> None:
    ids = [new_request_id() for _ in range(2000)]
    assert len(set(ids)) == len(ids)
    for text in ids:
        parsed = uuid.UUID(text)
        assert (str(parsed), parsed.version, parsed.variant) == (text, 4, uuid.RFC_4122)
    # Every hex digit outside the version and variant ones varies.
    assert all(len({text[i] for text in ids}) == 16 for i in range(36) if text[i] != "-" and i not in (14, 19))
