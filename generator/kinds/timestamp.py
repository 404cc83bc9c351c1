"""timestamp: a point in time; `datetime` in the models. On the JSON wire: seconds since the
Unix epoch (`unixTimestamp`, the default), or text when `timestamp_format` says `iso8601` or
`rfc822`, checked by the same patterns in the validators and the JSON Schema export."""

from __future__ import annotations

from typing import Any

from ..ir import Service, TimestampShape
from ..pycode import Calls, lit
from .base import TIMESTAMP_KEYWORD, RawShape, ScalarKind, add_description

# As in templates/runtime/validation.py (a test keeps them equal).
EARLIEST_EPOCH = -62135596800
LATEST_EPOCH = 253402300799
ISO8601_PATTERN = (
    r"^[0-9]{4}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])[Tt](?:[01][0-9]|2[0-3]):[0-5][0-9]"
    r":(?:[0-5][0-9]|60)(?:\.[0-9]+)?(?:[Zz]|[+-](?:[01][0-9]|2[0-3]):[0-5][0-9])$"
)
RFC822_PATTERN = (
    r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (?:0[1-9]|[12][0-9]|3[01]) "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [0-9]{4} (?:[01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9] GMT$"
)
NOTES = {
    "unixTimestamp": "Seconds since the Unix epoch.",
    "iso8601": "An ISO 8601 date-time (RFC 3339), such as 2014-04-29T18:30:38Z.",
    "rfc822": "An RFC 822 date (RFC 7231's IMF-fixdate), such as Tue, 29 Apr 2014 18:30:38 GMT.",
}
EPOCH_SECONDS = NOTES["unixTimestamp"]


class TimestampKind(ScalarKind):
    spec_types = ("timestamp",)
    runtime_exports = ("timestamp_value", "timestamp_wire")  # the models read and write timestamps with them

    def build(self, name: str, raw: RawShape, common: dict[str, Any], shapes: dict[str, RawShape]) -> TimestampShape:
        return TimestampShape(**common, constraints=(), timestamp_format=raw.get("timestamp_format", "unixTimestamp"))

    def json_schema(self, shape: TimestampShape, schema: dict[str, Any], *, export: bool) -> None:
        if not export:
            schema["type"] = "string"  # the models' template makes it a datetime
            schema[TIMESTAMP_KEYWORD] = shape.timestamp_format
            return
        if shape.timestamp_format == "unixTimestamp":
            schema.update(type="number", minimum=EARLIEST_EPOCH, maximum=LATEST_EPOCH)
        else:
            pattern = ISO8601_PATTERN if shape.timestamp_format == "iso8601" else RFC822_PATTERN
            # `$` would match before a final line break in Python's re.search (jsonschema's).
            schema.update(type="string", pattern=pattern.removesuffix("$") + "(?![\\s\\S])")
            if shape.timestamp_format == "iso8601":
                schema["format"] = "date-time"
        add_description(schema, NOTES[shape.timestamp_format])

    def typescript_type(self, service: Service, shape: TimestampShape) -> str:
        return "number" if shape.timestamp_format == "unixTimestamp" else "string"

    def typescript_notes(self, shape: TimestampShape) -> list[str]:
        return [NOTES[shape.timestamp_format]]

    def type_test(self, shape: TimestampShape, var: str, calls: Calls) -> str:
        if shape.timestamp_format == "unixTimestamp":
            return calls("is_epoch_seconds", var)
        return f"{calls('timestamp_from', var, lit(shape.timestamp_format))} is not None"

    def type_failure(self, shape: TimestampShape, var: str, path: str, calls: Calls) -> str:
        return calls("bad_timestamp", "out", path, var, lit(shape.timestamp_format))

    def item_branches(self, shape: TimestampShape, var: str, path: str, nested_path: str, flag: str, calls: Calls) -> list[str]:
        return [f"elif not ({self.type_test(shape, var, calls)}):", f"    {self.type_failure(shape, var, path, calls)}"]

    def read(self, shape: TimestampShape, var: str, path: str, calls: Calls) -> str:
        return calls("as_timestamp", var, path)
