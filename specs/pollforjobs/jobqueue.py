"""The local CodePipeline job service: the handler `python -m pollforjobs.server` serves.

It lets a custom job worker written with boto3 (or any AWS SDK) be developed end to end
against a local server: PollForJobs, AcknowledgeJob, GetJobDetails, PutJobSuccessResult and
PutJobFailureResult. (Source: specs/pollforjobs/jobqueue.py; the generator copies it into the
package, with jobstore.py, the SQLite state, artifacts.py, the S3 side, and jobconsole.py,
the /_local/ console.)

What AWS documents, followed here:
- A job is `Queued`, then `Dispatched` when a poll hands it out, `InProgress` once
  acknowledged, and ends `Succeeded`, `Failed` or `TimedOut` (`Created` is the moment before
  it is queued).
- A job handed out and not acknowledged in time is handed out again.
- AcknowledgeJob with the nonce of the current hand-out answers `InProgress` (or the job's
  status, when it has one past that); any other nonce raises `InvalidNonceException`.
- GetJobDetails answers the id, data (artifact credentials included) and account, no nonce.
- PutJobSuccessResult with a `continuationToken` succeeds the job and queues a new one (new
  id and nonce) whose `data.continuationToken` is the token.
- `outputVariables` only without a continuation token (else `ValidationException`, with AWS's
  documented sentence), and at most 122,880 bytes of keys and values in all (UTF-8), else
  `OutputVariablesSizeExceededException`.
- PollForJobs: only action types the queue knows (`ActionTypeNotFoundException`, "The
  specified action type cannot be found."); another owner than `Custom` gives
  `ValidationException`; at most `maxBatchSize` jobs, 1 when absent; `queryParam` keeps the
  jobs whose action configuration has each given key with exactly that value; oldest first.

Where AWS documents nothing, `Lifecycle` holds the choice (the server's options set it):
the redelivery window and whether redelivery gets a new nonce, the job timeout (from the
acknowledgement), whether a result may come before the acknowledgement (else
`InvalidJobStateException`: "Job ID is STATUS; a result can be put only on a job that is
InProgress."), whether a second acknowledgement with the same nonce succeeds, and the
lifetime of the artifact credentials (each hand-out gets new ones, unless the seed gave the
job its own, which it then always carries; GetJobDetails renews expired ones).

Seed file (JSON, UTF-8), shaped like a PollForJobs response plus optional action types:

    {
      "actionTypes": [{"category": "Test", "owner": "Custom", "provider": "MyTool", "version": "1"}],
      "jobs": [
        {"data": {"actionTypeId": {"category": "Test", "owner": "Custom", "provider": "MyTool",
                                   "version": "1"},
                  "actionConfiguration": {"configuration": {"ProjectName": "demo"}},
                  "inputArtifacts": [{"name": "src", "file": "src.zip"}],
                  "outputArtifacts": [{"name": "out"}]},
         "accountId": "111111111111"}
      ]
    }

Each job is a wire `Job`; `id` (a uuid4), `nonce` (a random number) and `accountId` are
optional and `data.actionTypeId` is required. Members go by their wire names
(`actionConfiguration`, not `action_configuration`). An input artifact may give `file` (read
relative to the seed file and uploaded to S3, with `--s3`) instead of a `location`; an output
artifact that gives only its `name` is given a location in the artifact bucket. Jobs are
checked against the spec's constraints when added, and a seed is added whole or not at all;
errors name the place, counting from 1 (`jobs.2.id: ...`). A job id is used once.
"""

from __future__ import annotations

import argparse
import base64
import functools
import hashlib
import json
import re
import secrets
import sqlite3
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

import pydantic

from . import errors, models, validators
from .jobstore import JobStore

DEFAULT_ACCOUNT_ID: Final = "123456789012"
DEFAULT_MAX_BATCH_SIZE: Final = 1
CUSTOM_OWNER: Final = "Custom"
MAX_OUTPUT_VARIABLES_BYTES: Final = 122_880
LOCAL_BUCKET: Final = "codepipeline-local-artifacts"
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


