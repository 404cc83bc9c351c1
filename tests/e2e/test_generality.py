"""A second, invented spec using every kind of shape generates a working package."""

from __future__ import annotations

import base64
import importlib
import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pydantic
import pytest

from generator.pipeline import build, generate

from ..conftest import ROOT
from ..support.corpus import has_integral_float, mutants

SPEC = Path("tests/generality/inventory.yaml")


@pytest.fixture(scope="module")
def package_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("generality")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        generate(SPEC, out)
    return out


@pytest.fixture(scope="module")
def api(package_dir: Path) -> Iterator[ModuleType]:
    sys.path.insert(0, str(package_dir))
    try:
        yield importlib.import_module("inventory_api")
    finally:
        sys.path.remove(str(package_dir))
        for name in [n for n in sys.modules if n == "inventory_api" or n.startswith("inventory_api.")]:
            del sys.modules[name]


@pytest.fixture(scope="module")
def example() -> dict[str, Any]:
    service, _ = build(ROOT / SPEC)
    (put_item,) = [op for op in service.operations if op.name == "PutItem"]
    return {"service": service, "request": json.loads(put_item.examples[0].request), "response": json.loads(put_item.examples[0].response)}


def test_package_passes_mypy_and_ruff(package_dir: Path) -> None:
    for command in (["mypy", "--strict", "--no-incremental", "inventory_api"], ["ruff", "check", "--no-cache", "inventory_api"]):
        result = subprocess.run([sys.executable, "-m", *command], cwd=package_dir, capture_output=True, text=True, check=False)
        assert result.returncode == 0, result.stdout + result.stderr


def test_example_validates_and_round_trips(api: ModuleType, example: dict[str, Any]) -> None:
    request = example["request"]
    assert api.validate_request(request, "PutItem") == []
    model = api.models.PutItemRequest.model_validate(request)
    assert model.item.added_at == datetime.fromtimestamp(1700000000, UTC)  # timestamps are datetimes
    assert model.item.kind is api.models.Kind.PART
    assert model.item.locations["north"].aisle == 2
    assert model.model_dump(by_alias=True, exclude_none=True, mode="json") == request
    assert "s3cr3t-key" not in repr(model) and "s3cr3t-key" not in str(model)
    output = api.read_response(example["response"], "PutItem")
    assert output.version == 1


def test_several_operations_need_a_name(api: ModuleType) -> None:
    with pytest.raises(ValueError, match="several operations"):
        api.validate_request({})
    assert api.validate_request({"maxResults": 0}, "ListItems")[0].message == (
        "Value '0' at 'maxResults' failed to satisfy constraint: Member must have value greater than or equal to 1"
    )
    assert api.validators.validate_list_items_request({"kinds": ["Part", "Gadget"]})[0].message == (
        "Value '[Part, Gadget]' at 'kinds' failed to satisfy constraint: "
        "Member must satisfy constraint: [Member must satisfy enum value set: [Part, Tool, Material]]"
    )


def test_every_kind_reports_violations(api: ModuleType, example: dict[str, Any]) -> None:
    item = dict(example["request"]["item"])
    item.update(
        count=1001, weight=-1, price="free", serial=0, fragile="no", photo=5, addedAt=True,
        tags=["ok", ""], attributes={"Bad": "x"}, bins=[], locations={"up": {"aisle": 0}},
    )
    violations = api.validate_request({"item": item, "apiKey": "short"}, "PutItem")
    by_path = {v.path: v for v in violations}
    assert set(by_path) == {
        "item.count", "item.weight", "item.price", "item.serial", "item.fragile", "item.photo", "item.addedAt",
        "item.tags", "item.attributes", "item.bins", "item.locations", "item.locations.up.member.aisle", "apiKey",
    }
    assert by_path["item.price"].kind == by_path["item.fragile"].kind == by_path["item.addedAt"].kind == "type"
    assert by_path["apiKey"].message == (
        "Value at 'apiKey' failed to satisfy constraint: Member must have length greater than or equal to 8"
    )
    assert "short" not in api.format_message(violations)


def test_errors_module_has_one_class_per_error(api: ModuleType) -> None:
    conflict = api.errors.error_from_code("ConflictException", "changed", status_code=409, request_id="r-1")
    assert type(conflict).__name__ == "ConflictException" and conflict.HTTP_STATUS == 409
    assert api.errors.ThrottlingException.THROTTLING and api.errors.InternalFailure.RETRYABLE
    assert api.errors.OPERATION_ERRORS["PutItem"] == (api.errors.ConflictException,)


