"""The job-id journal behind "each receipt printed at most once": a small SQLite file.

It stores job ids, states, attempt counts and times, and nothing about the person: the receipt's
content stays in memory (see ``printer.py``), so a stolen disk shows no names or ID numbers.
It survives restarts (WAL, ``synchronous=FULL``). It does not print or decide when to retry.
"""
from __future__ import annotations

import enum
import sqlite3
import threading
import time
from pathlib import Path


class JobState(enum.Enum):
    WAITING = "waiting"  # accepted, not yet sent (printer not ready)
    SENDING = "sending"  # bytes being written; if we crash here the outcome is unknown
    PRINTED = "printed"  # bytes written and status read back OK afterwards
    DISCARDED = "discarded"  # dropped by the session wipe before it printed


class Journal:
    """Job states keyed by job id, in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            "CREATE TABLE IF NOT EXISTS receipt_jobs (job_id TEXT PRIMARY KEY, state TEXT NOT NULL,"
            " attempts INTEGER NOT NULL DEFAULT 0, created REAL NOT NULL, updated REAL NOT NULL)"
        )

    def state(self, job_id: str) -> JobState | None:
        with self._lock:
            row = self._db.execute("SELECT state FROM receipt_jobs WHERE job_id=?", (job_id,)).fetchone()
        return JobState(row[0]) if row else None

    def attempts(self, job_id: str) -> int:
        with self._lock:
            row = self._db.execute("SELECT attempts FROM receipt_jobs WHERE job_id=?", (job_id,)).fetchone()
        return int(row[0]) if row else 0

    def _set(self, job_id: str, state: JobState, attempt: bool = False) -> None:
        now = time.time()
        with self._lock:
            self._db.execute(
                "INSERT INTO receipt_jobs (job_id, state, attempts, created, updated) VALUES (?,?,?,?,?)"
                " ON CONFLICT(job_id) DO UPDATE SET state=excluded.state, updated=excluded.updated,"
                " attempts=receipt_jobs.attempts+?",
                (job_id, state.value, int(attempt), now, now, int(attempt)),
            )

    def mark_waiting(self, job_id: str) -> None:
        self._set(job_id, JobState.WAITING)

    def mark_sending(self, job_id: str) -> None:
        self._set(job_id, JobState.SENDING, attempt=True)

    def mark_printed(self, job_id: str) -> None:
        self._set(job_id, JobState.PRINTED)

    def mark_discarded(self, job_id: str) -> None:
        self._set(job_id, JobState.DISCARDED)

    def unfinished(self) -> list[str]:
        """Ids left WAITING or SENDING (e.g. by a restart), oldest first."""
        with self._lock:
            rows = self._db.execute(
                "SELECT job_id FROM receipt_jobs WHERE state IN (?, ?) ORDER BY created",
                (JobState.WAITING.value, JobState.SENDING.value),
            ).fetchall()
        return [r[0] for r in rows]

    def recent(self, limit: int = 50) -> list[tuple[str, JobState, float]]:
        """The latest jobs, newest first: (job id, state, when it last changed)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT job_id, state, updated FROM receipt_jobs ORDER BY updated DESC, rowid DESC"
                " LIMIT ?", (max(0, int(limit)),)).fetchall()
        return [(r[0], JobState(r[1]), float(r[2])) for r in rows]

    def close(self) -> None:
        with self._lock:
            self._db.close()
