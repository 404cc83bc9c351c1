"""Request bodies (runtime.bodies) and the client's per-call settings (runtime.client_config):
compression as botocore applies it, bounded decompression, host prefix expansion."""

from __future__ import annotations

import asyncio
import gzip
import zlib
from typing import Any

import pytest
from botocore.compress import COMPRESSION_MAPPING
from botocore.serialize import HOST_PREFIX_RE
from runtime.bodies import DEFAULT_MIN_COMPRESSION_BYTES, compressed, decoded, read_body
from runtime.client_config import (
    compression_disabled,
    expand_host_prefix,
    host_labels,
    host_prefix_injection,
    min_compression_size,
)
from runtime.client_errors import ConfigurationError
from runtime.protocols import ProtocolError


def test_a_body_at_the_minimum_is_compressed_and_one_below_is_not() -> None:
    body = b"x" * DEFAULT_MIN_COMPRESSION_BYTES
    sent, encoding = compressed(body, ("gzip",), DEFAULT_MIN_COMPRESSION_BYTES)
    assert encoding == "gzip" and gzip.decompress(sent) == body
    assert gzip.decompress(COMPRESSION_MAPPING["gzip"](body)) == gzip.decompress(sent)  # what botocore sends, decoded
    assert compressed(body[:-1], ("gzip",), DEFAULT_MIN_COMPRESSION_BYTES) == (body[:-1], None)


def test_the_first_known_encoding_is_used_and_unknown_ones_are_skipped() -> None:
    assert compressed(b"abc", ("br", "zstd"), 0) == (b"abc", None)
    assert compressed(b"abc", ("br", "gzip"), 0)[1] == "gzip"
    assert compressed(b"abc", ("gzip",), 0)[0] == compressed(b"abc", ("gzip",), 0)[0]  # no timestamp inside


@pytest.mark.parametrize(
    ("encoding", "body", "expected"),
    [
        (None, b"{}", b"{}"),
        ("identity", b"{}", b"{}"),
        ("gzip", gzip.compress(b"{}", mtime=0), b"{}"),
        ("GZip", gzip.compress(b"{}", mtime=0), b"{}"),
        ("gzip, gzip", gzip.compress(gzip.compress(b"{}", mtime=0), mtime=0), b"{}"),
        ("gzip,identity", gzip.compress(b"{}", mtime=0), b"{}"),
    ],
)
def test_content_encodings_are_undone_last_first(encoding: str | None, body: bytes, expected: bytes) -> None:
    assert decoded(body, encoding, 1000) == expected


def test_decompression_stops_at_the_limit_however_far_the_body_inflates() -> None:
    squeezer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = squeezer.compress(b"\0" * (256 * 1024 * 1024)) + squeezer.flush()
    with pytest.raises(ProtocolError) as raised:
        decoded(bomb, "gzip", 1024 * 1024)
    assert raised.value.code == "RequestEntityTooLargeException" and raised.value.close
    assert decoded(gzip.compress(b"a" * 1000), "gzip", 1000) == b"a" * 1000
    with pytest.raises(ProtocolError):
        decoded(gzip.compress(b"a" * 1001), "gzip", 1000)


@pytest.mark.parametrize("body", [b"", b"\x1f\x8b", b"plain", gzip.compress(b"{}", mtime=0)[:-1], gzip.compress(b"{}", mtime=0) + b"\0"])
def test_a_body_that_is_not_one_whole_gzip_stream_is_a_serialization_error(body: bytes) -> None:
    with pytest.raises(ProtocolError) as raised:
        decoded(body, "gzip", 1000)
    assert raised.value.code == "SerializationException"


def test_read_body_refuses_more_than_the_limit() -> None:
    messages: list[dict[str, Any]] = [{"type": "http.request", "body": b"ab", "more_body": True}, {"type": "http.request", "body": b"cd"}]

    async def receive() -> dict[str, Any]:
        return messages.pop(0)

    assert asyncio.run(read_body(receive, None, 4)) == b"abcd"
    messages[:] = [{"type": "http.request", "body": b"abcde"}]
    with pytest.raises(ProtocolError, match="larger than 4 bytes"):
        asyncio.run(read_body(receive, None, 4))
    with pytest.raises(ProtocolError, match="larger than 4 bytes"):
        asyncio.run(read_body(receive, "5", 4))


@pytest.mark.parametrize("value", ["bar", "a.b-c", "A9", "x" * 63])
def test_host_labels_botocore_takes_are_taken(value: str) -> None:
    assert HOST_PREFIX_RE.match(value)
    assert expand_host_prefix("foo.{label}.", {"label": value}) == (f"foo.{value}.", [])


@pytest.mark.parametrize("value", ["", "a/b", "a b", "a_b", "ü", "a\nb", None, 7])
def test_host_labels_that_cannot_go_in_a_host_name_are_named(value: object) -> None:
    assert expand_host_prefix("{label}.{other}.", {"label": value, "other": "ok"})[1] == ["label"]


def test_a_prefix_without_labels_is_itself() -> None:
    assert host_labels("data.") == () and expand_host_prefix("data.", {}) == ("data.", [])
    assert host_labels("{A}.{b}.") == ("A", "b")


def test_settings_read_botocore_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    assert host_prefix_injection(None) is True and compression_disabled(None) is False
    assert min_compression_size(None, 10240) == 10240
    monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", "TRUE")
    monkeypatch.setenv("AWS_DISABLE_REQUEST_COMPRESSION", "true")
    monkeypatch.setenv("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "99")
    assert host_prefix_injection(None) is False and compression_disabled(None) is True
    assert min_compression_size(None, 10240) == 99
    assert host_prefix_injection(True) is True and compression_disabled(False) is False  # arguments win
    monkeypatch.setenv("AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES", "lots")
    with pytest.raises(ConfigurationError, match="not 'lots'"):
        min_compression_size(None, 10240)


@pytest.mark.parametrize("value", ["yes", 1, 0])
def test_switches_take_booleans_only(value: object) -> None:
    with pytest.raises(ConfigurationError):
        host_prefix_injection(value)
    with pytest.raises(ConfigurationError):
        compression_disabled(value)
