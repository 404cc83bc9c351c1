"""The shape kinds beyond PollForJobs's, through every output of an invented spec
(tests/kinds/shapes.yaml): recursive shapes, unions, documents."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from types import ModuleType
from typing import Any, ClassVar

import jsonschema
import pydantic
import pytest
import yaml
from openapi_spec_validator import validate as validate_openapi

from generator.pipeline import build, generate

from ..conftest import ROOT
from ..support.corpus import has_integral_float, mutants
from ..support.node import node_tool
from ..support.server_harness import Served, post

SPEC = Path("tests/kinds/shapes.yaml")
PACKAGE = "forest_api"
TARGET = "Forest_20240101.PutTree"
CONTENT_TYPE = "application/x-amz-json-1.0"


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("kinds")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        generate(SPEC, out)
    return out


@pytest.fixture(scope="module")
def api(package_dir: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(package_dir))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(package_dir))
        for name in [n for n in sys.modules if n == PACKAGE or n.startswith(PACKAGE + ".")]:
            del sys.modules[name]


def chain(levels: int) -> dict[str, Any]:
    """A node `levels` deep through `next`."""
    node: dict[str, Any] = {"name": "leaf"}
    for _ in range(levels - 1):
        node = {"name": "n", "next": node}
    return node


def nested_value(levels: int) -> dict[str, Any]:
    """An attribute value `levels` values deep, alternating lists and maps."""
    value: dict[str, Any] = {"S": "x"}
    for level in range(levels - 1):
        value = {"L": [value]} if level % 2 else {"M": {"k": value}}
    return value


TREE = {
    "root": {"name": "a", "children": [{"name": "b", "next": {"name": "c"}}, {"name": "d", "children": []}]},
    "attributes": {"top": {"M": {"inner": {"L": [{"S": "x"}, {"M": {}}]}}}},
    "filter": {"allOf": [{"named": "b"}, {"depth": 2}]},
    "metadata": {"owner": "me", "tags": [1, 2.5, None, True, {"deep": ["x"]}]},
    "planted": 1398796238,
    "surveyed": "2014-04-29T18:30:38.250000Z",  # botocore writes microseconds
    "felled": "Tue, 29 Apr 2014 18:30:38 GMT",
    "rings": "AQIDBA==",
    "photos": ["", "/+8="],
}
WHEN = datetime(2014, 4, 29, 18, 30, 38, tzinfo=UTC)


def test_package_passes_mypy_and_ruff(package_dir: Path) -> None:
    for command in (["mypy", "--strict", "--no-incremental", PACKAGE], ["ruff", "check", "--no-cache", PACKAGE]):
        result = subprocess.run([sys.executable, "-m", *command], cwd=package_dir, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_recursive_models_round_trip_nested_values(api: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    request = models.PutTreeInput.model_validate(TREE)
    assert request.root.children[0].next.name == "c"
    assert request.attributes["top"].m["inner"].l[1].m == {}
    assert request.model_dump(by_alias=True, exclude_none=True, mode="json") == TREE
    with pytest.raises(Exception, match="name"):
        models.PutTreeInput.model_validate({"root": {"name": "a", "next": {"next": {"name": "c"}}}})


def test_validators_check_every_level(api: ModuleType) -> None:
    assert api.validate_request(TREE) == []
    broken = {"root": {"name": "a", "children": [{"name": "b", "next": {"name": ""}}]}, "attributes": {"k": {"L": [{"S": 5}]}}}
    found = {(v.path, v.kind) for v in api.validate_request(broken)}
    assert found == {("root.children.1.member.next.name", "constraint"), ("attributes.k.member.L.1.member.S", "type")}


def json_levels(value: Any) -> int:
    """How many objects and arrays deep `value` is."""
    if isinstance(value, dict):
        return 1 + max(map(json_levels, value.values()), default=0)
    if isinstance(value, list):
        return 1 + max(map(json_levels, value), default=0)
    return 0


def node_body(levels: int) -> dict[str, Any]:
    return {"root": chain(levels)}


def attribute_body(levels: int) -> dict[str, Any]:
    """`levels` objects and arrays deep (even: a value adds an object and a list or map)."""
    return {"attributes": {"k": nested_value(levels // 2)}}


@pytest.mark.parametrize(("body", "step"), [(node_body, 1), (attribute_body, 2)], ids=["structure", "lists-and-maps"])
def test_nesting_is_bounded_by_max_nesting(api: ModuleType, body: Any, step: int) -> None:
    """MAX_NESTING counts the objects and arrays of recursive shapes, one level each."""
    bound = api.validators.MAX_NESTING
    assert json_levels(body(bound)["root" if step == 1 else "attributes"]) == bound
    assert api.validate_request(body(bound)) == []
    (too_deep,) = api.validate_request(body(bound + step))
    assert too_deep.kind == "type" and f"at most {bound} levels" in too_deep.message
    # Far past Python's recursion limit: still one clear violation, not a RecursionError.
    (way_too_deep,) = api.validate_request(body(20 * sys.getrecursionlimit()))
    assert way_too_deep.kind == "type" and way_too_deep.message.endswith(f"is nested too deeply: at most {bound} levels are allowed")
    wire = importlib.import_module(f"{PACKAGE}.wire")
    wire.read_response(body(bound))
    for levels in (bound + step, 20 * sys.getrecursionlimit()):
        with pytest.raises(api.ResponseFormatError, match=f"at most {bound} levels"):
            wire.read_response(body(levels))


def test_server_refuses_too_deep_input_as_serialization_exception(api: ModuleType) -> None:
    seen: list[Any] = []

    class Handler:
        def put_tree(self, request: Any) -> Any:
            seen.append(request)
            return {"root": request.root.model_dump(by_alias=True, exclude_none=True)}

    server = importlib.import_module(f"{PACKAGE}.server")
    bound = api.validators.MAX_NESTING
    headers = {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE}
    with Served(server.create_app(Handler())) as served:
        deep = post(served.url, json.dumps({"root": chain(bound + 1)}), headers)
        assert deep.status == 400 and deep.json["__type"].endswith("SerializationException"), deep.body
        fine = post(served.url, json.dumps({"root": chain(bound)}), headers)
        assert fine.status == 200, fine.body
        assert fine.json == {"root": chain(bound)}
    assert len(seen) == 1


def test_client_and_server_carry_a_recursive_value(api: ModuleType) -> None:
    seen: list[Any] = []

    class Handler:
        def put_tree(self, request: Any) -> Any:
            seen.append(request.model_dump(by_alias=True, exclude_none=True, mode="json"))
            assert (request.planted, request.rings) == (WHEN, b"\x01\x02\x03\x04")
            return request.model_dump(by_alias=True, exclude_none=True)  # datetimes and bytes: Python values

    server = importlib.import_module(f"{PACKAGE}.server")
    client_module = importlib.import_module(f"{PACKAGE}.client")
    with Served(server.create_app(Handler())) as served:
        client = client_module.ForestClient(region_name="us-east-1", endpoint_url=served.url, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
        answer = client.put_tree(TREE)
    token = seen[0].pop("clientToken")
    assert uuid.UUID(token).version == 4, "the client fills the idempotency token the caller left out"
    assert seen == [TREE]
    assert answer.model_dump(by_alias=True, exclude_none=True, mode="json") == TREE
    assert (answer.planted, answer.surveyed, answer.felled) == (WHEN, WHEN + timedelta(milliseconds=250), WHEN)


def test_json_schema_export_follows_ref_cycles(package_dir: Path) -> None:
    schema = json.loads((package_dir / PACKAGE / "schemas" / "PutTreeInput.schema.json").read_text(encoding="utf-8"))
    assert schema["$defs"]["Node"]["properties"]["next"]["anyOf"][0] == {"$ref": "#/$defs/Node"}
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors(TREE)) == []
    assert list(validator.iter_errors({"root": chain(50)})) == []
    bad = {"root": {"name": "a", "next": {"name": "b", "children": [{"name": "c", "next": {"name": ""}}]}}}
    best = jsonschema.exceptions.best_match(validator.iter_errors(bad))
    assert best is not None and list(best.absolute_path) == ["root", "next", "children", 0, "next", "name"]


def test_openapi_export_is_valid_with_recursive_components(package_dir: Path) -> None:
    document = yaml.safe_load((package_dir / PACKAGE / "openapi.yaml").read_text(encoding="utf-8"))
    validate_openapi(document)
    assert document["components"]["schemas"]["NodeList"]["items"] == {"$ref": "#/components/schemas/Node"}


def test_typescript_recursive_types_check(package_dir: Path, tmp_path: Path) -> None:
    (tmp_path / "types.d.ts").write_text((package_dir / PACKAGE / "types.d.ts").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "use.ts").write_text(
        'import type { PutTreeInput, AttributeValue } from "./types";\n'
        f"export const tree: PutTreeInput = {json.dumps(TREE)};\n"
        f"export const deep: AttributeValue = {json.dumps(nested_value(12))};\n"
        'export const wrong: PutTreeInput = {"root": {"name": "a", "next": {"name": 5}}};\n'
        'export const two: PutTreeInput = {"filter": {"named": "a", "depth": 1}};\n',
        encoding="utf-8",
    )
    command = [str(node_tool("tsc")), "--strict", "--noEmit", "--target", "es2022", "--module", "commonjs", "types.d.ts", "use.ts"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    errors = [line for line in result.stdout.splitlines() if ": error TS" in line]
    assert [line.split(",")[0] for line in errors] == ["use.ts(4", "use.ts(5"], result.stdout


def test_a_union_needs_exactly_one_member_set_everywhere(api: ModuleType, package_dir: Path) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    schema = json.loads((package_dir / PACKAGE / "schemas" / "PutTreeInput.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    cases = {
        "one": ({"named": "a"}, True),
        "one and a null": ({"named": "a", "depth": None}, True),
        "nested": ({"allOf": [{"depth": 1}, {"allOf": []}]}, True),
        "none": ({}, False),
        "only nulls": ({"named": None}, False),
        "two": ({"named": "a", "depth": 1}, False),
        "two, nested": ({"allOf": [{"named": "a", "depth": 1}]}, False),
        "only an unknown member": ({"future": 1}, False),
    }
    for name, (value, valid) in cases.items():
        body = {"filter": value}
        problems = api.validate_request(body)
        assert (problems == []) is valid, (name, problems)
        assert all(p.kind == "type" and "exactly one member set" in p.message for p in problems), name
        assert validator.is_valid(body) is valid, name
        try:
            models.PutTreeInput.model_validate(body)
            assert valid, name
        except pydantic.ValidationError as exc:
            assert not valid and "exactly one member must be set" in str(exc), name


def test_a_response_union_with_an_unknown_member_is_read(api: ModuleType) -> None:
    """AWS adds union members; a client reads them (as botocore does, which names it
    SDK_UNKNOWN_MEMBER) instead of refusing the response."""
    wire = importlib.import_module(f"{PACKAGE}.wire")
    body = json.dumps({"filter": {"allOf": [{"regex": "^a"}, {"named": "b", "__type": "forest#Filter"}]}}).encode()
    output = wire.parse_put_tree_response(body)
    unknown, known = output.filter.all_of
    assert (unknown.named, unknown.depth, unknown.all_of) == (None, None, None)
    assert unknown.model_extra == {"regex": "^a"}
    assert known.named == "b" and known.model_extra == {}, "a __type hint is not a member"
    hinted = wire.parse_put_tree_response(b'{"filter": {"named": "b", "__type": "forest#Filter"}}')  # read by the models directly
    assert hinted.filter.named == "b" and hinted.filter.model_extra == {}


def test_documents_hold_any_json_value(api: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    wire = importlib.import_module(f"{PACKAGE}.wire")
    for value in ({"a": [1, {"b": None}]}, [1, "x", False], "text", 2.5, True):
        body = {"metadata": value}
        assert api.validate_request(body) == []
        assert models.PutTreeInput.model_validate(body).metadata == value
        assert wire.parse_put_tree_response(json.dumps(body).encode()).metadata == value


# A document where null may or may not be (FileRecords): null in an optional member is "not
# set", in a required one "missing"; a list or map that is not sparse refuses a null item, a
# sparse one keeps it; inside a document null is a value like any other.
DOCUMENT_NULLS: dict[str, tuple[dict[str, Any], bool]] = {
    "null required member": ({"kept": None}, False),
    "null optional member": ({"kept": 1, "noted": None}, True),
    "null item of a list": ({"kept": 1, "records": [{"a": 1}, None]}, False),
    "null item of a sparse list": ({"kept": 1, "sparseRecords": [None, "x"]}, True),
    "null value of a map": ({"kept": "x", "byName": {"a": None}}, False),
    "null value of a sparse map": ({"kept": "x", "sparseByName": {"a": None}}, True),
    "nulls inside documents": ({"kept": {"a": None}, "records": [[None]], "byName": {"a": [None, {"b": None}]}}, True),
    "no null anywhere": ({"kept": 2.5, "noted": False, "records": ["x"], "byName": {"a": {}}}, True),
}


def test_a_null_document_gets_one_verdict_in_every_output(api: ModuleType, package_dir: Path, tmp_path: Path) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    schema = json.loads((package_dir / PACKAGE / "schemas" / "FiledRecords.schema.json").read_text(encoding="utf-8"))
    openapi = yaml.safe_load((package_dir / PACKAGE / "openapi.yaml").read_text(encoding="utf-8"))
    checks = {
        "jsonschema": jsonschema.Draft202012Validator(schema),
        "openapi": jsonschema.Draft202012Validator({"$ref": "#/components/schemas/FiledRecords", "components": openapi["components"]}),
    }
    declarations = [f"export const case{i}: FiledRecords = {json.dumps(body)};" for i, (body, _) in enumerate(DOCUMENT_NULLS.values())]
    (tmp_path / "types.d.ts").write_text((package_dir / PACKAGE / "types.d.ts").read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "use.ts").write_text('import type { FiledRecords } from "./types";\n' + "\n".join(declarations) + "\n", encoding="utf-8")
    command = [str(node_tool("tsc")), "--strict", "--noEmit", "--target", "es2022", "--module", "commonjs", "types.d.ts", "use.ts"]
    result = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    refused_lines = {int(line.split("(")[1].split(",")[0]) for line in result.stdout.splitlines() if line.startswith("use.ts(")}
    for line, (name, (body, valid)) in enumerate(DOCUMENT_NULLS.items(), 2):
        problems = api.validate_request(body, "FileRecords")
        verdicts = {"validators": problems == [], **{what: check.is_valid(body) for what, check in checks.items()}}
        try:
            models.FiledRecords.model_validate_json(json.dumps(body), strict=True)
            verdicts["pydantic"] = True
        except pydantic.ValidationError:
            verdicts["pydantic"] = False
        verdicts["typescript"] = line not in refused_lines
        assert verdicts == dict.fromkeys(verdicts, valid), name
        assert all("Member must not be null" in p.message for p in problems), problems


def test_validators_schema_and_models_agree(api: ModuleType, package_dir: Path) -> None:
    service, _ = build(ROOT / SPEC)
    schema = json.loads((package_dir / PACKAGE / "schemas" / "PutTreeInput.schema.json").read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema)
    models = importlib.import_module(f"{PACKAGE}.models")
    corpus = list(mutants(service, "PutTreeInput", TREE))
    disagreements = []
    for instance in corpus:
        verdicts = {"ours": api.validate_request(instance) == [], "jsonschema": validator.is_valid(instance)}
        if not has_integral_float(instance):
            try:
                models.PutTreeInput.model_validate_json(json.dumps(instance), strict=True)
                verdicts["pydantic"] = True
            except pydantic.ValidationError:
                verdicts["pydantic"] = False
        if len(set(verdicts.values())) > 1:
            disagreements.append((instance, verdicts))
    assert len(corpus) > 100
    assert sum(api.validate_request(i) == [] for i in corpus) > 10, "the corpus holds valid instances too"
    assert disagreements == []


def test_timestamps_are_datetimes_written_in_their_wire_format(api: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    request = models.PutTreeInput.model_validate(TREE)
    assert (request.planted, request.surveyed, request.felled) == (WHEN, WHEN + timedelta(milliseconds=250), WHEN)
    built = models.PutTreeInput(planted=WHEN, surveyed=WHEN, felled=WHEN.astimezone(timezone(timedelta(hours=2))))
    assert built.model_dump(by_alias=True, exclude_none=True, mode="json") == {
        "planted": 1398796238,
        "surveyed": "2014-04-29T18:30:38Z",
        "felled": "Tue, 29 Apr 2014 18:30:38 GMT",
    }
    assert models.PutTreeInput(planted=WHEN + timedelta(milliseconds=500)).model_dump(mode="json", exclude_none=True)["planted"] == 1398796238.5
    # Each field takes its own format only, as AWS's services do.
    for member, wrong in (("planted", "2014-04-29T18:30:38Z"), ("surveyed", 1398796238), ("surveyed", "Tue, 29 Apr 2014 18:30:38 GMT"), ("felled", "2014-04-29T18:30:38Z")):
        (problem,) = api.validate_request({member: wrong})
        assert (problem.path, problem.kind) == (member, "type") and "Invalid timestamp" in problem.message
        with pytest.raises(pydantic.ValidationError):
            models.PutTreeInput.model_validate({member: wrong})


@pytest.mark.parametrize(
    "wire",
    [1398796238, 1398796238.0, "1398796238", "2014-04-29T18:30:38Z", "2014-04-29T20:30:38+02:00", "2014-04-29T18:30:38", "Tue, 29 Apr 2014 18:30:38 GMT"],
)
def test_responses_take_any_timestamp_form_botocore_reads(api: ModuleType, wire: Any) -> None:
    """Whatever the declared format: botocore's parser reads all of these the same way."""
    from botocore.parsers import JSONParser

    wire_module = importlib.import_module(f"{PACKAGE}.wire")
    body = json.dumps({"planted": wire, "surveyed": wire, "felled": wire}).encode()
    output = wire_module.parse_put_tree_response(body)
    assert output.planted == output.surveyed == output.felled == WHEN
    parsed = JSONParser()._handle_timestamp(_FakeShape(), wire)
    assert (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)) == WHEN  # botocore leaves "no offset" naive


