"""The generated client on the wire, against a scripted server on 127.0.0.1 that answers like AWS.

What reaches the server (method, path, headers, body, a SigV4 signature that botocore's
signer recomputes), what comes back (the documented sample response, read leniently and by
wire names only), validation before sending (unknown names always, as boto3), the forms a
request may take, and the endpoint URLs the client accepts (as botocore checks and encodes them).
"""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from pollforjobs import ValidationFailedError, errors, models
from pollforjobs.client import CodePipelineClient, ConfigurationError, ParamValidationError

from ..support.aws_like_server import Answer, AwsLikeServer, error, sample, signature_matches, signature_parts

TYPE_ID = {"category": "Test", "owner": "Custom", "provider": "P", "version": "1"}
JOB_ID = "0d7b4c2e-7a4f-4a39-9e0f-1c2d3e4f5a6b"
ACCESS_KEY = "AKIDCLIENTTEST0000001"
SECRET_KEY = "client/test/secret/key/0000000000000000001"
SESSION_TOKEN = "client-test-session-token-0001"


def client_for(server: AwsLikeServer, **options: Any) -> CodePipelineClient:
    settings: dict[str, Any] = {
        "region_name": "us-east-1",
        "endpoint_url": server.url,
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        **options,
    }
    return CodePipelineClient(**settings)


def test_request_is_an_aws_json_post_with_the_target(server: AwsLikeServer, sample_request: dict[str, Any]) -> None:
    client_for(server).poll_for_jobs(sample_request)
    (request,) = server.requests
    assert (request.method, request.path) == ("POST", "/")
    assert request.headers["content-type"] == "application/x-amz-json-1.1"
    assert request.headers["x-amz-target"] == "CodePipeline_20150709.PollForJobs"
    assert request.headers["host"] == f"127.0.0.1:{server.port}"
    assert request.json() == sample_request


def test_signature_is_the_one_botocore_computes(server: AwsLikeServer, sample_request: dict[str, Any]) -> None:
    client_for(server).poll_for_jobs(sample_request)
    (request,) = server.requests
    parts = signature_parts(request)
    access_key, date, region, service, terminator = parts["Credential"].split("/")
    assert (access_key, region, service, terminator) == (ACCESS_KEY, "us-east-1", "codepipeline", "aws4_request")
    assert request.headers["x-amz-date"].startswith(date)
    assert parts["SignedHeaders"] == "content-type;host;x-amz-date;x-amz-target"
    assert signature_matches(request, SECRET_KEY)
    assert not signature_matches(request, SECRET_KEY + "x")


def test_session_token_is_sent_and_signed(server: AwsLikeServer, sample_request: dict[str, Any]) -> None:
    client_for(server, aws_session_token=SESSION_TOKEN).poll_for_jobs(sample_request)
    (request,) = server.requests
    assert request.headers["x-amz-security-token"] == SESSION_TOKEN
    assert "x-amz-security-token" in signature_parts(request)["SignedHeaders"].split(";")
    assert signature_matches(request, SECRET_KEY)


def test_endpoint_path_is_kept_and_signed(server: AwsLikeServer, sample_request: dict[str, Any]) -> None:
    client = client_for(server, endpoint_url=server.url + "/prefix/")
    client.poll_for_jobs(sample_request)
    (request,) = server.requests
    assert request.path == "/prefix/"
    assert signature_matches(request, SECRET_KEY)


