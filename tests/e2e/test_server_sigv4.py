"""SigV4 on the generated server: each way a signature can fail gives the error AWS gives.

Requests are signed with botocore's own signer and sent with http.client to a real uvicorn
server on 127.0.0.1; the server's clock is shifted to show the clock-skew rule.
"""

from __future__ import annotations

import datetime
import hmac
import json
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pollforjobs import models
from pollforjobs.server import create_app
from pollforjobs.server_auth import MAX_CACHED_SIGNING_KEYS, SignatureError, SigV4Verifier

from ..support.hostile_harness import KeepAlive, ServerProcess, aws_error
from ..support.server_harness import (
    ACCESS_KEY,
    CONTENT_TYPE,
    SECRET_KEY,
    TARGET,
    Served,
    access_lines,
    poll_body,
    post,
    signed_headers,
)

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
    assert send(url, body, headers) == (400, "MissingAuthenticationTokenException", "Missing Authentication Token")


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
    assert send(url, *signed(url, secret_key="not-the-secret")) == (400, "InvalidSignatureException", MISMATCH)


def test_another_keys_secret_does_not_sign_for_this_key(url: str) -> None:
    assert send(url, *signed(url, secret_key="other"))[1] == "InvalidSignatureException"


def test_body_changed_after_signing_is_invalid_signature(url: str) -> None:
    body, headers = signed(url)
    tampered = body.replace(b'"1"', b'"2"')
    assert tampered != body
    assert send(url, tampered, headers) == (400, "InvalidSignatureException", MISMATCH)


def test_signed_header_changed_after_signing_is_invalid_signature(url: str) -> None:
    body, headers = signed(url)
    headers["Content-Type"] = "application/x-amz-json-1.1; charset=utf-8"
    assert send(url, body, headers)[2] == MISMATCH


def test_wrong_service_in_scope(url: str) -> None:
    assert send(url, *signed(url, service="codebuild")) == (
        400,
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
    assert (status, code) == (400, "InvalidSignatureException")
    assert message.startswith(
        f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: "
        f"'20000101' != '{scope_date.group(1)}'"
    )


def test_signature_older_than_five_minutes_has_expired(url: str, clock: Clock) -> None:
    body, headers = signed(url)
    clock.offset = 301
    status, code, message = send(url, body, headers)
    assert (status, code) == (400, "InvalidSignatureException")
    amz_date = headers["X-Amz-Date"]
    assert re.fullmatch(
        rf"Signature expired: {amz_date} is now earlier than \d{{8}}T\d{{6}}Z \(\d{{8}}T\d{{6}}Z - 5 min\.\)",
        message,
    )


def test_signature_from_more_than_five_minutes_ahead_is_not_yet_current(url: str, clock: Clock) -> None:
    body, headers = signed(url)
    clock.offset = -301
    status, code, message = send(url, body, headers)
    assert (status, code) == (400, "InvalidSignatureException")
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


# --- the credential scope's form, and what an unverified request leaves behind ---------------

VALID_REGION_MESSAGE = "Credential should be scoped to a valid region. "


@pytest.mark.parametrize("region", ["US-EAST-1", "us_east_1", "us-east-1.", "a" * 33, "r" * 5000, "us-east-1\xe9"])
def test_a_region_that_is_not_short_lower_case_letters_digits_and_dashes_is_refused(url: str, region: str) -> None:
    # Signed by botocore with that region: the signature itself is good.
    assert send(url, *signed(url, region=region)) == (400, "InvalidSignatureException", VALID_REGION_MESSAGE)


@pytest.mark.parametrize("region", ["us-gov-west-1", "cn-northwest-1", "a" * 32, "local"])
def test_well_formed_regions_are_accepted(url: str, region: str) -> None:
    assert send(url, *signed(url, region=region))[0] == 200


def _verify(verifier: SigV4Verifier, headers: dict[str, str], body: bytes) -> str:
    raw = [(b"host", b"127.0.0.1:9")] + [(k.lower().encode(), v.encode()) for k, v in headers.items()]
    return verifier.verify("POST", "/", b"", raw, body)


def test_only_signing_keys_that_verified_a_signature_are_cached() -> None:
    verifier = SigV4Verifier({ACCESS_KEY: SECRET_KEY})
    body = poll_body()
    for number in range(2000):  # more than the cache holds, each with a region of its own
        headers = signed_headers("http://127.0.0.1:9", body, region=f"region-{number}")
        headers["Authorization"] = re.sub(r"Signature=\w+", "Signature=" + "0" * 64, headers["Authorization"])
        with pytest.raises(SignatureError, match="does not match"):
            _verify(verifier, headers, body)
    assert verifier._signing_keys == {}  # what an unauthenticated request could make it keep
    good = signed_headers("http://127.0.0.1:9", body, region="eu-west-3")
    assert _verify(verifier, good, body) == ACCESS_KEY
    assert _verify(verifier, good, body) == ACCESS_KEY
    assert list(verifier._signing_keys) == [(ACCESS_KEY, good["X-Amz-Date"][:8], "eu-west-3", "codepipeline", "aws4_request")]
    for number in range(MAX_CACHED_SIGNING_KEYS + 10):
        assert _verify(verifier, signed_headers("http://127.0.0.1:9", body, region=f"r{number}"), body) == ACCESS_KEY
    assert 0 < len(verifier._signing_keys) <= MAX_CACHED_SIGNING_KEYS


def test_unsigned_requests_with_huge_scopes_do_not_grow_the_server(tmp_path: Path) -> None:
    """Requests with an all-zero signature and a long region each (the access key id is no
    secret): 1,020 with 120 KB regions once took the server from 44 to 164 MB. Here the
    regions are 12 KB, so that every request head stays within h11's 16 KiB however the
    reads split it; that was still 12 MB kept."""
    (tmp_path / "credentials.json").write_text(json.dumps({ACCESS_KEY: SECRET_KEY}), encoding="utf-8")
    with ServerProcess("--credentials", str(tmp_path / "credentials.json")) as server:
        connection = KeepAlive(server.port)
        body = poll_body()

        def spoiled(region: str) -> tuple[int, str]:
            amz_date = datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
            authorization = (
                f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY}/{amz_date[:8]}/{region}/codepipeline/aws4_request, "
                f"SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature={'0' * 64}"
            )
            headers = {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE, "X-Amz-Date": amz_date, "Authorization": authorization}
            return aws_error(connection.send("POST", "/", headers, body))[:2]

        for number in range(20):
            assert spoiled(f"warm-up-{number}") == (400, "InvalidSignatureException")
        before = server.rss_kib()
        answers = {spoiled(f"{number:06d}" + "a" * 12_000) for number in range(1020)}
        after = server.rss_kib()
        connection.close()
        assert server.alive()
    print(f"\nserver RSS: {before} KiB before, {after} KiB after 1,020 requests with 12 KB regions")
    assert answers == {(400, "InvalidSignatureException")}
    assert after - before < 4 * 1024


