"""A worker in AWS's documented pattern runs unchanged against `python -m pollforjobs.server
--s3 --state FILE`: boto3 for CodePipeline, boto3's S3 client with the job's artifact
credentials, and only AWS_ENDPOINT_URL_CODEPIPELINE / AWS_ENDPOINT_URL_S3 set. The generated
client runs the same loop."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import boto3
import pytest
from pollforjobs import models
from pollforjobs.client import CodePipelineClient

from ..conftest import ROOT
from ..support.job_service import ACTION_TYPE, JobService, job, seed_file

WORKER = ROOT / "tests" / "support" / "job_worker.py"


def _seed(folder: Path) -> Path:
    (folder / "src.txt").write_text("hello from the source stage\n", encoding="utf-8")
    return seed_file(
        folder,
        [
            job(inputArtifacts=[{"name": "src", "file": "src.txt"}], outputArtifacts=[{"name": "built"}]),
            job(actionConfiguration={"configuration": {"Fail": "yes"}}),
        ],
    )


def _environment(service: JobService) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    return env | {
        "AWS_ENDPOINT_URL_CODEPIPELINE": service.url,
        "AWS_ENDPOINT_URL_S3": service.s3_url,
        "AWS_ACCESS_KEY_ID": "AKIDLOCALEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "local-secret-key",
        "AWS_DEFAULT_REGION": "us-east-1",
    }


def _check_outcome(service: JobService) -> None:
    first, failed, continued = service.console()["jobs"]
    assert first["status"] == "Succeeded" and first["continuationToken"] == "built"
    assert first["executionDetails"] == {"summary": "artifacts uploaded", "percentComplete": 50}
    assert failed["status"] == "Failed"
    assert failed["failureDetails"] == {"type": "JobFailed", "message": "asked to fail"}
    assert continued["status"] == "Succeeded" and continued["continues"] == first["id"]
    assert continued["outputVariables"] == {"result": "done"}
    where = first["outputArtifacts"][0]["location"]["s3Location"]
    s3 = boto3.client("s3", endpoint_url=service.s3_url, region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
    body = s3.get_object(Bucket=where["bucketName"], Key=where["objectKey"])["Body"].read()
    assert body == b"HELLO FROM THE SOURCE STAGE\n"


def test_the_documented_worker_runs_unchanged_with_boto3(tmp_path: Path) -> None:
    with JobService("--s3", "--state", str(tmp_path / "state.sqlite"), "--jobs", str(_seed(tmp_path))) as service:
        assert service.s3_url.startswith("http://127.0.0.1:")
        done = subprocess.run(
            [sys.executable, str(WORKER), "--provider", "MyTool", "--once"],
            env=_environment(service), capture_output=True, text=True, timeout=120, check=False,
        )
        assert done.returncode == 0, done.stderr
        assert [line.split(": ")[1] for line in done.stdout.splitlines()] == ["continued", "failed", "finished"]
        _check_outcome(service)
        # The console never shows artifact credentials or nonces.
        shown = str(service.console())
        assert "secretAccessKey" not in shown and "sessionToken" not in shown and "nonce" not in shown


def test_the_generated_client_runs_the_same_loop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with JobService("--s3", "--state", str(tmp_path / "state.sqlite"), "--jobs", str(_seed(tmp_path))) as service:
        for name, value in _environment(service).items():
            if name.startswith("AWS_"):
                monkeypatch.setenv(name, value)
        client = CodePipelineClient()  # the endpoint from AWS_ENDPOINT_URL_CODEPIPELINE, as boto3
        assert client.endpoint_url == service.url + "/"
        type_id = models.ActionTypeId.model_validate(ACTION_TYPE)
        outcomes = []
        while jobs := client.poll_for_jobs({"actionTypeId": ACTION_TYPE, "maxBatchSize": 1}).jobs:
            (taken,) = jobs
            assert taken.data is not None and taken.data.action_type_id == type_id
            outcomes.append(_work(client, taken))
        assert outcomes == ["continued", "failed", "finished"]
        _check_outcome(service)


def _work(client: CodePipelineClient, taken: models.Job) -> str:
    assert taken.id and taken.nonce and taken.data
    if client.acknowledge_job({"jobId": taken.id, "nonce": taken.nonce}).status != models.JobStatus.IN_PROGRESS:
        return "skipped"
    data = taken.data
    details = client.get_job_details({"jobId": taken.id}).job_details
    assert details is not None and details.id == taken.id
    configuration = (data.action_configuration.configuration if data.action_configuration else None) or {}
    if configuration.get("Fail") == "yes":
        client.put_job_failure_result({"jobId": taken.id, "failureDetails": {"type": "JobFailed", "message": "asked to fail"}})
        return "failed"
    if data.continuation_token:
        client.put_job_success_result({"jobId": taken.id, "outputVariables": {"result": "done"}})
        return "finished"
    credentials = data.artifact_credentials
    assert credentials is not None
    s3 = boto3.client(
        "s3",
        aws_access_key_id=credentials.access_key_id,
        aws_secret_access_key=credentials.secret_access_key,
        aws_session_token=credentials.session_token,
    )
    source = (data.input_artifacts or [])[0].location
    assert source is not None and source.s3_location is not None
    contents = s3.get_object(Bucket=source.s3_location.bucket_name, Key=source.s3_location.object_key)["Body"].read()
    target = (data.output_artifacts or [])[0].location
    assert target is not None and target.s3_location is not None
    s3.put_object(Bucket=target.s3_location.bucket_name, Key=target.s3_location.object_key, Body=contents.upper())
    client.put_job_success_result(
        {"jobId": taken.id, "continuationToken": "built", "executionDetails": {"summary": "artifacts uploaded", "percentComplete": 50}}
    )
    return "continued"
