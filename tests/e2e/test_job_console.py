"""The /_local/ console of the bundled job service: its JSON API, its page, who may use it,
and what it never shows."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from pollforjobs.jobconsole import Console
from pollforjobs.jobqueue import JobQueue

from ..support.job_service import ACTION_TYPE, JobService, job, seed_file
from ..support.server_harness import Served
from .test_job_lifecycle import take

TOKEN = "console-admin-token-8f1c2"


def fetch(url: str, body: Any = None, headers: dict[str, str] | None = None) -> tuple[int, bytes, dict[str, str]]:
    data = json.dumps(body).encode("utf-8") if body is not None else None
    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.read(), dict(answer.headers)
    except urllib.error.HTTPError as failure:
        return failure.code, failure.read(), dict(failure.headers)


def test_the_json_api_queues_lists_and_shows_jobs(tmp_path: Path) -> None:
    with JobService("--jobs", str(seed_file(tmp_path, []))) as service:
        status, body, _ = fetch(f"{service.url}/_local/api/jobs", job(actionConfiguration={"configuration": {"ProjectName": "demo"}}))
        assert status == 201
        created = json.loads(body)
        assert set(created) == {"id", "status"} and created["status"] == "Queued"
        taken = take(service.client())
        assert taken["id"] == created["id"]
        (listed,) = service.console()["jobs"]
        one = service.console(f"api/jobs/{created['id']}")
        assert one == listed
        for key in ("id", "status", "handOuts", "acknowledgements", "result", "executionDetails", "outputVariables", "failureDetails", "continues"):
            assert key in listed
        assert listed["status"] == "Dispatched" and len(listed["handOuts"]) == 1
        shown = json.dumps(service.console())
        assert taken["nonce"] not in shown
        for secret in taken["data"]["artifactCredentials"].values():
            assert secret not in shown


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"data": {"actionTypeId": dict(ACTION_TYPE, provider="bad$")}}, 400, "failed to satisfy constraint"),
        ({"data": {}}, 400, "a job needs data.actionTypeId"),
        ({"data": {"actionTypeId": ACTION_TYPE}, "secret": 1}, 400, "unknown members ['secret']"),
    ],
)
def test_a_bad_job_is_a_400_with_the_reason(tmp_path: Path, body: Any, status: int, message: str) -> None:
    queue = JobQueue()
    with Served(Console(_never, queue)) as served:
        got, answer, _ = fetch(f"{served.url}/_local/api/jobs", body)
    assert got == status
    assert message in json.loads(answer)["message"]


async def _never(scope: Any, receive: Any, send: Any) -> None:
    """The app behind the console: it gets only the lifespan here."""
    if scope["type"] == "lifespan":
        while (await receive())["type"] != "lifespan.shutdown":
            await send({"type": "lifespan.startup.complete"})
        await send({"type": "lifespan.shutdown.complete"})
        return
    raise AssertionError("the console answers its own paths")


def test_an_unknown_job_is_404_and_the_page_is_self_contained() -> None:
    with Served(Console(_never, JobQueue())) as served:
        status, _, _ = fetch(f"{served.url}/_local/api/jobs/00000000-0000-4000-8000-000000000000")
        assert status == 404
        status, page, headers = fetch(f"{served.url}/_local/")
    assert status == 200 and headers["content-type"].startswith("text/html")
    text = page.decode("utf-8")
    assert "<form" in text and "setInterval(refresh" in text
    assert "http://" not in text and "https://" not in text  # nothing from outside the machine
    assert "default-src 'self'" in headers["content-security-policy"]


def test_other_paths_go_to_the_codepipeline_app(tmp_path: Path) -> None:
    with JobService("--jobs", str(seed_file(tmp_path, [job()]))) as service:
        assert take(service.client())["data"]["actionTypeId"] == ACTION_TYPE


def _scope_client(address: str) -> Any:
    """An ASGI app that calls the console as if the request came from `address`."""

    class FromAddress:
        def __init__(self, console: Console) -> None:
            self.console = console

        async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
            if scope["type"] == "http":
                scope = dict(scope, client=(address, 50000))
            await self.console(scope, receive, send)

    return FromAddress


@pytest.mark.parametrize(("address", "allowed"), [("127.0.0.1", True), ("::1", True), ("192.0.2.7", False), ("10.0.0.1", False)])
def test_without_a_token_only_loopback_clients_are_answered(address: str, allowed: bool) -> None:
    app = _scope_client(address)(Console(_never, JobQueue()))
    with Served(app) as served:
        status, body, _ = fetch(f"{served.url}/_local/api/jobs")
    assert status == (200 if allowed else 403)
    if not allowed:
        assert json.loads(body) == {"message": "The console answers loopback clients, or the admin token."}


def test_with_a_token_every_client_needs_it() -> None:
    app = _scope_client("192.0.2.7")(Console(_never, JobQueue(), admin_token=TOKEN))
    with Served(app) as served:
        assert fetch(f"{served.url}/_local/api/jobs")[0] == 403
        assert fetch(f"{served.url}/_local/api/jobs", headers={"Authorization": "Bearer wrong"})[0] == 403
        assert fetch(f"{served.url}/_local/api/jobs", headers={"Authorization": f"Bearer {TOKEN}"})[0] == 200
        status, page, headers = fetch(f"{served.url}/_local/?token={TOKEN}")
        assert status == 200 and "HttpOnly" in headers["set-cookie"]
        assert TOKEN not in page.decode("utf-8")
        cookie = headers["set-cookie"].split(";")[0]
        assert fetch(f"{served.url}/_local/api/jobs", headers={"Cookie": cookie})[0] == 200
    # Loopback is no exception once a token is set.
    with Served(Console(_never, JobQueue(), admin_token=TOKEN)) as served:
        assert fetch(f"{served.url}/_local/api/jobs")[0] == 403
    assert TOKEN not in repr(Console(_never, JobQueue(), admin_token=TOKEN))


def test_the_server_option_sets_the_token(tmp_path: Path) -> None:
    with JobService("--jobs", str(seed_file(tmp_path, [])), "--admin-token", TOKEN) as service:
        assert fetch(f"{service.url}/_local/api/jobs")[0] == 403
        assert fetch(f"{service.url}/_local/api/jobs", headers={"Authorization": f"Bearer {TOKEN}"})[0] == 200


def test_seeded_canary_credentials_reach_the_worker_and_never_the_console_or_log(tmp_path: Path) -> None:
    from ..support import canary

    seeded = job()
    seeded["data"]["artifactCredentials"] = canary.ARTIFACT_CREDENTIALS
    with JobService("--jobs", str(seed_file(tmp_path, [seeded]))) as service:
        client = service.client()
        taken = take(client)
        assert taken["data"]["artifactCredentials"]["secretAccessKey"] == canary.ARTIFACT_SECRET_KEY
        details = client.get_job_details(jobId=taken["id"])["jobDetails"]
        assert details["data"]["artifactCredentials"]["secretAccessKey"] == canary.ARTIFACT_SECRET_KEY
        client.acknowledge_job(jobId=taken["id"], nonce=taken["nonce"])
        client.put_job_success_result(jobId=taken["id"])
        shown = json.dumps(service.console()) + fetch(f"{service.url}/_local/")[1].decode("utf-8")
    logged = "".join(service.lines)
    for secret in canary.KEY_LIKE:
        assert secret not in shown
        assert secret not in logged
