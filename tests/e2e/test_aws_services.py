"""Whole AWS services, imported from the installed botocore and generated (issue 10, section 3):
the package passes mypy --strict and ruff; the generated validators, jsonschema on the export
and the pydantic models give one verdict on a constraint corpus; and for every operation boto3
sends generated valid parameters to the generated server, whose handler sees exactly what
boto3 sent and answers a generated valid output that boto3 reads back equal.

Each service is imported and generated once per test session. Eleven run in CI; Glue, the
largest (its corpus alone is 50,665 instances, over three minutes of CPU), and mypy and ruff on
the three largest packages (ECS, SSM, Glue) are marked `slow`: run them with
`python -m pytest -m slow tests/e2e/test_aws_services.py`. boto3 reaches the server as
services.example.com, which resolves to 127.0.0.1 in this process, so that operations with a
host prefix reach it too (Step Functions' StartSyncExecution goes to sync-services.example.com).
"""

from __future__ import annotations

import base64
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import boto3
import jsonschema
import pydantic
import pytest
from botocore import xform_name

from generator.ir import BlobShape, ListShape, MapShape, Service, StructureShape, UnionShape
from generator.pipeline import compile_spec, generate

from ..support.corpus import has_integral_float, has_lone_surrogate
from ..support.covering import covering_corpus, covering_instance
from ..support.protocol_suites import loopback_names
from ..support.schema_oracle import oracle
from ..support.server_harness import Served, post

# A warning (pydantic's serializer meeting a value its model does not declare) is a defect.
pytestmark = pytest.mark.filterwarnings("error")

# Issue 10's set: DynamoDB (awsJson1_0, a recursive union), Kinesis (blobs), CloudWatch Logs,
# Step Functions, SSM, ECR, Secrets Manager, KMS, Glue, ECS, CodeBuild and CodePipeline whole.
SERVICES = [
    "secretsmanager",
    "kms",
    "ecr",
    "kinesis",
    "logs",
    "stepfunctions",
    "codebuild",
    "codepipeline",
    "dynamodb",
    "ecs",
    "ssm",
    "glue",
]


def _slow_ones(slow: set[str]) -> list[Any]:
    return [pytest.param(s, marks=pytest.mark.slow) if s in slow else s for s in SERVICES]


# mypy --strict on the three largest packages takes longer than the CI budget allows: slow.
TYPE_CHECKED = _slow_ones({"ecs", "ssm", "glue"})
# Glue's generation, corpus and round trips are a campaign of their own: slow.
EXERCISED = _slow_ones({"glue"})


@dataclass
class Generated:
    botocore_name: str
    service: Service
    folder: Path
    package: str
    complete: dict[str, Any]  # a valid instance of each operation's input and output, every member set


_generated: dict[str, Generated] = {}


@pytest.fixture(scope="session")
def services_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("aws_services")


def generated(name: str, folder: Path) -> Generated:
    """Imported whole with the CLI, then generated; once per session."""
    if name not in _generated:
        spec = folder / "specs" / f"{name}.yaml"
        spec.parent.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            [sys.executable, "-m", "generator", "import", "--model", f"botocore:{name}", "--out", str(spec), "-q"],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stderr
        out = folder / "out" / name
        generate(spec, out)
        service = compile_spec(spec)
        complete = {
            root: covering_instance(service, service.shape(root))
            for op in service.operations
            for root in (op.input, op.output)
        }
        _generated[name] = Generated(name, service, out, service.package, complete)
    return _generated[name]


@pytest.fixture
def package(request: pytest.FixtureRequest, services_dir: Path) -> Iterator[tuple[Generated, ModuleType]]:
    made = generated(request.param, services_dir)
    sys.path.insert(0, str(made.folder))
    try:
        yield made, importlib.import_module(made.package)
    finally:
        sys.path.remove(str(made.folder))
        for module in [n for n in sys.modules if n == made.package or n.startswith(made.package + ".")]:
            del sys.modules[module]


@pytest.mark.parametrize("package", TYPE_CHECKED, indirect=True)
def test_package_passes_mypy_and_ruff(package: tuple[Generated, ModuleType]) -> None:
    made, _ = package
    for command in (
        ["mypy", "--strict", "--no-incremental", made.package],
        ["ruff", "check", "--no-cache", made.package],
    ):
        result = subprocess.run(
            [sys.executable, "-m", *command], cwd=made.folder, capture_output=True, text=True, check=False
        )
        assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]


