"""Canary secrets (tests/support/canary.py) never show: not in a log line, repr, exception text,
validation message or error answer.

The canaries are the artifact credentials of seeded jobs, the server's SigV4 secret key and
a client's secret key and session token, shaped like real ones (secret keys of 40 base64
characters, one with no '/'). Each key is also put where a request carries a header the
server reads, and may quote, by mistake: the `Authorization` header (whole, as the
algorithm, each part of the credential scope, the signed headers, the signature),
`X-Amz-Date`, `X-Amz-Target` (which the access log names), `Content-Type`, the session
token, `X-Amz-Content-Sha256` and an unsigned `x-amz-*` header. Each test runs with every logger at DEBUG and
captures everything: log records (tracebacks included), stdout and stderr at the file
descriptor level, error answers, exception texts with causes and notes, and reprs. The one
legitimate place for the artifact credentials, the body of a successful PollForJobs answer
(they are what a job worker polls for), is checked to hold them and left out of the scan.
The whole test run is scanned as well, by tests/support/canary_plugin.py.
"""

from __future__ import annotations

import json
import logging
import re
import subprocess
import sys
import textwrap
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pydantic
import pytest
from pollforjobs import errors, jobqueue, models, validators, wire
from pollforjobs.client import CodePipelineClient
from pollforjobs.server import create_app, load_credentials
from pollforjobs.server_auth import SigV4Verifier

from ..conftest import ROOT
from ..support import canary
from ..support.aws_like_server import Answer, error, running_server
from ..support.hostile_harness import CONTENT_TYPE, KeepAlive, sign
from ..support.server_harness import Served

TARGET = "CodePipeline_20150709.PollForJobs"
ACTION_TYPE = {"category": "Test", "owner": "Custom", "provider": "CanaryTool", "version": "1"}
REQUEST = {"actionTypeId": ACTION_TYPE, "maxBatchSize": 1}
KEYS = {"aws_access_key_id": canary.SIGV4_ACCESS_KEY_ID, "aws_secret_access_key": canary.SIGV4_SECRET_KEY}


def job_data(credentials: Any = canary.ARTIFACT_CREDENTIALS) -> dict[str, Any]:
    return {
        "actionTypeId": ACTION_TYPE,
        "actionConfiguration": {"configuration": {"ProjectName": "canary"}},
        "artifactCredentials": credentials,
    }


def shown(exc: BaseException) -> str:
    """All a user could see of an exception: its traceback (causes, context, notes) and repr."""
    return "".join(traceback.format_exception(exc)) + repr(exc) + str(exc)


class Formatted(logging.Handler):
    """Keeps every record as formatted text, traceback included."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


class Seen:
    """Everything a test captured; `assert_clean()` at its end scans it all."""

    def __init__(self, capfd: pytest.CaptureFixture[str], records: Formatted) -> None:
        self.texts: list[tuple[str, str]] = []
        self._capfd = capfd
        self._records = records

    def add(self, where: str, text: str) -> None:
        self.texts.append((where, text))

    def raised(self, where: str, call: Any) -> BaseException:
        try:
            call()
        except Exception as exc:  # noqa: BLE001 - every kind is scanned
            self.add(where, shown(exc))
            return exc
        raise AssertionError(f"{where}: nothing was raised")

    def assert_clean(self) -> None:
        out, err = self._capfd.readouterr()
        self.add("stdout", out)
        self.add("stderr", err)
        self.add("log", "\n".join(self._records.lines))
        assert self._records.lines, "nothing was logged; the scan would prove little"
        leaks = [(where, canary.found_in(text)) for where, text in self.texts]
        assert [leak for leak in leaks if leak[1]] == []


@pytest.fixture
def seen(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> Iterator[Seen]:
    caplog.set_level(logging.DEBUG)
    for name in ("pollforjobs", "pollforjobs.server", "pollforjobs.client", "botocore", "urllib3", "uvicorn.error"):
        caplog.set_level(logging.DEBUG, logger=name)
    records = Formatted()
    loggers = [logging.getLogger(name) for name in ("", "uvicorn")]
    for logger in loggers:
        logger.addHandler(records)
    try:
        yield Seen(capfd, records)
    finally:
        for logger in loggers:
            logger.removeHandler(records)


def seeded_queue(count: int = 5) -> jobqueue.JobQueue:
    queue = jobqueue.JobQueue()
    for _ in range(count):
        queue.add_job(job_data())
    return queue


class CrashingHandler:
    """Fails in the ways a handler can: an exception, and output that is not the output shape."""

    def poll_for_jobs(self, request: models.PollForJobsInput) -> Any:
        if request.max_batch_size == 2:
            raise RuntimeError("the job store is down")
        credentials = {**canary.ARTIFACT_CREDENTIALS, "sessionToken": 5}
        return {"jobs": [{"data": job_data(credentials)}]}


def signed_request(url: str, body: bytes, headers: dict[str, str] | None = None, **options: Any) -> dict[str, str]:
    settings = {"access_key": canary.SIGV4_ACCESS_KEY_ID, "secret_key": canary.SIGV4_SECRET_KEY, **options}
    return sign(url, body, {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE, **(headers or {})}, **settings)


def with_scope_part(headers: dict[str, str], part: int, value: str) -> dict[str, str]:
    """`headers` with one part of the Authorization's credential (id/date/region/service/term) replaced."""
    authorization = headers["Authorization"]
    credential = authorization.split("Credential=", 1)[1].split(",", 1)[0]
    parts = credential.split("/")
    parts[part] = value
    return {**headers, "Authorization": authorization.replace(credential, "/".join(parts), 1)}


