"""Wire names to Python names: the one naming module, and what the checker refuses."""

from __future__ import annotations

import builtins
import importlib
import keyword
import re
import warnings
from pathlib import Path

import pydantic
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import naming

from ..support.generated_package import imported

SNAKE = [
    ("actionTypeId", "action_type_id"),
    ("maxBatchSize", "max_batch_size"),
    ("s3Location", "s3_location"),
    ("AWSSessionCredentials", "aws_session_credentials"),
    ("KMSKeyARN", "kms_key_arn"),
    ("HTTPStatus", "http_status"),
    ("PollForJobs", "poll_for_jobs"),
    ("ID", "id"),
    ("Sha256Hash", "sha256_hash"),
    ("x2y", "x2y"),
    ("already_snake", "already_snake"),
    ("__dunder__", "dunder"),
    ("a__b", "a_b"),
    ("with-dash and space", "with_dash_and_space"),
    ("jobIDs", "job_ids"),  # as boto3 names it
    ("ARNs", "arns"),
    ("été", "ete"),
    ("", ""),
]


@pytest.mark.parametrize(("wire", "python"), SNAKE)
def test_snake_case(wire: str, python: str) -> None:
    assert naming.snake_case(wire) == python


def test_members_and_methods_use_snake_case_and_classes_keep_their_name() -> None:
    assert naming.member_name("accountId") == "account_id"
    assert naming.method_name("PollForJobs") == "poll_for_jobs"
    assert naming.class_name("PollForJobsInput") == "PollForJobsInput"


ENUMS = [
    ("ThirdParty", "THIRD_PARTY"),
    ("S3", "S3"),
    ("Source", "SOURCE"),
    ("in-progress", "IN_PROGRESS"),
    ("IN_PROGRESS", "IN_PROGRESS"),
    ("3des", "V_3DES"),
    ("", "EMPTY"),
    ("***", "V_2A2A2A"),  # symbols only: spelled in hex, so "***" and "+++" stay distinct
    ("été", "ETE"),
    ('a"""b', "A_B"),
    ("None", "NONE"),
]


@pytest.mark.parametrize(("value", "python"), ENUMS)
def test_enum_member_name(value: str, python: str) -> None:
    assert naming.enum_member_name(value) == python


@pytest.mark.parametrize(
    ("wire", "fragment"),
    [
        ("class", None),  # class_
        ("Import", None),
        ("isAsync", None),
        ("async", None),
        ("modelConfig", None),  # model_config_
        ("model_dump", None),  # model_dump_
        ("modelName", None),
        ("ModelPackageArn", None),
        ("json", None),  # json_
        ("schema", None),
        ("accountId", None),
        ("type", None),  # a soft keyword since Python 3.12, still a valid attribute name
        ("match", None),
        ("case", None),
        ("model", None),
    ],
)
def test_member_name_problem(wire: str, fragment: str | None) -> None:
    problem = naming.member_name_problem(wire)
    if fragment is None:
        assert problem is None
    else:
        assert problem is not None and fragment in problem


@pytest.mark.parametrize(
    ("wire", "python"),
    [
        ("from", "from_"),
        ("Lambda", "lambda_"),
        ("class", "class_"),
        ("Schema", "schema_"),
        ("json", "json_"),
        ("copy", "copy_"),
        ("validate", "validate_"),
        ("fromDate", "from_date"),
        ("type", "type"),
        ("modelConfig", "model_config_"),
        ("ModelDump", "model_dump_"),
        ("modelFieldsSet", "model_fields_set_"),
        ("ModelPackageArn", "model_package_arn"),
        ("modelName", "model_name"),
    ],
)
def test_keywords_and_pydantic_names_get_a_trailing_underscore(wire: str, python: str) -> None:
    assert naming.member_name(wire) == python


def test_soft_keywords_work_as_model_attributes() -> None:
    namespace: dict[str, object] = {}
    exec("class M:\n    match: int = 1\n    case: int = 2\n    type: int = 3\n", namespace)  # noqa: S102 - fixed source
    model = namespace["M"]
    assert (getattr(model, "match"), getattr(model, "case"), getattr(model, "type")) == (1, 2, 3)  # noqa: B009


