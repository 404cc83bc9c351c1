"""The generated client against a server that fails at the TCP and HTTP level (tests/support/fault_server.py).

What tests/e2e/test_client_retries.py does not already cover: answers that stall after the head or
in the middle of the body, bodies cut short (by Content-Length and chunked), connection
resets, bytes that are not HTTP, a port whose accept queue is full (connect timeout), 503s and
5xx codes that are not transient; interim (1xx) answers before the final one, bodies that never
end or claim more than the client reads, Content-Lengths that are not plain digits, bodies
nested too deep for a recursive parser, `x-amz-retry-after` values that are not plain digits,
control characters in everything a response gives, and the whole-call `total_timeout`. For
each: the error class the client documents, the number of requests the server saw (retried
up to `max_attempts`, or never for a non-retryable error), and an upper bound on the elapsed
time: the timeouts of every attempt plus the largest backoff the standard retry mode can draw
plus slack. The bound is a correctness check (the client never hangs past its timeouts), not
a speed measurement.
"""

from __future__ import annotations

import re
import time
import traceback
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pollforjobs import errors
from pollforjobs._runtime.client_errors import MAX_ID_CHARS
from pollforjobs._runtime.http_answers import MAX_INTERIM_ANSWERS
from pollforjobs._runtime.retries import RetryPolicy
from pollforjobs._runtime.transport import DEFAULT_MAX_RESPONSE_BYTES
from pollforjobs.client import (
    CodePipelineClient,
    ConnectTimeoutError,
    EndpointConnectionError,
    MalformedResponseError,
    ReadTimeoutError,
    TotalTimeoutError,
)

from ..support.fault_server import ENDLESS_PIECE, ENDLESS_PIECES, Fault, FaultServer, FullBacklog, answer, aws_error

REQUEST = {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "P", "version": "1"}}
TIMEOUT = 0.3
SLACK = 2.0
JOB_ID = "0d7b4c2e-7a4f-4a39-9e0f-1c2d3e4f5a6b"
JOBS = b'{"jobs": [{"id": "0d7b4c2e-7a4f-4a39-9e0f-1c2d3e4f5a6b", "nonce": "1"}]}'


def largest_backoff(attempts: int, throttling: bool = False) -> float:
    """The most the standard mode can sleep between `attempts` attempts (botocore's figures)."""
    base = RetryPolicy.THROTTLING_BASE_DELAY if throttling else RetryPolicy.TRANSIENT_BASE_DELAY
    return sum(min(base * 2 ** (attempt - 1), RetryPolicy.MAX_BACKOFF) for attempt in range(1, attempts))


def bound(attempts: int, timeout: float = TIMEOUT) -> float:
    return timeout * attempts + largest_backoff(attempts) + SLACK


def client_for(url: str, **options: Any) -> CodePipelineClient:
    settings: dict[str, Any] = {
        "region_name": "us-east-1",
        "endpoint_url": url,
        "aws_access_key_id": "AKIDFAULTS0000000001",
        "aws_secret_access_key": "faults-secret",
        "connect_timeout": TIMEOUT,
        "read_timeout": TIMEOUT,
        **options,
    }
    return CodePipelineClient(**settings)


def timed(call: Callable[[], Any]) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the caller checks the class
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


@pytest.fixture
def server() -> Iterator[FaultServer]:
    with FaultServer() as running:
        yield running


CONNECTION_FAULTS = [
    ("no answer", Fault("stall"), ReadTimeoutError),
    ("head, then no body", Fault("head-then-stall", body=JOBS), ReadTimeoutError),
    ("half the body, then nothing", Fault("part-then-stall", body=JOBS), ReadTimeoutError),
    ("body cut short by a close", Fault("cut", body=JOBS), EndpointConnectionError),
    ("chunked body cut short by a close", Fault("cut-chunked", body=JOBS), EndpointConnectionError),
    ("connection reset", Fault("reset"), EndpointConnectionError),
    ("not HTTP", Fault("garbage"), EndpointConnectionError),
]
IDS = [case[0] for case in CONNECTION_FAULTS]


