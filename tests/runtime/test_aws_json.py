"""AWS JSON 1.0 and 1.1 (runtime.protocols.aws_json): the request a client sends, the error
code it reads (the Smithy awsJson1_0 and awsJson1_1 error tests), and the server's routing,
header checks and error answers."""

from __future__ import annotations

import json
from email.message import Message

import pytest
from runtime.protocols import ProtocolError, sanitize_code
from runtime.protocols.aws_json import AwsJsonClient, AwsJsonServer
from runtime.transport import Response

URI = "http://internal.amazon.com/coral/com.amazon.coral.validate/"
PREFIX = "Widgets_20240101"


def response(status: int, headers: dict[str, str], body: str, reason: str = "Bad Request") -> Response:
    message = Message()
    for name, value in headers.items():
        message[name] = value
    return Response(status, reason, message, body.encode())


def smithy_cases(version: str) -> list[tuple[str, int, dict[str, str], str, str, str]]:
    """(test id, status, headers, body, code, message) of Smithy's error tests for `version`,
    the same for both versions but for the content type and the test names."""
    tag = "AwsJson" + version.replace(".", "")
    json_type = {"Content-Type": f"application/x-amz-json-{version}"}
    ns = "aws.protocoltests.json#"
    return [
        (f"{tag}InvalidGreetingError", 400, json_type, '{"__type": "InvalidGreeting", "Message": "Hi"}', "InvalidGreeting", "Hi"),
        (f"{tag}ComplexError", 400, json_type, '{"__type": "ComplexError", "TopLevel": "Top level", "Nested": {"Foo": "bar"}}', "ComplexError", ""),
        (f"{tag}EmptyComplexError", 400, json_type, '{"__type": "ComplexError"}', "ComplexError", ""),
        (f"{tag}FooErrorUsingXAmznErrorType", 500, {"X-Amzn-Errortype": "FooError"}, "", "FooError", ""),
        (f"{tag}FooErrorUsingXAmznErrorTypeWithUri", 500, {"X-Amzn-Errortype": f"FooError:{URI}"}, "", "FooError", ""),
        (f"{tag}FooErrorUsingXAmznErrorTypeWithUriAndNamespace", 500, {"X-Amzn-Errortype": f"{ns}FooError:{URI}"}, "", "FooError", ""),
        (f"{tag}FooErrorUsingCode", 500, json_type, '{"code": "FooError"}', "FooError", ""),
        (f"{tag}FooErrorUsingCodeAndNamespace", 500, json_type, f'{{"code": "{ns}FooError"}}', "FooError", ""),
        (f"{tag}FooErrorUsingCodeUriAndNamespace", 500, json_type, f'{{"code": "{ns}FooError:{URI}"}}', "FooError", ""),
        (f"{tag}FooErrorWithDunderType", 500, json_type, '{"__type": "FooError"}', "FooError", ""),
        (f"{tag}FooErrorWithDunderTypeAndNamespace", 500, json_type, f'{{"__type": "{ns}FooError"}}', "FooError", ""),
        (f"{tag}FooErrorWithDunderTypeUriAndNamespace", 500, json_type, f'{{"__type": "{ns}FooError:{URI}"}}', "FooError", ""),
    ]


CASES = [(version, *case) for version in ("1.0", "1.1") for case in smithy_cases(version)]


@pytest.mark.parametrize(("version", "case", "status", "headers", "body", "code", "message"), CASES, ids=[c[1] for c in CASES])
def test_smithy_error_forms(version: str, case: str, status: int, headers: dict[str, str], body: str, code: str, message: str) -> None:
    assert AwsJsonClient(version, PREFIX).error_code(response(status, headers, body)) == (code, message)


def test_the_header_code_wins_then_code_then_type() -> None:
    client = AwsJsonClient("1.1", PREFIX)
    body = '{"code": "FromCode", "__type": "FromType", "message": "m"}'
    assert client.error_code(response(400, {"X-Amzn-ErrorType": "FromHeader"}, body)) == ("FromHeader", "m")
    assert client.error_code(response(400, {}, body)) == ("FromCode", "m")
    assert client.error_code(response(400, {}, '{"__type": "FromType", "message": "", "Message": "M"}')) == ("FromType", "M")


def test_an_error_body_that_is_not_json_is_described_without_a_code() -> None:
    client = AwsJsonClient("1.0", PREFIX)
    code, message = client.error_code(response(502, {"Content-Type": "text/html"}, "<html>\r\nBad\tgateway</html>", "Bad Gateway"))
    assert code == ""
    assert message == "Bad Gateway (HTTP 502); the error body is not JSON (text/html): '<html> Bad gateway</html>'"
    assert client.error_code(response(502, {"Content-Type": ""}, "x" * 500, ""))[1].startswith(
        "error (HTTP 502); the error body is not JSON (no content type): 'xxx"
    )


