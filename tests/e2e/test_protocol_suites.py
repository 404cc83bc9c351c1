"""botocore's AWS JSON protocol test suites, every case in each direction it has:

- client-request: the generated client sends `params`; the request on the wire (method, URI,
  `X-Amz-Target`, `Content-Type`, JSON body) equals `serialized`;
- client-response: the generated client reads `response`: the result equals `result`, or an
  error case raises the class of `errorCode` with `errorMessage`;
- server-request: the generated server reads `serialized` into an input equal to `params`;
- server-response: the generated server answers `result` with a body botocore's own parser
  reads back equal.

A case that does not pass is listed with its reason in tests/data/botocore-protocol-tests/
skips.json; the test fails when a listed case passes, so the list only shrinks.
"""

from __future__ import annotations

import gzip
import importlib
import json
from pathlib import Path
from typing import Any

import pytest
from botocore.parsers import create_parser

from ..support.protocol_suites import (
    SKIPS,
    Case,
    Stub,
    case_data,
    cases,
    client_for,
    comparable,
    generated,
    loopback_names,
    model_dict,
    operation_model,
    python_value,
)
from ..support.server_harness import Served, post

ALL_CASES = cases()
SKIPPED: dict[str, str] = json.loads(SKIPS.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("protocol-suites")


def test_the_skip_list_names_only_real_cases() -> None:
    assert set(SKIPPED) <= {case.key for case in ALL_CASES}
    assert all(reason.strip() for reason in SKIPPED.values())


@pytest.mark.parametrize("case", ALL_CASES, ids=lambda case: case.key)
def test_case(case: Case, workdir: Path) -> None:
    failure = run_case(case, workdir)
    if case.key in SKIPPED:
        assert failure is not None, f"{case.key} passes now: remove it from skips.json"
    else:
        assert failure is None, failure


def run_case(case: Case, workdir: Path) -> str | None:
    suite = generated(case.file, case.suite, workdir)
    if suite.package is None:
        return suite.refusal
    data = case_data(case)
    try:
        return {
            "client-request": _client_request,
            "client-response": _client_response,
            "server-request": _server_request,
            "server-response": _server_response,
        }[case.direction](suite, data)
    except Exception as exc:  # noqa: BLE001 - the reason goes in the report
        return f"{type(exc).__name__}: {str(exc)[:300]}"


def _input_model(suite: Any, data: dict[str, Any]) -> Any:
    models = importlib.import_module(f"{suite.package.__name__}.models")
    op = operation_model(suite, data["given"]["name"])
    shapes = suite.model["shapes"]
    if op.input_shape is None:
        return None, {}
    values = python_value(data.get("params", {}), shapes[op.input_shape.name], shapes)
    return getattr(models, _class_name(suite, op.input_shape.name)), values


def _class_name(suite: Any, shape: str) -> str:
    models = importlib.import_module(f"{suite.package.__name__}.models")
    if hasattr(models, shape):
        return shape
    from generator.importers.names import legal_names

    return legal_names(suite.model["shapes"])[shape]


def _client_request(suite: Any, data: dict[str, Any]) -> str | None:
    expected = data["serialized"]
    host, _, endpoint_path = expected.get("host", "example.com").partition("/")
    model, values = _input_model(suite, data)
    with Stub({"status_code": 200, "headers": {}, "body": "{}"}) as stub, loopback_names("example.com"):
        port = stub.url.rpartition(":")[2]
        client = client_for(suite.package, f"http://example.com:{port}" + ("/" + endpoint_path if endpoint_path else ""))
        method = getattr(client, _method(data))
        method(model.model_validate(values) if model is not None else {})
    (sent,) = stub.requests
    problems = []
    if sent["headers"].get("Host") != f"{host}:{port}":
        problems.append(f"host {sent['headers'].get('Host')!r}, expected {host}:{port}")
    if "gzip" in sent["headers"].get("Content-Encoding", ""):
        sent["body"] = gzip.decompress(sent["body"])
    if sent["method"] != expected["method"] or sent["uri"] != expected["uri"]:
        problems.append(f"request line {sent['method']} {sent['uri']}, expected {expected['method']} {expected['uri']}")
    for name, value in expected.get("headers", {}).items():
        if sent["headers"].get(name) != value:
            problems.append(f"header {name}: {sent['headers'].get(name)!r}, expected {value!r}")
    for name in expected.get("forbidHeaders", []):
        if name in sent["headers"]:
            problems.append(f"header {name} must not be sent")
    body = json.loads(sent["body"]) if sent["body"] else {}
    # Without a body, the case says only how it travels (compression): it holds the params.
    wanted = json.loads(expected["body"]) if "body" in expected else data.get("params", {})
    if body != wanted:
        problems.append(f"body {body!r}, expected {wanted!r}")
    return "; ".join(problems) or None


def _method(data: dict[str, Any]) -> str:
    from generator.naming import method_name

    return method_name(data["given"]["name"])


def _client_response(suite: Any, data: dict[str, Any]) -> str | None:
    errors = importlib.import_module(f"{suite.package.__name__}.errors")
    with Stub(data["response"]) as stub:
        client = client_for(suite.package, stub.url)
        client.validate_requests = False
        method = getattr(client, _method(data))
        try:
            output = method({})
        except errors.ServiceError as exc:
            if "errorCode" not in data:
                return f"raised {type(exc).__name__}: {exc}"
            problems = []
            if exc.code != data["errorCode"] or type(exc).__name__ != _error_class(suite, data["errorCode"]):
                problems.append(f"raised {type(exc).__name__} (code {exc.code}), expected {data['errorCode']}")
            if "errorMessage" in data and exc.message != data["errorMessage"]:
                problems.append(f"message {exc.message!r}, expected {data['errorMessage']!r}")
            for wire, value in data.get("error", {}).items():
                attribute = type(exc).MEMBERS.get(wire)
                if wire not in ("Message", "message", "Code") and (attribute is None or getattr(exc, attribute) != value):
                    problems.append(f"member {wire}: {getattr(exc, attribute or '', None)!r}, expected {value!r}")
            return "; ".join(problems) or None
    if "errorCode" in data:
        return f"no error raised, expected {data['errorCode']}"
    op = operation_model(suite, data["given"]["name"])
    shapes = suite.model["shapes"]
    expected = comparable(python_value(data.get("result", {}), shapes[op.output_shape.name], shapes)) if op.output_shape else {}
    got = model_dict(output)
    return None if got == expected else f"read {got!r}, expected {expected!r}"


def _error_class(suite: Any, code: str) -> str:
    errors = importlib.import_module(f"{suite.package.__name__}.errors")
    found = errors.ERRORS_BY_CODE.get(code)
    return found.__name__ if found else "<none>"


def _server_request(suite: Any, data: dict[str, Any]) -> str | None:
    server = importlib.import_module(f"{suite.package.__name__}.server")
    expected = data["serialized"]
    if expected.get("uri", "/") != "/":
        return "the server serves AWS JSON at / only"
    seen: list[Any] = []
    name = _method(data)

    class Handler:
        pass

    def handle(request: Any) -> dict[str, Any]:
        seen.append(request)
        return {}

    setattr(Handler, name, staticmethod(handle))
    headers = {k: v for k, v in expected.get("headers", {}).items()}
    with Served(server.create_app(Handler())) as served:
        answer = post(served.url, expected.get("body", "").encode("utf-8"), headers, default_headers=False)
    if answer.status != 200:
        return f"server answered {answer.status}: {answer.body[:300]!r}"
    model, values = _input_model(suite, data)
    got = model_dict(seen[0]) if model is not None else {}
    wanted = comparable(values)
    return None if got == wanted else f"handler saw {got!r}, expected {wanted!r}"


def _server_response(suite: Any, data: dict[str, Any]) -> str | None:
    if "errorCode" in data:
        return _server_error(suite, data)
    server = importlib.import_module(f"{suite.package.__name__}.server")
    op = operation_model(suite, data["given"]["name"])
    shapes = suite.model["shapes"]
    result = python_value(data.get("result", {}), shapes[op.output_shape.name], shapes) if op.output_shape else {}
    name = _method(data)

    class Handler:
        pass

    setattr(Handler, name, staticmethod(lambda request: result))
    target = f"{suite.model['metadata']['targetPrefix']}.{data['given']['name']}"
    version = suite.model["metadata"]["jsonVersion"]
    headers = {"X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}"}
    with Served(server.create_app(Handler())) as served:
        answer = post(served.url, b"{}", headers, default_headers=False)
    if answer.status != 200:
        return f"server answered {answer.status}: {answer.body[:300]!r}"
    parsed = create_parser("json").parse({"status_code": 200, "headers": answer.headers, "body": answer.body}, op.output_shape)
    parsed.pop("ResponseMetadata", None)
    # botocore's parser leaves NaN and the infinities as the JSON strings it read.
    parsed = python_value(parsed, shapes[op.output_shape.name], shapes) if op.output_shape else parsed
    got, wanted = comparable(parsed), comparable(result)
    return None if got == wanted else f"botocore read {got!r}, expected {wanted!r}"


def _server_error(suite: Any, data: dict[str, Any]) -> str | None:
    server = importlib.import_module(f"{suite.package.__name__}.server")
    errors = importlib.import_module(f"{suite.package.__name__}.errors")
    error_class = errors.ERRORS_BY_CODE.get(data["errorCode"])
    if error_class is None:
        return f"no error class for {data['errorCode']}"
    name = _method(data)

    def fail(request: Any) -> Any:
        raise error_class(data.get("errorMessage", ""))

    class Handler:
        pass

    setattr(Handler, name, staticmethod(fail))
    target = f"{suite.model['metadata']['targetPrefix']}.{data['given']['name']}"
    version = suite.model["metadata"]["jsonVersion"]
    with Served(server.create_app(Handler())) as served:
        answer = post(served.url, b"{}", {"X-Amz-Target": target, "Content-Type": f"application/x-amz-json-{version}"}, default_headers=False)
    op = operation_model(suite, data["given"]["name"])
    parsed = create_parser("json").parse({"status_code": answer.status, "headers": answer.headers, "body": answer.body}, op.output_shape)
    error = parsed.get("Error", {})
    problems = []
    if error.get("Code") != data["errorCode"]:
        problems.append(f"botocore read code {error.get('Code')!r}, expected {data['errorCode']!r}")
    if "errorMessage" in data and error.get("Message") != data["errorMessage"]:
        problems.append(f"botocore read message {error.get('Message')!r}, expected {data['errorMessage']!r}")
    return "; ".join(problems) or None
