"""jsonschema, the reference implementation (pure Python), as the corpus tests' oracle, with
each local `$ref` resolved once per schema (generator/schema_refs.py: the same verdicts and
errors, tests/unit/test_schema_oracle.py): a corpus of 50,000 instances (Glue's) resolved the
same few hundred references millions of times, half of jsonschema's time."""

from __future__ import annotations

from typing import Any

import jsonschema

from generator.schema_refs import resolving_once


def oracle(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    return resolving_once(jsonschema.Draft202012Validator, schema)
