"""The sync worker's decisions, driven through its port with failures placed exactly.

The end-to-end tests (test_e2e_platform.py) run the worker against the real central server with
random faults; here a small in-memory port, which keeps the contract's rules (idempotency by
body bytes, offsets, SHA-256 on completion), lets each test put a failure exactly where it wants.
"""
from __future__ import annotations

import hashlib
import random
import threading
from collections import Counter, defaultdict

import pytest

from contract.wire import (AttachmentProgress, Decision, DecisionStatus, SignedDecision,
                           SubmissionAck)
from offline_queue.backoff import Backoff
from offline_queue.model import QueueState, UnknownSubmission
from offline_queue.port import ErrorKind, OutgoingSubmission, PlatformError, PlatformPort
from offline_queue.sync import SyncWorker
from tests.offline_queue.conftest import LICENCE, ManualClock, decision, personal_record

FACE = bytes(random.Random(7).randbytes(70_000))


class ContractPort:
    """Keeps the contract's rules in memory; `fail` queues errors per (call, submission)."""

    def __init__(self) -> None:
        self.bodies: dict[str, OutgoingSubmission] = {}
        self.posts: list[str] = []
        self.data: dict[tuple[str, str], bytearray] = defaultdict(bytearray)
        self.complete: set[tuple[str, str]] = set()
        self.fail: dict[tuple[str, str], list[PlatformError]] = defaultdict(list)
        self.lose_answer: set[tuple[str, str]] = set()
        self.verdicts: dict[str, Decision] = {}
        self.decided_at_once: dict[str, Decision] = {}   # what a POST answer carries
        self.claimed: dict[str, DecisionStatus] = {}      # an ack status with no decision
        self.heartbeats: list[dict] = []
        self._posted = threading.Condition()
        self.calls: Counter[str] = Counter()
        self.decided_by_last_chunk: dict[str, Decision] = {}

    def wait_for_posts(self, n: int, timeout: float = 10.0) -> bool:
        """Wait (on an event, not a sleep) until ``n`` distinct submissions were posted."""
        with self._posted:
            return self._posted.wait_for(lambda: len(set(self.posts)) >= n, timeout)

    def _maybe_fail(self, call: str, sid: str) -> None:
        queue = self.fail[(call, sid)]
        if queue:
            raise queue.pop(0)

    def _meta(self, sid: str, name: str):
        return next(a for a in self.bodies[sid].attachments if a.name == name)

    def post_submission(self, submission: OutgoingSubmission) -> SubmissionAck:
        sid = submission.submission_id
        self._maybe_fail("post", sid)
        with self._posted:
            self.posts.append(sid)
            self._posted.notify_all()
        if sid in self.bodies and self.bodies[sid] != submission:
            raise PlatformError(ErrorKind.CONFLICT, "idempotency_conflict", http_status=409)
        replay = sid in self.bodies
        self.bodies[sid] = submission
        now = self.decided_at_once.get(sid)
        if now is not None:   # what a port hands on once the signature verified
            now = SignedDecision(**now.model_dump(), signature="A" * 86 + "==")
        return SubmissionAck(submission_id=sid,
                             status=now.status if now else
                             self.claimed.get(sid, DecisionStatus.RECEIVED),
                             pending_attachments=[a.name for a in submission.attachments],
                             received_at="2026-11-21T10:00:00+00:00", replayed=replay,
                             decision=now)

    def _progress(self, sid: str, name: str) -> AttachmentProgress:
        return AttachmentProgress(name=name, received=len(self.data[(sid, name)]),
                                  size=self._meta(sid, name).size,
                                  complete=(sid, name) in self.complete)

    def attachment_offset(self, sid: str, name: str) -> AttachmentProgress:
        self.calls["offset"] += 1
        self._maybe_fail("offset", sid)
        return self._progress(sid, name)

    def upload_chunk(self, sid: str, name: str, offset: int, chunk: bytes) -> AttachmentProgress:
        self._maybe_fail("put", sid)
        buf, meta = self.data[(sid, name)], self._meta(sid, name)
        if offset != len(buf):
            raise PlatformError(ErrorKind.OFFSET, "offset_mismatch", http_status=409,
                                offset=len(buf))
        buf += chunk
        if len(buf) == meta.size:
            if hashlib.sha256(buf).hexdigest() != meta.sha256:
                buf.clear()
                raise PlatformError(ErrorKind.CHECKSUM, "checksum_mismatch", http_status=422)
            self.complete.add((sid, name))
        if (("put", sid)) in self.lose_answer:
            self.lose_answer.discard(("put", sid))
            raise PlatformError(ErrorKind.NETWORK, "connection")
        progress = self._progress(sid, name)
        last = self.decided_by_last_chunk.get(sid)
        if last is not None and all((sid, a.name) in self.complete
                                    for a in self.bodies[sid].attachments):
            signed = SignedDecision(**last.model_dump(), signature="A" * 86 + "==")
            progress = progress.model_copy(update={"status": last.status, "decision": signed})
        return progress

    def get_status(self, sid: str) -> Decision:
        self.calls["status"] += 1
        self._maybe_fail("status", sid)
        return self.verdicts.get(sid, decision(sid, DecisionStatus.RECEIVED))

    def heartbeat(self, payload: dict) -> None:
        self.heartbeats.append(payload)


