"""The standard retry mode, against runtime.retries directly: which failures are retried, the
waits and the retry budget (botocore's figures)."""

from __future__ import annotations

import pytest
from runtime.client_errors import ConnectTimeoutError, EndpointConnectionError, MalformedResponseError
from runtime.errors import ServiceError
from runtime.retries import RetryPolicy


class ModeledTooMany(ServiceError):
    CODE = "TooManyWidgets"
    HTTP_STATUS = 429


class Retryable(ServiceError):
    CODE = "TryAgain"
    RETRYABLE = True


class Throttled(ServiceError):
    CODE = "SlowDownPlease"
    THROTTLING = True


def policy() -> RetryPolicy:
    return RetryPolicy(3, {"PutWidget": (ModeledTooMany,)})


@pytest.mark.parametrize(
    ("failure", "retried", "throttling"),
    [
        (ServiceError("", code="ThrottlingException"), True, True),
        (ServiceError("", code="SlowDown", status_code=503), True, True),
        (ServiceError("", code="Whatever", status_code=429), True, True),
        (ServiceError("", code="RequestTimeout"), True, False),
        (ServiceError("", code="Boom", status_code=500), True, False),
        (ServiceError("", code="Boom", status_code=502), True, False),
        (ServiceError("", code="Boom", status_code=501), False, False),
        (ServiceError("", code="ValidationException", status_code=400), False, False),
        (Retryable("m"), True, False),
        (Throttled("m"), True, True),
        # 429 for an error the operation models is that error, not throttling.
        (ModeledTooMany("m"), False, False),
    ],
)
def test_which_service_errors_are_retried(failure: ServiceError, retried: bool, throttling: bool) -> None:
    assert policy().is_retryable(failure, "PutWidget") is retried
    assert policy().is_throttling(failure, "PutWidget") is throttling


def test_a_modeled_429_of_another_operation_is_throttling() -> None:
    assert policy().is_throttling(ModeledTooMany("m"), "GetWidget")


def test_connection_failures_are_retried_other_exceptions_not() -> None:
    assert policy().is_retryable(EndpointConnectionError("x"), "PutWidget")
    assert policy().is_retryable(ConnectTimeoutError("x"), "PutWidget")
    assert not policy().is_retryable(MalformedResponseError("x", status_code=200, request_id=None), "PutWidget")
    assert not policy().is_retryable(ValueError("x"), "PutWidget")


def test_waits_are_full_jitter_under_the_cap() -> None:
    retries = policy()
    for attempt in range(1, 12):
        for throttling, base in ((True, 1.0), (False, 0.05)):
            cap = min(base * 2 ** (attempt - 1), 20.0)
            waits = [retries.delay(attempt, throttling, None) for _ in range(100)]
            assert all(0 <= w <= cap for w in waits)
            assert max(waits) > cap / 4  # not stuck at zero


@pytest.mark.parametrize(("header", "at_least", "at_most"), [("1500", 1.5, 1.5), ("999999999", 0.0, 5.05), ("0", 0.0, 0.05)])
def test_retry_after_raises_the_wait_by_at_most_five_seconds(header: str, at_least: float, at_most: float) -> None:
    waits = [policy().delay(1, False, header) for _ in range(50)]
    assert all(at_least <= w <= at_most for w in waits)


@pytest.mark.parametrize("header", ["", "-5", "1e3", "²", "1" * 10, " 15", "15 "])
def test_a_retry_after_that_is_not_1_to_9_ascii_digits_is_ignored(header: str) -> None:
    assert all(policy().delay(1, False, header) <= 0.05 for _ in range(50))


def test_the_budget_is_shared_spent_and_given_back() -> None:
    retries = policy()
    assert [retries.acquire(throttling=False) for _ in range(36)] == [14] * 35 + [0]
    assert retries.acquire(throttling=True) == 5  # 10 tokens left: a throttling retry costs 5
    assert retries.acquire(throttling=True) == 5
    assert retries.acquire(throttling=True) == 0
    for _ in range(1000):
        retries.release(14)
    assert [retries.acquire(throttling=False) for _ in range(36)] == [14] * 35 + [0]  # capped at 500
