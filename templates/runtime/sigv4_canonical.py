"""Pieces of SigV4's canonical request and its HMAC-SHA256 chain, for `sigv4`'s verifier."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Final

_INNER_PAD: Final = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD: Final = bytes(byte ^ 0x5C for byte in range(256))


class Mac:
    """HMAC-SHA256 under one key (RFC 2104), from the key's two padded hash states, copied per
    message. `hmac.digest` lets go of the GIL on every call: a handler thread waiting for it
    then takes it, and the event loop waits for it back, twice a request (a convoy); hashlib
    keeps the GIL for input under 2 KiB, and the copies are cheaper than a new HMAC."""

    __slots__ = ("_inner", "_outer")

    def __init__(self, key: bytes) -> None:
        if len(key) > 64:
            key = hashlib.sha256(key).digest()
        key = key.ljust(64, b"\0")
        self._inner = hashlib.sha256(key.translate(_INNER_PAD))
        self._outer = hashlib.sha256(key.translate(_OUTER_PAD))

    def digest(self, message: bytes) -> bytes:
        inner = self._inner.copy()
        inner.update(message)
        outer = self._outer.copy()
        outer.update(inner.digest())
        return outer.digest()


def derive_signing_key(secret: str, scope: tuple[str, ...]) -> bytes:
    key = ("AWS4" + secret).encode("utf-8")
    for part in scope:
        key = Mac(key).digest(part.encode("utf-8"))
    return key


def header_value(
    key: bytes | None,
    values: Mapping[bytes, bytes],
    repeated: Mapping[bytes, list[bytes]],
) -> str:
    """A signed header's canonical value: each value with its runs of whitespace as one space
    and its ends trimmed, a repeated header's values joined with commas; "" when absent.
    """
    raw = values.get(key) if key is not None else None
    if raw is None or key is None:
        return ""
    pieces = repeated.get(key) if repeated else None
    if pieces is None:
        return " ".join(raw.decode("latin-1").split())
    return ",".join([" ".join(piece.decode("latin-1").split()) for piece in pieces])


def canonical_query(query_string: bytes) -> str:
    if not query_string:
        return ""
    pairs = sorted(
        (name, value)
        for name, _, value in (
            pair.partition("=") for pair in query_string.decode("latin-1").split("&")
        )
    )
    return "&".join(f"{name}={value}" for name, value in pairs)