@dataclass(frozen=True)
class Lifecycle:
    """The choices where AWS documents nothing (see the README's Server section)."""

    # A job handed out and not acknowledged within this many seconds is handed out again.
    redelivery_seconds: float = 60.0
    # Whether a job handed out again gets a new nonce (so the first worker's nonce stops working).
    fresh_nonce: bool = True
    # An acknowledged job with no result after this many seconds is TimedOut.
    job_timeout_seconds: float = 3600.0
    # Whether a result may be put on a job handed out but not acknowledged yet.
    result_before_ack: bool = False
    # Whether a second AcknowledgeJob with the nonce that acknowledged the job succeeds.
    repeat_ack: bool = True
    # How long the artifact credentials of a hand-out are valid.
    credentials_seconds: float = 3600.0


class Artifacts:
    """Where artifacts live: the bucket outputs are given, and the credentials of a hand-out.
    This one has no S3 behind it; `pollforjobs.artifacts.S3Artifacts` has."""

    bucket = LOCAL_BUCKET

    def credentials(self, lifetime: float) -> dict[str, str]:
        # One read of the OS's random source for the three (8, 30 and 48 random bytes, as
        # secrets.token_hex(8) and token_urlsafe(30) and (48) would give them).
        raw = secrets.token_bytes(86)
        return {
            "accessKeyId": "ASIA" + raw[:8].hex().upper(),
            "secretAccessKey": base64.urlsafe_b64encode(raw[8:38]).decode("ascii"),
            "sessionToken": base64.urlsafe_b64encode(raw[38:]).decode("ascii"),
        }

    def upload(self, path: Path, key: str) -> None:
        raise SeedError(f"{path}: an artifact 'file' is uploaded to S3; start the server with --s3")


