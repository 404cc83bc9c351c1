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

import hashlib
import json
import secrets
import time
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Final

from . import errors, jobrows, jobseed, models
from .artifacts import LOCAL_BUCKET, Artifacts
from .joboptions import (
    Lifecycle,
    add_arguments,
    create_handler,
    create_handler_from_args,
    wrap_app,
)
from .jobseed import CUSTOM_OWNER, ActionKey, SeedError
from .jobstore import JobStore

__all__ = [
    "CUSTOM_OWNER",
    "DEFAULT_ACCOUNT_ID",
    "DEFAULT_MAX_BATCH_SIZE",
    "LOCAL_BUCKET",
    "MAX_OUTPUT_VARIABLES_BYTES",
    "NOT_FOUND_MESSAGE",
    "SEED_HELP",
    "Artifacts",
    "JobQueue",
    "JobStore",
    "Lifecycle",
    "SeedError",
    "add_arguments",
    "create_handler",
    "create_handler_from_args",
    "wrap_app",
]

DEFAULT_ACCOUNT_ID: Final = "123456789012"
DEFAULT_MAX_BATCH_SIZE: Final = 1
MAX_OUTPUT_VARIABLES_BYTES: Final = 122_880
NOT_FOUND_MESSAGE: Final = "The specified action type cannot be found."
SEED_HELP: Final = (
    "seed the in-memory job queue from a JSON file: "
    '{"actionTypes": [ActionTypeId, ...], "jobs": [Job, ...]} (see pollforjobs.jobqueue)'
)


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
        key = jobseed.checked_action_type(action_type_id, "")
        with self.store.transaction() as db:
            db.execute("INSERT OR IGNORE INTO lanes VALUES (?)", (jobrows.lane_of(key),))

    def add_job(
        self,
        data: models.JobData | Mapping[str, Any],
        *,
        job_id: str | None = None,
        nonce: str | None = None,
        account_id: str | None = None,
    ) -> models.Job:
        """Queue one job (`data` is a wire JobData or the model); returns it with its id."""
        key, job = jobseed.checked_job(data, job_id, nonce, account_id, self.account_id, "")
        self._enqueue([], [(key, job, "")])
        return job

    def add_seed(self, seed: Mapping[str, Any], *, base: Path | None = None) -> list[models.Job]:
        """Add the contents of a seed document (see the module docstring), whole or not at
        all; an input artifact's `file` is read relative to `base`."""
        types, jobs, uploads = jobseed.seed_contents(
            seed, base, self.artifacts.bucket, self.account_id
        )
        for path, object_key in uploads:
            self.artifacts.upload(path, object_key)
        self._enqueue(types, jobs)
        return [job for _, job, _ in jobs]

    def add_seed_file(self, path: str | Path) -> list[models.Job]:
        """Add the jobs and action types of a JSON seed file."""
        seed = jobseed.read_json(path)
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
        return [jobrows.job_model(row) for row in rows]

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
        lane, now, rules = jobrows.lane_of(jobseed.key_of(type_id)), self.clock(), self.lifecycle
        with self.store.transaction() as db:
            rows = jobrows.available_jobs(db, lane, wanted, limit, now)
            if (
                not rows
                and not db.execute("SELECT 1 FROM lanes WHERE lane = ?", (lane,)).fetchone()
            ):
                raise errors.ActionTypeNotFoundException(NOT_FOUND_MESSAGE)
            taken, changes = [], []
            for seq, job_id, account_id, text, nonce, handed_out in rows:
                data = json.loads(text)
                if handed_out and rules.fresh_nonce:
                    nonce = jobseed.new_nonce()
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
                taken.append(
                    {
                        "id": job_id,
                        "data": data,
                        "nonce": nonce,
                        "accountId": account_id,
                    }
                )
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
            row = jobrows.job_row(db, request.job_id, now)
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
                db.execute(
                    "INSERT INTO events VALUES (?, 'acknowledgement', ?)",
                    (row["seq"], now),
                )
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
            row = jobrows.job_row(db, request.job_id, now)
            credentials = json.loads(row["credentials"])
            if row["credentials_expire_at"] <= now and credentials:
                credentials = self.artifacts.credentials(rules.credentials_seconds)
                db.execute(
                    "UPDATE jobs SET credentials = ?, credentials_expire_at = ? WHERE seq = ?",
                    (
                        json.dumps(credentials),
                        now + rules.credentials_seconds,
                        row["seq"],
                    ),
                )
        job = jobrows.job_model(row, credentials=credentials)
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
            row = jobrows.finish_job(
                db,
                request.job_id,
                "Succeeded",
                result,
                now,
                self.lifecycle.result_before_ack,
            )
            if request.continuation_token is not None:
                data = json.loads(row["data"]) | {"continuationToken": request.continuation_token}
                jobrows.insert_job(
                    db,
                    row["lane"],
                    str(uuid.uuid4()),
                    jobseed.new_nonce(),
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
            jobrows.finish_job(
                db,
                request.job_id,
                "Failed",
                result,
                now,
                self.lifecycle.result_before_ack,
            )

    # Reading the state, for the console.

    def jobs(self, job_id: str | None = None) -> list[dict[str, Any]]:
        """Every job (or the one with `job_id`) as the console shows it: no nonce, no
        credentials."""
        now = self.clock()
        with self.store.transaction() as db:
            jobrows.time_out(db, now)
            where, arguments = ("WHERE id = ?", (job_id,)) if job_id is not None else ("", ())
            rows = db.execute(f"SELECT * FROM jobs {where} ORDER BY seq", arguments).fetchall()
            events: dict[int, list[tuple[str, float]]] = {}
            for event in db.execute(
                "SELECT job_seq, kind, at FROM events ORDER BY rowid"
            ).fetchall():
                events.setdefault(event["job_seq"], []).append((event["kind"], event["at"]))
        return [jobrows.console_view(row, events.get(row["seq"], [])) for row in rows]

    # The state machine's parts.

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
                db.execute("INSERT OR IGNORE INTO lanes VALUES (?)", (jobrows.lane_of(key),))
            for key, job, _ in jobs:
                data = (
                    job.data.model_dump(by_alias=True, exclude_none=True, mode="json")
                    if job.data
                    else {}
                )
                jobrows.insert_job(
                    db,
                    jobrows.lane_of(key),
                    job.id or "",
                    job.nonce or "",
                    job.account_id or self.account_id,
                    data,
                    now,
                )
