"""Reading answers (runtime.http_answers): header sections read as http.client reads them."""

from __future__ import annotations

import http.client
import io
import random

import pytest
from runtime.http_answers import parse_header_section

SECTIONS = [
    b"\r\n",
    b"Content-Type: application/x-amz-json-1.1\r\nx-amzn-RequestId: abc\r\nContent-Length: 2\r\n\r\n",
    b"a:1\nb:  two  \n\n",
    b"Empty:\r\nBlank: \t \r\nTabbed:\tvalue\t\r\n\r\n",
    b"Repeated: 1\r\nrepeated: 2\r\nREPEATED: 3\r\n\r\n",
    b"Colons: a: b: c\r\nx-amz-retry-after: 0500\r\n\r\n",
    b"Latin: caf\xe9 \x85 \x0c \x0b \x1c end\r\n\r\n",
    b"Control: a\x00b\x07c\x1bd\r\n\r\n",
    b"Folded: one\r\n  two\r\n\tthree\r\nNext: x\r\n\r\n",
    b" Leading-space: x\r\nAfter: y\r\n\r\n",
    b"No colon here\r\nAfter: y\r\n\r\n",
    b"Name With Space: x\r\nAfter: y\r\n\r\n",
    b": no name\r\nAfter: y\r\n\r\n",
    b"From nobody\r\nAfter: y\r\n\r\n",
    b"Lone-CR: a\rb\r\nAfter: y\r\n\r\n",
    b"CR-ending: a\r\r\nAfter: y\r\n\r\n",
    b"Unterminated: x\r\n",
    b"",
]


def by_http_client(section: bytes) -> list[tuple[str, str]]:
    return list(http.client.parse_headers(io.BytesIO(section)).items())


def lines_of(section: bytes) -> list[bytes]:
    reader = io.BytesIO(section)
    lines = []
    while True:
        line = reader.readline()
        lines.append(line)
        if line in (b"\r\n", b"\n", b""):
            return lines


@pytest.mark.parametrize("section", SECTIONS)
def test_a_header_section_reads_as_http_client_reads_it(section: bytes) -> None:
    found = parse_header_section(lines_of(section))
    assert isinstance(found, http.client.HTTPMessage)
    assert list(found.items()) == by_http_client(section)


def test_random_header_sections_read_as_http_client_reads_them() -> None:
    pieces = [b"a", b"Name", b"x-amz-id", b":", b": ", b" ", b"\t", b"\r", b"\n", b"\r\n", b"\xe9", b"\x85", b"\x0c", b"From ", b"v", b"Name: v\r\n", b"x:\n"]
    rng = random.Random(15)
    for _ in range(3000):
        section = b"".join(rng.choice(pieces) for _ in range(rng.randrange(1, 20))) + b"\r\n\r\n"
        assert list(parse_header_section(lines_of(section)).items()) == by_http_client(section), section


def test_lookups_on_the_headers_are_case_insensitive_and_keep_repeats() -> None:
    found = parse_header_section(lines_of(b"Content-Length: 2\r\ncontent-length: 2\r\nX-A: 1\r\n\r\n"))
    assert found.get("CONTENT-LENGTH") == "2"
    assert found.get_all("content-length") == ["2", "2"]
    assert found["x-a"] == "1" and "X-a" in found and found.get("missing") is None