def server_error() -> PlatformError:
    return PlatformError(ErrorKind.SERVER, "http_503", http_status=503)


def network_error() -> PlatformError:
    return PlatformError(ErrorKind.NETWORK, "connection")


@pytest.fixture
def port() -> ContractPort:
    return ContractPort()


@pytest.fixture
def worker(make_outbox, port):
    box = make_outbox()
    return SyncWorker(box, port, chunk_size=16_384, backoff=Backoff(5, 300, 0.5),
                      rng=random.Random(3), heartbeat_s=0)


def fill(box, ids, clock, n, attachments=None):
    out = []
    for i in range(n):
        sid = ids()
        box.enqueue(sid, personal_record(i), attachments if attachments is not None
                    else {"face": FACE}, "individual_business")
        clock.advance(1)
        out.append(sid)
    return out


def test_port_double_satisfies_the_protocol(port):
    assert isinstance(port, PlatformPort)


def test_delivers_oldest_first_with_attachments_in_chunks(worker, port, ids, clock):
    sids = fill(worker.outbox, ids, clock, 3)
    report = worker.run_once()
    assert report.delivered == 3 and port.posts == sids
    for sid in sids:
        assert bytes(port.data[(sid, "face")]) == worker.outbox.attachment_chunk(sid, "face", 0, 10**6)
        assert worker.outbox.status(sid).state is QueueState.SENT


def test_batch_size_limits_a_round(make_outbox, port, ids, clock):
    worker = SyncWorker(make_outbox(), port, batch_size=2, heartbeat_s=0)
    fill(worker.outbox, ids, clock, 5, {})
    assert worker.run_once().delivered == 2
    assert worker.run_once().delivered == 2
    assert worker.run_once().delivered == 1


def test_one_failing_submission_does_not_block_the_others(worker, port, ids, clock):
    bad, good1, good2 = fill(worker.outbox, ids, clock, 3)
    port.fail[("post", bad)] = [server_error()] * 3
    report = worker.run_once()
    assert report.delivered == 2 and report.failed == 1
    status = worker.outbox.status(bad)
    assert status.state is QueueState.FAILED and status.last_error == "server: http_503 (HTTP 503)"
    assert 2.5 <= status.next_attempt_at - clock() <= 5


def test_backoff_grows_with_attempts_and_same_body_is_resent(worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1)
    port.fail[("put", sid)] = [server_error()] * 4
    delays = []
    for _ in range(4):
        worker.run_once()
        status = worker.outbox.status(sid)
        delays.append(status.next_attempt_at - clock())
        clock.advance(delays[-1])
    assert [round(d) >= c / 2 for d, c in zip(delays, (5, 10, 20, 40))] == [True] * 4
    assert all(d <= c for d, c in zip(delays, (5, 10, 20, 40)))
    worker.run_once()
    assert worker.outbox.status(sid).state is QueueState.SENT
    assert port.posts == [sid] * 5          # one POST per attempt, byte-equal each time
    assert [h["outcome"] for h in worker.outbox.history(sid)] == ["retry"] * 4 + ["delivered"]


def test_network_outage_ends_the_round_without_charging_the_rest(worker, port, ids, clock):
    first, second = fill(worker.outbox, ids, clock, 2)
    port.fail[("post", first)] = [network_error()]
    report = worker.run_once()
    assert report.network_down and report.failed == 1 and report.delivered == 0
    assert worker.outbox.status(second).attempts == 0
    assert worker.outbox.status(second).state is QueueState.QUEUED


