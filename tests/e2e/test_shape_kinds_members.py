"""Member traits of the invented spec (tests/kinds/shapes.yaml, TakeCensus) through every
output, beside boto3 with a botocore model of the same operation: a member's timestamp_format
overriding its shape's, sparse lists and maps (null entries), member defaults."""

from __future__ import annotations

import importlib
import json
import warnings
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import boto3
import jsonschema
import pytest
import yaml
from botocore.model import ServiceModel
from botocore.parsers import create_parser
from botocore.serialize import create_serializer

from generator import SpecError
from generator.pipeline import build

from ..conftest import ROOT
from ..support.forest_model import BOTOCORE_METADATA, KEYS, PACKAGE, SPEC
from ..support.generated_package import imported
from ..support.protocol_suites import Stub
from ..support.server_harness import Served, post

TARGET = "Forest_20240101.TakeCensus"
HEADERS = {"X-Amz-Target": TARGET, "Content-Type": "application/x-amz-json-1.0"}
WHEN = datetime(2014, 4, 29, 18, 30, 38, tzinfo=UTC)
# TakeCensus as a botocore model: the member timestampFormats as AWS ships them.
BOTOCORE_MODEL: dict[str, Any] = {
    "version": "2.0",
    "metadata": BOTOCORE_METADATA,
    "operations": {
        "TakeCensus": {"name": "TakeCensus", "http": {"method": "POST", "requestUri": "/"}, "input": {"shape": "Census"}, "output": {"shape": "Census"}}
    },
    "shapes": {
        "Census": {
            "type": "structure",
            "members": {
                "counted": {"shape": "Planted", "timestampFormat": "iso8601"},
                "checked": {"shape": "Surveyed", "timestampFormat": "unixTimestamp"},
                "stamped": {"shape": "Planted", "timestampFormat": "rfc822"},
                "recounted": {"shape": "Planted", "timestampFormat": "iso8601"},
                "planted": {"shape": "Planted", "timestampFormat": "unixTimestamp"},
                "tallies": {"shape": "Tallies"},
                "heights": {"shape": "Heights"},
                "trees": {"shape": "Tally"},
                "season": {"shape": "Season"},
                "tags": {"shape": "Tags"},
            },
        },
        "Planted": {"type": "timestamp"},
        "Surveyed": {"type": "timestamp", "timestampFormat": "iso8601"},
        "Tallies": {"type": "list", "member": {"shape": "Tally"}, "max": 5},
        "Heights": {"type": "map", "key": {"shape": "Name"}, "value": {"shape": "Tally"}},
        "Tally": {"type": "integer", "min": 0},
        "Season": {"type": "string", "enum": ["spring", "summer", "autumn", "winter"]},
        "Tags": {"type": "list", "member": {"shape": "Name"}},
        "Name": {"type": "string", "min": 1, "max": 64},
    },
}


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with imported(SPEC, tmp_path_factory.mktemp("kinds-members"), PACKAGE) as package:
        yield package


@pytest.fixture(scope="module")
def folder(api: ModuleType) -> Path:
    return Path(api.__file__).parent


@pytest.fixture(scope="module")
def boto3_session(tmp_path_factory: pytest.TempPathFactory) -> boto3.session.Session:
    models = tmp_path_factory.mktemp("models")
    (models / "forest" / "2024-01-01").mkdir(parents=True)
    (models / "forest" / "2024-01-01" / "service-2.json").write_text(json.dumps(BOTOCORE_MODEL), encoding="utf-8")
    session = boto3.session.Session()
    session._session.get_component("data_loader").search_paths.insert(0, str(models))
    return session


def module(name: str) -> Any:
    return importlib.import_module(f"{PACKAGE}.{name}")


def sent_body(request: Any) -> dict[str, Any]:
    with Stub({"status_code": 200, "headers": {}, "body": "{}"}) as stub:
        module("client").ForestClient(endpoint_url=stub.url, max_attempts=1, **KEYS).take_census(request)
    (sent,) = stub.requests
    body: dict[str, Any] = json.loads(sent["body"])
    return body


def botocore_body(params: dict[str, Any]) -> dict[str, Any]:
    operation = ServiceModel(BOTOCORE_MODEL).operation_model("TakeCensus")
    body: dict[str, Any] = json.loads(create_serializer("json").serialize_to_request(params, operation)["body"])
    return body


