"""The spec's `service.protocol` (one) or `service.protocols` decides the wire protocols.

A copy of the PollForJobs spec that says only `awsJson1_0` (or only `awsJson1_1`) generates a package that differs from
the golden one only where the protocol's version shows; its server and client speak 1.0
(`Content-Type: application/x-amz-json-1.0`), and so does botocore, given a copy of its
CodePipeline model set to JSON 1.0."""

from __future__ import annotations

import difflib
import gzip
import importlib
import json
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import botocore
import botocore.session
import pytest
from botocore.exceptions import ClientError

from generator import protocols
from generator.diagnostics import SpecError
from generator.pipeline import build, generate

from ..conftest import ROOT, SPEC
from ..support.server_harness import ACTION_TYPE, Served, post, signed_headers

PACKAGE = "pollforjobs10"
KEY, SECRET = "AKIDJSON10TEST000001", "json10-test-secret/000000000000000000001"


def spec_copy(folder: Path, protocol: str) -> Path:
    text = SPEC.read_text(encoding="utf-8")
    listed = "  protocols:\n  - rpcv2Cbor\n  - awsJson1_1\n"
    assert listed in text and "  package: pollforjobs\n" in text
    text = text.replace(listed, f"  protocol: {protocol}\n").replace("  package: pollforjobs\n", f"  package: {PACKAGE}\n")
    path = folder / "pollforjobs.yaml"
    path.write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "specs" / "pollforjobs", folder / "pollforjobs")
    return path


def test_the_meta_schema_admits_exactly_the_protocols_the_generator_has() -> None:
    schema = json.loads((ROOT / "specs" / "spec.schema.json").read_text(encoding="utf-8"))
    assert schema["properties"]["service"]["properties"]["protocol"]["enum"] == sorted(protocols.PROTOCOLS)


@pytest.mark.parametrize(("name", "content_type"), [("awsJson1_0", "application/x-amz-json-1.0"), ("awsJson1_1", "application/x-amz-json-1.1")])
def test_protocol_facts(name: str, content_type: str) -> None:
    protocol = protocols.PROTOCOLS[name]
    assert protocol.content_type == content_type
    assert protocol.runtime_modules == {"aws_json", "json_codec"}
    assert all((ROOT / "templates" / "runtime" / "protocols" / f"{module}.py").is_file() for module in protocol.runtime_modules)


