"""The bundled in-memory job queue: seeding, PollForJobs semantics, and one hand-out per job
even when many workers poll a real server at once."""

from __future__ import annotations

import http.client
import json
import random
import re
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest
from pollforjobs import errors, jobqueue, models
from pollforjobs.server import create_app

from ..conftest import ROOT
from ..support.server_harness import ACTION_TYPE, CONTENT_TYPE, TARGET, Served

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


# --- wire names only, located errors, unique ids, polls that do not scan the queue -----------


@pytest.mark.parametrize(
    ("seed", "message"),
    [
        (
            {"jobs": [{"data": {**data(), "action_configuration": {"configuration": {"ProjectName": "P"}}}}]},
            "jobs.1.data.action_configuration: unknown member; did you mean 'actionConfiguration'?",
        ),
        ({"jobs": [{"data": {"action_type_id": ACTION_TYPE}}]}, "jobs.1: a job needs data.actionTypeId"),
        ({"jobs": [{"data": data(), "account_id": "111111111111"}]}, "jobs.1 has unknown members ['account_id']"),
        (
            {"jobs": [{"data": {**data(), "inputArtifacts": [{"name": "a"}, {"name": "b", "location": {"s3_location": {}}}]}}]},
            "jobs.1.data.inputArtifacts.2.location.s3_location: unknown member; did you mean 's3Location'?",
        ),
        (
            {"jobs": [{"data": {**data(), "pipelineContext": {"pipelineName": "p", "pipelineNme": "q"}}}]},
            "jobs.1.data.pipelineContext.pipelineNme: unknown member",
        ),
        ({"actionTypes": [{**ACTION_TYPE, "provder": "x"}]}, "actionTypes.1.provder: unknown member"),
        ({"jobs": [{"data": {**data(), "x" * 5000: 1}}]}, "jobs.1.data.<a name of 5000 characters>: unknown member"),
    ],
)
def test_seeds_are_read_by_wire_names_only(seed: dict[str, Any], message: str) -> None:
    queue = jobqueue.JobQueue()
    with pytest.raises(jobqueue.SeedError) as caught:
        queue.add_seed(seed)
    assert str(caught.value) == message
    assert queue.pending() == []


def test_a_job_handed_out_again_goes_to_the_polls_its_settings_match_first() -> None:
    """Redelivered jobs no longer have their settings indexed; a queryParam poll matches them on
    their data, and takes them before the queued ones."""
    now = [1000.0]
    queue = jobqueue.JobQueue(lifecycle=jobqueue.Lifecycle(redelivery_seconds=60), clock=lambda: now[0])
    first = queue.add_job(data({"ProjectName": "A", "Stage": "x"}))
    other = queue.add_job(data({"ProjectName": "B"}))
    later = queue.add_job(data({"ProjectName": "A", "Stage": "x"}))
    assert [j.id for j in poll(queue, queryParam={"ProjectName": "A"})] == [first.id]
    assert poll(queue, queryParam={"Stage": "x"}, maxBatchSize=5)[0].id == later.id
    now[0] += 61  # both handed out, neither acknowledged: due again
    assert poll(queue, queryParam={"Stage": "y"}) == []
    assert poll(queue, queryParam={"Missing": "x"}) == []
    assert [j.id for j in poll(queue, queryParam={"ProjectName": "B"}, maxBatchSize=5)] == [other.id]
    again = poll(queue, queryParam={"Stage": "x"}, maxBatchSize=5)
    assert [j.id for j in again] == [first.id, later.id]
    assert all(j.data and j.data.artifact_credentials for j in again)