def test_documented_sample_response_comes_back_as_a_model(
    server: AwsLikeServer, sample_request: dict[str, Any], sample_response: dict[str, Any]
) -> None:
    server.answer(sample())
    output = client_for(server).poll_for_jobs(sample_request)
    assert isinstance(output, models.PollForJobsOutput)
    assert output.jobs is not None
    (job,) = output.jobs
    assert job.id == "ef66c259-64f9-EXAMPLE"  # the placeholder breaks the JobId pattern; still read
    assert job.account_id == "111111111111"
    assert job.nonce == "3"
    assert job.data is not None
    assert job.data.action_type_id is not None
    assert job.data.action_type_id.category is models.ActionCategory.TEST
    assert job.data.artifact_credentials is not None
    expected_credentials = sample_response["jobs"][0]["data"]["artifactCredentials"]
    assert job.data.artifact_credentials.secret_access_key == expected_credentials["secretAccessKey"]
    assert job.data.input_artifacts is not None
    assert job.data.input_artifacts[0].location is not None
    assert job.data.input_artifacts[0].location.s3_location is not None
    assert job.data.input_artifacts[0].location.s3_location.bucket_name == "amzn-s3-demo-bucket"
    assert job.data.output_artifacts == []
    assert job.data.pipeline_context is not None
    assert job.data.pipeline_context.stage is not None
    assert job.data.pipeline_context.stage.name == "Testing"
    # Everything but the `__type` hints survives the trip.
    without_hints = json.loads(json.dumps(sample_response).replace('"__type": ', '"__drop": '))
    _drop_key(without_hints, "__drop")
    assert output.model_dump(by_alias=True, exclude_none=True, mode="json") == without_hints


def _drop_key(value: Any, key: str) -> None:
    if isinstance(value, dict):
        value.pop(key, None)
        for item in value.values():
            _drop_key(item, key)
    elif isinstance(value, list):
        for item in value:
            _drop_key(item, key)


def test_unknown_members_and_enum_values_are_accepted(server: AwsLikeServer, sample_request: dict[str, Any]) -> None:
    body = {
        "jobs": [{"id": "j", "newMember": {"x": 1}, "data": {"actionTypeId": {"category": "Quantum", "owner": "Custom"}}}],
        "nextToken": "added-later",
    }
    server.answer(Answer(200, json.dumps(body)))
    output = client_for(server).poll_for_jobs(sample_request)
    assert output.jobs is not None
    assert output.jobs[0].data is not None and output.jobs[0].data.action_type_id is not None
    assert output.jobs[0].data.action_type_id.category == "Quantum"


def test_empty_success_body_is_an_empty_output(server: AwsLikeServer, sample_request: dict[str, Any]) -> None:
    server.answer(Answer(200, b""))
    assert client_for(server).poll_for_jobs(sample_request) == models.PollForJobsOutput()


def test_model_dict_and_keyword_requests_send_the_same_body(
    server: AwsLikeServer, sample_request: dict[str, Any]
) -> None:
    client = client_for(server)
    client.poll_for_jobs(models.PollForJobsInput.model_validate(sample_request))
    client.poll_for_jobs(sample_request)
    client.poll_for_jobs(**sample_request)
    client.poll_for_jobs({**sample_request, "queryParam": None})
    bodies = [r.json() for r in server.requests]
    assert bodies[:3] == [sample_request] * 3
    assert bodies[3] == {k: v for k, v in sample_request.items() if k != "queryParam"}  # null is never sent


def test_request_and_keywords_together_is_a_type_error(server: AwsLikeServer, sample_request: dict[str, Any]) -> None:
    with pytest.raises(TypeError, match="not both"):
        client_for(server).poll_for_jobs(sample_request, maxBatchSize=2)
    with pytest.raises(TypeError, match="PollForJobsInput or a dict"):
        client_for(server).poll_for_jobs(["not", "a", "request"])  # type: ignore[arg-type]
    assert server.requests == []


def test_invalid_request_is_refused_before_sending(server: AwsLikeServer) -> None:
    bad = {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "abc$", "version": "1"}, "maxBatchSize": 0}
    with pytest.raises(ValidationFailedError) as caught:
        client_for(server).poll_for_jobs(bad)
    assert str(caught.value) == (
        "2 validation errors detected: Value 'abc$' at 'actionTypeId.provider' failed to satisfy constraint: "
        "Member must satisfy regular expression pattern: [0-9A-Za-z_-]+; Value '0' at 'maxBatchSize' failed "
        "to satisfy constraint: Member must have value greater than or equal to 1"
    )
    assert [v.path for v in caught.value.violations] == ["actionTypeId.provider", "maxBatchSize"]
    assert server.requests == []


