"""The outbox's SQLite file: how it is opened, what tables it has, and its version.

What it does: opens the file through sqlite-utils with WAL, ``synchronous=FULL`` (a commit is on
disk when it returns) and ``secure_delete`` (a purged body is overwritten, not left in free
pages); creates the tables on a fresh file; brings a file of an older version up to date in one
transaction (`MIGRATIONS`); refuses files that are not an outbox or come from a newer version.
What it does not do: any query about submissions (see `outbox.py`).

Only non-personal metadata is stored in clear: ids, times, sizes, states, error codes. The
record and attachments are ciphertext sealed for the platform (`envelope.py`); the platform's
answer on approval (reasons, licence) is ciphertext under a local key (`outbox.py`).

An enqueue is what the person waits for, so the shape is chosen for the pages it writes (about
25 of 16 KiB for a 288 KiB submission, `bench/queue_enqueue.py`): one small submission row, the
attachments end to end in one body row that is never updated, and only the indexes a query
uses, partial where a new submission has nothing to index.
"""
from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Union

import sqlite_utils
import xxhash

from offline_queue.model import SchemaError

SCHEMA_VERSION = 6
PAGE_SIZE = 16384
APP_ID = "kiosk-outbox"

TABLES: dict[str, dict] = {
    "meta": {"columns": {"key": str, "value": str}, "pk": "key"},
    "submissions": {
        "columns": {
            "submission_id": str, "subject_type": str,
            "created_at": float, "created_iso": str,
            "state": str,
            "envelope": str,            # envelope header JSON (no personal data); NULL once purged
            "record": bytes,            # record ciphertext; NULL once purged
            "record_size": int, "attachments_size": int,
            "attempts": int, "next_attempt_at": float, "last_error": str,
            "sent_at": float, "purged_at": float,
            "remote_status": str, "remote_detail": bytes,   # detail sealed under the local key
            "remote_verified": int,     # 1: remote_status is from a signed decision that verified
            "remote_updated_at": str, "status_checked_at": float,
            "application_key": str,     # keyed hash of what makes it this application
            "parts": str,               # JSON [{name, size, xxh3}], the body's order
            "body_id": int,             # its row in `bodies`; NULL once purged or if no parts
        },
        "pk": "submission_id",
        "not_null": {"subject_type", "created_at", "created_iso", "state", "record_size",
                     "attachments_size", "attempts", "remote_verified"},
        "defaults": {"attempts": 0, "attachments_size": 0, "remote_verified": 0},
    },
    # Every attachment ciphertext of one submission, end to end in the order of its `parts`:
    # one row and one overflow chain a submission, written once and never updated (a state
    # change rewrites only the small submission row), deleted whole when purged.
    "bodies": {"columns": {"id": int, "data": bytes}, "pk": "id"},
    "attempts": {
        "columns": {"id": int, "submission_id": str, "started_at": float,
                    "finished_at": float, "outcome": str, "error": str},
        "pk": "id",
        "not_null": {"submission_id", "started_at"},
        "foreign_keys": [("submission_id", "submissions", "submission_id")],
    },
}

#: SQL (or a function of the connection) that takes a file from version N to N+1, run in order
#: in one transaction: a migration cut short leaves the file as it was.
# Sent submissions still waiting for a decision: the sync worker polls these every round, and
# they are a handful among thousands of decided ones (a full scan cost 24 ms a round at 10,000).
UNDECIDED_INDEX = ("CREATE INDEX IF NOT EXISTS submissions_undecided ON submissions "
                   "(status_checked_at, created_at) WHERE state = 'sent' AND "
                   "(remote_status IS NULL OR remote_status = 'received')")

APPLICATION_KEY_INDEX = ("CREATE INDEX IF NOT EXISTS submissions_application_key ON submissions "
                         "(application_key) WHERE application_key IS NOT NULL")

# Submissions that have a verdict, by verdict (the summary's counts). Partial: a new submission
# has none, so an enqueue does not write a page of it.
REMOTE_STATUS_INDEX = ("CREATE INDEX IF NOT EXISTS submissions_remote_status ON submissions "
                       "(remote_status) WHERE remote_status IS NOT NULL")


