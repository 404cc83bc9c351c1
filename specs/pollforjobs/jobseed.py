"""What the local job service is given, checked: jobs, action types and seed files, with
errors that name the place (`jobs.2.id: ...`). (Source: specs/pollforjobs/jobseed.py; the
generator copies it into the package beside jobqueue.py, which re-exports SeedError.)
"""

from __future__ import annotations

import json
import re
import secrets
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import pydantic

from . import models, validators

CUSTOM_OWNER: Final = "Custom"
# The validators name list items as AWS does (`jobs.1.member.id`); a seed file is plain JSON.
_LIST_ITEM: Final = re.compile(r"\.([0-9]+)\.member(?=\.|$)")
_SHOWN_NAME_CHARS: Final = 20

ActionKey = tuple[str, str, str, str]


class SeedError(ValueError):
    """A job or action type given to the queue is not valid; the message says where."""


def _wire(
    value: models.JobData | models.ActionTypeId | Mapping[str, Any], where: str
) -> dict[str, Any]:
    if isinstance(value, (models.JobData, models.ActionTypeId)):
        return value.model_dump(by_alias=True, exclude_none=True, mode="json")
    if not isinstance(value, Mapping):
        raise SeedError(f"{_at(where)}expected an object, got {type(value).__name__}")
    return dict(value)


def _at(where: str) -> str:
    return f"{where}: " if where else ""


def key_of(type_id: models.ActionTypeId) -> ActionKey:
    return (
        str(type_id.category.value),
        str(type_id.owner.value),
        type_id.provider,
        type_id.version,
    )


def _served(key: ActionKey, where: str) -> ActionKey:
    if key[1] != CUSTOM_OWNER:
        raise SeedError(
            f"{_at(where)}PollForJobs serves action types owned by {CUSTOM_OWNER!r} only"
        )
    return key


def _checked(document: dict[str, Any], prefix: str, where: str) -> None:
    """Raise SeedError for the violations in `document`, with the paths under `prefix` moved
    to `where` (a place in a seed, or "" for a value given on its own)."""
    violations = validators.validate_response(document, "PollForJobs")
    if not violations:
        return
    moved = []
    for violation in violations:
        rest = violation.path.removeprefix(prefix).lstrip(".")
        path = _LIST_ITEM.sub(r".\1", ".".join(part for part in (where, rest) if part))
        head, found, tail = violation.message.rpartition(f"at '{violation.path}'")
        placed = f"at '{path}'" if path else "at the top level"
        message = head + placed + tail if found else violation.message
        moved.append(validators.Violation(path, message, violation.kind))
    raise SeedError(_at(where) + validators.format_message(moved))


def _unknown_member(given: Any, kept: Any, path: str) -> str | None:
    """The place of the first member of `given` (wire input) that the model did not keep."""
    if isinstance(given, dict) and isinstance(kept, dict):
        for name, value in given.items():
            if name == "__type" or value is None:  # type hints and nulls mean nothing on the wire
                continue
            place = f"{path}.{name}" if path else str(name)
            if name not in kept:
                return place
            found = _unknown_member(value, kept[name], place)
            if found:
                return found
    elif isinstance(given, list) and isinstance(kept, list):
        for index, (item, kept_item) in enumerate(zip(given, kept, strict=False), start=1):
            found = _unknown_member(item, kept_item, f"{path}.{index}")
            if found:
                return found
    return None


def _validated(model: type[pydantic.BaseModel], wire: dict[str, Any], where: str) -> Any:
    """`wire` as `model`, by wire names only; a member the model does not know is refused."""
    value = model.model_validate(wire, by_alias=True, by_name=False)
    unknown = _unknown_member(
        wire, value.model_dump(by_alias=True, exclude_none=True, mode="json"), where
    )
    if unknown is not None:
        owner, _, name = unknown.rpartition(".")
        hint = _WIRE_NAMES.get(name)
        if hint is None and len(name) > _SHOWN_NAME_CHARS:  # a name from a file may be anything
            unknown = f"{owner}.<a name of {len(name)} characters>"
        raise SeedError(
            f"{unknown}: unknown member" + (f"; did you mean {hint!r}?" if hint else "")
        )
    return value


# Python field names (`action_configuration`) and the wire names they stand for.
_WIRE_NAMES: Final = {
    name: field.alias
    for model in vars(models).values()
    if isinstance(model, type)
    and issubclass(model, pydantic.BaseModel)
    and model is not pydantic.BaseModel
    for name, field in model.model_fields.items()
    if field.alias and field.alias != name
}


def read_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise SeedError(f"{path} is not valid JSON: {exc}") from None


def seed_array(seed: Mapping[str, Any], key: str) -> list[Any]:
    value = seed.get(key, [])
    if not isinstance(value, list):
        raise SeedError(f"'{key}' must be an array")
    return value