@pytest.mark.parametrize("operation,root", [("PutItem", "PutItemRequest"), ("ListItems", "ListItemsRequest")])
def test_validators_schema_and_models_agree(api: ModuleType, example: dict[str, Any], package_dir: Path, operation: str, root: str) -> None:
    schema = json.loads((package_dir / "inventory_api" / "schemas" / f"{root}.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    model = getattr(api.models, root)
    valid = example["request"] if operation == "PutItem" else {"maxResults": 10, "kinds": ["Tool"]}
    disagreements = []
    corpus = list(mutants(example["service"], root, valid))
    for instance in corpus:
        ours = api.validate_request(instance, operation) == []
        verdicts = {"ours": ours, "jsonschema": validator.is_valid(instance)}
        if not has_integral_float(instance):
            try:
                model.model_validate_json(json.dumps(instance), strict=True)
                verdicts["pydantic"] = True
            except pydantic.ValidationError:
                verdicts["pydantic"] = False
        if len(set(verdicts.values())) > 1:
            disagreements.append((instance, verdicts))
    assert len(corpus) > 50
    assert disagreements == []


def test_blobs_count_decoded_bytes_and_must_be_canonical_base64(api: ModuleType, example: dict[str, Any]) -> None:
    """AWS counts a blob's bytes and echoes it as a Java ByteBuffer; text that is not base64
    cannot be read at all (a SerializationException, so a "type" violation here)."""
    item = dict(example["request"]["item"])

    def violations(**members: Any) -> list[Any]:
        return list(api.validate_request({"item": {**item, **members}}, "PutItem"))

    thousand = base64.b64encode(b"\xfb" * 1000).decode()  # 1,336 characters, 1,000 bytes
    assert violations(photo=thousand) == []
    (too_long,) = violations(photo=base64.b64encode(b"\xfb" * 1001).decode())
    assert too_long.message == (
        "Value 'java.nio.HeapByteBuffer[pos=0 lim=1001 cap=1001]' at 'item.photo' failed to satisfy constraint: "
        "Member must have length less than or equal to 1000"
    )
    for text in ("aGVsbG8", "aGVsbG9=", "aGVs bG8=", "aGVsbG8=\n", "-_-_"):
        (bad,) = violations(photo=text)
        assert (bad.path, bad.kind) == ("item.photo", "type")
        assert bad.message == "Invalid base64 at 'item.photo': expected a base64 string (standard alphabet, padded)"
    (short,) = violations(thumbnails=["AAAA", base64.b64encode(b"12345").decode()])
    assert short.message == (
        "Value '[java.nio.HeapByteBuffer[pos=0 lim=3 cap=3], java.nio.HeapByteBuffer[pos=0 lim=5 cap=5]]' at 'item.thumbnails' "
        "failed to satisfy constraint: Member must satisfy constraint: [Member must have length less than or equal to 10, "
        "Member must have length greater than or equal to 4]"
    )
    assert [v.path for v in violations(attachments={"scan": "AAA"})] == ["item.attachments.scan"]
    (secret,) = violations(signature="")
    assert secret.message == "Value at 'item.signature' failed to satisfy constraint: Member must have length greater than or equal to 1"
    with pytest.raises(pydantic.ValidationError) as refused:
        api.models.PutItemRequest.model_validate({"item": {**item, "photo": "aGVsbG8"}})
    assert "not canonical base64" in str(refused.value) and "aGVsbG8" not in str(refused.value)


def test_the_exports_give_blob_bounds_in_bytes(package_dir: Path) -> None:
    """TypeScript and OpenAPI say what the validators check: canonical base64 of so many bytes,
    never a length in base64 characters."""
    import yaml

    declarations = (package_dir / "inventory_api" / "types.d.ts").read_text(encoding="utf-8")
    note = "Base64 (RFC 4648: standard alphabet, padded, unused bits zero) of {} once decoded."
    assert f"/** {note.format('0 to 1000 bytes')} */\nexport type Photo = string;" in declarations
    assert f"/** {note.format('4 to 10 bytes')} */\nexport type Thumbnail = string;" in declarations
    assert "base64 characters" not in declarations
    openapi = yaml.safe_load((package_dir / "inventory_api" / "openapi.yaml").read_text(encoding="utf-8"))
    signature = openapi["components"]["schemas"]["Signature"]
    assert signature["description"] == note.format("at least 1 byte") and "minLength" not in signature
    assert signature["pattern"].startswith("^(?:(?:[A-Za-z0-9+/]{4}){1,}|")


@pytest.mark.parametrize(
    "member,value,allowed",
    [
        ("price", "NaN", True),
        ("price", "Infinity", True),
        ("price", "-Infinity", True),
        ("weight", "Infinity", True),  # min 0: only a maximum refuses Infinity
        ("weight", "-Infinity", False),
        ("weight", "NaN", False),  # NaN compares with no bound
        ("price", "nan", False),
        ("price", "Inf", False),
    ],
)
def test_nan_and_the_infinities_as_aws_json_texts_follow_smithys_range_rules(
    api: ModuleType, example: dict[str, Any], package_dir: Path, member: str, value: str, allowed: bool
) -> None:
    schema = json.loads((package_dir / "inventory_api" / "schemas" / "PutItemRequest.schema.json").read_text())
    request = {**example["request"], "item": {**example["request"]["item"], member: value}}
    violations = api.validate_request(request, "PutItem")
    assert (violations == []) is allowed, violations
    assert jsonschema.Draft202012Validator(schema).is_valid(request) is allowed
    if allowed:
        model = api.models.PutItemRequest.model_validate(request, by_alias=True, by_name=False)
        assert json.loads(model.model_dump_json(by_alias=True, exclude_none=True))["item"][member] == value
    elif value in ("NaN", "-Infinity"):
        assert [x.message for x in violations] == [f"Value '{value}' at 'item.weight' failed to satisfy constraint: Member must have value greater than or equal to 0"]
    # The same values as floats (CBOR's form) get the same verdicts.
    if value in ("NaN", "Infinity", "-Infinity"):
        native = {**request, "item": {**request["item"], member: float(value)}}
        assert (api.validate_request(native, "PutItem") == []) is allowed
