"""Power cuts at random points of the outbox's and the platform's real statement streams: after
each, the database is intact and everything acknowledged before the cut is still there.

The outbox acknowledges a submission when ``enqueue`` returns (the person is told it is saved);
the platform when it answers 201 (the kiosk may then forget the submission). See
``powercut.py`` for how the writes and syncs are seen. Each campaign also runs once on the same
stream with ``synchronous=NORMAL`` in place of ``FULL``, where acknowledged work must be lost:
the check can fail, and ``FULL`` is what keeps it.
"""
from __future__ import annotations

import hashlib
import json
import os
import random
import sqlite3
from contextlib import closing
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from central.testing import SignedClient, running_platform
from offline_queue.backoff import Backoff
from offline_queue.outbox import Outbox
from offline_queue.schema import part_intact
from offline_queue.sync import SyncWorker
from tests.central.platform_helpers import KIOSK_ID, build_submission, post, upload
from tests.offline_queue.conftest import personal_record
from tests.offline_queue.test_sync_worker import ContractPort
from tests.reliability.figures import record
from tests.reliability.powercut import Recorder, cut_campaign, replay

LONG = os.environ.get("KIOSK_LONG_TESTS") == "1"
CUTS = 2000 if LONG else 200
FULL, NORMAL = "PRAGMA synchronous=FULL", "PRAGMA synchronous=NORMAL"


def _sha(blob: bytes | None) -> str | None:
    return hashlib.sha256(blob).hexdigest() if blob is not None else None


# ---------------------------------------------------------------------------------- the outbox

def record_outbox(workdir: Path, n: int, rng: random.Random):
    """The real outbox and sync worker at work: n submissions queued, delivered in rounds
    (to the contract's in-memory platform), decided, purged at once (retention 0)."""
    rec = Recorder()
    key = X25519PrivateKey.generate()
    with rec.recording():
        box = Outbox(workdir / "real" / "outbox.db", key.public_key(), retention_s=0,
                     disk_free=lambda: 10 * 1024 ** 3)
    worker = SyncWorker(box, ContractPort(), chunk_size=16384, heartbeat_s=0,
                        status_poll_s=0, backoff=Backoff(0.01, 0.05, 0), rng=rng)
    expected = {}
    for i in range(n):
        sid = f"CUT-{i:03d}"
        box.enqueue(sid, personal_record(i), {"face": rng.randbytes(rng.randint(8_000, 90_000)),
                                              "signature": rng.randbytes(900)},
                    "individual_business")
        rec.mark(sid)                                   # enqueue returned: acknowledged
        expected[sid] = _sha(box.outgoing(sid)[0].record)
        if i % 4 == 3:
            worker.run_once()
    box.close()
    return rec, key, expected


def outbox_check(key, expected):
    def check(db: Path, acked: list[str]) -> list[str]:
        if not db.exists():
            return acked
        # The real outbox opens what the cut left (a first start cut short is created anew).
        box = Outbox(db, key.public_key(), disk_free=lambda: 10 * 1024 ** 3)
        box.recover_interrupted()
        box.summary()
        box.close()
        with closing(sqlite3.connect(db)) as conn:
            rows = {r[0]: r[1:] for r in conn.execute(
                "SELECT submission_id, state, record, purged_at FROM submissions")}
            parts = {}
            for sid, declared, data in conn.execute(
                    "SELECT submission_id, parts, data FROM submissions "
                    "LEFT JOIN bodies ON bodies.id = body_id"):
                at = 0
                for part in json.loads(declared or "[]"):
                    body = data[at:at + part["size"]] if data is not None else None
                    parts.setdefault(sid, []).append((part, body))
                    at += part["size"]
        lost = []
        for sid in acked:
            if sid not in rows:
                lost.append(sid)
                continue
            state, record, purged_at = rows[sid]
            if purged_at is not None:
                ok = state == "sent"        # the platform had it; the body may go
            else:
                ok = _sha(record) == expected[sid] and all(
                    data is not None and part_intact(part, data)
                    for part, data in parts.get(sid, []))
            if not ok:
                lost.append(sid)
        return lost
    return check


@pytest.fixture(scope="module")
def outbox_stream(tmp_path_factory):
    return record_outbox(tmp_path_factory.mktemp("outbox-rec"), 24, random.Random(7))


