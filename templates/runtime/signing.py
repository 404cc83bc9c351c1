"""SigV4 signing of the client's requests (header-based, as every AWS SDK signs them).

The canonical request is built as botocore's `SigV4Auth` builds it, and tested byte for byte
against it: the method, the path with dot segments and repeated slashes removed and encoded
once more (`%` becomes `%25`), no query, every header but botocore's unsigned ones (such as
`User-Agent`) by lower-case name with its value's runs of blanks made one space, the signed
header names, and the body's SHA-256. The signing key derived from the secret is kept per day,
region and service. This is plain `hashlib` and `hmac`: the AWS Common Runtime's signer took
twice its time in the client's calls (each call wakes it with a cold cache; the copies
between Python and its objects cost more than the hashing).
"""

from __future__ import annotations

import hashlib
import hmac
import time
from functools import lru_cache
from typing import Any, Final
from urllib.parse import quote

ALGORITHM: Final = "AWS4-HMAC-SHA256"
# botocore's SIGNED_HEADERS_BLACKLIST: headers a proxy or the HTTP layer may change.
UNSIGNED_HEADERS: Final = frozenset(
    {
        "baggage",
        "connection",
        "expect",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "traceparent",
        "tracestate",
        "trailer",
        "transfer-encoding",
        "upgrade",
        "user-agent",
        "x-amzn-trace-id",
    }
)


def sign(
    credentials: Any,
    signing_name: str,
    region: str,
    path: str,
    body: bytes,
    headers: dict[str, str],
    *,
    signed_at: str | None = None,
) -> dict[str, str]:
    """A copy of `headers` with `X-Amz-Security-Token` (with a session token), `X-Amz-Date`
    and a SigV4 `Authorization` added.

    `credentials` are botocore frozen credentials (`access_key`, `secret_key`, `token`);
    `path` is the request's, percent-encoded; `signed_at` (`20260101T000000Z`) is now when
    not given.
    """
    stamp = signed_at or time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    signed = headers.copy()
    if credentials.token:
        signed["X-Amz-Security-Token"] = credentials.token
    signed["X-Amz-Date"] = stamp
    names, canonical_headers = _canonical_headers(signed)
    canonical = (
        f"POST\n{_canonical_path(path)}\n\n{canonical_headers}\n{names}\n"
        f"{hashlib.sha256(body).hexdigest()}"
    )
    scope = f"{stamp[:8]}/{region}/{signing_name}/aws4_request"
    to_sign = f"{ALGORITHM}\n{stamp}\n{scope}\n{hashlib.sha256(canonical.encode()).hexdigest()}"
    key = _signing_key(credentials.secret_key, stamp[:8], region, signing_name)
    signature = hmac.new(key, to_sign.encode(), "sha256").hexdigest()
    signed["Authorization"] = (
        f"{ALGORITHM} Credential={credentials.access_key}/{scope}, "
        f"SignedHeaders={names}, Signature={signature}"
    )
    return signed


def _canonical_headers(headers: dict[str, str]) -> tuple[str, str]:
    """The signed header names (`a;b`) and the canonical header lines, each ending in `\\n`;
    repeated names (in other cases) are signed as their values joined with commas."""
    values: dict[str, list[str]] = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower not in UNSIGNED_HEADERS:
            values.setdefault(lower, []).append(" ".join(value.split()))
    names = sorted(values)
    lines = "".join([f"{name}:{','.join(values[name])}\n" for name in names])
    return ";".join(names), lines


@lru_cache(maxsize=64)
def _canonical_path(path: str) -> str:
    """botocore's: dot segments and empty segments removed (RFC 3986 5.2.4; AWS wants single
    slashes), then percent-encoded again, `/` and `~` kept."""
    if not path:
        return "/"
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    first = "/" if path.startswith("/") else ""
    last = "/" if path.endswith("/") and kept else ""
    return quote(first + "/".join(kept) + last, safe="/~")


@lru_cache(maxsize=16)
def _signing_key(secret_key: str, day: str, region: str, service: str) -> bytes:
    key = hmac.digest(f"AWS4{secret_key}".encode(), day.encode(), "sha256")
    for part in (region, service, "aws4_request"):
        key = hmac.digest(key, part.encode(), "sha256")
    return key
