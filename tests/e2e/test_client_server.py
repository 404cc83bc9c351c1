"""The generated client against the generated server, both real: uvicorn on 127.0.0.1.

The server (`pollforjobs.server.create_app`) serves the bundled in-memory job queue and
checks SigV4 signatures against its own credentials; the client signs, polls and reads.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pollforjobs import ValidationFailedError, errors, models
from pollforjobs.client import CodePipelineClient
from pollforjobs.jobqueue import JobQueue
from pollforjobs.server import create_app

from ..support.server_harness import Served

ACCESS_KEY = "AKIDGENERATEDSERVER1"
SECRET_KEY = "generated/server/secret/key/000000000001"
TYPE_ID = {"category": "Test", "owner": "Custom", "provider": "JenkinsProviderName", "version": "1"}


@pytest.fixture(scope="module")
def queue() -> JobQueue:
    return JobQueue()


@pytest.fixture(scope="module")
def endpoint(queue: JobQueue) -> Iterator[str]:
    with Served(create_app(queue, credentials={ACCESS_KEY: SECRET_KEY})) as served:
        yield served.url


def client_for(endpoint: str, **options: Any) -> CodePipelineClient:
    settings: dict[str, Any] = {
        "region_name": "us-east-1",
        "endpoint_url": endpoint,
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        **options,
    }
    return CodePipelineClient(**settings)


def test_polls_seeded_jobs_each_once(endpoint: str, queue: JobQueue, sample_response: dict[str, Any]) -> None:
    data = sample_response["jobs"][0]["data"]
    seeded = [queue.add_job(data) for _ in range(3)]
    client = client_for(endpoint)
    first = client.poll_for_jobs(models.PollForJobsInput.model_validate({"actionTypeId": TYPE_ID, "maxBatchSize": 2}))
    rest = client.poll_for_jobs(actionTypeId=TYPE_ID, maxBatchSize=5)
    again = client.poll_for_jobs({"actionTypeId": TYPE_ID, "maxBatchSize": 5})
    assert first.jobs is not None and rest.jobs is not None
    assert [j.id for j in first.jobs + rest.jobs] == [j.id for j in seeded]
    assert again.jobs == []
    job = first.jobs[0]
    assert job.data is not None and job.data.artifact_credentials is not None
    assert job.data.artifact_credentials.session_token == data["artifactCredentials"]["sessionToken"]
    assert job.data.pipeline_context is not None and job.data.pipeline_context.pipeline_name == "MySecondPipeline"


def test_query_param_filters(endpoint: str, queue: JobQueue) -> None:
    type_id = {**TYPE_ID, "provider": "Filtered"}
    wanted = queue.add_job({"actionTypeId": type_id, "actionConfiguration": {"configuration": {"ProjectName": "a"}}})
    queue.add_job({"actionTypeId": type_id, "actionConfiguration": {"configuration": {"ProjectName": "b"}}})
    output = client_for(endpoint).poll_for_jobs(actionTypeId=type_id, maxBatchSize=10, queryParam={"ProjectName": "a"})
    assert output.jobs is not None and [j.id for j in output.jobs] == [wanted.id]


def test_unknown_action_type(endpoint: str) -> None:
    with pytest.raises(errors.ActionTypeNotFoundException) as caught:
        client_for(endpoint).poll_for_jobs(actionTypeId={**TYPE_ID, "provider": "NobodyKnowsMe"})
    assert caught.value.status_code == 400
    assert caught.value.message == "The specified action type cannot be found."
    assert caught.value.request_id


def test_server_and_client_word_validation_errors_alike(endpoint: str) -> None:
    bad = {"actionTypeId": {**TYPE_ID, "provider": "abc$"}, "maxBatchSize": 0}
    with pytest.raises(ValidationFailedError) as local:
        client_for(endpoint).poll_for_jobs(bad)
    with pytest.raises(errors.ValidationException) as remote:
        client_for(endpoint, validate_requests=False).poll_for_jobs(bad)
    assert remote.value.message == str(local.value)
    assert remote.value.status_code == 400


def test_wrong_secret_is_refused(endpoint: str) -> None:
    client = client_for(endpoint, aws_secret_access_key=SECRET_KEY + "-wrong")
    with pytest.raises(errors.InvalidSignatureException) as caught:
        client.poll_for_jobs(actionTypeId=TYPE_ID)
    assert caught.value.status_code == 400
    assert caught.value.message.startswith("The request signature we calculated does not match")
    assert not getattr(caught.value, "__notes__", None)  # not retried


def test_unknown_access_key_is_refused(endpoint: str) -> None:
    with pytest.raises(errors.ServiceError) as caught:
        client_for(endpoint, aws_access_key_id="AKIDNOBODYKNOWS").poll_for_jobs(actionTypeId=TYPE_ID)
    assert caught.value.code == "UnrecognizedClientException"
    assert caught.value.status_code in (400, 403)


def test_session_token_is_accepted(endpoint: str, queue: JobQueue) -> None:
    queue.register_action_type({**TYPE_ID, "provider": "WithToken"})
    output = client_for(endpoint, aws_session_token="some-session-token").poll_for_jobs(
        actionTypeId={**TYPE_ID, "provider": "WithToken"}
    )
    assert output.jobs == []
