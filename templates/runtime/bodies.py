"""Request bodies: the client's compression (Smithy's requestCompression trait, as botocore
applies it) and the server's bounded reading and decompression of what arrives.

The client gzips a body of at least `min_size` bytes when the operation allows gzip, and says
so in `Content-Encoding`. The server reads at most `limit` bytes, and decompresses a `gzip`
body to at most `limit` bytes too, in pieces: a small body that inflates without end (a
"gzip bomb") is refused with 413 after `limit` bytes of output, never held in memory whole.
"""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Awaitable, Callable
from typing import Any, Final

from .protocols import ProtocolError

# botocore's default and bounds for request_min_compression_size_bytes.
DEFAULT_MIN_COMPRESSION_BYTES: Final = 10240
MAX_MIN_COMPRESSION_BYTES: Final = 10 * 1024 * 1024
COMPRESSORS: Final = {"gzip": lambda body: gzip.compress(body, mtime=0)}
_PIECE: Final = 64 * 1024


def compressed(body: bytes, encodings: tuple[str, ...], min_size: int) -> tuple[bytes, str | None]:
    """The body compressed with the first of `encodings` the client knows, and that encoding;
    or the body as it is and None, when it is smaller than `min_size` or none is known.
    """
    if len(body) < min_size:
        return body, None
    for encoding in encodings:
        compress = COMPRESSORS.get(encoding)
        if compress is not None:
            return compress(body), encoding
    return body, None


async def read_body(
    receive: Callable[[], Awaitable[dict[str, Any]]],
    length: str | None,
    limit: int,
    first: dict[str, Any] | None = None,
) -> bytes:
    """The whole request body from ASGI `receive` (after the message `first`, when one has
    been received already); 413 past `limit` bytes."""
    if length is not None and length.isdigit() and int(length) > limit:
        raise too_large(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message = first if first is not None else await receive()
        first = None
        if message["type"] != "http.request":
            raise ProtocolError("SerializationException", "The client went away.", close=True)
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise too_large(limit)
        if not message.get("more_body", False):
            if not chunks:
                return chunk
            chunks.append(chunk)
            return b"".join(chunks)
        chunks.append(chunk)


def decoded(body: bytes, content_encoding: str | None, limit: int) -> bytes:
    """The body with its `Content-Encoding` undone (gzip, identity): an encoding this server
    does not know is a 400 SerializationException; inflating past `limit`, a 413."""
    if not content_encoding:
        return body
    for encoding in reversed([e.strip().lower() for e in content_encoding.split(",")]):
        if encoding in ("", "identity"):
            continue
        if encoding != "gzip":
            raise ProtocolError(
                "SerializationException",
                f"Unsupported Content-Encoding: {encoding[:40]!r}.",
            )
        body = _gunzip(body, limit)
    return body


def _gunzip(body: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    pieces: list[bytes] = []
    size = 0
    data = body
    try:
        while data:
            piece = inflater.decompress(data, _PIECE)
            size += len(piece)
            if size > limit:
                raise too_large(limit, "decompressed ")
            pieces.append(piece)
            data = inflater.unconsumed_tail
            if inflater.eof:
                if inflater.unused_data:
                    raise ValueError("data after the end of the gzip stream")
                break
        if not inflater.eof:
            raise ValueError("the gzip stream ends early")
    except (zlib.error, ValueError) as exc:
        raise ProtocolError(
            "SerializationException",
            f"The gzip-encoded body cannot be decompressed: {exc}.",
        ) from None
    return b"".join(pieces)


def too_large(limit: int, what: str = "") -> ProtocolError:
    message = f"The {what}request body is larger than {limit} bytes."
    return ProtocolError("RequestEntityTooLargeException", message, close=True)
