"""SQLite storage for the reference platform (one file, WAL journal).

Holds registered kiosks, remembered nonces, submissions with their stored first answer
(idempotency), resumable attachment chunks, registered enterprise names, ratings, console
users, heartbeats, help calls, and for the citizen services (全城通办) an index of whose
application each submission is (a person key, never the ID number) and the licence prints.
Every write that belongs together runs in one ``transaction()``.

This module knows tables and rows only: no HTTP, no crypto, no domain rules. One ``Store``
object belongs to one thread (sqlite3's rule); other threads open their own.
"""
from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

DB_FILE = "central.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS kiosks (
    kiosk_id TEXT PRIMARY KEY, public_key TEXT NOT NULL, registered_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS nonces (
    kiosk_id TEXT NOT NULL, nonce TEXT NOT NULL, ts INTEGER NOT NULL,
    PRIMARY KEY (kiosk_id, nonce));
CREATE INDEX IF NOT EXISTS nonces_ts ON nonces (ts);
CREATE TABLE IF NOT EXISTS submissions (
    submission_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, body_sha256 TEXT NOT NULL,
    subject_type TEXT NOT NULL, created_at TEXT NOT NULL, envelope TEXT NOT NULL,
    record BLOB NOT NULL, status TEXT NOT NULL, reasons TEXT NOT NULL DEFAULT '[]',
    licence TEXT, received_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    response_code INTEGER NOT NULL, response_body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS attachments (
    submission_id TEXT NOT NULL, name TEXT NOT NULL, size INTEGER NOT NULL,
    sha256 TEXT NOT NULL, received INTEGER NOT NULL DEFAULT 0, complete INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (submission_id, name));
CREATE TABLE IF NOT EXISTS attachment_chunks (
    submission_id TEXT NOT NULL, name TEXT NOT NULL, offset INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (submission_id, name, offset));
CREATE TABLE IF NOT EXISTS names (
    name TEXT PRIMARY KEY, subject_type TEXT NOT NULL, source TEXT NOT NULL,
    registered_at TEXT NOT NULL, trade_name TEXT, industry TEXT);
CREATE TABLE IF NOT EXISTS ratings (
    rating_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, submission_id TEXT NOT NULL,
    level INTEGER NOT NULL, negative INTEGER NOT NULL, body TEXT NOT NULL,
    body_sha256 TEXT NOT NULL, received_at TEXT NOT NULL,
    response_code INTEGER NOT NULL, response_body TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS users (
    username TEXT PRIMARY KEY, display_name TEXT NOT NULL, role TEXT NOT NULL,
    password_hash TEXT NOT NULL, created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS heartbeats (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kiosk_id TEXT NOT NULL, received_at TEXT NOT NULL,
    body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS heartbeats_kiosk ON heartbeats (kiosk_id, id);
CREATE TABLE IF NOT EXISTS counters (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS help_calls (
    call_id TEXT PRIMARY KEY, kiosk_id TEXT NOT NULL, page TEXT NOT NULL, reason TEXT NOT NULL,
    status TEXT NOT NULL, opened_at TEXT NOT NULL, updated_at TEXT NOT NULL,
    answered_by TEXT NOT NULL DEFAULT '', body_sha256 TEXT NOT NULL,
    response_code INTEGER NOT NULL, response_body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS help_calls_status ON help_calls (status, opened_at);
-- Append-only: one row each time a submission is newly accepted, in the same transaction. No
-- key but the sequence on purpose: it is the witness a duplicate would show in, where the
-- submissions table's primary key would hide it (the crash campaign counts from here).
CREATE TABLE IF NOT EXISTS accept_log (
    seq INTEGER PRIMARY KEY AUTOINCREMENT, submission_id TEXT NOT NULL, kiosk_id TEXT NOT NULL,
    application_key TEXT NOT NULL, accepted_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS citizen_index (
    submission_id TEXT PRIMARY KEY, person_key TEXT NOT NULL, business_name TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS citizen_index_person ON citizen_index (person_key);
CREATE TABLE IF NOT EXISTS licence_prints (
    print_id TEXT PRIMARY KEY, submission_id TEXT NOT NULL, kiosk_id TEXT NOT NULL,
    number INTEGER NOT NULL, verified_by TEXT NOT NULL, counted_at TEXT NOT NULL,
    body_sha256 TEXT NOT NULL, response_code INTEGER NOT NULL, response_body TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS licence_prints_submission ON licence_prints (submission_id);
"""


def utc_now() -> str:
    """Current UTC time as ISO 8601 text with seconds."""
    return dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat()


class Store:
    """One connection to the platform database."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode; transaction() opens explicit BEGIN IMMEDIATE blocks.
        self.conn = sqlite3.connect(self.path, isolation_level=None, timeout=10)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.executescript(_SCHEMA)
        columns = {r[1] for r in self.conn.execute("PRAGMA table_info(names)")}
        for column in ("trade_name", "industry"):     # a database from before the name index
            if column not in columns:
                self.conn.execute(f"ALTER TABLE names ADD COLUMN {column} TEXT")
        self.conn.execute("CREATE INDEX IF NOT EXISTS names_key ON names (trade_name, industry)")

    @classmethod
    def in_dir(cls, data_dir: Path) -> Store:
        return cls(Path(data_dir) / DB_FILE)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def transaction(self, durable: bool = False) -> Iterator[sqlite3.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back if the block raises.

        ``durable``: the commit is on disk when it returns (``synchronous=FULL`` for this one
        transaction; it syncs the WAL, so every earlier commit too). For what the platform
        answers a kiosk that then forgets it: an accepted submission, a chunk, a rating. With
        the connection's ``NORMAL``, a power cut may take back the last commits (never
        corrupting the file), which is fine for nonces and heartbeats, not for an acceptance.
        """
        if durable:
            self.conn.execute("PRAGMA synchronous=FULL")
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
        finally:
            if durable:
                self.conn.execute("PRAGMA synchronous=NORMAL")

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """Inside a transaction: the block's writes are undone if it raises, the rest stand."""
        self.conn.execute("SAVEPOINT part")
        try:
            yield
        except BaseException:
            self.conn.execute("ROLLBACK TO part")
            raise
        finally:
            self.conn.execute("RELEASE part")

    def _one(self, sql: str, *args: Any) -> dict | None:
        row = self.conn.execute(sql, args).fetchone()
        return dict(row) if row is not None else None

    # -- kiosks and nonces ---------------------------------------------------------------

    def register_kiosk(self, kiosk_id: str, public_key_b64: str) -> None:
        self.conn.execute(
            "INSERT INTO kiosks (kiosk_id, public_key, registered_at) VALUES (?, ?, ?) "
            "ON CONFLICT (kiosk_id) DO UPDATE SET public_key = excluded.public_key",
            (kiosk_id, public_key_b64, utc_now()))

    def kiosk_key(self, kiosk_id: str) -> str | None:
        row = self._one("SELECT public_key FROM kiosks WHERE kiosk_id = ?", kiosk_id)
        return row["public_key"] if row else None

    def remember_nonce(self, kiosk_id: str, nonce: str, ts: int, forget_before: int) -> bool:
        """Record a nonce; False if this kiosk used it before (a replay).

        Nonces whose timestamp is older than ``forget_before`` are pruned: a request that old is
        refused as stale anyway, so remembering it longer buys nothing.
        """
        with self.transaction() as c:
            c.execute("DELETE FROM nonces WHERE ts < ?", (forget_before,))
            cur = c.execute("INSERT OR IGNORE INTO nonces (kiosk_id, nonce, ts) VALUES (?, ?, ?)",
                            (kiosk_id, nonce, ts))
            return cur.rowcount == 1

    # -- submissions ---------------------------------------------------------------------

    def submission(self, submission_id: str) -> dict | None:
        return self._one("SELECT * FROM submissions WHERE submission_id = ?", submission_id)

    def insert_submission(self, row: dict, attachments: list[dict], application_key: str) -> None:
        """Insert a submission and its declared attachments, and append it to the accept log
        (caller holds a transaction). ``application_key``: the keyed hash of what makes it the
        application it is (``PlatformKeys.application_key``)."""
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO submissions ({cols}) VALUES ({marks})", tuple(row.values()))
        self.conn.executemany(
            "INSERT INTO attachments (submission_id, name, size, sha256) VALUES (?, ?, ?, ?)",
            [(row["submission_id"], a["name"], a["size"], a["sha256"]) for a in attachments])
        self.conn.execute(
            "INSERT INTO accept_log (submission_id, kiosk_id, application_key, accepted_at) "
            "VALUES (?, ?, ?, ?)", (row["submission_id"], row["kiosk_id"], application_key,
                                    row["received_at"]))

    def accept_log(self) -> list[dict]:
        """Every acceptance in order (``seq``, ``submission_id``, ``kiosk_id``,
        ``application_key``, ``accepted_at``): a submission accepted twice shows twice."""
        return [dict(r) for r in self.conn.execute("SELECT * FROM accept_log ORDER BY seq")]

    def set_decision(self, submission_id: str, status: str, reasons: list[str],
                     licence: dict | None) -> None:
        self.conn.execute(
            "UPDATE submissions SET status = ?, reasons = ?, licence = ?, updated_at = ? "
            "WHERE submission_id = ?",
            (status, json.dumps(reasons, ensure_ascii=False),
             json.dumps(licence, ensure_ascii=False) if licence is not None else None,
             utc_now(), submission_id))

    def set_response(self, submission_id: str, code: int, body: str) -> None:
        self.conn.execute(
            "UPDATE submissions SET response_code = ?, response_body = ? WHERE submission_id = ?",
            (code, body, submission_id))

    def stored_submission_ids(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT submission_id FROM submissions ORDER BY received_at, rowid")]

    # -- attachments ---------------------------------------------------------------------

    def attachments(self, submission_id: str) -> list[dict]:
        return [dict(r) for r in self.conn.execute(
            "SELECT * FROM attachments WHERE submission_id = ? ORDER BY name", (submission_id,))]

    def attachment(self, submission_id: str, name: str) -> dict | None:
        return self._one("SELECT * FROM attachments WHERE submission_id = ? AND name = ?",
                         submission_id, name)

    def append_chunk(self, submission_id: str, name: str, offset: int, data: bytes) -> None:
        """Store one chunk at ``offset`` and advance ``received`` (caller holds a transaction)."""
        self.conn.execute(
            "INSERT INTO attachment_chunks (submission_id, name, offset, data) VALUES (?, ?, ?, ?)",
            (submission_id, name, offset, data))
        self.conn.execute(
            "UPDATE attachments SET received = ? WHERE submission_id = ? AND name = ?",
            (offset + len(data), submission_id, name))

    def attachment_bytes(self, submission_id: str, name: str) -> bytes:
        rows = self.conn.execute(
            "SELECT data FROM attachment_chunks WHERE submission_id = ? AND name = ? "
            "ORDER BY offset", (submission_id, name))
        return b"".join(r[0] for r in rows)

    def restart_attachment(self, submission_id: str, name: str) -> None:
        self.conn.execute("DELETE FROM attachment_chunks WHERE submission_id = ? AND name = ?",
                          (submission_id, name))
        self.conn.execute(
            "UPDATE attachments SET received = 0, complete = 0 WHERE submission_id = ? AND name = ?",
            (submission_id, name))

    def mark_attachment_complete(self, submission_id: str, name: str) -> None:
        self.conn.execute(
            "UPDATE attachments SET complete = 1 WHERE submission_id = ? AND name = ?",
            (submission_id, name))

    # -- names ---------------------------------------------------------------------------

    def registered_names(self) -> list[dict]:
        return [dict(r) for r in self.conn.execute("SELECT * FROM names ORDER BY name")]

    def add_name(self, name: str, subject_type: str, source: str,
                 key: tuple[str, str] | None = None) -> None:
        """Register a name; ``key`` is its (字号, 行业), the index the collision check uses."""
        trade, industry = key or (None, None)
        self.conn.execute(
            "INSERT OR IGNORE INTO names (name, subject_type, source, registered_at, trade_name, "
            "industry) VALUES (?, ?, ?, ?, ?, ?)",
            (name, subject_type, source, utc_now(), trade, industry))

    def names_colliding(self, name: str, key: tuple[str, str] | None) -> list[str]:
        """Registered names equal to ``name`` or with the same (字号, 行业) ``key``: an index
        lookup, however many names are registered."""
        if key is None:
            rows = self.conn.execute("SELECT name FROM names WHERE name = ?", (name,))
        else:
            rows = self.conn.execute(
                "SELECT name FROM names WHERE name = ? UNION "
                "SELECT name FROM names WHERE trade_name = ? AND industry = ? ORDER BY name",
                (name, *key))
        return [r[0] for r in rows]

    def names_without_key(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM names WHERE trade_name IS NULL")]

    def set_name_key(self, name: str, key: tuple[str, str] | None) -> None:
        trade, industry = key or ("", "")      # "": looked at, no 字号 and 行业 to be found
        self.conn.execute("UPDATE names SET trade_name = ?, industry = ? WHERE name = ?",
                          (trade, industry, name))

    # -- ratings -------------------------------------------------------------------------

    def rating(self, rating_id: str) -> dict | None:
        return self._one("SELECT * FROM ratings WHERE rating_id = ?", rating_id)

    def insert_rating(self, row: dict) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO ratings ({cols}) VALUES ({marks})", tuple(row.values()))

    def rating_counts(self) -> dict[int, int]:
        return {r[0]: r[1] for r in self.conn.execute(
            "SELECT level, COUNT(*) FROM ratings GROUP BY level")}

    def ratings_by_level_and_tag(self) -> list[dict]:
        """(level, reason tag, count) over every rating; a rating without tags counts once
        under the tag ''. For the console's 好差评 summary."""
        rows = self.conn.execute(
            "SELECT level, COALESCE(t.value, '') AS tag, COUNT(*) AS n FROM ratings "
            "LEFT JOIN json_each(json_extract(ratings.body, '$.tags')) AS t "
            "GROUP BY level, tag ORDER BY level, n DESC, tag")
        return [dict(r) for r in rows]

    # -- console users -------------------------------------------------------------------

    def put_user(self, username: str, display_name: str, role: str, password_hash: str) -> None:
        self.conn.execute(
            "INSERT INTO users (username, display_name, role, password_hash, created_at) "
            "VALUES (?, ?, ?, ?, ?) ON CONFLICT (username) DO UPDATE SET "
            "display_name = excluded.display_name, role = excluded.role, "
            "password_hash = excluded.password_hash",
            (username, display_name, role, password_hash, utc_now()))

    def user(self, username: str) -> dict | None:
        return self._one("SELECT * FROM users WHERE username = ?", username)

    def set_password_hash(self, username: str, password_hash: str) -> None:
        self.conn.execute("UPDATE users SET password_hash = ? WHERE username = ?",
                          (password_hash, username))

    # -- heartbeats ----------------------------------------------------------------------

    def insert_heartbeat(self, kiosk_id: str, body: dict) -> str:
        now = utc_now()
        self.conn.execute("INSERT INTO heartbeats (kiosk_id, received_at, body) VALUES (?, ?, ?)",
                          (kiosk_id, now, json.dumps(body, ensure_ascii=False)))
        return now

    def kiosks(self) -> list[dict]:
        """Every registered kiosk with its latest heartbeat (None before the first)."""
        rows = self.conn.execute(
            "SELECT k.kiosk_id, k.registered_at, h.received_at, h.body FROM kiosks k "
            "LEFT JOIN heartbeats h ON h.id = (SELECT MAX(id) FROM heartbeats "
            "WHERE kiosk_id = k.kiosk_id) ORDER BY k.kiosk_id")
        return [{"kiosk_id": r["kiosk_id"], "registered_at": r["registered_at"],
                 "received_at": r["received_at"],
                 "heartbeat": json.loads(r["body"]) if r["body"] else None} for r in rows]

    def latest_heartbeat(self, kiosk_id: str) -> dict | None:
        row = self._one("SELECT * FROM heartbeats WHERE kiosk_id = ? ORDER BY id DESC LIMIT 1",
                        kiosk_id)
        if row is None:
            return None
        return {"kiosk_id": kiosk_id, "received_at": row["received_at"], **json.loads(row["body"])}

    # -- help calls (帮办) -------------------------------------------------------------------

    def help_call(self, call_id: str) -> dict | None:
        return self._one("SELECT * FROM help_calls WHERE call_id = ?", call_id)

    def insert_help_call(self, row: dict) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO help_calls ({cols}) VALUES ({marks})",
                          tuple(row.values()))

    def set_help_call(self, call_id: str, status: str, answered_by: str | None = None) -> None:
        self.conn.execute(
            "UPDATE help_calls SET status = ?, updated_at = ?, "
            "answered_by = COALESCE(?, answered_by) WHERE call_id = ?",
            (status, utc_now(), answered_by, call_id))

    def help_calls(self, statuses: tuple[str, ...] = ("open", "answered")) -> list[dict]:
        """Calls in these states, oldest first (the hall staff's list)."""
        marks = ", ".join("?" for _ in statuses)
        cur = self.conn.execute(f"SELECT * FROM help_calls WHERE status IN ({marks}) "
                                "ORDER BY opened_at, call_id", statuses)
        names = [d[0] for d in cur.description]
        return [dict(zip(names, r)) for r in cur.fetchall()]

    # -- citizen services (全城通办) -------------------------------------------------------

    def unindexed_submissions(self) -> list[dict]:
        """Submissions not yet in the citizen index (their records are still to be read)."""
        return [dict(r) for r in self.conn.execute(
            "SELECT s.submission_id, s.subject_type, s.envelope, s.record FROM submissions s "
            "LEFT JOIN citizen_index c ON c.submission_id = s.submission_id "
            "WHERE c.submission_id IS NULL ORDER BY s.received_at, s.rowid")]

    def index_person(self, submission_id: str, person_key: str, business_name: str) -> None:
        """Record whose application a submission is ("" for a record that cannot be read)."""
        self.conn.execute(
            "INSERT OR REPLACE INTO citizen_index (submission_id, person_key, business_name) "
            "VALUES (?, ?, ?)", (submission_id, person_key, business_name))

    def submissions_of(self, person_key: str) -> list[dict]:
        """The person's submissions with their business names, newest first."""
        return [dict(r) for r in self.conn.execute(
            "SELECT s.*, c.business_name, c.person_key FROM submissions s "
            "JOIN citizen_index c ON c.submission_id = s.submission_id "
            "WHERE c.person_key = ? ORDER BY s.received_at DESC, s.rowid DESC", (person_key,))]

    def person_of(self, submission_id: str) -> str | None:
        row = self._one("SELECT person_key FROM citizen_index WHERE submission_id = ?",
                        submission_id)
        return row["person_key"] if row else None

    def licence_print(self, print_id: str) -> dict | None:
        return self._one("SELECT * FROM licence_prints WHERE print_id = ?", print_id)

    def print_count(self, submission_id: str) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM licence_prints WHERE submission_id = ?",
                                     (submission_id,)).fetchone()[0])

    def insert_licence_print(self, row: dict) -> None:
        cols = ", ".join(row)
        marks = ", ".join("?" for _ in row)
        self.conn.execute(f"INSERT INTO licence_prints ({cols}) VALUES ({marks})",
                          tuple(row.values()))

    # -- counters ------------------------------------------------------------------------

    def next_value(self, name: str) -> int:
        """Next value of a named sequence, starting at 1 (caller holds a transaction)."""
        self.conn.execute("INSERT INTO counters (name, value) VALUES (?, 1) "
                          "ON CONFLICT (name) DO UPDATE SET value = value + 1", (name,))
        return int(self.conn.execute("SELECT value FROM counters WHERE name = ?",
                                     (name,)).fetchone()[0])

    def table_counts(self) -> dict[str, int]:
        """Row count of every business table, for tests that check nothing was stored."""
        tables = ["kiosks", "submissions", "attachments", "attachment_chunks", "names",
                  "ratings", "users", "heartbeats", "help_calls", "accept_log",
                  "citizen_index", "licence_prints"]
        return {t: int(self.conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0])
                for t in tables}
