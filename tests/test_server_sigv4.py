"""SigV4 on the generated server: each way a signature can fail gives the error AWS gives.

Requests are signed with botocore's own signer and sent with http.client to a real uvicorn
server on 127.0.0.1; the server's clock is shifted to show the clock-skew rule.
"""

from __future__ import annotations

import hmac
import re
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pollforjobs import models
from pollforjobs.server import create_app

from .server_harness import ACCESS_KEY, SECRET_KEY, Served, access_lines, poll_body, post, signed_headers

SESSION_TOKEN = "FwoGZXIvYXdzEXAMPLE//session+token=="
MISMATCH = (
    "The request signature we calculated does not match the signature you provided. Check your AWS "
    "Secret Access Key and signing method. Consult the service documentation for details."
)


class Handler:
    def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
        return models.PollForJobsOutput(jobs=[])


class Clock:
    """The server's time source; tests move it to make the client's clock look skewed."""

    def __init__(self) -> None:
        self.offset = 0.0

    def __call__(self) -> float:
        return time.time() + self.offset


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest.fixture(scope="module")
def url(clock: Clock) -> Iterator[str]:
    app = create_app(Handler(), credentials={ACCESS_KEY: SECRET_KEY, "AKIDOTHER": "other"}, clock=clock)
    with Served(app) as served:
        yield served.url


@pytest.fixture(autouse=True)
def reset_clock(clock: Clock) -> Iterator[None]:
    clock.offset = 0.0
    yield
    clock.offset = 0.0


def send(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, str, str]:
    answer = post(url, body, headers, default_headers=False)
    if answer.status == 200:
        return 200, "", ""
    error = answer.json
    assert answer.headers["x-amzn-requestid"]
    return answer.status, error["__type"], error["message"]


def signed(url: str, body: bytes | None = None, **options: Any) -> tuple[bytes, dict[str, str]]:
    data = poll_body() if body is None else body
    return data, signed_headers(url, data, **options)


def replace_auth(headers: dict[str, str], old: str, new: str) -> dict[str, str]:
    return {**headers, "Authorization": headers["Authorization"].replace(old, new)}


def test_botocore_signature_is_accepted(url: str) -> None:
    assert send(url, *signed(url)) == (200, "", "")


def test_session_token_is_accepted(url: str) -> None:
    body, headers = signed(url, token=SESSION_TOKEN)
    assert headers["X-Amz-Security-Token"] == SESSION_TOKEN
    assert send(url, body, headers)[0] == 200


def test_any_region_is_accepted(url: str) -> None:
    assert send(url, *signed(url, region="eu-west-3"))[0] == 200


def test_missing_authorization_is_missing_authentication_token(url: str) -> None:
    body, headers = signed(url)
    del headers["Authorization"]
    assert send(url, body, headers) == (403, "MissingAuthenticationTokenException", "Missing Authentication Token")


@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        ("Bearer abc.def", "Unsupported AWS 'algorithm': 'Bearer'; expected AWS4-HMAC-SHA256."),
        (
            "AWS4-HMAC-SHA256 Credential=AKIDSERVERTEST000001/20240101/us-east-1/codepipeline/aws4_request",
            (
                "Authorization header requires 'Signature' parameter. "
                "Authorization header requires 'SignedHeaders' parameter."
            ),
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID/us-east-1/codepipeline/aws4_request, SignedHeaders=host, Signature=00",
            "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term.",
        ),
        (
            "AWS4-HMAC-SHA256 Credential=AKID /20240101/us-east-1/codepipeline/aws4_request, SignedHeaders=host",
            "Authorization header has an element that is not a valid key=value pair (missing equal-sign).",
        ),
    ],
)
def test_malformed_authorization_is_incomplete_signature(url: str, authorization: str, message: str) -> None:
    body, headers = signed(url)
    assert send(url, body, {**headers, "Authorization": authorization}) == (
        400,
        "IncompleteSignatureException",
        message,
    )


