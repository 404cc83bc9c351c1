"""The operation traits of the invented spec (tests/kinds/shapes.yaml) through the generated
client and server, beside boto3 with a botocore model of the same operations: host prefixes
(the endpoint trait, with host labels), request compression, operation deprecation.

Names under example.com resolve to 127.0.0.1 in this process (`loopback_names`), so a client
that puts a host prefix before its endpoint's host reaches the loopback server."""

from __future__ import annotations

import gzip
import importlib
import json
import warnings
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import pytest
from botocore.model import ServiceModel
from botocore.serialize import create_serializer

from ..support.forest_model import BOTOCORE_METADATA, KEYS, PACKAGE, SPEC
from ..support.generated_package import imported
from ..support.protocol_suites import Stub, loopback_names
from ..support.server_harness import Served, post

CONTENT_TYPE = "application/x-amz-json-1.0"
# The same operations as a botocore model (service-2.json), as AWS would ship them.
BOTOCORE_MODEL: dict[str, Any] = {
    "version": "2.0",
    "metadata": BOTOCORE_METADATA,
    "operations": {
        "VisitGrove": {
            "name": "VisitGrove",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "VisitGroveInput"},
            "output": {"shape": "VisitGroveOutput"},
            "endpoint": {"hostPrefix": "{grove}.groves."},
            "deprecated": True,
        },
        "RecordSurvey": {
            "name": "RecordSurvey",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "RecordSurveyInput"},
            "output": {"shape": "VisitGroveOutput"},
            "endpoint": {"hostPrefix": "surveys."},
            "requestcompression": {"encodings": ["gzip"]},
        },
    },
    "shapes": {
        "VisitGroveInput": {
            "type": "structure",
            "required": ["grove"],
            "members": {"grove": {"shape": "Name", "hostLabel": True}, "visitor": {"shape": "Name"}},
        },
        "VisitGroveOutput": {"type": "structure", "members": {"grove": {"shape": "Name"}}},
        "RecordSurveyInput": {"type": "structure", "members": {"notes": {"shape": "Notes"}}},
        "Name": {"type": "string", "min": 1, "max": 64},
        "Notes": {"type": "string", "max": 1000000},
    },
}
LONG_NOTES = "".join(f"note {i}: the oak by the river has {i % 7} new rings. " for i in range(400))


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with imported(SPEC, tmp_path_factory.mktemp("kinds-traits"), PACKAGE) as package:
        yield package


@pytest.fixture(scope="module")
def boto3_session(tmp_path_factory: pytest.TempPathFactory) -> boto3.session.Session:
    folder = tmp_path_factory.mktemp("models") / "forest" / "2024-01-01"
    folder.mkdir(parents=True)
    (folder / "service-2.json").write_text(json.dumps(BOTOCORE_MODEL), encoding="utf-8")
    session = boto3.session.Session()
    session._session.get_component("data_loader").search_paths.insert(0, str(folder.parent.parent))
    return session


def client(api: ModuleType, url: str, **options: Any) -> Any:
    module = importlib.import_module(f"{PACKAGE}.client")
    return module.ForestClient(endpoint_url=url, max_attempts=1, **KEYS, **options)


class Handler:
    def __init__(self) -> None:
        self.seen: list[Any] = []

    def visit_grove(self, request: Any) -> dict[str, Any]:
        self.seen.append(request)
        return {"grove": request.grove}

    def record_survey(self, request: Any) -> dict[str, Any]:
        self.seen.append(request)
        return {"grove": "surveyed"}


def sent_through_stub(api: ModuleType, call: Any, **options: Any) -> dict[str, Any]:
    with Stub({"status_code": 200, "headers": {}, "body": "{}"}) as stub, loopback_names("example.com"):
        port = stub.url.rpartition(":")[2]
        call(client(api, f"http://example.com:{port}", **options))
    (sent,) = stub.requests
    sent["port"] = port
    return sent


