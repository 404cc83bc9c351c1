"""The job lifecycle of the bundled service, through boto3 against `python -m pollforjobs.server`
on loopback: what AWS documents, each error path with its AWS error and message, and each
configurable choice."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from ..support.job_service import ACTION_TYPE, JobService, job, seed_file

UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"


def error_of(call: Any, **kwargs: Any) -> tuple[str, str]:
    with pytest.raises(ClientError) as caught:
        call(**kwargs)
    return caught.value.response["Error"]["Code"], caught.value.response["Error"]["Message"]


def take(client: Any) -> dict[str, Any]:
    (taken,) = client.poll_for_jobs(actionTypeId=ACTION_TYPE)["jobs"]
    return taken


def wait_until(check: Any, seconds: float = 30.0) -> None:
    """Wait for a state change driven by the service's clock (not a timed assertion: the
    test asserts what happened, and only gives up after `seconds`)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the state did not change")
        time.sleep(0.1)


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Any:
    folder = tmp_path_factory.mktemp("lifecycle")
    with JobService("--jobs", str(seed_file(folder, []))) as running:
        yield running


def queue(service: JobService, **data: Any) -> str:
    answer = service.console(body=job(**data))
    assert answer["status"] == "Queued"
    return str(answer["id"])


def test_a_job_goes_through_every_status_the_model_names(service: JobService) -> None:
    client = service.client()
    job_id = queue(service)
    assert service.jobs()[job_id]["status"] == "Queued"
    taken = take(client)
    assert taken["id"] == job_id
    assert service.jobs()[job_id]["status"] == "Dispatched"
    assert client.acknowledge_job(jobId=job_id, nonce=taken["nonce"])["status"] == "InProgress"
    assert service.jobs()[job_id]["status"] == "InProgress"
    client.put_job_success_result(jobId=job_id, executionDetails={"summary": "built", "percentComplete": 100})
    shown = service.jobs()[job_id]
    assert shown["status"] == "Succeeded"
    assert shown["executionDetails"] == {"summary": "built", "percentComplete": 100}
    assert len(shown["handOuts"]) == 1 and len(shown["acknowledgements"]) == 1


def test_a_wrong_nonce_is_invalid_nonce_exception(service: JobService) -> None:
    client = service.client()
    job_id = queue(service)
    taken = take(client)
    wrong = str(int(taken["nonce"]) % 999_999_999 + 1)
    code, message = error_of(client.acknowledge_job, jobId=job_id, nonce=wrong)
    assert code == "InvalidNonceException"
    assert message == f"The nonce is not the one of the current hand-out of job {job_id}."
    assert service.jobs()[job_id]["status"] == "Dispatched"


def test_a_job_never_handed_out_has_no_nonce_to_acknowledge(service: JobService) -> None:
    client = service.client()
    job_id = queue(service)
    code, _ = error_of(client.acknowledge_job, jobId=job_id, nonce="1")
    assert code == "InvalidNonceException"
    take(client)  # leave the queue empty for the other tests


@pytest.mark.parametrize("operation", ["acknowledge_job", "get_job_details", "put_job_success_result", "put_job_failure_result"])
def test_an_unknown_job_is_job_not_found_exception(service: JobService, operation: str) -> None:
    client = service.client()
    arguments: dict[str, Any] = {"jobId": UNKNOWN_ID}
    if operation == "acknowledge_job":
        arguments["nonce"] = "1"
    if operation == "put_job_failure_result":
        arguments["failureDetails"] = {"type": "JobFailed", "message": "no"}
    code, message = error_of(getattr(client, operation), **arguments)
    assert (code, message) == ("JobNotFoundException", f"The job {UNKNOWN_ID} was not found.")


def test_get_job_details_has_the_data_and_credentials_but_no_nonce(service: JobService) -> None:
    client = service.client()
    job_id = queue(service, actionConfiguration={"configuration": {"ProjectName": "demo"}})
    taken = take(client)
    details = client.get_job_details(jobId=job_id)["jobDetails"]
    assert set(details) == {"id", "data", "accountId"}
    assert details["data"]["actionConfiguration"] == {"configuration": {"ProjectName": "demo"}}
    assert details["data"]["artifactCredentials"] == taken["data"]["artifactCredentials"]
    assert taken["nonce"] not in str(details)


def test_a_result_on_a_job_not_in_progress_is_invalid_job_state_exception(service: JobService) -> None:
    client = service.client()
    job_id = queue(service)
    take(client)  # handed out, not acknowledged
    code, message = error_of(client.put_job_success_result, jobId=job_id)
    assert code == "InvalidJobStateException"
    assert message == f"Job {job_id} is Dispatched; a result can be put only on a job that is InProgress."