def key_like_requests(url: str, body: bytes, key: str) -> list[dict[str, str]]:
    """Requests with `key` in each header the server reads (each refused, or served unquoted)."""
    good = signed_request(url, body)
    authorization = good["Authorization"]
    requests = [
        {"Authorization": key},
        {"Authorization": authorization.replace("AWS4-HMAC-SHA256", key, 1)},
        {"Authorization": authorization.replace("SignedHeaders=", f"SignedHeaders={key};", 1)},
        {"Authorization": authorization.split("Signature=")[0] + "Signature=" + key},
        good | {"X-Amz-Date": key},
        good | {"X-Amz-Security-Token": key},  # not signed
        good | {"X-Amz-Canary": key},
        signed_request(url, body, {"X-Amz-Target": key}),
        signed_request(url, body, {"X-Amz-Target": "CodePipeline_20150709." + key}),
        signed_request(url, body, {"Content-Type": key}),
        signed_request(url, body, {"Content-Type": CONTENT_TYPE + "; charset=" + key}),
        signed_request(url, body, {"X-Amz-Content-Sha256": key}),
        signed_request(url, body, token=key),  # served: the token is not checked, nor quoted
    ]
    if "/" not in key:  # in the credential, a key with '/' splits into more parts
        requests += [with_scope_part(good, part, key) for part in range(5)]
    return requests


def test_server_and_job_queue(seen: Seen) -> None:
    credentials = {canary.SIGV4_ACCESS_KEY_ID: canary.SIGV4_SECRET_KEY}
    queue = seeded_queue()
    app = create_app(queue, credentials=credentials)
    seen.add("reprs", repr(app) + repr(queue) + repr(SigV4Verifier(credentials)) + repr(queue.pending()))
    body = json.dumps(REQUEST).encode()
    with Served(app) as served:
        connection = KeepAlive(served.port)
        success = connection.send("POST", "/", signed_request(served.url, body, token=canary.SIGV4_SESSION_TOKEN), body)
        assert success.status == 200
        assert canary.ARTIFACT_SECRET_KEY in success.body.decode()  # where it belongs, and nowhere else
        spoiled = [
            signed_request(served.url, body, secret_key=canary.ARTIFACT_SECRET_KEY),  # signed with another secret
            signed_request(served.url, body, token=canary.SIGV4_SESSION_TOKEN)
            | {"X-Amz-Security-Token": canary.ARTIFACT_SESSION_TOKEN},
            {
                "Authorization": f"AWS4-HMAC-SHA256 Credential={canary.SIGV4_SECRET_KEY}, SignedHeaders=host, Signature=0"
            },
            {"Authorization": canary.SIGV4_SECRET_KEY},
            {"Authorization": f"{canary.SIGV4_SESSION_TOKEN} {canary.SIGV4_SECRET_KEY}"},
            signed_request(served.url, body) | {"X-Amz-Date": canary.SIGV4_SESSION_TOKEN},
            signed_request(served.url, body) | {"X-Amz-Content-Sha256": canary.SIGV4_SECRET_KEY},
        ]
        for number, headers in enumerate(spoiled):
            reply = connection.send(
                "POST", "/", {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE, **headers}, body
            )
            assert reply.status in (400, 403)
            seen.add(f"error answer {number}", reply.body.decode() + json.dumps(reply.headers))
        for key in canary.KEY_LIKE:
            for number, headers in enumerate(key_like_requests(served.url, body, key)):
                reply = connection.send("POST", "/", {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE, **headers}, body)
                if reply.status == 200:  # the key as the session token: served, and not quoted
                    assert canary.ARTIFACT_SECRET_KEY in reply.body.decode()
                    continue
                seen.add(f"error answer for a key-like value {number}", reply.body.decode() + json.dumps(reply.headers))
        connection.close()
    with Served(create_app(CrashingHandler())) as served:
        for batch in (1, 2):
            reply = KeepAlive(served.port).send(
                "POST",
                "/",
                {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE},
                json.dumps({**REQUEST, "maxBatchSize": batch}).encode(),
            )
            assert reply.status == 500
            seen.add("internal failure", reply.body.decode())
    seen.assert_clean()


