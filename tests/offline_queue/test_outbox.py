"""The outbox on a real SQLite file: durability, encryption at rest, states, retention, disk."""
from __future__ import annotations

import hashlib
import json
import sqlite3

import pytest
import xxhash
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract import envelope
from contract.wire import DecisionStatus
from offline_queue.model import (
    AdmissionReason, DuplicateSubmission, InvalidSubmission, LocalCorruption, OutboxFull, QueueState,
    UnknownSubmission,
)
from tests.offline_queue.conftest import (ID_NUMBER, LICENCE, NAME, PHONE, decision,
                                          personal_record)

FACE = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40   # a JPEG-ish blob
SIGNATURE = b"\x89PNG\r\n\x1a\n" + b"\x01" * 500


def _files(box) -> bytes:
    data = box.path.read_bytes()
    wal = box.path.with_name(box.path.name + "-wal")
    if wal.exists():
        data += wal.read_bytes()
    return data


def test_enqueue_is_on_disk_when_it_returns_and_survives_reopen(make_outbox, ids):
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(), {"face": FACE}, "individual_business")
    # A second, independent connection sees it at once: the commit happened before return.
    other = sqlite3.connect(box.path)
    assert other.execute("SELECT state FROM submissions WHERE submission_id = ?",
                         [sid]).fetchone() == ("queued",)
    other.close()
    box.close()
    again = make_outbox()
    status = again.status(sid)
    assert status.state is QueueState.QUEUED and status.subject_type == "individual_business"
    assert status.attempts == 0 and status.remote_status is None


@settings(max_examples=25, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(parts=st.dictionaries(st.sampled_from(["face", "signature", "id-front"]),
                             st.binary(max_size=70_000), max_size=3))
def test_outgoing_digest_is_the_sha256_of_the_stored_ciphertext(make_outbox, ids, parts):
    # The platform checks each part against the SHA-256 the POST names: the outbox takes it of
    # the stored bytes, after checking them against the checksum taken when they were sealed.
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(), parts, "individual_business")
    out, rows = box.outgoing(sid)
    assert {p["name"] for p in rows} == set(parts) == {m.name for m in out.attachments}
    digests = {m.name: m.sha256 for m in out.attachments}
    for p in rows:
        data = box.attachment_chunk(sid, p["name"], 0, p["size"] + 1)
        assert p["size"] == len(data) == len(parts[p["name"]]) + 28   # nonce and tag
        assert digests[p["name"]] == hashlib.sha256(data).hexdigest()
        assert p["xxh3"] == xxhash.xxh3_128_hexdigest(data)
    # A batch posts the same, with the bytes inline: those that were read and checked.
    whole_out, whole = box.outgoing_whole(sid)
    assert whole_out == out
    assert whole == {p["name"]: box.attachment_chunk(sid, p["name"], 0, p["size"]) for p in rows}


@pytest.mark.parametrize(("offset", "part"), [(0, "face"), (4000, "face"), (5050, "signature")])
def test_a_part_damaged_on_disk_is_refused_before_anything_is_posted(
        make_outbox, ids, offset, part):
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(), {"face": b"\x01" * 5000, "signature": b"s" * 300},
                "individual_business")
    body_id = box._db.execute("SELECT body_id FROM submissions WHERE submission_id = ?",
                              [sid]).fetchone()[0]
    with box._db.conn.blobopen("bodies", "data", body_id) as blob:
        blob.seek(offset)
        old = blob.read(1)
        blob.seek(offset)
        blob.write(bytes([old[0] ^ 1]))    # one bit
    for read in (box.outgoing, box.outgoing_whole):      # one by one, and in a batch
        with pytest.raises(LocalCorruption, match=part):
            read(sid)


def test_durability_pragmas(make_outbox):
    box = make_outbox()
    assert box._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert box._db.execute("PRAGMA synchronous").fetchone()[0] == 2   # FULL
    assert box._db.execute("PRAGMA secure_delete").fetchone()[0] == 1


def test_database_and_wal_hold_no_personal_data(make_outbox, ids, platform_private):
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(), {"face": FACE, "signature": SIGNATURE}, "individual_business")
    raw = _files(box)
    for secret in (NAME, ID_NUMBER, PHONE, "小明便利店"):
        for encoding in ("utf-8", "utf-16-le", "gb18030"):
            assert secret.encode(encoding) not in raw, (secret, encoding)
    assert FACE[:64] not in raw and bytes(range(256)) not in raw
    # ...and yet the platform, with its private key, gets the record back intact.
    out, parts = box.outgoing(sid)
    plain = envelope.open_record(platform_private, out.envelope, out.record)
    assert json.loads(plain) == personal_record()
    blob = box.attachment_chunk(sid, "face", 0, 10 ** 6)
    assert envelope.open_attachment(platform_private, out.envelope, "face", blob) == FACE
    assert {p["name"] for p in parts} == {"face", "signature"}
    # Control: the same grep does find a name that is written in clear.
    box._db.execute("INSERT INTO meta(key, value) VALUES ('probe', ?)", [NAME])
    assert NAME.encode() in _files(box)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(offset=st.integers(0, 3000), size=st.integers(0, 3000))
