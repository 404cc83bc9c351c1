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
  `DEFAULT_ACCOUNT_ID` unless the job or the queue names one.

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
`data.actionTypeId` is required. Jobs are checked against the spec's constraints when added.
"""

from __future__ import annotations

import json
import secrets
import threading
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from . import errors, models, validators

DEFAULT_ACCOUNT_ID: Final = "123456789012"
DEFAULT_MAX_BATCH_SIZE: Final = 1
CUSTOM_OWNER: Final = "Custom"
NOT_FOUND_MESSAGE: Final = "The specified action type cannot be found."
SEED_HELP: Final = (
    "seed the in-memory job queue from a JSON file: "
    '{"actionTypes": [ActionTypeId, ...], "jobs": [Job, ...]} (see pollforjobs.jobqueue)'
)

ActionKey = tuple[str, str, str, str]


class SeedError(ValueError):
    """A job or action type given to the queue is not valid; the message says where."""


def _wire(value: models.JobData | models.ActionTypeId | Mapping[str, Any]) -> dict[str, Any]:
    if isinstance(value, (models.JobData, models.ActionTypeId)):
        return value.model_dump(by_alias=True, exclude_none=True, mode="json")
    if not isinstance(value, Mapping):
        raise SeedError(f"expected an object, got {type(value).__name__}")
    return dict(value)


def _action_key(type_id: Mapping[str, Any]) -> ActionKey:
    return (
        str(type_id.get("category")),
        str(type_id.get("owner")),
        str(type_id.get("provider")),
        str(type_id.get("version")),
    )


def _key_of(type_id: models.ActionTypeId) -> ActionKey:
    return (
        str(type_id.category.value),
        str(type_id.owner.value),
        type_id.provider,
        type_id.version,
    )


def _matches(job: models.Job, wanted: Mapping[str, str]) -> bool:
    if not wanted:
        return True
    config = job.data.action_configuration if job.data else None
    values = (config.configuration if config else None) or {}
    return all(values.get(key) == value for key, value in wanted.items())


class JobQueue:
    """Jobs waiting for custom job workers, per action type. Safe to share between threads."""

    def __init__(self, *, account_id: str = DEFAULT_ACCOUNT_ID) -> None:
        self.account_id = account_id
        self._lock = threading.Lock()
        self._pending: dict[ActionKey, list[models.Job]] = {}

    def register_action_type(self, action_type_id: models.ActionTypeId | Mapping[str, Any]) -> None:
        """Make an action type known, so polling it answers (possibly with no jobs)."""
        wire = _wire(action_type_id)
        self._check({"jobs": [{"data": {"actionTypeId": wire}}]})
        key = _action_key(wire)
        if key[1] != CUSTOM_OWNER:
            raise SeedError(f"PollForJobs serves action types owned by {CUSTOM_OWNER!r} only")
        with self._lock:
            self._pending.setdefault(key, [])

    def add_job(
        self,
        data: models.JobData | Mapping[str, Any],
        *,
        job_id: str | None = None,
        nonce: str | None = None,
        account_id: str | None = None,
    ) -> models.Job:
        """Queue one job (`data` is a wire JobData or the model); returns it with its id."""
        wire_data = _wire(data)
        type_id = wire_data.get("actionTypeId")
        if not isinstance(type_id, Mapping):
            raise SeedError("a job needs data.actionTypeId")
        wire_job = {
            "id": job_id or str(uuid.uuid4()),
            "data": wire_data,
            "nonce": nonce or str(secrets.randbelow(10**9) + 1),
            "accountId": account_id or self.account_id,
        }
        self._check({"jobs": [wire_job]})
        self.register_action_type(type_id)
        job = models.Job.model_validate(wire_job)
        with self._lock:
            self._pending[_action_key(type_id)].append(job)
        return job

    def add_seed(self, seed: Mapping[str, Any]) -> list[models.Job]:
        """Add the contents of a seed document (see the module docstring)."""
        if not isinstance(seed, Mapping):
            raise SeedError("the seed must be a JSON object with 'actionTypes' and/or 'jobs'")
        unknown = sorted(set(seed) - {"actionTypes", "jobs"})
        if unknown:
            raise SeedError(f"unknown seed keys {unknown}; expected 'actionTypes' and 'jobs'")
        for type_id in _array(seed, "actionTypes"):
            self.register_action_type(type_id)
        added = []
        for index, job in enumerate(_array(seed, "jobs"), start=1):
            if not isinstance(job, Mapping):
                raise SeedError(f"jobs.{index} must be an object")
            extra = sorted(set(job) - {"id", "data", "nonce", "accountId"})
            if extra:
                raise SeedError(f"jobs.{index} has unknown members {extra}")
            try:
                added.append(
                    self.add_job(
                        job.get("data", {}),
                        job_id=job.get("id"),
                        nonce=job.get("nonce"),
                        account_id=job.get("accountId"),
                    )
                )
            except SeedError as exc:
                raise SeedError(f"jobs.{index}: {exc}") from None
        return added

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
            return [job for jobs in self._pending.values() for job in jobs]

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
        key = _key_of(type_id)
        with self._lock:
            queued = self._pending.get(key)
            if queued is None:
                raise errors.ActionTypeNotFoundException(NOT_FOUND_MESSAGE)
            taken: list[models.Job] = []
            kept: list[models.Job] = []
            for job in queued:
                if len(taken) < limit and _matches(job, wanted):
                    taken.append(job)
                else:
                    kept.append(job)
            self._pending[key] = kept
        return models.PollForJobsOutput(jobs=taken)

    @staticmethod
    def _check(response_like: dict[str, Any]) -> None:
        violations = validators.validate_response(response_like)
        if violations:
            raise SeedError(validators.format_message(violations))


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
