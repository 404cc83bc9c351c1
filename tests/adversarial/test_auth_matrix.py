"""With credentials configured, no request without a valid signature reaches the handler.

A real uvicorn server on 127.0.0.1 serves a handler that counts its calls. Each row of the
matrix is a request signed by botocore's signer and then spoiled one way (tampered, replayed
with another date, signed by an unknown key or the wrong secret, missing a part of the
Authorization header, scoped to another service or region, outside the clock skew, with a
header that must be signed left unsigned, with repeated headers): it gets the error code AWS
JSON services answer it with, and the handler is never called. A hypothesis property changes one letter
or digit anywhere in the signed material of valid requests. (tests/e2e/test_server_sigv4.py holds
the exact messages; this file counts what gets through.)
"""

from __future__ import annotations

import datetime
import http.client
import json
import re
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pollforjobs import models
from pollforjobs.server import create_app

from ..support.hostile_harness import CONTENT_TYPE, Reply, aws_error, sign
from ..support.server_harness import Served, poll_body

ACCESS_KEY = "AKIDAUTHMATRIX000001"
SECRET_KEY = "auth-matrix/secret/key/K7MDENG+bPxRfiCYEXAMPLE"
TOKEN = "auth-matrix-session-token//FwoGZXIvYXdzEXAMPLE=="
TARGET = "CodePipeline_20150709.PollForJobs"
BASE = {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE}

INVALID = (400, "InvalidSignatureException")
INCOMPLETE = (400, "IncompleteSignatureException")
UNRECOGNIZED = (400, "UnrecognizedClientException")
MISSING = (400, "MissingAuthenticationTokenException")


class CountingHandler:
    def __init__(self) -> None:
        self.calls = 0
        self._lock = threading.Lock()

    def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
        with self._lock:
            self.calls += 1
        return models.PollForJobsOutput(jobs=[])


@pytest.fixture(scope="module")
def handler() -> CountingHandler:
    return CountingHandler()


@pytest.fixture(scope="module")
def served(handler: CountingHandler) -> Iterator[Served]:
    with Served(create_app(handler, credentials={ACCESS_KEY: SECRET_KEY, "AKIDSECONDKEY0000001": "second"})) as running:
        yield running


def send(served: Served, body: bytes, headers: list[tuple[str, str]]) -> Reply:
    """POST / with exactly these header lines (names may repeat); http.client adds nothing
    but Accept-Encoding and Content-Length."""
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=30)
    try:
        connection.putrequest("POST", "/", skip_host=True)
        for name, value in headers:
            connection.putheader(name, value)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders(body)
        response = connection.getresponse()
        return Reply(response.status, {k.lower(): v for k, v in response.getheaders()}, response.read())
    finally:
        connection.close()


def host(served: Served) -> str:
    return f"127.0.0.1:{served.port}"


def signed(served: Served, body: bytes, headers: dict[str, str] | None = None, **options: Any) -> dict[str, str]:
    """Headers (Host included) for `body`, signed by botocore's signer."""
    return sign(
        served.url,
        body,
        {"Host": host(served), **(BASE if headers is None else headers)},
        access_key=options.pop("access_key", ACCESS_KEY),
        secret_key=options.pop("secret_key", SECRET_KEY),
        **options,
    )


def with_auth(headers: dict[str, str], change: Callable[[str], str]) -> dict[str, str]:
    return {**headers, "Authorization": change(headers["Authorization"])}


def shifted_date(headers: dict[str, str], seconds: int) -> dict[str, str]:
    stamp = datetime.datetime.strptime(headers["X-Amz-Date"], "%Y%m%dT%H%M%SZ")
    return {**headers, "X-Amz-Date": (stamp + datetime.timedelta(seconds=seconds)).strftime("%Y%m%dT%H%M%SZ")}


def now_shifted(seconds: float) -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=seconds)


Case = Callable[[Served, bytes], tuple[bytes, list[tuple[str, str]]]]


def lines(headers: dict[str, str]) -> list[tuple[str, str]]:
    return list(headers.items())