@pytest.mark.parametrize(("name", "fault", "raised"), CONNECTION_FAULTS, ids=IDS)
def test_connection_faults_are_retried_up_to_max_attempts_within_the_timeouts(
    server: FaultServer, name: str, fault: Fault, raised: type[Exception]
) -> None:
    server.default = fault
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=3).poll_for_jobs(REQUEST))
    assert type(failure) is raised, failure
    assert server.requests == 3
    assert elapsed < bound(3), f"{name}: {elapsed:.2f} s"
    assert failure.__notes__ == ["PollForJobs: gave up after 3 attempts"]
    assert server.url in str(failure)
    assert "jobs" not in str(failure)  # a cut body is never quoted


@pytest.mark.parametrize(("name", "fault", "raised"), CONNECTION_FAULTS, ids=IDS)
def test_connection_fault_then_success_is_one_retry(
    server: FaultServer, name: str, fault: Fault, raised: type[Exception]
) -> None:
    server.script(fault, answer(200, JOBS))
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=3).poll_for_jobs(REQUEST))
    assert failure is None
    assert server.requests == 2
    assert elapsed < bound(2)


def test_a_full_accept_queue_is_a_connect_timeout() -> None:
    with FullBacklog() as backlog:
        failure, elapsed = timed(lambda: client_for(backlog.url, max_attempts=2).poll_for_jobs(REQUEST))
    assert isinstance(failure, ConnectTimeoutError)
    assert f"could not connect to {backlog.url} within {TIMEOUT} s" in str(failure)
    assert elapsed < bound(2)


@pytest.mark.parametrize(
    ("fault", "raised"),
    [
        (aws_error(503, "ServiceUnavailable", "Please try again"), errors.ServiceUnavailable),
        (answer(503, "<html>Service Unavailable</html>", "text/html"), errors.ServiceError),
        (answer(503, ""), errors.ServiceError),
    ],
    ids=["aws-json", "html", "empty"],
)
def test_503s_are_retried_then_reported(server: FaultServer, fault: Fault, raised: type[Exception]) -> None:
    server.default = fault
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=4).poll_for_jobs(REQUEST))
    assert type(failure) is raised
    assert isinstance(failure, errors.ServiceError) and failure.status_code == 503
    assert server.requests == 4
    assert elapsed < largest_backoff(4) + SLACK


@pytest.mark.parametrize(
    ("fault", "code"),
    [
        (answer(501, "{}"), "501"),
        (answer(505, "<html>HTTP Version Not Supported</html>", "text/html"), "505"),
        (answer(400, "<html>Bad Request</html>", "text/html"), "400"),
        (answer(403, "Forbidden", "text/plain"), "403"),
        (aws_error(413, "RequestEntityTooLargeException"), "RequestEntityTooLargeException"),
        (aws_error(400, "ValidationException"), "ValidationException"),
    ],
    ids=["501", "505-html", "400-html", "403-text", "413", "validation"],
)
def test_errors_that_are_not_transient_are_never_retried(server: FaultServer, fault: Fault, code: str) -> None:
    server.default = fault
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=5).poll_for_jobs(REQUEST))
    assert isinstance(failure, errors.ServiceError)
    assert failure.code == code
    assert server.requests == 1
    assert elapsed < SLACK


def test_read_timeout_bounds_each_read_not_the_whole_answer(server: FaultServer) -> None:
    """As documented (and as boto3): an answer trickling in, each byte well within the read
    timeout, is read to the end even when the whole takes longer than the timeout."""
    server.default = Fault("trickle", body=JOBS, gap=0.003)
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=1).poll_for_jobs(REQUEST))
    assert failure is None
    assert server.requests == 1
    print(f"\na {len(JOBS) + 120}-byte answer trickled over {elapsed:.2f} s with read_timeout={TIMEOUT}")


# --- interim (1xx) answers ----------------------------------------------------------------

