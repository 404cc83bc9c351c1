"""The JavaScript SDK and the AWS CLI against the local job service: the JS SDK runs a
worker's loop (poll, acknowledge, put success), and the CLI makes one call of each job
operation."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

from ..support.job_service import JobService, job, seed_file
from ..support.node import run_node


def test_the_js_sdk_runs_a_workers_loop(tmp_path: Path) -> None:
    with JobService("--jobs", str(seed_file(tmp_path, [job()]))) as service:
        result = run_node("sdk_job_worker.cjs", service.url, "MyTool")
        assert result.returncode == 0, result.stderr
        report = json.loads(result.stdout)
        assert report["acknowledged"] == "InProgress"
        assert report["wrongNonce"] == {"name": "InvalidNonceException", "modeled": True, "status": 400}
        shown = service.jobs()[report["succeeded"]]
        assert shown["status"] == "Succeeded"
        assert shown["executionDetails"] == {"summary": "from the JS SDK", "percentComplete": 100}


def _aws(service: JobService, folder: Path, *args: str) -> Any:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {
        "AWS_ACCESS_KEY_ID": "AKIDLOCALEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": "local-secret-key",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(folder / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(folder / "no-credentials"),
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_PAGER": "",
    }
    done = subprocess.run(
        ["aws", "codepipeline", *args, "--endpoint-url", service.url, "--output", "json"],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else None


def test_the_aws_cli_calls_each_job_operation(tmp_path: Path) -> None:
    with JobService("--jobs", str(seed_file(tmp_path, [job(), job()]))) as service:
        action = "category=Build,owner=Custom,provider=MyTool,version=1"
        first, second = _aws(service, tmp_path, "poll-for-jobs", "--action-type-id", action, "--max-batch-size", "2")["jobs"]
        for taken in (first, second):
            answer = _aws(service, tmp_path, "acknowledge-job", "--job-id", taken["id"], "--nonce", taken["nonce"])
            assert answer == {"status": "InProgress"}
        details = _aws(service, tmp_path, "get-job-details", "--job-id", first["id"])["jobDetails"]
        assert details["id"] == first["id"] and "nonce" not in details
        assert _aws(service, tmp_path, "put-job-success-result", "--job-id", first["id"], "--output-variables", "built=yes") is None
        failure = "type=JobFailed,message=from the CLI"
        assert _aws(service, tmp_path, "put-job-failure-result", "--job-id", second["id"], "--failure-details", failure) is None
        jobs = service.jobs()
        assert jobs[first["id"]]["status"] == "Succeeded" and jobs[first["id"]]["outputVariables"] == {"built": "yes"}
        assert jobs[second["id"]]["failureDetails"] == {"type": "JobFailed", "message": "from the CLI"}