def test_a_10_package_differs_only_where_the_version_shows(tmp_path: Path) -> None:
    (tmp_path / "10").mkdir()
    (tmp_path / "11").mkdir()
    _, json10 = build(spec_copy(tmp_path / "10", "awsJson1_0"))
    _, json11 = build(spec_copy(tmp_path / "11", "awsJson1_1"))
    assert sorted(json10) == sorted(json11)
    # The markers record the inputs (the specs differ in their protocol, so in their SHA-256)
    # and each file's SHA-256: those differ exactly for the spec and the files that differ.
    [marker] = [name for name in json10 if name.endswith("/.generated.json")]
    record10, record11 = json.loads(json10[marker]), json.loads(json11[marker])
    assert record10["inputs"]["spec"]["sha256"] != record11["inputs"]["spec"]["sha256"]
    for record in (record10, record11):
        del record["inputs"]["spec"]["sha256"]
    assert record10["inputs"] == record11["inputs"]
    package = marker.split("/", 1)[0]
    hashed = {name for name in record10["sha256"] if record10["sha256"][name] != record11["sha256"][name]}
    assert hashed == {name.removeprefix(package + "/") for name in json10 if json10[name] != json11[name] and name != marker}
    assert {k: v for k, v in record10.items() if k not in ("inputs", "sha256")} == {k: v for k, v in record11.items() if k not in ("inputs", "sha256")}
    json10, json11 = {k: v for k, v in json10.items() if k != marker}, {k: v for k, v in json11.items() if k != marker}
    changed = []
    for name, text in json10.items():
        diff = difflib.unified_diff(json11[name].splitlines(), text.splitlines(), lineterm="", n=0)
        changed += [(name, line) for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert changed, "the protocol changed nothing"
    assert [(name, line) for name, line in changed if not any(v in line for v in ("1.0", "1.1", "1_0", "1_1"))] == []
    assert {name.rsplit("/", 1)[-1] for name, _ in changed} == {"server.py", "client.py", "openapi.yaml", "types.d.ts"}


@pytest.fixture(scope="module")
def json10(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    folder = tmp_path_factory.mktemp("json10")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        generate(spec_copy(folder, "awsJson1_0"), folder / "out")
    sys.path.insert(0, str(folder / "out"))
    try:
        importlib.import_module(f"{PACKAGE}.server")
        importlib.import_module(f"{PACKAGE}.client")
        yield sys.modules[PACKAGE]
    finally:
        sys.path.remove(str(folder / "out"))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(f"{PACKAGE}.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def url(json10: ModuleType) -> Iterator[str]:
    queue = json10.jobqueue.create_handler(None)
    queue.register_action_type(ACTION_TYPE)
    with Served(json10.server.create_app(queue, credentials={KEY: SECRET})) as served:
        yield served.url


def test_the_10_package_carries_the_protocol_modules_it_uses(json10: ModuleType) -> None:
    folder = Path(json10.__file__).parent / "_runtime" / "protocols"
    assert sorted(p.name for p in folder.glob("*.py")) == ["__init__.py", "aws_json.py", "json_codec.py"]
    assert json10.server.CONTENT_TYPE == "application/x-amz-json-1.0"


def test_the_10_client_and_server_speak_10(json10: ModuleType, url: str) -> None:
    def client(**options: object) -> object:
        return json10.client.CodePipelineClient(region_name="us-east-1", endpoint_url=url, aws_access_key_id=KEY, aws_secret_access_key=SECRET, **options)

    assert client().poll_for_jobs(actionTypeId=ACTION_TYPE).jobs == []  # type: ignore[attr-defined]
    with pytest.raises(json10.errors.ValidationException):  # the server's answer, read by the 1.0 client
        client(validate_requests=False).poll_for_jobs({"actionTypeId": ACTION_TYPE, "maxBatchSize": 0})  # type: ignore[attr-defined]
    with pytest.raises(json10.errors.ActionTypeNotFoundException):
        client().poll_for_jobs(actionTypeId={**ACTION_TYPE, "provider": "NotRegistered"})  # type: ignore[attr-defined]


@pytest.mark.parametrize(("version", "status"), [("1.0", 200), ("1.1", 400)])
def test_the_10_server_takes_only_the_10_content_type(url: str, version: str, status: int) -> None:
    body = json.dumps({"actionTypeId": ACTION_TYPE}).encode()
    content_type = {"Content-Type": f"application/x-amz-json-{version}"}
    answer = post(url, body, signed_headers(url, body, access_key=KEY, secret_key=SECRET, extra=content_type))
    assert answer.status == status
    assert answer.headers["content-type"] == "application/x-amz-json-1.0"
    if status != 200:
        assert answer.json == {"__type": "SerializationException", "message": "Content-Type must be application/x-amz-json-1.0 (with charset=utf-8 if any charset)."}


def botocore_json10(folder: Path, monkeypatch: pytest.MonkeyPatch, url: str, version: str) -> object:
    """botocore's CodePipeline client, from a copy of its model that speaks JSON `version`."""
    source = Path(botocore.__file__).parent / "data" / "codepipeline" / "2015-07-09"
    target = folder / f"codepipeline{version.replace('.', '')}" / "2015-07-09"
    target.mkdir(parents=True)
    model = json.loads(gzip.decompress((source / "service-2.json.gz").read_bytes()))
    model["metadata"].update(jsonVersion=version, protocol="json", protocols=["json"])
    (target / "service-2.json").write_text(json.dumps(model), encoding="utf-8")
    shutil.copy(source / "endpoint-rule-set-1.json.gz", target)
    monkeypatch.setenv("AWS_DATA_PATH", str(folder))
    session = botocore.session.Session()
    return session.create_client(target.parent.name, region_name="us-east-1", endpoint_url=url, aws_access_key_id=KEY, aws_secret_access_key=SECRET)


def test_botocore_speaking_10_is_served(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = botocore_json10(tmp_path, monkeypatch, url, "1.0")
    assert client.poll_for_jobs(actionTypeId=ACTION_TYPE)["jobs"] == []  # type: ignore[attr-defined]
    with pytest.raises(ClientError) as caught:
        client.poll_for_jobs(actionTypeId={**ACTION_TYPE, "provider": "NotRegistered"})  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "ActionTypeNotFoundException"


def test_botocore_speaking_11_is_refused_by_the_10_server(url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    client = botocore_json10(tmp_path, monkeypatch, url, "1.1")
    with pytest.raises(ClientError) as caught:
        client.poll_for_jobs(actionTypeId=ACTION_TYPE)  # type: ignore[attr-defined]
    assert caught.value.response["Error"]["Code"] == "SerializationException"


def test_the_10_exports_say_10(json10: ModuleType) -> None:
    folder = Path(json10.__file__).parent
    openapi = (folder / "openapi.yaml").read_text(encoding="utf-8")
    assert "application/x-amz-json-1.1" not in openapi and "Wire protocol: AWS JSON 1.0." in openapi
    assert "over the AWS JSON 1.0 protocol: every request is a POST to / with the header X-Amz-Target" in (folder / "types.d.ts").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("replacement", "message"),
    [
        ("  protocol: awsJson1_1\n  protocols: [rpcv2Cbor]\n", "either 'protocol' (one) or 'protocols' (a list), not both"),
        ("", "either 'protocol' (one) or 'protocols' (a list), and names none"),
        ("  protocols: [awsJson1_0, awsJson1_1]\n", "a service speaks one AWS JSON version"),
        ("  protocols: [rpcv2Cbor, rpcv2Cbor]\n", "'rpcv2Cbor' is listed more than once"),
        ("  protocols: []\n", "needs at least 1 entry"),
    ],
    ids=["both", "none", "two-json", "repeated", "empty"],
)
def test_the_protocols_a_spec_names_are_checked(tmp_path: Path, replacement: str, message: str) -> None:
    text = SPEC.read_text(encoding="utf-8")
    listed = "  protocols:\n  - rpcv2Cbor\n  - awsJson1_1\n"
    assert listed in text
    (tmp_path / "pollforjobs.yaml").write_text(text.replace(listed, replacement), encoding="utf-8")
    shutil.copytree(ROOT / "specs" / "pollforjobs", tmp_path / "pollforjobs")
    with pytest.raises(SpecError) as caught:
        build(tmp_path / "pollforjobs.yaml")
    assert message in str(caught.value)
    assert "pollforjobs.yaml:" in str(caught.value)  # located


def test_a_cbor_only_spec_generates_a_package_that_carries_only_cbor(tmp_path: Path) -> None:
    text = SPEC.read_text(encoding="utf-8").replace("  protocols:\n  - rpcv2Cbor\n  - awsJson1_1\n", "  protocol: rpcv2Cbor\n")
    (tmp_path / "pollforjobs.yaml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "specs" / "pollforjobs", tmp_path / "pollforjobs")
    _, files = build(tmp_path / "pollforjobs.yaml")
    protocol_modules = sorted(name.rsplit("/", 1)[-1] for name in files if "/_runtime/protocols/" in name)
    assert protocol_modules == ["__init__.py", "cbor_codec.py", "cbor_reader.py", "rpc_v2_cbor.py"]
    server = next(text for name, text in files.items() if name.endswith("pollforjobs/server.py"))
    assert "PROTOCOLS: Final = (rpc_v2_cbor.RpcV2CborServer(\"CodePipeline_20150709\"),)" in server
    openapi = next(text for name, text in files.items() if name.endswith("openapi.yaml"))
    assert "/service/CodePipeline_20150709/operation/PollForJobs:" in openapi and "\n  /:\n" not in openapi