def botocore_request(operation: str, params: dict[str, Any]) -> dict[str, Any]:
    model = ServiceModel(BOTOCORE_MODEL).operation_model(operation)
    request: dict[str, Any] = create_serializer("json").serialize_to_request(params, model)
    return request


# --- host prefixes -----------------------------------------------------------------------


def test_the_client_puts_the_expanded_host_prefix_before_the_endpoint_host(api: ModuleType) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        sent = sent_through_stub(api, lambda c: c.visit_grove(grove="oak-7.north", visitor="ann"))
    expected = botocore_request("VisitGrove", {"grove": "oak-7.north", "visitor": "ann"})
    assert expected["host_prefix"] == "oak-7.north.groves."
    assert sent["headers"]["Host"] == f"{expected['host_prefix']}example.com:{sent['port']}"
    assert json.loads(sent["body"]) == json.loads(expected["body"])  # the label stays in the body


def test_a_static_host_prefix_needs_no_label(api: ModuleType) -> None:
    sent = sent_through_stub(api, lambda c: c.record_survey(notes="short"))
    assert sent["headers"]["Host"] == f"surveys.example.com:{sent['port']}"


@pytest.mark.parametrize("value", ["a/b", "oak tree", "x\ny", "eiche-ä", ""])
def test_a_host_label_that_cannot_go_in_a_host_name_is_refused_as_botocore_refuses_it(api: ModuleType, value: str) -> None:
    errors_expected = botocore_refusal({"grove": value}) if value else None
    forest = client(api, "http://127.0.0.1:9", validate_requests=False)
    with pytest.raises(importlib.import_module(f"{PACKAGE}.client").ParamValidationError) as raised, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        forest.visit_grove(grove=value)
    assert "Invalid value for parameter(s): grove. Must contain only alphanumeric characters, hyphen, or period." in str(raised.value)
    if errors_expected is not None:
        assert errors_expected in str(raised.value)


def botocore_refusal(params: dict[str, Any]) -> str:
    from botocore.exceptions import ParamValidationError

    with pytest.raises(ParamValidationError) as raised:
        botocore_request("VisitGrove", params)
    return str(raised.value).removeprefix("Parameter validation failed:\n")


