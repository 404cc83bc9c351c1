"""jsonschema with its local references resolved once (generator/schema_refs.py) decides as
jsonschema itself does: as the corpus tests' oracle (tests/support/schema_oracle.py), the same
verdict and errors for every instance of the covering corpus of each spec here, on every
operation's exported schema; as the spec check, the same errors for every bad spec."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from generator import check
from generator.diagnostics import SpecError
from generator.load import load_spec
from generator.pipeline import compile_spec
from generator.resources import META_SCHEMA_PATH

from ..conftest import ROOT
from ..support.covering import covering_corpus, covering_instance
from ..support.schema_oracle import oracle
from .test_bad_specs import ALL_CASES

SPECS = {
    "pollforjobs": (ROOT / "specs" / "pollforjobs.yaml", ROOT / "generated" / "pollforjobs" / "schemas"),
    "inventory_api": (ROOT / "tests" / "generality" / "inventory.yaml", ROOT / "tests" / "generality" / "golden" / "inventory_api" / "schemas"),
}


@pytest.mark.parametrize("name", sorted(SPECS))
def test_the_oracle_gives_jsonschemas_verdicts_and_errors(name: str) -> None:
    spec, schemas = SPECS[name]
    service = compile_spec(spec)
    roots = [(root, direction, covering_instance(service, service.shape(root))) for op in service.operations for root, direction in ((op.input, "input"), (op.output, "output"))]
    stock, ours = {}, {}
    for root, _, _ in roots:
        schema = json.loads((schemas / f"{root}.schema.json").read_text(encoding="utf-8"))
        stock[root], ours[root] = jsonschema.Draft202012Validator(schema), oracle(schema)
    counts = [0, 0]
    for root, instance in covering_corpus(service, roots):
        expected = sorted((e.message, list(e.absolute_path)) for e in stock[root].iter_errors(instance))
        assert sorted((e.message, list(e.absolute_path)) for e in ours[root].iter_errors(instance)) == expected, instance
        assert ours[root].is_valid(instance) is (not expected)
        counts[not expected] += 1
    assert counts[0] > len(roots) and counts[1] >= len(roots)


def test_the_spec_check_reports_what_jsonschema_itself_reports_for_every_bad_spec(tmp_path: Path) -> None:
    """generator/check.py's validator against specs/spec.schema.json, with its references
    resolved once, against jsonschema's own: the same errors, paths and schema paths."""
    schema = json.loads(META_SCHEMA_PATH.read_text(encoding="utf-8"))
    base = jsonschema.Draft202012Validator
    stock = jsonschema.validators.extend(base, type_checker=check.meta_validator().TYPE_CHECKER)(schema)
    compared = 0
    for case in ALL_CASES:
        spec = tmp_path / case.name
        spec.write_bytes(case.text)
        try:
            loaded = load_spec(spec, case.name)
        except SpecError:
            continue  # not YAML a check could read
        found = [(e.message, list(e.absolute_path), list(e.absolute_schema_path)) for e in check.meta_validator().iter_errors(loaded.data)]
        assert found == [(e.message, list(e.absolute_path), list(e.absolute_schema_path)) for e in stock.iter_errors(loaded.data)], case.name
        compared += bool(found)
    assert compared >= 20