def test_a_result_put_twice_is_invalid_job_state_exception(service: JobService) -> None:
    client = service.client()
    job_id = queue(service)
    taken = take(client)
    client.acknowledge_job(jobId=job_id, nonce=taken["nonce"])
    client.put_job_failure_result(jobId=job_id, failureDetails={"type": "ConfigurationError", "message": "bad", "externalExecutionId": "x-1"})
    for again in (client.put_job_failure_result, client.put_job_success_result):
        kwargs: dict[str, Any] = {"jobId": job_id}
        if again == client.put_job_failure_result:
            kwargs["failureDetails"] = {"type": "JobFailed", "message": "again"}
        code, message = error_of(again, **kwargs)
        assert code == "InvalidJobStateException"
        assert message == f"Job {job_id} is Failed; a result can be put only on a job that is InProgress."
    shown = service.jobs()[job_id]
    assert shown["failureDetails"] == {"type": "ConfigurationError", "message": "bad", "externalExecutionId": "x-1"}
    # A worker that asks again learns the job's status from AcknowledgeJob.
    assert client.acknowledge_job(jobId=job_id, nonce=taken["nonce"])["status"] == "Failed"


def test_failure_type_is_one_of_the_six_values_of_the_model(service: JobService) -> None:
    client = service.client()
    job_id = queue(service)
    taken = take(client)
    client.acknowledge_job(jobId=job_id, nonce=taken["nonce"])
    code, message = error_of(client.put_job_failure_result, jobId=job_id, failureDetails={"type": "Oops", "message": "m"})
    assert code == "ValidationException"
    assert "Member must satisfy enum value set: [JobFailed, ConfigurationError, PermissionError, RevisionOutOfSync, RevisionUnavailable, SystemUnavailable]" in message
    client.put_job_failure_result(jobId=job_id, failureDetails={"type": "RevisionOutOfSync", "message": "m"})


def _in_progress(service: JobService) -> tuple[Any, str]:
    client = service.client()
    job_id = queue(service)
    taken = take(client)
    client.acknowledge_job(jobId=job_id, nonce=taken["nonce"])
    return client, job_id


def test_output_variables_over_122880_bytes_are_output_variables_size_exceeded(service: JobService) -> None:
    client, job_id = _in_progress(service)
    # 10 keys of 8 bytes and values of 12,281 bytes: 122,890 bytes in all, 10 over.
    variables = {f"key{index:05d}": "é" * 6140 + "v" for index in range(10)}
    code, message = error_of(client.put_job_success_result, jobId=job_id, outputVariables=variables)
    assert code == "OutputVariablesSizeExceededException"
    assert message == "The output variables are 122890 bytes in all; at most 122880 are allowed."
    at_limit = {f"key{index:05d}": "é" * 6140 for index in range(10)}  # exactly 122,880 bytes
    client.put_job_success_result(jobId=job_id, outputVariables=at_limit)
    assert service.jobs()[job_id]["outputVariables"] == at_limit


def test_output_variables_with_a_continuation_token_are_a_validation_exception(service: JobService) -> None:
    client, job_id = _in_progress(service)
    code, message = error_of(client.put_job_success_result, jobId=job_id, continuationToken="t", outputVariables={"a": "b"})
    assert code == "ValidationException"
    assert message == "outputVariables can be included only when there is no continuation token on the request."
    assert service.jobs()[job_id]["status"] == "InProgress"


def test_a_continuation_token_succeeds_the_job_and_queues_its_continuation(service: JobService) -> None:
    client, job_id = _in_progress(service)
    before = client.get_job_details(jobId=job_id)["jobDetails"]
    client.put_job_success_result(jobId=job_id, continuationToken="deployment-42", executionDetails={"percentComplete": 50})
    continued = take(client)
    assert continued["id"] != job_id
    assert continued["data"]["continuationToken"] == "deployment-42"
    assert continued["data"]["actionTypeId"] == before["data"]["actionTypeId"]
    jobs = service.jobs()
    assert jobs[job_id]["status"] == "Succeeded"
    assert jobs[job_id]["continuationToken"] == "deployment-42"
    assert jobs[continued["id"]]["continues"] == job_id
    assert client.acknowledge_job(jobId=continued["id"], nonce=continued["nonce"])["status"] == "InProgress"
    client.put_job_success_result(jobId=continued["id"], outputVariables={"deployment": "done"})
    assert service.jobs()[continued["id"]]["status"] == "Succeeded"