INTERIM_ANSWERS = [
    ("103 Early Hints", b"HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload\r\n\r\n"),
    ("102 Processing", b"HTTP/1.1 102 Processing\r\n\r\n"),
    ("100 then 103", b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"),
    (
        "several with headers",
        b"".join(b"HTTP/1.1 1%02d Hint\r\nX-Hint: %d\r\nContent-Length: 5\r\n\r\n" % (n, n) for n in (2, 3, 4, 99)),
    ),
    ("no reason phrase", b"HTTP/1.1 103\r\n\r\n"),
    ("as many as are skipped", b"HTTP/1.1 103 Early Hints\r\n\r\n" * MAX_INTERIM_ANSWERS),
]


@pytest.mark.parametrize(("name", "interim"), INTERIM_ANSWERS, ids=[case[0] for case in INTERIM_ANSWERS])
def test_interim_answers_are_skipped_and_the_final_answer_is_read(
    server: FaultServer, name: str, interim: bytes
) -> None:
    server.script(answer(200, JOBS, interim=interim), answer(200, JOBS, interim=interim))
    client = client_for(server.url, max_attempts=1)
    first = client.poll_for_jobs(REQUEST)
    second = client.poll_for_jobs(REQUEST)
    assert [job.id for job in first.jobs or []] == [JOB_ID]
    assert [job.id for job in second.jobs or []] == [JOB_ID]
    assert (server.requests, server.connections) == (2, 1)  # the kept-alive connection stayed in step


def test_interim_answers_before_an_error_are_skipped(server: FaultServer) -> None:
    server.default = Fault(
        "answer", 400, b'{"__type": "ValidationException", "message": "m"}', interim=INTERIM_ANSWERS[0][1]
    )
    failure, _ = timed(lambda: client_for(server.url).poll_for_jobs(REQUEST))
    assert type(failure) is errors.ValidationException
    assert failure.status_code == 400


def test_more_interim_answers_than_are_skipped_are_a_malformed_response(server: FaultServer) -> None:
    server.default = answer(200, JOBS, interim=b"HTTP/1.1 100 Continue\r\n\r\n" * (MAX_INTERIM_ANSWERS + 1))
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=3).poll_for_jobs(REQUEST))
    assert type(failure) is MalformedResponseError
    assert f"more than {MAX_INTERIM_ANSWERS} interim (1xx) answers" in str(failure)
    assert server.requests == 1
    assert elapsed < bound(1)


def test_a_server_sending_100_continue_forever_is_left(server: FaultServer) -> None:
    server.default = Fault("continue-forever")
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=3).poll_for_jobs(REQUEST))
    assert type(failure) is MalformedResponseError
    assert server.requests == 1
    assert elapsed < bound(1)


def test_101_to_a_request_that_asked_for_no_upgrade_is_a_broken_connection(server: FaultServer) -> None:
    server.default = answer(200, JOBS, interim=b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=3).poll_for_jobs(REQUEST))
    assert type(failure) is EndpointConnectionError
    assert "101 Switching Protocols" in str(failure)
    assert server.requests == 3
    assert elapsed < bound(3)


@pytest.mark.parametrize(
    "interim",
    [
        b"HTTP/1.1 103 Early Hints\r\n" + b"X-Hint: y\r\n" * 101 + b"\r\n",
        b"HTTP/1.1 103 Early Hints\r\nX-Hint: " + b"y" * 70_000 + b"\r\n\r\n",
        b"HTTP/1.1 1" + b"0" * 70_000 + b"\r\n\r\n",
    ],
    ids=["too-many-header-lines", "header-line-too-long", "status-line-too-long"],
)
def test_interim_answers_are_bounded_like_final_ones(server: FaultServer, interim: bytes) -> None:
    server.default = answer(200, JOBS, interim=interim)
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=2).poll_for_jobs(REQUEST))
    assert type(failure) is EndpointConnectionError
    assert server.requests == 2
    assert elapsed < bound(2)


