"""pydantic v2 models, produced by datamodel-code-generator from the model schema.

The tool's run (models_tool.py) goes to the build's second process when it has one; black
over its output runs here, where black is already loaded for the other modules, so that the
second process only has the tool to import and run.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any

from . import cache, worker
from .fingerprint import generator_record, installed_version
from .format import format_python
from .ir import Service
from .kinds import kind_of
from .models_tool import generate_models
from .progress import stage
from .schema import BLOB_KEYWORD, DOCUMENT_KEYWORD, PATTERN_KEYWORD, TIMESTAMP_KEYWORD, model_document

# The schema keywords the tool's templates (templates/datamodel/) read from a field.
EXTRA_KEYS = (BLOB_KEYWORD, TIMESTAMP_KEYWORD, PATTERN_KEYWORD, DOCUMENT_KEYWORD)


def render_models(service: Service) -> str:
    """Python source of models.py, before the project's header and black."""
    document, aliases, template_data, key = _inputs(service)
    return cache.cached("models", key, lambda: generate_models(document, aliases, template_data, EXTRA_KEYS))


def start_models(service: Service, top: str, name: str) -> Callable[[], str]:
    """models.py as written (`top`, then the tool's models, through black), started now: in
    the run's worker when it has one (worker.py). The function returned gives the text."""
    document, aliases, template_data, key = _inputs(service)
    known = cache.lookup("models", key)
    pending = None if known is not None else worker.submit(generate_models, document, aliases, template_data, EXTRA_KEYS)

    def finish() -> str:
        source = known
        if pending is not None:
            with stage("models (the rest of the wait)"):
                source = pending.result()
            cache.store("models", key, source)
        with stage("black"):
            return format_python(top + str(source), name)

    return finish


def _inputs(service: Service) -> tuple[dict[str, Any], dict[str, str], dict[str, dict[str, Any]], list[str]]:
    """The model document, aliases and template data, and the cache key of their models."""
    aliases = {wire: python for shape in service.shapes for wire, python in kind_of(shape).model_aliases(shape).items()}
    template_data = {shape.class_name: data for shape in service.shapes if (data := kind_of(shape).model_template_data(shape))}
    document = model_document(service)
    # The key: the tools' versions, this generator's code and templates (the options in
    # models_tool.py, templates/datamodel/), and the document, aliases and template data themselves.
    tools = [f"{name} {installed_version(name)}" for name in ("datamodel-code-generator", "isort", "pydantic")] + [sys.version.split()[0]]
    key = [*tools, generator_record()["source"], json.dumps([document, aliases, template_data], sort_keys=True)]
    return document, aliases, template_data, key
