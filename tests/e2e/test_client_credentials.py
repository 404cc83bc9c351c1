"""Where the generated client finds its credentials and region: as every AWS SDK does.

Each test starts from an empty environment (no AWS_* variables, empty shared files, no
instance metadata) and adds one source: environment variables, a shared credentials file
with profiles, the shared config file, a credential_process whose credentials expire, or a
container credentials endpoint on 127.0.0.1. The server then checks the signature with the
secret of the source that should have been used.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest
from pollforjobs.client import CodePipelineClient, ConfigurationError, NoCredentialsError

from ..support.aws_like_server import Answer, AwsLikeServer, signature_matches, signature_parts

REQUEST = {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "P", "version": "1"}}


@pytest.fixture
def aws_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No credentials or region anywhere; the shared files live in tmp_path and start empty."""
    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    (tmp_path / "credentials").write_text("")
    (tmp_path / "config").write_text("")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")  # never reach out to 169.254.169.254
    return tmp_path


def used_key(server: AwsLikeServer, index: int = -1) -> tuple[str, str]:
    """The access key and region the last (or index-th) request was signed for."""
    credential = signature_parts(server.requests[index])["Credential"].split("/")
    return credential[0], credential[2]


def test_environment_variables(aws_home: Path, server: AwsLikeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
    monkeypatch.setenv("AWS_SESSION_TOKEN", "token-from-env")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    CodePipelineClient(endpoint_url=server.url).poll_for_jobs(REQUEST)
    assert used_key(server) == ("AKIDFROMENV", "eu-west-1")
    assert server.requests[0].headers["x-amz-security-token"] == "token-from-env"
    assert signature_matches(server.requests[0], "secret-from-env")


def test_arguments_win_over_the_environment(aws_home: Path, server: AwsLikeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFROMENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-from-env")
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    client = CodePipelineClient(
        region_name="ap-south-1", endpoint_url=server.url, aws_access_key_id="AKIDARG", aws_secret_access_key="secret-arg"
    )
    client.poll_for_jobs(REQUEST)
    assert used_key(server) == ("AKIDARG", "ap-south-1")
    assert "x-amz-security-token" not in server.requests[0].headers
    assert signature_matches(server.requests[0], "secret-arg")


SHARED_CREDENTIALS = """\
[default]
aws_access_key_id = AKIDDEFAULT
aws_secret_access_key = secret-default

[worker]
aws_access_key_id = AKIDWORKER
aws_secret_access_key = secret-worker
aws_session_token = token-worker
"""

SHARED_CONFIG = """\
[default]
region = us-west-2

[profile worker]
region = eu-central-1
"""


def test_shared_credentials_file_default_profile(aws_home: Path, server: AwsLikeServer) -> None:
    (aws_home / "credentials").write_text(SHARED_CREDENTIALS)
    (aws_home / "config").write_text(SHARED_CONFIG)
    client = CodePipelineClient(endpoint_url=server.url)
    assert client.region_name == "us-west-2"
    client.poll_for_jobs(REQUEST)
    assert used_key(server) == ("AKIDDEFAULT", "us-west-2")
    assert signature_matches(server.requests[0], "secret-default")


def test_shared_credentials_file_named_profile(aws_home: Path, server: AwsLikeServer) -> None:
    (aws_home / "credentials").write_text(SHARED_CREDENTIALS)
    (aws_home / "config").write_text(SHARED_CONFIG)
    CodePipelineClient(endpoint_url=server.url, profile_name="worker").poll_for_jobs(REQUEST)
    assert used_key(server) == ("AKIDWORKER", "eu-central-1")
    assert server.requests[0].headers["x-amz-security-token"] == "token-worker"
    assert signature_matches(server.requests[0], "secret-worker")


def test_aws_profile_variable_picks_the_profile(aws_home: Path, server: AwsLikeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    (aws_home / "credentials").write_text(SHARED_CREDENTIALS)
    monkeypatch.setenv("AWS_PROFILE", "worker")
    CodePipelineClient(region_name="us-east-1", endpoint_url=server.url).poll_for_jobs(REQUEST)
    assert used_key(server) == ("AKIDWORKER", "us-east-1")


def test_unknown_profile_is_a_clear_error(aws_home: Path) -> None:
    (aws_home / "credentials").write_text(SHARED_CREDENTIALS)
    with pytest.raises(ConfigurationError, match="'nobody' is in neither"):
        CodePipelineClient(profile_name="nobody")


def test_no_region_is_a_clear_error(aws_home: Path) -> None:
    with pytest.raises(ConfigurationError, match="no AWS region: pass region_name"):
        CodePipelineClient(aws_access_key_id="AKID", aws_secret_access_key="secret")


def test_no_credentials_is_a_clear_error_at_the_call(aws_home: Path, server: AwsLikeServer) -> None:
    client = CodePipelineClient(region_name="us-east-1", endpoint_url=server.url)  # resolved lazily
    with pytest.raises(NoCredentialsError, match="no AWS credentials found"):
        client.poll_for_jobs(REQUEST)
    assert server.requests == []


def test_credentials_are_resolved_once(aws_home: Path, server: AwsLikeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDFIRST")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "secret-first")
    client = CodePipelineClient(region_name="us-east-1", endpoint_url=server.url)
    client.poll_for_jobs(REQUEST)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDSECOND")
    client.poll_for_jobs(REQUEST)
    assert [used_key(server, i)[0] for i in range(2)] == ["AKIDFIRST", "AKIDFIRST"]


CREDENTIAL_PROCESS = """\
import datetime, json, pathlib, sys
counter = pathlib.Path(sys.argv[1])
n = int(counter.read_text() or 0) + 1 if counter.exists() else 1
counter.write_text(str(n))
expires = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5)
print(json.dumps({"Version": 1, "AccessKeyId": f"AKIDPROCESS{n}", "SecretAccessKey": f"secret-process-{n}",
                  "SessionToken": f"token-process-{n}", "Expiration": expires.strftime("%Y-%m-%dT%H:%M:%SZ")}))
"""


def test_expiring_credentials_are_refreshed(aws_home: Path, server: AwsLikeServer) -> None:
    # The process hands out credentials that expire in 5 minutes, inside botocore's
    # 10-minute mandatory refresh window, so every call must fetch fresh ones.
    script = aws_home / "process.py"
    script.write_text(CREDENTIAL_PROCESS)
    command = f"{sys.executable} {script} {aws_home / 'count'}"
    (aws_home / "config").write_text(f"[profile temp]\nregion = us-east-1\ncredential_process = {command}\n")
    client = CodePipelineClient(endpoint_url=server.url, profile_name="temp")
    client.poll_for_jobs(REQUEST)
    client.poll_for_jobs(REQUEST)
    keys = [used_key(server, i)[0] for i in range(2)]
    assert keys[0].startswith("AKIDPROCESS") and keys[1].startswith("AKIDPROCESS") and keys[0] != keys[1]
    for request, key in zip(server.requests, keys, strict=True):
        n = key.removeprefix("AKIDPROCESS")
        assert request.headers["x-amz-security-token"] == f"token-process-{n}"
        assert signature_matches(request, f"secret-process-{n}")


def test_container_credentials_endpoint(aws_home: Path, server: AwsLikeServer, monkeypatch: pytest.MonkeyPatch) -> None:
    # The same loopback server plays the container credentials endpoint (GET) and the service.
    role: dict[str, Any] = {
        "AccessKeyId": "AKIDCONTAINER",
        "SecretAccessKey": "secret-container",
        "Token": "token-container",
        "Expiration": "2099-01-01T00:00:00Z",
    }
    server.answer(Answer(200, json.dumps(role), {"Content-Type": "application/json"}))
    monkeypatch.setenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", f"{server.url}/role-credentials")
    monkeypatch.setenv("AWS_CONTAINER_AUTHORIZATION_TOKEN", "container-auth")
    CodePipelineClient(region_name="us-east-1", endpoint_url=server.url).poll_for_jobs(REQUEST)
    fetch, call = server.requests
    assert (fetch.method, fetch.path, fetch.headers["authorization"]) == ("GET", "/role-credentials", "container-auth")
    assert used_key(server) == ("AKIDCONTAINER", "us-east-1")
    assert call.headers["x-amz-security-token"] == "token-container"
    assert signature_matches(call, "secret-container")