@pytest.mark.parametrize(
    "status_line",
    [b"HTTP/1.1 2_00 OK", b"HTTP/1.1 +200 OK", b"HTTP/1.1  200 OK", b"HTTP/1.1 2000 OK", b"HTTP/1.1 \xb2\xb2\xb2 OK"],
)
def test_a_status_code_that_is_not_three_ascii_digits_is_not_http(server: FaultServer, status_line: bytes) -> None:
    server.default = answer(200, JOBS, interim=status_line + b"\r\nContent-Length: 0\r\n\r\n")
    failure, _ = timed(lambda: client_for(server.url, max_attempts=1).poll_for_jobs(REQUEST))
    assert type(failure) is EndpointConnectionError
    assert "BadStatusLine" in str(failure)


# --- bodies larger than the client reads ----------------------------------------------------

LIMIT = 1 << 20


@pytest.mark.parametrize("status", [200, 500])
@pytest.mark.parametrize("kind", ["endless-chunked", "endless"])
def test_an_endless_body_is_cut_at_max_response_bytes_and_never_retried(
    server: FaultServer, kind: str, status: int
) -> None:
    server.default = Fault(kind, status)
    failure, elapsed = timed(
        lambda: client_for(server.url, max_attempts=3, max_response_bytes=LIMIT).poll_for_jobs(REQUEST)
    )
    assert type(failure) is MalformedResponseError
    assert (failure.status_code, failure.request_id) == (status, "fault-1")
    assert f"the body is larger than max_response_bytes ({LIMIT} bytes)" in str(failure)
    assert server.requests == 1
    assert elapsed < bound(1)


def test_the_default_limit_is_64_mib(server: FaultServer) -> None:
    assert DEFAULT_MAX_RESPONSE_BYTES == 64 * 1024 * 1024 < len(ENDLESS_PIECE) * ENDLESS_PIECES
    server.default = Fault("endless-chunked")
    failure, _ = timed(lambda: client_for(server.url, max_attempts=3, read_timeout=5).poll_for_jobs(REQUEST))
    assert type(failure) is MalformedResponseError
    assert f"larger than max_response_bytes ({DEFAULT_MAX_RESPONSE_BYTES} bytes)" in str(failure)
    assert server.requests == 1


@pytest.mark.parametrize("status", [200, 400])
def test_a_content_length_over_the_limit_is_refused_before_reading(server: FaultServer, status: int) -> None:
    server.default = answer(status, JOBS, content_length=str(10**15))
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=3).poll_for_jobs(REQUEST))
    assert type(failure) is MalformedResponseError
    assert failure.status_code == status
    assert server.requests == 1
    assert elapsed < SLACK


@pytest.mark.parametrize("kind", ["answer", "chunked"])
def test_a_body_of_exactly_max_response_bytes_is_read(server: FaultServer, kind: str) -> None:
    server.script(Fault(kind, body=JOBS), Fault(kind, body=JOBS))
    exact = client_for(server.url, max_attempts=1, max_response_bytes=len(JOBS))
    assert [job.id for job in exact.poll_for_jobs(REQUEST).jobs or []] == [JOB_ID]
    failure, _ = timed(
        lambda: client_for(server.url, max_attempts=1, max_response_bytes=len(JOBS) - 1).poll_for_jobs(REQUEST)
    )
    assert type(failure) is MalformedResponseError


@pytest.mark.parametrize(
    "content_length",
    [
        f"+{len(JOBS)}",
        f"{str(len(JOBS))[0]}_{str(len(JOBS))[1:]}",
        f"{len(JOBS)}, {len(JOBS) + 1}",
        f"0x{len(JOBS):x}",
        "-1",
    ],
    ids=["plus", "underscore", "two-values", "hex", "negative"],
)
def test_a_content_length_that_is_not_plain_digits_is_a_broken_answer(server: FaultServer, content_length: str) -> None:
    server.default = answer(200, JOBS, content_length=content_length)
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=2).poll_for_jobs(REQUEST))
    assert type(failure) is EndpointConnectionError
    assert "Content-Length" in str(failure)
    assert server.requests == 2
    assert elapsed < bound(2)


HEX_LENGTH = b"%x" % len(JOBS)


