"""The exported OpenAPI 3.1 document: valid, lint-clean, and true of the generated server.

openapi-spec-validator and Spectral (every rule of its OpenAPI ruleset, tests/js/.spectral.yaml)
check the document; schemathesis generates requests from it (valid ones and invalid ones),
sends them SigV4-signed to `python -m pollforjobs.server` on loopback, and checks that no
answer is a 5xx and that every answer's status, content type, headers and body are the ones
the document gives.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import cbor2
import pytest
import requests
import schemathesis
import yaml
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from generator.ir import Service, StructureShape

from ..conftest import ROOT
from ..support.export_server import ACCESS_KEY, REGION, SECRET_KEY, served
from ..support.node import JS, node_tool

DOCUMENT = ROOT / "generated" / "pollforjobs" / "openapi.yaml"
MEDIA_TYPE = "application/x-amz-json-1.1"
CBOR_PATH = "/service/CodePipeline_20150709/operation/PollForJobs"
CBOR_MEDIA_TYPE = "application/cbor"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance, response_schema_conformance]
EXAMPLES_PER_MODE = 75
SEEDED_ACTION = {"category": "Test", "owner": "Custom", "provider": "JenkinsProviderName", "version": "1"}

DESERIALIZED: Counter[int] = Counter()


@schemathesis.serializer(MEDIA_TYPE)
def _amz_json_body(context: schemathesis.SerializationContext, value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


@schemathesis.serializer(CBOR_MEDIA_TYPE)
def _cbor_body(context: schemathesis.SerializationContext, value: Any) -> bytes:
    return cbor2.dumps(value)


@schemathesis.deserializer(CBOR_MEDIA_TYPE)
def _cbor_response(context: schemathesis.DeserializationContext, response: schemathesis.Response) -> Any:
    DESERIALIZED[response.status_code] += 1
    return cbor2.loads(response.content)


@schemathesis.deserializer(MEDIA_TYPE)
def _amz_json_response(context: schemathesis.DeserializationContext, response: schemathesis.Response) -> Any:
    DESERIALIZED[response.status_code] += 1
    return json.loads(response.content)


class SigV4(requests.auth.AuthBase):
    """Sign the request as an AWS SDK would, over the exact bytes that go on the wire."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        body = request.body or b""
        unsigned = {k: v for k, v in request.headers.items() if k.lower() not in ("authorization", "x-amz-date")}
        signed = AWSRequest(method=request.method, url=request.url, data=body, headers=unsigned)
        SigV4Auth(Credentials(ACCESS_KEY, SECRET_KEY), "codepipeline", REGION).add_auth(signed)
        request.headers["Authorization"] = signed.headers["Authorization"]
        request.headers["X-Amz-Date"] = signed.headers["X-Amz-Date"]
        return request


def _document() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(DOCUMENT.read_text(encoding="utf-8"))
    return loaded


def test_document_passes_openapi_spec_validator() -> None:
    validate(_document())