def case_tampered_body(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body.replace(b'"Custom"', b'"AWS"'), lines(signed(s, body))


def case_body_with_extra_space(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body + b" ", lines(signed(s, body))


def case_other_signed_body(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(signed(s, poll_body(maxBatchSize=2)))  # a valid signature, of another request


def case_tampered_target(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines({**signed(s, body), "X-Amz-Target": "CodePipeline_20150709.AcknowledgeJob"})


def case_tampered_content_type(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines({**signed(s, body), "Content-Type": "application/json"})


def case_tampered_host(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines({**signed(s, body), "Host": "codepipeline.us-east-1.amazonaws.com"})


def case_tampered_token(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines({**signed(s, body, token=TOKEN), "X-Amz-Security-Token": TOKEN + "x"})


def case_replayed_date_later(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(shifted_date(signed(s, body), 1))


def case_replayed_date_earlier(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(shifted_date(signed(s, body), -60))


def case_unknown_key(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(signed(s, body, access_key="AKIDNOSUCHKEY0000001"))


def case_wrong_secret(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(signed(s, body, secret_key=SECRET_KEY[:-1]))


def case_other_keys_secret(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(signed(s, body, secret_key="second"))


def case_no_authorization(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    headers = signed(s, body)
    del headers["Authorization"]
    return body, lines(headers)


def case_unsigned(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines({"Host": host(s), **BASE})


def removing(pattern: str) -> Case:
    def case(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
        return body, lines(with_auth(signed(s, body), lambda a: re.sub(pattern, "", a)))

    return case


def auth_sub(pattern: str, replacement: str | Callable[[re.Match[str]], str]) -> Case:
    def case(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
        headers = signed(s, body)
        changed = with_auth(headers, lambda a: re.sub(pattern, replacement, a, count=1))
        assert changed != headers, pattern
        return body, lines(changed)

    return case


def case_wrong_service(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(signed(s, body, service="codebuild"))


def signed_at(seconds: float) -> Case:
    def case(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
        return body, lines(signed(s, body, at=now_shifted(seconds)))

    return case


def unsigned_header(name: str, value: str | None = None) -> Case:
    """Sign without `name`, then send it (or, for x-amz-date, leave it out of SignedHeaders)."""

    def case(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
        if name == "X-Amz-Date":
            return body, lines(with_auth(signed(s, body), lambda a: a.replace(";x-amz-date", "")))
        headers = {k: v for k, v in BASE.items() if k != name}
        return body, lines({**signed(s, body, headers), name: value or BASE[name]})

    return case


def repeated(name: str, value: str) -> Case:
    """A valid signature, then a second `name` header line."""

    def case(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
        return body, [*lines(signed(s, body)), (name, value)]

    return case


def case_signed_with_two_targets(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    # The signer covers both lines (joined); the server reads the operation the same way.
    headers = sign(
        s.url,
        body,
        {"Host": host(s), "X-Amz-Target": f"{TARGET},{TARGET}", "Content-Type": CONTENT_TYPE},
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
    )
    rows = [(k, v) for k, v in headers.items() if k != "X-Amz-Target"]
    return body, [*rows, ("X-Amz-Target", TARGET), ("X-Amz-Target", TARGET)]


def case_unsigned_payload(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(signed(s, body, {**BASE, "X-Amz-Content-Sha256": "UNSIGNED-PAYLOAD"}))


def case_wrong_payload_hash(s: Served, body: bytes) -> tuple[bytes, list[tuple[str, str]]]:
    return body, lines(signed(s, body, {**BASE, "X-Amz-Content-Sha256": "0" * 64}))


MATRIX: list[tuple[str, Case, tuple[int, str]]] = [
    ("tampered body", case_tampered_body, INVALID),
    ("body with one more space", case_body_with_extra_space, INVALID),
    ("another request's signature", case_other_signed_body, INVALID),
    ("tampered X-Amz-Target", case_tampered_target, INVALID),
    ("tampered Content-Type", case_tampered_content_type, INVALID),
    ("tampered Host", case_tampered_host, INVALID),
    ("tampered session token", case_tampered_token, INVALID),
    ("replayed with X-Amz-Date 1 s later", case_replayed_date_later, INVALID),
    ("replayed with X-Amz-Date 60 s earlier", case_replayed_date_earlier, INVALID),
    ("unknown access key", case_unknown_key, UNRECOGNIZED),
    ("wrong secret", case_wrong_secret, INVALID),
    ("another key's secret", case_other_keys_secret, INVALID),
    ("no Authorization header", case_no_authorization, MISSING),
    ("not signed at all", case_unsigned, MISSING),
    ("no Credential part", removing(r"Credential=[^,]+, "), INCOMPLETE),
    ("no SignedHeaders part", removing(r"SignedHeaders=[^,]+, "), INCOMPLETE),
    ("no Signature part", removing(r", Signature=[0-9a-f]+"), INCOMPLETE),
    ("empty Signature", auth_sub(r"Signature=[0-9a-f]+", "Signature="), INCOMPLETE),
    ("Credential with 4 parts", auth_sub(r"/aws4_request", ""), INCOMPLETE),
    ("other algorithm", auth_sub(r"^AWS4-HMAC-SHA256", "AWS4-HMAC-SHA512"), INCOMPLETE),
    (
        "signature in upper case",
        auth_sub(r"Signature=([0-9a-f]+)", lambda m: "Signature=" + m.group(1).upper()),
        INVALID,
    ),
    ("signature one digit short", auth_sub(r"[0-9a-f]$", ""), INVALID),
    ("signature of zeros", auth_sub(r"Signature=[0-9a-f]+", "Signature=" + "0" * 64), INVALID),
    ("scope: another service", case_wrong_service, INVALID),
    ("scope: region changed after signing", auth_sub(r"/us-east-1/", "/eu-west-1/"), INVALID),
    ("scope: another terminator", auth_sub(r"/aws4_request", "/aws4_reques7"), INVALID),
    ("scope: another date", auth_sub(r"/(\d{8})/", "/20150830/"), INVALID),
    ("signed 301 s ago", signed_at(-301), INVALID),
    ("signed 301 s ahead", signed_at(301), INVALID),
    ("signed a day ago", signed_at(-86_400), INVALID),
    ("signed ten years ahead", signed_at(10 * 365 * 86_400), INVALID),
    ("host not signed", auth_sub(r";host;", ";"), INCOMPLETE),
    ("x-amz-date not signed", unsigned_header("X-Amz-Date"), INCOMPLETE),
    ("x-amz-target not signed", unsigned_header("X-Amz-Target"), INCOMPLETE),
    ("content-type not signed", unsigned_header("Content-Type"), INCOMPLETE),
    ("session token not signed", unsigned_header("X-Amz-Security-Token", TOKEN), INCOMPLETE),
    ("another x-amz-* header not signed", unsigned_header("X-Amz-Anything", "1"), INCOMPLETE),
    ("X-Amz-Target twice", repeated("X-Amz-Target", TARGET), INVALID),
    ("X-Amz-Target twice, the second another", repeated("X-Amz-Target", "CodePipeline_20150709.X"), INVALID),
    ("Content-Type twice", repeated("Content-Type", CONTENT_TYPE), INVALID),
    ("X-Amz-Date twice", repeated("X-Amz-Date", "20150830T123600Z"), INCOMPLETE),
    ("Authorization twice", repeated("Authorization", "AWS4-HMAC-SHA256 Credential=x"), INCOMPLETE),
    ("signed with two targets", case_signed_with_two_targets, (400, "UnknownOperationException")),
    ("x-amz-content-sha256: UNSIGNED-PAYLOAD", case_unsigned_payload, INVALID),
    ("x-amz-content-sha256 of another body", case_wrong_payload_hash, INVALID),
]


def test_a_valid_signature_reaches_the_handler(served: Served, handler: CountingHandler) -> None:
    body = poll_body()
    before = handler.calls
    for headers in (signed(served, body), signed(served, body, token=TOKEN), signed(served, body, region="eu-west-3")):
        assert send(served, body, lines(headers)).status == 200
    assert handler.calls == before + 3


@pytest.mark.parametrize(("name", "case", "answer"), MATRIX, ids=[row[0] for row in MATRIX])
def test_no_request_without_a_valid_signature_reaches_the_handler(
    served: Served, handler: CountingHandler, name: str, case: Case, answer: tuple[int, str]
) -> None:
    body, headers = case(served, poll_body())
    before = handler.calls
    status, code, _ = aws_error(send(served, body, headers))
    assert (status, code) == answer
    assert handler.calls == before


def test_a_replay_within_the_clock_skew_is_accepted_as_aws_does(served: Served, handler: CountingHandler) -> None:
    body = poll_body()
    headers = lines(signed(served, body, at=now_shifted(-240)))
    before = handler.calls
    assert [send(served, body, headers).status for _ in range(2)] == [200, 200]
    assert handler.calls == before + 2


# --- any one change to the signed material -------------------------------------------------

SIGNED_PARTS = ["body", "Authorization", "X-Amz-Date", "X-Amz-Target", "Content-Type", "Host", "X-Amz-Security-Token"]
ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


@st.composite
def changed_requests(draw: st.DrawFn) -> tuple[bytes, str, int, str]:
    body = json.dumps(
        draw(
            st.fixed_dictionaries(
                {"actionTypeId": st.just({"category": "Test", "owner": "Custom", "provider": "P", "version": "1"})},
                optional={
                    "maxBatchSize": st.integers(1, 1000),
                    "queryParam": st.dictionaries(
                        st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True),
                        st.from_regex(r"[a-z0-9]{1,8}", fullmatch=True),
                        max_size=1,
                    ),
                },
            )
        )
    ).encode()
    part = draw(st.sampled_from(SIGNED_PARTS))
    return body, part, draw(st.integers(0, 10_000)), draw(st.sampled_from(ALPHANUMERIC))


def _change(text: str, position: int, letter: str) -> str:
    places = [i for i, c in enumerate(text) if c.isascii() and c.isalnum()]
    at = places[position % len(places)]
    new = letter if letter != text[at] else ("a" if text[at] != "a" else "b")
    return text[:at] + new + text[at + 1 :]


@settings(max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(changed_requests())
def test_changing_any_letter_or_digit_of_the_signed_material_is_refused(
    served: Served, handler: CountingHandler, request: tuple[bytes, str, int, str]
) -> None:
    body, part, position, letter = request
    headers = signed(served, body, token=TOKEN)
    before = handler.calls
    assert send(served, body, lines(headers)).status == 200  # the unchanged request is served
    if part == "body":
        body = _change(body.decode(), position, letter).encode()
    else:
        headers = {**headers, part: _change(headers[part], position, letter)}
    _, code, _ = aws_error(send(served, body, lines(headers)))
    assert code in {"InvalidSignatureException", "IncompleteSignatureException", "UnrecognizedClientException"}
    assert handler.calls == before + 1
