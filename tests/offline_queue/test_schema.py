"""The outbox file's schema: its shape, refusal of files that are not an outbox, and the
migration of files older versions wrote (a real version 4 file: data/make_outbox_v4.py)."""
from __future__ import annotations

import hashlib
import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import sqlite_utils
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from hypothesis import given
from hypothesis import strategies as st

from contract import envelope
from contract.wire import DecisionStatus
from offline_queue.model import QueueState, SchemaError, UnknownSubmission
from offline_queue.outbox import Outbox
from offline_queue.schema import SCHEMA_VERSION, TABLES, encode_parts, part_checksum, part_intact
from tests.offline_queue.conftest import LICENCE, V4_FILE

ROOT = Path(__file__).resolve().parents[2]
V4 = json.loads(V4_FILE.with_suffix(".json").read_text())
V4_KEY = X25519PrivateKey.from_private_bytes(bytes.fromhex(V4["platform_private_key"]))


def test_fresh_file_has_every_table_and_column(make_outbox):
    box = make_outbox()
    db = sqlite_utils.Database(sqlite3.connect(box.path))
    for table, spec in TABLES.items():
        assert set(db[table].columns_dict) == set(spec["columns"]), table
    meta = {r["key"]: r["value"] for r in db["meta"].rows}
    assert meta == {"app": "kiosk-outbox", "schema_version": str(SCHEMA_VERSION)}
    assert db["attempts"].foreign_keys[0].other_table == "submissions"


def test_personal_columns_do_not_exist(make_outbox):
    cols = {c for spec in TABLES.values() for c in spec["columns"]}
    assert not cols & {"applicant", "id_number", "phone", "licence", "reasons", "legal_person"}
    # `submissions.parts` names the parts ("face"), never a person.
    assert "parts" in TABLES["submissions"]["columns"]


def test_garbage_file_is_refused(tmp_path, platform_private):
    path = tmp_path / "outbox.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(SchemaError, match="not a usable outbox"):
        Outbox(path, platform_private.public_key())
    assert path.read_bytes().startswith(b"this is not sqlite")   # left as found


def test_another_programs_database_is_refused(tmp_path, platform_private):
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE customers (id INTEGER, name TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="not an outbox"):
        Outbox(path, platform_private.public_key())


def test_newer_schema_is_refused(make_outbox, platform_private):
    box = make_outbox()
    box._db.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'",
                    [str(SCHEMA_VERSION + 1)])
    path = box.path
    box.close()
    with pytest.raises(SchemaError, match="newer"):
        Outbox(path, platform_private.public_key())


def test_foreign_app_id_and_unreadable_version_are_refused(make_outbox, platform_private):
    box = make_outbox()
    path = box.path
    box._db.execute("UPDATE meta SET value = 'x' WHERE key = 'schema_version'")
    box.close()
    with pytest.raises(SchemaError, match="unreadable"):
        Outbox(path, platform_private.public_key())
    conn = sqlite3.connect(path)
    conn.execute("UPDATE meta SET value = 'someone-else' WHERE key = 'app'")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaError, match="another application"):
        Outbox(path, platform_private.public_key())


def test_unknown_state_in_file_is_a_schema_error(make_outbox, ids):
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, {"subject_type": "branch"}, {}, "branch")
    box._db.execute("UPDATE submissions SET state = 'teleported'")
    with pytest.raises(SchemaError, match="teleported"):
        box.status(sid)


def test_bad_local_key_file_is_refused(tmp_path, platform_private):
    (tmp_path / "outbox.db.key").write_bytes(b"short")
    with pytest.raises(SchemaError, match="32-byte"):
        Outbox(tmp_path / "outbox.db", platform_private.public_key())


