"""`import` from Smithy JSON AST models (the layout of AWS's api-models-aws repository)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from ..conftest import ROOT
from .botocore_models import widgets
from .cli import run
from .smithy_from_botocore import convert

WIDGETS = ROOT / "tests" / "data" / "smithy" / "widgets.json"
CODEPIPELINE = ROOT / "tests" / "data" / "botocore-codepipeline" / "service-2.json"


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], str]:
    out = tmp_path_factory.mktemp("smithy") / "widgets.yaml"
    done = run("import", "--model", str(WIDGETS), "--out", str(out))
    assert done.returncode == 0, done.stderr
    return yaml.safe_load(out.read_text(encoding="utf-8")), done.stdout


def test_service_protocols_and_record(imported: tuple[dict[str, Any], str]) -> None:
    spec, _ = imported
    assert spec["service"] == {
        "name": "WidgetStore",
        "full_name": "Example Widget Store",
        "package": "widgetstore",
        "api_version": "2024-01-01",
        "protocols": ["awsJson1_0", "rpcv2Cbor"],
        "target_prefix": "Widgets_20240101",
        "signing_name": "widgets",
        "endpoint_prefix": "widgets",
        "documentation": "Stores **widgets**.",
    }
    assert spec["source"]["format"] == "smithy" and spec["source"]["protocols"] == ["json", "smithy-rpc-v2-cbor"]
    assert "botocore_version" not in spec["source"]


def test_operations_from_the_service_and_its_resources_with_service_errors(imported: tuple[dict[str, Any], str]) -> None:
    spec, stdout = imported
    assert sorted(spec["operations"]) == ["GetWidget", "PutWidget"]
    assert "WatchWidgets: event-stream operation (WatchWidgetsOutput -> WidgetEvents is an event stream" in stdout
    get = spec["operations"]["GetWidget"]
    assert get["errors"] == ["WidgetNotFound", "ThrottlingException"]
    assert get["endpoint"] == {"host_prefix": "{AccountId}.data."}
    put = spec["operations"]["PutWidget"]
    assert put["output"] == "Unit" and spec["shapes"]["Unit"] == {"type": "structure", "members": {}}
    assert put["deprecated"] == {"message": "Use <b>SetWidget</b>.", "since": "2024-06-01"}


def test_shapes_and_traits(imported: tuple[dict[str, Any], str]) -> None:
    shapes = imported[0]["shapes"]
    out = shapes["GetWidgetOutput"]["members"]
    assert out["count"] == {"shape": "Count", "default": 0}
    assert out["updated"] == {"shape": "Timestamp", "timestamp_format": "iso8601"}
    assert out["old"] == {"shape": "String", "deprecated": True}
    assert shapes["Timestamp"] == {"type": "timestamp"} and shapes["Document"] == {"type": "document"}
    assert shapes["When"] == {"type": "timestamp", "timestamp_format": "unixTimestamp"}
    assert shapes["Colour"] == {"type": "string", "enum": ["red", "green"]}
    assert shapes["Shape"] == {"type": "union", "members": {"circle": {"shape": "Size"}, "square": {"shape": "Size"}}}
    assert shapes["TagList"] == {"type": "list", "member": "String", "max": 50, "sparse": True}
    assert shapes["LabelMap"] == {"type": "map", "key": "String", "value": "String", "sparse": True}
    assert shapes["WidgetId"] == {"type": "string", "min": 1, "max": 64, "pattern": "[a-z0-9-]+"}
    assert shapes["GetWidgetInput"]["required"] == ["AccountId", "widgetId"]
    assert shapes["GetWidgetInput"]["members"]["AccountId"] == {"shape": "AccountId", "host_label": True}
    assert shapes["PutWidgetInput"]["members"]["clientToken"] == {"shape": "String", "idempotency_token": True}
    assert shapes["WidgetNotFound"]["error"] == {"code": "WidgetNotFound", "http_status": 404, "fault": "client"}
    assert shapes["ThrottlingException"]["error"] == {"code": "ThrottlingException", "http_status": 400, "fault": "client", "retryable": True, "throttling": True}
    # The service's namespace keeps the short name; the other namespace's Widget2 is not reached.
    assert shapes["Widget2"]["documentation"] == "A widget, which may hold other widgets."
    assert shapes["Widget2List"] == {"type": "list", "member": "Widget2"}


def test_left_out_traits_are_listed_with_reasons(imported: tuple[dict[str, Any], str]) -> None:
    stdout = imported[1]
    assert "smithy.api#jsonName ×1: AWS JSON protocols do not use jsonName" in stdout
    assert "smithy.api#readonly ×1" in stdout and "smithy.api#idempotent ×1" in stdout


def test_two_namespaces_sharing_a_name(tmp_path: Path) -> None:
    model = json.loads(WIDGETS.read_text(encoding="utf-8"))
    model["shapes"]["com.example.widgets#GetWidgetOutput"]["members"]["foreign"] = {"target": "com.example.other#Widget2"}
    source = tmp_path / "m.json"
    source.write_text(json.dumps(model), encoding="utf-8")
    done = run("import", "--model", str(source), "--out", str(tmp_path / "s.yaml"))
    assert done.returncode == 0, done.stderr
    shapes = yaml.safe_load((tmp_path / "s.yaml").read_text(encoding="utf-8"))["shapes"]
    assert shapes["ComExampleOtherWidget2"] == {"type": "structure", "members": {}} and "members" in shapes["Widget2"]
    assert "com.example.other#Widget2 -> ComExampleOtherWidget2" in done.stdout


def _import(tmp_path: Path, name: str, model: dict[str, Any]) -> dict[str, Any]:
    source = tmp_path / f"{name}.json"
    source.write_text(json.dumps(model, indent=2), encoding="utf-8")
    out = tmp_path / f"{name}.yaml"
    done = run("import", "--model", str(source), "--out", str(out))
    assert done.returncode == 0, done.stderr
    spec: dict[str, Any] = yaml.safe_load(out.read_text(encoding="utf-8"))
    for key in ("model", "format", "model_sha256"):
        spec["source"].pop(key)
    return spec


@pytest.mark.parametrize("name", ["codepipeline", "widgets"])
def test_the_same_model_as_botocore_json_and_as_smithy_gives_the_same_spec(tmp_path: Path, name: str) -> None:
    model = json.loads(CODEPIPELINE.read_text(encoding="utf-8")) if name == "codepipeline" else widgets()
    assert _import(tmp_path, "smithy", convert(model)) == _import(tmp_path, "botocore", model)


def test_the_imported_model_generates_with_its_host_labels_defaults_sparse_collections_and_member_formats(tmp_path: Path) -> None:
    # widgets.json has each of them; the generator refused all four before it generated them.
    spec = tmp_path / "widgets.yaml"
    assert run("import", "--model", str(WIDGETS), "--out", str(spec)).returncode == 0
    done = run("generate", "--spec", str(spec), "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    models = next((tmp_path / "out").glob("*/models.py")).read_text(encoding="utf-8")
    assert "count: Annotated[Count | None, Field(alias=\"count\")] = 0" in models
    assert 'TagList = TypeAliasType("TagList", Annotated[list[String | None], Field(max_length=50)])' in models
    assert 'updated: Annotated[TimestampIso8601 | None, Field(alias="updated")]' in models
    client = next((tmp_path / "out").glob("*/client.py")).read_text(encoding="utf-8")
    assert '"GetWidget": "{AccountId}.data."' in client