def _verdicts(
    validate: Any, schema: jsonschema.protocols.Validator, model: type[pydantic.BaseModel], instance: Any
) -> dict[str, bool]:
    verdicts = {"generated validators": validate(instance) == [], "jsonschema": schema.is_valid(instance)}
    if not has_integral_float(instance) and not has_lone_surrogate(instance):
        try:
            model.model_validate_json(json.dumps(instance), strict=True)
            verdicts["pydantic models"] = True
        except pydantic.ValidationError:
            verdicts["pydantic models"] = False
    return verdicts


@pytest.mark.parametrize("package", EXERCISED, indirect=True)
def test_constraint_corpus_gets_one_verdict(package: tuple[Generated, ModuleType]) -> None:
    """The corpus is tests/support/covering.py's: each shape's constraints once per direction,
    at its shallowest place in the smallest instance holding it; every operation's input and
    output gets its valid instance and wrong JSON types."""
    made, api = package
    models = importlib.import_module(f"{made.package}.models")
    service = made.service
    checks: dict[str, tuple[Any, jsonschema.protocols.Validator, type[pydantic.BaseModel]]] = {}
    roots: list[tuple[str, str, Any]] = []
    for op in service.operations:
        for root, direction, validate in ((op.input, "input", api.validate_request), (op.output, "output", api.validate_response)):
            if root in checks:
                continue
            schema = json.loads(
                (made.folder / made.package / "schemas" / f"{root}.schema.json").read_text(encoding="utf-8")
            )
            bound = lambda value, v=validate, o=op.name: v(value, o)
            checks[root] = (bound, oracle(schema), getattr(models, root))
            roots.append((root, direction, made.complete[root]))
    disagreements: list[str] = []
    counts = [0, 0]
    for root, instance in covering_corpus(service, roots):
        verdicts = _verdicts(*checks[root], instance)
        counts[verdicts["generated validators"]] += 1
        if len(set(verdicts.values())) > 1:
            disagreements.append(f"{root}: {json.dumps(instance)[:300]} -> {verdicts}")
    print(
        f"{made.botocore_name}: {sum(counts)} instances, {counts[1]} valid, {counts[0]} invalid, {len(disagreements)} disagreements"
    )
    assert counts[1] >= len(roots) and counts[0] > len(roots)
    assert disagreements[:5] == []


def _as_python(service: Service, shape_name: str, value: Any) -> Any:
    """Wire JSON as boto3 takes it: blobs as bytes."""
    shape = service.shape(shape_name)
    if isinstance(shape, BlobShape):
        return base64.b64decode(value)
    if isinstance(shape, (StructureShape, UnionShape)):
        members = {m.wire_name: m.shape for m in shape.members}
        return {k: _as_python(service, members[k], v) for k, v in value.items()}
    if isinstance(shape, ListShape):
        return [_as_python(service, shape.member, v) for v in value]
    if isinstance(shape, MapShape):
        return {k: _as_python(service, shape.value, v) for k, v in value.items()}
    return value


def _comparable(value: Any) -> Any:
    """boto3's parsed values (bytes, datetimes) and wire JSON in one form."""
    if isinstance(value, dict):
        return {k: _comparable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_comparable(v) for v in value]
    if isinstance(value, bytes):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, datetime):
        return value.timestamp()
    return value


def _keep_on(endpoint: str, request: Any) -> list[str]:
    """Some endpoint rules ignore endpoint_url: Kinesis's route a call naming a stream id to
    {id}.control-kinesis.{region}.amazonaws.com. Before signing (so SigV4 signs the host
    sent), such a request is pointed back at `endpoint`, keeping its path and query; hosts
    under example.com (the endpoint, and host prefixes before it) are left as they are.
    Returns the host it replaced, if any."""
    parts = urlsplit(request.url)
    ours = urlsplit(endpoint)
    assert ours.hostname is not None
    domain = ours.hostname.split(".", 1)[1]
    if parts.hostname is None or parts.hostname == domain or parts.hostname.endswith("." + domain):
        return []
    request.url = urlunsplit(parts._replace(scheme=ours.scheme, netloc=ours.netloc))
    return [parts.hostname]


