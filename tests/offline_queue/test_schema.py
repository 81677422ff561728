"""The outbox file's schema: its shape, and refusal of files that are not an outbox."""
from __future__ import annotations

import sqlite3

import pytest
import sqlite_utils

from offline_queue.model import SchemaError
from offline_queue.outbox import Outbox
from offline_queue.schema import SCHEMA_VERSION, TABLES


def test_fresh_file_has_every_table_and_column(make_outbox):
    box = make_outbox()
    db = sqlite_utils.Database(sqlite3.connect(box.path))
    for table, spec in TABLES.items():
        assert set(db[table].columns_dict) == set(spec["columns"]), table
    meta = {r["key"]: r["value"] for r in db["meta"].rows}
    assert meta == {"app": "kiosk-outbox", "schema_version": str(SCHEMA_VERSION)}
    assert db["attachments"].foreign_keys[0].other_table == "submissions"


def test_personal_columns_do_not_exist(make_outbox):
    cols = {c for spec in TABLES.values() for c in spec["columns"]}
    assert not cols & {"applicant", "id_number", "phone", "licence", "reasons", "legal_person"}
    # `attachments.name` is the part name ("face"), never a person's name.
    assert "name" in TABLES["attachments"]["columns"]


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
        make_outbox, platform_private, ids, clock):
    from contract.wire import DecisionStatus
    from tests.offline_queue.conftest import decision

    box = make_outbox()
    sid = ids()
    box.enqueue(sid, {"subject_type": "branch"}, {}, "branch")
    attempt, _ = box.begin_attempt(sid)
    box.finish_delivered(sid, attempt)
    box.record_status(decision(sid))
    path = box.path
    box.close()
    # Turn the file back into what version 1 wrote: no remote_verified column (and nothing of
    # the later versions).
    conn = sqlite3.connect(path)
    conn.execute("DROP INDEX submissions_application_key")
    conn.execute("ALTER TABLE submissions DROP COLUMN application_key")
    conn.execute("ALTER TABLE submissions DROP COLUMN remote_verified")
    conn.execute("UPDATE meta SET value = '1' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    again = make_outbox(path.name)
    meta = {r["key"]: r["value"] for r in again._db["meta"].rows}
    assert meta["schema_version"] == str(SCHEMA_VERSION)
    status = again.status(sid)
    assert status.remote_status is DecisionStatus.RECEIVED   # unproven until signed again
    assert not status.verified and status.licence is None and not status.decided
    clock.advance(3600)
    assert again.needs_status(60, 10) == [sid]
