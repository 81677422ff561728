"""Benchmark: drain a backlog of queued submissions to the local platform.

A township kiosk offline for a day comes back with hundreds of applications; a test of scale
queues 10,000. They are sealed into a real outbox first (not timed), each with a signature and a
small face photo, then the sync worker's own background loop delivers them over signed HTTP to
``kiosk-central`` running as its own process on loopback, until every one is sent and its
signed decision recorded. Two results:

- ``sync_drain_rate``: submissions per second, start to last decision (target 300/s);
- ``sync_drain_memory``: how much this process's resident memory grew meanwhile (target 50 MB).

Run: ``python bench/sync_drain.py [--n 10000]``
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from contract import envelope, signing  # noqa: E402
from bench.result import Result, emit  # noqa: E402
from kiosk import procstats  # noqa: E402
from kiosk.domain.samples import sample_record  # noqa: E402
from kiosk.platform import identity  # noqa: E402
from kiosk.platform.client import PlatformClient  # noqa: E402
from kiosk.platform.embedded import EmbeddedPlatform  # noqa: E402
from offline_queue.model import QueueState  # noqa: E402
from offline_queue.outbox import Outbox  # noqa: E402
from offline_queue.sync import SyncWorker  # noqa: E402

KIOSK = "kiosk-bench-drain"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10_000)
    args = ap.parse_args(argv)
    rng = random.Random(3)
    face, signature = rng.randbytes(20_000), rng.randbytes(4_000)
    with tempfile.TemporaryDirectory() as tmp:
        key = identity.load_or_create(Path(tmp) / "kiosk.key")
        with EmbeddedPlatform(Path(tmp) / "central", KIOSK, identity.public_text(key)) as central:
            box = Outbox(Path(tmp) / "outbox.db", envelope.load_public_key(central.public_key),
                         disk_free=lambda: 1 << 40)
            sealing = time.perf_counter()
            # Not timed: the backlog is sealed without a sync to disk per submission (a kiosk
            # queued them over a day); the drain below runs at the outbox's own synchronous=FULL.
            box._db.conn.execute("PRAGMA synchronous=OFF")
            for i in range(args.n):
                record = sample_record("individual_business")
                box.enqueue(record["application_id"], record,
                            {"face": face, "signature": signature}, "individual_business")
            box._db.conn.execute("PRAGMA synchronous=FULL")
            print(f"backlog of {args.n} sealed in {time.perf_counter() - sealing:.1f} s "
                  "(not timed)")
            client = PlatformClient(central.url, KIOSK, key,
                                    decision_key=signing.load_public_key(central.decision_key))
            worker = SyncWorker(box, client, heartbeat_s=0, status_poll_s=1.0)
            before = procstats.current().rss_bytes
            done = threading.Event()
            start = time.perf_counter()
            worker.start()
            while not done.wait(0.5):
                summary = box.summary()
                if summary.counts[QueueState.SENT] == args.n and _all_decided(box):
                    done.set()
            elapsed = time.perf_counter() - start
            grown = (procstats.current().rss_bytes - before) / 2 ** 20
            worker.stop()
            box.close()
            client.close()
    rate = args.n / elapsed
    print(f"{args.n} submissions drained in {elapsed:.1f} s: {rate:.0f} a second; "
          f"resident memory grew {grown:.1f} MB")
    emit(Result("sync_drain_rate", rate, "submissions/s", target=300, better="higher"),
         Result("sync_drain_memory", grown, "MB", target=50))
    return 0


def _all_decided(box: Outbox) -> bool:
    """No sent submission is still waiting for its decision."""
    return not box.needs_status(0, 1)


if __name__ == "__main__":
    raise SystemExit(main())
