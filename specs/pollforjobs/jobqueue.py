"""An in-memory CodePipeline job queue: the handler `python -m pollforjobs.server` serves.

It lets a custom job worker written with boto3 (or any AWS SDK) be developed against a local
server. (Source: specs/pollforjobs/jobqueue.py; the generator copies it into the package.)

Semantics, following the PollForJobs documentation, with these local choices:
- Only action types the queue knows are served: every seeded job registers its action type, and
  `register_action_type` (or the seed file's `actionTypes`) adds one without jobs. Any other
  action type gives `ActionTypeNotFoundException` ("The specified action type cannot be found.").
- PollForJobs serves custom actions only. AWS documents that another owner "returns an error"
  without naming it; this queue answers `ValidationException`, the operation's error for a
  request it will not serve.
- At most `maxBatchSize` jobs come back; without it, 1 (AWS's default).
- `queryParam` keeps only jobs whose action configuration has every given key with exactly the
  given value. (AWS also insists that an action type's queryable property be supplied; the
  queue knows no action type definitions, so it only filters.)
- Jobs come out oldest first, each exactly once, also under concurrent polls (one lock). A job
  handed out is gone: there is no AcknowledgeJob/PutJobResult here, and no re-delivery.
- Ids are uuid4 strings (the JobId pattern), nonces random decimal numbers, and the account id
  `DEFAULT_ACCOUNT_ID` unless the job or the queue names one. A job id is used once: a job whose
  id the queue has already held is refused.
- Jobs are indexed by action type and by each action configuration setting, so a poll costs
  about the same whatever the length of the queue.

Seed file (JSON, UTF-8), shaped like a PollForJobs response plus optional action types:

    {
      "actionTypes": [{"category": "Test", "owner": "Custom", "provider": "MyTool", "version": "1"}],
      "jobs": [
        {"data": {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "MyTool",
                                   "version": "1"},
                  "actionConfiguration": {"configuration": {"ProjectName": "demo"}}},
         "accountId": "111111111111"}
      ]
    }

Each job is a wire `Job`; `id`, `nonce` and `accountId` are optional (generated when absent) and
`data.actionTypeId` is required. Members go by their wire names (`actionConfiguration`, not
`action_configuration`). Jobs are checked against the spec's constraints when added, and a seed
is added whole or not at all; errors name the place, counting from 1 (`jobs.2.id: ...`).
"""

from __future__ import annotations

import json
import re
import secrets
import threading
import uuid
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from itertools import islice
from pathlib import Path
from typing import Any, Final

import pydantic

from . import errors, models, validators

DEFAULT_ACCOUNT_ID: Final = "123456789012"
DEFAULT_MAX_BATCH_SIZE: Final = 1
CUSTOM_OWNER: Final = "Custom"
NOT_FOUND_MESSAGE: Final = "The specified action type cannot be found."
SEED_HELP: Final = (
    "seed the in-memory job queue from a JSON file: "
    '{"actionTypes": [ActionTypeId, ...], "jobs": [Job, ...]} (see pollforjobs.jobqueue)'
)
# The validators name list items as AWS does (`jobs.1.member.id`); a seed file is plain JSON.
_LIST_ITEM: Final = re.compile(r"\.([0-9]+)\.member(?=\.|$)")
_SHOWN_NAME_CHARS: Final = 20

ActionKey = tuple[str, str, str, str]
Setting = tuple[str, str]


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


def _key_of(type_id: models.ActionTypeId) -> ActionKey:
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


def _settings(job: models.Job) -> Iterable[Setting]:
    config = job.data.action_configuration if job.data else None
    return ((config.configuration if config else None) or {}).items()


def _checked(document: dict[str, Any], prefix: str, where: str) -> None:
    """Raise SeedError for the violations in `document`, with the paths under `prefix` moved
    to `where` (a place in a seed, or "" for a value given on its own)."""
    violations = validators.validate_response(document)
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


