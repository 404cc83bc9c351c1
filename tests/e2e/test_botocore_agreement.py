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


OPERATIONS = ["AcknowledgeJob", "GetJobDetails", "PollForJobs", "PutJobFailureResult", "PutJobSuccessResult"]
# The importer's empty structure for an operation without an output (Smithy's Unit); botocore
# has no shape for it.
UNIT = "Unit"


@pytest.mark.parametrize("name", OPERATIONS)
def test_operation_matches(spec: dict[str, Any], botocore_model: dict[str, Any], name: str) -> None:
    assert list(spec["operations"]) == OPERATIONS
    ours = spec["operations"][name]
    theirs = botocore_model["operations"][name]
    assert ours["input"] == theirs["input"]["shape"]
    assert ours["output"] == (theirs["output"]["shape"] if "output" in theirs else UNIT)
    assert sorted(ours["errors"]) == sorted(e["shape"] for e in theirs["errors"])
    assert ours["http"] == {"method": theirs["http"]["method"], "uri": theirs["http"]["requestUri"]}
    metadata = botocore_model["metadata"]
    service = spec["service"]
    assert service["api_version"] == metadata["apiVersion"]
    assert service["target_prefix"] == metadata["targetPrefix"]
    assert service["endpoint_prefix"] == metadata["endpointPrefix"]
    assert metadata.get("signingName", metadata["endpointPrefix"]) == service["signing_name"]
    assert metadata["jsonVersion"] == "1.1" and "json" in metadata.get("protocols", [metadata["protocol"]])


def test_the_spec_defines_exactly_the_shapes_the_operations_reach(spec: dict[str, Any], botocore_model: dict[str, Any]) -> None:
    roots = []
    for name in OPERATIONS:
        op = botocore_model["operations"][name]
        roots += [op["input"]["shape"], *([op["output"]["shape"]] if "output" in op else []), *(e["shape"] for e in op["errors"])]
    reachable = _reachable(botocore_model, roots)
    common_errors = set(spec["service"]["common_errors"])
    poll = botocore_model["operations"]["PollForJobs"]
    poll_roots = [poll["input"]["shape"], poll["output"]["shape"], *(e["shape"] for e in poll["errors"])]
    assert len(_reachable(botocore_model, poll_roots)) == 48  # PollForJobs alone, as before
    assert len(reachable) == 74
    assert set(spec["shapes"]) - common_errors - {UNIT} == reachable
    assert spec["shapes"][UNIT] == {"type": "structure", "members": {}}


def test_every_shape_matches_botocore(spec: dict[str, Any], botocore_model: dict[str, Any]) -> None:
    mismatches = {}
    common_errors = set(spec["service"]["common_errors"])
    for name, shape in spec["shapes"].items():
        if name in common_errors or name == UNIT:
            continue
        ours, theirs = _spec_view(shape), _botocore_view(botocore_model["shapes"][name])
        if ours != theirs:
            mismatches[name] = (ours, theirs)
    assert mismatches == {}


@pytest.mark.parametrize("operation", OPERATIONS)
def test_modeled_errors_are_exceptions_in_botocore(spec: dict[str, Any], botocore_model: dict[str, Any], operation: str) -> None:
    for name in spec["operations"][operation]["errors"]:
        assert botocore_model["shapes"][name].get("exception") is True
        assert spec["shapes"][name]["error"]["code"] == name
        assert spec["shapes"][name]["error"]["http_status"] == 400