class Census:
    def __init__(self, answer: Any = None) -> None:
        self.seen: list[Any] = []
        self.answer = answer

    def take_census(self, request: Any) -> Any:
        self.seen.append(request)
        return request if self.answer is None else self.answer


# --- timestamp_format on members ---------------------------------------------------------

TIMES = {"counted": WHEN, "checked": WHEN, "stamped": WHEN, "recounted": WHEN, "planted": WHEN}


def test_a_member_format_overrides_its_shape_format_as_botocore_writes_it(api: ModuleType) -> None:
    census = module("models").Census(**TIMES)
    sent = sent_body(census)
    assert sent == botocore_body(dict(TIMES))
    assert sent == {
        "counted": "2014-04-29T18:30:38Z",  # Planted is epoch seconds; the member says iso8601
        "checked": 1398796238,  # Surveyed is iso8601; the member says unixTimestamp
        "stamped": "Tue, 29 Apr 2014 18:30:38 GMT",
        "recounted": "2014-04-29T18:30:38Z",
        "planted": 1398796238,
    }
    assert sent_body({**sent}) == sent  # the same wire values as a dict of wire names


def test_the_validators_check_each_member_in_its_own_format(api: ModuleType) -> None:
    validators = module("validators")
    assert validators.validate_take_census_request({"counted": "2014-04-29T18:30:38Z", "checked": 1398796238}) == []
    wrong = validators.validate_take_census_request({"counted": 1398796238, "checked": "2014-04-29T18:30:38Z", "stamped": "2014-04-29T18:30:38Z"})
    assert sorted(v.path for v in wrong) == ["checked", "counted", "stamped"]


def test_the_server_reads_and_boto3_reads_back_each_member_format(api: ModuleType, boto3_session: boto3.session.Session) -> None:
    handler = Census()
    with Served(module("server").create_app(handler)) as served:
        boto = boto3_session.client("forest", endpoint_url=served.url, **KEYS)
        answer = boto.take_census(**TIMES)
        raw = post(served.url, json.dumps({"counted": "2014-04-29T18:30:38Z", "checked": 1398796238}), HEADERS, default_headers=False)
    assert {name: getattr(handler.seen[0], name) for name in TIMES} == TIMES
    assert {name: answer[name] for name in TIMES} == TIMES  # botocore's datetimes, the same instants
    # The handler echoes its input, defaults and all: the server writes what the model holds.
    assert raw.status == 200 and raw.json == {"counted": "2014-04-29T18:30:38Z", "checked": 1398796238, **DEFAULTS}


def test_the_client_reads_a_response_in_any_form_botocore_reads(api: ModuleType) -> None:
    body = json.dumps({"counted": 1398796238, "checked": "2014-04-29T18:30:38Z"})
    with Stub({"status_code": 200, "headers": {}, "body": body}) as stub:
        got = module("client").ForestClient(endpoint_url=stub.url, max_attempts=1, **KEYS).take_census({})
    parsed = create_parser("json").parse({"status_code": 200, "headers": {}, "body": body.encode()}, ServiceModel(BOTOCORE_MODEL).operation_model("TakeCensus").output_shape)
    assert got.counted == parsed["counted"] and got.checked == parsed["checked"]


def test_the_exports_give_each_member_its_own_format(folder: Path) -> None:
    schema = json.loads((folder / "schemas" / "Census.schema.json").read_text(encoding="utf-8"))
    properties = schema["$defs"]["Census"]["properties"]
    assert properties["counted"]["anyOf"][0] == {"$ref": "#/$defs/PlantedIso8601"}
    assert schema["$defs"]["PlantedIso8601"]["format"] == "date-time"
    assert schema["$defs"]["SurveyedEpochSeconds"]["type"] == "number"
    jsonschema.validate({"counted": "2014-04-29T18:30:38Z", "checked": 1, "stamped": "Tue, 29 Apr 2014 18:30:38 GMT"}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"counted": 1398796238}, schema)
    declarations = (folder / "types.d.ts").read_text(encoding="utf-8")
    assert "export type PlantedIso8601 = string;" in declarations and "export type SurveyedEpochSeconds = number;" in declarations
    openapi = yaml.safe_load((folder / "openapi.yaml").read_text(encoding="utf-8"))
    assert openapi["components"]["schemas"]["PlantedRfc822"]["type"] == "string"


