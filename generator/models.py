"""pydantic v2 models, produced by datamodel-code-generator from the model schema."""

from __future__ import annotations

import json
import sys
import warnings
from importlib import metadata
from typing import Any

from . import cache
from .resources import TEMPLATE_ROOT

# Overrides of datamodel-code-generator's own templates, where its defaults fall short.
TEMPLATE_DIR = TEMPLATE_ROOT / "datamodel"

from . import literals
from .ir import Service
from .kinds import kind_of
from .schema import BLOB_KEYWORD, model_document

# What a blob alias (templates/datamodel/TypeAliasType.jinja2) uses beyond the tool's imports.
BLOB_IMPORTS = "from pydantic import AfterValidator\nfrom .validators import base64_bytes\n"


def render_models(service: Service) -> str:
    """Python source of models.py, before the project's header and black."""
    aliases = {wire: python for shape in service.shapes for wire, python in kind_of(shape).model_aliases(shape).items()}
    document = model_document(service)
    from .fingerprint import generator_record

    # The key: the tools' versions, this generator's code and templates (the options below,
    # templates/datamodel/), and the document and aliases themselves.
    tools = [f"{name} {metadata.version(name)}" for name in ("datamodel-code-generator", "isort", "pydantic")] + [sys.version.split()[0]]
    key = [*tools, generator_record()["source"], json.dumps([document, aliases], sort_keys=True)]
    return cache.cached("models", key, lambda: _generate(document, aliases))


def _generate(document: dict[str, Any], aliases: dict[str, str]) -> str:
    import isort
    from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate
    from datamodel_code_generator.format import Formatter

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = generate(
            document,
            input_file_type=InputFileType.JsonSchema,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            custom_template_dir=TEMPLATE_DIR,
            aliases=aliases,
            allow_population_by_field_name=True,
            use_annotated=True,
            use_standard_collections=True,
            use_union_operator=True,
            field_constraints=True,
            use_schema_description=True,
            use_field_description=True,
            use_subclass_enum=True,
            use_type_alias=True,
            skip_root_model=True,
            keep_model_order=False,
            use_double_quotes=True,
            disable_timestamp=True,
            field_extra_keys_without_x_prefix={"x-repr"},
            field_extra_keys={BLOB_KEYWORD},
            formatters=[Formatter.ISORT],
        )
    if not isinstance(source, str):
        raise TypeError("datamodel-code-generator returned several modules; expected one")
    # The tool escapes backslashes, triple quotes and NUL in docstrings but writes other
    # control characters (and U+2028, ESC, ...) from spec text raw.
    source = _drop_tool_header(source)
    if "AfterValidator(base64_bytes(" in source:
        future = "from __future__ import annotations\n"
        source = isort.code(source.replace(future, future + BLOB_IMPORTS, 1) if future in source else BLOB_IMPORTS + source)
    return literals.escape_nonprintable(source)


def _drop_tool_header(source: str) -> str:
    lines = source.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines).lstrip("\n")