def test_validation_can_be_switched_off(server: AwsLikeServer) -> None:
    message = "1 validation error detected: Value '0' at 'maxBatchSize' failed to satisfy constraint: ..."
    server.answer(error(400, "ValidationException", message, **{"x-amzn-RequestId": "rid-1"}))
    bad = {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "P", "version": "1"}, "maxBatchSize": 0}
    client = client_for(server, validate_requests=False)
    with pytest.raises(errors.ValidationException) as caught:
        client.poll_for_jobs(bad)
    assert server.requests[0].json() == bad
    assert (caught.value.code, caught.value.message, caught.value.status_code, caught.value.request_id) == (
        "ValidationException",
        message,
        400,
        "rid-1",
    )


def test_connections_are_kept_alive_and_shared_between_threads(
    server: AwsLikeServer, sample_request: dict[str, Any]
) -> None:
    client = client_for(server)
    failures: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(15):
                client.poll_for_jobs(sample_request)
        except BaseException as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=work) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert len(server.requests) == 90
    assert all(signature_matches(r, SECRET_KEY) for r in server.requests)


def test_default_endpoint_comes_from_the_region() -> None:
    client = CodePipelineClient(region_name="eu-west-3", aws_access_key_id="A", aws_secret_access_key="B")
    assert client.endpoint_url == "https://codepipeline.eu-west-3.amazonaws.com/"
    assert client.region_name == "eu-west-3"
    assert client.max_attempts == 3


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"region_name": "us-east-1/../evil"}, "not a valid AWS region name"),
        ({"endpoint_url": "ftp://example.com"}, "http:// or https://"),
        ({"endpoint_url": "http://user:hunter2@127.0.0.1:9"}, "user name or password"),
        ({"endpoint_url": "http://127.0.0.1:99999"}, "not a valid URL"),
        ({"endpoint_url": "http://127.0.0.1:9/?x=1"}, "query string"),
        ({"max_attempts": 0}, "max_attempts"),
        ({"read_timeout": -1}, "read_timeout"),
        ({"connect_timeout": "5"}, "connect_timeout"),
        ({"total_timeout": 0}, "total_timeout"),
        ({"total_timeout": True}, "total_timeout"),
        ({"max_response_bytes": 0}, "max_response_bytes"),
        ({"max_response_bytes": 1.5}, "max_response_bytes"),
        ({"aws_secret_access_key": None}, "both aws_access_key_id and aws_secret_access_key"),
    ],
)
def test_bad_settings_give_clear_errors(options: dict[str, Any], message: str) -> None:
    settings: dict[str, Any] = {
        "region_name": "us-east-1",
        "aws_access_key_id": ACCESS_KEY,
        "aws_secret_access_key": SECRET_KEY,
        **options,
    }
    with pytest.raises(ConfigurationError, match=message) as caught:
        CodePipelineClient(**settings)
    assert "hunter2" not in str(caught.value)


# --- responses are read by wire names only ---------------------------------------------------


@pytest.mark.parametrize("job_id", [JOB_ID, "ef66c259-64f9-EXAMPLE"], ids=["one-pass", "lenient"])
def test_a_response_is_read_by_wire_names_only(server: AwsLikeServer, job_id: str) -> None:
    """A well-formed body goes through pydantic-core in one pass, the placeholder id through the
    lenient reader: neither may take a member by its Python name, which AWS never sends."""
    body = {
        "jobs": [
            {
                "id": job_id,
                "nonce": "1",
                "account_id": "123456789012",
                "data": {"pipeline_context": {"pipeline_name": "snake"}, "pipelineContext": {"pipelineName": "wire"}},
            }
        ]
    }
    server.answer(Answer(200, json.dumps(body)))
    output = client_for(server).poll_for_jobs(actionTypeId=TYPE_ID)
    assert output.jobs is not None
    (job,) = output.jobs
    assert job.account_id is None
    assert job.data is not None and job.data.pipeline_context is not None
    assert job.data.pipeline_context.pipeline_name == "wire"


def test_a_lone_surrogate_in_a_response_is_read_as_json_loads_reads_it(server: AwsLikeServer) -> None:
    """pydantic-core refuses a lone surrogate escape; a Java service can write one, botocore reads it."""
    server.answer(Answer(200, '{"jobs": [{"id": "' + JOB_ID + '", "nonce": "\\ud800"}]}'))
    output = client_for(server).poll_for_jobs(actionTypeId=TYPE_ID)
    assert output.jobs is not None and output.jobs[0].nonce == "\ud800"


