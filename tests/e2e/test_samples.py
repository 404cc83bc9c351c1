"""The documented sample request and response, through the spec, validators, models and reader.

Policy: requests are held to every constraint; responses are read leniently.
The sample response carries `__type` hints (ignored everywhere) and the placeholder job id
`ef66c259-64f9-EXAMPLE`, which breaks the JobId pattern: `validate_response` reports exactly
that violation, the strict models refuse it, and the lenient reader (what the client uses)
returns a model with the id as given.
"""

from __future__ import annotations

import json
from typing import Any

import pollforjobs
import pydantic
import pytest
from pollforjobs import models, read_response, validate_request, validate_response

from ..conftest import SPEC, reference_samples


def test_spec_examples_are_the_documented_samples_verbatim(service: Any) -> None:
    request_text, response_text = reference_samples()
    (poll,) = [op for op in service.operations if op.name == "PollForJobs"]
    (example,) = poll.examples
    assert example.request == request_text
    assert example.response == response_text
    assert "PollForJobs" in SPEC.read_text()


def test_sample_request_is_valid(sample_request: dict[str, Any]) -> None:
    assert validate_request(sample_request) == []


def test_sample_request_round_trips_through_the_models(sample_request: dict[str, Any]) -> None:
    model = models.PollForJobsInput.model_validate(sample_request)
    assert model.action_type_id.category is models.ActionCategory.TEST
    assert model.max_batch_size == 5
    assert model.model_dump(by_alias=True, exclude_none=True) == sample_request
    assert json.loads(model.model_dump_json(by_alias=True, exclude_none=True)) == sample_request


def test_sample_response_reports_only_the_placeholder_job_id(sample_response: dict[str, Any]) -> None:
    violations = validate_response(sample_response)
    assert [v.path for v in violations] == ["jobs.1.member.id"]
    assert violations[0].message == (
        "Value 'ef66c259-64f9-EXAMPLE' at 'jobs.1.member.id' failed to satisfy constraint: Member must satisfy "
        "regular expression pattern: [0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
    )


def test_strict_models_refuse_the_placeholder_job_id(sample_response: dict[str, Any]) -> None:
    with pytest.raises(pydantic.ValidationError) as caught:
        models.PollForJobsOutput.model_validate(sample_response)
    assert [e["loc"] for e in caught.value.errors()] == [("jobs", 0, "id")]


def test_sample_response_reads_leniently_into_the_models(sample_response: dict[str, Any]) -> None:
    output = read_response(sample_response)
    assert isinstance(output, models.PollForJobsOutput)
    (job,) = output.jobs or []
    assert job.id == "ef66c259-64f9-EXAMPLE"
    assert job.account_id == "111111111111"
    assert job.data is not None and job.data.action_type_id is not None
    assert job.data.action_type_id.owner is models.ActionOwner.CUSTOM
    assert job.data.input_artifacts and job.data.input_artifacts[0].location
    assert job.data.input_artifacts[0].location.type is models.ArtifactLocationType.S3
    assert job.data.output_artifacts == []
    expected = json.loads(json.dumps(sample_response))
    for value in _objects(expected):
        value.pop("__type", None)
    assert output.model_dump(by_alias=True, exclude_none=True) == expected


def test_well_formed_sample_response_is_valid_everywhere(well_formed_response: dict[str, Any]) -> None:
    assert validate_response(well_formed_response) == []
    strict = models.PollForJobsOutput.model_validate(well_formed_response)
    assert strict == read_response(well_formed_response)


def test_credentials_never_show_in_reprs(sample_response: dict[str, Any]) -> None:
    output = read_response(sample_response)
    secrets = ["AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "fICCQD6m7oRw0uXOjANBgkqhkiG9w0"]
    credentials = output.jobs[0].data.artifact_credentials  # type: ignore[index,union-attr]
    for text in (repr(output), str(output), repr(credentials), str(credentials)):
        for secret in secrets:
            assert secret not in text
    assert credentials is not None and credentials.secret_access_key == secrets[1]


def test_unknown_members_and_enum_values_do_not_stop_reading(well_formed_response: dict[str, Any]) -> None:
    body = json.loads(json.dumps(well_formed_response))
    body["newTopLevelMember"] = {"anything": [1, 2]}
    body["jobs"][0]["data"]["actionTypeId"]["category"] = "Teleport"
    output = read_response(body)
    assert output.jobs[0].data.action_type_id.category == "Teleport"  # type: ignore[index,union-attr]
    assert [v.path for v in validate_response(body)] == ["jobs.1.member.data.actionTypeId.category"]


def test_reader_refuses_wrong_json_types_with_a_located_error() -> None:
    with pytest.raises(pollforjobs.ResponseFormatError, match=r"jobs.1.member.nonce.*expected a string"):
        read_response({"jobs": [{"nonce": 3}]})


def _objects(value: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(value, dict):
        found.append(value)
        for item in value.values():
            found.extend(_objects(item))
    elif isinstance(value, list):
        for item in value:
            found.extend(_objects(item))
    return found


def test_each_problem_is_reported_once(well_formed_response: dict[str, Any]) -> None:
    body = json.loads(json.dumps(well_formed_response))
    body["jobs"][0]["data"]["pipelineContext"]["action"]["actionExecutionId"] = 5
    body["jobs"][0]["nonce"] = ""
    violations = validate_response(body)
    assert [(v.path, v.kind) for v in violations] == [
        ("jobs.1.member.data.pipelineContext.action.actionExecutionId", "type"),
        ("jobs.1.member.nonce", "constraint"),
    ]


def test_parsing_raw_bytes_gives_the_same_model_on_both_paths(sample_response: dict[str, Any], well_formed_response: dict[str, Any]) -> None:
    from pollforjobs.wire import parse_poll_for_jobs_response

    fast = parse_poll_for_jobs_response(json.dumps(well_formed_response).encode())
    assert fast == read_response(well_formed_response)
    lenient = parse_poll_for_jobs_response(json.dumps(sample_response).encode())
    assert lenient == read_response(sample_response)
    assert lenient.jobs and lenient.jobs[0].id == "ef66c259-64f9-EXAMPLE"
    assert parse_poll_for_jobs_response(b"") == models.PollForJobsOutput()
    with pytest.raises(pollforjobs.ResponseFormatError):
        parse_poll_for_jobs_response(b'{"jobs": [{"nonce": 3}]}')
    with pytest.raises(ValueError):
        parse_poll_for_jobs_response(b"<html>")


def test_parsing_raw_bytes_reads_wire_names_only(well_formed_response: dict[str, Any]) -> None:
    from pollforjobs.wire import parse_poll_for_jobs_response

    job = dict(well_formed_response["jobs"][0])
    account = job.pop("accountId")
    snake = {"jobs": [{**job, "account_id": account}]}
    parsed = parse_poll_for_jobs_response(json.dumps(snake).encode())
    assert parsed.jobs is not None and parsed.jobs[0].account_id is None
    assert parsed == read_response(snake)


@pytest.mark.parametrize("body", [b"[" * 100_000, b'{"jobs": ' + b"[" * 100_000, b'{"jobs": [' + b'{"a":' * 50_000])
def test_parsing_a_body_nested_too_deep_is_a_value_error(body: bytes) -> None:
    from pollforjobs.wire import parse_poll_for_jobs_response

    with pytest.raises(ValueError, match="nested too deeply"):
        parse_poll_for_jobs_response(body)