def test_job_queue_and_credentials_files_refuse_without_echoing(seen: Seen, tmp_path: Path) -> None:
    bad_credentials = [
        {"accessKeyId": canary.ARTIFACT_ACCESS_KEY_ID, "secretAccessKey": canary.ARTIFACT_SECRET_KEY},
        {**canary.ARTIFACT_CREDENTIALS, "sessionToken": 5},
        [canary.ARTIFACT_SECRET_KEY],
        canary.ARTIFACT_SESSION_TOKEN,
    ]
    for number, credentials in enumerate(bad_credentials):
        seen.raised(f"add_job {number}", lambda c=credentials: jobqueue.JobQueue().add_job(job_data(c)))
        seen.raised(
            f"add_seed {number}", lambda c=credentials: jobqueue.JobQueue().add_seed({"jobs": [{"data": job_data(c)}]})
        )
    broken = tmp_path / "jobs.json"
    broken.write_text(json.dumps({"jobs": [{"data": job_data()}]})[:-3], encoding="utf-8")
    seen.raised("seed file", lambda: jobqueue.create_handler(str(broken)))
    for number, text in enumerate(
        [
            json.dumps({canary.SIGV4_ACCESS_KEY_ID: canary.SIGV4_SECRET_KEY})[:-2],
            json.dumps({canary.SIGV4_ACCESS_KEY_ID: [canary.SIGV4_SECRET_KEY]}),
            json.dumps([canary.SIGV4_SECRET_KEY]),
            json.dumps({canary.SIGV4_ACCESS_KEY_ID: canary.SIGV4_SECRET_KEY, "": canary.SIGV4_SESSION_TOKEN}),
        ]
    ):
        path = tmp_path / f"credentials{number}.json"
        path.write_text(text, encoding="utf-8")
        seen.raised(f"credentials file {number}", lambda p=path: load_credentials(p))
        result = subprocess.run(
            [
                sys.executable,
                "-m",
                "pollforjobs.server",
                "--port",
                "0",
                "--credentials",
                str(path),
                "--log-level",
                "debug",
            ],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 2
        seen.add(f"server command {number}", result.stdout + result.stderr)
    logging.getLogger("pollforjobs").debug("seeding and credentials checked")
    seen.assert_clean()


def test_validators_wire_reader_and_models(seen: Seen) -> None:
    bad = [
        {"accessKeyId": canary.ARTIFACT_ACCESS_KEY_ID, "secretAccessKey": canary.ARTIFACT_SECRET_KEY},
        {**canary.ARTIFACT_CREDENTIALS, "sessionToken": 5},
        {**canary.ARTIFACT_CREDENTIALS, "secretAccessKey": [canary.ARTIFACT_SECRET_KEY]},
        [canary.ARTIFACT_SECRET_KEY],
        canary.ARTIFACT_SECRET_KEY,
    ]
    for number, credentials in enumerate(bad):
        document = {"jobs": [{"id": "not-a-job-id", "data": job_data(credentials)}]}
        violations = validators.validate_response(document)
        assert violations
        seen.add(f"violations {number}", repr(violations) + validators.format_message(violations))
        seen.add(f"ValidationFailedError {number}", shown(validators.ValidationFailedError(violations)))
        try:
            wire.read_poll_for_jobs_response(document)
        except wire.ResponseFormatError as exc:
            seen.add(f"read_response {number}", shown(exc))
    output = wire.read_poll_for_jobs_response({"jobs": [{"data": job_data()}]})
    job = (output.jobs or [])[0]
    assert job.data and job.data.artifact_credentials
    assert job.data.artifact_credentials.secret_access_key == canary.ARTIFACT_SECRET_KEY
    for value in (output, job, job.data, job.data.artifact_credentials):
        seen.add(f"repr of {type(value).__name__}", repr(value) + str(value) + f"{value}" + f"{value!r}")
        print(value)
        logging.getLogger("pollforjobs").debug("model: %s %r", value, value)
    print(output.jobs, [job.data])
    seen.assert_clean()


def test_model_validation_errors(seen: Seen) -> None:
    document = {
        "jobs": [
            {
                "data": job_data(
                    {"accessKeyId": canary.ARTIFACT_ACCESS_KEY_ID, "secretAccessKey": canary.ARTIFACT_SECRET_KEY}
                )
            }
        ]
    }
    for model in (models.PollForJobsOutput, models.Job, models.JobData, models.AWSSessionCredentials):
        part: Any = document
        if model is not models.PollForJobsOutput:
            part = document["jobs"][0]
        if model in (models.JobData, models.AWSSessionCredentials):
            part = part["data"]
        if model is models.AWSSessionCredentials:
            part = part["artifactCredentials"]
        error_raised = seen.raised(f"{model.__name__}.model_validate", lambda m=model, p=part: m.model_validate(p))
        assert isinstance(error_raised, pydantic.ValidationError)
    logging.getLogger("pollforjobs").debug("models checked")
    seen.assert_clean()


def test_client(seen: Seen, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    queue = seeded_queue(3)
    with Served(create_app(queue, credentials={canary.SIGV4_ACCESS_KEY_ID: canary.SIGV4_SECRET_KEY})) as served:
        client = CodePipelineClient(
            region_name="us-east-1", endpoint_url=served.url, aws_session_token=canary.SIGV4_SESSION_TOKEN, **KEYS
        )
        seen.add("client repr", repr(client) + str(client))
        output = client.poll_for_jobs(REQUEST)
        assert output.jobs and output.jobs[0].data and output.jobs[0].data.artifact_credentials
        seen.add("output repr", repr(output) + str(output))
        wrong = CodePipelineClient(
            region_name="us-east-1",
            endpoint_url=served.url,
            aws_access_key_id=canary.SIGV4_ACCESS_KEY_ID,
            aws_secret_access_key=canary.ARTIFACT_SECRET_KEY,
        )
        failure = seen.raised("wrong secret", lambda: wrong.poll_for_jobs(REQUEST))
        assert isinstance(failure, errors.InvalidSignatureException)
        # Credentials from the environment: botocore's whole chain runs, and logs at debug.
        for name in (
            "AWS_PROFILE",
            "AWS_DEFAULT_PROFILE",
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
        ):
            monkeypatch.delenv(name, raising=False)
        monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
        monkeypatch.setenv("AWS_ACCESS_KEY_ID", canary.SIGV4_ACCESS_KEY_ID)
        monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", canary.SIGV4_SECRET_KEY)
        monkeypatch.setenv("AWS_SESSION_TOKEN", canary.SIGV4_SESSION_TOKEN)
        from_environment = CodePipelineClient(region_name="us-east-1", endpoint_url=served.url)
        assert from_environment.poll_for_jobs(REQUEST).jobs
    with_artifacts = json.dumps({"jobs": [{"id": "0d7b4c2e-7a4f-4a39-9e0f-1c2d3e4f5a6b", "data": job_data()}]})
    with running_server() as fake:
        client = CodePipelineClient(
            region_name="us-east-1",
            endpoint_url=fake.url,
            aws_session_token=canary.SIGV4_SESSION_TOKEN,
            read_timeout=0.3,
            **KEYS,
        )
        client._retry.TRANSIENT_BASE_DELAY = 0.001
        client._retry.THROTTLING_BASE_DELAY = 0.001
        fake.answer(error(500, "InternalFailure"), Answer(200, with_artifacts))  # retried, logged at debug
        assert client.poll_for_jobs(REQUEST).jobs
        failing = [
            [error(400, "ThrottlingException")] * 3,
            [Answer(502, "<html>" + with_artifacts + "</html>", {"Content-Type": "text/html"})] * 3,
            [Answer(200, with_artifacts[:-40])],
            [Answer(200, with_artifacts.replace('"sessionToken": "', '"sessionToken": 5, "x": "'))],
            [Answer(400, with_artifacts)],
            [Answer(drop=True)] * 3,
            [Answer(delay=1.0)] * 3,
        ]
        for number, answers in enumerate(failing):
            fake.answer(*answers)
            seen.raised(f"client failure {number}", lambda: client.poll_for_jobs(REQUEST))
    assert all(request.headers.get("x-amz-security-token") == canary.SIGV4_SESSION_TOKEN for request in fake.requests)
    seen.assert_clean()


# The suite runs its files on pytest-xdist workers: a secret logged in a worker must fail the run too.
@pytest.mark.parametrize("workers", [[], ["-n", "2"]], ids=["one-process", "xdist-workers"])
def test_the_plugin_fails_a_run_that_shows_a_canary(tmp_path: Path, workers: list[str]) -> None:
    (tmp_path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")
    (tmp_path / "test_inner.py").write_text(
        textwrap.dedent(
            """
            import logging
            from tests.support import canary

            def test_logs_a_secret():
                logging.getLogger("app").warning("token=%s", canary.SIGV4_SESSION_TOKEN)

            def test_prints_a_secret():
                print("key", canary.ARTIFACT_SECRET_KEY)

            def test_clean():
                logging.getLogger("app").warning("nothing to see")
            """
        ),
        encoding="utf-8",
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        "-p",
        "tests.support.canary_plugin",
        "-p",
        "no:cacheprovider",
        "--rootdir",
        str(tmp_path),
        "-c",
        str(tmp_path / "pytest.ini"),
        *workers,
    ]
    leaky = subprocess.run(
        [*command, str(tmp_path / "test_inner.py")], cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )
    assert "3 passed" in leaky.stdout
    assert leaky.returncode == 1
    assert "canary secrets shown" in leaky.stdout
    assert "log record of 'app'" in leaky.stdout and "SigV4 session token" in leaky.stdout
    assert "test_prints_a_secret (call): Captured stdout call shows ['artifact secretAccessKey']" in leaky.stdout
    assert canary.found_in(leaky.stdout + leaky.stderr) == []  # it says where, never what
    clean = subprocess.run(
        [*command, "-k", "clean", str(tmp_path / "test_inner.py")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert clean.returncode == 0
    assert "0 showed a canary secret" in clean.stdout


def test_the_canaries_look_like_real_keys_and_any_12_characters_of_one_show_it() -> None:
    base64 = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    for key in (canary.ARTIFACT_SECRET_KEY, canary.SIGV4_SECRET_KEY):
        assert len(key) == 40 and set(key) <= base64
    assert "/" in canary.ARTIFACT_SECRET_KEY and not {"/", "+"} & set(canary.SIGV4_SECRET_KEY)
    for token in (canary.ARTIFACT_SESSION_TOKEN, canary.SIGV4_SESSION_TOKEN):
        assert len(token) > 200 and set(token.rstrip("=")) <= base64
    assert re.fullmatch(r"ASIA[A-Z0-9]{16}", canary.ARTIFACT_ACCESS_KEY_ID)
    for secret in canary.SECRETS:
        for start in range(len(secret) - canary.WINDOW + 1):
            piece = secret[start : start + canary.WINDOW]
            assert canary.found_in(f"... {piece} ...") != [], piece
        assert canary.found_in(secret[: canary.WINDOW - 1]) == []
    names = {canary.found_in(secret)[0] for secret in canary.SECRETS}
    assert len(names) == len(canary.SECRETS)  # a whole secret is named, and told from the others
