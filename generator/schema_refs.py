"""jsonschema with each local `$ref` looked up once per schema instead of at every use.

jsonschema (pure Python) resolves "#/$defs/X" through `referencing` each time it meets it: for
a spec's check against spec.schema.json, and the test suite's corpora against the exports,
about half of its time. The lookup's result (the subschema and its resolver) is what
jsonschema's own `$ref` then descends into, so the verdicts and the errors, with their paths,
are the same (tests/unit/test_schema_oracle.py). Only for a schema whose only `$id`, if any,
is at its root (a nested one would give one reference two meanings); otherwise, or where
jsonschema no longer has the attribute this reads, its own `$ref` runs.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema


def resolving_once(kind: type[jsonschema.protocols.Validator], schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """`kind(schema)`, with its local references resolved once."""
    if _nested_ids(schema, top=True):
        return kind(schema)
    stock = kind.VALIDATORS["$ref"]
    resolved: dict[str, Any] = {}

    def ref(validator: Any, reference: str, instance: Any, subschema: Any) -> Iterator[jsonschema.ValidationError]:
        found = resolved.get(reference)
        if found is None:
            resolver = getattr(validator, "_resolver", None)
            if resolver is None or not reference.startswith("#"):
                yield from stock(validator, reference, instance, subschema)
                return
            found = resolved[reference] = resolver.lookup(reference)
        yield from validator.descend(instance, found.contents, resolver=found.resolver)

    return jsonschema.validators.extend(kind, validators={"$ref": ref})(schema)


def _nested_ids(schema: Any, top: bool = False) -> bool:
    if isinstance(schema, dict):
        return (not top and "$id" in schema) or any(_nested_ids(value) for value in schema.values())
    if isinstance(schema, list):
        return any(_nested_ids(item) for item in schema)
    return False
