"""Smithy RPC v2 CBOR against `python -m pollforjobs.server`, beside AWS JSON on the same server.

boto3 gets a copy of botocore's own CodePipeline model that lists only `smithy-rpc-v2-cbor`,
through botocore's loader search path (AWS_DATA_PATH, as a user would add a model), not a
patched botocore: it then sends `POST /service/CodePipeline_20150709/operation/PollForJobs`
with CBOR bodies. The same server process answers boto3 speaking AWS JSON, and the generated
client in either mode.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import logging
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import botocore
import cbor2
import pydantic
import pytest
from botocore.exceptions import ClientError
from pollforjobs import errors, models
from pollforjobs._runtime.protocols.cbor_codec import CBOR
from pollforjobs._runtime.protocols.json_codec import JSON
from pollforjobs.client import CodePipelineClient
from pollforjobs.server import OPERATIONS, create_app

from ..support.cbor_harness import SERVICE_PATH, cbor_post
from ..support.server_harness import ACCESS_KEY, SECRET_KEY, TARGET, Served, access_lines
from .test_server_sdks import SEED, ServerProcess, action_type, server_command

MODEL_SOURCE = Path(botocore.__file__).parent / "data" / "codepipeline" / "2015-07-09"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    folder = tmp_path_factory.mktemp("cbor-server")
    (folder / "jobs.json").write_text(json.dumps(SEED), encoding="utf-8")
    (folder / "credentials.json").write_text(json.dumps({ACCESS_KEY: SECRET_KEY}), encoding="utf-8")
    command = server_command("--port", "0", "--jobs", str(folder / "jobs.json"), "--credentials", str(folder / "credentials.json"))
    process = subprocess.Popen(command, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    try:
        yield ServerProcess(process)
    finally:
        process.terminate()
        process.wait(30)


@pytest.fixture(scope="module")
def cbor_data_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A botocore data folder holding CodePipeline's model with only smithy-rpc-v2-cbor."""
    folder = tmp_path_factory.mktemp("botocore-data")
    target = folder / "codepipeline" / "2015-07-09"
    target.mkdir(parents=True)
    model = json.loads(gzip.decompress((MODEL_SOURCE / "service-2.json.gz").read_bytes()))
    assert model["metadata"]["protocols"] == ["smithy-rpc-v2-cbor", "json"]  # what AWS ships today
    model["metadata"].update(protocol="smithy-rpc-v2-cbor", protocols=["smithy-rpc-v2-cbor"])
    (target / "service-2.json").write_text(json.dumps(model), encoding="utf-8")
    shutil.copy(MODEL_SOURCE / "endpoint-rule-set-1.json.gz", target)
    return folder


