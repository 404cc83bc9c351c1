"""Endpoint URLs and regions (runtime.endpoint), checked as botocore checks them."""

from __future__ import annotations

import pytest
from runtime.client_errors import ConfigurationError
from runtime.endpoint import Endpoint, StaticCredentials, is_region, parse_endpoint


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("https://widgets.us-east-1.amazonaws.com", Endpoint("https", "widgets.us-east-1.amazonaws.com", None, "/")),
        ("http://127.0.0.1:8080/", Endpoint("http", "127.0.0.1", 8080, "/")),
        ("http://[::1]:9/prefix", Endpoint("http", "::1", 9, "/prefix")),
        ("http://h/a b/é", Endpoint("http", "h", None, "/a%20b/%C3%A9")),
        ("http://h/a%2fb", Endpoint("http", "h", None, "/a%2Fb")),
        ("http://h/100%", Endpoint("http", "h", None, "/100%25")),
    ],
)
def test_endpoints_botocore_accepts(url: str, endpoint: Endpoint) -> None:
    assert parse_endpoint(url) == endpoint


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (None, "endpoint_url must be a string, not NoneType"),
        ("http://h/\n", "endpoint_url must not contain control characters (U+000A at index 9)"),
        ("ftp://h", "endpoint_url must be an http:// or https:// URL with a host name"),
        ("http://u:p@h", "endpoint_url must not contain a user name or password"),
        ("http://h/?q=1", "endpoint_url must not have a query string or fragment"),
        ("http://-h-/", "endpoint_url has no valid host name: '-h-'"),
        ("http://h:0", "endpoint_url must not name port 0"),
        ("http://h:99999", "endpoint_url is not a valid URL: Port out of range 0-65535"),
        ("http://h/\ud800", "endpoint_url holds a lone surrogate, which no URL can carry"),
    ],
)
def test_endpoints_botocore_refuses(url: object, message: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        parse_endpoint(url)
    assert str(caught.value).startswith(message)


def test_regions() -> None:
    assert is_region("us-east-1") and is_region("EU-WEST-3")
    assert not any(is_region(r) for r in ("", "-us", "us-", "us east", "a" * 64, None, 5))


def test_static_credentials_hide_themselves() -> None:
    credentials = StaticCredentials("AKID", "secret", None)
    assert credentials.get_frozen_credentials() is credentials
    assert repr(credentials) == "<credentials given as arguments>"