def placed_artifacts(
    data: Any,
    job_id: str,
    bucket: str,
    base: Path | None,
    uploads: list[tuple[Path, str]],
    where: str,
) -> Any:
    """`data` with each input artifact's `file` replaced by its S3 location, and each
    output artifact that has only a name given one."""
    if not isinstance(data, Mapping):
        return data
    placed = dict(data)
    for member, given_file in (("inputArtifacts", True), ("outputArtifacts", False)):
        artifacts = placed.get(member)
        if not isinstance(artifacts, list):
            continue
        placed[member] = []
        for index, artifact in enumerate(artifacts, start=1):
            if isinstance(artifact, Mapping) and isinstance(artifact.get("name"), str):
                artifact = dict(artifact)
                object_key = f"{job_id}/{member}/{artifact['name']}"
                if given_file and "file" in artifact:
                    name = artifact.pop("file")
                    if not isinstance(name, str):
                        raise SeedError(f"{where}.{member}.{index}.file: a file name is text")
                    path = (base or Path.cwd()) / name
                    if not path.is_file():
                        raise SeedError(f"{where}.{member}.{index}.file: no such file: {name}")
                    uploads.append((path, object_key))
                    artifact["location"] = _location(bucket, object_key)
                elif not given_file and "location" not in artifact:
                    artifact["location"] = _location(bucket, object_key)
            placed[member].append(artifact)
    return placed


def _location(bucket: str, object_key: str) -> dict[str, Any]:
    return {"type": "S3", "s3Location": {"bucketName": bucket, "objectKey": object_key}}


def checked_action_type(value: models.ActionTypeId | Mapping[str, Any], where: str) -> ActionKey:
    wire = _wire(value, where)
    _checked(
        {"jobs": [{"data": {"actionTypeId": wire}}]},
        "jobs.1.member.data.actionTypeId",
        where,
    )
    return _served(key_of(_validated(models.ActionTypeId, wire, where)), where)


def checked_job(
    data: models.JobData | Mapping[str, Any],
    job_id: Any,
    nonce: Any,
    account_id: Any,
    default_account_id: str,
    where: str,
) -> tuple[ActionKey, models.Job]:
    wire_data = _wire(data, f"{where}.data" if where else "data")
    type_id = wire_data.get("actionTypeId")
    if not isinstance(type_id, Mapping):
        raise SeedError(f"{_at(where)}a job needs data.actionTypeId")
    wire_job = {
        "id": job_id if job_id is not None else str(uuid.uuid4()),
        "data": wire_data,
        "nonce": nonce if nonce is not None else new_nonce(),
        "accountId": account_id if account_id is not None else default_account_id,
    }
    _checked({"jobs": [wire_job]}, "jobs.1.member", where)
    job: models.Job = _validated(models.Job, wire_job, where)
    if job.data is None or job.data.action_type_id is None:  # the validators saw to it
        raise SeedError(f"{_at(where)}a job needs data.actionTypeId")
    place = f"{where}.data.actionTypeId" if where else "data.actionTypeId"
    return _served(key_of(job.data.action_type_id), place), job


def new_nonce() -> str:
    return str(secrets.randbelow(10**9) + 1)


ListedJob = tuple[ActionKey, models.Job, str]  # its action type, the job, its place in the seed


def seed_contents(
    seed: Mapping[str, Any], base: Path | None, bucket: str, account_id: str
) -> tuple[list[ActionKey], list[ListedJob], list[tuple[Path, str]]]:
    """The action types, jobs and uploads (file, object key) of a seed document, checked;
    jobs' ids, nonces and accounts filled in (`account_id` when a job gives none)."""
    if not isinstance(seed, Mapping):
        raise SeedError("the seed must be a JSON object with 'actionTypes' and/or 'jobs'")
    unknown = sorted(set(seed) - {"actionTypes", "jobs"})
    if unknown:
        raise SeedError(f"unknown seed keys {unknown}; expected 'actionTypes' and 'jobs'")
    types = [
        checked_action_type(type_id, f"actionTypes.{index}")
        for index, type_id in enumerate(seed_array(seed, "actionTypes"), start=1)
    ]
    jobs: list[ListedJob] = []
    first_with_id: dict[str, str] = {}
    uploads: list[tuple[Path, str]] = []
    for index, job in enumerate(seed_array(seed, "jobs"), start=1):
        where = f"jobs.{index}"
        if not isinstance(job, Mapping):
            raise SeedError(f"{where} must be an object")
        extra = sorted(set(job) - {"id", "data", "nonce", "accountId", "__type"})
        if extra:
            raise SeedError(f"{where} has unknown members {extra}")
        job_id = job.get("id") if job.get("id") is not None else str(uuid.uuid4())
        data = placed_artifacts(
            job.get("data", {}),
            str(job_id),
            bucket,
            base,
            uploads,
            f"{where}.data",
        )
        key, queued = checked_job(
            data,
            job_id,
            job.get("nonce"),
            job.get("accountId"),
            account_id,
            where,
        )
        if job_id in first_with_id:
            raise SeedError(
                f"{where}.id: {job_id!r} is the id of {first_with_id[job_id]} too; job ids must be unique"
            )
        first_with_id[str(job_id)] = where
        jobs.append((key, queued, where))
    return types, jobs, uploads
