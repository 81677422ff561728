"""The same application submitted again in a new visit (after a crash, say) is kept once, under
its first id; only a keyed fingerprint of who and what it was is stored."""
from __future__ import annotations

import sqlite3

from contract.wire import DecisionStatus
from kiosk.domain.application import same_application
from offline_queue.model import QueueState
from offline_queue.schema import SCHEMA_VERSION
from tests.offline_queue.conftest import ID_NUMBER, decision, personal_record


def _record(i: int = 0, day: str = "2026-11-21") -> dict:
    return {**personal_record(i), "created_at": f"{day}T10:00:00+08:00",
            "answers": {"name": {"trade_name": "小明"}}}


def test_the_same_application_again_is_kept_under_its_first_id(make_outbox):
    box = make_outbox()
    first = _record()
    assert box.enqueue("SUB-1", first, {"face": b"a"}, "individual_business",
                       same_as=same_application(first)) == "SUB-1"
    again = {**_record(), "application_id": "SUB-2", "created_at": "2026-11-21T15:30:00+08:00"}
    assert box.enqueue("SUB-2", again, {"face": b"b"}, "individual_business",
                       same_as=same_application(again)) == "SUB-1"
    assert [r["submission_id"] for r in box.report_rows()] == ["SUB-1"]
    raw = b"".join(p.read_bytes() for p in box.path.parent.glob(box.path.name + "*"))
    assert ID_NUMBER.encode() not in raw


def test_another_day_or_name_or_no_key_is_another_application(make_outbox):
    box = make_outbox()
    base = _record()
    box.enqueue("SUB-1", base, {}, "individual_business", same_as=same_application(base))
    other_day = _record(day="2026-11-22")
    other_name = {**_record(), "answers": {"name": {"trade_name": "大明"}}}
    assert box.enqueue("SUB-2", other_day, {}, "individual_business",
                       same_as=same_application(other_day)) == "SUB-2"
    assert box.enqueue("SUB-3", other_name, {}, "individual_business",
                       same_as=same_application(other_name)) == "SUB-3"
    assert box.enqueue("SUB-4", base, {}, "individual_business") == "SUB-4"   # no key given


def test_after_a_correction_or_a_refusal_a_new_submission_is_a_new_application(make_outbox):
    box = make_outbox()
    rec = _record()
    for n, verdict in enumerate((DecisionStatus.NEEDS_CORRECTION, DecisionStatus.REJECTED)):
        sid = f"SUB-{n}"
        assert box.enqueue(sid, rec, {}, "individual_business", same_as=same_application(rec)) == sid
        attempt, _ = box.begin_attempt(sid)
        box.finish_delivered(sid, attempt, decision(sid, verdict))
    assert box.enqueue("SUB-9", rec, {}, "individual_business",
                       same_as=same_application(rec)) == "SUB-9"
    # ... and while that one is on its way, the same again is that one.
    assert box.enqueue("SUB-10", rec, {}, "individual_business",
                       same_as=same_application(rec)) == "SUB-9"
    assert box.status("SUB-9").state is QueueState.QUEUED


def test_a_version_3_file_gains_the_key_and_keeps_its_rows(make_outbox, v4_file):
    # What version 4 wrote, taken back to version 3: no application key.
    conn = sqlite3.connect(v4_file)
    conn.execute("DROP INDEX submissions_application_key")
    conn.execute("ALTER TABLE submissions DROP COLUMN application_key")
    conn.execute("UPDATE meta SET value = '3' WHERE key = 'schema_version'")
    conn.commit()
    conn.close()
    again = make_outbox(v4_file.name)
    assert again.status("V4-QUEUED").state is QueueState.QUEUED
    rec = _record()
    assert again.enqueue("SUB-2", rec, {}, "individual_business",
                         same_as=same_application(rec)) == "SUB-2"   # an old row has no key
    meta = {r["key"]: r["value"] for r in again._db["meta"].rows}
    assert meta["schema_version"] == str(SCHEMA_VERSION)