class _Lane:
    """The jobs of one action type, oldest first, with each configuration setting indexed.

    OrderedDicts, not dicts: a dict keeps the slots of deleted entries until it grows again,
    and iterating it walks past them, so taking jobs from the front would get slower with
    every job taken; an OrderedDict finds its first entry at once."""

    def __init__(self) -> None:
        self.jobs: OrderedDict[str, models.Job] = OrderedDict()
        self._with_setting: dict[Setting, OrderedDict[str, None]] = {}

    def add(self, job: models.Job) -> None:
        job_id = job.id or ""
        self.jobs[job_id] = job
        for setting in _settings(job):
            self._with_setting.setdefault(setting, OrderedDict())[job_id] = None

    def take(self, limit: int, wanted: Mapping[str, str]) -> list[models.Job]:
        """Remove and return the oldest `limit` jobs that have every setting in `wanted`."""
        chosen: Iterator[str]
        if not wanted:
            chosen = iter(self.jobs)
        else:
            holders = [self._with_setting.get(setting) for setting in wanted.items()]
            if any(ids is None for ids in holders):
                return []
            narrowest, *others = sorted((ids for ids in holders if ids is not None), key=len)
            chosen = (job_id for job_id in narrowest if all(job_id in ids for ids in others))
        taken = list(islice(chosen, limit))
        return [self._remove(job_id) for job_id in taken]

    def _remove(self, job_id: str) -> models.Job:
        job = self.jobs.pop(job_id)
        for setting in _settings(job):
            ids = self._with_setting[setting]
            del ids[job_id]
            if not ids:
                del self._with_setting[setting]
        return job


