"""The JSON codec (runtime.protocols.json_codec): strict request bodies, lenient answers."""

from __future__ import annotations

from typing import Any

import pydantic
import pytest
from runtime.protocols import ProtocolError
from runtime.protocols.json_codec import JSON


class Widget(pydantic.BaseModel):
    model_config = pydantic.ConfigDict(populate_by_name=True)
    widget_id: str = pydantic.Field(alias="widgetId")
    size: int | None = None


def lenient(value: object) -> Widget:
    assert isinstance(value, dict)
    return Widget(widgetId=str(value.get("widgetId", "")), size=None)


@pytest.mark.parametrize(
    ("body", "value"),
    [
        (b"", {}),
        (b"{}", {}),
        (b'\xef\xbb\xbf{"a": 1}', {"a": 1}),
        (b'{"a": "\\ud83d\\ude00"}', {"a": "\U0001f600"}),
        (b'[1, 2.5, "x", null, true]', [1, 2.5, "x", None, True]),
    ],
)
def test_request_bodies_that_are_json(body: bytes, value: Any) -> None:
    assert JSON.decode_request(body) == value


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"\xff{}", "The request body is not valid UTF-8."),
        (b"{", "The request body is not valid JSON: Expecting property name enclosed in double quotes at line 1 column 2."),
        (b'{"a": NaN}', "The request body is not valid JSON: NaN is not a JSON number."),
        (b'{"a": -Infinity}', "The request body is not valid JSON: -Infinity is not a JSON number."),
        (b'{"a": "\\ud800"}', "The request body is not valid JSON: a string holds an unpaired surrogate escape."),
        (b'{"\\udc00": 1}', "The request body is not valid JSON: a string holds an unpaired surrogate escape."),
        (b"[" * 100_000 + b"]" * 100_000, "The request body is nested too deeply."),
        (b'{"a": ' + b"1" * 5000 + b"}", "The request body has a number with too many digits."),
    ],
)
def test_request_bodies_that_are_not_json_are_serialization_errors(body: bytes, message: str) -> None:
    with pytest.raises(ProtocolError) as caught:
        JSON.decode_request(body)
    assert (caught.value.code, caught.value.message, caught.value.status) == ("SerializationException", message, None)


def test_answers_are_decoded_leniently_or_refused_with_value_error() -> None:
    assert JSON.decode(b'{"a": "\\ud800"}') == {"a": "\ud800"}  # Java services can write these
    with pytest.raises(ValueError):
        JSON.decode(b"{nope")
    with pytest.raises(ValueError, match="nested too deeply"):
        JSON.decode(b"[" * 100_000 + b"]" * 100_000)


def test_encoding_is_compact_and_models_go_by_wire_name_without_unset_members() -> None:
    assert JSON.encode({"widgetId": "w", "tags": ["a"]}) == b'{"widgetId":"w","tags":["a"]}'
    assert JSON.encode_model(Widget(widget_id="w")) == b'{"widgetId":"w"}'
    assert JSON.encode_model(None) == b"{}"
    with pytest.raises(TypeError):
        JSON.encode({"when": object()})


def test_a_body_that_fits_the_model_is_read_strictly_by_wire_names() -> None:
    assert JSON.read_model(b'{"widgetId": "w", "size": 3}', Widget, lenient) == Widget(widget_id="w", size=3)


@pytest.mark.parametrize("body", [b'{"widget_id": "w"}', b'{"widgetId": "w", "size": "3"}', b"  "])
def test_anything_else_goes_to_the_lenient_reader(body: bytes) -> None:
    read = JSON.read_model(body, Widget, lenient)
    assert read.size is None  # only the lenient reader leaves size unset here


def test_a_body_that_is_not_json_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        JSON.read_model(b"<html>", Widget, lenient)