def test_jobs_added_from_python_are_read_by_wire_names_only() -> None:
    queue = jobqueue.JobQueue()
    with pytest.raises(jobqueue.SeedError, match=r"^data\.action_configuration: unknown member; did you mean"):
        queue.add_job({**data(), "action_configuration": {"configuration": {"ProjectName": "P"}}})
    with pytest.raises(jobqueue.SeedError, match=r"^a job needs data\.actionTypeId$"):
        queue.add_job({"action_type_id": ACTION_TYPE})
    # Models built by Python name are users' to build, and go in as they are.
    job_data = models.JobData(
        action_type_id=models.ActionTypeId.model_validate(ACTION_TYPE),
        action_configuration=models.ActionConfiguration(configuration={"ProjectName": "P"}),
    )
    job = queue.add_job(job_data)
    assert poll(queue, queryParam={"ProjectName": "P"})[0].id == job.id


def test_seed_errors_name_the_job_they_are_in_once() -> None:
    bad = {**ACTION_TYPE, "provider": "abc$"}
    seed = {"jobs": [{"data": data()}, {"data": data()}, {"data": {**data(type_id=bad), "inputArtifacts": [{"name": "ok"}, {"name": "no way"}]}}]}
    with pytest.raises(jobqueue.SeedError) as caught:
        jobqueue.JobQueue().add_seed(seed)
    message = str(caught.value)
    assert message.startswith("jobs.3: 2 validation errors detected: ")
    assert "at 'jobs.3.data.actionTypeId.provider'" in message
    assert "at 'jobs.3.data.inputArtifacts.2.name'" in message
    assert "jobs.1" not in message and ".member" not in message
    with pytest.raises(jobqueue.SeedError) as caught:
        jobqueue.JobQueue().add_seed({"actionTypes": [ACTION_TYPE, {**ACTION_TYPE, "category": "Nope"}]})
    assert str(caught.value).startswith("actionTypes.2: 1 validation error detected: Value 'Nope' at 'actionTypes.2.category'")


def test_a_bad_seed_adds_nothing() -> None:
    queue = jobqueue.JobQueue()
    with pytest.raises(jobqueue.SeedError, match=r"^jobs\.3: "):
        queue.add_seed({"actionTypes": [OTHER_TYPE], "jobs": [{"data": data()}, {"data": data()}, {"data": {}}]})
    assert queue.pending() == []
    with pytest.raises(errors.ActionTypeNotFoundException):
        poll(queue, actionTypeId=OTHER_TYPE)


SAME_ID = "0d7b4c2e-7a4f-4a39-9e0f-1c2d3e4f5a6b"


def test_a_seed_with_one_job_id_twice_is_refused() -> None:
    queue = jobqueue.JobQueue()
    seed = {"jobs": [{"id": SAME_ID, "data": data()}, {"data": data()}, {"id": SAME_ID, "data": data(type_id=OTHER_TYPE)}]}
    with pytest.raises(jobqueue.SeedError) as caught:
        queue.add_seed(seed)
    assert str(caught.value) == f"jobs.3.id: '{SAME_ID}' is the id of jobs.1 too; job ids must be unique"
    assert queue.pending() == []


def test_a_job_id_is_used_once_in_the_life_of_a_queue() -> None:
    queue = jobqueue.JobQueue()
    queue.add_job(data(), job_id=SAME_ID)
    with pytest.raises(jobqueue.SeedError, match=f"^id: the queue has already held a job with id '{SAME_ID}'$"):
        queue.add_job(data(), job_id=SAME_ID)
    assert [job.id for job in poll(queue)] == [SAME_ID]
    with pytest.raises(jobqueue.SeedError, match=f"^jobs.1.id: the queue has already held a job with id '{SAME_ID}'$"):
        queue.add_seed({"jobs": [{"id": SAME_ID, "data": data()}]})  # handed out, and still its id
    assert poll(queue) == []