class JobQueue:
    """The job service: PollForJobs, AcknowledgeJob, GetJobDetails, PutJobSuccessResult and
    PutJobFailureResult over a JobStore. Safe to share between threads and, on one state
    file, between processes."""

    def __init__(
        self,
        *,
        account_id: str = DEFAULT_ACCOUNT_ID,
        store: JobStore | None = None,
        lifecycle: Lifecycle | None = None,
        artifacts: Artifacts | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.account_id = account_id
        self.store = store or JobStore()
        self.lifecycle = lifecycle or Lifecycle()
        self.artifacts = artifacts or Artifacts()
        self.clock = clock

    # Filling the queue.

    def register_action_type(self, action_type_id: models.ActionTypeId | Mapping[str, Any]) -> None:
        """Make an action type known, so polling it answers (possibly with no jobs)."""
        key = self._action_type(action_type_id, "")
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO lanes VALUES (?)", (_lane(key),))

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

    def add_seed(self, seed: Mapping[str, Any], *, base: Path | None = None) -> list[models.Job]:
        """Add the contents of a seed document (see the module docstring), whole or not at
        all; an input artifact's `file` is read relative to `base`."""
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
        uploads: list[tuple[Path, str]] = []
        for index, job in enumerate(_array(seed, "jobs"), start=1):
            where = f"jobs.{index}"
            if not isinstance(job, Mapping):
                raise SeedError(f"{where} must be an object")
            extra = sorted(set(job) - {"id", "data", "nonce", "accountId", "__type"})
            if extra:
                raise SeedError(f"{where} has unknown members {extra}")
            job_id = job.get("id") if job.get("id") is not None else str(uuid.uuid4())
            data = self._placed(job.get("data", {}), str(job_id), base, uploads, f"{where}.data")
            key, queued = self._job(data, job_id, job.get("nonce"), job.get("accountId"), where)
            if job_id in first_with_id:
                raise SeedError(
                    f"{where}.id: {job_id!r} is the id of {first_with_id[job_id]} too; job ids must be unique"
                )
            first_with_id[str(job_id)] = where
            jobs.append((key, queued, where))
        for path, object_key in uploads:
            self.artifacts.upload(path, object_key)
        self._enqueue(types, jobs)
        return [job for _, job, _ in jobs]

    def add_seed_file(self, path: str | Path) -> list[models.Job]:
        """Add the jobs and action types of a JSON seed file."""
        seed = _read_json(path)
        try:
            return self.add_seed(seed, base=Path(path).parent)
        except SeedError as exc:
            raise SeedError(f"{path}: {exc}") from None

    def seed_once(self, path: str | Path) -> bool:
        """Add a seed file unless this state has taken the same content before (a restart on
        a state file); True when it was added."""
        try:
            digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()
        except OSError as exc:
            raise SeedError(f"cannot read {path}: {exc.strerror or exc}") from None
        with self.store.transaction() as db:
            if db.execute("SELECT 1 FROM seeds WHERE digest = ?", (digest,)).fetchone():
                return False
        self.add_seed_file(path)
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO seeds VALUES (?)", (digest,))
        return True

    def pending(self) -> list[models.Job]:
        """The jobs a poll could hand out now, per action type: those handed out again first,
        then the queued ones, oldest first."""
        now = self.clock()
        with self.store.transaction() as db:
            rows = db.execute(
                "SELECT * FROM jobs WHERE (status = 'Dispatched' AND ready_at <= ?) OR status = 'Queued'"
                " ORDER BY lane, status = 'Queued', seq",
                (now,),
            ).fetchall()
        return [_job_model(row) for row in rows]

    # The operations.

    def poll_for_jobs(self, request: models.PollForJobsInput) -> models.PollForJobsOutput:
        """Hand out up to maxBatchSize matching jobs; each goes to one worker at a time."""
        type_id = request.action_type_id
        if type_id.owner.value != CUSTOM_OWNER:
            raise errors.ValidationException(
                f"PollForJobs is valid only for action types with owner {CUSTOM_OWNER!r}; "
                f"got {type_id.owner.value!r}."
            )
        limit = request.max_batch_size or DEFAULT_MAX_BATCH_SIZE
        wanted = sorted((request.query_param or {}).items())
        lane, now, rules = _lane(_key_of(type_id)), self.clock(), self.lifecycle
        with self.store.transaction() as db:
            rows = _available(db, lane, wanted, limit, now)
            if not rows and not db.execute("SELECT 1 FROM lanes WHERE lane = ?", (lane,)).fetchone():
                raise errors.ActionTypeNotFoundException(NOT_FOUND_MESSAGE)
            taken, changes = [], []
            for seq, job_id, account_id, text, nonce, handed_out in rows:
                data = json.loads(text)
                if handed_out and rules.fresh_nonce:
                    nonce = _new_nonce()
                # A job whose seed gave its own credentials carries them on every hand-out.
                credentials = (
                    {}
                    if "artifactCredentials" in data
                    else self.artifacts.credentials(rules.credentials_seconds)
                )
                if credentials:
                    data["artifactCredentials"] = credentials
                changes.append(
                    (
                        nonce,
                        now + rules.redelivery_seconds,
                        json.dumps(credentials),
                        now + rules.credentials_seconds,
                        now,
                        seq,
                    )
                )
                taken.append({"id": job_id, "data": data, "nonce": nonce, "accountId": account_id})
            # The trigger jobs_handed_out (jobstore.py) drops the settings and logs the hand-out.
            db.executemany(
                "UPDATE jobs SET status = 'Dispatched', nonce = ?, handed_out = handed_out + 1,"
                " ready_at = ?, credentials = ?, credentials_expire_at = ?, updated_at = ?"
                " WHERE seq = ?",
                changes,
            )
        return models.PollForJobsOutput.model_validate(
            {"jobs": taken}, by_alias=True, by_name=False
        )

    def acknowledge_job(self, request: models.AcknowledgeJobInput) -> models.AcknowledgeJobOutput:
        """Confirm a hand-out: the nonce of the current hand-out makes the job InProgress."""
        now = self.clock()
        with self.store.transaction() as db:
            row = self._row(db, request.job_id, now)
            if not row["handed_out"] or not secrets.compare_digest(row["nonce"], request.nonce):
                raise errors.InvalidNonceException(
                    f"The nonce is not the one of the current hand-out of job {request.job_id}."
                )
            status = row["status"]
            if status == "Dispatched":
                db.execute(
                    "UPDATE jobs SET status = 'InProgress', ready_at = NULL, timeout_at = ?,"
                    " updated_at = ? WHERE seq = ?",
                    (now + self.lifecycle.job_timeout_seconds, now, row["seq"]),
                )
                db.execute("INSERT INTO events VALUES (?, 'acknowledgement', ?)", (row["seq"], now))
                status = "InProgress"
            elif status == "InProgress" and not self.lifecycle.repeat_ack:
                raise errors.InvalidNonceException(
                    f"Job {request.job_id} was acknowledged with this nonce already."
                )
        return models.AcknowledgeJobOutput.model_validate({"status": status})

    def get_job_details(self, request: models.GetJobDetailsInput) -> models.GetJobDetailsOutput:
        """The job's id, data (artifact credentials included) and account, without its nonce."""
        now, rules = self.clock(), self.lifecycle
        with self.store.transaction() as db:
            row = self._row(db, request.job_id, now)
            credentials = json.loads(row["credentials"])
            if row["credentials_expire_at"] <= now and credentials:
                credentials = self.artifacts.credentials(rules.credentials_seconds)
                db.execute(
                    "UPDATE jobs SET credentials = ?, credentials_expire_at = ? WHERE seq = ?",
                    (json.dumps(credentials), now + rules.credentials_seconds, row["seq"]),
                )
        job = _job_model(row, credentials=credentials)
        details = {"id": job.id, "data": job.data, "accountId": job.account_id}
        return models.GetJobDetailsOutput(job_details=models.JobDetails.model_validate(details))

    def put_job_success_result(self, request: models.PutJobSuccessResultInput) -> None:
        """Succeed the job; with a continuationToken, queue the job that continues it."""
        variables = request.output_variables
        if variables is not None and request.continuation_token is not None:
            raise errors.ValidationException(
                "outputVariables can be included only when there is no continuation token on the request."
            )
        size = sum(
            len(k.encode("utf-8")) + len(v.encode("utf-8")) for k, v in (variables or {}).items()
        )
        if size > MAX_OUTPUT_VARIABLES_BYTES:
            raise errors.OutputVariablesSizeExceededException(
                f"The output variables are {size} bytes in all; at most {MAX_OUTPUT_VARIABLES_BYTES} are allowed."
            )
        result = {
            "kind": "success",
            **request.model_dump(by_alias=True, exclude_none=True, mode="json"),
        }
        now = self.clock()
        with self.store.transaction() as db:
            row = self._finish(db, request.job_id, "Succeeded", result, now)
            if request.continuation_token is not None:
                data = json.loads(row["data"]) | {"continuationToken": request.continuation_token}
                self._insert(
                    db,
                    row["lane"],
                    str(uuid.uuid4()),
                    _new_nonce(),
                    row["account_id"],
                    data,
                    now,
                    row["id"],
                )

    def put_job_failure_result(self, request: models.PutJobFailureResultInput) -> None:
        """Fail the job with the worker's failure details."""
        result = {
            "kind": "failure",
            **request.model_dump(by_alias=True, exclude_none=True, mode="json"),
        }
        now = self.clock()
        with self.store.transaction() as db:
            self._finish(db, request.job_id, "Failed", result, now)

    # Reading the state, for the console.

    def jobs(self, job_id: str | None = None) -> list[dict[str, Any]]:
        """Every job (or the one with `job_id`) as the console shows it: no nonce, no
        credentials."""
        now = self.clock()
        with self.store.transaction() as db:
            _time_out(db, now)
            where, arguments = ("WHERE id = ?", (job_id,)) if job_id is not None else ("", ())
            rows = db.execute(f"SELECT * FROM jobs {where} ORDER BY seq", arguments).fetchall()
            events: dict[int, list[tuple[str, float]]] = {}
            for event in db.execute(
                "SELECT job_seq, kind, at FROM events ORDER BY rowid"
            ).fetchall():
                events.setdefault(event["job_seq"], []).append((event["kind"], event["at"]))
        return [_shown(row, events.get(row["seq"], [])) for row in rows]

    # The state machine's parts.

    def _row(self, db: sqlite3.Connection, job_id: str, now: float) -> sqlite3.Row:
        _time_out(db, now)
        row: sqlite3.Row | None = db.execute(
            "SELECT * FROM jobs WHERE id = ?", (job_id,)
        ).fetchone()
        if row is None:
            raise errors.JobNotFoundException(f"The job {job_id} was not found.")
        return row

    def _finish(
        self, db: sqlite3.Connection, job_id: str, status: str, result: dict[str, Any], now: float
    ) -> sqlite3.Row:
        row = self._row(db, job_id, now)
        accepted = (
            {"InProgress", "Dispatched"} if self.lifecycle.result_before_ack else {"InProgress"}
        )
        if row["status"] not in accepted:
            raise errors.InvalidJobStateException(
                f"Job {job_id} is {row['status']}; a result can be put only on a job that is "
                + " or ".join(sorted(accepted, reverse=True))
                + "."
            )
        db.execute(
            "UPDATE jobs SET status = ?, result = ?, ready_at = NULL, timeout_at = NULL,"
            " updated_at = ? WHERE seq = ?",
            (status, json.dumps(result), now, row["seq"]),
        )
        return row

    def _insert(
        self,
        db: sqlite3.Connection,
        lane: str,
        job_id: str,
        nonce: str,
        account_id: str,
        data: dict[str, Any],
        now: float,
        continues: str | None = None,
    ) -> None:
        cursor = db.execute(
            "INSERT INTO jobs (id, lane, account_id, data, status, nonce, credentials,"
            " credentials_expire_at, continues, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, 'Queued', ?, '{}', 0, ?, ?, ?)",
            (job_id, lane, account_id, json.dumps(data), nonce, continues, now, now),
        )
        configuration = (data.get("actionConfiguration") or {}).get("configuration") or {}
        db.executemany(
            "INSERT INTO settings VALUES (?, ?, ?)",
            [(cursor.lastrowid, key, value) for key, value in configuration.items()],
        )
        db.execute("INSERT OR IGNORE INTO lanes VALUES (?)", (lane,))

    def _placed(
        self, data: Any, job_id: str, base: Path | None, uploads: list[tuple[Path, str]], where: str
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
                        artifact["location"] = self._location(object_key)
                    elif not given_file and "location" not in artifact:
                        artifact["location"] = self._location(object_key)
                placed[member].append(artifact)
        return placed

    def _location(self, object_key: str) -> dict[str, Any]:
        return {
            "type": "S3",
            "s3Location": {"bucketName": self.artifacts.bucket, "objectKey": object_key},
        }

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
            "nonce": nonce if nonce is not None else _new_nonce(),
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
        now = self.clock()
        with self.store.transaction() as db:
            for _, job, where in jobs:
                if db.execute("SELECT 1 FROM jobs WHERE id = ?", (job.id,)).fetchone():
                    place = f"{where}.id" if where else "id"
                    raise SeedError(f"{place}: the queue has already held a job with id {job.id!r}")
            for key in types:
                db.execute("INSERT OR IGNORE INTO lanes VALUES (?)", (_lane(key),))
            for key, job, _ in jobs:
                data = (
                    job.data.model_dump(by_alias=True, exclude_none=True, mode="json")
                    if job.data
                    else {}
                )
                self._insert(
                    db,
                    _lane(key),
                    job.id or "",
                    job.nonce or "",
                    job.account_id or self.account_id,
                    data,
                    now,
                )


@functools.lru_cache(maxsize=1024)
def _lane(key: ActionKey) -> str:
    return json.dumps(list(key))


def _new_nonce() -> str:
    return str(secrets.randbelow(10**9) + 1)


# The columns a poll reads, in the order it unpacks them.
_POLLED: Final = "seq, id, account_id, data, nonce, handed_out"


def _available(
    db: sqlite3.Connection, lane: str, wanted: list[tuple[str, str]], limit: int, now: float
) -> list[tuple[Any, ...]]:
    """Up to `limit` jobs of `lane` a poll may hand out, with every setting in `wanted`: first
    those handed out and not acknowledged in time (they are older), then queued ones, oldest
    first; one statement. Only queued jobs have rows in `settings`, so a search never walks
    past the jobs handed out before it; a job handed out again is matched on its data."""
    redelivered = (
        f"SELECT 0 AS part, {_POLLED} FROM jobs"
        " WHERE lane = ? AND status = 'Dispatched' AND ready_at <= ?"
        + " AND EXISTS (SELECT 1 FROM json_each(jobs.data, '$.actionConfiguration.configuration')"
        " WHERE key = ? AND value = ?)" * len(wanted)
        + " ORDER BY seq LIMIT ?"
    )
    settings = [part for setting in wanted for part in setting]
    if not wanted:
        queued = f"SELECT 1 AS part, {_POLLED} FROM jobs WHERE lane = ? AND status = 'Queued' ORDER BY seq LIMIT ?"
        queued_arguments = [lane]
    else:
        queued = (
            "SELECT 1 AS part, jobs.seq, jobs.id, jobs.account_id, jobs.data, jobs.nonce,"
            " jobs.handed_out FROM settings JOIN jobs ON jobs.seq = settings.seq"
            " WHERE settings.key = ? AND settings.value = ? AND jobs.lane = ?"
            + " AND EXISTS (SELECT 1 FROM settings s WHERE s.seq = jobs.seq AND s.key = ? AND s.value = ?)"
            * (len(wanted) - 1)
            + " ORDER BY settings.seq LIMIT ?"
        )
        queued_arguments = [*settings[:2], lane, *settings[2:]]
    rows = db.execute(
        f"SELECT * FROM ({redelivered}) UNION ALL SELECT * FROM ({queued}) ORDER BY part, seq",
        [lane, now, *settings, limit, *queued_arguments, limit],
    ).fetchall()
    return [row[1:] for row in rows[:limit]]


def _time_out(db: sqlite3.Connection, now: float) -> None:
    db.execute(
        "UPDATE jobs SET status = 'TimedOut', timeout_at = NULL, updated_at = ?"
        " WHERE status = 'InProgress' AND timeout_at <= ?",
        (now, now),
    )


def _job_model(
    row: sqlite3.Row, *, nonce: str | None = None, credentials: Mapping[str, str] | None = None
) -> models.Job:
    data = json.loads(row["data"])
    if credentials:
        data["artifactCredentials"] = dict(credentials)
    wire = {
        "id": row["id"],
        "data": data,
        "nonce": nonce or row["nonce"],
        "accountId": row["account_id"],
    }
    return models.Job.model_validate(wire, by_alias=True, by_name=False)


def _iso(at: float) -> str:
    return datetime.fromtimestamp(at, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _shown(row: sqlite3.Row, events: list[tuple[str, float]]) -> dict[str, Any]:
    data = json.loads(row["data"])
    result = json.loads(row["result"]) if row["result"] else None
    shown: dict[str, Any] = {
        "id": row["id"],
        "status": row["status"],
        "actionTypeId": data.get("actionTypeId"),
        "accountId": row["account_id"],
        "created": _iso(row["created_at"]),
        "updated": _iso(row["updated_at"]),
        "handOuts": [{"at": _iso(at)} for kind, at in events if kind == "handOut"],
        "acknowledgements": [{"at": _iso(at)} for kind, at in events if kind == "acknowledgement"],
        "result": result["kind"] if result else None,
        "executionDetails": (result or {}).get("executionDetails"),
        "outputVariables": (result or {}).get("outputVariables"),
        "failureDetails": (result or {}).get("failureDetails"),
        "continuationToken": (result or {}).get("continuationToken"),
        "continues": row["continues"],
        "inputArtifacts": data.get("inputArtifacts", []),
        "outputArtifacts": data.get("outputArtifacts", []),
    }
    return shown


def _read_json(path: str | Path) -> Any:
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise SeedError(f"cannot read {path}: {exc.strerror or exc}") from None
    except ValueError as exc:
        raise SeedError(f"{path} is not valid JSON: {exc}") from None


def _array(seed: Mapping[str, Any], key: str) -> list[Any]:
    value = seed.get(key, [])
    if not isinstance(value, list):
        raise SeedError(f"'{key}' must be an array")
    return value


def create_handler(seed_file: str | None) -> JobQueue:
    """A queue in memory, seeded from `seed_file` (the handler of `python -m pollforjobs.server`
    with no other option)."""
    queue = JobQueue()
    if seed_file is not None:
        queue.add_seed_file(seed_file)
    return queue


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of the bundled job service."""
    group = parser.add_argument_group("the bundled job service")
    group.add_argument(
        "--state",
        metavar="FILE",
        help="keep jobs, statuses, results and hand-outs in this SQLite file (default: in memory); several servers may share one",
    )
    group.add_argument(
        "--s3",
        action="store_true",
        help="start moto's S3 server on loopback for the artifacts, print 'S3 endpoint: URL', and create the artifact bucket",
    )
    group.add_argument(
        "--admin-token",
        metavar="TOKEN",
        help="let any client use the /_local/ console with 'Authorization: Bearer TOKEN' (default: loopback clients only, no token)",
    )
    defaults = Lifecycle()
    seconds = _seconds
    group.add_argument(
        "--redelivery-seconds",
        type=seconds,
        default=defaults.redelivery_seconds,
        metavar="N",
        help="hand a job out again when it is not acknowledged within N seconds (default: %(default)s)",
    )
    group.add_argument(
        "--redelivery-nonce",
        choices=["fresh", "same"],
        default="fresh",
        help="whether a job handed out again gets a new nonce (default: %(default)s)",
    )
    group.add_argument(
        "--job-timeout-seconds",
        type=seconds,
        default=defaults.job_timeout_seconds,
        metavar="N",
        help="an acknowledged job with no result after N seconds is TimedOut (default: %(default)s)",
    )
    group.add_argument(
        "--result-before-ack",
        choices=["refuse", "accept"],
        default="refuse",
        help="a result on a job handed out but not acknowledged: InvalidJobStateException, or taken (default: %(default)s)",
    )
    group.add_argument(
        "--repeat-ack",
        choices=["accept", "refuse"],
        default="accept",
        help="a second AcknowledgeJob with the same nonce: InProgress again, or InvalidNonceException (default: %(default)s)",
    )
    group.add_argument(
        "--credentials-seconds",
        type=seconds,
        default=defaults.credentials_seconds,
        metavar="N",
        help="lifetime of a hand-out's artifact credentials (default: %(default)s)",
    )


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"a number of seconds, not {text!r}") from None
    if not 0 < value <= 10**7:  # also refuses nan and inf
        raise argparse.ArgumentTypeError(
            f"a number of seconds above 0 and at most 10000000, not {text}"
        )
    return value


def create_handler_from_args(args: argparse.Namespace) -> tuple[JobQueue, bool]:
    """The job service the options describe, and whether its methods may block (on a state
    file they wait for the other processes' transactions, so they get threads)."""
    lifecycle = Lifecycle(
        redelivery_seconds=args.redelivery_seconds,
        fresh_nonce=args.redelivery_nonce == "fresh",
        job_timeout_seconds=args.job_timeout_seconds,
        result_before_ack=args.result_before_ack == "accept",
        repeat_ack=args.repeat_ack == "accept",
        credentials_seconds=args.credentials_seconds,
    )
    artifacts: Artifacts = Artifacts()
    if args.s3:
        from .artifacts import S3Artifacts

        artifacts = S3Artifacts.start()
        print(f"S3 endpoint: {artifacts.endpoint_url}", flush=True)
    queue = JobQueue(store=JobStore(args.state), lifecycle=lifecycle, artifacts=artifacts)
    if args.seed is not None:
        if args.state:
            queue.seed_once(args.seed)
        else:
            queue.add_seed_file(args.seed)
    return queue, args.state is not None


def wrap_app(app: Any, handler: object, args: argparse.Namespace) -> Any:
    """The app with the /_local/ console in front, when it serves the bundled job service."""
    if not isinstance(handler, JobQueue):
        return app
    from .jobconsole import Console

    return Console(app, handler, admin_token=args.admin_token)