def test_host_must_be_signed(url: str) -> None:
    body, headers = signed(url)
    headers = replace_auth(headers, "SignedHeaders=content-type;host;", "SignedHeaders=content-type;")
    assert send(url, body, headers)[1:] == (
        "IncompleteSignatureException",
        "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    )


def test_missing_x_amz_date_is_incomplete_signature(url: str) -> None:
    body, headers = signed(url)
    del headers["X-Amz-Date"]
    assert send(url, body, headers) == (
        400,
        "IncompleteSignatureException",
        "Authorization header requires existence of a 'X-Amz-Date' header.",
    )


def test_malformed_x_amz_date_is_incomplete_signature(url: str) -> None:
    body, headers = signed(url)
    status, code, message = send(url, body, {**headers, "X-Amz-Date": "2024-01-01T00:00:00Z"})
    assert (status, code) == (400, "IncompleteSignatureException")
    assert message.startswith("Date must be in ISO-8601 'basic format'. Got '2024-01-01T00:00:00Z'.")


def test_unknown_access_key_is_unrecognized_client(url: str) -> None:
    assert send(url, *signed(url, access_key="AKIDNOBODY")) == (
        400,
        "UnrecognizedClientException",
        "The security token included in the request is invalid.",
    )


def test_wrong_secret_is_invalid_signature(url: str) -> None:
    assert send(url, *signed(url, secret_key="not-the-secret")) == (403, "InvalidSignatureException", MISMATCH)


def test_another_keys_secret_does_not_sign_for_this_key(url: str) -> None:
    assert send(url, *signed(url, secret_key="other"))[1] == "InvalidSignatureException"


def test_body_changed_after_signing_is_invalid_signature(url: str) -> None:
    body, headers = signed(url)
    tampered = body.replace(b'"1"', b'"2"')
    assert tampered != body
    assert send(url, tampered, headers) == (403, "InvalidSignatureException", MISMATCH)


def test_signed_header_changed_after_signing_is_invalid_signature(url: str) -> None:
    body, headers = signed(url)
    headers["Content-Type"] = "application/x-amz-json-1.1; charset=utf-8"
    assert send(url, body, headers)[2] == MISMATCH


def test_wrong_service_in_scope(url: str) -> None:
    assert send(url, *signed(url, service="codebuild")) == (
        403,
        "InvalidSignatureException",
        "Credential should be scoped to correct service: 'codepipeline'. ",
    )


def test_wrong_terminator_in_scope(url: str) -> None:
    body, headers = signed(url)
    headers = replace_auth(headers, "/aws4_request,", "/aws5_request,")
    assert send(url, body, headers)[1:] == (
        "InvalidSignatureException",
        "Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'.",
    )


def test_scope_date_must_match_x_amz_date(url: str) -> None:
    body, headers = signed(url)
    scope_date = re.search(r"Credential=[^/]+/(\d{8})/", headers["Authorization"])
    assert scope_date
    headers = replace_auth(headers, f"/{scope_date.group(1)}/", "/20000101/")
    status, code, message = send(url, body, headers)
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith(
        f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        f"'20000101' != '{scope_date.group(1)}'"
    )


def test_signature_older_than_five_minutes_has_expired(url: str, clock: Clock) -> None:
    body, headers = signed(url)
    clock.offset = 301
    status, code, message = send(url, body, headers)
    assert (status, code) == (403, "InvalidSignatureException")
    amz_date = headers["X-Amz-Date"]
    assert re.fullmatch(
        rf"Signature expired: {amz_date} is now earlier than \d{{8}}T\d{{6}}Z \(\d{{8}}T\d{{6}}Z - 5 min\.\)",
        message,
    )


def test_signature_from_more_than_five_minutes_ahead_is_not_yet_current(url: str, clock: Clock) -> None:
    body, headers = signed(url)
    clock.offset = -301
    status, code, message = send(url, body, headers)
    assert (status, code) == (403, "InvalidSignatureException")
    assert message.startswith(f"Signature not yet current: {headers['X-Amz-Date']} is still later than ")
    assert message.endswith(" + 5 min.)")


@pytest.mark.parametrize("offset", [-290, 290])
def test_skew_within_five_minutes_is_accepted(url: str, clock: Clock, offset: float) -> None:
    body, headers = signed(url)
    clock.offset = offset
    assert send(url, body, headers)[0] == 200


def test_signatures_are_compared_in_constant_time(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(hmac, "compare_digest", spy)
    body, headers = signed(url)
    assert send(url, body, headers)[0] == 200
    assert send(url, *signed(url, secret_key="nope"))[1] == "InvalidSignatureException"
    provided = headers["Authorization"].rsplit("Signature=", 1)[1].encode()
    assert len(compared) == 2
    assert compared[0] == (provided, provided)
    assert compared[1][0] != compared[1][1]


def test_unsigned_requests_pass_when_no_credentials_are_configured() -> None:
    with Served(create_app(Handler())) as served:
        assert post(served.url, poll_body()).status == 200


def test_access_log_never_shows_keys_signatures_or_bodies(url: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("DEBUG", logger="pollforjobs"):
        body, headers = signed(url, token=SESSION_TOKEN, body=poll_body(queryParam={"ProjectName": "BodyProbe"}))
        send(url, body, headers)
        send(url, *signed(url, secret_key="wrong-secret-probe"))
        send(url, *signed(url, access_key="AKIDUNKNOWNPROBE"))
        access_lines(caplog, 3)
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert text.count("request_id=") == 3
    signature = headers["Authorization"].rsplit("Signature=", 1)[1]
    for secret in (
        SECRET_KEY,
        ACCESS_KEY,
        SESSION_TOKEN,
        signature,
        "BodyProbe",
        "wrong-secret-probe",
        "AKIDUNKNOWNPROBE",
    ):
        assert secret not in text
