"""The queue against the real central platform on loopback, each fault switched on alone and
mixed: every submission is accepted exactly once (counted from the platform's append-only
accept log), with every attachment complete.

Nothing here sleeps: the outbox (and so the sync worker) runs on a clock the test moves past
each backoff, so a retry is due at once; only the platform's own faults take real time."""
from __future__ import annotations

import itertools
import json
import random
import time

import pytest
import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.testing import running_platform
from kiosk.platform.client import PlatformClient
from offline_queue.backoff import Backoff
from contract.wire import MAX_BATCH_ITEMS, DecisionStatus
from offline_queue.model import QueueState
from offline_queue.outbox import Outbox
from offline_queue.port import ErrorKind, PlatformError
from offline_queue.sync import SyncWorker
from tests.offline_queue.conftest import ID_NUMBER, NAME, ManualClock, personal_record

KIOSK = "kiosk-e2e-01"


def closing_session() -> requests.Session:
    # uvicorn answers a kept-alive loopback connection ~40 ms late (reported to the lead);
    # a fresh connection per request keeps these tests fast and still exercises every path.
    session = requests.Session()
    session.headers["Connection"] = "close"
    return session


@pytest.fixture(scope="module")
def platform(tmp_path_factory):
    with running_platform(tmp_path_factory.mktemp("central")) as handle:
        yield handle


@pytest.fixture(scope="module")
def kiosk_key(platform):
    key = Ed25519PrivateKey.generate()
    platform.register_kiosk(KIOSK, key.public_key())
    return key


def make_worker(tmp_path, platform, kiosk_key, name: str, **kw):
    box = Outbox(tmp_path / f"{name}.db", platform.platform_public_key,
                 disk_free=lambda: 10 * 1024 ** 3, clock=ManualClock())
    client = PlatformClient(platform.base_url, KIOSK, kiosk_key, timeout=kw.pop("timeout", (1, 2)),
                            decision_key=kw.pop("decision_key", platform.decision_public_key),
                            session=closing_session())
    worker = SyncWorker(box, client, chunk_size=kw.pop("chunk_size", 16384),
                        backoff=Backoff(0.01, 0.2, 0.5), status_poll_s=0.05, heartbeat_s=0,
                        rng=random.Random(5), **kw)
    return box, client, worker