def test_document_passes_spectral_with_every_openapi_rule() -> None:
    command = [str(node_tool("spectral")), "lint", "--ruleset", str(JS / ".spectral.yaml"), "--fail-severity", "hint", str(DOCUMENT)]
    result = subprocess.run(command, cwd=JS, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No results with a severity of 'hint' or higher found" in result.stdout


def test_document_describes_the_aws_json_wire_protocol(service: Service) -> None:
    document = _document()
    cbor_paths = [f"/service/{service.target_prefix}/operation/{op.name}" for op in service.operations]
    assert CBOR_PATH in cbor_paths
    assert list(document["paths"]) == [*cbor_paths, "/"] and list(document["paths"]["/"]) == ["post"]  # the spec's order
    operation = document["paths"]["/"]["post"]
    [target] = [p for p in operation["parameters"] if p["name"] == "X-Amz-Target"]
    assert target["in"] == "header" and target["required"] is True
    assert target["schema"]["enum"] == [op.target for op in service.operations]
    assert list(operation["requestBody"]["content"]) == [MEDIA_TYPE]
    codes = {name for op in service.operations for name in op.errors} | set(service.common_errors)
    for name in codes:
        shape = service.shape(name)
        assert isinstance(shape, StructureShape) and shape.error is not None
        schema = operation["responses"][str(shape.error.http_status)]["content"][MEDIA_TYPE]["schema"]
        refs = [s["$ref"] for s in schema.get("oneOf", [schema])]
        assert f"#/components/schemas/{name}" in refs, name
        assert document["components"]["schemas"][name]["required"][0] == "__type"
    scheme = document["components"]["securitySchemes"]["sigv4"]
    assert (scheme["type"], scheme["in"], scheme["name"], scheme["x-amazon-apigateway-authtype"]) == ("apiKey", "header", "Authorization", "awsSigv4")
    assert document["security"] == [{"sigv4": []}]


def test_document_describes_the_cbor_route_next_to_the_json_one(service: Service) -> None:
    document = _document()
    operation = document["paths"][CBOR_PATH]["post"]
    assert list(document["paths"][CBOR_PATH]) == ["post"] and operation["operationId"] == "PollForJobsCbor"
    [protocol] = operation["parameters"]
    assert (protocol["name"], protocol["in"], protocol["required"], protocol["schema"]["enum"]) == ("Smithy-Protocol", "header", True, ["rpc-v2-cbor"])
    assert operation["requestBody"]["content"] == {CBOR_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/PollForJobsInput"}}}
    for status, answer in operation["responses"].items():
        assert list(answer["content"]) == [CBOR_MEDIA_TYPE], status
        assert answer["headers"]["Smithy-Protocol"]["required"] is True and "X-Amzn-ErrorType" not in answer["headers"]
    assert operation["responses"].keys() == document["paths"]["/"]["post"]["responses"].keys()
    assert "Wire protocol: Smithy RPC v2 CBOR." in document["info"]["description"]


def test_a_two_operation_spec_exports_a_valid_lint_clean_document(tmp_path: Path) -> None:
    command = [sys.executable, "-m", "generator", "export", "--format", "openapi", "--spec", "tests/generality/inventory.yaml", "--out", str(tmp_path)]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    path = tmp_path / "inventory_api" / "openapi.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    validate(document)
    operation = document["paths"]["/"]["post"]
    assert set(operation["x-amz-targets"]) == {"Inventory_20240131.ListItems", "Inventory_20240131.PutItem"}
    lint = [str(node_tool("spectral")), "lint", "--ruleset", str(JS / ".spectral.yaml"), "--fail-severity", "hint", str(path)]
    linted = subprocess.run(lint, cwd=JS, capture_output=True, text=True, timeout=120, check=False)
    assert linted.returncode == 0, linted.stdout + linted.stderr


@pytest.mark.parametrize("route", ["/", CBOR_PATH], ids=["aws-json", "rpc-v2-cbor"])
@pytest.mark.parametrize("mode", [schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE])
def test_schemathesis_finds_the_server_true_to_the_document(mode: schemathesis.GenerationMode, route: str, tmp_path: Path, sample_request: dict[str, Any]) -> None:
    schema = schemathesis.openapi.from_dict(_document())
    operation = schema[route]["POST"]
    cbor = route != "/"
    jobs = [{"data": {"actionTypeId": SEEDED_ACTION}} for _ in range(3)]
    DESERIALIZED.clear()
    statuses: Counter[int] = Counter()
    codes: Counter[str] = Counter()
    with served(tmp_path, jobs) as url, requests.Session() as session:

        def exchange(case: schemathesis.Case) -> None:
            response = case.call(base_url=url, session=session, auth=SigV4(), timeout=10)
            statuses[response.status_code] += 1
            code = cbor2.loads(response.content).get("__type", "-") if cbor else response.headers.get("x-amzn-errortype", ["-"])[0]
            codes[code] += 1
            case.validate_response(response, checks=CHECKS)

        headers = {"Smithy-Protocol": "rpc-v2-cbor"} if cbor else {"X-Amz-Target": "CodePipeline_20150709.PollForJobs"}
        documented = operation.Case(body=sample_request, headers=headers, media_type=CBOR_MEDIA_TYPE if cbor else MEDIA_TYPE)
        exchange(documented)
        assert statuses[200] == 1, "the documented sample request did not get its seeded jobs"

        @settings(max_examples=EXAMPLES_PER_MODE, deadline=None, database=None, suppress_health_check=list(HealthCheck))
        @given(case=operation.as_strategy(generation_mode=mode))
        def generated(case: schemathesis.Case) -> None:
            exchange(case)

        generated()
    print(f"schemathesis {mode.value}: {sum(statuses.values())} requests, statuses {dict(sorted(statuses.items()))}, errors {dict(codes)}")
    assert sum(DESERIALIZED.values()) == sum(statuses.values()), "some bodies were not checked against the document"
    assert not any(status >= 500 for status in statuses)
    assert len(statuses) >= 2


SPECS = [ROOT / "specs" / "pollforjobs.yaml", *sorted((ROOT / "tests" / "generality").glob("*.yaml")), ROOT / "tests" / "kinds" / "shapes.yaml"]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_libyaml_and_pyyaml_write_the_same_document_which_reads_back_equal(spec: Path) -> None:
    """The export is written by libyaml where PyYAML has it, else by PyYAML's own emitter:
    the same bytes either way (neither wraps lines), and it loads back as the document."""
    from generator.openapi import dump, openapi_document
    from generator.pipeline import compile_spec

    document = openapi_document(compile_spec(spec))
    assert yaml.__with_libyaml__, "the installed PyYAML has libyaml (its wheels do)"
    fast, plain = dump(document, yaml.CSafeDumper), dump(document, yaml.SafeDumper)
    assert fast == plain
    assert yaml.safe_load(fast) == document