def test_a_version_1_file_is_migrated_and_its_unsigned_verdicts_asked_again(
        make_outbox, v4_file, clock):
    sid = "V4-SENT"   # approved, by a decision that verified
    # Turn what version 4 wrote back into what version 1 wrote: no remote_verified column (and
    # nothing of the later versions).
    conn = sqlite3.connect(v4_file)
    conn.execute("DROP INDEX submissions_application_key")
    conn.execute("ALTER TABLE submissions DROP COLUMN application_key")
    conn.execute("ALTER TABLE submissions DROP COLUMN remote_verified")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    again = make_outbox(v4_file.name)
    meta = {r["key"]: r["value"] for r in again._db["meta"].rows}
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    status = again.status(sid)
    assert status.remote_status is DecisionStatus.RECEIVED   # unproven until signed again
    assert not status.verified and status.licence is None and not status.decided
    clock.advance(86400)
    # Every recorded verdict was unsigned then, the purged one's too: all are asked again.
    assert sorted(again.needs_status(60, 10)) == ["V4-PURGED", sid]


def _shape(path: Path) -> dict:
    """Tables with their columns, indexes with their columns and WHERE: what queries can use."""
    with sqlite3.connect(path) as conn:
        shape = {}
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master "
                                            "WHERE name NOT LIKE 'sqlite_%'"):
            info = "table_info" if kind == "table" else "index_info"
            cols = [r[-1] if kind == "index" else r[1]
                    for r in conn.execute(f"PRAGMA {info}([{name}])")]
            where = sql.split(" WHERE ", 1)[1] if kind == "index" and " WHERE " in sql else None
            shape[name] = (kind, sorted(cols) if kind == "table" else cols, where)
    return shape


def assert_holds_what_version_4_wrote(box: Outbox) -> None:
    """Every submission of data/outbox-v4.db, whole: its row, its history, a record and parts
    the platform can open, the purged one without a body, the signed verdict and licence."""
    expected = V4["submissions"]
    assert {r["submission_id"]: r for r in box.report_rows()} == {
        sid: e["row"] for sid, e in expected.items()}
    for sid, want in expected.items():
        assert [{k: a[k] for k in ("outcome", "error")} for a in box.history(sid)] == want["history"]
        if want["row"]["purged_at"] is not None:
            with pytest.raises(UnknownSubmission):
                box.outgoing(sid)
            continue
        out, parts = box.outgoing(sid)
        plain = envelope.open_record(V4_KEY, out.envelope, out.record)
        assert hashlib.sha256(plain).hexdigest() == want["record_sha256"]
        opened = {}
        digests = {m.name: m.sha256 for m in out.attachments}
        for part in parts:
            blob = box.attachment_chunk(sid, part["name"], 0, part["size"] + 1)
            # Queued before version 6: checked by the SHA-256 it was queued with.
            assert len(blob) == part["size"] and hashlib.sha256(blob).hexdigest() == part["sha256"]
            assert digests[part["name"]] == part["sha256"] and part_intact(part, blob)
            assert not part_intact(part, blob[:-1] + bytes([blob[-1] ^ 1]))
            opened[part["name"]] = hashlib.sha256(envelope.open_attachment(
                V4_KEY, out.envelope, part["name"], blob)).hexdigest()
            assert part["complete"] == (want["row"]["state"] == "sent")
        assert opened == want["parts"]
    sent = box.status("V4-SENT")
    assert sent.decided and sent.remote_status is DecisionStatus.APPROVED
    assert sent.licence == LICENCE.model_dump(mode="json")
    purged = box.status("V4-PURGED")
    assert purged.purged and purged.reasons == ("请补充经营场所证明",)
    assert box._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert box._db.execute("PRAGMA foreign_key_check").fetchall() == []