class _FakeShape:
    serialization: ClassVar[dict[str, Any]] = {}


def test_blobs_are_bytes_sent_as_base64(api: ModuleType) -> None:
    models = importlib.import_module(f"{PACKAGE}.models")
    request = models.PutTreeInput.model_validate(TREE)
    assert (request.rings, request.photos) == (b"\x01\x02\x03\x04", [b"", b"\xff\xef"])
    assert models.PutTreeInput(rings=b"\x00" * 8).model_dump(mode="json", exclude_none=True) == {"rings": "AAAAAAAAAAA="}
    with pytest.raises(pydantic.ValidationError, match="at most 8"):
        models.PutTreeInput(rings=b"\x00" * 9)
    (problem,) = api.validate_request({"rings": "AQID"[:3]})
    assert problem.kind == "type"
    wire = importlib.import_module(f"{PACKAGE}.wire")
    assert wire.parse_put_tree_response(b'{"rings": "AQID", "photos": ["AA=="]}').photos == [b"\x00"]


def test_the_runtime_and_the_export_use_the_same_timestamp_patterns(api: ModuleType) -> None:
    from generator.kinds import timestamp

    assert api.validators.__name__  # the package imports
    runtime = importlib.import_module(f"{PACKAGE}._runtime.validation")
    assert (runtime.ISO8601_PATTERN, runtime.RFC822_PATTERN) == (timestamp.ISO8601_PATTERN, timestamp.RFC822_PATTERN)
    assert (runtime.EARLIEST_EPOCH, runtime.LATEST_EPOCH) == (timestamp.EARLIEST_EPOCH, timestamp.LATEST_EPOCH)


