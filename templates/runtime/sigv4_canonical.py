"""Pieces of SigV4's canonical request and its HMAC-SHA256 chain, for `sigv4`'s verifier."""

from __future__ import annotations

import datetime
import hashlib
import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Final
from urllib.parse import quote

_INNER_PAD: Final = bytes(byte ^ 0x36 for byte in range(256))
_OUTER_PAD: Final = bytes(byte ^ 0x5C for byte in range(256))
UNSIGNED_PAYLOAD: Final = "UNSIGNED-PAYLOAD"
_AMZ_DATE: Final = re.compile(r"[0-9]{8}T[0-9]{6}Z", re.ASCII)
_SHOWN: Final = re.compile(r"[A-Za-z0-9._:+-]{1,20}", re.ASCII)


class SignatureError(Exception):
    """A request's authentication failed; `code` is the AWS error code to answer with."""

    def __init__(self, code: str, message: str) -> None:
        self.code = code
        self.message = message
        super().__init__(f"{code}: {message}")


def incomplete(message: str) -> SignatureError:
    return SignatureError("IncompleteSignatureException", message)


def invalid(message: str) -> SignatureError:
    return SignatureError("InvalidSignatureException", message)


def shown(value: str) -> str:
    """Echo a short, harmless token from a header, or nothing: never a value as long as a
    secret access key (40 characters) or a session token."""
    return value if _SHOWN.fullmatch(value) else "(not shown)"


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


@lru_cache(maxsize=256)
def request_line(method: str, path: str, query_string: bytes) -> str:
    """The canonical request's first three lines with their newlines (most requests name the
    same few paths)."""
    return f"{method.upper()}\n{_canonical_path(path)}\n{canonical_query(query_string)}\n"


def check_signed(values: Mapping[bytes, bytes], signed: frozenset[bytes]) -> None:
    unsigned = [
        name
        for name in values.keys() - signed
        if name == b"content-type" or name.startswith(b"x-amz-")
    ]
    if unsigned:
        name = min(unsigned).decode("latin-1")
        raise incomplete(f"'{shown(name)}' must be a 'SignedHeader' in the AWS Authorization.")


@lru_cache(maxsize=256)
def _canonical_path(path: str) -> str:
    """The path percent-encoded, once per path (an RPC v2 CBOR path costs `quote` a microsecond
    on each request, and most requests name the same few)."""
    return quote(path or "/", safe="/~")


def parse_amz_date(value: str) -> float:
    if _AMZ_DATE.fullmatch(value):
        try:
            return datetime.datetime(
                int(value[0:4]),
                int(value[4:6]),
                int(value[6:8]),
                int(value[9:11]),
                int(value[11:13]),
                int(value[13:15]),
                tzinfo=datetime.UTC,
            ).timestamp()
        except ValueError:
            pass
    raise incomplete(
        f"Date must be in ISO-8601 'basic format'. Got '{shown(value)}'. "
        "See http://en.wikipedia.org/wiki/ISO_8601"
    )


def payload_hash_of(declared_header: bytes | None, body: bytes) -> str:
    actual = hashlib.sha256(body).hexdigest()
    declared = declared_header.decode("latin-1").strip() if declared_header else ""
    if not declared or declared == actual:
        return actual
    if declared == UNSIGNED_PAYLOAD:
        # The body is the whole operation input: a signature that leaves it out would let
        # anyone who sees a signed request send other input under it.
        raise invalid("The request payload must be signed; 'UNSIGNED-PAYLOAD' is not accepted.")
    raise invalid("The provided 'x-amz-content-sha256' header does not match what was computed.")