class JobQueue:
    """Jobs waiting for custom job workers, per action type. Safe to share between threads."""

    def __init__(self, *, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self.account_id = account_id
        self._lock = threading.Lock()
        self._lanes: dict[ActionKey, _Lane] = {}
        self._ids: set[str] = set()  # of every job ever queued: an id is used once

    def register_action_type(self, action_type_id: models.ActionTypeId | Mapping[str, Any]) -> None:
        """Make an action type known, so polling it answers (possibly with no jobs)."""
        key = self._action_type(action_type_id, "")
        with self._lock:
            self._lanes.setdefault(key, _Lane())

    def add_job(
        self,
        data: models.JobData | Mapping[str, Any],
        *,
        job_id: str | None = None,
        nonce: str | None = None,
        account_id: str | None = None,
    ) -> models.Job:
        """Queue one job (`data` is a wire JobData or the model); returns it with its id."""
        key, job = self._job(data, job_id, nonce, account_id, "")
        self._enqueue([], [(key, job, "")])
        return job

    def add_seed(self, seed: Mapping[str, Any]) -> list[models.Job]:
        """Add the contents of a seed document (see the module docstring), whole or not at all."""
        if not isinstance(seed, Mapping):
            raise SeedError("the seed must be a JSON object with 'actionTypes' and/or 'jobs'")
        unknown = sorted(set(seed) - {"actionTypes", "jobs"})
        if unknown:
            raise SeedError(f"unknown seed keys {unknown}; expected 'actionTypes' and 'jobs'")
        types = [
            self._action_type(type_id, f"actionTypes.{index}")
            for index, type_id in enumerate(_array(seed, "actionTypes"), start=1)
        ]
        jobs: list[tuple[ActionKey, models.Job, str]] = []
        first_with_id: dict[str, str] = {}
        for index, job in enumerate(_array(seed, "jobs"), start=1):
            where = f"jobs.{index}"
            if not isinstance(job, Mapping):
                raise SeedError(f"{where} must be an object")
            extra = sorted(set(job) - {"id", "data", "nonce", "accountId", "__type"})
            if extra:
                raise SeedError(f"{where} has unknown members {extra}")
            key, queued = self._job(
                job.get("data", {}), job.get("id"), job.get("nonce"), job.get("accountId"), where
            )
            job_id = queued.id or ""
            if job_id in first_with_id:
                raise SeedError(
                    f"{where}.id: {job_id!r} is the id of {first_with_id[job_id]} too; job ids must be unique"
                )
            first_with_id[job_id] = where
            jobs.append((key, queued, where))
        self._enqueue(types, jobs)
        return [job for _, job, _ in jobs]

    def add_seed_file(self, path: str | Path) -> list[models.Job]:
        """Add the jobs and action types of a JSON seed file."""
        try:
            seed = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise SeedError(f"cannot read {path}: {exc.strerror or exc}") from None
        except ValueError as exc:
            raise SeedError(f"{path} is not valid JSON: {exc}") from None
        try:
            return self.add_seed(seed)
        except SeedError as exc:
            raise SeedError(f"{path}: {exc}") from None

    def pending(self) -> list[models.Job]:
        """The jobs not handed out yet, oldest first per action type."""
        with self._lock:
            return [job for lane in self._lanes.values() for job in lane.jobs.values()]

    def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
        """The PollForJobs operation: hand out up to maxBatchSize matching jobs, once each."""
        type_id = request.action_type_id
        if type_id.owner.value != CUSTOM_OWNER:
            raise errors.ValidationException(
                f"PollForJobs is valid only for action types with owner {CUSTOM_OWNER!r}; "
                f"got {type_id.owner.value!r}."
            )
        limit = request.max_batch_size or DEFAULT_MAX_BATCH_SIZE
        wanted = request.query_param or {}
        with self._lock:
            lane = self._lanes.get(_key_of(type_id))
            if lane is None:
                raise errors.ActionTypeNotFoundException(NOT_FOUND_MESSAGE)
            taken = lane.take(limit, wanted)
        return models.PollForJobsOutput(jobs=taken)

    @staticmethod
    def _action_type(value: models.ActionTypeId | Mapping[str, Any], where: str) -> ActionKey:
        wire = _wire(value, where)
        _checked(
            {"jobs": [{"data": {"actionTypeId": wire}}]}, "jobs.1.member.data.actionTypeId", where
        )
        return _served(_key_of(_validated(models.ActionTypeId, wire, where)), where)

    def _job(
        self,
        data: models.JobData | Mapping[str, Any],
        job_id: Any,
        nonce: Any,
        account_id: Any,
        where: str,
    ) -> tuple[ActionKey, models.Job]:
        wire_data = _wire(data, f"{where}.data" if where else "data")
        type_id = wire_data.get("actionTypeId")
        if not isinstance(type_id, Mapping):
            raise SeedError(f"{_at(where)}a job needs data.actionTypeId")
        wire_job = {
            "id": job_id if job_id is not None else str(uuid.uuid4()),
            "data": wire_data,
            "nonce": nonce if nonce is not None else str(secrets.randbelow(10**9) + 1),
            "accountId": account_id if account_id is not None else self.account_id,
        }
        _checked({"jobs": [wire_job]}, "jobs.1.member", where)
        job: models.Job = _validated(models.Job, wire_job, where)
        if job.data is None or job.data.action_type_id is None:  # the validators saw to it
            raise SeedError(f"{_at(where)}a job needs data.actionTypeId")
        place = f"{where}.data.actionTypeId" if where else "data.actionTypeId"
        return _served(_key_of(job.data.action_type_id), place), job

    def _enqueue(
        self, types: list[ActionKey], jobs: list[tuple[ActionKey, models.Job, str]]
    ) -> None:
        with self._lock:
            for _, job, where in jobs:
                if job.id in self._ids:
                    place = f"{where}.id" if where else "id"
                    raise SeedError(f"{place}: the queue has already held a job with id {job.id!r}")
            for key in types:
                self._lanes.setdefault(key, _Lane())
            for key, job, _ in jobs:
                self._ids.add(job.id or "")
                self._lanes.setdefault(key, _Lane()).add(job)


def _array(seed: Mapping[str, Any], key: str) -> list[Any]:
    value = seed.get(key, [])
    if not isinstance(value, list):
        raise SeedError(f"'{key}' must be an array")
    return value


def create_handler(seed_file: str | None) -> JobQueue:
    """The handler `python -m pollforjobs.server` serves: a queue, seeded from `seed_file`."""
    queue = JobQueue()
    if seed_file is not None:
        queue.add_seed_file(seed_file)
    return queue
