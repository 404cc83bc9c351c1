"""Where the client sends requests: the region and endpoint URL, checked as botocore checks
them, and credentials given as arguments."""

from __future__ import annotations

import ipaddress
import os
import re
from typing import Final, NamedTuple
from urllib.parse import quote, urlsplit

from .client_errors import ConfigurationError, clean_text

# botocore's check on region names: they become part of the host name.
_REGION: Final = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?", re.ASCII | re.IGNORECASE)
# botocore's check on endpoint host names: dot-separated labels of letters, digits and inner
# hyphens.
_HOST_LABEL: Final = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)", re.ASCII | re.IGNORECASE)
_CONTROL: Final = re.compile("[\x00-\x1f\x7f-\x9f]")
# What urllib3 (and so botocore) leaves as it is in a URL path; everything else is
# percent-encoded.
_PATH_SAFE: Final = "/:@!$&'()*+,;=-._~"
_PERCENT_ESCAPE: Final = re.compile("%[0-9a-f]{2}", re.IGNORECASE)


class StaticCredentials:
    """Credentials given as arguments; shaped like botocore's frozen credentials."""

    __slots__ = ("access_key", "secret_key", "token")

    def __init__(self, access_key: str, secret_key: str, token: str | None) -> None:
        self.access_key = access_key
        self.secret_key = secret_key
        self.token = token

    def get_frozen_credentials(self) -> StaticCredentials:
        return self

    def __repr__(self) -> str:
        return "<credentials given as arguments>"


class Endpoint(NamedTuple):
    scheme: str
    host: str
    port: int | None
    path: str  # percent-encoded


def configured_endpoint(variable: str) -> str | None:
    """The endpoint the environment configures, as boto3 reads it: the service's own
    variable, else AWS_ENDPOINT_URL; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is true."""
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").strip().lower() == "true":
        return None
    for name in (variable, "AWS_ENDPOINT_URL"):
        value = os.environ.get(name) if name else None
        if value:
            return value
    return None


def is_region(region: object) -> bool:
    return isinstance(region, str) and _REGION.fullmatch(region) is not None


def parse_endpoint(url: object) -> Endpoint:
    """Scheme, host, port and path of `endpoint_url`, checked as botocore checks it, the path
    percent-encoded as botocore sends it (`/a b` -> `/a%20b`, `/é` -> `/%C3%A9`)."""
    if not isinstance(url, str):
        raise ConfigurationError(f"endpoint_url must be a string, not {type(url).__name__}")
    control = _CONTROL.search(url)
    if control is not None:
        raise ConfigurationError(
            "endpoint_url must not contain control characters "
            f"(U+{ord(control.group()):04X} at index {control.start()})"
        )
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise ConfigurationError(f"endpoint_url is not a valid URL: {exc}") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError("endpoint_url must be an http:// or https:// URL with a host name")
    if parts.username is not None or parts.password is not None:
        raise ConfigurationError("endpoint_url must not contain a user name or password")
    if parts.query or parts.fragment:
        raise ConfigurationError("endpoint_url must not have a query string or fragment")
    host = parts.hostname
    if not _is_host_name(host, bracketed="[" in parts.netloc):
        raise ConfigurationError(
            f"endpoint_url has no valid host name: {clean_text(host, 100)!r} (letters, digits, "
            "hyphens and dots, an IPv4 address or a bracketed IPv6 one; a non-ASCII name goes "
            "in its xn-- form)"
        )
    if port == 0:
        raise ConfigurationError("endpoint_url must not name port 0")
    return Endpoint(parts.scheme, host, port, _encoded_path(parts.path or "/"))


def _is_host_name(host: str, *, bracketed: bool) -> bool:
    if bracketed:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    name = host.removesuffix(".")
    return 0 < len(name) <= 253 and all(_HOST_LABEL.fullmatch(label) for label in name.split("."))


def _encoded_path(path: str) -> str:
    """The path percent-encoded as urllib3 encodes it: escapes already there are kept when
    every `%` starts one, else each `%` is encoded too."""
    escapes = _PERCENT_ESCAPE.findall(path)
    keep_escapes = len(escapes) == path.count("%")
    try:
        encoded = quote(path, safe=_PATH_SAFE + ("%" if keep_escapes else ""))
    except UnicodeEncodeError:
        raise ConfigurationError(
            "endpoint_url holds a lone surrogate, which no URL can carry"
        ) from None
    return _PERCENT_ESCAPE.sub(lambda escape: escape.group().upper(), encoded)
