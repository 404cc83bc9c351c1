"""The client's own exceptions (error answers are `errors.ServiceError`s), and `clean_text`,
which makes text taken from a response safe to put in one."""

from __future__ import annotations

import re
from typing import Final

# Identifiers copied from a response (request id, error code, reason phrase) are cut to this.
MAX_ID_CHARS: Final = 256
# A problem found in a response body names a path, which may hold the body's map keys.
MAX_PROBLEM_CHARS: Final = 512


class ConfigurationError(ValueError):
    """The client cannot be set up: no region, a bad endpoint URL, an unknown profile..."""


class NoCredentialsError(ConfigurationError):
    """No credentials were found in the arguments, environment, shared files or roles."""


class EndpointConnectionError(ConnectionError):
    """The endpoint could not be reached, or the connection broke, after every attempt."""


class ConnectTimeoutError(EndpointConnectionError, TimeoutError):
    """No connection could be made within `connect_timeout`, after every attempt."""


class ReadTimeoutError(EndpointConnectionError, TimeoutError):
    """The endpoint did not answer within `read_timeout`, after every attempt."""


class TotalTimeoutError(EndpointConnectionError, TimeoutError):
    """The call, all its attempts and the waits between them, did not end within `total_timeout`.

    Never retried. `__cause__` is the last attempt's failure, when there was one.
    """


class MalformedResponseError(ValueError):
    """A response the client will not read: a success body that is not what the spec
    describes, a body larger than `max_response_bytes` (for any status), or more interim
    (1xx) answers than the client skips. Never retried.

    The message names the problem and where, never the body (it may hold credentials).
    """

    def __init__(self, problem: str, *, status_code: int, request_id: str | None) -> None:
        self.status_code = status_code
        self.request_id = request_id
        where = (
            f"HTTP {status_code}, request id {request_id}" if request_id else f"HTTP {status_code}"
        )
        super().__init__(f"malformed response ({where}): {clean_text(problem, MAX_PROBLEM_CHARS)}")


# C0 and C1 controls, DEL, the Unicode line and paragraph separators, lone surrogates (which
# no UTF-8 log can write): none of them may reach an exception's text or a log line.
_UNSAFE_CHARACTER: Final = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_BLANKS: Final = frozenset("\t\n\v\f\r\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def _replacement(match: re.Match[str]) -> str:
    return " " if match.group() in _BLANKS else "\ufffd"


def clean_text(value: str, limit: int | None = None) -> str:
    """`value` safe to show: line breaks and tabs become spaces, other control characters and
    lone surrogates U+FFFD; with `limit`, at most that many characters (cut with "...")."""
    if _UNSAFE_CHARACTER.search(value) is not None:
        value = _UNSAFE_CHARACTER.sub(_replacement, value)
    if limit is not None and len(value) > limit:
        value = value[: limit - 3] + "..."
    return value
