"""The durable place of 好差评 ratings until the platform has them, exactly once.

What it does: ``RatingBox.add`` commits a rating to its own SQLite file before it returns (WAL,
``synchronous=FULL``, ``secure_delete``), idempotently: the same id with the same body is kept
once, the same id with another body is refused. The body is sealed under a kiosk-local key
(``localseal``): a rating's free-text comment is the person's own words and may name them.
The sync worker (``sync.py``) drains it: oldest first, each POSTed under its ``rating_id``
(the platform answers a repeat as it answered the first), backed off on failure, held when the
platform refuses it for good. A sent rating's body is dropped; its id and state stay, so a
rating is never sent twice. What it does not do: HTTP (the injected port does), or judge a
rating (the kiosk's flow built and checked it).
"""
from __future__ import annotations

import enum
import hashlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import sqlite_utils

from offline_queue.localseal import LocalSealer
from offline_queue.model import QueueError, SchemaError, SUBMISSION_ID_RE

MAX_BODY_BYTES = 8 * 1024
_COLUMNS = {"rating_id": str, "state": str, "created_at": float, "body": bytes,
            "body_sha256": str, "attempts": int, "next_attempt_at": float, "last_error": str,
            "sent_at": float}


class RatingState(str, enum.Enum):
    QUEUED = "queued"    # stored, not yet (successfully) sent; see next_attempt_at
    SENT = "sent"        # the platform has it
    HELD = "held"        # the platform refused it for good; kept for a technician


class DuplicateRating(QueueError):
    """This rating id is already stored with another body."""


class InvalidRating(QueueError, ValueError):
    """Not a rating the box can store (bad id, not JSON, too large); nothing stored."""


@dataclass(frozen=True)
class RatingStatus:
    rating_id: str
    state: RatingState
    attempts: int
    last_error: str | None


class RatingPort(Protocol):
    """What the sync worker needs of the platform client for ratings."""

    def post_rating(self, rating: dict) -> dict: ...


class RatingBox:
    """Ratings waiting for the platform, in one SQLite file.

    Args:
        path: the database file (created on first use); its local key sits beside it.
        clock: seconds since the epoch.
    Raises:
        SchemaError: the file is not a usable rating box.
    """

    def __init__(self, path: Path | str, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._clock = clock
        self._lock = threading.RLock()
        conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False,
                               timeout=30)
        try:
            self._db = sqlite_utils.Database(conn)
            self._db.enable_wal()
            for pragma in ("synchronous=FULL", "secure_delete=ON"):
                conn.execute(f"PRAGMA {pragma}")
            if "ratings" not in self._db.table_names():
                self._db["ratings"].create(_COLUMNS, pk="rating_id",
                                           not_null={"state", "created_at", "body_sha256",
                                                     "attempts", "next_attempt_at"},
                                           defaults={"attempts": 0})
            elif set(self._db["ratings"].columns_dict) != set(_COLUMNS):
                raise SchemaError(f"{self.path.name} is not a rating box")
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise SchemaError(f"{self.path.name} is not a usable rating box: {exc}") from None
        self._seal = LocalSealer(self.path.with_name(self.path.name + ".key"))

    def close(self) -> None:
        with self._lock:
            self._db.conn.close()

    # ------------------------------------------------------------------ the kiosk's side

    def add(self, rating_id: str, body: dict) -> None:
        """Store one rating durably; returns once it is on disk.

        Raises:
            InvalidRating: a malformed id or body; nothing stored.
            DuplicateRating: the id is stored with another body; nothing changed.
        """
        if not isinstance(rating_id, str) or not SUBMISSION_ID_RE.match(rating_id):
            raise InvalidRating("a rating id is 3-64 URL-safe characters")
        if not isinstance(body, dict) or body.get("rating_id") != rating_id:
            raise InvalidRating("the body must be a dict carrying its own rating_id")
        try:
            plain = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                               allow_nan=False).encode()
        except (TypeError, ValueError) as exc:
            raise InvalidRating(f"the rating is not JSON: {exc}") from None
        if len(plain) > MAX_BODY_BYTES:
            raise InvalidRating(f"a rating is at most {MAX_BODY_BYTES} bytes")
        digest = hashlib.sha256(plain).hexdigest()
        now = self._clock()
        with self._lock, self._db.atomic():
            rows = list(self._db["ratings"].rows_where("rating_id = ?", [rating_id]))
            if rows:
                if rows[0]["body_sha256"] != digest:
                    raise DuplicateRating(f"rating {rating_id} is stored with another body")
                return
            self._db["ratings"].insert({
                "rating_id": rating_id, "state": RatingState.QUEUED.value, "created_at": now,
                "body": self._seal.seal(rating_id, plain), "body_sha256": digest,
                "attempts": 0, "next_attempt_at": now})

    def status(self, rating_id: str) -> RatingStatus | None:
        with self._lock:
            rows = list(self._db["ratings"].rows_where("rating_id = ?", [rating_id]))
        if not rows:
            return None
        r = rows[0]
        return RatingStatus(r["rating_id"], RatingState(r["state"]), r["attempts"],
                            r["last_error"])

    def counts(self) -> dict[RatingState, int]:
        with self._lock:
            found = dict(self._db.execute("SELECT state, COUNT(*) FROM ratings GROUP BY state")
                         .fetchall())
        return {s: int(found.get(s.value, 0)) for s in RatingState}

    # ------------------------------------------------------------------ the sync worker's side

    def due(self, limit: int) -> list[str]:
        """Queued ratings whose next attempt is due, oldest first."""
        with self._lock:
            return [r[0] for r in self._db.execute(
                "SELECT rating_id FROM ratings WHERE state = ? AND next_attempt_at <= ? "
                "ORDER BY created_at, rating_id LIMIT ?",
                [RatingState.QUEUED.value, self._clock(), limit])]

    def body(self, rating_id: str) -> dict | None:
        """The rating as it is sent; None when it is gone or its key was replaced."""
        with self._lock:
            rows = list(self._db["ratings"].rows_where("rating_id = ?", [rating_id]))
        if not rows or rows[0]["body"] is None:
            return None
        plain = self._seal.open(rating_id, rows[0]["body"])
        return json.loads(plain) if plain is not None else None

    def mark_sent(self, rating_id: str) -> None:
        """The platform has it: drop the body, keep the id."""
        with self._lock:
            self._db.execute("UPDATE ratings SET state = ?, body = NULL, sent_at = ?, "
                             "attempts = attempts + 1, last_error = NULL WHERE rating_id = ?",
                             [RatingState.SENT.value, self._clock(), rating_id])

    def mark_failed(self, rating_id: str, error: str, retry_at: float | None) -> int:
        """An attempt failed: try again at ``retry_at``, or hold it (None). Returns attempts."""
        state = RatingState.QUEUED if retry_at is not None else RatingState.HELD
        with self._lock:
            self._db.execute("UPDATE ratings SET state = ?, attempts = attempts + 1, "
                             "last_error = ?, next_attempt_at = ? WHERE rating_id = ?",
                             [state.value, error[:200], retry_at or 0.0, rating_id])
            row = self._db.execute("SELECT attempts FROM ratings WHERE rating_id = ?",
                                   [rating_id]).fetchone()
        return int(row[0]) if row else 0

    def attempts(self, rating_id: str) -> int:
        status = self.status(rating_id)
        return status.attempts if status else 0
