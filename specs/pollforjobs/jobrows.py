"""The SQL of the local job service: the statements its operations share over a JobStore's
connection, and the rows read back as wire jobs or as the console shows them. (Source:
specs/pollforjobs/jobrows.py; the generator copies it into the package beside jobqueue.py.)
"""

from __future__ import annotations

import functools
import json
import sqlite3
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Final

from . import errors, models
from .jobseed import ActionKey


@functools.lru_cache(maxsize=1024)
def lane_of(key: ActionKey) -> str:
    return json.dumps(list(key))


# The columns a poll reads, in the order it unpacks them.
_POLLED: Final = "seq, id, account_id, data, nonce, handed_out"


def available_jobs(
    db: sqlite3.Connection,
    lane: str,
    wanted: list[tuple[str, str]],
    limit: int,
    now: float,
) -> list[tuple[Any, ...]]:
    """Up to `limit` jobs of `lane` a poll may hand out, with every setting in `wanted`: first
    those handed out and not acknowledged in time (they are older), then queued ones, oldest
    first; one statement. Only queued jobs have rows in `queued_settings`, by lane, so a search
    never walks past the jobs handed out before it nor other lanes' jobs; a job handed out
    again is matched on its data.
    """
    redelivered = (
        f"SELECT 0 AS part, {_POLLED} FROM jobs"
        " WHERE lane = ? AND status = 'Dispatched' AND ready_at <= ?"
        + " AND EXISTS (SELECT 1 FROM json_each(jobs.data, '$.actionConfiguration.configuration')"
        " WHERE key = ? AND value = ?)" * len(wanted) + " ORDER BY seq LIMIT ?"
    )
    settings = [part for setting in wanted for part in setting]
    if not wanted:
        queued = f"SELECT 1 AS part, {_POLLED} FROM jobs WHERE lane = ? AND status = 'Queued' ORDER BY seq LIMIT ?"
        queued_arguments = [lane]
    else:
        queued = (
            "SELECT 1 AS part, jobs.seq, jobs.id, jobs.account_id, jobs.data, jobs.nonce,"
            " jobs.handed_out FROM queued_settings q JOIN jobs ON jobs.seq = q.seq"
            " WHERE q.lane = ? AND q.key = ? AND q.value = ?"
            + " AND EXISTS (SELECT 1 FROM queued_settings s WHERE s.seq = jobs.seq AND s.key = ? AND s.value = ?)"
            * (len(wanted) - 1)
            + " ORDER BY q.seq LIMIT ?"
        )
        queued_arguments = [lane, *settings]
    rows = db.execute(
        f"SELECT * FROM ({redelivered}) UNION ALL SELECT * FROM ({queued}) ORDER BY part, seq",
        [lane, now, *settings, limit, *queued_arguments, limit],
    ).fetchall()
    return [row[1:] for row in rows[:limit]]


def time_out(db: sqlite3.Connection, now: float) -> None:
    db.execute(
        "UPDATE jobs SET status = 'TimedOut', timeout_at = NULL, updated_at = ?"
        " WHERE status = 'InProgress' AND timeout_at <= ?",
        (now, now),
    )


def job_model(
    row: sqlite3.Row,
    *,
    nonce: str | None = None,
    credentials: Mapping[str, str] | None = None,
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


def console_view(row: sqlite3.Row, events: list[tuple[str, float]]) -> dict[str, Any]:
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


def insert_job(
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
        "INSERT INTO queued_settings VALUES (?, ?, ?, ?)",
        [(lane, key, value, cursor.lastrowid) for key, value in configuration.items()],
    )
    db.execute("INSERT OR IGNORE INTO lanes VALUES (?)", (lane,))


def job_row(db: sqlite3.Connection, job_id: str, now: float) -> sqlite3.Row:
    time_out(db, now)
    row: sqlite3.Row | None = db.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise errors.JobNotFoundException(f"The job {job_id} was not found.")
    return row


def finish_job(
    db: sqlite3.Connection,
    job_id: str,
    status: str,
    result: dict[str, Any],
    now: float,
    result_before_ack: bool,
) -> sqlite3.Row:
    """Put a result on the job: `status` is Succeeded or Failed."""
    row = job_row(db, job_id, now)
    accepted = {"InProgress", "Dispatched"} if result_before_ack else {"InProgress"}
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
