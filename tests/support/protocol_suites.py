"""botocore's protocol test suites (tests/data/botocore-protocol-tests/) run against packages
generated from their own embedded models: each suite's metadata, operations (the cases'
`given`) and shapes become a botocore model file, which `import` makes a spec and the pipeline a
package. `run_case` says how one case fares in one direction: None when it passes, else why not.
"""

from __future__ import annotations

import http.server
import importlib
import json
import math
import socket
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import Any, Self

from botocore.model import ServiceModel

from generator import SpecError
from generator.cli_import import import_spec
from generator.importers import emit
from generator.pipeline import generate

from ..conftest import ROOT

DATA = ROOT / "tests" / "data" / "botocore-protocol-tests"
SUITE_FILES = ("input/json.json", "input/json_1_0.json", "output/json.json", "output/json_1_0.json")
SKIPS = DATA / "skips.json"
DIRECTIONS = {"input": ("client-request", "server-request"), "output": ("client-response", "server-response")}


@dataclass(frozen=True)
class Case:
    file: str
    suite: int
    id: str
    direction: str

    @property
    def key(self) -> str:
        return f"{self.file}::{self.id}::{self.direction}"


def cases() -> list[Case]:
    found = []
    for file in SUITE_FILES:
        for index, suite in enumerate(json.loads((DATA / file).read_text(encoding="utf-8"))):
            for case in suite["cases"]:
                found += [Case(file, index, case["id"], direction) for direction in DIRECTIONS[file.split("/")[0]]]
    return found


@cache
def suite_data(file: str, index: int) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((DATA / file).read_text(encoding="utf-8"))[index]
    return data


def case_data(case: Case) -> dict[str, Any]:
    return next(c for c in suite_data(case.file, case.suite)["cases"] if c["id"] == case.id)


def botocore_model(file: str, index: int) -> dict[str, Any]:
    """The suite as a botocore service model: its metadata made into a service."""
    suite = suite_data(file, index)
    metadata = dict(suite["metadata"])
    metadata.setdefault("serviceId", "Protocol Tests")
    metadata.setdefault("endpointPrefix", "protocoltests")
    metadata.setdefault("signingName", "protocoltests")
    metadata.setdefault("signatureVersion", "v4")
    operations = {}
    for case in suite["cases"]:
        operations.setdefault(case["given"]["name"], case["given"])
    return {"version": "2.0", "metadata": metadata, "operations": operations, "shapes": suite["shapes"]}


@dataclass
class Generated:
    package: ModuleType | None
    refusal: str = ""
    model: dict[str, Any] = field(default_factory=dict)


_GENERATED: dict[tuple[str, int], Generated] = {}


def generated(file: str, index: int, workdir: Path) -> Generated:
    key = (file, index)
    if key not in _GENERATED:
        _GENERATED[key] = _generate(file, index, workdir)
    return _GENERATED[key]


def _generate(file: str, index: int, workdir: Path) -> Generated:
    package = f"suite_{file.replace('/', '_').removesuffix('.json')}_{index}"
    folder = workdir / package
    folder.mkdir(parents=True, exist_ok=True)
    model = botocore_model(file, index)
    model_path = folder / "service-2.json"
    model_path.write_text(json.dumps(model), encoding="utf-8")
    spec_path = folder / "spec.yaml"
    try:
        imported = import_spec(str(model_path), None, package, spec_path)
        spec_path.write_text(emit.dump(imported.spec), encoding="utf-8")
        generate(spec_path, folder / "out")
    except SpecError as exc:
        return Generated(None, "the generator refuses the suite's model: " + "; ".join(sorted({_reason(d.message) for d in exc.diagnostics})), model)
    except Exception as exc:  # noqa: BLE001 - an import refusal is a reason too
        return Generated(None, f"the suite's model cannot be imported: {type(exc).__name__}: {str(exc)[:300]}", model)
    sys.path.insert(0, str(folder / "out"))
    try:
        return Generated(importlib.import_module(package), "", model)
    finally:
        sys.path.remove(str(folder / "out"))