def test_codes_and_messages_from_an_answer_are_made_safe_to_show() -> None:
    code, message = AwsJsonClient("1.1", PREFIX).error_code(response(400, {}, json.dumps({"__type": "Bad\nCode" + "x" * 300, "message": "a\x1bb"})))
    assert "\n" not in code and len(code) <= 256
    assert message == "a\ufffdb"


@pytest.mark.parametrize(("raw", "code"), [("FooError", "FooError"), ("ns#FooError", "FooError"), ("ns#FooError:http://x#y", "FooError"), (" Foo ", "Foo")])
def test_sanitize_code(raw: str, code: str) -> None:
    assert sanitize_code(raw) == code


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_a_request_is_a_post_to_the_endpoint_path_with_target_and_content_type(version: str) -> None:
    client = AwsJsonClient(version, PREFIX)
    assert client.request_path("/prefix/", "PutWidget") == "/prefix/"
    assert client.request_headers("PutWidget") == {
        "Content-Type": f"application/x-amz-json-{version}",
        "X-Amz-Target": f"{PREFIX}.PutWidget",
    }
    assert client.request_headers("PutWidget") is not client.request_headers("PutWidget")


def test_only_the_two_versions_exist() -> None:
    for version in ("1.2", "1", "11"):
        with pytest.raises(ValueError, match="AWS JSON has versions 1.0, 1.1"):
            AwsJsonServer(version, PREFIX)


def refusal(call: object) -> ProtocolError:
    assert isinstance(call, ProtocolError)
    return call


def test_the_server_serves_post_to_slash_only() -> None:
    server = AwsJsonServer("1.1", PREFIX)
    server.check_request_line("POST", "/")
    for method, path, status in (("POST", "/x", 404), ("GET", "/", 405), ("GET", "/x", 404)):
        with pytest.raises(ProtocolError) as caught:
            server.check_request_line(method, path)
        assert (caught.value.code, caught.value.status) == ("UnknownOperationException", status)


def test_the_server_routes_by_target() -> None:
    server = AwsJsonServer("1.0", PREFIX)
    assert server.route("/", {b"x-amz-target": f"{PREFIX}.PutWidget"}) == f"{PREFIX}.PutWidget"
    assert server.route("/", {}) is None
    assert refusal(server.unknown_operation(None)).message == "The request has no X-Amz-Target header."
    assert refusal(server.unknown_operation("Nope.Nope")).message == f"X-Amz-Target names no operation; expected {PREFIX}.<Operation>."


@pytest.mark.parametrize(
    ("key", "known", "shown"),
    [(None, False, "-"), ("Widgets_20240101.PutWidget", True, "Widgets_20240101.PutWidget"), ("Other_1.Op", False, "'Other_1.Op'"), ("AKIDEXAMPLE/secret", False, "(not shown: 18 characters)")],
)
def test_the_log_shows_only_targets(key: str | None, known: bool, shown: str) -> None:
    assert AwsJsonServer("1.1", PREFIX).shown_operation(key, known) == shown


@pytest.mark.parametrize("version", ["1.0", "1.1"])
def test_the_content_type_must_be_the_versions(version: str) -> None:
    server = AwsJsonServer(version, PREFIX)
    other = "1.1" if version == "1.0" else "1.0"
    for good in (f"application/x-amz-json-{version}", f"Application/X-Amz-JSON-{version}; charset=UTF-8", f'application/x-amz-json-{version};charset="utf-8"'):
        server.check_headers({b"content-type": good})
    for bad in (None, f"application/x-amz-json-{other}", "application/json", f"application/x-amz-json-{version}; charset=latin-1", f"application/x-amz-json-{version},application/json"):
        headers = {} if bad is None else {b"content-type": bad}
        with pytest.raises(ProtocolError) as caught:
            server.check_headers(headers)
        assert caught.value.message == f"Content-Type must be application/x-amz-json-{version} (with charset=utf-8 if any charset)."
    assert server.answer_headers == ((b"content-type", f"application/x-amz-json-{version}".encode()),)


def test_error_answers_carry_the_code_in_the_body_and_a_header() -> None:
    headers, body = AwsJsonServer("1.1", PREFIX).error_answer("ValidationException", "Bad \u00e9")
    assert headers == [(b"x-amzn-errortype", b"ValidationException")]
    assert body == b'{"__type": "ValidationException", "message": "Bad \\u00e9"}'