def test_a_member_format_on_a_non_timestamp_is_a_located_error(tmp_path: Path) -> None:
    spec = yaml.safe_load((ROOT / SPEC).read_text(encoding="utf-8"))
    spec["shapes"]["Census"]["members"]["trees"]["timestamp_format"] = "iso8601"
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        build(path)
    assert "timestamp_format applies to timestamps; 'Tally' is a integer" in str(raised.value)
    assert "$.shapes.Census.members.trees.timestamp_format" in str(raised.value)


# --- maps keyed by an enum ----------------------------------------------------------------


def test_an_enum_keyed_map_has_the_enum_s_keys_from_either_reader(api: ModuleType) -> None:
    """The lenient reader (for a body that breaks a constraint, and the server's for a
    handler's dict) gives a map's known keys as the model's enum, as pydantic's strict parse
    does, so the model dumps without a serializer warning; an unknown key stays a string."""
    wire, models = module("wire"), module("models")
    strict = wire.parse_take_census_response(b'{"totals": {"spring": 1}}')
    lenient = wire.read_take_census_response({"totals": {"spring": 1, "winter": 0}})
    unknown = wire.parse_take_census_response(b'{"totals": {"summer": 1, "monsoon": 2}}')
    assert [type(key) for key in strict.totals] == [models.Season]
    assert [type(key) for key in lenient.totals] == [models.Season, models.Season]
    assert [(type(key), key) for key in unknown.totals] == [(models.Season, "summer"), (str, "monsoon")]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert json.loads(lenient.model_dump_json(by_alias=True, exclude_none=True))["totals"] == {"spring": 1, "winter": 0}


# --- sparse lists and maps ---------------------------------------------------------------

SPARSE = {"tallies": [1, None, 2], "heights": {"oak": 3, "elm": None}, "values": {"a": None, "b": {"S": "x"}}}


def test_sparse_collections_hold_nulls_where_dense_ones_refuse_them(api: ModuleType) -> None:
    validators = module("validators")
    assert validators.validate_take_census_request(SPARSE) == []
    dense = validators.validate_put_tree_request({"photos": ["AQ==", None], "attributes": {"k": None}})
    assert sorted(v.path for v in dense) == ["attributes.k", "photos.2.member"]
    assert [v.path for v in validators.validate_take_census_request({"tallies": [None, -1]})] == ["tallies"]
    census = module("models").Census.model_validate(SPARSE)
    assert census.tallies == [1, None, 2] and census.heights == {"oak": 3, "elm": None} and census.values["a"] is None


def test_the_client_sends_the_nulls_of_sparse_collections(api: ModuleType) -> None:
    assert sent_body(SPARSE) == SPARSE  # a dict of wire names
    assert sent_body(module("models").Census.model_validate(SPARSE)) == SPARSE
    assert sent_body({"tallies": [1], "heights": None}) == {"tallies": [1]}  # a null member is still "not set"


def test_the_server_reads_sparse_nulls_and_boto3_reads_them_back(api: ModuleType, boto3_session: boto3.session.Session) -> None:
    handler = Census()
    with Served(module("server").create_app(handler)) as served:
        answer = post(served.url, json.dumps(SPARSE), HEADERS, default_headers=False)
        boto = boto3_session.client("forest", endpoint_url=served.url, **KEYS)
        handler.answer = {"tallies": [None, 4], "heights": {"ash": None}}
        read = boto.take_census()
    assert answer.status == 200 and answer.json == {**SPARSE, **DEFAULTS}  # the echo, with the defaults assumed
    seen = handler.seen[0]
    assert seen.tallies == [1, None, 2] and seen.heights == {"oak": 3, "elm": None}
    assert read["tallies"] == [None, 4] and read["heights"] == {"ash": None}


def test_the_client_reads_sparse_nulls(api: ModuleType) -> None:
    with Stub({"status_code": 200, "headers": {}, "body": json.dumps(SPARSE)}) as stub:
        got = module("client").ForestClient(endpoint_url=stub.url, max_attempts=1, **KEYS).take_census({})
    assert got.tallies == [1, None, 2] and got.heights == {"oak": 3, "elm": None}


