"""The state of the local job service in SQLite (the standard library's `sqlite3`).

One database holds every job, its status, its current hand-out (nonce, artifact credentials),
its result and the job it continues, with one row per hand-out and acknowledgement. Every
change runs in one `BEGIN IMMEDIATE` transaction, which takes the database's write lock first:
several server processes on one state file then never read the same queued job as free, so
no job goes to two workers at once. A file uses write-ahead logging, so a process killed with
SIGKILL loses nothing it committed; without a file the database lives in memory.
(Source: specs/pollforjobs/jobstore.py; the generator copies it into the package.)
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

BUSY_TIMEOUT_SECONDS: Final = 60.0

# A hand-out (the poll's UPDATE) drops the job's settings, which only queued jobs have, and
# logs the hand-out: one statement per job for the poll, in the same transaction.
_HAND_OUT_TRIGGER: Final = """CREATE TRIGGER IF NOT EXISTS jobs_handed_out AFTER UPDATE OF handed_out ON jobs
    BEGIN
        DELETE FROM queued_settings WHERE seq = new.seq;
        INSERT INTO events VALUES (new.seq, 'handOut', new.updated_at);
    END"""
_SCHEMA: Final = (
    "CREATE TABLE IF NOT EXISTS lanes (lane TEXT PRIMARY KEY)",
    """CREATE TABLE IF NOT EXISTS jobs (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        id TEXT NOT NULL UNIQUE,
        lane TEXT NOT NULL,
        account_id TEXT NOT NULL,
        data TEXT NOT NULL,
        status TEXT NOT NULL,
        nonce TEXT NOT NULL,
        handed_out INTEGER NOT NULL DEFAULT 0,
        ready_at REAL,
        timeout_at REAL,
        credentials TEXT NOT NULL,
        credentials_expire_at REAL NOT NULL,
        result TEXT,
        continues TEXT,
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS jobs_queued ON jobs (lane, seq) WHERE status = 'Queued'",
    "CREATE INDEX IF NOT EXISTS jobs_dispatched ON jobs (lane, ready_at) WHERE status = 'Dispatched'",
    "CREATE INDEX IF NOT EXISTS jobs_running ON jobs (timeout_at) WHERE status = 'InProgress'",
    # A queued job's configuration settings, by lane first: a poll for one setting in one lane
    # reads only that lane's matching jobs, oldest first, however many other lanes hold.
    """CREATE TABLE IF NOT EXISTS queued_settings (
        lane TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, seq INTEGER NOT NULL,
        PRIMARY KEY (lane, key, value, seq)
    )""",
    "CREATE INDEX IF NOT EXISTS queued_settings_of_job ON queued_settings (seq)",
    """CREATE TABLE IF NOT EXISTS events (
        job_seq INTEGER NOT NULL, kind TEXT NOT NULL, at REAL NOT NULL
    )""",
    "CREATE INDEX IF NOT EXISTS events_of_job ON events (job_seq)",
    "CREATE TABLE IF NOT EXISTS seeds (digest TEXT PRIMARY KEY)",
    _HAND_OUT_TRIGGER,
)


class JobStore:
    """One connection to the state database, shared by the threads of one process."""

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(
                path or ":memory:",
                timeout=BUSY_TIMEOUT_SECONDS,
                isolation_level=None,  # transactions are begun and ended here, explicitly
                check_same_thread=False,
            )
            self._db.row_factory = sqlite3.Row
            if path:
                self._db.execute("PRAGMA journal_mode=WAL")
                self._db.execute("PRAGMA synchronous=NORMAL")
            with self.transaction() as db:
                for statement in _SCHEMA:
                    db.execute(statement)
                _move_old_settings(db)
        except sqlite3.DatabaseError as exc:
            raise ValueError(f"cannot use {path} as the state file: {exc}") from None

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """The connection inside one write transaction: committed when the block ends,
        rolled back when it raises."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self._db.close()


def _move_old_settings(db: sqlite3.Connection) -> None:
    """A state file written before `queued_settings` keeps its queued jobs' settings in
    `settings` (no lane), which its hand-out trigger deletes from: both move to the new form."""
    if db.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'settings'"
    ).fetchone():
        db.execute(
            "INSERT OR IGNORE INTO queued_settings"
            " SELECT jobs.lane, settings.key, settings.value, settings.seq"
            " FROM settings JOIN jobs ON jobs.seq = settings.seq WHERE jobs.status = 'Queued'"
        )
        db.execute("DROP TRIGGER jobs_handed_out")
        db.execute("DROP TABLE settings")
        db.execute(_HAND_OUT_TRIGGER)
