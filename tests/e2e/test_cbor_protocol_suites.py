"""botocore's Smithy RPC v2 CBOR protocol tests (tests/data/botocore-protocol-tests/), in both
directions, against a package generated from each suite's own model.

Each suite's metadata, operation and shapes become a botocore model, which `python -m generator
import` turns into a spec and the generator into a package. Then:

- input: the generated client (protocol="rpcv2Cbor") sends `params` to a capturing server; the
  method, path, headers and body (compared as decoded CBOR values) must be `serialized`'s; and
  the generated server must read `serialized` into `params`;
- output: the client reads `response` into `result` (or raises the error named `errorCode`).

Values are compared as the JSON protocols carry them, which is what the package's models hold:
a blob as base64 text, a timestamp as epoch seconds. Cases skipped, with the reason, are in
SKIPPED (botocore's own ignore list names two of them), and nowhere else.
"""

from __future__ import annotations

import asyncio
import base64
import http.server
import importlib
import json
import math
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import cbor2
import pytest
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from generator.pipeline import generate

from ..conftest import ROOT
from ..support.protocol_suites import as_sent, comparable, python_value

DATA = ROOT / "tests" / "data" / "botocore-protocol-tests"
KEY, SECRET = "AKIDPROTOCOLTESTS001", "protocol-tests-secret"

NO_INPUT = "the spec format gives every operation an input structure (Unit when it has none), so the client sends an empty map with Content-Type where Smithy sends no body"
IGNORED = "in botocore's own ignore list"
SKIPPED: dict[tuple[str, str], str] = {
    ("client-input", "no_input"): NO_INPUT,
    ("client-output", "RpcV2CborExtraFieldsInTheBodyShouldBeSkippedByClients"): IGNORED,
    ("client-output", "RpcV2CborDeserializesDenseSetMapAndSkipsNull"): IGNORED,
}


def suites(direction: str) -> list[dict[str, Any]]:
    return json.loads((DATA / direction / "smithy-rpc-v2-cbor.json").read_text(encoding="utf-8"))


def cases_of(test: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """The cases of a test ("client-input", "server-input", "client-output", "server-output":
    the cases that answer a result, not an error, whose answers tests/runtime checks)."""
    for number, suite in enumerate(suites(test.split("-")[1])):
        for case in suite["cases"]:
            if test != "server-output" or "errorCode" not in case:
                yield number, case


def cases(test: str) -> list[Any]:
    """The cases of a test, skipped ones marked."""
    found = []
    for number, case in cases_of(test):
        reason = SKIPPED.get((test, case["id"]))
        marks = [pytest.mark.skip(reason=reason)] if reason else []
        found.append(pytest.param(number, case, id=case["id"], marks=marks))
    return found


def model_of(suite: dict[str, Any], case: dict[str, Any]) -> dict[str, Any]:
    metadata = {
        **suite["metadata"],
        "endpointPrefix": "rpcv2protocol",
        "serviceId": "RpcV2Protocol",
        "serviceFullName": "RpcV2 Protocol Service",
        "signatureVersion": "v4",
        "signingName": "rpcv2protocol",
        "uid": "rpcv2protocol-2020-07-14",
    }
    operation = dict(case["given"])
    return {"version": "2.0", "metadata": metadata, "operations": {operation["name"]: operation}, "shapes": suite["shapes"]}


_PACKAGES: dict[str, ModuleType] = {}


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("cbor-suites")
    sys.path.insert(0, str(folder / "out"))
    try:
        yield folder
    finally:
        sys.path.remove(str(folder / "out"))
        for name in [n for n in sys.modules if n.split(".")[0] in _PACKAGES]:
            del sys.modules[name]
        _PACKAGES.clear()


def package_for(workspace: Path, suite: dict[str, Any], case: dict[str, Any], direction: str) -> ModuleType:
    name = f"cbor{direction}_{case['given']['name'].lower()}"
    if name in _PACKAGES:
        return _PACKAGES[name]
    model_path = workspace / f"{name}.json"
    model_path.write_text(json.dumps(model_of(suite, case)), encoding="utf-8")
    spec = workspace / name / f"{name}.yaml"
    spec.parent.mkdir(exist_ok=True)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "import", "--model", str(model_path), "--out", str(spec), "--package", name, "-q"],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    assert done.returncode == 0, done.stderr
    generate(spec, workspace / "out")
    importlib.invalidate_caches()
    for module in ("client", "server"):
        importlib.import_module(f"{name}.{module}")
    _PACKAGES[name] = sys.modules[name]
    return _PACKAGES[name]