def test_an_idempotency_token_the_caller_sets_is_sent_as_it_is(api: ModuleType) -> None:
    seen: list[Any] = []

    class Handler:
        def put_tree(self, request: Any) -> Any:
            seen.append(request.client_token)
            return {}

    server = importlib.import_module(f"{PACKAGE}.server")
    client_module = importlib.import_module(f"{PACKAGE}.client")
    with Served(server.create_app(Handler())) as served:
        client = client_module.ForestClient(region_name="us-east-1", endpoint_url=served.url, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
        client.put_tree({"clientToken": "mine"})
        client.put_tree(clientToken=None)
        client.put_tree()
    assert seen[0] == "mine"
    assert seen[1] != seen[2] and all(uuid.UUID(token).version == 4 for token in seen[1:])


def test_a_modeled_error_carries_its_members_as_attributes(api: ModuleType) -> None:
    errors = importlib.import_module(f"{PACKAGE}.errors")

    class Handler:
        def put_tree(self, request: Any) -> Any:
            raise errors.TreeTooTall("Too tall.", max_height=10, tallest_path=[{"name": "a"}])

    server = importlib.import_module(f"{PACKAGE}.server")
    client_module = importlib.import_module(f"{PACKAGE}.client")
    with Served(server.create_app(Handler())) as served:
        body = post(served.url, b"{}", {"X-Amz-Target": TARGET, "Content-Type": CONTENT_TYPE}).json
        client = client_module.ForestClient(region_name="us-east-1", endpoint_url=served.url, aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="secret")
        with pytest.raises(errors.TreeTooTall) as raised:
            client.put_tree()
    assert body == {"__type": "TreeTooTall", "message": "Too tall.", "maxHeight": 10, "tallestPath": [{"name": "a"}]}
    assert (raised.value.message, raised.value.max_height, raised.value.tallest_path) == ("Too tall.", 10, [{"name": "a"}])
    assert errors.TreeTooTall("x").max_height is None
    with pytest.raises(TypeError, match="no member 'height'"):
        errors.TreeTooTall("x", height=3)


def test_deprecation_is_marked_in_every_output(package_dir: Path) -> None:
    folder = package_dir / PACKAGE
    declarations = (folder / "types.d.ts").read_text(encoding="utf-8")
    assert "@deprecated Deprecated since 2024-06-01: Use the tree's structure." in declarations
    assert "@deprecated Deprecated." in declarations  # the Depth shape
    schema = json.loads((folder / "schemas" / "PutTreeInput.schema.json").read_text(encoding="utf-8"))
    parent = schema["$defs"]["Node"]["properties"]["parent"]
    assert parent["deprecated"] is True and parent["description"].endswith("Deprecated since 2024-06-01: Use the tree's structure.")
    assert schema["$defs"]["Depth"]["deprecated"] is True
    openapi = yaml.safe_load((folder / "openapi.yaml").read_text(encoding="utf-8"))
    assert openapi["components"]["schemas"]["Depth"]["deprecated"] is True
    models = (folder / "models.py").read_text(encoding="utf-8")
    assert "Deprecated since 2024-06-01: Use the tree's structure." in models  # the field's docstring