def test_a_chunk_is_the_slice_of_its_own_part_and_never_of_the_next(make_outbox, ids, offset,
                                                                      size):
    # The parts lie end to end in one body row; a chunk is cut as a slice of its part would be.
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(), {"face": FACE[:2000], "id-front": b"\x07" * 900,
                                         "signature": SIGNATURE}, "individual_business")
    for part in box.outgoing(sid)[1]:
        whole = box.attachment_chunk(sid, part["name"], 0, part["size"] + 1)
        assert len(whole) == part["size"]
        assert box.attachment_chunk(sid, part["name"], offset, size) == whole[offset:offset + size]


def test_chunks_of_what_is_not_there_are_refused(make_outbox, ids):
    box = make_outbox()
    sid, bare = ids(), ids()
    box.enqueue(sid, personal_record(), {"face": FACE}, "individual_business")
    box.enqueue(bare, personal_record(1), {}, "individual_business")
    for who, name in ((sid, "signature"), (bare, "face"), ("SUB-NOPE", "face")):
        with pytest.raises(UnknownSubmission):
            box.attachment_chunk(who, name, 0, 10)
    with pytest.raises(ValueError):
        box.attachment_chunk(sid, "face", -1, 10)
    # A damaged file: the body row gone, or cut short (the sync worker's digest check holds it).
    box._db.execute("UPDATE bodies SET data = substr(data, 1, 100)")
    assert len(box.attachment_chunk(sid, "face", 0, 10 ** 6)) == 100
    assert box.attachment_chunk(sid, "face", 500, 10) == b""
    box._db.execute("DELETE FROM bodies")
    with pytest.raises(UnknownSubmission):
        box.attachment_chunk(sid, "face", 0, 10)


def test_verdict_with_licence_is_not_in_clear(make_outbox, ids):
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(), {}, "individual_business")
    box.record_status(decision(sid, reasons=("ok",)))
    assert box.status(sid).licence == LICENCE.model_dump(mode="json")
    assert box.status(sid).remote_status is DecisionStatus.APPROVED
    raw = _files(box)
    assert NAME.encode() not in raw and "小明便利店".encode() not in raw


def test_duplicate_id_changes_nothing(make_outbox, ids):
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(1), {}, "individual_business")
    before = box.outgoing(sid)[0]
    with pytest.raises(DuplicateSubmission):
        box.enqueue(sid, personal_record(2), {"face": FACE}, "individual_business")
    assert box.outgoing(sid)[0] == before
    assert box.summary().counts[QueueState.QUEUED] == 1


@pytest.mark.parametrize("args", [
    ("", {}, {}, "individual_business"),
    ("ab", {"subject_type": "individual_business"}, {}, "individual_business"),
    ("S-1", {"subject_type": "branch"}, {}, "individual_business"),
    ("../etc", {}, {}, "individual_business"),
    ("a" * 65, {}, {}, "individual_business"),
    (42, {}, {}, "individual_business"),
    ("S-1", "not a dict", {}, "individual_business"),
    ("S-1", {"x": {1, 2}}, {}, "individual_business"),
    ("S-1", {"x": float("nan")}, {}, "individual_business"),
    ("S-1", {}, {"Face Photo": b"x"}, "individual_business"),
    ("S-1", {}, {"face": "text"}, "individual_business"),
    ("S-1", {}, [b"x"], "individual_business"),
    ("S-1", {}, {}, ""),
    ("S-1", {}, {}, "Individual Business"),
    ("S-1", {}, {}, None),
    # each otherwise valid: `$` alone would let the trailing newline in
    ("S-1\n", {"subject_type": "branch"}, {}, "branch"),
    ("S-1", {"subject_type": "branch"}, {"face\n": b"x"}, "branch"),
    ("S-1", {"subject_type": "branch\n"}, {}, "branch\n"),
])
def test_bad_input_is_refused_and_nothing_is_stored(make_outbox, args):
    box = make_outbox()
    with pytest.raises(InvalidSubmission):
        box.enqueue(*args)
    assert box.summary().depth == 0


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture],
          deadline=None)
@given(sid=st.text(max_size=80), subject=st.text(max_size=60))
def test_any_id_is_stored_or_refused_with_the_documented_error(make_outbox, sid, subject):
    box = make_outbox("fuzz.db")
    try:
        box.enqueue(sid, {"k": sid, "subject_type": subject}, {}, subject)
    except (InvalidSubmission, DuplicateSubmission):
        return
    assert box.status(sid).subject_type == subject


