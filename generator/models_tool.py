"""datamodel-code-generator's run over a model document: the models' Python source, before
the project's header and black.

Apart from models.py (which builds the document from the IR) because it is what the build's
second process runs (worker.py): it imports only the tool, so the worker starts on the tool's
own imports at once.
"""

from __future__ import annotations

import importlib
import re
import warnings
from collections import defaultdict
from collections.abc import Callable, Collection
from typing import Any

from . import literals
from .resources import TEMPLATE_ROOT

# Overrides of datamodel-code-generator's own templates, where its defaults fall short.
TEMPLATE_DIR = TEMPLATE_ROOT / "datamodel"

# What a blob alias (templates/datamodel/TypeAliasType.jinja2) uses beyond the tool's imports.
BLOB_IMPORTS = "from pydantic import BeforeValidator, PlainSerializer\nfrom .validators import blob_bytes, blob_text\n"
# What a timestamp alias (the same template) uses.
TIMESTAMP_IMPORTS = "from datetime import datetime\nfrom pydantic import BeforeValidator, PlainSerializer\nfrom .validators import timestamp_value, timestamp_wire\n"
# What an alias of a string checked with Python's `re` (the same template) uses.
PATTERN_IMPORTS = "from pydantic import AfterValidator\nfrom .validators import matching\n"
# What an alias of a string checked with several linear-time patterns (the same template) uses.
LINEAR_IMPORTS = "from pydantic import AfterValidator\nfrom .validators import LinearPattern\n"
# What a document alias (the same template) uses.
DOCUMENT_IMPORTS = "from pydantic import AfterValidator\nfrom .validators import present_document\n"
# What a union class (templates/datamodel/pydantic_v2/BaseModel.jinja2) uses.
UNION_IMPORTS = "from typing import Self\nfrom pydantic import model_validator\nfrom .validators import exactly_one_member\n"

# A model document as model_document writes them ($defs; a document without them has no models).
WARM_UP_DOCUMENT: dict[str, Any] = {"$defs": {"Warm": {"type": "object", "properties": {"a": {"type": "string", "description": "A."}}, "required": ["a"]}}}


# The tool's modules its first run imports, the most of its setup (0.6 s of 0.75).
_TOOL_MODULES = ("isort", "datamodel_code_generator.config", "datamodel_code_generator.parser.jsonschema")


def warm_up(job_waiting: Callable[[], bool] = lambda: False) -> str:
    """The worker's first task, while the spec is read: the tool's imports, then the rest of its
    first-run setup by a run on a tiny document, unless the job came meanwhile (the job then
    pays that rest itself, which costs less than the tiny run)."""
    for module in _TOOL_MODULES:
        try:
            importlib.import_module(module)
        except ImportError:
            break  # the tiny run imports what the tool has now
    if job_waiting():
        return ""
    return generate_models(WARM_UP_DOCUMENT, {}, {}, ())


def generate_models(document: dict[str, Any], aliases: dict[str, str], known_data: dict[str, dict[str, Any]], extra_keys: Collection[str]) -> str:
    """models.py's source from the tool; `extra_keys`: the schema keywords its templates read."""
    import isort
    from datamodel_code_generator import DataModelType, InputFileType, PythonVersion, generate
    from datamodel_code_generator.format import Formatter

    template_data: defaultdict[str, dict[str, Any]] = defaultdict(dict, known_data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        source = generate(
            document,
            input_file_type=InputFileType.JsonSchema,
            output_model_type=DataModelType.PydanticV2BaseModel,
            target_python_version=PythonVersion.PY_311,
            custom_template_dir=TEMPLATE_DIR,
            aliases=aliases,
            extra_template_data=template_data,
            allow_population_by_field_name=True,
            use_annotated=True,
            use_standard_collections=True,
            use_union_operator=True,
            field_constraints=True,
            use_schema_description=True,
            use_field_description=True,
            use_subclass_enum=True,
            set_default_enum_member=True,
            use_type_alias=True,
            skip_root_model=True,
            keep_model_order=False,
            use_double_quotes=True,
            disable_timestamp=True,
            field_extra_keys_without_x_prefix={"x-repr"},
            field_extra_keys=set(extra_keys),
            formatters=[Formatter.ISORT],
        )
    if not isinstance(source, str):
        raise TypeError("datamodel-code-generator returned several modules; expected one")
    # The tool escapes backslashes, triple quotes and NUL in docstrings but writes other
    # control characters (and U+2028, ESC, ...) from spec text raw.
    source = _drop_tool_header(source)
    source = _add_union_checks(source, {name: data["union_members"] for name, data in known_data.items() if "union_members" in data})
    extra_imports = "".join(
        imports
        for imports, used in ((BLOB_IMPORTS, "BeforeValidator(blob_bytes("), (TIMESTAMP_IMPORTS, "BeforeValidator(timestamp_value("), (PATTERN_IMPORTS, "AfterValidator(matching("), (LINEAR_IMPORTS, "AfterValidator(LinearPattern("), (DOCUMENT_IMPORTS, "AfterValidator(present_document)"), (UNION_IMPORTS, "exactly_one_member(self"))
        if used in source
    )
    if extra_imports:
        future = "from __future__ import annotations\n"
        source = isort.code(source.replace(future, future + extra_imports, 1) if future in source else extra_imports + source, profile="black")
    return literals.escape_nonprintable(source)


def _add_union_checks(source: str, unions: dict[str, list[str]]) -> str:
    """After each union class's fields, a model validator: exactly one known member is set,
    as the generated validators require (the tool's templates have no hook for methods)."""
    out: list[str] = []
    current: list[str] | None = None
    for line in source.split("\n") + ["#end"]:
        if current is not None and line and not line.startswith((" ", ")")):
            while out and out[-1] == "":
                out.pop()
            out += ["", *_union_check(current), "", ""]
            current = None
        match = re.match(r"class (\w+)\(BaseModel\):", line)
        if match and match.group(1) in unions:
            current = unions[match.group(1)]
        out.append(line)
    return "\n".join(out[:-1])


def _union_check(members: list[str]) -> list[str]:
    return [
        '    @model_validator(mode="after")',
        "    def _exactly_one_member(self) -> Self:",
        f"        return exactly_one_member(self, {members!r})",
    ]


def _drop_tool_header(source: str) -> str:
    lines = source.splitlines(keepends=True)
    while lines and lines[0].startswith("#"):
        lines.pop(0)
    return "".join(lines).lstrip("\n")