def test_the_server_refuses_a_seed_file_with_a_job_id_twice(tmp_path: Path) -> None:
    path = tmp_path / "jobs.json"
    path.write_text(json.dumps({"jobs": [{"id": SAME_ID, "data": data()}, {"id": SAME_ID, "data": data()}]}), encoding="utf-8")
    command = [sys.executable, "-m", "pollforjobs.server", "--port", "0", "--jobs", str(path)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 2
    assert f"{path}: jobs.2.id: '{SAME_ID}' is the id of jobs.1 too; job ids must be unique" in result.stderr
    assert "Traceback" not in result.stderr


def _opcodes_run(call: Any) -> int:
    """How many bytecode instructions of the job queue's modules (jobqueue.py and the job*.py
    beside it) `call` runs: a measure of its work that, unlike a time, does not depend on the
    machine or on what else it is doing."""
    count = 0
    sources = {str(path) for path in Path(jobqueue.__file__).parent.glob("job*.py")}

    def count_opcodes(frame: Any, event: str, arg: Any) -> Any:
        nonlocal count
        if event == "opcode":
            count += 1
        return count_opcodes

    def on_call(frame: Any, event: str, arg: Any) -> Any:
        if frame.f_code.co_filename not in sources:
            return None
        frame.f_trace_opcodes = True
        return count_opcodes

    sys.settrace(on_call)
    try:
        call()
    finally:
        sys.settrace(None)
    return count


def _queue_of(count: int) -> jobqueue.JobQueue:
    queue = jobqueue.JobQueue()
    queue.add_seed({"jobs": [{"data": data({"ProjectName": f"P{n % 5}", "N": str(n)})} for n in range(count)]})
    queue.add_job(data({"ProjectName": "Last", "Rare": "yes"}))
    return queue


@pytest.fixture(scope="module")
def short_and_long() -> tuple[jobqueue.JobQueue, jobqueue.JobQueue]:
    return _queue_of(100), _queue_of(20_000)


@pytest.mark.parametrize(
    "request_members",
    [
        {},
        {"maxBatchSize": 3},
        {"queryParam": {"ProjectName": "P3"}, "maxBatchSize": 2},
        {"queryParam": {"N": "50"}},
        {"queryParam": {"Rare": "yes"}},  # the newest job: a scan would look at all the others
        {"queryParam": {"ProjectName": "Nobody"}},
    ],
)
def test_a_poll_does_as_much_work_on_a_long_queue_as_on_a_short_one(
    short_and_long: tuple[jobqueue.JobQueue, jobqueue.JobQueue], request_members: dict[str, Any]
) -> None:
    request = models.PollForJobsInput.model_validate({"actionTypeId": ACTION_TYPE, **request_members})
    short, long = short_and_long  # both get the same polls, in the same order
    short_work = _opcodes_run(lambda: short.poll_for_jobs(request))
    long_work = _opcodes_run(lambda: long.poll_for_jobs(request))
    print(f"\nbytecode instructions run by the poll: {short_work} (101 jobs queued), {long_work} (20,001)")
    assert short_work > 0
    assert long_work <= 2 * short_work


def test_100_000_jobs_drain_each_once_oldest_first() -> None:
    """Polls of two action types, with and without a queryParam, in random batch sizes, until
    the queue is empty: each poll gets the oldest jobs it matches, as many as it asked for."""
    types = {"A": ACTION_TYPE, "B": OTHER_TYPE}
    projects = [f"P{n}" for n in range(5)]
    seed_jobs = []
    place: dict[str, tuple[tuple[str, str], int, int]] = {}  # id -> (group, order in type, in group)
    in_type = dict.fromkeys(types, 0)
    in_group: dict[tuple[str, str], list[int]] = {(kind, p): [] for kind in types for p in projects}
    for n in range(100_000):
        kind, project = "AB"[n % 3 == 0], projects[(n * 7 // 3) % 5]
        job_id = str(uuid.UUID(int=n + 1, version=4))
        place[job_id] = ((kind, project), in_type[kind], len(in_group[(kind, project)]))
        in_group[(kind, project)].append(in_type[kind])
        in_type[kind] += 1
        seed_jobs.append({"id": job_id, "data": data({"ProjectName": project}, types[kind])})
    # No redelivery while it drains: a job handed out again after the window is not this test's business.
    queue = jobqueue.JobQueue(lifecycle=jobqueue.Lifecycle(redelivery_seconds=10**7))
    queue.add_seed({"jobs": seed_jobs})
    handed_out = dict.fromkeys(in_group, 0)  # per group: handed out so far (always its oldest)
    seen: set[str] = set()
    rng = random.Random(8)
    polls = 0
    while len(seen) < len(place):
        kind = rng.choice("AB")
        members: dict[str, Any] = {"actionTypeId": types[kind], "maxBatchSize": rng.randint(1, 7)}
        if rng.random() < 0.5:
            members["queryParam"] = {"ProjectName": rng.choice(projects)}
        wanted = [(kind, members["queryParam"]["ProjectName"])] if "queryParam" in members else [(kind, p) for p in projects]
        available = sum(len(in_group[group]) - handed_out[group] for group in wanted)
        jobs = queue.poll_for_jobs(models.PollForJobsInput.model_validate(members)).jobs or []
        polls += 1
        assert len(jobs) == min(members["maxBatchSize"], available)
        orders = []
        for job in jobs:
            assert job.id not in seen
            seen.add(job.id or "")
            group, order, order_in_group = place[job.id or ""]
            assert group in wanted
            assert order_in_group == handed_out[group]  # the oldest of its kind left
            handed_out[group] += 1
            orders.append(order)
        assert orders == sorted(orders)
        if orders:  # and no job it could have had, still queued, is older than one it got
            heads = [in_group[group][handed_out[group]] for group in wanted if handed_out[group] < len(in_group[group])]
            assert all(head > orders[-1] for head in heads)
    assert queue.pending() == []
    print(f"\n100,000 jobs drained in {polls} polls")


def _sqlite_steps(queue: jobqueue.JobQueue, call: Any) -> int:
    """SQLite's virtual-machine instructions run by `call()` (a progress handler called at each):
    the database's share of a poll's work, which the bytecodes above do not see."""
    steps = [0]

    def tick() -> int:
        steps[0] += 1
        return 0

    db = queue.store._db
    db.set_progress_handler(tick, 1)
    try:
        call()
    finally:
        db.set_progress_handler(None, 1)
    return steps[0]


def _queue_beside_another_lane(count: int) -> jobqueue.JobQueue:
    """`count` jobs of OTHER_TYPE, each with a ProjectName, then one of ACTION_TYPE."""
    queue = jobqueue.JobQueue()
    queue.add_seed({"jobs": [{"data": data({"ProjectName": f"P{n % 5}"}, OTHER_TYPE)} for n in range(count)]})
    queue.add_job(data({"ProjectName": "P3"}))
    return queue


def test_a_poll_reads_no_other_lanes_jobs() -> None:
    """The database's work for a poll by queryParam does not grow with the jobs queued for
    other action types that share the setting (it used to read every one of them)."""
    polls = [  # (queryParam, jobs it gets)
        ({"ProjectName": "P3"}, 1),
        ({"ProjectName": "P3"}, 0),  # none left: the other lane's 4,000 P3 jobs are not read
        ({"ProjectName": "P1"}, 0),  # none in this lane at all
    ]
    short, long = _queue_beside_another_lane(100), _queue_beside_another_lane(20_000)
    for query, expected in polls:
        request = models.PollForJobsInput.model_validate({"actionTypeId": ACTION_TYPE, "queryParam": query})
        got: list[int] = []
        work = [_sqlite_steps(queue, lambda queue=queue, r=request: got.append(len(queue.poll_for_jobs(r).jobs or []))) for queue in (short, long)]  # noqa: B023 - called at once
        print(f"\n{query}: SQLite instructions {work[0]} (100 jobs of another type queued), {work[1]} (20,000)")
        assert got == [expected, expected]
        assert work[0] > 0
        assert work[1] <= 2 * work[0]