def test_conflict_is_held_for_a_technician_and_others_go_on(worker, port, ids, clock):
    sid, other = fill(worker.outbox, ids, clock, 2)
    port.fail[("post", sid)] = [PlatformError(ErrorKind.CONFLICT, "idempotency_conflict",
                                              http_status=409)]
    report = worker.run_once()
    assert report.held == 1 and report.delivered == 1
    assert worker.outbox.status(sid).state is QueueState.HELD
    clock.advance(10_000)
    assert worker.run_once().delivered == 0      # held stays held
    worker.outbox.release_held()
    assert worker.run_once().delivered == 1


def test_lost_chunk_answer_resumes_from_platform_offset(worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1)
    port.lose_answer.add(("put", sid))
    worker.run_once()
    assert worker.outbox.status(sid).state is QueueState.FAILED
    clock.advance(10)
    worker.run_once()
    assert worker.outbox.status(sid).state is QueueState.SENT
    assert bytes(port.data[(sid, "face")]) == worker.outbox.attachment_chunk(sid, "face", 0, 10**6)


def test_checksum_mismatch_restarts_the_upload(worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1)
    original = port.upload_chunk
    corrupted = {"done": False}

    def flip_last_byte(s, name, offset, chunk):
        if not corrupted["done"] and offset + len(chunk) == len(FACE) + 28:
            corrupted["done"] = True
            chunk = chunk[:-1] + bytes([chunk[-1] ^ 1])
        return original(s, name, offset, chunk)

    port.upload_chunk = flip_last_byte  # type: ignore[method-assign]
    worker.run_once()
    assert "checksum_mismatch" in worker.outbox.status(sid).last_error
    clock.advance(10)
    worker.run_once()
    assert worker.outbox.status(sid).state is QueueState.SENT
    assert (sid, "face") in port.complete


def test_restart_mid_send_resumes_and_finishes(make_outbox, port, ids, clock):
    box = make_outbox()
    (sid,) = fill(box, ids, clock, 1)
    box.begin_attempt(sid)              # a send was under way when the process died
    port.post_submission(box.outgoing(sid)[0])
    port.upload_chunk(sid, "face", 0, box.attachment_chunk(sid, "face", 0, 16_384))
    box.close()
    worker = SyncWorker(make_outbox(), port, chunk_size=16_384, heartbeat_s=0)
    report = worker.run_once()
    assert report.resumed == 1 and report.delivered == 1
    assert bytes(port.data[(sid, "face")]) == worker.outbox.attachment_chunk(sid, "face", 0, 10**6)
    assert [h["outcome"] for h in worker.outbox.history(sid)] == ["interrupted", "delivered"]


def test_verdicts_are_polled_and_kept(worker, port, ids, clock):
    approved, pending = fill(worker.outbox, ids, clock, 2, {})
    worker.run_once()
    assert not worker.outbox.status(approved).decided    # received, not decided yet
    port.verdicts[approved] = decision(approved)
    clock.advance(61)
    assert worker.run_once().statuses == 2
    status = worker.outbox.status(approved)
    assert status.licence == LICENCE.model_dump(mode="json") and status.verified and status.decided
    assert worker.outbox.status(pending).remote_status is DecisionStatus.RECEIVED
    assert not worker.outbox.status(pending).decided
    clock.advance(61)
    assert worker.run_once().statuses == 1      # the final verdict is not asked for again


def test_a_decision_in_the_post_answer_is_kept_at_once(worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1, {})
    port.decided_at_once[sid] = decision(sid)
    assert worker.run_once().statuses == 0
    status = worker.outbox.status(sid)
    assert status.decided and status.licence == LICENCE.model_dump(mode="json")
    clock.advance(61)
    assert worker.run_once().statuses == 0      # nothing left to ask


def test_an_unproven_approval_is_kept_as_received_and_asked_for_again(worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1, {})
    box = worker.outbox
    # The POST answer said "approved" but its decision did not verify, so the port dropped it.
    port.claimed[sid] = DecisionStatus.APPROVED
    port.fail[("status", sid)] = [PlatformError(ErrorKind.BAD_RESPONSE, "bad_decision_signature")]
    worker.run_once()
    status = box.status(sid)
    assert status.state is QueueState.SENT and status.remote_status is DecisionStatus.RECEIVED
    assert not status.verified and status.licence is None and not status.decided
    port.verdicts[sid] = decision(sid)
    clock.advance(61)
    assert worker.run_once().statuses == 1
    assert box.status(sid).decided


