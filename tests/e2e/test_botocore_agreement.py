"""Every constraint in the spec equals the public AWS service model shipped in botocore."""

from __future__ import annotations

from typing import Any

import botocore.loaders
import pytest
import yaml

from ..conftest import SPEC

# botocore's key for each spec key that carries a constraint or a reference.
COMPARED_KEYS = ("type", "min", "max", "pattern", "enum", "sensitive", "member", "key", "value", "required")


@pytest.fixture(scope="module")
def botocore_model() -> dict[str, Any]:
    model: dict[str, Any] = botocore.loaders.Loader().load_service_model("codepipeline", "service-2")
    return model


@pytest.fixture(scope="module")
def spec() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    return data


def _reachable(model: dict[str, Any], roots: list[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        name = stack.pop()
        if name in seen:
            continue
        seen.add(name)
        shape = model["shapes"][name]
        stack.extend(m["shape"] for m in shape.get("members", {}).values())
        stack.extend(shape[k]["shape"] for k in ("member", "key", "value") if k in shape)
    return seen


def _botocore_view(shape: dict[str, Any]) -> dict[str, Any]:
    view = {k: shape[k] for k in COMPARED_KEYS if k in shape and k not in ("member", "key", "value")}
    view.update({k: shape[k]["shape"] for k in ("member", "key", "value") if k in shape})
    if "members" in shape:
        view["members"] = {name: member["shape"] for name, member in shape["members"].items()}
        view["required"] = sorted(shape.get("required", []))
    view.setdefault("sensitive", False)
    return view


def _spec_view(shape: dict[str, Any]) -> dict[str, Any]:
    view = {k: shape[k] for k in COMPARED_KEYS if k in shape}
    if "members" in shape:
        view["members"] = {name: member["shape"] for name, member in shape["members"].items()}
        view["required"] = sorted(shape.get("required", []))
    view.setdefault("sensitive", False)
    return view


def test_operation_matches(spec: dict[str, Any], botocore_model: dict[str, Any]) -> None:
    ours = spec["operations"]["PollForJobs"]
    theirs = botocore_model["operations"]["PollForJobs"]
    assert ours["input"] == theirs["input"]["shape"]
    assert ours["output"] == theirs["output"]["shape"]
    assert sorted(ours["errors"]) == sorted(e["shape"] for e in theirs["errors"])
    assert ours["http"] == {"method": theirs["http"]["method"], "uri": theirs["http"]["requestUri"]}
    metadata = botocore_model["metadata"]
    service = spec["service"]
    assert service["api_version"] == metadata["apiVersion"]
    assert service["target_prefix"] == metadata["targetPrefix"]
    assert service["endpoint_prefix"] == metadata["endpointPrefix"]
    assert metadata.get("signingName", metadata["endpointPrefix"]) == service["signing_name"]
    assert metadata["jsonVersion"] == "1.1" and "json" in metadata.get("protocols", [metadata["protocol"]])


def test_the_spec_defines_exactly_the_shapes_the_operation_reaches(spec: dict[str, Any], botocore_model: dict[str, Any]) -> None:
    op = botocore_model["operations"]["PollForJobs"]
    roots = [op["input"]["shape"], op["output"]["shape"], *(e["shape"] for e in op["errors"])]
    reachable = _reachable(botocore_model, roots)
    common_errors = set(spec["service"]["common_errors"])
    assert len(reachable) == 48
    assert set(spec["shapes"]) - common_errors == reachable


def test_every_shape_matches_botocore(spec: dict[str, Any], botocore_model: dict[str, Any]) -> None:
    mismatches = {}
    common_errors = set(spec["service"]["common_errors"])
    for name, shape in spec["shapes"].items():
        if name in common_errors:
            continue
        ours, theirs = _spec_view(shape), _botocore_view(botocore_model["shapes"][name])
        if ours != theirs:
            mismatches[name] = (ours, theirs)
    assert mismatches == {}


def test_modeled_errors_are_exceptions_in_botocore(spec: dict[str, Any], botocore_model: dict[str, Any]) -> None:
    for name in spec["operations"]["PollForJobs"]["errors"]:
        assert botocore_model["shapes"][name].get("exception") is True
        assert spec["shapes"][name]["error"]["code"] == name
        assert spec["shapes"][name]["error"]["http_status"] == 400
