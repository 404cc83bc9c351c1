"""`--state FILE`: the job service's state in SQLite survives SIGKILL, and several server
processes on one file never hand one job to two workers."""

from __future__ import annotations

import sqlite3
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

from botocore.exceptions import ClientError, ConnectionClosedError, EndpointConnectionError, ReadTimeoutError

from ..support.job_service import ACTION_TYPE, JobService, job, seed_file
from .test_job_lifecycle import take

CONNECTION_ERRORS = (EndpointConnectionError, ConnectionClosedError, ReadTimeoutError, ConnectionError)


def test_nothing_is_lost_when_the_server_is_killed_and_started_again(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    seed = seed_file(tmp_path, [job(), job(), job(actionConfiguration={"configuration": {"ProjectName": "demo"}})])
    first = JobService("--jobs", str(seed), "--state", str(state)).start()
    client = first.client()
    done, running = client.poll_for_jobs(actionTypeId=ACTION_TYPE, maxBatchSize=2)["jobs"]
    client.acknowledge_job(jobId=done["id"], nonce=done["nonce"])
    client.put_job_success_result(jobId=done["id"], outputVariables={"built": "yes"})
    client.acknowledge_job(jobId=running["id"], nonce=running["nonce"])
    before = first.jobs()
    first.kill()

    # The same seed file again: its content was taken already, so it adds nothing.
    second = JobService("--jobs", str(seed), "--state", str(state)).start()
    try:
        client = second.client()
        after = second.jobs()
        assert after == before
        assert after[done["id"]]["status"] == "Succeeded"
        assert after[done["id"]]["outputVariables"] == {"built": "yes"}
        # The hand-out and its nonce survived: the worker goes on where it was.
        assert client.acknowledge_job(jobId=running["id"], nonce=running["nonce"])["status"] == "InProgress"
        client.put_job_success_result(jobId=running["id"])
        (last,) = client.poll_for_jobs(actionTypeId=ACTION_TYPE, maxBatchSize=5)["jobs"]
        assert last["data"]["actionConfiguration"] == {"configuration": {"ProjectName": "demo"}}
        assert len(second.jobs()) == 3
    finally:
        second.stop()


# The layout of a state file's settings before they were kept by lane (the earlier release's).
_SETTINGS_WITHOUT_LANES = (
    "CREATE TABLE settings (seq INTEGER NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (key, value, seq))",
    "INSERT INTO settings SELECT seq, key, value FROM queued_settings",
    "DROP TRIGGER jobs_handed_out",
    "DROP TABLE queued_settings",
    "CREATE INDEX settings_of_job ON settings (seq)",
    """CREATE TRIGGER jobs_handed_out AFTER UPDATE OF handed_out ON jobs
    BEGIN
        DELETE FROM settings WHERE seq = new.seq;
        INSERT INTO events VALUES (new.seq, 'handOut', new.updated_at);
    END""",
)


def test_a_state_file_from_before_settings_by_lane_is_moved_to_them_and_its_jobs_poll(tmp_path: Path) -> None:
    state = tmp_path / "state.sqlite"
    seed = seed_file(tmp_path, [job(actionConfiguration={"configuration": {"ProjectName": f"P{n}"}}) for n in range(3)])
    JobService("--jobs", str(seed), "--state", str(state)).start().kill()
    with sqlite3.connect(state) as db:
        for statement in _SETTINGS_WITHOUT_LANES:
            db.execute(statement)
    with JobService("--state", str(state)) as running:
        client = running.client()
        (second,) = client.poll_for_jobs(actionTypeId=ACTION_TYPE, queryParam={"ProjectName": "P1"})["jobs"]
        assert second["data"]["actionConfiguration"] == {"configuration": {"ProjectName": "P1"}}
        assert client.poll_for_jobs(actionTypeId=ACTION_TYPE, queryParam={"ProjectName": "P1"})["jobs"] == []
        assert len(client.poll_for_jobs(actionTypeId=ACTION_TYPE, maxBatchSize=5)["jobs"]) == 2
    with sqlite3.connect(state) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "settings" not in tables and db.execute("SELECT count(*) FROM queued_settings").fetchone() == (0,)


def test_without_state_a_restart_starts_empty(tmp_path: Path) -> None:
    seed = seed_file(tmp_path, [job()])
    with JobService("--jobs", str(seed)) as running:
        take(running.client())
    with JobService("--jobs", str(seed)) as running:
        (shown,) = running.jobs().values()
        assert shown["status"] == "Queued"


class Workers:
    """`count` job workers in threads, in AWS's loop, spread over the servers in `urls`
    (which the test may change: a restarted server has a new port)."""

    def __init__(self, services: list[JobService], count: int, total: int) -> None:
        self.services = services
        self.total = total
        self.acknowledged: Counter[str] = Counter()  # job id -> acknowledgements that said InProgress
        self.completed: Counter[str] = Counter()  # job id -> results the service took
        self.errors: list[str] = []
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._work, args=(index,), daemon=True) for index in range(count)]

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    def join(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        for thread in self._threads:
            thread.join(max(0.0, deadline - time.monotonic()))
        assert not any(thread.is_alive() for thread in self._threads), "the workers did not finish"

    def done(self) -> int:
        with self._lock:
            return len(self.completed)

    def _client(self, index: int, clients: dict[str, Any]) -> Any:
        service = self.services[index % len(self.services)]
        url = service.url  # a restarted server has a new port
        if url not in clients:
            clients[url] = service.client()
        return clients[url]

    def _work(self, index: int) -> None:
        clients: dict[str, Any] = {}

        def retried(call: Any) -> Any:
            """`call(client)` until a server answers. The same call again is safe: a second
            acknowledgement with the same nonce answers InProgress again (the default)."""
            while True:
                try:
                    return call(self._client(index, clients))
                except CONNECTION_ERRORS:
                    time.sleep(0.05)

        while self.done() < self.total:
            try:
                jobs = retried(lambda c: c.poll_for_jobs(actionTypeId=ACTION_TYPE, maxBatchSize=1))["jobs"]
                if not jobs:
                    time.sleep(0.05)
                    continue
                (taken,) = jobs
                status = retried(lambda c, taken=taken: c.acknowledge_job(jobId=taken["id"], nonce=taken["nonce"]))["status"]
                if status != "InProgress":
                    continue
                with self._lock:
                    self.acknowledged[taken["id"]] += 1
                try:
                    retried(lambda c, taken=taken: c.put_job_success_result(jobId=taken["id"]))
                except ClientError as exc:  # the server took it, then died before it answered
                    if exc.response["Error"]["Code"] != "InvalidJobStateException":
                        raise
                with self._lock:
                    self.completed[taken["id"]] += 1
            except ClientError as exc:
                if exc.response["Error"]["Code"] != "InvalidNonceException":  # handed out again
                    with self._lock:
                        self.errors.append(str(exc))


def test_24_workers_on_two_servers_drain_1500_jobs_once_each_through_a_sigkill(tmp_path: Path) -> None:
    total = 1500
    state = tmp_path / "state.sqlite"
    seed = seed_file(tmp_path, [job() for _ in range(total)])
    # A job whose hand-out was lost with the killed server comes back after 5 seconds.
    options = ("--state", str(state), "--redelivery-seconds", "5")
    one = JobService("--jobs", str(seed), *options).start()
    two = JobService(*options).start()
    services = [one, two]
    workers = Workers(services, 24, total)
    try:
        workers.start()
        deadline = time.monotonic() + 300
        while workers.done() < total // 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        one.kill()
        killed_at = workers.done()
        services[0] = JobService(*options).start()
        workers.join(300)
        jobs = services[1].jobs()
    finally:
        for service in services:
            service.stop()
    print(f"\n1,500 jobs, 24 workers, 2 servers; killed one at {killed_at} done; hand-outs {sum(len(j['handOuts']) for j in jobs.values())}")
    assert 0 < killed_at < total
    assert workers.errors == []
    assert len(jobs) == total
    assert Counter(shown["status"] for shown in jobs.values()) == {"Succeeded": total}
    assert set(workers.completed) == set(jobs)
    # No job went to two workers: each was acknowledged as InProgress by one worker, once.
    assert set(workers.acknowledged.values()) == {1}
    assert all(len(shown["acknowledgements"]) == 1 for shown in jobs.values())