# --- names the operation does not have ---------------------------------------------------------

MEMBERS = "actionTypeId, maxBatchSize, queryParam"


@pytest.mark.parametrize(
    ("params", "message"),
    [
        (
            {"actionTypeId": TYPE_ID, "maxBatchsize": 5},
            f'Unknown parameter in input: "maxBatchsize", must be one of: {MEMBERS}; did you mean "maxBatchSize"?',
        ),
        (
            {"action_type_id": TYPE_ID},
            f'Unknown parameter in input: "action_type_id", must be one of: {MEMBERS}; did you mean "actionTypeId"?',
        ),
        (
            {"actionTypeId": TYPE_ID, "max_batch_size": 5},
            f'Unknown parameter in input: "max_batch_size", must be one of: {MEMBERS}; did you mean "maxBatchSize"?',
        ),
        (
            {"actionTypeId": TYPE_ID, "MaxBatchSize": 5},
            f'Unknown parameter in input: "MaxBatchSize", must be one of: {MEMBERS}; did you mean "maxBatchSize"?',
        ),
        (
            {"actionTypeId": TYPE_ID, "queryParams": {"a": "b"}},
            f'Unknown parameter in input: "queryParams", must be one of: {MEMBERS}; did you mean "queryParam"?',
        ),
        ({"actionTypeId": TYPE_ID, "nothingLikeIt": 1}, f'Unknown parameter in input: "nothingLikeIt", must be one of: {MEMBERS}'),
        (
            {"actionTypeId": {**TYPE_ID, "categroy": "Test"}},
            (
                'Unknown parameter in actionTypeId: "categroy", must be one of: category, owner, provider, version; '
                'did you mean "category"?'
            ),
        ),
        (
            {"actionTypeId": TYPE_ID, "maxBatchsize": None},  # boto3 refuses it too, null or not
            f'Unknown parameter in input: "maxBatchsize", must be one of: {MEMBERS}; did you mean "maxBatchSize"?',
        ),
    ],
    ids=["misspelt", "snake-case", "snake-case-2", "case", "plural", "no-match", "nested", "null"],
)
@pytest.mark.parametrize("form", ["keywords", "dict"])
@pytest.mark.parametrize("validate", [True, False], ids=["validating", "validation-off"])
def test_unknown_names_are_refused_before_sending(
    server: AwsLikeServer, params: dict[str, Any], message: str, form: str, validate: bool
) -> None:
    client = client_for(server, validate_requests=validate)
    with pytest.raises(ParamValidationError) as caught:
        client.poll_for_jobs(**params) if form == "keywords" else client.poll_for_jobs(params)
    assert str(caught.value) == "Parameter validation failed:\n" + message
    assert isinstance(caught.value, ValidationFailedError) and isinstance(caught.value, ValueError)
    assert [v.kind for v in caught.value.violations] == ["unknown"]
    assert server.requests == []


def test_every_unknown_name_is_listed_with_its_path(server: AwsLikeServer) -> None:
    request = {"actionTypeId": {**TYPE_ID, "Owner": "Custom", 7: "x"}, "maxBatchsize": 5, "queryParam": {"free": "keys"}}
    with pytest.raises(ParamValidationError) as caught:
        client_for(server).poll_for_jobs(request)
    assert [v.path for v in caught.value.violations] == ["actionTypeId.Owner", "actionTypeId.7", "maxBatchsize"]
    assert len(str(caught.value).splitlines()) == 4
    assert server.requests == []


def test_map_keys_are_not_names(server: AwsLikeServer) -> None:
    client = client_for(server)
    client.poll_for_jobs(actionTypeId=TYPE_ID, queryParam={"maxBatchsize": "w"})
    client_for(server, validate_requests=False).poll_for_jobs(actionTypeId=TYPE_ID, queryParam={"any_key": "v", "b": "w"})
    assert [r.json()["queryParam"] for r in server.requests] == [{"maxBatchsize": "w"}, {"any_key": "v", "b": "w"}]


