"""jsonschema, the reference implementation (pure Python), as the corpus tests' oracle.

One change to how it runs, not to what it decides: each local `$ref` ("#/$defs/X") is looked
up once per schema instead of at every use. A corpus of 50,000 instances (Glue's) resolved the
same few hundred references millions of times, half of jsonschema's time; the resolved
subschema and its resolver are what jsonschema's own `_validate_reference` would descend into,
so the verdicts are the same (tests/unit/test_schema_oracle.py compares them).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import jsonschema
from jsonschema import validators


def oracle(schema: dict[str, Any]) -> jsonschema.protocols.Validator:
    """A Draft 2020-12 validator of `schema`, with its local references resolved once."""
    resolved: dict[str, Any] = {}

    def ref(validator: Any, reference: str, instance: Any, subschema: Any) -> Iterator[jsonschema.ValidationError]:
        if not reference.startswith("#"):  # another document's: jsonschema's own way
            yield from validator._validate_reference(ref=reference, instance=instance)
            return
        found = resolved.get(reference)
        if found is None:
            found = resolved[reference] = validator._resolver.lookup(reference)
        yield from validator.descend(instance, found.contents, resolver=found.resolver)

    kind = validators.extend(jsonschema.Draft202012Validator, validators={"$ref": ref})
    return kind(schema)  # type: ignore[no-any-return]
