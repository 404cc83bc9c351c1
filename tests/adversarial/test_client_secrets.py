"""The generated client never shows a secret: not in reprs, exception text or log lines.

Secrets are the client's own (access key, secret key, session token) and the artifact
credentials that PollForJobs hands out in its response.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from pathlib import Path
from typing import Any

import pytest
from pollforjobs.client import CodePipelineClient, ConfigurationError

from ..support.aws_like_server import SAMPLE_RESPONSE_TEXT, Answer, AwsLikeServer, error, sample

ACCESS_KEY = "AKIDSECRETSTEST77777"
SECRET_KEY = "never/show/this/secret/key/777777777777"
SESSION_TOKEN = "never-show-this-session-token-777777"
ARTIFACT_SECRETS = ("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "fICCQD6m7oRw0uXOjANBgkqhkiG9w0BAQUFADCBiDELMAkGA1UEBhMCVVMx")
OWN_SECRETS = (ACCESS_KEY, SECRET_KEY, SESSION_TOKEN)
REQUEST = {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "P", "version": "1"}}


def client_for(url: str, **options: Any) -> CodePipelineClient:
    settings: dict[str, Any] = {
        "region_name": "us-east-1",
        "endpoint_url": url,
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        "aws_session_token": SESSION_TOKEN,
        "max_attempts": 1,
        **options,
    }
    return CodePipelineClient(**settings)


def everything_shown(exc: BaseException) -> str:
    """All a user could see of an exception: its traceback text (with causes and notes) and repr."""
    return "".join(traceback.format_exception(exc)) + repr(exc)


def assert_no_secrets(text: str, secrets: tuple[str, ...] = OWN_SECRETS + ARTIFACT_SECRETS) -> None:
    leaked = [s for s in secrets if s in text]
    assert leaked == [], f"secrets shown: {leaked}"


def test_client_repr_and_str_show_no_credentials(server: AwsLikeServer) -> None:
    client = client_for(server.url)
    assert_no_secrets(repr(client) + str(client) + f"{client!r}")
    assert repr(client) == f"CodePipelineClient(region_name='us-east-1', endpoint_url='{server.url}/')"


def test_output_model_repr_hides_the_artifact_credentials(server: AwsLikeServer) -> None:
    server.answer(sample())
    output = client_for(server.url).poll_for_jobs(REQUEST)
    assert output.jobs is not None and output.jobs[0].data is not None
    assert output.jobs[0].data.artifact_credentials is not None  # they are there, just not shown
    assert_no_secrets(repr(output) + str(output))


@pytest.mark.parametrize(
    "answer",
    [
        error(400, "InvalidSignatureException", "The request signature we calculated does not match"),
        Answer(502, "<html>Bad Gateway</html>", {"Content-Type": "text/html"}),
        Answer(200, SAMPLE_RESPONSE_TEXT[:900]),  # a cut-off body that holds the artifact credentials
        Answer(200, SAMPLE_RESPONSE_TEXT.replace('"nonce": "3"', '"nonce": 3')),  # wrong type after them
        Answer(delay=2.0),
        Answer(drop=True),
    ],
    ids=["service-error", "html", "truncated-json", "wrong-type", "timeout", "dropped"],
)
def test_exceptions_show_no_secrets(server: AwsLikeServer, answer: Answer) -> None:
    server.answer(answer)
    with pytest.raises(Exception) as caught:
        client_for(server.url, read_timeout=0.3).poll_for_jobs(REQUEST)
    assert_no_secrets(everything_shown(caught.value))


@pytest.mark.parametrize(
    ("answer", "options"),
    [
        (Answer(200, SAMPLE_RESPONSE_TEXT), {"max_response_bytes": 900}),  # cut where the credentials are
        (Answer(500, SAMPLE_RESPONSE_TEXT), {"max_response_bytes": 900}),
        (Answer(200, SAMPLE_RESPONSE_TEXT, delay=2.0), {"total_timeout": 0.3}),
    ],
    ids=["body-over-the-limit", "error-body-over-the-limit", "total-timeout"],
)
def test_the_limits_on_responses_show_no_secrets(
    server: AwsLikeServer, answer: Answer, options: dict[str, Any]
) -> None:
    server.answer(answer)
    with pytest.raises(Exception) as caught:
        client_for(server.url, **options).poll_for_jobs(REQUEST)
    assert_no_secrets(everything_shown(caught.value))


def test_unknown_parameter_error_shows_names_not_values(server: AwsLikeServer) -> None:
    with pytest.raises(ValueError) as caught:
        client_for(server.url).poll_for_jobs(actionTypeId=REQUEST["actionTypeId"], secretAccessKey=SECRET_KEY)
    assert '"secretAccessKey"' in str(caught.value)
    assert_no_secrets(everything_shown(caught.value))
    assert server.requests == []


def test_validation_error_shows_no_secrets(server: AwsLikeServer) -> None:
    with pytest.raises(ValueError) as caught:
        client_for(server.url).poll_for_jobs({"actionTypeId": {"category": SECRET_KEY}})
    assert "category" in str(caught.value)
    assert_no_secrets(everything_shown(caught.value), (ACCESS_KEY, SESSION_TOKEN))


def test_connection_error_shows_no_secrets() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{placeholder.getsockname()[1]}"
        with pytest.raises(ConnectionError) as caught:
            client_for(url, max_attempts=2).poll_for_jobs(REQUEST)
    assert_no_secrets(everything_shown(caught.value))


def test_endpoint_password_is_not_echoed() -> None:
    with pytest.raises(ValueError) as caught:
        client_for(f"http://user:{SECRET_KEY}@127.0.0.1:9")
    assert_no_secrets(everything_shown(caught.value))


def test_debug_logs_show_no_secrets(
    server: AwsLikeServer, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    # Credentials from the environment, so botocore's whole chain runs and logs what it likes.
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    caplog.set_level(logging.DEBUG)
    server.answer(error(500, "InternalFailure"), sample(), Answer(400, SAMPLE_RESPONSE_TEXT))
    client = CodePipelineClient(region_name="us-east-1", endpoint_url=server.url)
    client._retry.TRANSIENT_BASE_DELAY = 0.001
    client.poll_for_jobs(REQUEST)
    with pytest.raises(Exception):  # noqa: B017 - only the logs matter here
        client.poll_for_jobs(REQUEST)
    assert caplog.records, "nothing was logged; the test would prove nothing"
    assert_no_secrets("\n".join(record.getMessage() for record in caplog.records))


@pytest.mark.parametrize(
    "token",
    [SESSION_TOKEN + "\n", SESSION_TOKEN + "\r\nX-Injected: yes", "never-\rshow-" + SESSION_TOKEN, SESSION_TOKEN + "\u2603"],
    ids=["trailing-newline", "header-injection", "lone-cr", "not-latin-1"],
)
def test_a_session_token_that_cannot_go_in_a_header_is_refused_without_showing_it(server: AwsLikeServer, token: str) -> None:
    client = client_for(server.url, aws_session_token=token)
    with pytest.raises(ConfigurationError) as caught:
        client.poll_for_jobs(REQUEST)
    assert "X-Amz-Security-Token" in str(caught.value)
    assert_no_secrets(everything_shown(caught.value), OWN_SECRETS + (token, token[:20], "\u2603"))
    assert server.requests == []  # nothing was sent