def test_a_verified_final_decision_is_never_replaced(worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1, {})
    port.decided_at_once[sid] = decision(sid)
    worker.run_once()
    # A replayed or stale answer saying "received" later changes nothing.
    worker.outbox.record_status(decision(sid, DecisionStatus.RECEIVED, ("待审核",)))
    status = worker.outbox.status(sid)
    assert status.remote_status is DecisionStatus.APPROVED and status.reasons == ()
    assert status.licence == LICENCE.model_dump(mode="json")


def test_the_worker_keeps_the_outboxs_own_clock(make_outbox, port, ids):
    own = ManualClock(start=5_000_000.0)           # not the fixture's clock
    box = make_outbox("own-clock.db", clock=own)
    worker = SyncWorker(box, port, backoff=Backoff(10, 300, 0), heartbeat_s=0)
    (sid,) = fill(box, ids, own, 1, {})
    port.fail[("post", sid)] = [server_error()]
    worker.run_once()
    assert box.status(sid).next_attempt_at == pytest.approx(own() + 10)
    own.advance(9)
    assert worker.run_once().delivered == 0      # not due yet by the outbox's clock
    own.advance(1)
    assert worker.run_once().delivered == 1


def test_heartbeat_carries_queue_and_disk(make_outbox, port, ids, clock):
    worker = SyncWorker(make_outbox(), port, heartbeat_s=300,
                        heartbeat_extra=lambda: {"devices": [{"id": "printer"}],
                                                 "config_version": "7"})
    port.fail[("post", "SUB-000001")] = [server_error()]
    fill(worker.outbox, ids, clock, 1, {})
    worker.run_once()
    beat = port.heartbeats[-1]
    assert beat["queue"]["depth"] == 1 and beat["config_version"] == "7"
    assert beat["queue"]["last_error"].startswith("server")
    assert beat["low_disk"] is False and beat["disk_free_bytes"] > 0
    worker.run_once()
    assert len(port.heartbeats) == 1            # not again before heartbeat_s


def test_background_thread_delivers_after_kick(worker, port, ids, clock):
    worker.idle_s = 30
    worker.start()
    try:
        (sid,) = fill(worker.outbox, ids, clock, 1, {})
        worker.kick()
        assert port.wait_for_posts(1)
        worker.stop()                          # its round ends before stop returns
        assert worker.outbox.status(sid).state is QueueState.SENT
    finally:
        worker.stop()


def test_a_backlog_drains_back_to_back_not_one_batch_per_idle_wait(make_outbox, port, ids,
                                                                    clock):
    box = make_outbox()
    sids = fill(box, ids, clock, 35, {})
    worker = SyncWorker(box, port, batch_size=10, idle_s=3600, heartbeat_s=0)
    worker.start()
    try:
        assert port.wait_for_posts(35), f"only {len(set(port.posts))} of 35 after a batch"
    finally:
        worker.stop()
    assert all(box.status(s).state is QueueState.SENT for s in sids)


def test_the_status_poll_reads_an_index_of_the_undecided_not_every_sent_row(make_outbox):
    box = make_outbox()
    seen: list[str] = []
    box._db.conn.set_trace_callback(seen.append)
    box.needs_status(60, 5)
    box._db.conn.set_trace_callback(None)
    (query,) = [q for q in seen if q.startswith("SELECT")]
    plan = " ".join(str(r[3]) for r in box._db.conn.execute(
        "EXPLAIN QUERY PLAN " + query))
    assert "submissions_undecided" in plan
    assert (QueueState.SENT.value, DecisionStatus.RECEIVED.value) == ("sent", "received")


def test_retry_after_is_honoured_within_the_cap(worker, port, ids, clock):
    first, second = fill(worker.outbox, ids, clock, 2, {})
    port.fail[("post", first)] = [PlatformError(ErrorKind.SERVER, "http_503", http_status=503,
                                                retry_after=120)]
    port.fail[("post", second)] = [PlatformError(ErrorKind.SERVER, "http_503", http_status=503,
                                                 retry_after=10 ** 6)]
    worker.run_once()
    assert worker.outbox.status(first).next_attempt_at - clock() == pytest.approx(120)
    assert worker.outbox.status(second).next_attempt_at - clock() == pytest.approx(300)  # cap


def test_locally_corrupted_attachment_is_held_not_retried_forever(worker, port, ids, clock):
    bad, good = fill(worker.outbox, ids, clock, 2)
    worker.outbox._db.execute(
        "UPDATE bodies SET data = zeroblob(length(data)) WHERE id = "
        "(SELECT body_id FROM submissions WHERE submission_id = ?)", [bad])
    report = worker.run_once()
    assert report.held == 1 and report.delivered == 1
    status = worker.outbox.status(bad)
    assert status.state is QueueState.HELD and status.last_error == "local: LocalCorruption"
    assert (bad, "face") not in port.complete