def _bodies_from_attachments(conn: sqlite3.Connection) -> None:
    """Version 5: each submission's attachments move from one row each (with an index of their
    own) into one body row; their names, sizes and digests into `submissions.parts`."""
    conn.execute("CREATE TABLE bodies (id INTEGER PRIMARY KEY, data BLOB)")
    conn.execute("ALTER TABLE submissions ADD COLUMN parts TEXT")
    conn.execute("ALTER TABLE submissions ADD COLUMN body_id INTEGER")
    ids = [r[0] for r in conn.execute("SELECT DISTINCT submission_id FROM attachments")]
    for sid in ids:   # one submission's blobs in memory at a time
        rows = conn.execute("SELECT name, size, sha256, data FROM attachments "
                            "WHERE submission_id = ? ORDER BY name", [sid]).fetchall()
        body_id = None
        if all(data is not None for *_, data in rows):      # purged: all of them are NULL
            body_id = conn.execute("INSERT INTO bodies (data) VALUES (?)",
                                   [b"".join(data for *_, data in rows)]).lastrowid
        conn.execute("UPDATE submissions SET parts = ?, body_id = ? WHERE submission_id = ?",
                     [json.dumps([{"name": name, "size": size, "sha256": sha}   # version 5's
                                  for name, size, sha, _ in rows], separators=(",", ":")), body_id,
                      sid])
    conn.execute("UPDATE submissions SET parts = '[]' WHERE parts IS NULL")
    conn.execute("DROP TABLE attachments")
    conn.execute("DROP INDEX idx_submissions_remote_status_status_checked_at")
    conn.execute(REMOTE_STATUS_INDEX)


def part_checksum(data: bytes | memoryview) -> str:
    """A part's check against damage at rest: the XXH3-128 of its ciphertext.

    Not a cryptographic hash, on purpose: it sits in clear beside the bytes it checks, so it
    guards against a damaged disk, not an attacker (the platform's AES-GCM tag does that, and
    the SHA-256 the contract asks for is taken when the part is sent, `Outbox.outgoing`). A
    SHA-256 here cost 150 us of every enqueue's 1 ms; this costs 3 (bench/queue_enqueue.py).
    """
    return xxhash.xxh3_128_hexdigest(data)


def part_intact(part: dict, data: bytes) -> bool:
    """Whether ``data`` is the part `submissions.parts` describes, by size and checksum (a
    description damaged itself describes nothing: not intact)."""
    if not isinstance(part, dict) or len(data) != part.get("size"):
        return False
    if isinstance(part.get("xxh3"), str):
        return part_checksum(data) == part["xxh3"]
    if isinstance(part.get("sha256"), str):                       # queued before version 6
        return hashlib.sha256(data).hexdigest() == part["sha256"]
    return False


def encode_parts(parts: Iterable[tuple[str, int, str]]) -> str:
    """`submissions.parts` of ``(name, size, part_checksum)`` in body order."""
    return json.dumps([{"name": n, "size": size, "xxh3": check} for n, size, check in parts],
                      separators=(",", ":"))


def decode_parts(text: str | None) -> list[dict]:
    """`submissions.parts` read back: ``{"name", "size"}`` and the part's ``xxh3`` (or, if it
    was queued before version 6, its ``sha256``), in body order."""
    return json.loads(text) if text else []


Migration = Union[str, Callable[[sqlite3.Connection], None]]

MIGRATIONS: dict[int, tuple[Migration, ...]] = {
    # Version 2: decisions are signed. A status recorded before was never verified: it goes back
    # to `received` and is asked for again; the licence kept with it is dropped, and comes back
    # with the signed decision.
    1: ("ALTER TABLE submissions ADD COLUMN remote_verified INTEGER NOT NULL DEFAULT 0",
        "UPDATE submissions SET remote_detail = NULL, remote_status = 'received' "
        "WHERE remote_status IS NOT NULL"),
    # Version 3: an index of the sent submissions still waiting for their decision.
    2: (UNDECIDED_INDEX,),
    # Version 4: the same application submitted again (after a crash, in a new visit) is
    # recognised by a keyed hash of what makes it that application; older rows have none.
    3: ("ALTER TABLE submissions ADD COLUMN application_key TEXT", APPLICATION_KEY_INDEX),
    # Version 5: an enqueue writes fewer pages (bench/queue_enqueue.py): the attachments in one
    # body row (`_bodies_from_attachments`), no index of them, and the verdict index partial.
    4: (_bodies_from_attachments,),
    # Version 6: a new part's checksum is XXH3-128 (`part_checksum`); a part queued before keeps
    # its SHA-256, which `part_intact` still checks. Nothing to rewrite: the version says only
    # that older software, which knows no XXH3, must not read this file.
    5: (),
}

