"""Read a model from any source and translate it with the module for its format."""

from __future__ import annotations

from typing import Any

from . import botocore, smithy
from .errors import ModelError
from .model import Model
from .read import ModelDocument, read_model


def model_format(data: Any) -> str:
    return "smithy" if isinstance(data, dict) and "smithy" in data else "botocore"


def load(source: str, display: str | None = None) -> tuple[Model, ModelDocument]:
    """The neutral model of `source` (a file path or botocore:SERVICE[@API_VERSION]).
    Raises ModelError."""
    document = read_model(source, display)
    translate = smithy.translate if model_format(document.data) == "smithy" else botocore.translate
    try:
        model = translate(document)
    except RecursionError:
        raise document.error((), "model nests too deeply to read") from None
    return model, document


__all__ = ["ModelError", "load", "model_format"]