@pytest.mark.parametrize("package", EXERCISED, indirect=True)
def test_boto3_round_trips_every_operation(package: tuple[Generated, ModuleType]) -> None:
    made, _ = package
    service = made.service
    server = importlib.import_module(f"{made.package}.server")
    seen: list[Any] = []
    answers = {op.method_name: made.complete[op.output] for op in service.operations}

    def method(name: str) -> Any:
        def handle(self: Any, request: Any) -> Any:
            seen.append(request.model_dump(by_alias=True, exclude_none=True, mode="json"))
            return answers[name]

        return handle

    handler = type("Handler", (), {op.method_name: method(op.method_name) for op in service.operations})()
    sent: list[Any] = []
    problems: list[str] = []
    rerouted: list[str] = []
    with Served(server.create_app(handler)) as served, loopback_names("example.com"):
        endpoint = f"http://services.example.com:{served.port}"
        client = boto3.client(
            made.botocore_name,
            region_name="us-east-1",
            endpoint_url=endpoint,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
        )
        client.meta.events.register("before-sign", lambda request, **_: rerouted.extend(_keep_on(endpoint, request)))
        client.meta.events.register("before-send", lambda request, **_: sent.append(json.loads(request.body or b"{}")))
        for op in service.operations:
            params = made.complete[op.input]
            seen.clear()
            sent.clear()
            try:
                result = getattr(client, xform_name(op.name))(**_as_python(service, op.input, params))
            except Exception as exc:  # noqa: BLE001 - reported with the operation's name
                problems.append(f"{op.name}: {type(exc).__name__}: {str(exc)[:300]}")
                continue
            result.pop("ResponseMetadata", None)
            if seen != sent[-1:]:
                problems.append(
                    f"{op.name}: the handler saw {json.dumps(seen)[:300]}, boto3 sent {json.dumps(sent)[:300]}"
                )
            if _comparable(result) != _comparable(answers[op.method_name]):
                problems.append(
                    f"{op.name}: boto3 read {str(_comparable(result))[:300]}, the handler answered {json.dumps(answers[op.method_name])[:300]}"
                )
    print(
        f"{made.botocore_name}: {len(service.operations)} operations, {len(problems)} problems,"
        f" {len(rerouted)} sent back from an endpoint the rules chose ({sorted(set(rerouted))[:3]})"
    )
    assert problems[:5] == []


@pytest.mark.parametrize("package", ["ecr"], indirect=True)
def test_a_hostile_value_for_a_catastrophic_pattern_is_refused_at_once(package: tuple[Generated, ModuleType]) -> None:
    """ECR's repository filter, `^[a-z0-9*](?:[._\\-/a-z0-9*]?[a-z0-9*]+)*$` (at most 255
    characters): on `a` * 254 + `!` a backtracking engine tries every split of the run, about
    2^254 paths. The validators match it with the linear-time engine, so the server answers
    ValidationException at once; with Python's re this test would not end (no clock is read)."""
    made, _ = package
    validators = (made.folder / made.package / "validators.py").read_text(encoding="utf-8")
    assert "_RE_ScanningRepositoryFilterValue: Final = LinearPattern(" in validators
    server = importlib.import_module(f"{made.package}.server")
    hostile = "a" * 254 + "!"
    rule = {"scanFrequency": "SCAN_ON_PUSH", "repositoryFilters": [{"filter": hostile, "filterType": "WILDCARD"}]}
    headers = {
        "X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.PutRegistryScanningConfiguration",
        "Content-Type": "application/x-amz-json-1.1",
    }

    class Handler:
        def put_registry_scanning_configuration(self, request: Any) -> Any:
            raise AssertionError("a refused request reached the handler")

    with Served(server.create_app(Handler())) as served:
        answers = [
            post(served.url, json.dumps({"scanType": "BASIC", "rules": [rule]}), headers) for _ in range(20)
        ]
    for answer in answers:
        assert answer.status == 400 and answer.json["__type"] == "ValidationException", answer.body
        assert "Member must satisfy regular expression pattern: ^[a-z0-9*]" in answer.json["message"]
