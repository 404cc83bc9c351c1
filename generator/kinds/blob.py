"""blob: `bytes` in the models, canonical base64 text on the JSON wire; `min`/`max` count
decoded bytes."""

from __future__ import annotations

from typing import Any

from ..ir import BlobShape, Service
from ..pycode import Calls, lit
from .base import BLOB_KEYWORD, RawShape, ScalarKind, add_description, length_constraints


def blob_note(shape: BlobShape) -> str:
    """A blob's format and bounds in words, for documentation in every export."""
    low, high = shape.min_length or 0, shape.max_length
    size = f"{low} to {high} bytes" if high is not None else f"at least {low} byte{'s' if low != 1 else ''}" if low else "any number of bytes"
    return f"Base64 (RFC 4648: standard alphabet, padded, unused bits zero) of {size} once decoded."


class BlobKind(ScalarKind):
    spec_types = ("blob",)
    runtime_exports = ("blob_bytes", "blob_text")  # the models read and write blobs with them

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> BlobShape:
        constraints = tuple(length_constraints(name, raw, "bytes"))
        return BlobShape(**common, constraints=constraints, min_length=raw.get("min"), max_length=raw.get("max"))

    def json_schema(self, shape: BlobShape, schema: dict[str, Any], *, export: bool) -> None:
        schema.update(type="string", contentEncoding="base64")
        if export:
            # The byte bounds as the pattern's repeat counts: every validator then agrees with
            # the generated ones (a length keyword would count base64 characters).
            schema["pattern"] = f"^(?:{shape.base64_body})(?![\\s\\S])"
            add_description(schema, blob_note(shape))
        else:
            schema[BLOB_KEYWORD] = {"min": shape.min_length, "max": shape.max_length}

    def typescript_type(self, service: Service, shape: BlobShape) -> str:
        return "string"

    def typescript_notes(self, shape: BlobShape) -> list[str]:
        return [blob_note(shape)]

    def type_test(self, shape: BlobShape, var: str, calls: Calls) -> str:
        return calls("is_blob_text", var)

    def _decoded(self, shape: BlobShape, var: str, calls: Calls) -> str:
        """A condition that holds when `var` is not base64; with constraints to check, it
        keeps the decoded length in `size`."""
        length = calls("base64_length", var)
        return f"(size := {length}) < 0" if shape.constraints else f"{length} < 0"

    def value_lines(self, shape: BlobShape, path: str, sensitive: bool, calls: Calls) -> list[str]:
        lines = [f"if not {calls('is_blob_text', 'v')}:", f"    {self.type_failure(shape, 'v', path, calls)}"]
        lines += [f"elif {self._decoded(shape, 'v', calls)}:", f"    {calls('not_base64', 'out', path)}"]
        for c in shape.constraints:
            shown = calls("byte_buffer", "size")
            lines += [f"elif {self.broken(c, 'v')}:", f"    {calls('violation', 'out', path, shown, lit(c.phrase), lit(sensitive))}"]
        return lines

    def value_branches(self, shape: BlobShape, var: str, path: str, calls: Calls) -> list[str]:
        return [f"elif {self._decoded(shape, var, calls)}:", f"    {calls('not_base64', 'out', path)}"]

    def shown(self, shape: BlobShape, var: str, calls: Calls) -> str:
        return calls("blobs_shown", var)

    def read(self, shape: BlobShape, var: str, path: str, calls: Calls) -> str:
        return calls("as_blob", var, path)
