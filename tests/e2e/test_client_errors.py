"""Error answers, as the generated client reads them (the AWS JSON 1.1 error rules).

The cases are the awsJson1_1 error tests of Smithy's protocol test suite
(smithy-aws-protocol-tests, model/awsJson1_1/errors.smithy): the code comes from the
`X-Amzn-Errortype` header, else the body's `code`, else `__type`; the namespace before `#`
and the URI after `:` are dropped. Each case is answered by a real server on 127.0.0.1.
"""

from __future__ import annotations

from typing import Any

import pytest
from pollforjobs import errors
from pollforjobs.client import CodePipelineClient, MalformedResponseError

from ..support.aws_like_server import Answer, AwsLikeServer, error

JSON = {"Content-Type": "application/x-amz-json-1.1"}
URI = "http://internal.amazon.com/coral/com.amazon.coral.validate/"

# (Smithy test id, status, headers, body, expected code, expected message)
SMITHY_CASES: list[tuple[str, int, dict[str, str], str, str, str]] = [
    ("AwsJson11InvalidGreetingError", 400, JSON, '{"__type": "InvalidGreeting", "Message": "Hi"}', "InvalidGreeting", "Hi"),
    (
        "AwsJson11ComplexError",
        400,
        JSON,
        '{"__type": "ComplexError", "TopLevel": "Top level", "Nested": {"Foo": "bar"}}',
        "ComplexError",
        "",
    ),
    ("AwsJson11EmptyComplexError", 400, JSON, '{"__type": "ComplexError"}', "ComplexError", ""),
    ("AwsJson11FooErrorUsingXAmznErrorType", 500, {"X-Amzn-Errortype": "FooError"}, "", "FooError", ""),
    ("AwsJson11FooErrorUsingXAmznErrorTypeWithUri", 500, {"X-Amzn-Errortype": f"FooError:{URI}"}, "", "FooError", ""),
    (
        "AwsJson11FooErrorUsingXAmznErrorTypeWithUriAndNamespace",
        500,
        {"X-Amzn-Errortype": f"aws.protocoltests.json#FooError:{URI}"},
        "",
        "FooError",
        "",
    ),
    ("AwsJson11FooErrorUsingCode", 500, JSON, '{"code": "FooError"}', "FooError", ""),
    ("AwsJson11FooErrorUsingCodeAndNamespace", 500, JSON, '{"code": "aws.protocoltests.json#FooError"}', "FooError", ""),
    (
        "AwsJson11FooErrorUsingCodeUriAndNamespace",
        500,
        JSON,
        f'{{"code": "aws.protocoltests.json#FooError:{URI}"}}',
        "FooError",
        "",
    ),
    ("AwsJson11FooErrorWithDunderType", 500, JSON, '{"__type": "FooError"}', "FooError", ""),
    ("AwsJson11FooErrorWithDunderTypeAndNamespace", 500, JSON, '{"__type": "aws.protocoltests.json#FooError"}', "FooError", ""),
    (
        "AwsJson11FooErrorWithDunderTypeUriAndNamespace",
        500,
        JSON,
        f'{{"__type": "aws.protocoltests.json#FooError:{URI}"}}',
        "FooError",
        "",
    ),
    (
        "AwsJson11FooErrorWithNestedTypeProperty",
        500,
        JSON,
        '{"__type": "aws.protocoltests.json#FooError", "ErrorDetails": [{"__type": "com.amazon.internal#ErrorDetails", "reason": "Some reason"}]}',
        "FooError",
        "",
    ),
]


def call(server: AwsLikeServer, **options: Any) -> Any:
    client = CodePipelineClient(
        region_name="us-east-1",
        endpoint_url=server.url,
        aws_access_key_id="AKIDERRORS",
        aws_secret_access_key="errors-secret",
        **{"max_attempts": 1, **options},
    )
    return client.poll_for_jobs(actionTypeId={"category": "Test", "owner": "Custom", "provider": "P", "version": "1"})


@pytest.mark.parametrize(("case", "status", "headers", "body", "code", "message"), SMITHY_CASES, ids=[c[0] for c in SMITHY_CASES])
def test_smithy_error_forms(
    server: AwsLikeServer, case: str, status: int, headers: dict[str, str], body: str, code: str, message: str
) -> None:
    server.answer(Answer(status, body, {**headers, "x-amzn-RequestId": f"rid-{case}"}))
    with pytest.raises(errors.ServiceError) as caught:
        call(server)
    assert type(caught.value) is errors.ServiceError  # not a code the spec names
    assert (caught.value.code, caught.value.message) == (code, message)
    assert (caught.value.status_code, caught.value.request_id) == (status, f"rid-{case}")