def test_a_version_4_file_keeps_every_submission_and_gets_the_fresh_shape(
        v4_file, make_outbox, clock):
    box = make_outbox(v4_file.name)
    assert {r["key"]: r["value"] for r in box._db["meta"].rows}["schema_version"] == "6"
    assert_holds_what_version_4_wrote(box)
    # The same application is still recognised, and the queue goes on as a fresh one would.
    record = {"subject_type": "individual_business"}
    assert box.enqueue("V5-AGAIN", record, {}, "individual_business",
                       same_as="same-application") == "V4-SAME"
    box.recover_interrupted()
    assert box.status("V4-SENDING").state is QueueState.FAILED
    clock.advance(8 * 86400)
    assert box.purge_expired() == 1 and box.status("V4-SENT").purged    # a migrated body goes
    assert box._db.execute("SELECT COUNT(*) FROM bodies").fetchone() == (5,)   # of six
    box.close()
    fresh = make_outbox("fresh.db")
    assert _shape(v4_file) == _shape(fresh.path)


MIGRATE_AND_DIE = textwrap.dedent("""
    import os, signal, sqlite3, sys
    sys.path.insert(0, sys.argv[2])
    import offline_queue.schema as schema
    from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
    from offline_queue.outbox import Outbox

    connect, seen = sqlite3.connect, []

    def traced(*args, **kw):
        conn = connect(*args, **kw)
        conn.execute("PRAGMA cache_size=1")   # spill: uncommitted pages reach the WAL file

        def trace(sql):
            seen.append(sql)
            if sql.startswith("INSERT INTO bodies") and sum(
                    s.startswith("INSERT INTO bodies") for s in seen) == 4:
                print("KILLED", flush=True)   # three of the six bodies moved, not committed
                os.kill(os.getpid(), signal.SIGKILL)
        conn.set_trace_callback(trace)
        return conn

    schema.sqlite3.connect = traced
    Outbox(sys.argv[1], X25519PrivateKey.generate().public_key())
    print("MIGRATED")
""")


def test_a_migration_killed_halfway_leaves_version_4_whole(v4_file, make_outbox):
    # The migration is one transaction: killed in the middle of moving the bodies, the file is
    # still the version 4 file it was; the next start migrates it whole.
    child = subprocess.run([sys.executable, "-c", MIGRATE_AND_DIE, str(v4_file), str(ROOT)],
                           capture_output=True, text=True, timeout=60)
    assert child.returncode == -signal.SIGKILL and child.stdout.strip() == "KILLED", child.stderr
    wal = v4_file.with_name(v4_file.name + "-wal")
    assert wal.exists() and wal.stat().st_size > 0   # it had written, uncommitted
    with sqlite3.connect(v4_file) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == ("4",)
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "attachments" in names and "bodies" not in names
        kept = sum(len(e["parts"]) for e in V4["submissions"].values()
                   if e["row"]["purged_at"] is None)
        assert conn.execute("SELECT COUNT(*) FROM attachments "
                            "WHERE data IS NOT NULL").fetchone() == (kept,)
    assert_holds_what_version_4_wrote(make_outbox(v4_file.name))


@given(data=st.binary(min_size=1, max_size=5000), at=st.integers(min_value=0),
       bit=st.integers(min_value=0, max_value=7))
def test_a_part_is_intact_only_as_it_was_sealed(data, at, bit):
    # The law the sync worker relies on: the checksum taken at enqueue accepts the bytes it was
    # taken of, and refuses them with any one bit changed, one byte short or one byte more.
    part = json.loads(encode_parts([("face", len(data), part_checksum(data))]))[0]
    assert part_intact(part, data)
    at %= len(data)
    assert not part_intact(part, data[:at] + bytes([data[at] ^ (1 << bit)]) + data[at + 1:])
    assert not part_intact(part, data[:-1])
    assert not part_intact(part, data + b"\0")


@pytest.mark.parametrize("part", [{}, {"size": 3}, {"size": "3", "xxh3": "x"},
                                  {"size": 3, "xxh3": 7}, {"size": 3, "sha256": None},
                                  [], None, "face"])
def test_a_damaged_part_description_is_not_intact_and_raises_nothing(part):
    assert part_intact(part, b"abc") is False