def test_the_exports_allow_null_only_in_sparse_collections(folder: Path) -> None:
    census = json.loads((folder / "schemas" / "Census.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(SPARSE, census)
    tree = json.loads((folder / "schemas" / "PutTreeInput.schema.json").read_text(encoding="utf-8"))
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"photos": [None]}, tree)
    declarations = (folder / "types.d.ts").read_text(encoding="utf-8")
    assert "export type Tallies = (Tally | null)[];" in declarations
    assert "export type Heights = { [key: string]: Tally | null };" in declarations
    assert "export type PhotoList = Photo[];" in declarations


# --- member defaults ---------------------------------------------------------------------

DEFAULTS = {"trees": 3, "season": "autumn", "final": False, "ratio": 0.5, "tags": [], "labels": {}}


def test_the_models_hold_the_defaults(api: ModuleType) -> None:
    census = module("models").Census()
    assert census.trees == 3 and census.season == module("models").Season.AUTUMN
    assert census.final is False and census.ratio == 0.5 and census.tags == [] and census.labels == {}
    assert module("models").Census().tags is not census.tags  # each model its own list


def test_the_client_sends_only_what_is_set_as_botocore_does(api: ModuleType) -> None:
    assert sent_body(module("models").Census()) == botocore_body({}) == {}
    assert sent_body({}) == {}
    assert sent_body(module("models").Census(trees=3, tags=[])) == {"trees": 3, "tags": []}  # set, so sent
    assert sent_body(module("models").Census(trees=7)) == botocore_body({"trees": 7}) == {"trees": 7}


def test_the_server_assumes_the_default_of_a_member_left_out(api: ModuleType) -> None:
    handler = Census(answer={})
    with Served(module("server").create_app(handler)) as served:
        assert post(served.url, b"{}", HEADERS, default_headers=False).status == 200
        assert post(served.url, json.dumps({"trees": 9, "season": "spring"}), HEADERS, default_headers=False).status == 200
    absent, given = handler.seen
    assert {name: getattr(absent, name) for name in DEFAULTS} == DEFAULTS
    assert given.trees == 9 and given.season == "spring" and given.ratio == 0.5


def test_the_client_reads_the_default_of_a_member_left_out(api: ModuleType) -> None:
    with Stub({"status_code": 200, "headers": {}, "body": "{}"}) as stub:
        got = module("client").ForestClient(endpoint_url=stub.url, max_attempts=1, **KEYS).take_census({})
    assert {name: getattr(got, name) for name in DEFAULTS} == DEFAULTS


def test_the_exports_carry_the_defaults(folder: Path) -> None:
    schema = json.loads((folder / "schemas" / "Census.schema.json").read_text(encoding="utf-8"))
    properties = schema["$defs"]["Census"]["properties"]
    assert {name: properties[name]["default"] for name in DEFAULTS} == DEFAULTS
    assert "default" not in properties["counted"]
    openapi = yaml.safe_load((folder / "openapi.yaml").read_text(encoding="utf-8"))
    assert openapi["components"]["schemas"]["Census"]["properties"]["season"]["default"] == "autumn"
    declarations = (folder / "types.d.ts").read_text(encoding="utf-8")
    assert "Default: 3 (the server assumes it when the member is left out)." in declarations
    assert 'Default: "autumn" (the server assumes it when the member is left out).' in declarations


@pytest.mark.parametrize(
    ("member", "default", "message"),
    [
        ("counted", 0, "defaults of timestamp, blob and document members: the spec format has them, but the generator does not generate them yet"),
        ("trees", "three", "default 'three' does not fit 'Tally', a integer"),
        ("season", "monsoon", "default 'monsoon' is not one of the values of 'Season'"),
        ("tags", ["a"], "the default of a list can only be empty"),
    ],
)
def test_a_default_the_generator_cannot_honour_is_a_located_error(tmp_path: Path, member: str, default: Any, message: str) -> None:
    spec = yaml.safe_load((ROOT / SPEC).read_text(encoding="utf-8"))
    spec["shapes"]["Census"]["members"][member]["default"] = default
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(spec), encoding="utf-8")
    with pytest.raises(SpecError) as raised:
        build(path)
    assert message in str(raised.value)
    assert f"$.shapes.Census.members.{member}.default" in str(raised.value)