@pytest.mark.parametrize(("case", "status", "headers", "body", "code", "message"), SMITHY_CASES, ids=[c[0] for c in SMITHY_CASES])
def test_smithy_error_forms_find_modeled_classes(
    server: AwsLikeServer, case: str, status: int, headers: dict[str, str], body: str, code: str, message: str
) -> None:
    renamed = {k: v.replace(code, "ActionTypeNotFoundException") for k, v in headers.items()}
    server.answer(Answer(400, body.replace(f'"{code}', '"ActionTypeNotFoundException').replace(f"#{code}", "#ActionTypeNotFoundException"), renamed))
    with pytest.raises(errors.ActionTypeNotFoundException) as caught:
        call(server)
    assert caught.value.code == "ActionTypeNotFoundException"
    assert caught.value.message == message


def test_header_code_wins_over_the_body(server: AwsLikeServer) -> None:
    server.answer(
        Answer(400, '{"code": "ValidationException", "__type": "SerializationException", "message": "m"}', {"X-Amzn-ErrorType": "ActionTypeNotFoundException:" + URI})
    )
    with pytest.raises(errors.ActionTypeNotFoundException):
        call(server)
    server.answer(Answer(400, '{"code": "ValidationException", "__type": "SerializationException", "message": "m"}', JSON))
    with pytest.raises(errors.ValidationException):
        call(server)


def test_lower_case_message_wins_over_capitalised(server: AwsLikeServer) -> None:
    server.answer(Answer(400, '{"__type": "ValidationException", "Message": "upper", "message": "lower"}', JSON))
    with pytest.raises(errors.ValidationException, match="lower") as caught:
        call(server)
    assert caught.value.message == "lower"


@pytest.mark.parametrize(
    ("code", "cls"),
    [
        ("ActionTypeNotFoundException", errors.ActionTypeNotFoundException),
        ("ValidationException", errors.ValidationException),
        ("InvalidSignatureException", errors.InvalidSignatureException),
        ("UnknownOperationException", errors.UnknownOperationException),
        ("SerializationException", errors.SerializationException),
    ],
)
def test_codes_the_spec_names_raise_their_class(server: AwsLikeServer, code: str, cls: type[errors.ServiceError]) -> None:
    server.answer(error(400, code, "what went wrong", **{"x-amzn-RequestId": "r-1"}))
    with pytest.raises(cls) as caught:
        call(server)
    assert str(caught.value) == f"{code}: what went wrong (HTTP 400, request id r-1)"


def test_html_error_page_gives_a_clear_service_error(server: AwsLikeServer) -> None:
    page = "<html><head><title>502 Bad Gateway</title></head>\n<body><h1>Bad Gateway</h1>" + "<p>x</p>" * 200 + "</body></html>"
    server.answer(Answer(502, page, {"Content-Type": "text/html"}))
    with pytest.raises(errors.ServiceError) as caught:
        call(server)
    failure = caught.value
    assert type(failure) is errors.ServiceError
    assert (failure.code, failure.status_code) == ("502", 502)
    assert "not JSON (text/html)" in failure.message
    assert "<title>502 Bad Gateway</title>" in failure.message
    assert len(failure.message) < 300  # a snippet, not the page


def test_html_error_page_with_an_error_type_header_keeps_the_code(server: AwsLikeServer) -> None:
    server.answer(Answer(403, "<html>denied</html>", {"Content-Type": "text/html", "X-Amzn-ErrorType": "AccessDeniedException"}))
    with pytest.raises(errors.AccessDeniedException) as caught:
        call(server)
    assert "<html>denied</html>" in caught.value.message


def test_error_without_any_code_uses_the_status(server: AwsLikeServer) -> None:
    server.answer(Answer(404, "", {}))
    with pytest.raises(errors.ServiceError) as caught:
        call(server)
    assert (caught.value.code, caught.value.status_code) == ("404", 404)


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ("<html>oops</html>", "the body is not JSON"),
        ('{"jobs": [', "the body is not JSON"),
        ("[]", "at the top level: expected an object"),
        ('{"jobs": "none"}', "at 'jobs': expected an array"),
        ('{"jobs": [{"id": 7}]}', "at 'jobs.1.member.id': expected a string"),
        (b"\xff\xfe{", "the body is not JSON"),
    ],
)
def test_malformed_success_body_gives_a_clear_error(server: AwsLikeServer, body: str | bytes, problem: str) -> None:
    server.answer(Answer(200, body, {**JSON, "x-amzn-RequestId": "rid-bad"}))
    with pytest.raises(MalformedResponseError, match="malformed response") as caught:
        call(server, max_attempts=3)
    assert problem in str(caught.value)
    assert "rid-bad" in str(caught.value)
    assert (caught.value.status_code, caught.value.request_id) == (200, "rid-bad")
    assert len(server.requests) == 1  # never retried