def test_unknown_status_query(make_outbox):
    with pytest.raises(UnknownSubmission):
        make_outbox().status("NOPE")


def test_states_attempt_history_and_summary(make_outbox, ids, clock):
    box = make_outbox()
    a, b, c = ids(), ids(), ids()
    for sid in (a, b, c):
        box.enqueue(sid, personal_record(), {}, "individual_business")
        clock.advance(10)
    attempt, n = box.begin_attempt(a)
    assert n == 1 and box.status(a).state is QueueState.SENDING
    box.finish_failed(a, attempt, "server: http_503 (HTTP 503)", clock() + 30)
    attempt, n = box.begin_attempt(b)
    box.finish_delivered(b, attempt)
    attempt, _ = box.begin_attempt(c)
    box.finish_failed(c, attempt, "refused: idempotency_conflict (HTTP 409)", None)
    s = box.summary()
    assert s.counts[QueueState.FAILED] == 1 and s.counts[QueueState.SENT] == 1
    assert s.counts[QueueState.HELD] == 1 and s.depth == 2
    assert s.oldest_age_s == pytest.approx(30.0)
    assert s.last_error == "refused: idempotency_conflict (HTTP 409)"
    assert [h["outcome"] for h in box.history(a)] == ["retry"]
    assert box.status(a).next_attempt_at == pytest.approx(clock() + 30)
    assert box.due(10) == []          # a waits for its retry time, c is held
    clock.advance(31)
    assert box.due(10) == [a]
    assert box.release_held([c]) == 1
    assert box.due(10) == [a, c]      # oldest first


def test_interrupted_send_is_resumed(make_outbox, ids):
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(), {}, "individual_business")
    box.begin_attempt(sid)
    box.close()                        # the process died mid-send
    again = make_outbox()
    assert again.recover_interrupted() == [sid]
    assert again.status(sid).state is QueueState.FAILED
    assert [h["outcome"] for h in again.history(sid)] == ["interrupted"]
    assert again.due(5) == [sid]


def test_retention_purges_body_keeps_metadata_and_verdict(make_outbox, ids, clock):
    box = make_outbox(retention_s=3600)
    sent, waiting = ids(), ids()
    for sid in (sent, waiting):
        box.enqueue(sid, personal_record(), {"face": FACE}, "individual_business")
    attempt, _ = box.begin_attempt(sent)
    box.finish_delivered(sent, attempt)
    box.record_status(decision(sent))
    clock.advance(3599)
    assert box.purge_expired() == 0
    clock.advance(2)
    assert box.purge_expired() == 1
    status = box.status(sent)
    assert status.purged and status.remote_status is DecisionStatus.APPROVED
    assert status.licence == LICENCE.model_dump(mode="json") and status.verified
    with pytest.raises(UnknownSubmission):
        box.outgoing(sent)
    assert box._db.execute("SELECT COUNT(*) FROM bodies").fetchone()[0] == 1   # the waiting one
    assert not box.status(waiting).purged        # unsent bodies are never purged
    assert box.outgoing(waiting)[0].record


def test_low_disk_stops_new_applications_but_not_enqueue(make_outbox, ids, caplog):
    free = {"bytes": 10 * 1024 ** 3}
    box = make_outbox(disk_free=lambda: free["bytes"], application_bytes=1_000_000,
                      reserve_applications=3, headroom_bytes=1_000_000)
    assert box.can_accept().ok
    free["bytes"] = 3_500_000
    admission = box.can_accept()
    assert not admission.ok and admission.reason is AdmissionReason.LOW_DISK
    assert "存储空间不足" in admission.message_zh and "工作人员" in admission.message_zh
    assert admission.needed_bytes == 4_000_000
    assert box.summary().low_disk
    assert any("queue-low-disk" in r.message for r in caplog.records)
    # An application already under way can still be stored...
    box.enqueue(ids(), personal_record(), {"face": FACE}, "individual_business")
    # ...until the disk really cannot hold it.
    free["bytes"] = 10_000
    sid = ids()
    with pytest.raises(OutboxFull):
        box.enqueue(sid, personal_record(), {"face": FACE}, "individual_business")
    with pytest.raises(UnknownSubmission):
        box.status(sid)
    free["bytes"] = 10 * 1024 ** 3
    assert box.can_accept().ok and not box.summary().low_disk


def test_report_rows_are_redacted(make_outbox, ids):
    box = make_outbox()
    sid = ids()
    box.enqueue(sid, personal_record(), {"face": FACE}, "individual_business")
    box.record_status(decision(sid))
    text = json.dumps(box.report_rows(), ensure_ascii=False)
    assert sid in text and NAME not in text and ID_NUMBER not in text
