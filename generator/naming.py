"""The one place where wire names become Python names."""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata

from botocore import xform_name

_NON_IDENTIFIER = re.compile(r"[^0-9a-zA-Z_]+")

# Attribute names pydantic's BaseModel owns; a member must not shadow them. The models set
# `protected_namespaces=()`, so other `model_...` names (`ModelPackageArn`) are ordinary
# members. Spelled out rather than read from BaseModel, so that output does not change with
# the installed pydantic; a test checks the list covers it.
PYDANTIC_RESERVED = frozenset(
    {"copy", "dict", "json", "schema", "schema_json", "construct", "validate", "parse_obj", "parse_raw", "parse_file", "from_orm", "update_forward_refs"}
    | {"model_computed_fields", "model_config", "model_construct", "model_copy", "model_dump", "model_dump_json", "model_extra", "model_fields", "model_fields_set", "model_json_schema", "model_parametrized_name", "model_post_init", "model_rebuild", "model_validate", "model_validate_json", "model_validate_strings"}
)
# Names the generated modules import or define next to the shape classes.
GENERATED_MODULE_NAMES = frozenset(
    {"Annotated", "Any", "BaseModel", "ConfigDict", "Enum", "Field", "StrEnum", "StringConstraints", "TypeAliasType", "annotations", "Violation", "ValidationFailedError", "ServiceError", "ClassVar", "Final", "TypeVar"}
)


def snake_case(name: str) -> str:
    """The name boto3 users know: botocore's own conversion (`actionTypeId` -> `action_type_id`,
    `jobIDs` -> `job_ids`, `AWSSessionCredentials` -> `aws_session_credentials`), made ASCII."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    text = xform_name(_NON_IDENTIFIER.sub("_", ascii_name))
    return re.sub(r"_+", "_", text).strip("_").lower()


def member_name(wire_name: str) -> str:
    """The attribute name: snake_case, with `_` added where that is a Python keyword or a
    name pydantic's BaseModel owns (`from` -> `from_`, `schema` -> `schema_`, `modelConfig` ->
    `model_config_`), as PEP 8 says.
    The wire name stays the member's alias everywhere."""
    name = snake_case(wire_name)
    # Soft keywords (match, case, type, _) stay usable as attribute names; the set of them
    # also grows between Python versions (type in 3.12), which would make output vary.
    return name + "_" if keyword.iskeyword(name) or name in PYDANTIC_RESERVED else name


def method_name(operation_name: str) -> str:
    return snake_case(operation_name)


def class_name(shape_name: str) -> str:
    return shape_name


def enum_member_name(value: str) -> str:
    """`ThirdParty` -> `THIRD_PARTY`, `S3` -> `S3`, `3des` -> `V_3DES`."""
    name = snake_case(value).upper() or ("V_" + value.encode("utf-8").hex().upper() if value else "EMPTY")
    if not name[0].isalpha():
        name = "V_" + name
    if keyword.iskeyword(name):
        name += "_"
    return name


def member_name_problem(wire_name: str) -> str | None:
    """Why a member's Python name is unusable, or None."""
    name = member_name(wire_name)
    if not name.isidentifier():
        return f"member '{wire_name}' has no usable Python name (got '{name}')"
    return None


def class_name_problem(shape_name: str) -> str | None:
    name = class_name(shape_name)
    if keyword.iskeyword(name):
        return f"shape '{shape_name}' is a Python keyword"
    if hasattr(builtins, name):
        return f"shape '{shape_name}' would shadow the Python builtin '{name}'"
    if name in GENERATED_MODULE_NAMES:
        return f"shape '{shape_name}' would shadow '{name}', which the generated code imports"
    return None