@pytest.mark.parametrize("how", ["argument", "environment"])
def test_host_prefix_injection_can_be_turned_off_as_in_botocore(api: ModuleType, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    options: dict[str, Any] = {}
    if how == "argument":
        options["inject_host_prefix"] = False
    else:
        monkeypatch.setenv("AWS_DISABLE_HOST_PREFIX_INJECTION", "true")
    sent = sent_through_stub(api, lambda c: c.record_survey(notes="short"), **options)
    assert sent["headers"]["Host"] == f"example.com:{sent['port']}"


def test_boto3_and_the_generated_client_reach_the_generated_server_through_a_host_prefix(
    api: ModuleType, boto3_session: boto3.session.Session
) -> None:
    handler = Handler()
    server = importlib.import_module(f"{PACKAGE}.server")
    with Served(server.create_app(handler)) as served, loopback_names("example.com"):
        url = f"http://example.com:{served.port}"
        boto = boto3_session.client("forest", endpoint_url=url, **KEYS)
        seen_hosts: list[str] = []
        boto.meta.events.register("before-send.forest.VisitGrove", lambda request, **_: seen_hosts.append(request.url))
        assert boto.visit_grove(grove="elm")["grove"] == "elm"
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            assert client(api, url).visit_grove(grove="elm").grove == "elm"
    assert seen_hosts == [f"http://elm.groves.example.com:{served.port}/"]
    assert [r.grove for r in handler.seen] == ["elm", "elm"]


# --- request compression -----------------------------------------------------------------


def test_a_body_over_the_minimum_is_gzipped_as_botocore_does(api: ModuleType) -> None:
    sent = sent_through_stub(api, lambda c: c.record_survey(notes=LONG_NOTES))
    body = json.loads(botocore_request("RecordSurvey", {"notes": LONG_NOTES})["body"])
    assert len(json.dumps(body)) >= 10240
    assert sent["headers"]["Content-Encoding"] == "gzip"  # br comes first in the spec, but is not known
    assert json.loads(gzip.decompress(sent["body"])) == body
    assert int(sent["headers"]["Content-Length"]) == len(sent["body"]) < 10240


@pytest.mark.parametrize(
    ("options", "env", "compressed"),
    [
        ({}, {}, False),  # under botocore's default minimum of 10240 bytes
        ({"request_min_compression_size_bytes": 10}, {}, True),
        ({}, {"AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES": "10"}, True),
        ({"request_min_compression_size_bytes": 10, "disable_request_compression": True}, {}, False),
        ({"request_min_compression_size_bytes": 10}, {"AWS_DISABLE_REQUEST_COMPRESSION": "true"}, False),
    ],
)
def test_compression_is_configured_as_in_botocore(
    api: ModuleType, options: dict[str, Any], env: dict[str, str], compressed: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    sent = sent_through_stub(api, lambda c: c.record_survey(notes="a short note"), **options)
    assert ("Content-Encoding" in sent["headers"]) is compressed
    body = gzip.decompress(sent["body"]) if compressed else sent["body"]
    assert json.loads(body) == {"notes": "a short note"}


@pytest.mark.parametrize("value", [-1, 10 * 1024 * 1024 + 1, "10", True, 1.5])
def test_a_bad_minimum_compression_size_is_a_configuration_error(api: ModuleType, value: Any) -> None:
    module = importlib.import_module(f"{PACKAGE}.client")
    with pytest.raises(module.ConfigurationError, match="request_min_compression_size_bytes"):
        client(api, "http://127.0.0.1:9", request_min_compression_size_bytes=value)


def test_an_operation_without_the_trait_is_never_compressed(api: ModuleType) -> None:
    sent = sent_through_stub(api, lambda c: c.put_tree(metadata={"notes": LONG_NOTES}), request_min_compression_size_bytes=0)
    assert "Content-Encoding" not in sent["headers"]


def test_the_server_reads_gzipped_bodies_from_boto3_and_the_generated_client(api: ModuleType, boto3_session: boto3.session.Session) -> None:
    handler = Handler()
    server = importlib.import_module(f"{PACKAGE}.server")
    with Served(server.create_app(handler)) as served, loopback_names("example.com"):
        url = f"http://example.com:{served.port}"
        boto = boto3_session.client("forest", endpoint_url=url, **KEYS)
        encodings: list[str | None] = []
        boto.meta.events.register("before-send.forest.RecordSurvey", lambda request, **_: encodings.append(request.headers.get("Content-Encoding")))
        boto.record_survey(notes=LONG_NOTES)
        client(api, url).record_survey(notes=LONG_NOTES)
    assert encodings == [b"gzip"] or encodings == ["gzip"]
    assert [r.notes for r in handler.seen] == [LONG_NOTES, LONG_NOTES]


def served_answer(api: ModuleType, body: bytes, encoding: str, max_body_bytes: int | None = None) -> Any:
    server = importlib.import_module(f"{PACKAGE}.server")
    options = {} if max_body_bytes is None else {"max_body_bytes": max_body_bytes}
    headers = {"X-Amz-Target": "Forest_20240101.RecordSurvey", "Content-Type": CONTENT_TYPE, "Content-Encoding": encoding}
    with Served(server.create_app(Handler(), **options)) as served:
        return post(served.url, body, headers, default_headers=False)


def test_a_gzip_bomb_is_refused_with_413_after_the_limit(api: ModuleType) -> None:
    inflater = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    bomb = inflater.compress(b'{"notes": "' + b"a" * (64 * 1024 * 1024)) + inflater.flush()
    assert len(bomb) < 100_000
    answer = served_answer(api, bomb, "gzip")
    assert answer.status == 413
    assert answer.json["__type"] == "RequestEntityTooLargeException"
    assert "decompressed request body is larger than 1048576 bytes" in answer.json["message"]


def test_a_gzipped_body_is_bounded_by_max_body_bytes_once_decompressed(api: ModuleType) -> None:
    body = gzip.compress(json.dumps({"notes": "x" * 5000}).encode())
    assert served_answer(api, body, "gzip", max_body_bytes=len(body) + 100).status == 413
    assert served_answer(api, body, "gzip", max_body_bytes=6000).status == 200


@pytest.mark.parametrize(
    ("body", "encoding", "fragment"),
    [
        (b"not gzip at all", "gzip", "cannot be decompressed"),
        (gzip.compress(mtime=0, data=b'{"notes": "x"}')[:-6], "gzip", "ends early"),
        (gzip.compress(mtime=0, data=b'{"notes": "x"}') + b"junk", "gzip", "after the end"),
        (b'{"notes": "x"}', "br", "Unsupported Content-Encoding: 'br'"),
    ],
)
def test_a_body_that_cannot_be_decoded_is_a_400(api: ModuleType, body: bytes, encoding: str, fragment: str) -> None:
    answer = served_answer(api, body, encoding)
    assert answer.status == 400
    assert answer.json["__type"] == "SerializationException"
    assert fragment in answer.json["message"]


@pytest.mark.parametrize("encoding", ["identity", "gzip, identity", "GZIP"])
def test_identity_and_case_are_understood(api: ModuleType, encoding: str) -> None:
    raw = b'{"notes": "x"}'
    body = raw if encoding == "identity" else gzip.compress(raw)
    assert served_answer(api, body, encoding).status == 200


# --- operation deprecation ---------------------------------------------------------------


def test_a_deprecated_operation_says_so_and_warns(api: ModuleType) -> None:
    module = importlib.import_module(f"{PACKAGE}.client")
    doc = module.ForestClient.visit_grove.__doc__ or ""
    assert doc.strip().startswith("Deprecated since 2024-06-01: Use PutTree.")
    assert "Deprecated" not in (module.ForestClient.record_survey.__doc__ or "")
    with Stub({"status_code": 200, "headers": {}, "body": "{}"}) as stub:
        forest = client(api, stub.url, inject_host_prefix=False)
        with pytest.warns(DeprecationWarning, match="VisitGrove: Deprecated since 2024-06-01: Use PutTree.") as caught:
            forest.visit_grove(grove="oak")
    assert caught[0].filename == __file__  # it points at the caller, as warnings should


def test_a_deprecated_operation_is_marked_in_the_typescript_export(api: ModuleType) -> None:
    declarations = (Path(api.__file__).parent / "types.d.ts").read_text(encoding="utf-8")
    operations = declarations[declarations.index("export interface ForestOperations") :]
    visit = operations[: operations.index("  VisitGrove: {")]
    assert visit.rstrip().endswith("@deprecated Deprecated since 2024-06-01: Use PutTree.\n   */")
    record = operations[operations.index("  RecordSurvey: {") - 200 : operations.index("  RecordSurvey: {")]
    assert "@deprecated" not in record.split("};")[-1]


def test_many_label_values_keep_a_bounded_number_of_connection_pools(api: ModuleType) -> None:
    runtime = importlib.import_module(f"{PACKAGE}._runtime.client")
    with Stub({"status_code": 200, "headers": {}, "body": "{}"}) as stub, loopback_names("example.com"), warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        forest = client(api, f"http://example.com:{stub.url.rpartition(':')[2]}")
        for number in range(runtime.MAX_PREFIXED_HOSTS + 5):
            forest.visit_grove(grove=f"g{number}")
    assert len(stub.requests) == runtime.MAX_PREFIXED_HOSTS + 5
    assert len(forest._prefixed) == runtime.MAX_PREFIXED_HOSTS  # the oldest pools were closed
    assert f"g{runtime.MAX_PREFIXED_HOSTS + 4}.groves." in forest._prefixed and "g0.groves." not in forest._prefixed
