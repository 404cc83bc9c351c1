"""Fractional bounds on float and double shapes (SageMaker's `NumberOfCpuCores` has min 0.25,
Kendra's `MaxContentSizePerPageInMegaBytes` min 1.0E-6): imported from a botocore model, kept
in the spec, and held by the validators (in AWS's words, Java's number form), the models and
the JSON Schema export alike."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pydantic
import pytest
import yaml

from generator.cli_import import import_spec
from generator.importers import emit

from ..support.forest_model import BOTOCORE_METADATA
from ..support.generated_package import imported

MODEL: dict[str, Any] = {
    "version": "2.0",
    "metadata": {
        **BOTOCORE_METADATA,
        "serviceId": "Gauges",
        "targetPrefix": "Gauges_20240101",
        "endpointPrefix": "gauges",
    },
    "operations": {
        "Measure": {
            "name": "Measure",
            "http": {"method": "POST", "requestUri": "/"},
            "input": {"shape": "MeasureInput"},
            "output": {"shape": "MeasureOutput"},
        }
    },
    "shapes": {
        "MeasureInput": {
            "type": "structure",
            "members": {"ratio": {"shape": "Ratio"}, "tiny": {"shape": "Tiny"}, "ratios": {"shape": "Ratios"}},
        },
        "MeasureOutput": {"type": "structure", "members": {}},
        "Ratio": {"type": "double", "min": 0.25, "max": 2.5},
        "Tiny": {"type": "float", "min": 1e-06},
        "Ratios": {"type": "list", "member": {"shape": "Ratio"}},
    },
}


FAILED = "failed to satisfy constraint: Member must have value"


@pytest.fixture(scope="module")
def spec(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fractional")
    (folder / "service-2.json").write_text(json.dumps(MODEL), encoding="utf-8")
    spec_path = folder / "gauges.yaml"
    result = import_spec(str(folder / "service-2.json"), None, "gauges", spec_path)
    assert not [skip for skip in result.summary.skipped if skip.key in ("min", "max")]
    spec_path.write_text(emit.dump(result.spec), encoding="utf-8")
    return spec_path


@pytest.fixture(scope="module")
def api(spec: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    with imported(spec, tmp_path_factory.mktemp("fractional-out"), "gauges") as package:
        yield package


def test_the_spec_keeps_the_fractional_bounds(spec: Path) -> None:
    shapes = yaml.safe_load(spec.read_text(encoding="utf-8"))["shapes"]
    assert (shapes["Ratio"]["min"], shapes["Ratio"]["max"], shapes["Tiny"]["min"]) == (
        0.25,
        2.5,
        1e-06,
    )


@pytest.mark.parametrize(
    ("request_", "messages"),
    [
        ({"ratio": 0.25, "tiny": 1e-06}, []),
        ({"ratio": 2.5}, []),
        (
            {"ratio": 0.24},
            [f"Value '0.24' at 'ratio' {FAILED} greater than or equal to 0.25"],
        ),
        (
            {"ratio": 2.51},
            [f"Value '2.51' at 'ratio' {FAILED} less than or equal to 2.5"],
        ),
        # Values as Java's Double.toString prints them, as AWS's services hold them.
        (
            {"tiny": 9e-07},
            [f"Value '9.0E-7' at 'tiny' {FAILED} greater than or equal to 1.0E-6"],
        ),
        (
            {"ratio": 3},
            [f"Value '3.0' at 'ratio' {FAILED} less than or equal to 2.5"],
        ),
        (
            {"ratio": 1e-05},
            [f"Value '1.0E-5' at 'ratio' {FAILED} greater than or equal to 0.25"],
        ),
        # An integer too large for a double is the infinity Java reads (float() would raise).
        (
            {"ratio": 10**400},
            [f"Value 'Infinity' at 'ratio' {FAILED} less than or equal to 2.5"],
        ),
        (
            {"ratio": -(10**400)},
            [f"Value '-Infinity' at 'ratio' {FAILED} greater than or equal to 0.25"],
        ),
        (
            {"ratios": [1, 10**400]},
            [
                (
                    "Value '[1.0, Infinity]' at 'ratios' failed to satisfy constraint: Member must satisfy"
                    " constraint: [Member must have value less than or equal to 2.5, Member must have"
                    " value greater than or equal to 0.25]"
                )
            ],
        ),
        (
            {"ratios": [1, 3]},
            [
                (
                    "Value '[1.0, 3.0]' at 'ratios' failed to satisfy constraint: Member must satisfy"
                    " constraint: [Member must have value less than or equal to 2.5, Member must have"
                    " value greater than or equal to 0.25]"
                )
            ],
        ),
    ],
)
def test_validators_models_and_schema_agree_on_the_bounds(
    api: ModuleType, request_: dict[str, Any], messages: list[str]
) -> None:
    assert [v.message for v in api.validate_request(request_)] == messages
    folder = Path(api.__file__).parent
    schema = json.loads(
        (folder / "schemas" / "MeasureInput.schema.json").read_text(encoding="utf-8")
    )
    assert jsonschema.Draft202012Validator(schema).is_valid(request_) == (not messages)
    model = api.models.MeasureInput
    if messages:
        with pytest.raises(pydantic.ValidationError):
            model.model_validate(request_)
    else:
        model.model_validate(request_)