def _reason(message: str) -> str:
    return message.split(": the spec format has them")[0]


# ---- values: botocore's Python form (params, result) and the models' -----------------------


def python_value(value: Any, shape: dict[str, Any], shapes: dict[str, Any]) -> Any:
    """A params/result value as the generated models hold it: timestamps as UTC datetimes,
    blobs as bytes."""
    kind = shape["type"]
    if value is None:
        return None
    if shape.get("document"):
        return value
    if kind == "structure":
        return {name: python_value(item, shapes[shape["members"][name]["shape"]], shapes) for name, item in value.items() if name in shape["members"]}
    if kind == "list":
        return [python_value(item, shapes[shape["member"]["shape"]], shapes) for item in value]
    if kind == "map":
        return {key: python_value(item, shapes[shape["value"]["shape"]], shapes) for key, item in value.items()}
    if kind == "timestamp":
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=UTC)
        return datetime.fromtimestamp(value, UTC)
    if kind == "blob":
        return value.encode("utf-8") if isinstance(value, str) else value
    if kind in ("float", "double") and isinstance(value, str):
        return float(value)  # "NaN", "Infinity", "-Infinity", as botocore's params write them
    return value


NAN = ("a float", "NaN")


def comparable(value: Any) -> Any:
    """Python values compared across libraries: datetimes in UTC, enums as their strings."""
    if isinstance(value, dict):
        return {key: comparable(item) for key, item in value.items() if item is not None}
    if isinstance(value, list):
        return [comparable(item) for item in value]
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)
    if isinstance(value, float) and math.isnan(value):
        return NAN  # equal to itself, which no NaN is
    if isinstance(value, str):
        return str(value)
    return value


def model_dict(model: Any) -> Any:
    return comparable(model.model_dump(by_alias=True, exclude_none=True)) if model is not None else {}


# ---- a stub HTTP peer -----------------------------------------------------------------------


def as_sent(headers: dict[str, str], body: bytes) -> tuple[dict[str, str], bytes]:
    """A case's response headers and body as one HTTP message frames them: one Content-Length.
    A case that gives its own (`Content-Length: 0` beside a body, in RpcV2CborPayloadWithUnsetUnion)
    has a body of that length: what follows it is not part of the message."""
    declared = next((value for name, value in headers.items() if name.lower() == "content-length"), None)
    if declared is not None:
        body = body[: int(declared)]
    framed = {name: value for name, value in headers.items() if name.lower() != "content-length"}
    return {**framed, "Content-Length": str(len(body))}, body



class Stub:
    """A loopback HTTP server that records each request and answers with `answer`."""

    def __init__(self, answer: dict[str, Any]) -> None:
        self.answer = answer
        self.requests: list[dict[str, Any]] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                stub.requests.append({"method": self.command, "uri": self.path, "headers": dict(self.headers.items()), "body": body})
                answer = stub.answer
                headers, payload = as_sent(answer.get("headers", {}), answer.get("body", "").encode("utf-8"))
                self.send_response(answer.get("status_code", 200))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


@contextmanager
def loopback_names(domain: str) -> Iterator[None]:
    """Resolve `domain` and every name under it (foo.bar.example.com) to 127.0.0.1 in this
    process, so that a client putting a host prefix before its endpoint's host reaches the
    loopback stub: the cases name hosts under example.com, which no test may reach."""
    real = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if isinstance(host, str) and (host == domain or host.endswith("." + domain)):
            host = "127.0.0.1"
        return real(host, *args, **kwargs)

    socket.getaddrinfo = getaddrinfo
    try:
        yield
    finally:
        socket.getaddrinfo = real


def client_for(package: ModuleType, url: str) -> Any:
    client_module = importlib.import_module(f"{package.__name__}.client")
    names = [n for n in client_module.__all__ if n.endswith("Client")]
    return getattr(client_module, names[0])(region_name="us-east-1", endpoint_url=url, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret", max_attempts=1)


def operation_model(generated_suite: Generated, name: str) -> Any:
    return ServiceModel(generated_suite.model).operation_model(name)

