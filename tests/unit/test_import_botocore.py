"""`import` from botocore models: what lands in the spec, what is refused or left out, names,
determinism, and a fixed set of real services imported whole."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.check import meta_validator
from generator.cli_import import import_spec
from generator.importers import docs, emit
from generator.importers.names import legal_names
from generator.load import load_spec
from generator.meta_errors import schema_diagnostics

from .botocore_models import widgets, write
from .cli import run

# Chosen for coverage (issue 10): awsJson1_0 with recursive unions (DynamoDB), blobs (Kinesis),
# documents, timestamps, idempotency tokens, host prefixes, many operations.
CI_SERVICES = ("dynamodb", "kinesis", "logs", "stepfunctions", "ssm", "ecr", "secretsmanager", "kms", "glue", "ecs", "codebuild", "codepipeline")


def _import(tmp_path: Path, model: dict[str, Any], *extra: str) -> tuple[Any, dict[str, Any], str]:
    source = write(tmp_path / "service-2.json", model)
    out = tmp_path / "spec.yaml"
    done = run("import", "--model", str(source), "--out", str(out), *extra)
    spec = yaml.safe_load(out.read_text(encoding="utf-8")) if out.exists() else {}
    return done, spec, out.read_text(encoding="utf-8") if out.exists() else ""


def test_every_kind_and_trait_lands_in_the_spec(tmp_path: Path) -> None:
    done, spec, _ = _import(tmp_path, widgets())
    assert done.returncode == 0, done.stderr
    shapes, operations = spec["shapes"], spec["operations"]
    assert spec["service"]["protocol"] == "awsJson1_1" and spec["service"]["package"] == "widgets"
    assert shapes["ShapeUnion"] == {"type": "union", "members": {"circle": {"shape": "Size"}, "square": {"shape": "Size"}}}
    assert shapes["Doc"] == {"type": "document"}
    assert shapes["Stamp"] == {"type": "timestamp", "timestamp_format": "iso8601"}
    request = shapes["GetWidgetRequest"]["members"]
    assert request["since"] == {"shape": "Stamp", "timestamp_format": "rfc822"}
    assert request["clientToken"] == {"shape": "Token", "idempotency_token": True}
    assert request["AccountId"] == {"shape": "AccountId", "host_label": True}
    assert request["legacy"] == {"shape": "String", "deprecated": {"message": "Gone."}}
    assert operations["GetWidget"]["endpoint"] == {"host_prefix": "{AccountId}.data."}
    assert operations["GetWidget"]["request_compression"] == {"encodings": ["gzip"]}
    assert operations["DeleteAll"]["deprecated"] == {"message": "Do not.", "since": "2021-01-01"}
    assert shapes["Widget"]["deprecated"] is True
    assert shapes["WidgetNotFound"]["error"] == {"code": "WidgetNotFound", "http_status": 404, "fault": "client"}
    assert set(shapes["WidgetNotFound"]["members"]) == {"message", "widgetId"}
    assert shapes["ThrottlingException"]["error"] == {"code": "ThrottlingException", "http_status": 400, "fault": "client", "retryable": True, "throttling": True}
    assert shapes["InternalFault"]["error"] == {"code": "InternalFault", "http_status": 500, "fault": "server", "retryable": True}
    assert shapes["Data"] == {"type": "blob", "sensitive": True, "min": 1}
    assert shapes["Size"] == {"type": "integer", "min": 1, "max": 100}
    assert shapes["Kind"] == {"type": "string", "enum": ["big", "small"]}


def test_the_closure_only_and_an_empty_unit_for_operations_without_input_or_output(tmp_path: Path) -> None:
    done, spec, _ = _import(tmp_path, widgets(), "--operations", "DeleteAll")
    assert done.returncode == 0, done.stderr
    assert spec["operations"]["DeleteAll"]["input"] == "Unit" == spec["operations"]["DeleteAll"]["output"]
    assert spec["shapes"] == {"Unit": {"type": "structure", "members": {}}}
    assert spec["source"]["operations"] == ["DeleteAll"] and "all_operations" not in spec["source"]
    assert "added shape Unit" in done.stdout


def test_event_stream_operations_are_refused_with_their_reason_and_unreached_shapes_left_out(tmp_path: Path) -> None:
    done, spec, _ = _import(tmp_path, widgets())
    assert "Watch" not in spec["operations"] and spec["source"]["all_operations"] is True
    assert "Watch: event-stream operation (WatchResponse -> EventStream is an event stream" in done.stdout
    assert not {"WatchRequest", "EventStream", "Tick", "Unreached"} & set(spec["shapes"])
    only = run("import", "--model", str(tmp_path / "service-2.json"), "--operations", "Watch", "--out", str(tmp_path / "w.yaml"))
    assert only.returncode == 2 and "no operation can be imported (Watch: event-stream operation" in only.stderr
    assert not (tmp_path / "w.yaml").exists()


def test_summary_lists_what_was_left_out_and_renamed(tmp_path: Path) -> None:
    done, _, _ = _import(tmp_path, widgets())
    assert "2 of 3 operations (DeleteAll, GetWidget) and 17 shapes" in done.stdout
    assert "box ×2: Java boxing" in done.stdout and "member GetWidgetRequest.legacy" in done.stdout
    assert "readonly ×1: read-only operations are not marked in the spec format (operation GetWidget)" in done.stdout
    assert "__string -> String" in done.stdout and "Shape_Union -> ShapeUnion" in done.stdout and "token -> Token" in done.stdout


def test_shape_names_become_legal_deterministically_and_wire_names_stay(tmp_path: Path) -> None:
    model = widgets()
    shapes = model["shapes"]
    shapes["lower_case_error"] = {"type": "structure", "members": {"Weird_Member": {"shape": "__string"}}, "exception": True}
    shapes["LowerCaseError"] = {"type": "string"}  # takes the PascalCase form first
    shapes["Exception"] = {"type": "string"}  # a Python builtin
    shapes["Widget"]["members"]["lower"] = {"shape": "LowerCaseError"}
    shapes["Widget"]["members"]["builtin"] = {"shape": "Exception"}
    model["operations"]["GetWidget"]["errors"].append({"shape": "lower_case_error"})
    done, spec, _ = _import(tmp_path, model)
    assert done.returncode == 0, done.stderr
    assert spec["shapes"]["LowerCaseError2"]["error"]["code"] == "lower_case_error"
    assert "Weird_Member" in spec["shapes"]["LowerCaseError2"]["members"]
    assert spec["shapes"]["Widget"]["members"]["builtin"]["shape"] == "ExceptionShape"
    assert "LowerCaseError2" in spec["operations"]["GetWidget"]["errors"]
    assert legal_names(["b_x", "a_x", "AX", "BX"]) == {"AX": "AX", "BX": "BX", "a_x": "AX2", "b_x": "BX2"}
    assert legal_names(["9lives", "", "x" * 120])["9lives"] == "Shape9lives"
    assert len(legal_names(["x" * 120])["x" * 120]) == 100


def test_awsjson1_0_and_the_protocol_list_are_recorded(tmp_path: Path) -> None:
    model = widgets()
    model["metadata"].update(jsonVersion="1.0", protocols=["smithy-rpc-v2-cbor", "json"], protocol="smithy-rpc-v2-cbor")
    done, spec, _ = _import(tmp_path, model)
    assert done.returncode == 0, done.stderr
    assert spec["service"]["protocols"] == ["rpcv2Cbor", "awsJson1_0"] and "protocol" not in spec["service"]
    assert spec["source"]["protocols"] == ["smithy-rpc-v2-cbor", "json"]


def test_a_cbor_only_model_imports_with_its_one_protocol(tmp_path: Path) -> None:
    model = widgets()
    model["metadata"].update(protocols=["smithy-rpc-v2-cbor"], protocol="smithy-rpc-v2-cbor")
    model["metadata"].pop("jsonVersion", None)
    done, spec, _ = _import(tmp_path, model)
    assert done.returncode == 0, done.stderr
    assert spec["service"]["protocol"] == "rpcv2Cbor" and "protocols" not in spec["service"]


@pytest.mark.parametrize(
    ("metadata", "reason"),
    [
        ({"protocols": ["rest-json"], "protocol": "rest-json"}, "the model's protocols are ['rest-json']: none is AWS JSON ('json') or Smithy RPC v2 CBOR ('smithy-rpc-v2-cbor')"),
        ({"protocols": ["query"], "protocol": "query"}, "none is AWS JSON"),
        ({"jsonVersion": "2.0"}, "its jsonVersion is '2.0', not '1.0' or '1.1'"),
    ],
)
def test_a_service_without_a_json_protocol_is_refused_with_its_reason(tmp_path: Path, metadata: dict[str, Any], reason: str) -> None:
    model = widgets()
    model["metadata"].update(metadata)
    done, _, _ = _import(tmp_path, model)
    assert done.returncode == 2 and reason in done.stderr and "nothing was written" in done.stderr
    assert not (tmp_path / "spec.yaml").exists()


def test_unknown_operations_are_an_error_with_a_suggestion(tmp_path: Path) -> None:
    done, _, _ = _import(tmp_path, widgets(), "--operations", "GetWidgit")
    assert done.returncode == 2 and "the model has no operation 'GetWidgit'; did you mean 'GetWidget'?" in done.stderr


def test_the_spec_folder_is_made_and_an_unwritable_place_is_named_as_the_spec(tmp_path: Path) -> None:
    source = write(tmp_path / "service-2.json", widgets())
    nested = tmp_path / "new" / "specs" / "widgets.yaml"
    assert run("import", "--model", str(source), "--out", str(nested), "-q").returncode == 0
    assert yaml.safe_load(nested.read_text(encoding="utf-8"))["service"]
    (tmp_path / "a-file").write_text("", encoding="utf-8")
    blocked = tmp_path / "a-file" / "widgets.yaml"
    done = run("import", "--model", str(source), "--out", str(blocked))
    assert done.returncode == 3
    assert done.stderr.strip().endswith(f": {blocked}") and ".tmp" not in done.stderr


def test_gzip_and_json_files_give_the_same_spec_with_the_same_digest(tmp_path: Path) -> None:
    plain = write(tmp_path / "a.json", widgets())
    packed = tmp_path / "b.json.gz"
    packed.write_bytes(gzip.compress(json.dumps(widgets()).encode("utf-8")))
    assert run("import", "--model", str(plain), "--out", str(tmp_path / "a.yaml")).returncode == 0
    assert run("import", "--model", str(packed), "--out", str(tmp_path / "b.yaml")).returncode == 0
    a, b = (yaml.safe_load((tmp_path / n).read_text()) for n in ("a.yaml", "b.yaml"))
    assert a["source"].pop("model") == "a.json" and b["source"].pop("model") == "b.json.gz"
    assert a == b


def test_documentation_is_one_text_form() -> None:
    html = '<p>Use <code>Get</code> or <a href="https://x.example/p">the <b>page</b> </a>.</p> <ul> <li> <p>one</p> </li> <li>two</li> </ul> <note><p>Careful.</p></note>'
    assert docs.to_text(html) == "Use `Get` or [the **page**](https://x.example/p).\n\n- one\n- two\n\nCareful."
    wrapped = "<p>Represents a\n            thing.</p>"
    assert docs.to_text(wrapped) == docs.to_text("<p>Represents a thing.</p>") == "Represents a thing."
    assert docs.to_text("<fullname>AWS Thing</fullname><p>Body</p>") == "Body"


def test_hostile_documentation_stays_inert_text() -> None:
    text = docs.to_text('<p>a<script>alert(1)</script>\x00\x1b[31m\u202e<!-- c --> """ */ {{ x }} &lt;b&gt; ${y}</p>\u2028z\r\nw')
    assert text == 'a[31m """ */ {{ x }} <b> ${y}\n\nz w'
    assert not any(ord(c) < 32 and c != "\n" for c in text)


@pytest.mark.parametrize("service", CI_SERVICES)
def test_real_services_import_whole_deterministically_and_fit_the_format(service: str, tmp_path: Path) -> None:
    out = tmp_path / "spec.yaml"
    first = emit.dump(import_spec(f"botocore:{service}", None, None, out).spec)
    docs._convert.cache_clear()
    second = emit.dump(import_spec(f"botocore:{service}", None, None, out).spec)
    assert first == second
    out.write_text(first, encoding="utf-8")
    loaded = load_spec(out)
    assert schema_diagnostics(loaded, meta_validator()) == []
    assert loaded.data["source"]["all_operations"] is True and loaded.data["source"]["model"] == f"botocore:{service}"
    assert len(loaded.data["operations"]) == len(loaded.data["source"]["operations"]) > 0


def test_the_summary_names_what_the_generator_does_not_generate_yet(tmp_path: Path) -> None:
    # Host labels and prefixes, member timestamp formats and request compression generate now.
    done, _, _ = _import(tmp_path, widgets())
    assert done.returncode == 0 and "does not generate" not in done.stdout, done.stdout
    generated = run("generate", "--spec", str(tmp_path / "spec.yaml"), "--out", str(tmp_path / "out"))
    assert generated.returncode == 0, generated.stderr