def test_a_second_acknowledgement_with_the_same_nonce_succeeds_by_default(service: JobService) -> None:
    client = service.client()
    job_id = queue(service)
    taken = take(client)
    for _ in range(2):
        assert client.acknowledge_job(jobId=job_id, nonce=taken["nonce"])["status"] == "InProgress"
    assert len(service.jobs()[job_id]["acknowledgements"]) == 1
    client.put_job_success_result(jobId=job_id)


def test_an_unacknowledged_job_is_handed_out_again_after_the_window_with_a_new_nonce(tmp_path: Path) -> None:
    with JobService("--jobs", str(seed_file(tmp_path, [job()])), "--redelivery-seconds", "0.5") as running:
        client = running.client()
        first = take(client)
        assert client.poll_for_jobs(actionTypeId=ACTION_TYPE)["jobs"] == []  # within the window
        again: list[dict[str, Any]] = []
        wait_until(lambda: bool(again.extend(client.poll_for_jobs(actionTypeId=ACTION_TYPE)["jobs"]) or again))
        (second,) = again
        assert second["id"] == first["id"]
        assert second["nonce"] != first["nonce"]
        assert second["data"]["artifactCredentials"] != first["data"]["artifactCredentials"]
        code, _ = error_of(client.acknowledge_job, jobId=first["id"], nonce=first["nonce"])
        assert code == "InvalidNonceException"
        assert client.acknowledge_job(jobId=second["id"], nonce=second["nonce"])["status"] == "InProgress"
        assert len(running.jobs()[first["id"]]["handOuts"]) == 2


def test_redelivery_may_keep_the_nonce(tmp_path: Path) -> None:
    seed = seed_file(tmp_path, [job()])
    with JobService("--jobs", str(seed), "--redelivery-seconds", "0.5", "--redelivery-nonce", "same") as running:
        client = running.client()
        first = take(client)
        again: list[dict[str, Any]] = []
        wait_until(lambda: bool(again.extend(client.poll_for_jobs(actionTypeId=ACTION_TYPE)["jobs"]) or again))
        assert again[0]["nonce"] == first["nonce"]
        assert client.acknowledge_job(jobId=first["id"], nonce=first["nonce"])["status"] == "InProgress"


def test_a_job_with_no_result_in_time_is_timed_out(tmp_path: Path) -> None:
    with JobService("--jobs", str(seed_file(tmp_path, [job()])), "--job-timeout-seconds", "0.5") as running:
        client = running.client()
        taken = take(client)
        assert client.acknowledge_job(jobId=taken["id"], nonce=taken["nonce"])["status"] == "InProgress"
        wait_until(lambda: running.jobs()[taken["id"]]["status"] == "TimedOut")
        code, message = error_of(client.put_job_success_result, jobId=taken["id"])
        assert code == "InvalidJobStateException"
        assert message == f"Job {taken['id']} is TimedOut; a result can be put only on a job that is InProgress."
        assert client.acknowledge_job(jobId=taken["id"], nonce=taken["nonce"])["status"] == "TimedOut"
        assert client.poll_for_jobs(actionTypeId=ACTION_TYPE)["jobs"] == []


def test_the_choices_can_be_turned_the_other_way(tmp_path: Path) -> None:
    seed = seed_file(tmp_path, [job(), job()])
    with JobService("--jobs", str(seed), "--result-before-ack", "accept", "--repeat-ack", "refuse") as running:
        client = running.client()
        first, second = client.poll_for_jobs(actionTypeId=ACTION_TYPE, maxBatchSize=2)["jobs"]
        client.put_job_success_result(jobId=first["id"])  # not acknowledged: taken all the same
        assert running.jobs()[first["id"]]["status"] == "Succeeded"
        assert client.acknowledge_job(jobId=second["id"], nonce=second["nonce"])["status"] == "InProgress"
        code, message = error_of(client.acknowledge_job, jobId=second["id"], nonce=second["nonce"])
        assert (code, message) == ("InvalidNonceException", f"Job {second['id']} was acknowledged with this nonce already.")


@pytest.mark.parametrize(
    ("option", "value"),
    [("--redelivery-seconds", "0"), ("--job-timeout-seconds", "nan"), ("--credentials-seconds", "inf"), ("--redelivery-nonce", "maybe")],
)
def test_bad_lifecycle_options_are_usage_errors(option: str, value: str) -> None:
    done = subprocess.run([sys.executable, "-m", "pollforjobs.server", "--port", "0", option, value], capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 2
    assert option in done.stderr and "Traceback" not in done.stderr