@pytest.mark.parametrize(
    "size",
    [b"-1", b"+" + HEX_LENGTH, HEX_LENGTH[:1] + b"_" + HEX_LENGTH[1:], b"0x" + HEX_LENGTH, b" ", b"1" + b"0" * 16],
    ids=["negative", "plus", "underscore", "0x", "blank", "2**64"],
)
def test_a_chunk_size_that_is_not_hex_digits_is_a_broken_answer(server: FaultServer, size: bytes) -> None:
    """http.client took int(size, 16): `+4a` passed, `-1` made it read to the end of the connection."""
    server.default = Fault("chunked", body=JOBS, chunk_size=size)
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=2).poll_for_jobs(REQUEST))
    assert type(failure) is EndpointConnectionError
    assert "IncompleteRead" in str(failure)
    assert server.requests == 2
    assert elapsed < bound(2)


def test_trailer_lines_without_end_are_a_broken_answer(server: FaultServer) -> None:
    server.default = Fault("endless-trailer", body=JOBS)
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=2, read_timeout=5).poll_for_jobs(REQUEST))
    assert type(failure) is EndpointConnectionError
    assert "more than 100 trailer lines" in str(failure)
    assert server.requests == 2
    assert elapsed < bound(2, 5)


@pytest.mark.parametrize("size", [HEX_LENGTH + b" ; name=value", b"0" * 40 + HEX_LENGTH, HEX_LENGTH.upper()])
def test_chunk_sizes_with_extensions_leading_zeros_or_capitals_are_read(server: FaultServer, size: bytes) -> None:
    server.default = Fault("chunked", body=JOBS, chunk_size=size)
    output = client_for(server.url, max_attempts=1).poll_for_jobs(REQUEST)
    assert [job.id for job in output.jobs or []] == [JOB_ID]


# --- bodies nested too deep -----------------------------------------------------------------

NESTED = [
    b"[" * 100_000,
    b'{"jobs": ' + b"[" * 100_000,
    b'{"a": ' * 100_000,
    b'{"jobs": [{"data": ' + b'{"x": [' * 50_000,
]


@pytest.mark.parametrize("body", NESTED, ids=["arrays", "under-jobs", "objects", "under-data"])
def test_a_success_body_nested_too_deep_is_a_malformed_response(server: FaultServer, body: bytes) -> None:
    server.default = answer(200, body)
    failure, _ = timed(lambda: client_for(server.url, max_attempts=3).poll_for_jobs(REQUEST))
    assert type(failure) is MalformedResponseError
    assert "not JSON" in str(failure)
    assert server.requests == 1


@pytest.mark.parametrize("body", NESTED, ids=["arrays", "under-jobs", "objects", "under-data"])
@pytest.mark.parametrize(("status", "attempts"), [(400, 1), (500, 3)])
def test_an_error_body_nested_too_deep_is_a_service_error(
    server: FaultServer, body: bytes, status: int, attempts: int
) -> None:
    server.default = answer(status, body)
    failure, _ = timed(lambda: client_for(server.url, max_attempts=3).poll_for_jobs(REQUEST))
    assert type(failure) is errors.ServiceError
    assert (failure.code, failure.status_code) == (str(status), status)
    assert "the error body is not JSON" in failure.message
    assert server.requests == attempts


# --- x-amz-retry-after ----------------------------------------------------------------------

BAD_RETRY_AFTER = [
    ("superscript two", b"\xb2"),  # http.client decodes it as Latin-1: '²', which str.isdigit() takes for a digit
    ("5000 digits", b"5" * 5000),
    ("400 digits", b"9" * 400),
    ("ten digits", b"1" + b"0" * 9),
    ("negative", b"-5"),
    ("exponent", b"1e3"),
    ("fraction", b"12.5"),
    ("hex", b"0x10"),
    ("Arabic-Indic digits", "٣".encode()),
    ("empty", b""),
]