def test_unknown_names_are_checked_before_the_constraints(server: AwsLikeServer) -> None:
    with pytest.raises(ParamValidationError, match="maxBatchsize"):
        client_for(server).poll_for_jobs(actionTypeId={**TYPE_ID, "provider": "abc$"}, maxBatchsize=0)


def test_a_long_unknown_name_is_shown_cut(server: AwsLikeServer) -> None:
    with pytest.raises(ParamValidationError) as caught:
        client_for(server).poll_for_jobs({"actionTypeId": TYPE_ID, "x" * 100_000 + "\n": 1})
    assert len(str(caught.value)) < 400
    assert "\n" not in str(caught.value).removeprefix("Parameter validation failed:\n")


# --- endpoint URLs ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "sent"),
    [
        ("/é", "/%C3%A9"),
        ("/a b", "/a%20b"),
        ("/a%20b", "/a%20b"),
        ("/x%2fy", "/x%2Fy"),
        ("/100%", "/100%25"),
        ("/%zz/%41", "/%25zz/%2541"),
        ("/a~b/c:d@e!$&'()*+,;=", "/a~b/c:d@e!$&'()*+,;="),
        ("/a\"b<c>", "/a%22b%3Cc%3E"),
    ],
)
def test_an_endpoint_path_is_percent_encoded_as_botocore_sends_it(
    server: AwsLikeServer, sample_request: dict[str, Any], path: str, sent: str
) -> None:
    client = client_for(server, endpoint_url=server.url + path)
    assert client.endpoint_url == server.url + sent
    client.poll_for_jobs(sample_request)
    (request,) = server.requests
    assert request.path == sent
    assert signature_matches(request, SECRET_KEY)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:9/a\x01b", "control characters"),
        ("http://127.0.0.1:9/a\tb", "control characters"),
        ("http://ho\nst:9/", "control characters"),
        ("http://127.0.0.1:9/\x7f", "control characters"),
        ("http://127.0.0.1:9/\x9b", "control characters"),
        ("http://exa mple.com/", "no valid host name"),
        ("http://host_name:9/", "no valid host name"),
        ("http://-bad.example/", "no valid host name"),
        ("http://bad-.example/", "no valid host name"),
        ("http://a..b/", "no valid host name"),
        ("http://bücher.example/", "no valid host name"),
        ("http://" + "a" * 64 + ".example/", "no valid host name"),
        ("http://" + "a." * 130 + "example/", "no valid host name"),
        ("http://h;st/", "no valid host name"),
        ("http://[::1/", "not a valid URL"),
        ("http://[nonsense]:9/", "not a valid URL"),
        ("http://127.0.0.1:+9/", "not a valid URL"),
        ("http://127.0.0.1:0/", "port 0"),
        ("http://127.0.0.1:9/#fragment", "fragment"),
        ("http://127.0.0.1:9/\ud800", "lone surrogate"),
        ("HTTP://user@127.0.0.1:9/", "user name"),
        ("file:///etc/passwd", "http:// or https://"),
        (b"http://127.0.0.1:9/", "must be a string"),
    ],
)
def test_a_bad_endpoint_url_is_refused_when_the_client_is_made(url: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        CodePipelineClient(region_name="us-east-1", endpoint_url=url, aws_access_key_id="A", aws_secret_access_key="B")


@pytest.mark.parametrize(
    ("url", "endpoint"),
    [
        ("http://[::1]:9", "http://[::1]:9/"),
        ("HTTP://LocalHost:9/Path", "http://localhost:9/Path"),
        ("https://example.com./", "https://example.com./"),
        ("https://codepipeline.us-east-1.amazonaws.com:443", "https://codepipeline.us-east-1.amazonaws.com/"),
        ("http://127.0.0.1:9/?", "http://127.0.0.1:9/"),
    ],
)
def test_good_endpoint_urls_are_kept(url: str, endpoint: str) -> None:
    client = CodePipelineClient(region_name="us-east-1", endpoint_url=url, aws_access_key_id="A", aws_secret_access_key="B")
    assert client.endpoint_url == endpoint
