"""SIGKILL the kiosk process at random moments while it enqueues and syncs, over and over, on
one outbox file: no acknowledged submission is lost, none arrives twice on the platform."""
from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.testing import running_platform
from contract import envelope
from kiosk.platform.client import PlatformClient
from offline_queue.backoff import Backoff
from offline_queue.model import QueueState
from offline_queue.outbox import Outbox
from offline_queue.sync import SyncWorker

CHILD = Path(__file__).with_name("crash_child.py")
KIOSK = "kiosk-crash-01"


def _run_and_kill(cfg: dict, delay_s: float) -> tuple[list[str], bool]:
    """Start a child, wait until it is ready, let it work `delay_s`, SIGKILL it.

    Returns the ids it acknowledged and whether it finished (DONE) before the kill.
    """
    proc = subprocess.Popen([sys.executable, str(CHILD), json.dumps(cfg)],
                            stdout=subprocess.PIPE, text=True)
    acked: list[str] = []
    ready = threading.Event()
    done = threading.Event()

    def read() -> None:
        for line in proc.stdout:            # type: ignore[union-attr]
            if line.startswith("READY"):
                ready.set()
            elif line.startswith("ACK "):
                acked.append(line.split()[1])
            elif line.startswith("DONE"):
                done.set()

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        assert ready.wait(30), "child never became ready"
        done.wait(delay_s)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    reader.join(5)
    return acked, done.is_set()


def crash_campaign(tmp_path: Path, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    kiosk_key = Ed25519PrivateKey.generate()
    raw = kiosk_key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                  serialization.NoEncryption())
    db = tmp_path / "kiosk" / "outbox.db"
    with running_platform(tmp_path / "central",
                          faults={"lost_answer_rate": 0.1, "seed": seed}) as platform:
        platform.register_kiosk(KIOSK, kiosk_key.public_key())
        acked: list[str] = []
        finished = 0
        for k in range(kills):
            cfg = {"db": str(db), "base_url": platform.base_url, "kiosk_id": KIOSK,
                   "kiosk_key": raw.hex(),
                   "platform_key": envelope.public_key_text(platform.platform_public_key),
                   "prefix": f"CRASH{k:03d}", "count": rng.randint(3, 12),
                   "seed": rng.randrange(1 << 30)}
            got, done = _run_and_kill(cfg, rng.uniform(0.0, 0.5))
            acked += got
            finished += done
        assert finished < kills, "every child finished before its kill: nothing was tested"
        assert acked, "no child acknowledged anything: the kills came too early"
        platform.set_faults(lost_answer_rate=0)
        # Restart once more, in-process, and let it finish what the dead ones left.
        session = requests.Session()
        session.headers["Connection"] = "close"
        box = Outbox(db, platform.platform_public_key)
        worker = SyncWorker(box, PlatformClient(platform.base_url, KIOSK, kiosk_key,
                                                session=session),
                            chunk_size=4096, backoff=Backoff(0.01, 0.05, 0), heartbeat_s=0)
        deadline = time.monotonic() + 60
        while box.summary().depth and time.monotonic() < deadline:
            worker.run_once()
            time.sleep(0.01)
        queued = [r["submission_id"] for r in box.report_rows()]
        assert box.summary().depth == 0, box.summary()
        stored = platform.stored_submission_ids()
        box.close()
    assert len(stored) == len(set(stored)), "a submission arrived twice"
    missing = set(acked) - set(stored)
    assert not missing, f"acknowledged but lost: {sorted(missing)}"
    assert set(acked) <= set(queued)
    # Anything else on the platform was committed locally just before a kill, never invented.
    assert set(stored) == set(queued)
    assert all(s.startswith("CRASH") for s in stored)


def test_a_few_kills_lose_and_duplicate_nothing(tmp_path):
    crash_campaign(tmp_path, kills=3, seed=11)


@pytest.mark.slow
def test_many_kills_lose_and_duplicate_nothing(tmp_path):
    crash_campaign(tmp_path, kills=40, seed=2026)


def test_kill_state_is_visible_as_interrupted(tmp_path):
    """After a kill mid-send, the next start finds `sending` rows and resumes them; the
    history says they were interrupted (checked on the real file a killed child left)."""
    with running_platform(tmp_path / "central", faults={"slow_rate": 1.0, "slow_seconds": 1.5}) \
            as platform:
        key = Ed25519PrivateKey.generate()
        platform.register_kiosk(KIOSK, key.public_key())
        raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
        db = tmp_path / "outbox.db"
        cfg = {"db": str(db), "base_url": platform.base_url, "kiosk_id": KIOSK,
               "kiosk_key": raw.hex(),
               "platform_key": envelope.public_key_text(platform.platform_public_key),
               "prefix": "SLOW", "count": 1, "seed": 1}
        acked, _ = _run_and_kill(cfg, 0.5)          # every request hangs: killed mid-send
        assert acked == ["SLOW-000"]
        box = Outbox(db, platform.platform_public_key)
        assert box.status("SLOW-000").state is QueueState.SENDING
        assert box.recover_interrupted() == ["SLOW-000"]
        assert box.history("SLOW-000")[-1]["outcome"] == "interrupted"
        box.close()
