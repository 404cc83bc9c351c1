"""JSON bodies, as the AWS JSON protocols write them.

Requests a server reads must be UTF-8 JSON (a leading byte-order mark is skipped); NaN,
Infinity, unpaired surrogate escapes, numbers with too many digits and nesting too deep for
the parser are refused. Responses a client reads go through pydantic-core's parser (twice as
fast, bounded in depth), and what it refuses through `json.loads`, which also takes lone
surrogates (`"\\ud800"`, which Java services can write) and says where the JSON breaks.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, Final, TypeVar

import pydantic
import pydantic_core

from . import ProtocolError

M = TypeVar("M", bound=pydantic.BaseModel)

_EMPTY_OBJECT: Final = b"{}"
_BYTE_ORDER_MARK: Final = b"\xef\xbb\xbf"
# A \uD800-\uDFFF escape; json joins the pairs, so a surrogate left in a string is unpaired.
_SURROGATE_ESCAPE: Final = re.compile(r"\\u[dD][89a-fA-F]", re.ASCII)
_SURROGATE: Final = re.compile("[\ud800-\udfff]")


class _NonFinite(ValueError):
    pass


def _refuse_constant(name: str) -> Any:
    raise _NonFinite(name)


_DECODER: Final = json.JSONDecoder(parse_constant=_refuse_constant)
# One encoder for every body: `json.dumps` with options makes a new one each call.
_ENCODER: Final = json.JSONEncoder(separators=(",", ":"), allow_nan=False)


def _has_lone_surrogate(document: Any) -> bool:
    """Whether a key or string of `document` holds an unpaired UTF-16 surrogate (iteratively:
    the document may be nested as deep as the parser allows)."""
    stack = [document]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value)
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def _non_finite_as_text(value: Any) -> Any:
    if type(value) is float and not math.isfinite(value):
        return "NaN" if math.isnan(value) else "Infinity" if value > 0 else "-Infinity"
    if isinstance(value, dict):
        return {key: _non_finite_as_text(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_non_finite_as_text(item) for item in value]
    return value


def _serialization_error(message: str) -> ProtocolError:
    return ProtocolError("SerializationException", message)


class JsonCodec:
    """The `Codec` of the AWS JSON protocols."""

    name: Final = "JSON"

    def encode(self, value: object) -> bytes:
        try:
            return _ENCODER.encode(value).encode()
        except ValueError:
            # NaN or an infinity, which JSON has no number for: AWS JSON writes them as text.
            return json.dumps(_non_finite_as_text(value), separators=(",", ":")).encode()

    def encode_request(self, payload: object, model: type[pydantic.BaseModel] | None) -> bytes:
        return self.encode(payload)

    def decode(self, body: bytes) -> Any:
        """The body as JSON: ValueError when it is not JSON, also when it is nested too deep."""
        try:
            return pydantic_core.from_json(body)
        except ValueError:
            pass
        try:
            return json.loads(body)
        except RecursionError:
            raise ValueError("nested too deeply") from None

    def decode_request(self, body: bytes) -> Any:
        if not body:
            return {}
        if body.startswith(_BYTE_ORDER_MARK):
            body = body[3:]
        try:
            # A quarter of `json`'s time; it takes only what `json` takes, and refuses more (all
            # of NaN, lone surrogates, nesting past 200), which the path below then words.
            return pydantic_core.from_json(body, allow_inf_nan=False)
        except ValueError:
            pass
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise _serialization_error("The request body is not valid UTF-8.") from None
        try:
            document = _DECODER.decode(text)
            if _SURROGATE_ESCAPE.search(text) and _has_lone_surrogate(document):
                # Not Unicode text (RFC 8259 section 8.2); pydantic would refuse it later anyway.
                message = (
                    "The request body is not valid JSON: a string holds an unpaired surrogate "
                    "escape."
                )
            else:
                return document
        except json.JSONDecodeError as exc:
            message = (
                f"The request body is not valid JSON: {exc.msg} at line {exc.lineno} "
                f"column {exc.colno}."
            )
        except _NonFinite as exc:
            message = f"The request body is not valid JSON: {exc} is not a JSON number."
        except RecursionError:
            message = "The request body is nested too deeply."
        except ValueError:
            message = "The request body has a number with too many digits."
        raise _serialization_error(message) from None

    def encode_model(self, model: pydantic.BaseModel | None) -> bytes:
        if model is None:
            return _EMPTY_OBJECT
        # model_dump_json(by_alias=True, exclude_none=True), without the str round trip
        return model.__pydantic_serializer__.to_json(model, by_alias=True, exclude_none=True)

    def read_model(self, body: bytes, model: type[M], lenient: Callable[[object], M]) -> M:
        # By wire names only: a `populate_by_name` model would otherwise take
        # `{"account_id": ...}` for `accountId`, which AWS never sends.
        if not body.strip():
            return lenient({})
        try:
            validated = model.__pydantic_validator__.validate_json(
                body, strict=True, by_alias=True, by_name=False
            )
            return validated  # type: ignore[no-any-return]
        except pydantic.ValidationError:
            return lenient(self.decode(body))


JSON: Final = JsonCodec()
