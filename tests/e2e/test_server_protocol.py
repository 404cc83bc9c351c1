"""The generated ASGI server speaks AWS JSON 1.1: dispatch, parsing, validation and errors.

Every test talks to a real uvicorn server on 127.0.0.1 with plain http.client.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from typing import Any

import pytest
from pollforjobs import errors, jobqueue, models, server
from pollforjobs.server import DEFAULT_MAX_BODY_BYTES, create_app
from pollforjobs.server_auth import SigV4Verifier

from ..support.server_harness import (
    ACCESS_KEY,
    ACTION_TYPE,
    CONTENT_TYPE,
    SECRET_KEY,
    TARGET,
    Served,
    access_lines,
    poll_body,
    post,
    signed_headers,
)

LIMIT = 64 * 1024
SECRET_DETAIL = "db password is hunter2"
JOB_ID = "0d7b4c2e-7a4f-4a39-9e0f-1c2d3e4f5a6b"


class Handler:
    """Answers by provider name, so one server can show every kind of handler outcome."""

    def __init__(self) -> None:
        self.seen: list[models.PollForJobsInput] = []
        self.threads: set[str] = set()

    def poll_for_jobs(self, request: models.PollForJobsInput) -> Any:
        self.seen.append(request)
        self.threads.add(threading.current_thread().name)
        provider = request.action_type_id.provider
        if provider == "Crash":
            raise RuntimeError(SECRET_DETAIL)
        if provider == "Missing":
            raise errors.ActionTypeNotFoundException("The specified action type cannot be found.")
        if provider == "Throttle":
            raise errors.ThrottlingException("Rate exceeded")
        if provider == "Dict":
            return {"jobs": [{"id": JOB_ID, "nonce": "7", "__type": "Job", "extra": 1}]}
        if provider == "PythonNames":
            return {"jobs": [{"id": JOB_ID, "account_id": "111111111111", "nonce": "7"}]}
        if provider == "Wrong":
            return ["not", "an", "output"]
        if provider == "BadDict":
            return {"jobs": "not a list"}
        return models.PollForJobsOutput(jobs=[models.Job(id=JOB_ID, nonce="1", account_id="111111111111")])


class AsyncHandler:
    async def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
        return models.PollForJobsOutput(jobs=[models.Job(id=JOB_ID, nonce=request.action_type_id.version)])


@pytest.fixture(scope="module")
def handler() -> Handler:
    return Handler()


@pytest.fixture(scope="module")
def url(handler: Handler) -> Iterator[str]:
    with Served(create_app(handler, max_body_bytes=LIMIT)) as served:
        yield served.url


def error_of(answer: Any) -> tuple[int, str, str]:
    body = answer.json
    assert set(body) == {"__type", "message"}
    assert answer.headers["content-type"] == CONTENT_TYPE
    assert answer.headers["x-amzn-errortype"] == body["__type"]
    return answer.status, body["__type"], body["message"]


def with_provider(provider: str) -> bytes:
    return poll_body(actionTypeId={**ACTION_TYPE, "provider": provider})


def test_success_serializes_the_output_model_with_wire_names(url: str) -> None:
    answer = post(url, poll_body(maxBatchSize=2))
    assert answer.status == 200
    assert answer.headers["content-type"] == CONTENT_TYPE
    assert answer.json == {"jobs": [{"id": JOB_ID, "nonce": "1", "accountId": "111111111111"}]}


def test_handler_receives_the_input_model(url: str, handler: Handler) -> None:
    post(url, poll_body(maxBatchSize=3, queryParam={"ProjectName": "P1"}))
    request = handler.seen[-1]
    assert isinstance(request, models.PollForJobsInput)
    assert request.max_batch_size == 3
    assert request.query_param == {"ProjectName": "P1"}
    assert request.action_type_id.category == models.ActionCategory.TEST


def test_sync_handlers_run_off_the_event_loop_thread(url: str, handler: Handler) -> None:
    post(url, poll_body())
    assert handler.threads
    assert "uvicorn-loop" not in handler.threads


def test_sync_handlers_can_run_on_the_loop_instead() -> None:
    handler = Handler()
    with Served(create_app(handler, sync_in_thread=False)) as served:
        assert post(served.url, poll_body()).status == 200
    assert handler.threads == {"uvicorn-loop"}


def test_every_answer_has_a_fresh_uuid4_request_id(url: str) -> None:
    answers = [post(url, poll_body()), post(url, b"{"), post(url, poll_body(), {"X-Amz-Target": "x"})]
    ids = [a.headers["x-amzn-requestid"] for a in answers]
    assert len(set(ids)) == 3
    assert all(uuid.UUID(i).version == 4 for i in ids)


@pytest.mark.parametrize(
    "target",
    ["CodePipeline_20150709.DeletePipeline", "PollForJobs", "CodePipeline_20150709.pollForJobs", ""],
)
def test_unknown_target_is_unknown_operation(url: str, target: str) -> None:
    status, code, message = error_of(post(url, poll_body(), {"X-Amz-Target": target}))
    assert (status, code) == (400, "UnknownOperationException")
    assert "CodePipeline_20150709.<Operation>" in message


def test_missing_target_is_unknown_operation(url: str) -> None:
    answer = post(url, poll_body(), {"Content-Type": CONTENT_TYPE}, default_headers=False)
    assert error_of(answer) == (400, "UnknownOperationException", "The request has no X-Amz-Target header.")


def test_only_post_to_the_root_is_served(url: str) -> None:
    assert error_of(post(url, method="GET"))[:2] == (405, "UnknownOperationException")
    assert error_of(post(url, poll_body(), path="/other"))[:2] == (404, "UnknownOperationException")


@pytest.mark.parametrize(
    "body",
    [b"{", b"{'actionTypeId': 1}", b'{"a": 1} trailing', b"nul", b"   ", b'{"a": 1,}'],
)
def test_malformed_json_is_a_serialization_error(url: str, body: bytes) -> None:
    status, code, message = error_of(post(url, body))
    assert (status, code) == (400, "SerializationException")
    assert message.startswith("The request body is not valid JSON")


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_non_finite_numbers_are_refused(url: str, constant: str) -> None:
    body = poll_body()[:-1] + f', "maxBatchSize": {constant}}}'.encode()
    status, code, message = error_of(post(url, body))
    assert (status, code) == (400, "SerializationException")
    assert constant in message


def test_invalid_utf8_is_a_serialization_error(url: str) -> None:
    body = poll_body(queryParam={"ProjectName": "X"}).replace(b"X", b"\xff\xfe")
    assert error_of(post(url, body)) == (400, "SerializationException", "The request body is not valid UTF-8.")


def test_deep_nesting_is_refused_and_the_server_lives_on(url: str) -> None:
    status, code, message = error_of(post(url, b"[" * 4000 + b"]" * 4000))
    assert (status, code, message) == (400, "SerializationException", "The request body is nested too deeply.")
    deep_object = b'{"a":' * 4000 + b"1" + b"}" * 4000
    assert error_of(post(url, deep_object))[1] == "SerializationException"
    assert post(url, poll_body()).status == 200


def test_huge_integer_literal_is_a_serialization_error(url: str) -> None:
    body = poll_body()[:-1] + b', "maxBatchSize": ' + b"9" * 4400 + b"}"
    assert error_of(post(url, body))[:2] == (400, "SerializationException")


def test_a_leading_utf8_bom_is_skipped(url: str) -> None:
    assert post(url, b"\xef\xbb\xbf" + poll_body()).status == 200


def test_empty_body_is_an_empty_object(url: str) -> None:
    status, code, message = error_of(post(url, b""))
    assert (status, code) == (400, "ValidationException")
    assert message == (
        "1 validation error detected: Value null at 'actionTypeId' failed to satisfy constraint: "
        "Member must not be null"
    )


@pytest.mark.parametrize(
    "body",
    [
        {"actionTypeId": ACTION_TYPE, "maxBatchSize": "5"},
        {"actionTypeId": ACTION_TYPE, "maxBatchSize": 1.5},
        {"actionTypeId": ACTION_TYPE, "maxBatchSize": 2**31},
        {"actionTypeId": [ACTION_TYPE]},
        {"actionTypeId": {**ACTION_TYPE, "version": 1}},
        {"actionTypeId": ACTION_TYPE, "queryParam": {"k": 5}},
        [ACTION_TYPE],
        "text",
    ],
)
def test_wrong_json_types_are_serialization_errors(url: str, body: Any) -> None:
    status, code, _ = error_of(post(url, json.dumps(body)))
    assert (status, code) == (400, "SerializationException")


def test_constraint_violations_give_aws_validation_message(url: str) -> None:
    body = poll_body(actionTypeId={**ACTION_TYPE, "provider": "abc$"}, maxBatchSize=0)
    expected = (
        "2 validation errors detected: Value 'abc$' at 'actionTypeId.provider' failed to satisfy "
        "constraint: Member must satisfy regular expression pattern: [0-9A-Za-z_-]+; Value '0' at "
        "'maxBatchSize' failed to satisfy constraint: Member must have value greater than or equal to 1"
    )
    assert error_of(post(url, body)) == (400, "ValidationException", expected)


def test_null_optional_members_and_unknown_members_are_ignored(url: str, handler: Handler) -> None:
    body = json.dumps({"actionTypeId": ACTION_TYPE, "maxBatchSize": None, "queryParam": None, "future": 1})
    assert post(url, body).status == 200
    assert handler.seen[-1].max_batch_size is None


@pytest.mark.parametrize(
    "content_type",
    [CONTENT_TYPE, "application/x-amz-json-1.1; charset=utf-8", "Application/X-Amz-JSON-1.1;charset=UTF-8"],
)
def test_accepted_content_types(url: str, content_type: str) -> None:
    assert post(url, poll_body(), {"Content-Type": content_type}).status == 200


@pytest.mark.parametrize(
    "content_type",
    [
        "application/json",
        "application/x-amz-json-1.0",
        "text/plain",
        "application/x-amz-json-1.1; charset=latin-1",
        None,
    ],
)
def test_other_content_types_are_refused(url: str, content_type: str | None) -> None:
    headers = {"X-Amz-Target": TARGET} | ({"Content-Type": content_type} if content_type else {})
    status, code, message = error_of(post(url, poll_body(), headers, default_headers=False))
    assert (status, code) == (400, "SerializationException")
    assert message == "Content-Type must be application/x-amz-json-1.1 (with charset=utf-8 if any charset)."


def test_body_over_the_limit_is_413(url: str) -> None:
    answer = post(url, b" " * (LIMIT + 1))
    assert error_of(answer) == (
        413,
        "RequestEntityTooLargeException",
        f"The request body is larger than {LIMIT} bytes.",
    )
    assert answer.headers["connection"] == "close"


def test_chunked_body_over_the_limit_is_413(url: str) -> None:
    port = int(url.rsplit(":", 1)[1])
    head = (
        f"POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Amz-Target: {TARGET}\r\n"
        f"Content-Type: {CONTENT_TYPE}\r\nTransfer-Encoding: chunked\r\n\r\n"
    ).encode()
    chunk = b"1000\r\n" + b" " * 4096 + b"\r\n"
    received = b""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(head + chunk * (LIMIT // 4096 + 1) + b"0\r\n\r\n")
        try:
            while data := sock.recv(65536):
                received += data
        except ConnectionResetError:  # the server closed with our surplus body unread
            pass
    assert received.startswith(b"HTTP/1.1 413 ")
    assert b'"__type": "RequestEntityTooLargeException"' in received


def test_body_at_the_limit_is_read(url: str) -> None:
    body = poll_body()
    assert post(url, body + b" " * (LIMIT - len(body))).status == 200


def test_default_body_limit_is_one_mebibyte() -> None:
    assert DEFAULT_MAX_BODY_BYTES == 1024 * 1024


def test_handler_service_error_keeps_its_code_and_status(url: str) -> None:
    assert error_of(post(url, with_provider("Missing"))) == (
        400,
        "ActionTypeNotFoundException",
        "The specified action type cannot be found.",
    )
    assert error_of(post(url, with_provider("Throttle"))) == (400, "ThrottlingException", "Rate exceeded")


def test_handler_crash_is_500_internal_failure_without_detail(url: str) -> None:
    answer = post(url, with_provider("Crash"))
    assert error_of(answer) == (
        500,
        "InternalFailure",
        "The request processing has failed because of an unknown error, exception or failure.",
    )
    for leak in (SECRET_DETAIL, "RuntimeError", "Traceback", "server.py"):
        assert leak.encode() not in answer.body


def test_handler_may_return_a_wire_dict(url: str) -> None:
    answer = post(url, with_provider("Dict"))
    assert answer.status == 200
    assert answer.json == {"jobs": [{"id": JOB_ID, "nonce": "7"}]}


@pytest.mark.parametrize("provider", ["Wrong", "BadDict"])
def test_handler_returning_nonsense_is_internal_failure(url: str, provider: str) -> None:
    assert error_of(post(url, with_provider(provider)))[:2] == (500, "InternalFailure")


def test_async_handler_is_awaited() -> None:
    with Served(create_app(AsyncHandler())) as served:
        answer = post(served.url, poll_body(actionTypeId={**ACTION_TYPE, "version": "42"}))
    assert answer.json == {"jobs": [{"id": JOB_ID, "nonce": "42"}]}


def test_handler_without_the_operation_method_is_refused_early() -> None:
    with pytest.raises(TypeError, match=r"handler object lacks acknowledge_job\(\) for AcknowledgeJob, .*poll_for_jobs\(\) for PollForJobs"):
        create_app(object())


def test_access_log_has_one_line_per_request(url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO", logger="pollforjobs.server"):
        ok = post(url, poll_body(queryParam={"ProjectName": "LogProbe"}))
        bad = post(url, with_provider("Missing"))
        lines = access_lines(caplog, 2)
    assert len(lines) == 2
    assert re.fullmatch(
        rf"target={TARGET} status=200 error=- latency_ms=\d+\.\d\d request_id={ok.headers['x-amzn-requestid']}",
        lines[0],
    )
    assert "status=400 error=ActionTypeNotFoundException" in lines[1]
    assert bad.headers["x-amzn-requestid"] in lines[1]
    assert not any("LogProbe" in line for line in lines)


# --- members by wire name only --------------------------------------------------------------


def test_python_member_names_are_unknown_members_on_the_wire(caplog: pytest.LogCaptureFixture) -> None:
    """AWS ignores `max_batch_size` and `query_param` as unknown members: so does the server,
    whatever their values."""
    queue = jobqueue.JobQueue()
    configured = [{"actionTypeId": ACTION_TYPE, "actionConfiguration": {"configuration": {"ProjectName": p}}} for p in "ABAB"]
    a1, b1, a2, _ = (queue.add_job(job_data).id for job_data in configured)
    huge_key = "k" * 500_000
    with caplog.at_level("DEBUG", logger="pollforjobs.server"), Served(create_app(queue)) as served:
        first = post(served.url, poll_body(max_batch_size="2"))
        second = post(served.url, poll_body(query_param={"ProjectName": "A"}))
        third = post(served.url, poll_body(max_batch_size=0, query_param={huge_key: "x"}, action_type_id=None))
        missing = post(served.url, json.dumps({"action_type_id": ACTION_TYPE}))
        access_lines(caplog, 4)
    assert [job["id"] for job in first.json["jobs"]] == [a1]
    assert [job["id"] for job in second.json["jobs"]] == [b1]
    assert [job["id"] for job in third.json["jobs"]] == [a2]
    assert error_of(missing) == (
        400,
        "ValidationException",
        "1 validation error detected: Value null at 'actionTypeId' failed to satisfy constraint: Member must not be null",
    )
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert not any("kkkkkkkkkk" in r.getMessage() for r in caplog.records)


def test_a_model_refusing_what_the_validators_passed_is_logged_without_the_input(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """The validators and models come from one spec and agree; a generator bug could part
    them. Such a bug is simulated here with validators that pass everything: the server's
    warning then says what kind of errors the model found, never the input."""
    operation = server.OPERATIONS[TARGET]
    monkeypatch.setitem(server.OPERATIONS, TARGET, dataclasses.replace(operation, validate=lambda document: []))
    key = "k" * 500_000
    body = poll_body(queryParam={key: "x"}, maxBatchSize=0)
    with caplog.at_level("INFO", logger="pollforjobs.server"), Served(create_app(Handler())) as served:
        answer = post(served.url, body)
        access_lines(caplog, 2)
    assert error_of(answer) == (400, "ValidationException", "The request failed validation.")
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert warnings == [
        # Handler serves PollForJobs only: said once, when the app is made.
        (
            "handler Handler lacks acknowledge_job() for AcknowledgeJob, get_job_details() for GetJobDetails, "
            "put_job_failure_result() for PutJobFailureResult, put_job_success_result() for PutJobSuccessResult: "
            "those operations answer UnknownOperationException"
        ),
        "PollForJobs: the model refused a request the validators accepted (2 errors: greater_than_equal, string_too_long)",
    ]


def test_handler_dicts_are_read_by_wire_names_only(url: str) -> None:
    answer = post(url, with_provider("PythonNames"))
    assert answer.status == 200
    assert answer.json == {"jobs": [{"id": JOB_ID, "nonce": "7"}]}


def test_input_models_are_still_built_by_python_name_in_code() -> None:
    built = models.PollForJobsInput(action_type_id=models.ActionTypeId.model_validate(ACTION_TYPE), max_batch_size=2)
    assert built.model_dump(by_alias=True, exclude_none=True) == {"actionTypeId": ACTION_TYPE, "maxBatchSize": 2}
    assert models.PollForJobsInput.model_validate({"actionTypeId": ACTION_TYPE, "maxBatchSize": 2}) == built


# --- numeric options: refused when out of range, in the CLI and in create_app ---------------

BAD_OPTIONS = [
    (["--clock-skew", "inf"], "argument --clock-skew: the clock skew must be a number of seconds from 1 to 604800, got inf"),
    (["--clock-skew", "nan"], "argument --clock-skew: the clock skew must be a number of seconds from 1 to 604800, got nan"),
    (["--clock-skew", "-5"], "argument --clock-skew: the clock skew must be a number of seconds from 1 to 604800, got -5.0"),
    (["--clock-skew", "0"], "argument --clock-skew: the clock skew must be a number of seconds from 1 to 604800, got 0.0"),
    (["--clock-skew", "1e300"], "argument --clock-skew: the clock skew must be a number of seconds from 1 to 604800, got 1e+300"),
    (["--clock-skew", "soon"], "argument --clock-skew: a clock skew is a number of seconds, not 'soon'"),
    (["--max-body-bytes", "-1"], "argument --max-body-bytes: a number of bytes is at least 0, not -1"),
    (["--max-body-bytes", "1.5"], "argument --max-body-bytes: a number of bytes is a whole number, not '1.5'"),
    (["--port", "70000"], "argument --port: a port is a whole number from 0 to 65535, not 70000"),
    (["--port", "-1"], "argument --port: a port is a whole number from 0 to 65535, not -1"),
    (["--port", "http"], "argument --port: a port is a whole number from 0 to 65535, not 'http'"),
]


@pytest.mark.parametrize(("options", "message"), BAD_OPTIONS, ids=[" ".join(o) for o, _ in BAD_OPTIONS])
def test_numeric_options_out_of_range_are_usage_errors(options: list[str], message: str) -> None:
    command = [sys.executable, "-m", "pollforjobs.server", "--port", "0", *options]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == f"python -m pollforjobs.server: error: {message}"
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("skew", [float("inf"), float("nan"), -1.0, 0, 0.5, 604_801, 1e300])
def test_create_app_refuses_a_clock_skew_out_of_range(skew: float) -> None:
    with pytest.raises(ValueError, match=r"^the clock skew must be a number of seconds from 1 to 604800, got "):
        create_app(Handler(), clock_skew=skew)
    with pytest.raises(ValueError, match=r"^the clock skew must be"):
        create_app(Handler(), credentials={"AKID": "secret"}, clock_skew=skew)
    with pytest.raises(ValueError, match=r"^the clock skew must be"):
        SigV4Verifier({"AKID": "secret"}, clock_skew=skew)


@pytest.mark.parametrize(("value", "error"), [(-1, ValueError), (1.5, TypeError), (True, TypeError), ("10", TypeError)])
def test_create_app_refuses_a_body_limit_that_is_not_a_count_of_bytes(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"^max_body_bytes must be"):
        create_app(Handler(), max_body_bytes=value)


@pytest.mark.parametrize("skew", [1, 604_800])
def test_clock_skews_at_the_limits_work(skew: float) -> None:
    offset = [0.0]
    app = create_app(Handler(), credentials={ACCESS_KEY: SECRET_KEY}, clock_skew=skew, clock=lambda: time.time() + offset[0])
    with Served(app) as served:
        body = poll_body()
        headers = signed_headers(served.url, body)
        assert post(served.url, body, headers, default_headers=False).status == 200
        offset[0] = skew + 60  # every way out of the window is an AWS error, never a 500
        late = post(served.url, body, headers, default_headers=False)
        offset[0] = -(skew + 60)
        early = post(served.url, body, headers, default_headers=False)
    assert error_of(late)[:2] == (400, "InvalidSignatureException") and error_of(late)[2].startswith("Signature expired")
    assert error_of(early)[2].startswith("Signature not yet current")
