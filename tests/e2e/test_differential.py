"""Generated validators, jsonschema on the exported schema, and the pydantic models agree.

The corpus comes from every constraint (tests/support/corpus.py) and from hypothesis
(tests/support/strategies.py). One documented exception: an integral float such as `5.0` is an
integer to JSON Schema and to the generated validators (as to JavaScript and to AWS's
Jackson-based services), while pydantic's strict mode refuses it; and a lone surrogate escape
("\\ud800") is refused by pydantic-core's JSON parser before any validation. Such instances are
compared between the validators and JSON Schema only.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import jsonschema
import pollforjobs
import pydantic
import pytest
from hypothesis import HealthCheck, given, settings
from pollforjobs import models

from generator.pipeline import build

from ..conftest import ROOT
from ..support.corpus import blob_is_valid, blob_mutants, has_integral_float, has_lone_surrogate, mutants
from ..support.export_corpus import complete_instance, unicode_probes
from ..support.generated_package import INVENTORY, imported
from ..support.schema_oracle import oracle
from ..support.strategies import json_near

SCHEMAS = ROOT / "generated" / "pollforjobs" / "schemas"


def _schema_validator(root: str) -> jsonschema.protocols.Validator:
    schema = json.loads((SCHEMAS / f"{root}.schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return oracle(schema)


class Verdicts:
    def __init__(self, root: str, validate: Callable[[Any], list[Any]], model: type[pydantic.BaseModel]) -> None:
        self.schema = _schema_validator(root)
        self.validate = validate
        self.model = model

    def disagreement(self, instance: Any) -> str | None:
        ours = self.validate(instance) == []
        theirs = self.schema.is_valid(instance)
        verdicts = {"generated validators": ours, "jsonschema": theirs}
        if not has_integral_float(instance) and not has_lone_surrogate(instance):
            try:
                self.model.model_validate_json(json.dumps(instance), strict=True)
                verdicts["pydantic models"] = True
            except pydantic.ValidationError:
                verdicts["pydantic models"] = False
        if len(set(verdicts.values())) > 1:
            return f"{json.dumps(instance)[:300]} -> {verdicts}"
        return None


CASES = {
    "request": ("PollForJobsInput", pollforjobs.validate_request, models.PollForJobsInput, "sample_request"),
    "response": ("PollForJobsOutput", pollforjobs.validate_response, models.PollForJobsOutput, "well_formed_response"),
}


@pytest.mark.parametrize("direction", sorted(CASES))
def test_constraint_corpus_gets_one_verdict(direction: str, service: Any, request: pytest.FixtureRequest) -> None:
    root, validate, model, fixture = CASES[direction]
    verdicts = Verdicts(root, validate, model)
    complete = complete_instance(service, service.shape(root))
    corpus = [
        *mutants(service, root, request.getfixturevalue(fixture)),
        *mutants(service, root, complete),
        *unicode_probes(service, root, complete),
    ]
    accepted = sum(1 for instance in corpus if validate(instance) == [])
    disagreements = [d for d in map(verdicts.disagreement, corpus) if d]
    print(f"{direction}: {len(corpus)} instances, {accepted} valid, {len(corpus) - accepted} invalid, {len(disagreements)} disagreements")
    assert accepted > 5 and len(corpus) - accepted > 100
    assert disagreements == []


@pytest.mark.parametrize("direction", sorted(CASES))
def test_hypothesis_instances_get_one_verdict(direction: str, service: Any) -> None:
    root, validate, model, _ = CASES[direction]
    verdicts = Verdicts(root, validate, model)

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(json_near(service, service.shape(root)))
    def agree(instance: Any) -> None:
        assert verdicts.disagreement(instance) is None

    agree()


def test_validators_never_raise_on_any_json_value() -> None:
    from hypothesis import strategies as st

    json_values = st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
        lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
        max_leaves=30,
    )

    @settings(max_examples=400, deadline=None, database=None)
    @given(json_values)
    def total(value: Any) -> None:
        for validate in (pollforjobs.validate_request, pollforjobs.validate_response):
            for violation in validate(value):
                assert isinstance(violation.path, str) and violation.message

    total()


@pytest.fixture(scope="module")
def inventory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[ModuleType, Path, Any]]:
    """The invented generality spec's package (it has blobs; PollForJobs has none)."""
    out = tmp_path_factory.mktemp("inventory")
    with imported(INVENTORY, out, "inventory_api") as api:
        service, _ = build(ROOT / INVENTORY)
        yield api, out / "inventory_api" / "schemas", service


def _inventory_verdicts(api: ModuleType, schemas: Path, instance: Any) -> dict[str, bool]:
    schema = jsonschema.Draft202012Validator(json.loads((schemas / "PutItemRequest.schema.json").read_text(encoding="utf-8")))
    verdicts = {"generated validators": api.validate_request(instance, "PutItem") == [], "jsonschema": schema.is_valid(instance)}
    if not has_integral_float(instance) and not has_lone_surrogate(instance):
        try:
            api.models.PutItemRequest.model_validate_json(json.dumps(instance), strict=True)
            verdicts["pydantic models"] = True
        except pydantic.ValidationError:
            verdicts["pydantic models"] = False
    return verdicts


def test_blob_corpus_gets_one_verdict(inventory: tuple[ModuleType, Path, Any]) -> None:
    """Blobs count decoded bytes and must be canonical base64, for all three and as Python's
    base64 module says: texts at the byte bounds and next to them, missing or extra padding,
    unused bits set, other alphabets."""
    api, schemas, service = inventory
    complete = complete_instance(service, service.shape("PutItemRequest"))
    corpus = list(blob_mutants(service, "PutItemRequest", complete))
    results = [(instance, {"base64 oracle": blob_is_valid(shape, text), **_inventory_verdicts(api, schemas, instance)}) for shape, text, instance in corpus]
    disagreements = [f"{json.dumps(i)[:300]} -> {v}" for i, v in results if len(set(v.values())) > 1]
    accepted = sum(v["generated validators"] for _, v in results)
    print(f"blobs: {len(corpus)} instances, {accepted} valid, {len(corpus) - accepted} invalid, {len(disagreements)} disagreements")
    assert accepted > 20 and len(corpus) - accepted > 100
    assert disagreements == []


def test_hypothesis_blobs_get_one_verdict(inventory: tuple[ModuleType, Path, Any]) -> None:
    api, schemas, service = inventory

    @settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(json_near(service, service.shape("PutItemRequest")))
    def agree(instance: Any) -> None:
        verdicts = _inventory_verdicts(api, schemas, instance)
        assert len(set(verdicts.values())) == 1, f"{json.dumps(instance)[:300]} -> {verdicts}"

    agree()
