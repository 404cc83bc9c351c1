"""The AWS SDKs' "standard" retry mode, as botocore implements it."""

from __future__ import annotations

import random
import re
import threading
from collections.abc import Mapping
from typing import Final

from .client_errors import EndpointConnectionError
from .errors import ServiceError

# The lists of botocore/retries/standard.py (the SDKs' standard mode).
THROTTLING_CODES: Final = frozenset(
    {
        "Throttling",
        "ThrottlingException",
        "ThrottledException",
        "RequestThrottledException",
        "TooManyRequestsException",
        "ProvisionedThroughputExceededException",
        "TransactionInProgressException",
        "RequestLimitExceeded",
        "BandwidthLimitExceeded",
        "LimitExceededException",
        "RequestThrottled",
        "SlowDown",
        "PriorRequestNotComplete",
        "EC2ThrottledException",
    }
)
TRANSIENT_CODES: Final = frozenset(
    {"RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete"}
)
TRANSIENT_STATUSES: Final = frozenset({500, 502, 503, 504})
_RETRY_AFTER: Final = re.compile("[0-9]{1,9}")
THROTTLING_STATUSES: Final = frozenset({429})


class RetryPolicy:
    """Standard mode: which failures to retry, how long to wait, and a shared retry budget.

    Delay before attempt i+1 (i counted from 1) is `random() * min(base * 2**(i-1), 20 s)`
    ("full jitter"), with base 1 s after throttling and 50 ms after other failures, raised to
    an `x-amz-retry-after` header (ms) by at most 5 s. A retry spends 5 (throttling) or 14
    tokens of a 500-token budget; a success gives them back (1 token if it needed no retry).
    These are botocore's figures.
    """

    THROTTLING_BASE_DELAY: float = 1.0
    TRANSIENT_BASE_DELAY: float = 0.05
    MAX_BACKOFF: float = 20.0
    RETRY_AFTER_MAX_EXTRA: Final = 5.0
    INITIAL_TOKENS: Final = 500
    RETRY_COST: Final = 14
    THROTTLING_RETRY_COST: Final = 5
    NO_RETRY_INCREMENT: Final = 1

    def __init__(
        self, max_attempts: int, modeled_errors: Mapping[str, tuple[type[ServiceError], ...]]
    ) -> None:
        self.max_attempts = max_attempts
        self._modeled_codes = {
            name: {cls.CODE for cls in found} for name, found in modeled_errors.items()
        }
        self._tokens = self.INITIAL_TOKENS
        self._lock = threading.Lock()

    def is_throttling(self, error: ServiceError, operation: str) -> bool:
        if error.code in THROTTLING_CODES or type(error).THROTTLING:
            return True
        modeled = error.code in self._modeled_codes.get(operation, ())
        return error.status_code in THROTTLING_STATUSES and not modeled

    def is_retryable(self, failure: BaseException, operation: str) -> bool:
        if isinstance(failure, ServiceError):
            return (
                failure.code in TRANSIENT_CODES
                or failure.status_code in TRANSIENT_STATUSES
                or type(failure).RETRYABLE
                or self.is_throttling(failure, operation)
            )
        return isinstance(failure, EndpointConnectionError)

    def acquire(self, throttling: bool) -> int:
        """Tokens taken for one retry; 0 when the budget is spent (then do not retry)."""
        cost = self.THROTTLING_RETRY_COST if throttling else self.RETRY_COST
        with self._lock:
            if cost > self._tokens:
                return 0
            self._tokens -= cost
            return cost

    def release(self, amount: int) -> None:
        if self._tokens >= self.INITIAL_TOKENS:
            return
        with self._lock:
            self._tokens = min(self.INITIAL_TOKENS, self._tokens + amount)

    def delay(self, attempt: int, throttling: bool, retry_after_ms: str | None) -> float:
        """The wait before attempt `attempt + 1`. An `x-amz-retry-after` that is not 1 to 9 ASCII
        digits (`²`, `-5`, `1e3`, thousands of digits) is ignored, not trusted or parsed."""
        base = self.THROTTLING_BASE_DELAY if throttling else self.TRANSIENT_BASE_DELAY
        wait = random.random() * min(base * 2.0 ** (attempt - 1), self.MAX_BACKOFF)
        if retry_after_ms is not None and _RETRY_AFTER.fullmatch(retry_after_ms):
            wait = max(wait, min(int(retry_after_ms) / 1000.0, wait + self.RETRY_AFTER_MAX_EXTRA))
        return wait