@pytest.mark.parametrize("torn", [False, True], ids=["unsynced-dropped", "unsynced-torn"])
def test_power_cuts_lose_nothing_the_outbox_acknowledged(tmp_path, outbox_stream, torn):
    rec, key, expected = outbox_stream
    run = replay(rec.items, tmp_path / "replay" / "outbox.db")
    assert run.journal_mode == "wal"
    assert sum(op[0] == "sync" for op in run.ops) > len(expected)   # a sync per commit
    figures = cut_campaign(run, tmp_path / "cuts", CUTS, random.Random(11 + torn),
                           outbox_check(key, expected), torn=torn)
    record("powercut", cuts=figures.cuts, acked_checked=figures.checked_marks,
           lost=len(figures.lost), broken=len(figures.broken))
    assert figures.cuts == CUTS and figures.checked_marks > CUTS
    assert not figures.broken, figures.broken[:5]
    assert not figures.lost, figures.lost[:5]


def test_with_synchronous_normal_the_outbox_would_lose_acknowledged_work(tmp_path,
                                                                          outbox_stream):
    rec, key, expected = outbox_stream
    assert any(text == FULL for kind, text in rec.items)
    run = replay(rec.replaced(FULL, NORMAL), tmp_path / "replay" / "outbox.db")
    figures = cut_campaign(run, tmp_path / "cuts", 60, random.Random(3),
                           outbox_check(key, expected))
    assert figures.lost, "the power-cut check cannot tell FULL from NORMAL"
    assert not figures.broken          # NORMAL loses the last commits, never the file


# ------------------------------------------------------------------------------ the platform

@pytest.fixture(scope="module")
def platform_stream(tmp_path_factory):
    """The real platform on loopback accepting submissions; a mark at each 201 and at each
    answer to a completing chunk (after either, the kiosk may forget what it sent)."""
    rng = random.Random(5)
    rec = Recorder()
    with rec.recording(), running_platform(tmp_path_factory.mktemp("central-rec")) as platform:
        key = Ed25519PrivateKey.generate()
        platform.register_kiosk(KIOSK_ID, key.public_key())
        client = SignedClient(platform.base_url, KIOSK_ID, key)
        for i in range(16):
            photo = {"face": rng.randbytes(rng.randint(3000, 40_000))} if i % 2 else {}
            built = build_submission(platform, personal_record(i), photo)
            assert post(client, built).status_code == 201
            if photo:
                upload(client, built, "face", chunk=16384)
            rec.mark(built.sid)
    return rec


def platform_check(db: Path, acked: list[str]) -> list[str]:
    if not acked:
        return []
    if not db.exists():
        return acked
    with closing(sqlite3.connect(db)) as conn:
        if not conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'accept_log'").fetchone():
            return acked                 # not even the tables reached the disk
        stored = {r[0] for r in conn.execute("SELECT submission_id FROM submissions")}
        logged = {r[0] for r in conn.execute("SELECT submission_id FROM accept_log")}
        complete = {r[0] for r in conn.execute(
            "SELECT submission_id FROM attachments GROUP BY submission_id "
            "HAVING MIN(complete) = 1")}
        declared = {r[0] for r in conn.execute("SELECT submission_id FROM attachments")}
    return [s for s in acked if s not in stored or s not in logged
            or (s in declared and s not in complete)]


def test_power_cuts_lose_nothing_the_platform_answered(tmp_path, platform_stream):
    run = replay(platform_stream.items, tmp_path / "replay" / "central.sqlite3")
    assert run.journal_mode == "wal"
    figures = cut_campaign(run, tmp_path / "cuts", CUTS, random.Random(17), platform_check)
    record("powercut", cuts=figures.cuts, acked_checked=figures.checked_marks,
           lost=len(figures.lost), broken=len(figures.broken))
    assert figures.cuts == CUTS and figures.checked_marks > CUTS
    assert not figures.broken, figures.broken[:5]
    assert not figures.lost, figures.lost[:5]


def test_without_its_durable_commits_the_platform_would_lose_acceptances(tmp_path,
                                                                          platform_stream):
    run = replay(platform_stream.replaced(FULL, NORMAL), tmp_path / "replay" / "central.sqlite3")
    figures = cut_campaign(run, tmp_path / "cuts", 60, random.Random(3), platform_check)
    assert figures.lost, "the power-cut check cannot tell the durable commits from the others"
