"""The corpus tests' jsonschema oracle (tests/support/schema_oracle.py) decides as jsonschema
itself does: the same verdict and the same errors for every instance of the covering corpus of
each spec here, on every operation's exported schema."""

from __future__ import annotations

import json

import jsonschema
import pytest

from generator.pipeline import compile_spec

from ..conftest import ROOT
from ..support.covering import covering_corpus, covering_instance
from ..support.schema_oracle import oracle

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
