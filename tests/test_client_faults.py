"""The generated client against a server that fails at the TCP and HTTP level (tests/fault_server.py).

What tests/test_client_retries.py does not already cover: answers that stall after the head or
in the middle of the body, bodies cut short (by Content-Length and chunked), connection
resets, bytes that are not HTTP, a port whose accept queue is full (connect timeout), 503s and
5xx codes that are not transient. For each: the error class the client documents, the number
of requests the server saw (retried up to `max_attempts`, or never for a non-retryable
error), and an upper bound on the elapsed time: the timeouts of every attempt plus the
largest backoff the standard retry mode can draw plus slack. The bound is a correctness
check (the client never hangs past its timeouts), not a speed measurement.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pollforjobs import errors
from pollforjobs._transport import RetryPolicy
from pollforjobs.client import (
    CodePipelineClient,
    ConnectTimeoutError,
    EndpointConnectionError,
    ReadTimeoutError,
)

from .fault_server import Fault, FaultServer, FullBacklog, answer, aws_error

REQUEST = {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "P", "version": "1"}}
TIMEOUT = 0.3
SLACK = 2.0
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