INDEXES = [
    ("submissions", ["state", "next_attempt_at", "created_at"]),
    ("attempts", ["submission_id"]),
]


def open_database(path: Path) -> sqlite_utils.Database:
    """Open (and on first use create) the outbox database at `path`.

    The connection is in autocommit mode (``isolation_level=None``) so that every transaction is
    an explicit ``db.atomic()`` block; it may be used from several threads provided the caller
    serialises access (the outbox holds a lock).

    Raises:
        SchemaError: the file is not a SQLite database, is another program's database, or was
            written by a newer schema version.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    new = not path.exists() or path.stat().st_size == 0
    conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False, timeout=30)
    try:
        if new:
            # A submission is a few hundred KB of blobs: 16 KiB pages write it in a quarter of
            # the WAL frames 4 KiB pages need (0.35 against 0.49 ms a durable commit, measured
            # by bench/queue_enqueue.py). Only a new file can choose; an old one keeps its own.
            conn.execute(f"PRAGMA page_size={PAGE_SIZE}")
        db = sqlite_utils.Database(conn)
        db.enable_wal()
        conn.execute(f"PRAGMA wal_autocheckpoint={4 * 1024 * 1024 // PAGE_SIZE}")  # ~4 MiB of WAL
        for pragma in ("synchronous=FULL", "secure_delete=ON", "foreign_keys=ON"):
            conn.execute(f"PRAGMA {pragma}")
        _ensure_schema(db)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise SchemaError(f"{path.name} is not a usable outbox database: {exc}") from None
    except SchemaError:
        conn.close()
        raise
    return db


def _ensure_schema(db: sqlite_utils.Database) -> None:
    names = set(db.table_names())
    if not names:
        with db.atomic():
            if not db.table_names():   # another process may have won the race
                _create(db)
        return
    if "meta" not in names:
        raise SchemaError("database has tables but no outbox metadata: not an outbox file")
    meta = {row["key"]: row["value"] for row in db["meta"].rows}
    if meta.get("app") != APP_ID:
        raise SchemaError("database belongs to another application")
    try:
        version = int(meta.get("schema_version", ""))
    except ValueError:
        raise SchemaError("outbox schema version is unreadable") from None
    if version > SCHEMA_VERSION:
        raise SchemaError(f"outbox schema version {version} is newer than this software "
                          f"({SCHEMA_VERSION}); upgrade the kiosk software")
    if version < SCHEMA_VERSION:
        _migrate(db, version)
    missing = set(TABLES) - set(db.table_names())
    if missing:
        raise SchemaError(f"outbox is missing tables: {', '.join(sorted(missing))}")


def _migrate(db: sqlite_utils.Database, version: int) -> None:
    if version < 1:
        raise SchemaError(f"outbox schema version {version} is unknown")
    conn = db.conn
    conn.execute("BEGIN IMMEDIATE")   # one writer: another process may be migrating too
    try:
        current = int(conn.execute("SELECT value FROM meta WHERE key = 'schema_version'")
                      .fetchone()[0])
        for step in range(current, SCHEMA_VERSION):
            for sql in MIGRATIONS[step]:
                if callable(sql):
                    sql(conn)
                else:
                    conn.execute(sql)
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                     [str(SCHEMA_VERSION)])
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _create(db: sqlite_utils.Database) -> None:
    for name, spec in TABLES.items():
        db[name].create(spec["columns"], pk=spec["pk"], not_null=spec.get("not_null"),
                        defaults=spec.get("defaults"), foreign_keys=spec.get("foreign_keys"))
    for table, cols in INDEXES:
        db[table].create_index(cols)
    db.conn.execute(UNDECIDED_INDEX)
    db.conn.execute(APPLICATION_KEY_INDEX)
    db.conn.execute(REMOTE_STATUS_INDEX)
    db["meta"].insert_all([{"key": "app", "value": APP_ID},
                           {"key": "schema_version", "value": str(SCHEMA_VERSION)}])
