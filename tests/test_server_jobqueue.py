"""The bundled in-memory job queue: seeding, PollForJobs semantics, and one hand-out per job
even when many workers poll a real server at once."""

from __future__ import annotations

import http.client
import json
import re
import threading
from pathlib import Path
from typing import Any

import pytest
from pollforjobs import errors, jobqueue, models
from pollforjobs.server import create_app

from .conftest import ROOT
from .server_harness import ACTION_TYPE, CONTENT_TYPE, TARGET, Served

JOB_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
OTHER_TYPE = {**ACTION_TYPE, "provider": "OtherTool"}


def data(configuration: dict[str, str] | None = None, type_id: dict[str, str] = ACTION_TYPE) -> dict[str, Any]:
    found: dict[str, Any] = {"actionTypeId": type_id}
    if configuration is not None:
        found["actionConfiguration"] = {"configuration": configuration}
    return found


def poll(queue: jobqueue.JobQueue, **request: Any) -> list[models.Job]:
    wire = {"actionTypeId": ACTION_TYPE, **request}
    output = queue.poll_for_jobs(models.PollForJobsInput.model_validate(wire))
    return list(output.jobs or [])


def test_added_jobs_get_a_job_id_a_nonce_and_the_account() -> None:
    queue = jobqueue.JobQueue(account_id="210987654321")
    job = queue.add_job(data({"ProjectName": "P"}))
    assert JOB_ID.fullmatch(job.id or "")
    assert job.nonce and job.nonce.isdigit()
    assert job.account_id == "210987654321"
    assert queue.add_job(data(), account_id="111111111111").account_id == "111111111111"
    assert jobqueue.JobQueue().add_job(data()).account_id == jobqueue.DEFAULT_ACCOUNT_ID


def test_unknown_action_type_is_action_type_not_found() -> None:
    queue = jobqueue.JobQueue()
    queue.add_job(data(type_id=OTHER_TYPE))
    with pytest.raises(errors.ActionTypeNotFoundException, match="The specified action type cannot be found."):
        poll(queue)


def test_registered_action_type_without_jobs_polls_empty() -> None:
    queue = jobqueue.JobQueue()
    queue.register_action_type(ACTION_TYPE)
    assert poll(queue) == []


@pytest.mark.parametrize("owner", ["AWS", "ThirdParty"])
def test_owner_other_than_custom_is_a_validation_error(owner: str) -> None:
    queue = jobqueue.JobQueue()
    queue.add_job(data())
    with pytest.raises(errors.ValidationException, match=f"owner 'Custom'; got '{owner}'"):
        poll(queue, actionTypeId={**ACTION_TYPE, "owner": owner})


def test_default_batch_is_one_and_max_batch_size_caps_it() -> None:
    queue = jobqueue.JobQueue()
    jobs = [queue.add_job(data()) for _ in range(5)]
    assert [j.id for j in poll(queue)] == [jobs[0].id]
    assert [j.id for j in poll(queue, maxBatchSize=3)] == [j.id for j in jobs[1:4]]
    assert [j.id for j in poll(queue, maxBatchSize=10)] == [jobs[4].id]
    assert poll(queue, maxBatchSize=10) == []


def test_query_param_filters_on_the_action_configuration() -> None:
    queue = jobqueue.JobQueue()
    a = queue.add_job(data({"ProjectName": "A"}))
    b = queue.add_job(data({"ProjectName": "B", "Other": "x"}))
    plain = queue.add_job(data())
    assert [j.id for j in poll(queue, queryParam={"ProjectName": "B"}, maxBatchSize=5)] == [b.id]
    assert poll(queue, queryParam={"ProjectName": "B"}, maxBatchSize=5) == []
    assert poll(queue, queryParam={"ProjectName": "Z"}, maxBatchSize=5) == []
    assert [j.id for j in poll(queue, queryParam={}, maxBatchSize=5)] == [a.id, plain.id]


def test_jobs_of_other_action_types_stay_queued() -> None:
    queue = jobqueue.JobQueue()
    mine = queue.add_job(data())
    theirs = queue.add_job(data(type_id=OTHER_TYPE))
    assert [j.id for j in poll(queue, maxBatchSize=5)] == [mine.id]
    assert [j.id for j in queue.pending()] == [theirs.id]


def test_seed_document_in_the_documented_format(tmp_path: Path) -> None:
    seed = {
        "actionTypes": [OTHER_TYPE],
        "jobs": [
            {"data": data({"ProjectName": "demo"}), "accountId": "111111111111"},
            {"id": "0d7b4c2e-7a4f-4a39-9e0f-1c2d3e4f5a6b", "nonce": "42", "data": data()},
        ],
    }
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps(seed), encoding="utf-8")
    queue = jobqueue.create_handler(str(path))
    assert [(j.account_id, j.nonce) for j in queue.pending()][1] == (jobqueue.DEFAULT_ACCOUNT_ID, "42")
    first = poll(queue)[0]
    assert first.account_id == "111111111111"
    assert first.data and first.data.action_configuration
    assert first.data.action_configuration.configuration == {"ProjectName": "demo"}
    assert poll(queue, actionTypeId=OTHER_TYPE) == []


