"""Retries as the AWS SDKs' standard mode, counted at a real server on 127.0.0.1.

Throttling errors, transient errors (5xx, RequestTimeout...) and broken connections are
retried up to `max_attempts` in all; nothing else is. The backoff bases are shrunk on the
client under test so the suite stays fast; the delays themselves are printed by bench/,
never timed here.
"""

from __future__ import annotations

import socket
from typing import Any

import pytest
from pollforjobs import errors
from pollforjobs._runtime.retries import RetryPolicy
from pollforjobs.client import (
    CodePipelineClient,
    ConnectTimeoutError,
    EndpointConnectionError,
    MalformedResponseError,
    ReadTimeoutError,
)

from ..support.aws_like_server import Answer, AwsLikeServer, error, sample

REQUEST = {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "P", "version": "1"}}


def client_for(url: str, **options: Any) -> CodePipelineClient:
    client = CodePipelineClient(
        region_name="us-east-1",
        endpoint_url=url,
        aws_access_key_id="AKIDRETRY",
        aws_secret_access_key="retry-secret",
        **options,
    )
    client._retry.THROTTLING_BASE_DELAY = 0.001
    client._retry.TRANSIENT_BASE_DELAY = 0.001
    return client


@pytest.mark.parametrize(
    "failure",
    [
        error(400, "ThrottlingException", "Rate exceeded"),
        error(400, "Throttling", "Rate exceeded"),
        error(400, "TooManyRequestsException"),
        error(400, "RequestLimitExceeded"),
        error(400, "LimitExceededException"),
        Answer(429, b"", {}),
        Answer(400, b"{}", {"X-Amzn-ErrorType": "ThrottlingException:http://internal.amazon.com/"}),
    ],
    ids=["ThrottlingException", "Throttling", "TooManyRequests", "RequestLimitExceeded", "LimitExceeded", "429", "header"],
)
def test_throttling_then_success_is_one_retry(server: AwsLikeServer, failure: Answer) -> None:
    server.answer(failure, sample())
    output = client_for(server.url).poll_for_jobs(REQUEST)
    assert output.jobs is not None and output.jobs[0].nonce == "3"
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    "failure",
    [
        error(500, "InternalFailure", "oops"),
        error(500, None),
        error(503, "ServiceUnavailable"),
        Answer(502, "<html><body>Bad Gateway</body></html>", {"Content-Type": "text/html"}),
        Answer(504, "<html>Gateway Timeout</html>", {"Content-Type": "text/html"}),
        error(400, "RequestTimeout"),
        error(400, "RequestTimeoutException"),
        error(400, "PriorRequestNotComplete"),
        Answer(drop=True),
    ],
    ids=["InternalFailure", "500", "ServiceUnavailable", "502-html", "504-html", "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete", "dropped"],
)
def test_transient_failure_then_success_is_one_retry(server: AwsLikeServer, failure: Answer) -> None:
    server.answer(failure, sample())
    output = client_for(server.url).poll_for_jobs(REQUEST)
    assert output.jobs is not None
    assert len(server.requests) == 2


@pytest.mark.parametrize(
    ("failure", "raised"),
    [
        (error(400, "ValidationException", "bad"), errors.ValidationException),
        (error(400, "ActionTypeNotFoundException", "nope"), errors.ActionTypeNotFoundException),
        (error(400, "SerializationException"), errors.SerializationException),
        (error(400, "InvalidSignatureException", "The request signature we calculated..."), errors.InvalidSignatureException),
        (error(403, "AccessDeniedException"), errors.AccessDeniedException),
        (error(400, "UnknownOperationException"), errors.UnknownOperationException),
        (Answer(404, "<html>Not Found</html>", {"Content-Type": "text/html"}), errors.ServiceError),
        (Answer(200, "not json"), MalformedResponseError),
    ],
    ids=["Validation", "ActionTypeNotFound", "Serialization", "InvalidSignature", "AccessDenied", "UnknownOperation", "404", "malformed-200"],
)
def test_other_failures_are_not_retried(server: AwsLikeServer, failure: Answer, raised: type[Exception]) -> None:
    server.answer(failure, sample())
    with pytest.raises(raised):
        client_for(server.url).poll_for_jobs(REQUEST)
    assert len(server.requests) == 1


@pytest.mark.parametrize("max_attempts", [1, 3, 5])
def test_gives_up_after_max_attempts(server: AwsLikeServer, max_attempts: int) -> None:
    server.default = error(500, "InternalFailure", "still broken")
    with pytest.raises(errors.InternalFailure) as caught:
        client_for(server.url, max_attempts=max_attempts).poll_for_jobs(REQUEST)
    assert len(server.requests) == max_attempts
    if max_attempts > 1:
        assert caught.value.__notes__ == [f"PollForJobs: gave up after {max_attempts} attempts"]


def test_default_is_three_attempts(server: AwsLikeServer) -> None:
    server.default = error(400, "ThrottlingException")
    with pytest.raises(errors.ThrottlingException):
        client_for(server.url).poll_for_jobs(REQUEST)
    assert len(server.requests) == 3


def test_read_timeout_is_respected_and_retried(server: AwsLikeServer) -> None:
    server.answer(Answer(delay=2.0), Answer(delay=2.0))
    with pytest.raises(ReadTimeoutError, match="within 0.2 s"):
        client_for(server.url, read_timeout=0.2, max_attempts=2).poll_for_jobs(REQUEST)
    assert len(server.requests) == 2


def test_refused_connection_is_retried_then_reported() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]  # bound but not listening: connections are refused
        with pytest.raises(EndpointConnectionError, match=f"could not connect to http://127.0.0.1:{port}") as caught:
            client_for(f"http://127.0.0.1:{port}", max_attempts=2).poll_for_jobs(REQUEST)
    assert not isinstance(caught.value, (ReadTimeoutError, ConnectTimeoutError))
    assert caught.value.__notes__ == ["PollForJobs: gave up after 2 attempts"]


def test_idle_connection_closed_by_the_server_is_replaced(server: AwsLikeServer) -> None:
    client = client_for(server.url, max_attempts=1)
    server.answer(Answer(200, b"{}", close_after=True))
    client.poll_for_jobs(REQUEST)
    assert server.closed_connections.acquire(timeout=10)
    client.poll_for_jobs(REQUEST)  # the pooled connection is dead; a single attempt must still succeed
    assert len(server.requests) == 2


def test_retry_budget_runs_out_like_botocores() -> None:
    policy = RetryPolicy(3, errors.OPERATION_ERRORS)
    taken = [policy.acquire(throttling=False) for _ in range(40)]
    assert taken[:35] == [14] * 35 and taken[35:] == [0] * 5  # 500 tokens, 14 a retry
    policy.release(14)
    assert policy.acquire(throttling=True) == 5


def test_backoff_is_capped_full_jitter() -> None:
    policy = RetryPolicy(3, errors.OPERATION_ERRORS)
    delays = [policy.delay(attempt, throttling, None) for attempt in range(1, 12) for throttling in (True, False) for _ in range(50)]
    assert all(0 <= d <= 20.0 for d in delays)
    assert max(policy.delay(1, False, None) for _ in range(200)) <= 0.05
    assert max(policy.delay(1, True, None) for _ in range(200)) <= 1.0
    assert policy.delay(1, False, "1500") >= 1.5  # x-amz-retry-after, in milliseconds