def test_deliver_now_jumps_the_queue_and_fetches_the_verdict(worker, port, ids, clock):
    older, mine = fill(worker.outbox, ids, clock, 2, {})
    port.verdicts[mine] = decision(mine)
    status = worker.deliver_now(mine)
    assert status.state is QueueState.SENT and status.decided
    assert status.licence == LICENCE.model_dump(mode="json")
    assert port.posts == [mine]
    assert worker.outbox.status(older).state is QueueState.QUEUED


def test_deliver_now_offline_reports_failure_without_raising(worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1, {})
    port.fail[("post", sid)] = [network_error()]
    status = worker.deliver_now(sid)
    assert status.state is QueueState.FAILED and status.last_error == "network: connection"
    with pytest.raises(UnknownSubmission):
        worker.deliver_now("SUB-NOPE")


def test_a_first_delivery_asks_no_offsets_and_keeps_the_decision_of_its_last_chunk(
        worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1, {"face": FACE, "signature": b"s" * 900})
    port.decided_by_last_chunk[sid] = decision(sid)
    report = worker.run_once()
    assert report.delivered == 1
    assert port.calls == Counter()          # no offset asked, no decision asked for
    status = worker.outbox.status(sid)
    assert status.decided and status.licence is not None


def test_a_heartbeat_goes_out_at_once_on_change_and_only_the_latest_waits(make_outbox, port,
                                                                        clock):
    state = {"config": {"version": 1}, "last_visit_at": None, "generated_at": "t0"}
    worker = SyncWorker(make_outbox(), port, heartbeat_s=300,
                        heartbeat_extra=lambda: dict(state))
    worker.run_once()
    assert len(port.heartbeats) == 1
    state["generated_at"] = "t1"                 # the clock alone is no change
    clock.advance(10)
    worker.run_once()
    assert len(port.heartbeats) == 1
    state["last_visit_at"] = "2026-11-01T09:00:00+08:00"
    worker.run_once()                            # a visit ended: sent at once
    assert port.heartbeats[-1]["last_visit_at"] == state["last_visit_at"]
    port.heartbeat = lambda payload: (_ for _ in ()).throw(network_error())   # offline
    state["config"] = {"version": 2}
    worker.run_once()
    state["config"] = {"version": 3}
    worker.run_once()
    del port.heartbeat                           # back online: the latest state, once
    worker.run_once()
    assert len(port.heartbeats) == 3 and port.heartbeats[-1]["config"] == {"version": 3}
    worker.run_once()
    assert len(port.heartbeats) == 3
    clock.advance(301)                           # unchanged, but due again
    worker.run_once()
    assert len(port.heartbeats) == 4
    state["last_visit_at"] = "later"
    assert worker.heartbeat_if_changed() and not worker.heartbeat_if_changed()


def test_when_the_network_is_back_what_failed_is_tried_at_once_not_after_its_backoff(
        worker, port, ids, clock):
    (sid,) = fill(worker.outbox, ids, clock, 1, {})
    port.fail[("post", sid)] = [network_error()] * 4
    for _ in range(4):                       # a long outage: the backoff grows
        worker.outbox.retry_now()
        worker.run_once()
    assert worker.outbox.status(sid).next_attempt_at > clock() + 20
    assert worker.run_once().delivered == 0  # not due yet
    assert worker.network_back() == 1
    assert worker.run_once().delivered == 1


def test_the_worker_notices_the_network_is_back_from_any_call_that_reaches_the_platform(
        make_outbox, port, ids, clock):
    box = make_outbox()
    worker = SyncWorker(box, port, heartbeat_s=60, backoff=Backoff(300, 600, 0))
    a, b = fill(box, ids, clock, 2, {})
    port.fail[("post", a)] = [network_error()]
    port.heartbeat = lambda payload: (_ for _ in ()).throw(network_error())
    worker.run_once()                        # cut off: a waits 300 s, b was not tried
    del port.heartbeat
    clock.advance(61)                        # the heartbeat is due and gets through, b too
    report = worker.run_once()
    assert report.heartbeat_sent and report.full and box.status(b).state is QueueState.SENT
    assert box.status(a).state is QueueState.FAILED       # ... and a no longer waits 240 s
    assert worker.run_once().delivered == 1 and box.status(a).state is QueueState.SENT