def boto3_client(server: ServerProcess, data_path: Path | None, **options: Any) -> Any:
    session = boto3.session.Session()
    if data_path is not None:
        # The loader's search path, as AWS_DATA_PATH would set it: a user's model folder first.
        loader = session._session.get_component("data_loader")
        loader.search_paths.insert(0, str(data_path))
    settings = {"endpoint_url": server.url, "region_name": "us-east-1", "aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
    return session.client("codepipeline", **{**settings, **options})


def captured_requests(client: Any) -> list[Any]:
    seen: list[Any] = []
    client.meta.events.register("before-send.codepipeline.PollForJobs", lambda request, **_: seen.append(request))
    return seen


def test_boto3_with_a_cbor_only_model_gets_the_seeded_jobs(server: ServerProcess, cbor_data_path: Path) -> None:
    client = boto3_client(server, cbor_data_path)
    assert client.meta.service_model.resolved_protocol == "smithy-rpc-v2-cbor"
    sent = captured_requests(client)
    jobs = client.poll_for_jobs(actionTypeId=action_type("BotoTool"), maxBatchSize=5)["jobs"]
    assert [job["id"] for job in jobs] == ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"]
    assert jobs[0]["data"]["actionConfiguration"]["configuration"] == {"ProjectName": "Project1"}
    request = sent[0]
    assert request.url.endswith(SERVICE_PATH)
    assert request.headers["Content-Type"] == b"application/cbor" and request.headers["smithy-protocol"] == b"rpc-v2-cbor"
    assert "X-Amz-Target" not in request.headers
    assert cbor2.loads(request.body)["maxBatchSize"] == 5


def test_boto3_cbor_modeled_errors_carry_aws_messages(server: ServerProcess, cbor_data_path: Path) -> None:
    client = boto3_client(server, cbor_data_path)
    with pytest.raises(client.exceptions.ActionTypeNotFoundException) as missing:
        client.poll_for_jobs(actionTypeId=action_type("NobodyRegisteredThis"))
    assert missing.value.response["Error"]["Message"] == "The specified action type cannot be found."
    assert missing.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    strict = boto3_client(server, cbor_data_path, config=botocore.config.Config(parameter_validation=False))
    with pytest.raises(strict.exceptions.ValidationException) as invalid:
        strict.poll_for_jobs(actionTypeId=action_type("BotoTool"), maxBatchSize=0)
    assert invalid.value.response["Error"]["Message"] == (
        "1 validation error detected: Value '0' at 'maxBatchSize' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )


def test_boto3_cbor_with_a_wrong_secret_gets_invalid_signature(server: ServerProcess, cbor_data_path: Path) -> None:
    client = boto3_client(server, cbor_data_path, aws_secret_access_key=SECRET_KEY + "-wrong")
    with pytest.raises(ClientError) as caught:
        client.poll_for_jobs(actionTypeId=action_type("BotoTool"))
    assert caught.value.response["Error"]["Code"] == "InvalidSignatureException"
    assert caught.value.response["Error"]["Message"].startswith("The request signature we calculated does not match")
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_the_same_server_answers_boto3_in_aws_json(server: ServerProcess, cbor_data_path: Path) -> None:
    client = boto3_client(server, None)
    assert client.meta.service_model.resolved_protocol == "json"  # boto3's pick from ["smithy-rpc-v2-cbor", "json"]
    sent = captured_requests(client)
    assert client.poll_for_jobs(actionTypeId=action_type("EmptyTool"))["jobs"] == []
    assert sent[0].headers["X-Amz-Target"] == b"CodePipeline_20150709.PollForJobs"
    with pytest.raises(client.exceptions.ActionTypeNotFoundException):
        client.poll_for_jobs(actionTypeId=action_type("NobodyRegisteredThis"))


def generated(server: ServerProcess, **options: Any) -> CodePipelineClient:
    settings: dict[str, Any] = {"region_name": "us-east-1", "endpoint_url": server.url, "aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
    return CodePipelineClient(**{**settings, **options})


def test_the_generated_client_in_cbor_mode_passes_the_same_checks(server: ServerProcess) -> None:
    client = generated(server, protocol="rpcv2Cbor")
    jobs = client.poll_for_jobs(actionTypeId=action_type("CliTool"), maxBatchSize=1).jobs
    assert jobs is not None and [job.id for job in jobs] == ["00000000-0000-4000-8000-000000000003"]
    with pytest.raises(errors.ActionTypeNotFoundException) as missing:
        client.poll_for_jobs(actionTypeId=action_type("NobodyRegisteredThis"))
    assert missing.value.message == "The specified action type cannot be found." and missing.value.status_code == 400
    with pytest.raises(errors.ValidationException) as invalid:
        generated(server, protocol="rpcv2Cbor", validate_requests=False).poll_for_jobs(actionTypeId=action_type("CliTool"), maxBatchSize=0)
    assert invalid.value.message.startswith("1 validation error detected: Value '0' at 'maxBatchSize'")
    with pytest.raises(errors.InvalidSignatureException) as wrong:
        generated(server, protocol="rpcv2Cbor", aws_secret_access_key=SECRET_KEY + "-wrong").poll_for_jobs(actionTypeId=action_type("CliTool"))
    assert wrong.value.status_code == 400 and SECRET_KEY not in str(wrong.value) and SECRET_KEY not in repr(wrong.value)
    assert not getattr(wrong.value, "__notes__", None)  # not retried, as in JSON mode


def test_the_generated_client_defaults_to_what_boto3_picks(server: ServerProcess) -> None:
    assert type(generated(server)._protocol).__name__ == "AwsJsonClient"
    assert generated(server).poll_for_jobs(actionTypeId=action_type("EmptyTool")).jobs == []
    with pytest.raises(ValueError, match=r"protocol must be one of the spec's: awsJson1_1, rpcv2Cbor; not 'cbor'"):
        generated(server, protocol="cbor")


def test_the_server_logs_cbor_requests_like_json_ones(server: ServerProcess) -> None:
    answer = cbor_post(server.url, cbor2.dumps({"actionTypeId": action_type("EmptyTool")}))
    assert answer.status == 200 and cbor2.loads(answer.body) == {"jobs": []}
    assert answer.headers["smithy-protocol"] == "rpc-v2-cbor" and answer.headers["content-type"] == "application/cbor"
    assert "target=CodePipeline_20150709.PollForJobs status=200" in server.log()
    assert SECRET_KEY not in server.log()


def test_a_byte_string_for_a_string_member_is_a_wrong_type(server: ServerProcess) -> None:
    # RPC v2 CBOR types a string as text (major type 3) and a blob as a byte string (2).
    as_bytes = {**action_type("EmptyTool"), "provider": b"EmptyTool"}
    answer = cbor_post(server.url, cbor2.dumps({"actionTypeId": as_bytes}))
    assert answer.status == 400, answer.body
    error = cbor2.loads(answer.body)
    assert error["__type"] == "SerializationException"
    assert error["message"] == "Unexpected byte string at 'actionTypeId.provider': expected a string", error
    text = cbor_post(server.url, cbor2.dumps({"actionTypeId": action_type("EmptyTool")}))
    assert text.status == 200 and cbor2.loads(text.body) == {"jobs": []}


# --- a server fault outside the handler: AWS's InternalFailure in either protocol -----------------

INJECTED = "an injected fault (internal detail: db password is hunter2)"
INTERNAL_FAILURE_MESSAGE = "The request processing has failed because of an unknown error, exception or failure."


class InjectedFault(RuntimeError):
    pass


class FaultyHandler:
    """Answers every poll with no jobs, except provider "Unwritable": an error whose message no
    CBOR answer can hold (a lone surrogate), which the server fails to write."""

    def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
        if request.action_type_id.provider == "Unwritable":
            raise errors.ActionTypeNotFoundException("no such type \ud800")
        return models.PollForJobsOutput(jobs=[])


class ExplodingInput(models.PollForJobsInput):
    @pydantic.model_validator(mode="after")
    def _explode(self) -> ExplodingInput:
        if self.action_type_id.provider == "Explode":
            raise InjectedFault(INJECTED)  # not a ValueError: pydantic lets it through
        return self


def inject(stage: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """Make the server fail at `stage` for requests from provider "Explode"; the provider the
    failing request names."""
    operation = OPERATIONS[TARGET]
    if stage == "reading the body":
        for codec in (JSON, CBOR):
            decode = codec.decode_request

            def failing_decode(body: bytes, decode: Any = decode) -> Any:
                if b"Explode" in body:
                    raise InjectedFault(INJECTED)
                return decode(body)

            monkeypatch.setattr(codec, "decode_request", failing_decode)
    elif stage == "validating":

        def failing_validate(document: Any) -> Any:
            if document.get("actionTypeId", {}).get("provider") == "Explode":
                raise InjectedFault(INJECTED)
            return operation.validate(document)

        monkeypatch.setitem(OPERATIONS, TARGET, dataclasses.replace(operation, validate=failing_validate))
    elif stage == "building the input model":
        monkeypatch.setitem(OPERATIONS, TARGET, dataclasses.replace(operation, input_model=ExplodingInput))
    else:
        return "Unwritable"
    return "Explode"


@pytest.mark.parametrize(
    ("stage", "protocol"),
    [
        ("reading the body", "json"),
        ("reading the body", "cbor"),
        ("validating", "json"),
        ("validating", "cbor"),
        ("building the input model", "json"),
        ("building the input model", "cbor"),
        ("writing the error answer", "cbor"),  # JSON escapes a lone surrogate; CBOR text cannot hold one
    ],
)
def test_a_server_fault_outside_the_handler_is_internal_failure_and_the_server_serves_on(
    stage: str, protocol: str, cbor_data_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """boto3 gets AWS's InternalFailure (500, `__type`, no internals), not uvicorn's plain-text
    500; the traceback goes to the log; the next request on the same server is answered."""
    provider = inject(stage, monkeypatch)
    once = botocore.config.Config(retries={"total_max_attempts": 1})
    with caplog.at_level(logging.INFO, logger="pollforjobs.server"), Served(create_app(FaultyHandler())) as served:
        client = boto3_client(served, cbor_data_path if protocol == "cbor" else None, config=once)  # type: ignore[arg-type]
        assert client.meta.service_model.resolved_protocol == ("smithy-rpc-v2-cbor" if protocol == "cbor" else "json")
        with pytest.raises(ClientError) as caught:
            client.poll_for_jobs(actionTypeId=action_type(provider))
        assert client.poll_for_jobs(actionTypeId=action_type("Fine"))["jobs"] == []
        lines = access_lines(caplog, 2)
    error = caught.value.response
    assert (error["ResponseMetadata"]["HTTPStatusCode"], error["Error"]["Code"], error["Error"]["Message"]) == (
        500,
        "InternalFailure",
        INTERNAL_FAILURE_MESSAGE,
    )
    assert "hunter2" not in str(caught.value)
    assert next(line for line in lines if "status=" in line).startswith("target=CodePipeline_20150709.PollForJobs status=500 error=InternalFailure ")
    failures = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(failures) == 1 and failures[0].exc_info is not None
    what = "the error answer could not be written" if provider == "Unwritable" else "the server failed outside the handler"
    assert failures[0].getMessage() == f"PollForJobs: {what}"
    assert failures[0].exc_info[0] is (UnicodeEncodeError if provider == "Unwritable" else InjectedFault)  # type: ignore[index]
    logging.Formatter().format(failures[0]).encode("utf-8")  # a UTF-8 log file can hold it, traceback and all
