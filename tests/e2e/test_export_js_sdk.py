"""The AWS SDK for JavaScript v3 talks to the generated server over loopback.

`python -m pollforjobs.server` runs as a user would start it (seed file, SigV4 credentials
file, port 0); the SDK's `CodePipelineClient` signs its requests, gets the seeded jobs from
PollForJobs, its modeled `ActionTypeNotFoundException` for an unknown action type, and
`InvalidSignatureException` when signing with the wrong secret.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pollforjobs
import pytest

from ..support.export_server import ACCESS_KEY, SECRET_KEY, served
from ..support.node import run_node

ACTION_TYPE = {"category": "Test", "owner": "Custom", "provider": "JenkinsProviderName", "version": "1"}
SEEDED = [
    {"data": {"actionTypeId": ACTION_TYPE, "actionConfiguration": {"configuration": {"ProjectName": "JenkinsTestProject"}}}, "accountId": "111111111111"},
    {"data": {"actionTypeId": ACTION_TYPE, "actionConfiguration": {"configuration": {"ProjectName": "JenkinsTestProject"}}}, "accountId": "222222222222"},
    {"data": {"actionTypeId": ACTION_TYPE, "actionConfiguration": {"configuration": {"ProjectName": "OtherProject"}}}, "accountId": "333333333333"},
]


@pytest.fixture
def server_url(tmp_path: Path) -> Iterator[str]:
    with served(tmp_path, SEEDED) as url:
        yield url


def test_js_sdk_polls_seeded_jobs_and_gets_modeled_errors(server_url: str) -> None:
    result = run_node("sdk_poll.cjs", server_url, ACCESS_KEY, SECRET_KEY, "wrong-secret")
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)

    # The SDK speaks AWS JSON 1.1 to CodePipeline (newer protocols would not reach this server).
    assert report["protocol"] == "AwsJson1_1Protocol"
    assert report["status"] == 200
    jobs = report["found"]["jobs"]
    matching = [job for job in SEEDED if job["data"]["actionConfiguration"]["configuration"]["ProjectName"] == "JenkinsTestProject"]
    # Each hand-out carries artifact credentials of its own; the rest is the seed's job.
    assert all(set(job["data"].pop("artifactCredentials")) == {"accessKeyId", "secretAccessKey", "sessionToken"} for job in jobs)
    assert [(job["data"], job["accountId"]) for job in jobs] == [(job["data"], job["accountId"]) for job in matching]
    assert len({job["id"] for job in jobs}) == len(jobs)
    assert pollforjobs.validate_response(report["found"]) == []

    assert report["notFound"] == {
        "name": "ActionTypeNotFoundException",
        "modeled": True,
        "status": 400,
        "fault": "client",
        "message": "The specified action type cannot be found.",
    }
    assert report["badSignature"]["name"] == "InvalidSignatureException"
    assert report["badSignature"]["status"] == 400