def drain(worker, box, sids, timeout_s: float = 40.0) -> None:
    """Rounds until every one is sent; between rounds the clock moves past the backoff."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        worker.run_once()
        if all(box.status(s).state is QueueState.SENT for s in sids):
            return
        box.clock.advance(worker.backoff.cap_s)
    states = {s: box.status(s).state.value for s in sids}
    raise AssertionError(f"not all sent in time: {states}")


FAULTS = {
    "server_errors": {"error_rate": 0.3},
    "dropped_connections": {"drop_rate": 0.3},
    "slow_answers": {"slow_rate": 0.25, "slow_seconds": 0.4},
    "lost_answers": {"lost_answer_rate": 0.35},
    "everything_at_once": {"error_rate": 0.1, "drop_rate": 0.1, "slow_rate": 0.1,
                           "slow_seconds": 0.4, "lost_answer_rate": 0.15},
}
ALONE = ("server_errors", "dropped_connections", "slow_answers", "lost_answers")
# Every pair of faults at once, at rates that make each fire within five submissions.
for _a, _b in itertools.combinations(ALONE, 2):
    FAULTS[f"{_a}-and-{_b}"] = {k: (v if k == "slow_seconds" else min(v, 0.25))
                            for k, v in {**FAULTS[_a], **FAULTS[_b]}.items()}
COUNTER = {"error_rate": "error", "drop_rate": "drop", "slow_rate": "slow",
           "lost_answer_rate": "lost_answer"}


#: One by one (a POST and chunked uploads each), or in batches (attachments inline) of one each
#: with the bigger ones alone, chunked, as a kiosk with both sizes does.
WAYS = {"one_by_one": 0, "batched": 36_000}


@pytest.mark.parametrize("way", list(WAYS))
@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_every_submission_arrives_exactly_once(tmp_path, platform, kiosk_key, fault,
                                                          way):
    box, client, worker = make_worker(tmp_path, platform, kiosk_key, f"{fault}-{way}",
                                      timeout=(1, 0.25), batch_bytes=WAYS[way])
    sids = []
    rng = random.Random(fault)
    for i in range(5 if way == "one_by_one" else 10):
        sid = f"E2E-{fault}-{way}-{i:02d}"
        box.enqueue(sid, personal_record(i), {"face": rng.randbytes(18_000 + 3000 * i),
                                              "signature": rng.randbytes(900)},
                    "individual_business")
        sids.append(sid)
    before = dict(platform.fault_counts)
    platform.set_faults(seed=sum(map(ord, fault)), **FAULTS[fault])
    try:
        drain(worker, box, sids)
    finally:
        platform.set_faults(error_rate=0, drop_rate=0, slow_rate=0, lost_answer_rate=0)
    after = platform.fault_counts
    for key in FAULTS[fault]:
        if key in COUNTER:
            assert after[COUNTER[key]] > before[COUNTER[key]], f"{key} never fired"
    accepted = [r["submission_id"] for r in platform.accept_log()]
    for sid in sids:
        assert accepted.count(sid) == 1
        for name in ("face", "signature"):
            assert client.attachment_offset(sid, name).complete
    retried = [s for s in sids if box.status(s).attempts > 1]
    assert retried, "the fault made no submission retry: the test proved nothing"


def test_verdict_and_heartbeat_reach_the_kiosk(tmp_path, platform, kiosk_key):
    box, client, worker = make_worker(tmp_path, platform, kiosk_key, "verdict")
    worker.heartbeat_s = 1
    box.enqueue("E2E-verdict-01", personal_record(), {"face": b"\xff" * 3000},
                "individual_business")
    drain(worker, box, ["E2E-verdict-01"])
    box.clock.advance(worker.status_poll_s)       # the verdict is due to be asked for again
    worker.run_once()
    status = box.status("E2E-verdict-01")
    assert status.remote_status is not None
    stored = platform.submission("E2E-verdict-01")
    assert status.remote_status is DecisionStatus(stored["status"]) and status.verified
    beat = platform.latest_heartbeat(KIOSK)
    assert beat["queue"]["depth"] == 0 and beat["low_disk"] is False


def test_deliver_now_gets_the_platform_verdict_at_once(tmp_path, platform, kiosk_key):
    from kiosk.domain.samples import sample_record
    # A real record makes the platform run its full review, which can take seconds on a
    # loaded machine: use the client's production read timeout here.
    box, client, worker = make_worker(tmp_path, platform, kiosk_key, "now", timeout=(2, 15))
    record = sample_record("individual_business")
    box.enqueue("E2E-now-01", record, {"face": b"\xff" * 2000}, "individual_business")
    status = worker.deliver_now("E2E-now-01")
    assert status.state is QueueState.SENT
    stored = platform.submission("E2E-now-01")
    assert status.remote_status is DecisionStatus(stored["status"]) is DecisionStatus.APPROVED
    assert status.decided and status.licence["uscc"] == json.loads(stored["licence"])["uscc"]


def test_a_kiosk_that_trusts_another_key_never_takes_an_approval(tmp_path, platform, kiosk_key):
    from kiosk.domain.samples import sample_record
    record = dict(sample_record("individual_business"))
    record["answers"] = {**record["answers"],
                         "name": {**record["answers"]["name"], "trade_name": "远帆"}}
    impostor = Ed25519PrivateKey.generate().public_key()
    box, client, worker = make_worker(tmp_path, platform, kiosk_key, "impostor",
                                      timeout=(2, 15), decision_key=impostor)
    box.enqueue("E2E-impostor-01", record, {"face": b"\xff" * 2000}, "individual_business")
    status = worker.deliver_now("E2E-impostor-01")
    assert platform.submission("E2E-impostor-01")["status"] == "approved"
    assert status.state is QueueState.SENT            # delivered all the same
    assert not status.verified and status.licence is None and not status.decided
    with pytest.raises(PlatformError) as info:
        client.get_status("E2E-impostor-01")
    assert info.value.kind is ErrorKind.BAD_RESPONSE and info.value.code == "bad_decision_signature"
    # With the platform's real key (the technician fixes the setting) the same answer verifies.
    trusted = PlatformClient(platform.base_url, KIOSK, kiosk_key, timeout=(2, 15),
                             decision_key=platform.decision_public_key, session=closing_session())
    box.record_status(trusted.get_status("E2E-impostor-01"))
    assert box.status("E2E-impostor-01").decided


def test_a_repeated_post_is_seen_as_a_replay(tmp_path, platform, kiosk_key):
    box, client, worker = make_worker(tmp_path, platform, kiosk_key, "replay")
    box.enqueue("E2E-replay-01", personal_record(3), {}, "individual_business")
    out, _ = box.outgoing("E2E-replay-01")
    first = client.post_submission(out)
    again = client.post_submission(out)
    assert not first.replayed and again.replayed
    assert again.model_copy(update={"replayed": False}) == first


def test_platform_receives_exactly_what_was_queued(tmp_path, platform, kiosk_key):
    box, client, worker = make_worker(tmp_path, platform, kiosk_key, "content")
    box.enqueue("E2E-content-01", personal_record(7), {}, "individual_business")
    drain(worker, box, ["E2E-content-01"])
    row = platform.submission("E2E-content-01")
    assert row["subject_type"] == "individual_business"
    # The platform stored ciphertext; the kiosk's database never held the name in clear.
    raw = box.path.read_bytes() + box.path.with_name(box.path.name + "-wal").read_bytes()
    assert NAME.encode() not in raw and ID_NUMBER.encode() not in raw


def test_unregistered_kiosk_waits_and_loses_nothing(tmp_path, platform):
    stranger = Ed25519PrivateKey.generate()
    box = Outbox(tmp_path / "stranger.db", platform.platform_public_key, clock=ManualClock())
    worker = SyncWorker(box, PlatformClient(platform.base_url, "kiosk-unknown-9", stranger,
                                            decision_key=platform.decision_public_key,
                                            session=closing_session()),
                        backoff=Backoff(0.01, 0.05, 0), heartbeat_s=0)
    box.enqueue("E2E-stranger-01", personal_record(), {}, "individual_business")
    worker.run_once()
    status = box.status("E2E-stranger-01")
    assert status.state is QueueState.FAILED and status.last_error.startswith("auth:")
    assert "E2E-stranger-01" not in platform.stored_submission_ids()
    platform.register_kiosk("kiosk-unknown-9", stranger.public_key())   # the technician fixes it
    box.clock.advance(worker.backoff.cap_s)       # its backoff has passed
    worker.run_once()
    assert box.status("E2E-stranger-01").state is QueueState.SENT


def test_client_extras_against_the_platform(platform, kiosk_key):
    client = PlatformClient(platform.base_url, KIOSK, kiosk_key, session=closing_session())
    assert client.fetch_repository("metadata/timestamp.json") is None   # nothing published
    rating = {"rating_id": "RATE-0001", "submission_id": "E2E-content-01", "level": 5,
              "indicators": {}, "comment": "很方便", "tags": []}
    first = client.post_rating(rating)
    assert first["replayed"] is False
    assert client.post_rating(rating) == {**first, "replayed": True}   # idempotent on rating_id
    # A path that climbs out of the repository reaches nothing (404 is None, not the key).
    assert client.fetch_repository("metadata/../../keys/platform_x25519.key") is None


def _requests_from(platform, kiosk_id: str) -> int:
    # Every signed request leaves its nonce: the platform's own count of what reached it.
    conn = platform.platform.store().conn
    return conn.execute("SELECT COUNT(*) FROM nonces WHERE kiosk_id = ?", (kiosk_id,)).fetchone()[0]


def test_a_backlog_goes_in_one_request_and_a_big_one_alone_in_chunks(tmp_path, platform,
                                                                     kiosk_key):
    box, client, worker = make_worker(tmp_path, platform, kiosk_key, "backlog",
                                      batch_bytes=64 * 1024)
    small = [f"E2E-backlog-{i:02d}" for i in range(12)]
    for i, sid in enumerate(small):
        box.enqueue(sid, personal_record(i), {"face": bytes([i]) * 3000}, "individual_business")
    box.enqueue("E2E-backlog-big", personal_record(99), {"face": b"\x01" * 100_000},
                "individual_business")
    before = _requests_from(platform, KIOSK)
    report = worker.run_once()
    assert report.delivered == 13 and not report.failed
    # One batch for the twelve; the big one as before: a POST and 100 000 / 16 384 = 7 chunks.
    assert _requests_from(platform, KIOSK) - before == 1 + 1 + 7
    accepted = [r["submission_id"] for r in platform.accept_log()]
    for sid in [*small, "E2E-backlog-big"]:
        status = box.status(sid)
        assert accepted.count(sid) == 1 and status.state is QueueState.SENT
        assert status.attempts == 1 and status.verified      # its decision came with the answer
        assert client.attachment_offset(sid, "face").complete


def test_a_round_larger_than_a_batch_may_hold_goes_in_several(tmp_path, platform, kiosk_key):
    box, _, worker = make_worker(tmp_path, platform, kiosk_key, "many",
                                 batch_size=MAX_BATCH_ITEMS + 6)
    sids = [f"E2E-many-{i:02d}" for i in range(MAX_BATCH_ITEMS + 6)]
    for i, sid in enumerate(sids):
        box.enqueue(sid, personal_record(i), {"face": bytes([i % 256]) * 200},
                    "individual_business")
    before = _requests_from(platform, KIOSK)
    report = worker.run_once()
    assert report.delivered == len(sids) and not report.failed and not report.held
    assert _requests_from(platform, KIOSK) - before == 2     # 64 and 6: the contract's limit
    accepted = [r["submission_id"] for r in platform.accept_log()]
    assert sorted(a for a in accepted if a.startswith("E2E-many-")) == sids   # each once


def test_an_older_platform_without_batches_gets_them_one_by_one(tmp_path, kiosk_key):
    with running_platform(tmp_path / "old") as old:
        from central import batches

        routes = old.platform.api.router.routes    # the platform as it was before batches
        routes[:] = [r for r in routes if getattr(r, "original_router", None) is not batches.router]
        old.register_kiosk(KIOSK, kiosk_key.public_key())
        box, client, worker = make_worker(tmp_path, old, kiosk_key, "old")
        sids = [f"E2E-old-{i}" for i in range(3)]
        for i, sid in enumerate(sids):
            box.enqueue(sid, personal_record(i), {"face": b"\x02" * 2000}, "individual_business")
        first = worker.run_once()
        assert first.failed == 3 and not first.held
        assert [box.status(s).state for s in sids] == [QueueState.FAILED] * 3
        assert box.status(sids[0]).last_error == "refused: batch_unsupported (HTTP 404)"
        worker.run_once()       # due at once (not backed off), now one by one
        assert [box.status(s).state for s in sids] == [QueueState.SENT] * 3
        assert [r["submission_id"] for r in old.accept_log()] == sids
