"""ajv (JavaScript, JSON Schema 2020-12) and the generated Python validators give one verdict.

The exported schemas are compiled by ajv in strict mode with the `u` flag on patterns; the
corpus is the differential tests' constraint corpus (every boundary, broken pattern, missed
enum, dropped member and wrong JSON type) grown from two valid instances, plus probes with
astral characters, lone surrogates and line terminators at every string, plus instances from
hypothesis. ajv runs once per test over the whole corpus.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
import pollforjobs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ..conftest import ROOT
from ..support.corpus import mutants
from ..support.export_corpus import complete_instance, unicode_probes, valid_near
from ..support.node import run_node
from ..support.strategies import json_near

SCHEMAS = ROOT / "generated" / "pollforjobs" / "schemas"
DIRECTIONS: dict[str, tuple[str, Callable[[Any], list[Any]], str]] = {
    "request": ("PollForJobsInput", pollforjobs.validate_request, "sample_request"),
    "response": ("PollForJobsOutput", pollforjobs.validate_response, "well_formed_response"),
}


def ajv_verdicts(corpus: list[tuple[str, Any]], tmp_path: Path, schemas: Path = SCHEMAS) -> list[bool]:
    corpus_file = tmp_path / "corpus.json"
    corpus_file.write_text(json.dumps(corpus, ensure_ascii=True, allow_nan=False), encoding="utf-8")
    result = run_node("ajv_verdicts.cjs", str(schemas), str(corpus_file))
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["options"]["strict"] is True and report["options"]["unicodeRegExp"] is True
    verdicts: list[bool] = report["verdicts"]
    assert len(verdicts) == len(corpus)
    return verdicts


def compare(corpus: list[tuple[str, Any]], tmp_path: Path, label: str) -> None:
    validate = {root: check for root, check, _ in DIRECTIONS.values()}
    python = [validate[root](instance) == [] for root, instance in corpus]
    javascript = ajv_verdicts(corpus, tmp_path)
    disagreements = [
        f"{json.dumps(instance)[:300]} -> python {ours}, ajv {theirs}"
        for (_, instance), ours, theirs in zip(corpus, python, javascript, strict=True)
        if ours != theirs
    ]
    valid = sum(python)
    print(f"{label}: {len(corpus)} instances ({valid} valid, {len(corpus) - valid} invalid), {len(disagreements)} disagreements")
    assert disagreements == []


def test_constraint_corpus_gets_the_same_verdict_from_ajv(service: Any, request: pytest.FixtureRequest, tmp_path: Path) -> None:
    corpus: list[tuple[str, Any]] = []
    for root, validate, fixture in DIRECTIONS.values():
        complete = complete_instance(service, service.shape(root))
        assert validate(complete) == [], validate(complete)
        for base in (request.getfixturevalue(fixture), complete):
            corpus += [(root, instance) for instance in mutants(service, root, base)]
            corpus += [(root, instance) for instance in unicode_probes(service, root, base)]
    python_valid = sum(DIRECTIONS_BY_ROOT[root](instance) == [] for root, instance in corpus)
    assert python_valid > 100 and len(corpus) - python_valid > 1000
    compare(corpus, tmp_path, "constraint corpus")


def test_hypothesis_instances_get_the_same_verdict_from_ajv(service: Any, tmp_path: Path) -> None:
    corpus: list[tuple[str, Any]] = []
    for root, _, _ in DIRECTIONS.values():
        shape = service.shape(root)
        strategy = st.one_of(json_near(service, shape), valid_near(service, shape))
        collect(strategy, lambda instance, root=root: corpus.append((root, instance)))
    assert len(corpus) >= 400
    compare(corpus, tmp_path, "hypothesis")


def test_sensitive_members_are_marked_for_other_languages() -> None:
    output = json.loads((SCHEMAS / "PollForJobsOutput.schema.json").read_text(encoding="utf-8"))
    credentials = output["$defs"]["AWSSessionCredentials"]
    assert credentials["x-aws-sensitive"] is True
    assert all(credentials["properties"][m]["x-aws-sensitive"] is True for m in ("accessKeyId", "secretAccessKey", "sessionToken"))
    assert "x-aws-sensitive" not in output["$defs"]["Job"]


DIRECTIONS_BY_ROOT = {root: check for root, check, _ in DIRECTIONS.values()}


def collect(strategy: Any, keep: Callable[[Any], None]) -> None:
    @settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    @given(strategy)
    def run(instance: Any) -> None:
        keep(instance)

    run()


def test_a_two_operation_spec_with_every_kind_of_shape_agrees_too(tmp_path: Path) -> None:
    """The invented generality spec: ajv (strict) compiles its schemas, and judges a corpus
    grown from complete instances as Python's jsonschema does, except where JavaScript
    numbers cannot hold the value (whole numbers beyond 2^53, where a 64-bit bound sits)."""
    from generator.build_ir import build_service
    from generator.check import check_spec
    from generator.load import load_spec

    spec = ROOT / "tests" / "generality" / "inventory.yaml"
    loaded = load_spec(spec, "inventory.yaml")
    assert check_spec(loaded) == []
    inventory = build_service(loaded.data, "inventory.yaml")
    export = [sys.executable, "-m", "generator", "export", "--format", "jsonschema", "--spec", str(spec), "--out", str(tmp_path)]
    assert subprocess.run(export, cwd=ROOT, capture_output=True, check=False).returncode == 0
    schemas = tmp_path / "inventory_api" / "schemas"
    corpus: list[tuple[str, Any]] = []
    for op in inventory.operations:
        for root in (op.input, op.output):
            complete = complete_instance(inventory, inventory.shape(root))
            corpus += [(root, instance) for instance in mutants(inventory, root, complete)]
            corpus += [(root, instance) for instance in unicode_probes(inventory, root, complete)]
    reference = {p.name.removesuffix(".schema.json"): jsonschema.Draft202012Validator(json.loads(p.read_text())) for p in schemas.iterdir()}
    python = [reference[root].is_valid(instance) for root, instance in corpus]
    javascript = ajv_verdicts(corpus, tmp_path, schemas)
    disagreements = [instance for (_, instance), ours, theirs in zip(corpus, python, javascript, strict=True) if ours != theirs]
    print(f"generality spec: {len(corpus)} instances, {len(disagreements)} disagreements beyond 2^53")
    assert all(_has_unsafe_integer(instance) for instance in disagreements), disagreements[:3]
    assert sum(python) > 50 and len(corpus) - sum(python) > 500


def _has_unsafe_integer(value: Any) -> bool:
    if isinstance(value, int) and not isinstance(value, bool):
        return abs(value) > 2**53
    if isinstance(value, list):
        return any(_has_unsafe_integer(v) for v in value)
    if isinstance(value, dict):
        return any(_has_unsafe_integer(v) for v in value.values())
    return False


def test_blob_corpus_gets_the_same_verdict_from_ajv_and_the_validators(tmp_path: Path) -> None:
    """The export states a blob's byte bounds and canonical base64 with one pattern; ajv must
    judge every blob probe (bounds, padding, unused bits, other alphabets) as the generated
    validators do."""
    from generator.pipeline import build

    from ..support.corpus import blob_mutants
    from ..support.generated_package import INVENTORY, imported

    service, _ = build(ROOT / INVENTORY)
    with imported(INVENTORY, tmp_path / "out", "inventory_api") as api:
        corpus: list[tuple[str, Any]] = []
        for op in service.operations:
            complete = complete_instance(service, service.shape(op.input))
            corpus += [(op.input, instance) for _, _, instance in blob_mutants(service, op.input, complete)]
        operation = {op.input: op.name for op in service.operations}
        python = [api.validate_request(instance, operation[root]) == [] for root, instance in corpus]
        javascript = ajv_verdicts(corpus, tmp_path, tmp_path / "out" / "inventory_api" / "schemas")
    disagreements = [json.dumps(i)[:300] for (_, i), ours, theirs in zip(corpus, python, javascript, strict=True) if ours != theirs]
    print(f"blobs: {len(corpus)} instances ({sum(python)} valid), {len(disagreements)} disagreements")
    assert sum(python) > 20 and len(corpus) - sum(python) > 100
    assert disagreements == []