@pytest.mark.parametrize(("name", "value"), BAD_RETRY_AFTER, ids=[case[0] for case in BAD_RETRY_AFTER])
def test_a_retry_after_that_is_not_1_to_9_ascii_digits_is_ignored(server: FaultServer, name: str, value: bytes) -> None:
    throttled = answer(503, b'{"__type": "ServiceUnavailable"}', headers=b"x-amz-retry-after: " + value + b"\r\n")
    server.script(throttled, answer(200, JOBS))
    failure, elapsed = timed(lambda: client_for(server.url, max_attempts=2).poll_for_jobs(REQUEST))
    assert failure is None
    assert server.requests == 2
    assert elapsed < bound(2)


def test_the_retry_policy_ignores_bad_retry_after_values() -> None:
    policy = RetryPolicy(3, {})
    for _, value in BAD_RETRY_AFTER:
        assert 0 <= policy.delay(1, False, value.decode("iso-8859-1")) <= RetryPolicy.TRANSIENT_BASE_DELAY
    assert policy.delay(1, False, "2000") == 2.0


# --- control characters in what a response gives ----------------------------------------------

UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
FOLDED_ID = b"x-amzn-RequestId: abc\r\n FAKE LOG LINE level=ERROR\r\n"
HOSTILE_MESSAGE = b'"bad \\u001b[2J\\u001b[31mred\\u2028next\\ud800 end\\r\\nline2\\u0085\\u009b31m"'

HOSTILE_ANSWERS = [
    ("folded request id", answer(400, b'{"__type": "ValidationException", "message": "m"}', headers=FOLDED_ID)),
    ("escapes in the message", answer(400, b'{"__type": "ValidationException", "message": ' + HOSTILE_MESSAGE + b"}")),
    ("escapes in the code", answer(400, b'{"__type": "aws#Evil\\u001b[31mCode\\n", "message": "m"}')),
    ("C1 in the error type header", answer(400, b"{}", headers=b"X-Amzn-ErrorType: Evil\x9b31m\x1bCode\r\n")),
    (
        "an HTML page with escapes",
        answer(
            502,
            b"<html>\x1b[2J\x1b]0;owned\x07 Bad Gateway\r\nFAKE</html>",
            "text/html\x1b[31m",
            reason=b"Bad\x1b[31m Gateway\x85",
        ),
    ),
    (
        "a key with escapes in a bad success body",
        answer(
            200,
            b'{"jobs": [{"data": {"actionConfiguration": {"configuration": {"k\\u001b[31m\\nFAKE": 5}}}}]}',
            headers=FOLDED_ID,
        ),
    ),
    ("a status line with escapes", answer(200, JOBS, interim=b"\x1b[31mHTTP/1.1 200 OK\x1b[0m\r\n\r\n")),
    (
        "a long request id",
        answer(400, b'{"__type": "ValidationException"}', headers=b"x-amzn-RequestId: " + b"r" * 60_000 + b"\r\n"),
    ),
    ("a long code", answer(400, b'{"__type": "' + b"C" * 100_000 + b'"}')),
]


@pytest.mark.parametrize(("name", "fault"), HOSTILE_ANSWERS, ids=[case[0] for case in HOSTILE_ANSWERS])
def test_nothing_taken_from_a_response_carries_control_characters(server: FaultServer, name: str, fault: Fault) -> None:
    server.default = fault
    failure, _ = timed(lambda: client_for(server.url, max_attempts=1).poll_for_jobs(REQUEST))
    assert isinstance(failure, (errors.ServiceError, MalformedResponseError, EndpointConnectionError)), failure
    shown = [
        str(failure),
        repr(failure),
        *(str(getattr(failure, name, "")) for name in ("code", "message", "request_id")),
    ]
    shown += traceback.format_exception_only(failure)
    assert [text for text in shown if UNSAFE.search(text.rstrip("\n"))] == []
    for attribute in ("code", "request_id"):
        assert len(getattr(failure, attribute, None) or "") <= MAX_ID_CHARS


