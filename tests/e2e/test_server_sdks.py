"""Real AWS clients against `python -m pollforjobs.server`: boto3 and the AWS CLI.

The server runs as a subprocess on 127.0.0.1 (port 0), seeded from a jobs file and requiring
SigV4 signatures by the keys of a credentials file, exactly as the README tells a user to run it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from ..support.server_harness import ACCESS_KEY, SECRET_KEY

SESSION_TOKEN = "IQoJb3JpZ2luX2VjEXAMPLE/session/token=="
ARTIFACT_SECRET = "artifact/secret/K7MDENG/bPxRfiCYEXAMPLEKEY"


def action_type(provider: str) -> dict[str, str]:
    return {"category": "Test", "owner": "Custom", "provider": provider, "version": "1"}


def job(number: int, provider: str) -> dict[str, Any]:
    return {
        "id": f"00000000-0000-4000-8000-{number:012d}",
        "nonce": str(number),
        "accountId": "111111111111",
        "data": {
            "actionTypeId": action_type(provider),
            "actionConfiguration": {"configuration": {"ProjectName": f"Project{number}"}},
            "pipelineContext": {"pipelineName": "MyPipeline", "stage": {"name": "Test"}, "action": {"name": "Run"}},
            "inputArtifacts": [
                {
                    "name": "MyAppBuild",
                    "location": {"type": "S3", "s3Location": {"bucketName": "bucket", "objectKey": f"key/{number}"}},
                }
            ],
            "outputArtifacts": [],
            "artifactCredentials": {
                "accessKeyId": "AKIAARTIFACTEXAMPLE",
                "secretAccessKey": ARTIFACT_SECRET,
                "sessionToken": "artifact-session-token",
            },
        },
    }


SEED = {
    "actionTypes": [action_type("EmptyTool")],
    "jobs": [job(1, "BotoTool"), job(2, "BotoTool"), job(3, "CliTool"), job(4, "CliTool")],
}


class ServerProcess:
    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self.url = ""
        started = threading.Event()

        def read() -> None:
            assert process.stderr
            for line in process.stderr:
                self.lines.append(line)
                found = re.search(r"Uvicorn running on (http://127\.0\.0\.1:\d+)", line)
                if found:
                    self.url = found.group(1)
                    started.set()
            started.set()

        threading.Thread(target=read, daemon=True).start()
        if not started.wait(30) or not self.url:
            process.kill()
            raise RuntimeError("server did not start:\n" + "".join(self.lines))

    def log(self) -> str:
        return "".join(self.lines)


def server_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "pollforjobs.server", *args]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("server")
    (folder / "jobs.json").write_text(json.dumps(SEED), encoding="utf-8")
    (folder / "credentials.json").write_text(json.dumps({ACCESS_KEY: SECRET_KEY}), encoding="utf-8")
    command = server_command(
        "--port", "0", "--jobs", str(folder / "jobs.json"), "--credentials", str(folder / "credentials.json")
    )
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        yield ServerProcess(process)
    finally:
        process.terminate()
        process.wait(30)


def client(server: ServerProcess, **options: Any) -> Any:
    settings: dict[str, Any] = {
        "endpoint_url": server.url,
        "region_name": "us-east-1",
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        **options,
    }
    return boto3.client("codepipeline", **settings)


def test_boto3_gets_the_seeded_jobs_once(server: ServerProcess) -> None:
    codepipeline = client(server)
    first = codepipeline.poll_for_jobs(actionTypeId=action_type("BotoTool"), maxBatchSize=10)
    assert first["jobs"] == [job(1, "BotoTool"), job(2, "BotoTool")]
    assert first["ResponseMetadata"]["HTTPHeaders"]["x-amzn-requestid"]
    assert codepipeline.poll_for_jobs(actionTypeId=action_type("BotoTool"), maxBatchSize=10)["jobs"] == []


def test_boto3_speaks_aws_json_1_1_on_the_wire(server: ServerProcess) -> None:
    codepipeline = client(server)
    sent: list[Any] = []
    codepipeline.meta.events.register("before-send.codepipeline.PollForJobs", lambda request, **_: sent.append(request))
    codepipeline.poll_for_jobs(actionTypeId=action_type("EmptyTool"))
    (request,) = sent
    assert request.method == "POST"
    assert request.url == server.url + "/"
    assert request.headers["Content-Type"] == b"application/x-amz-json-1.1"
    assert request.headers["X-Amz-Target"] == b"CodePipeline_20150709.PollForJobs"
    assert re.match(
        rb"AWS4-HMAC-SHA256 Credential=\w+/\d{8}/us-east-1/codepipeline/aws4_request", request.headers["Authorization"]
    )
    assert json.loads(request.body) == {"actionTypeId": action_type("EmptyTool")}


def test_boto3_with_a_session_token(server: ServerProcess) -> None:
    codepipeline = client(server, aws_session_token=SESSION_TOKEN)
    assert codepipeline.poll_for_jobs(actionTypeId=action_type("EmptyTool"))["jobs"] == []


def test_boto3_unknown_action_type_raises_its_modeled_exception(server: ServerProcess) -> None:
    codepipeline = client(server)
    with pytest.raises(codepipeline.exceptions.ActionTypeNotFoundException) as caught:
        codepipeline.poll_for_jobs(actionTypeId=action_type("NoSuchTool"))
    assert caught.value.response["Error"]["Message"] == "The specified action type cannot be found."


def test_boto3_invalid_request_gets_aws_validation_message(server: ServerProcess) -> None:
    codepipeline = client(server, config=Config(parameter_validation=False))
    with pytest.raises(codepipeline.exceptions.ValidationException) as caught:
        codepipeline.poll_for_jobs(actionTypeId={**action_type("abc$")}, maxBatchSize=0)
    assert caught.value.response["Error"]["Message"] == (
        "2 validation errors detected: Value 'abc$' at 'actionTypeId.provider' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [0-9A-Za-z_-]+; Value '0' at 'maxBatchSize' failed to "
        "satisfy constraint: Member must have value greater than or equal to 1"
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_boto3_signing_with_the_wrong_secret_is_refused(server: ServerProcess) -> None:
    codepipeline = client(server, aws_secret_access_key="not-the-secret")
    with pytest.raises(ClientError) as caught:
        codepipeline.poll_for_jobs(actionTypeId=action_type("EmptyTool"))
    error = caught.value.response["Error"]
    assert error["Code"] == "InvalidSignatureException"
    assert error["Message"].startswith("The request signature we calculated does not match the signature you provided.")


def test_boto3_unknown_key_is_unrecognized_client(server: ServerProcess) -> None:
    codepipeline = client(server, aws_access_key_id="AKIDNOTKNOWN")
    with pytest.raises(ClientError) as caught:
        codepipeline.poll_for_jobs(actionTypeId=action_type("EmptyTool"))
    assert caught.value.response["Error"]["Code"] == "UnrecognizedClientException"


def aws_cli(server: ServerProcess, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(tmp_path),
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }
    command = [sys.executable, "-m", "awscli", "codepipeline", "poll-for-jobs", "--endpoint-url", server.url, *args]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def test_aws_cli_prints_the_seeded_jobs(server: ServerProcess, tmp_path: Path) -> None:
    result = aws_cli(
        server,
        tmp_path,
        "--action-type-id",
        "category=Test,owner=Custom,provider=CliTool,version=1",
        "--max-batch-size",
        "5",
        "--output",
        "json",
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"jobs": [job(3, "CliTool"), job(4, "CliTool")]}


def test_aws_cli_shows_the_service_error(server: ServerProcess, tmp_path: Path) -> None:
    result = aws_cli(server, tmp_path, "--action-type-id", "category=Test,owner=Custom,provider=Nobody,version=1")
    assert result.returncode == 255  # AWS CLI v1 exits 255 on a service error (v2: 254)
    assert "An error occurred (ActionTypeNotFoundException) when calling the PollForJobs operation" in result.stderr
    assert "The specified action type cannot be found." in result.stderr


def test_server_log_has_access_lines_but_no_secrets(server: ServerProcess) -> None:
    client(server, aws_session_token=SESSION_TOKEN).poll_for_jobs(actionTypeId=action_type("EmptyTool"))
    deadline = time.monotonic() + 10
    while "status=200" not in server.log() and time.monotonic() < deadline:
        time.sleep(0.05)
    log = server.log()
    assert re.search(r"pollforjobs\.server INFO target=CodePipeline_20150709\.PollForJobs status=200 ", log)
    for secret in (SECRET_KEY, SESSION_TOKEN, ARTIFACT_SECRET, "artifact-session-token", "Project1"):
        assert secret not in log


def test_server_help_names_every_option() -> None:
    result = subprocess.run(server_command("--help"), capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0
    for option in ("--host", "--port", "--jobs FILE", "--credentials FILE", "--max-body-bytes N", "--handler"):
        assert option in result.stdout
    assert "seed the in-memory job queue" in result.stdout


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "is not valid JSON (line 1 column 2)"),
        ('["AKID"]', "must be a JSON object of access key ids to secret keys"),
        ('{"AKID": 5}', "must be a JSON object of access key ids to secret keys"),
    ],
)
def test_server_refuses_a_bad_credentials_file(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "credentials.json"
    path.write_text(content, encoding="utf-8")
    result = subprocess.run(
        server_command("--port", "0", "--credentials", str(path)),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_server_refuses_a_bad_jobs_file(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps({"jobs": [{"data": {}}]}), encoding="utf-8")
    result = subprocess.run(
        server_command("--port", "0", "--jobs", str(path)), capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 2
    assert "jobs.1: a job needs data.actionTypeId" in result.stderr
    assert "Traceback" not in result.stderr