def _without_type_hints(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_type_hints(v) for k, v in value.items() if k != "__type"}
    if isinstance(value, list):
        return [_without_type_hints(v) for v in value]
    return value


def test_the_documented_sample_response_is_a_seed_once_its_job_id_is_valid(
    well_formed_response: dict[str, Any],
) -> None:
    queue = jobqueue.JobQueue()
    (job,) = queue.add_seed(well_formed_response)
    assert job.model_dump(by_alias=True, exclude_none=True, mode="json") == _without_type_hints(
        well_formed_response["jobs"][0]
    )


def test_the_documented_sample_response_as_is_is_refused(sample_response: dict[str, Any]) -> None:
    with pytest.raises(jobqueue.SeedError, match="ef66c259-64f9-EXAMPLE"):
        jobqueue.JobQueue().add_seed(sample_response)


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        ({"jobs": [{"data": {}}]}, "jobs.1: a job needs data.actionTypeId"),
        ({"jobs": [{"data": data(), "accountId": "12"}]}, "failed to satisfy constraint"),
        ({"jobs": [{"data": data(), "id": "ef66c259-64f9-EXAMPLE"}]}, "regular expression pattern"),
        ({"jobs": [{"data": data(), "job": 1}]}, "jobs.1 has unknown members ['job']"),
        ({"jobs": [{"data": data(type_id={**ACTION_TYPE, "owner": "AWS"})}]}, "owned by 'Custom' only"),
        ({"jobs": {}}, "'jobs' must be an array"),
        ({"actions": []}, "unknown seed keys ['actions']"),
        ({"actionTypes": [{"category": "Nope"}]}, "validation errors detected"),
    ],
)
def test_bad_seeds_are_refused_with_the_reason(seed: dict[str, Any], message: str) -> None:
    with pytest.raises(jobqueue.SeedError) as caught:
        jobqueue.JobQueue().add_seed(seed)
    assert message in str(caught.value)


def test_unreadable_seed_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(jobqueue.SeedError, match="cannot read"):
        jobqueue.create_handler(str(tmp_path / "absent.json"))
    broken = tmp_path / "broken.json"
    broken.write_text("{", encoding="utf-8")
    with pytest.raises(jobqueue.SeedError, match="is not valid JSON"):
        jobqueue.create_handler(str(broken))


def test_the_package_module_is_the_spec_source_with_the_generated_header() -> None:
    source = (ROOT / "specs" / "pollforjobs" / "jobqueue.py").read_text(encoding="utf-8")
    generated = (ROOT / "generated" / "pollforjobs" / "jobqueue.py").read_text(encoding="utf-8")
    first, rest = generated.split("\n", 1)
    assert first.startswith("# Generated by ") and first.endswith("from specs/pollforjobs.yaml. Do not edit.")
    assert rest == source


def _worker(url: str, got: list[str], errors_seen: list[str], start: threading.Barrier) -> None:
    host, port = url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    body = json.dumps({"actionTypeId": ACTION_TYPE, "maxBatchSize": 3}).encode()
    start.wait()
    try:
        while True:
            connection.request("POST", "/", body=body, headers={"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE})
            response = connection.getresponse()
            answer = json.loads(response.read())
            if response.status != 200:
                errors_seen.append(answer["__type"])
                return
            jobs = answer["jobs"]
            if not jobs:
                return
            got.extend(job["id"] for job in jobs)
    finally:
        connection.close()


def test_concurrent_polls_hand_out_every_job_exactly_once() -> None:
    queue = jobqueue.JobQueue()
    queued = [queue.add_job(data({"N": str(n)})).id for n in range(600)]
    got: list[str] = []
    errors_seen: list[str] = []
    workers = 12
    start = threading.Barrier(workers)
    with Served(create_app(queue)) as served:
        threads = [threading.Thread(target=_worker, args=(served.url, got, errors_seen, start)) for _ in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert errors_seen == []
    assert len(got) == len(queued)
    assert sorted(got) == sorted(queued)
    assert queue.pending() == []


def test_concurrent_direct_polls_share_nothing() -> None:
    queue = jobqueue.JobQueue()
    queued = {queue.add_job(data()).id for _ in range(2000)}
    got: list[str] = []
    lock = threading.Lock()
    request = models.PollForJobsInput.model_validate({"actionTypeId": ACTION_TYPE, "maxBatchSize": 2})

    def drain() -> None:
        while jobs := queue.poll_for_jobs(request).jobs:
            with lock:
                got.extend(job.id or "" for job in jobs)

    threads = [threading.Thread(target=drain) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert len(got) == len(queued) == len(set(got))
    assert set(got) == queued