def test_a_folded_request_id_stays_on_one_line_and_keeps_its_text(server: FaultServer) -> None:
    server.default = HOSTILE_ANSWERS[0][1]
    failure, _ = timed(lambda: client_for(server.url, max_attempts=1).poll_for_jobs(REQUEST))
    assert isinstance(failure, errors.ValidationException)
    assert failure.request_id is not None and failure.request_id.split() == [
        "abc",
        "FAKE",
        "LOG",
        "LINE",
        "level=ERROR",
    ]
    assert "\n" not in str(failure)


def test_escapes_in_a_message_are_replaced_and_the_text_kept(server: FaultServer) -> None:
    server.default = HOSTILE_ANSWERS[1][1]
    failure, _ = timed(lambda: client_for(server.url, max_attempts=1).poll_for_jobs(REQUEST))
    assert isinstance(failure, errors.ValidationException)
    assert failure.message == "bad \ufffd[2J\ufffd[31mred next\ufffd end  line2 \ufffd31m"


# --- total_timeout --------------------------------------------------------------------------


def test_total_timeout_bounds_an_answer_that_trickles_in(server: FaultServer) -> None:
    """Each byte comes well within read_timeout, so only total_timeout can end this call."""
    server.default = Fault("trickle", body=JOBS * 40, gap=0.02)  # about 60 s in all
    client = client_for(server.url, max_attempts=3, total_timeout=1.0)
    failure, elapsed = timed(lambda: client.poll_for_jobs(REQUEST))
    assert type(failure) is TotalTimeoutError
    assert isinstance(failure, EndpointConnectionError) and isinstance(failure, TimeoutError)
    assert "total_timeout" in str(failure)
    assert server.requests == 1
    assert elapsed < 1.0 + SLACK


def test_total_timeout_covers_every_attempt(server: FaultServer) -> None:
    server.default = Fault("stall")
    client = client_for(server.url, max_attempts=10, read_timeout=0.4, total_timeout=1.0)
    failure, elapsed = timed(lambda: client.poll_for_jobs(REQUEST))
    assert type(failure) is TotalTimeoutError
    assert 2 <= server.requests <= 3  # 0.4 s each: the third, if any, is cut short
    assert failure.__notes__ == [f"PollForJobs: gave up after {server.requests} attempts"]
    assert elapsed < 1.0 + SLACK


def test_total_timeout_does_not_sleep_past_the_deadline(server: FaultServer) -> None:
    throttled = aws_error(400, "ThrottlingException", "Rate exceeded")
    server.default = Fault("answer", 400, throttled.body, headers=b"x-amz-retry-after: 30000\r\n")
    client = client_for(server.url, max_attempts=5, total_timeout=2.0)
    failure, elapsed = timed(lambda: client.poll_for_jobs(REQUEST))
    assert type(failure) is TotalTimeoutError
    assert type(failure.__cause__) is errors.ThrottlingException  # what the last attempt got
    assert failure.__notes__ == ["PollForJobs: gave up after 1 attempts"]
    assert server.requests == 1
    assert elapsed < SLACK  # the 5 s wait the header asks for would pass the deadline: no wait at all


def test_total_timeout_bounds_connecting() -> None:
    with FullBacklog() as backlog:
        client = client_for(backlog.url, max_attempts=3, connect_timeout=30, total_timeout=0.5)
        failure, elapsed = timed(lambda: client.poll_for_jobs(REQUEST))
    assert type(failure) is TotalTimeoutError
    assert elapsed < 0.5 + SLACK


def test_a_call_within_total_timeout_leaves_the_connection_as_it_was(server: FaultServer) -> None:
    server.script(answer(200, JOBS), Fault("trickle", body=JOBS, gap=0.004))
    client = client_for(server.url, max_attempts=1, total_timeout=30.0)
    assert [job.id for job in client.poll_for_jobs(REQUEST).jobs or []] == [JOB_ID]
    # The next answer trickles over about 0.8 s, beyond read_timeout as a whole, each byte within it.
    assert [job.id for job in client.poll_for_jobs(REQUEST).jobs or []] == [JOB_ID]
    assert server.connections == 1