def shape_kinds(suite: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return suite["shapes"]


def as_wire(value: Any, shape_name: str | None, shapes: dict[str, Any]) -> Any:
    """A botocore `params` / `result` value as the JSON protocols carry it."""
    shape = shapes.get(shape_name or "", {})
    kind = shape.get("type")
    if value is None:
        return None
    if kind == "blob":
        raw = value if isinstance(value, bytes) else str(value).encode("utf-8")
        return base64.b64encode(raw).decode("ascii")
    if kind == "structure":
        return {k: as_wire(v, shape["members"].get(k, {}).get("shape"), shapes) for k, v in value.items() if v is not None}
    if kind == "list":
        return [as_wire(v, shape["member"]["shape"], shapes) for v in value]
    if kind == "map":
        return {k: as_wire(v, shape["value"]["shape"], shapes) for k, v in value.items()}
    if kind in ("float", "double") and isinstance(value, str):
        return float(value)
    if kind == "timestamp" and shape.get("timestampFormat") == "iso8601" and isinstance(value, (int, float)):
        # botocore's iso8601 text, microseconds when there are any.
        moment = datetime.fromtimestamp(value, UTC)
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ" if moment.microsecond else "%Y-%m-%dT%H:%M:%SZ")
    return value


def same(left: Any, right: Any) -> bool:
    """Equality in which NaN equals NaN and 1 equals 1.0 (CBOR's and JSON's numbers)."""
    if isinstance(left, float) and isinstance(right, float) and math.isnan(left) and math.isnan(right):
        return True
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(same(left[k], right[k]) for k in left)
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(same(a, b) for a, b in zip(left, right, strict=True))
    return bool(left == right)


class _Canned:
    """A loopback HTTP server that records each request and answers with the canned answer."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, dict[str, str], bytes]] = []
        self.answer: tuple[int, dict[str, str], bytes] = (200, {"Content-Type": "application/cbor", "smithy-protocol": "rpc-v2-cbor"}, b"\xa0")
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                owner.requests.append((self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                status, headers, answer = owner.answer
                headers, answer = as_sent(headers, answer)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture(scope="module")
def canned() -> Iterator[_Canned]:
    server = _Canned()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def client_of(package: ModuleType, canned: _Canned) -> Any:
    client_class = next(v for k, v in vars(package.client).items() if k.endswith("Client") and isinstance(v, type) and hasattr(v, "SPEC"))
    return client_class(region_name="us-east-1", endpoint_url=canned.url, aws_access_key_id=KEY, aws_secret_access_key=SECRET, protocol="rpcv2Cbor", max_attempts=1)


def method_of(package: ModuleType, operation: str) -> str:
    return next(op.method_name for op in package.server.OPERATIONS.values() if op.name == operation)


def input_model(package: ModuleType, operation: str) -> Any:
    return next(op.input_model for op in package.server.OPERATIONS.values() if op.name == operation)


@pytest.mark.parametrize(("number", "case"), cases("client-input"))
def test_the_client_sends_what_serialized_says(number: int, case: dict[str, Any], workspace: Path, canned: _Canned) -> None:
    suite = suites("input")[number]
    package = package_for(workspace, suite, case, "input")
    client = client_of(package, canned)
    canned.requests.clear()
    input_shape = case["given"].get("input", {}).get("shape")
    request = input_model(package, case["given"]["name"]).model_validate(python_value(case["params"], suite["shapes"][input_shape], suite["shapes"])) if input_shape else {}
    getattr(client, method_of(package, case["given"]["name"]))(request)
    method, path, headers, body = canned.requests[-1]
    expected = case["serialized"]
    assert (method, path) == (expected["method"], expected["uri"])
    for name, value in expected.get("headers", {}).items():
        assert headers.get(name.lower()) == value, name
    for name in expected.get("forbidHeaders", []):
        assert name.lower() not in headers
    for name in expected.get("requireHeaders", []):
        assert name.lower() in headers
    wanted = base64.b64decode(expected["body"]) if expected.get("body") else b""
    if wanted:
        assert same(cbor2.loads(body), cbor2.loads(wanted))
        # botocore's own serializer, given the same params, writes the same CBOR values
        # (byte strings, tag 1 timestamps: cbor2 reads a tag 1 as a datetime on both sides).
        assert same(cbor2.loads(body), cbor2.loads(botocore_body(suite, case)))
    else:
        assert body in (b"", b"\xa0")  # an operation without input: no body or an empty map


def botocore_body(suite: dict[str, Any], case: dict[str, Any]) -> bytes:
    operation = ServiceModel(model_of(suite, case)).operation_model(case["given"]["name"])
    # botocore's serializer refuses None, which its callers never pass (this client drops it).
    shapes = suite["shapes"]
    params = python_value(without_nulls(case["params"]), shapes[case["given"]["input"]["shape"]], shapes)
    body: bytes = create_serializer("smithy-rpc-v2-cbor").serialize_to_request(params, operation)["body"]
    return body


def without_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: without_nulls(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_nulls(v) for v in value]
    return value


@pytest.mark.parametrize(("number", "case"), cases("server-input"))
def test_the_server_reads_serialized_into_params(number: int, case: dict[str, Any], workspace: Path) -> None:
    suite = suites("input")[number]
    package = package_for(workspace, suite, case, "input")
    received: list[Any] = []

    class Recorder:
        def __getattr__(self, name: str) -> Any:
            def method(request: Any) -> None:
                received.append(request)

            return method

    app = package.server.create_app(Recorder(), sync_in_thread=False)
    expected = case["serialized"]
    body = base64.b64decode(expected["body"]) if expected.get("body") else b""
    headers = [(k.lower().encode(), v.encode()) for k, v in expected.get("headers", {}).items()]
    status, answer = _asgi(app, expected["method"], expected["uri"], headers, body)
    assert status == 200, cbor2.loads(answer)
    input_shape = case["given"].get("input", {}).get("shape")
    wire = received[0].model_dump(by_alias=True, exclude_none=True, mode="json")
    assert same(wire, as_wire(case["params"], input_shape, suite["shapes"]) if input_shape else {})


def _asgi(app: Any, method: str, path: str, headers: list[tuple[bytes, bytes]], body: bytes) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    asyncio.run(app({"type": "http", "method": method, "path": path, "query_string": b"", "headers": headers}, receive, send))
    return sent[0]["status"], sent[1]["body"]


@pytest.mark.parametrize(("number", "case"), cases("client-output"))
def test_the_client_reads_response_into_result(number: int, case: dict[str, Any], workspace: Path, canned: _Canned) -> None:
    suite = suites("output")[number]
    package = package_for(workspace, suite, case, "output")
    client = client_of(package, canned)
    response = case["response"]
    canned.answer = (response["status_code"], response.get("headers", {}), base64.b64decode(response.get("body") or ""))
    call = getattr(client, method_of(package, case["given"]["name"]))
    if "errorCode" in case:
        with pytest.raises(package.errors.ServiceError) as caught:
            call({})
        assert caught.value.code == case["errorCode"]
        if "errorMessage" in case:
            assert caught.value.message == case["errorMessage"]
        return
    output_shape = case["given"].get("output", {}).get("shape")
    result = call({}).model_dump(by_alias=True, exclude_none=True, mode="json")
    assert same(result, as_wire(case["result"], output_shape, suite["shapes"]) if output_shape else {})


@pytest.mark.parametrize(("number", "case"), cases("server-output"))
def test_the_server_answers_result_as_botocore_reads_it(number: int, case: dict[str, Any], workspace: Path) -> None:
    suite = suites("output")[number]
    package = package_for(workspace, suite, case, "output")
    shapes = suite["shapes"]
    output_shape = case["given"].get("output", {}).get("shape")
    result = python_value(case.get("result", {}), shapes[output_shape], shapes) if output_shape else {}

    class Handler:
        def __getattr__(self, name: str) -> Any:
            return lambda request: result

    app = package.server.create_app(Handler(), sync_in_thread=False)
    prefix = suite["metadata"]["targetPrefix"]
    headers = [(b"smithy-protocol", b"rpc-v2-cbor"), (b"accept", b"application/cbor")]
    status, answer = _asgi(app, "POST", f"/service/{prefix}/operation/{case['given']['name']}", headers, b"")
    assert status == 200, cbor2.loads(answer)
    operation = ServiceModel(model_of(suite, case)).operation_model(case["given"]["name"])
    parsed = create_parser("smithy-rpc-v2-cbor").parse({"status_code": 200, "headers": {"smithy-protocol": "rpc-v2-cbor"}, "body": answer}, operation.output_shape)
    parsed.pop("ResponseMetadata", None)
    assert same(comparable(parsed), comparable(result))


def test_the_skipped_cases_are_exactly_those_listed() -> None:
    ignored = json.loads((DATA / "protocol-tests-ignore-list.json").read_text(encoding="utf-8"))["protocols"]["smithy-rpc-v2-cbor"]
    assert {("client-output", c) for c in ignored["output"]["cases"]} <= set(SKIPPED)
    every = {(t, c["id"]) for t in ("client-input", "server-input", "client-output", "server-output") for _, c in cases_of(t)}
    assert set(SKIPPED) <= every
    assert (len(every), len(SKIPPED)) == (97, 3)