# --- what an error message quotes from a header -----------------------------------------------

SECRET_LIKE = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY12"  # 40 characters, no '/', like half of real keys


def _quoting(url: str, value: str) -> list[tuple[str, str]]:
    """(where, message) for a request with `value` in each place a message may quote."""
    body, headers = signed(url)
    authorization = headers["Authorization"]
    scope_date = re.search(r"Credential=[^/]+/(\d{8})/", authorization)
    assert scope_date
    places = {
        "algorithm": {**headers, "Authorization": authorization.replace("AWS4-HMAC-SHA256", value, 1)},
        "X-Amz-Date": {**headers, "X-Amz-Date": value},
        "scope date": replace_auth(headers, f"/{scope_date.group(1)}/", f"/{value}/"),
        "terminator": replace_auth(headers, "/aws4_request,", f"/{value},"),
        "unsigned header": {**headers, f"X-Amz-{value}": "1"},
    }
    return [(where, send(url, body, spoiled)[2]) for where, spoiled in places.items()]


@pytest.mark.parametrize("value", [SECRET_LIKE, SECRET_LIKE[:21], "AKIAIOSFODNN7EXAMPLE+"])
def test_messages_never_quote_a_value_longer_than_an_access_key_id(url: str, value: str) -> None:
    for where, message in _quoting(url, value):
        shown = message.lower()  # header names are read lower-cased
        assert value[:12].lower() not in shown and value[-12:].lower() not in shown, where
        assert "(not shown)" in message, where


def test_messages_quote_short_values(url: str) -> None:
    quoted = dict(_quoting(url, "Ab-12345678901234567"))  # 20 characters
    assert "'Ab-12345678901234567'" in quoted["algorithm"]
    assert "'Ab-12345678901234567'" in quoted["X-Amz-Date"]
    assert "'Ab-12345678901234567'" in quoted["terminator"]
