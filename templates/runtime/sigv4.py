"""Verification of AWS Signature Version 4 on requests to a server.

Header-based signing (`Authorization: AWS4-HMAC-SHA256 Credential=..., SignedHeaders=...,
Signature=...` with `X-Amz-Date`), as every AWS SDK sends it. The canonical request is built
the way the SDKs' signers build it; the signature is compared in constant time.

The headers a signature must cover, as the SigV4 documentation asks: `host`, `content-type`
when present, and every `x-amz-*` header the request carries (so the operation in
`X-Amz-Target`, the date and the session token cannot be swapped on a signed request);
otherwise the answer is `IncompleteSignatureException`. Repeated headers are signed and
read as their comma-joined values.

The credential scope is checked for its form before anything is derived from it: a date of
8 digits (the one in `X-Amz-Date`), a region of at most 32 characters from `[a-z0-9-]`, the
service's signing name and `aws4_request`. Derived signing keys are cached only once a
signature made with them has verified, so a request without a valid signature leaves nothing
behind.

Error messages echo a value from a header only when it is at most 20 characters from
`[A-Za-z0-9._:+-]` (an access key id's length; a secret access key has 40 characters and a
session token more), and otherwise say "(not shown)".

Local choices: any well-formed region in the credential scope is accepted; session tokens
(`X-Amz-Security-Token`) are accepted without being checked against anything; the `Date`
header, query-string (presigned) signatures and `x-amz-content-sha256: UNSIGNED-PAYLOAD` are
not supported. As with AWS, a signed request may be replayed unchanged while its `X-Amz-Date`
is within the clock skew.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping
from typing import Final

from .sigv4_canonical import UNSIGNED_PAYLOAD as UNSIGNED_PAYLOAD  # noqa: PLC0414
from .sigv4_canonical import (
    Mac,
    check_signed,
    derive_signing_key,
    header_value,
    incomplete,
    invalid,
    parse_amz_date,
    payload_hash_of,
    request_line,
    shown,
)
from .sigv4_canonical import SignatureError as SignatureError  # noqa: PLC0414

ALGORITHM: Final = "AWS4-HMAC-SHA256"
DEFAULT_CLOCK_SKEW: Final = 300.0
# X-Amz-Date counts whole seconds, so under a second nearly every signature would have expired.
MIN_CLOCK_SKEW: Final = 1.0
# A week: the skew allows for clocks that drift (AWS allows 5 minutes); a bound also keeps the
# window's ends within the dates the error messages print.
MAX_CLOCK_SKEW: Final = 7 * 86400.0
MAX_CACHED_SIGNING_KEYS: Final = 1024
MAX_HEADER_BLOCKS: Final = 64
SIGNATURE_MISMATCH: Final = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method. "
    "Consult the service documentation for details."
)
_SCOPE_DATE: Final = re.compile(r"[0-9]{8}", re.ASCII)
_REGION: Final = re.compile(r"[a-z0-9-]{1,32}", re.ASCII)
_HEX_SIGNATURE: Final = re.compile(r"[0-9a-f]{64}", re.ASCII)


def check_clock_skew(seconds: float) -> float:
    """`seconds` if it is a usable clock skew (MIN_CLOCK_SKEW to MAX_CLOCK_SKEW seconds)."""
    if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
        raise TypeError(f"the clock skew must be a number of seconds, not {type(seconds).__name__}")
    if not math.isfinite(seconds) or not MIN_CLOCK_SKEW <= seconds <= MAX_CLOCK_SKEW:
        raise ValueError(
            f"the clock skew must be a number of seconds from {MIN_CLOCK_SKEW:g} to {MAX_CLOCK_SKEW:g}, "
            f"got {seconds!r}"
        )
    return float(seconds)


def _basic_iso(epoch: float) -> str:
    return time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(epoch))


class _Authorization:
    """The parts of an Authorization header less its signature, with what every canonical
    request made with them needs, worked out once."""

    __slots__ = (
        "access_key",
        "credential_scope",
        "header_blocks",
        "scope",
        "signed",
        "signed_keys",
        "signed_list",
    )

    def __init__(self, access_key: str, scope: tuple[str, ...], signed_headers: list[str]) -> None:
        self.access_key = access_key
        self.scope = scope
        self.credential_scope = "/".join(scope)
        # (name, its key among the request's headers: None when latin-1 cannot spell it)
        self.signed = [(name, _header_key(name)) for name in signed_headers]
        self.signed_keys = frozenset(key for _, key in self.signed if key is not None)
        self.signed_list = ";".join(signed_headers)
        # The canonical headers by the signed headers' raw values: a client repeats them all
        # but the date, which changes once a second.
        self.header_blocks: dict[tuple[bytes | None, ...], str] = {}


def _header_key(name: str) -> bytes | None:
    try:
        return name.encode("latin-1")
    except UnicodeEncodeError:
        return None


class SigV4Verifier:
    """Checks SigV4 signatures made with any of `credentials` (access key id -> secret) for
    the service whose signing name is `service`."""

    def __init__(
        self,
        credentials: Mapping[str, str],
        *,
        service: str,
        clock_skew: float = DEFAULT_CLOCK_SKEW,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._secrets = dict(credentials)
        # Keys derived per (access key id, date, region, service, terminator) that verified.
        self._signing_keys: dict[tuple[str, ...], Mac] = {}
        # Authorization headers up to ", Signature=" whose signature verified, parsed: a client
        # sends the same one until the date changes.
        self._authorizations: dict[str, _Authorization] = {}
        self._service = service
        self._clock_skew = check_clock_skew(clock_skew)
        self._clock = clock
        self._last_date = ("", 0.0)

    def __repr__(self) -> str:
        return f"SigV4Verifier(service={self._service!r}, keys={len(self._secrets)})"

    def verify(
        self,
        method: str,
        path: str,
        query_string: bytes,
        headers: Iterable[tuple[bytes, bytes]],
        body: bytes,
    ) -> str:
        """The access key id that signed the request; raises SignatureError otherwise."""
        # Names lower-cased as latin-1 text; a repeated header reads as its values joined
        # with commas, and `repeated` keeps each value for the canonical request.
        values: dict[bytes, bytes] = {}
        repeated: dict[bytes, list[bytes]] = {}
        for raw_name, raw_value in headers:
            name = (
                raw_name.lower()
                if raw_name.isascii()
                else raw_name.decode("latin-1").lower().encode("latin-1")
            )
            found = values.get(name)
            if found is None:
                values[name] = raw_value
            else:
                repeated.setdefault(name, [found]).append(raw_value)
                values[name] = found + b"," + raw_value
        authorization = values.get(b"authorization", b"").decode("latin-1").strip()
        if not authorization:
            if b"X-Amz-Signature=" in query_string or b"X-Amz-Algorithm=" in query_string:
                raise incomplete(
                    "Query-string (presigned) authentication is not supported; "
                    "sign the Authorization header."
                )
            raise SignatureError(
                "MissingAuthenticationTokenException", "Missing Authentication Token"
            )
        # The parts before the signature parse the same whatever 64 hex digits follow them.
        head, separator, signature = authorization.rpartition(", Signature=")
        cacheable = bool(separator) and _HEX_SIGNATURE.fullmatch(signature) is not None
        parsed = self._authorizations.get(head) if cacheable else None
        if parsed is None:
            access_key, scope, signed_headers, signature = self._parse(authorization)
            parsed = _Authorization(access_key, scope, signed_headers)
            known = False
        else:
            known = True
        check_signed(values, parsed.signed_keys)
        amz_date = values.get(b"x-amz-date", b"").decode("latin-1").strip()
        if not amz_date:
            raise incomplete("Authorization header requires existence of a 'X-Amz-Date' header.")
        # Requests signed in the same second share their date: parse it once.
        last_date, signed_at = self._last_date
        if amz_date != last_date:
            signed_at = parse_amz_date(amz_date)
            self._last_date = (amz_date, signed_at)
        scope = parsed.scope
        if known:  # the rest of the scope passed when it verified
            if scope[0] != amz_date[:8]:
                self._check_scope(scope, amz_date)
        else:
            self._check_scope(scope, amz_date)
        access_key = parsed.access_key
        secret = self._secrets.get(access_key)
        if secret is None:
            raise SignatureError(
                "UnrecognizedClientException",
                "The security token included in the request is invalid.",
            )
        self._check_clock(signed_at, amz_date)
        payload_hash = payload_hash_of(values.get(b"x-amz-content-sha256"), body)
        raw_values = tuple([values.get(key or b"") for _, key in parsed.signed]) if known else ()
        block = parsed.header_blocks.get(raw_values) if known and not repeated else None
        canonical_headers = block or "".join(
            [f"{name}:{header_value(key, values, repeated)}\n" for name, key in parsed.signed]
        )
        canonical = (
            f"{request_line(method, path, query_string)}{canonical_headers}\n"
            f"{parsed.signed_list}\n{payload_hash}"
        )
        digest = hashlib.sha256(canonical.encode("utf-8")).hexdigest()
        string_to_sign = f"{ALGORITHM}\n{amz_date}\n{parsed.credential_scope}\n{digest}"
        # Derived keys change once a day per region: cache them, as the AWS SDKs do, but only
        # once they have verified a signature, so that unauthenticated requests cannot fill it.
        cache_key = (access_key, *scope)
        mac = self._signing_keys.get(cache_key)
        derived = mac is None
        if mac is None:
            mac = Mac(derive_signing_key(secret, scope))
        expected = mac.digest(string_to_sign.encode("utf-8")).hex()
        if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8")):
            raise invalid(SIGNATURE_MISMATCH)
        if derived:
            if len(self._signing_keys) >= MAX_CACHED_SIGNING_KEYS:
                self._signing_keys.clear()
            self._signing_keys[cache_key] = mac
        if cacheable and not known:
            if len(self._authorizations) >= MAX_CACHED_SIGNING_KEYS:
                self._authorizations.clear()
            self._authorizations[head] = parsed
        elif known and block is None and not repeated:
            if len(parsed.header_blocks) >= MAX_HEADER_BLOCKS:
                parsed.header_blocks.clear()
            parsed.header_blocks[raw_values] = canonical_headers
        return access_key

    @staticmethod
    def _parse(authorization: str) -> tuple[str, tuple[str, ...], list[str], str]:
        algorithm, _, rest = authorization.partition(" ")
        if algorithm != ALGORITHM:
            raise incomplete(
                f"Unsupported AWS 'algorithm': '{shown(algorithm)}'; expected {ALGORITHM}."
            )
        parts: dict[str, str] = {}
        text = rest.strip()
        # Split at runs of commas and whitespace (str.split's whitespace is the same as re's
        # \s, and faster): an empty element, at either end, has no equal sign either.
        empty = not text or text[0] == "," or text[-1] == ","
        for item in [""] if empty else text.replace(",", " ").split():
            name, equals, value = item.partition("=")
            if not equals:
                raise incomplete(
                    "Authorization header has an element that is not a valid key=value pair "
                    "(missing equal-sign)."
                )
            parts[name] = value
        missing = [
            f"Authorization header requires '{name}' parameter."
            for name in ("Credential", "Signature", "SignedHeaders")
            if not parts.get(name)
        ]
        if missing:
            raise incomplete(" ".join(missing))
        credential = parts["Credential"].split("/")
        if len(credential) != 5 or not all(credential):
            raise incomplete(
                "Credential must have exactly 5 slash-delimited elements, "
                "e.g. keyid/date/region/service/term."
            )
        signed_headers = parts["SignedHeaders"].split(";")
        if "host" not in signed_headers:
            raise incomplete(
                "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
            )
        return credential[0], tuple(credential[1:]), signed_headers, parts["Signature"]

    def _check_scope(self, scope: tuple[str, ...], amz_date: str) -> None:
        date, region, service, terminator = scope
        if terminator != "aws4_request":
            raise invalid(
                f"Credential should be scoped with a valid terminator: 'aws4_request', "
                f"not '{shown(terminator)}'."
            )
        if service != self._service:
            raise invalid(f"Credential should be scoped to correct service: '{self._service}'. ")
        if not _SCOPE_DATE.fullmatch(date) or date != amz_date[:8]:
            raise invalid(
                "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
                f"from HTTP: '{shown(date)}' != '{amz_date[:8]}', from '{amz_date}'."
            )
        if not _REGION.fullmatch(region):
            raise invalid("Credential should be scoped to a valid region. ")

    def _check_clock(self, signed_at: float, amz_date: str) -> None:
        now = self._clock()
        if now - self._clock_skew <= signed_at <= now + self._clock_skew:
            return
        window = int(self._clock_skew)
        minutes = f"{self._clock_skew / 60:g} min."
        if signed_at < now - self._clock_skew:
            raise invalid(
                f"Signature expired: {amz_date} is now earlier than {_basic_iso(now - window)} "
                f"({_basic_iso(now)} - {minutes})"
            )
        if signed_at > now + self._clock_skew:
            raise invalid(
                f"Signature not yet current: {amz_date} is still later than "
                f"{_basic_iso(now + window)} ({_basic_iso(now)} + {minutes})"
            )