@pytest.mark.parametrize(
    ("shape", "fragment"),
    [
        ("None", "is a Python keyword"),
        ("True", "is a Python keyword"),
        ("Exception", "would shadow the Python builtin 'Exception'"),
        ("ValueError", "would shadow the Python builtin"),
        ("Ellipsis", "would shadow the Python builtin"),
        ("BaseModel", "which the generated code imports"),
        ("Field", "which the generated code imports"),
        ("Violation", "which the generated code imports"),
        ("ServiceError", "which the generated code imports"),
        ("Job", None),
        ("PollForJobsInput", None),
    ],
)
def test_class_name_problem(shape: str, fragment: str | None) -> None:
    problem = naming.class_name_problem(shape)
    if fragment is None:
        assert problem is None
    else:
        assert problem is not None and fragment in problem


def test_every_capitalised_builtin_is_refused_as_a_shape_name() -> None:
    capitalised = [name for name in dir(builtins) if name[:1].isupper()]
    assert "Exception" in capitalised
    assert all(naming.class_name_problem(name) for name in capitalised)


SNAKE_FORM = re.compile(r"(?:[a-z0-9]+(?:_[a-z0-9]+)*)?")
WIRE_MEMBER = st.from_regex(r"[A-Za-z][A-Za-z0-9_]{0,30}", fullmatch=True)  # the spec format's member names


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=40))
def test_snake_case_is_always_lower_ascii_words_and_stable(text: str) -> None:
    name = naming.snake_case(text)
    assert SNAKE_FORM.fullmatch(name), name
    assert naming.snake_case(name) == name


@settings(max_examples=300, deadline=None, database=None)
@given(WIRE_MEMBER)
def test_member_names_allowed_by_the_spec_format_are_identifiers(wire: str) -> None:
    name = naming.member_name(wire)
    assert name.isidentifier()
    problem = naming.member_name_problem(wire)
    assert not keyword.iskeyword(name) and name not in naming.PYDANTIC_RESERVED
    assert problem is None


@settings(max_examples=300, deadline=None, database=None)
@given(st.text(max_size=40))
def test_enum_member_names_are_upper_case_identifiers_but_never_keywords(value: str) -> None:
    name = naming.enum_member_name(value)
    assert name.isidentifier()
    assert not keyword.iskeyword(name)
    assert name == name.upper()


def test_every_public_attribute_of_pydantic_base_model_is_reserved() -> None:
    """The list is spelled out so that output does not depend on the installed pydantic; a
    pydantic that adds an attribute fails here rather than letting a member shadow it."""
    public = {name for name in dir(pydantic.BaseModel) if not name.startswith("_")}
    assert public <= naming.PYDANTIC_RESERVED, sorted(public - naming.PYDANTIC_RESERVED)


MODEL_NAMES_SPEC = """
spec_version: 1
service:
  name: Models
  package: model_names_api
  api_version: "2024-01-31"
  protocol: awsJson1_1
  target_prefix: Models_20240131
  signing_name: models
  endpoint_prefix: models
operations:
  PutModel:
    input: PutModelRequest
    output: PutModelResult
shapes:
  PutModelRequest:
    type: structure
    members:
      ModelPackageArn: {shape: Text}
      modelDumpFormat: {shape: Text}
      modelConfig: {shape: Text}
      ModelDump: {shape: Text}
  PutModelResult:
    type: structure
    members:
      modelFields: {shape: Text}
  Text:
    type: string
"""


def test_members_in_pydantics_model_namespace_generate_and_keep_their_wire_names(tmp_path: Path) -> None:
    """SageMaker's `ModelPackageArn` and the like: ordinary fields (no protected-namespace
    warning), and the names BaseModel really owns get a trailing `_`."""
    spec = tmp_path / "models.yaml"
    spec.write_text(MODEL_NAMES_SPEC, encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with imported(spec, tmp_path / "out", "model_names_api"):
            models = importlib.import_module("model_names_api.models")
    wire = {"ModelPackageArn": "arn", "modelDumpFormat": "json", "modelConfig": "c", "ModelDump": "d"}
    request = models.PutModelRequest.model_validate(wire)
    assert (request.model_package_arn, request.model_dump_format, request.model_config_, request.model_dump_) == ("arn", "json", "c", "d")
    assert request.model_dump(by_alias=True, exclude_none=True) == wire
    assert models.PutModelResult.model_validate({"modelFields": "f"}).model_fields_ == "f"
