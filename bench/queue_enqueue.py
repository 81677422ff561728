"""Benchmark: `Outbox.enqueue` (seal + durable commit) of a 300 KB submission with attachments.

Two measurements, interleaved in one process so disk and CPU contention hit all alike:

- ``queue_enqueue_p99``: our enqueue's 99th percentile in ms (target 25 ms), with the floor of a
  bare ``INSERT`` of a blob of the same size into a WAL, ``synchronous=FULL`` SQLite file printed
  beside it (the cost no durable queue can avoid);
- ``queue_throughput_vs_persist_queue``: puts per second against ``persist-queue``'s SQLite
  queue (a well-kept library doing the same job) given the same durability (WAL,
  ``synchronous=FULL``, one commit per put) and the same submissions; our ratio must be at
  least 1 although we also encrypt every part.

    python bench/queue_enqueue.py [--n 120] [--face-kib 280]
"""
from __future__ import annotations

import argparse
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import persistqueue  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

from bench.result import Result, emit, percentile  # noqa: E402

from offline_queue.outbox import Outbox  # noqa: E402


def record(i: int) -> dict:
    return {"subject_type": "individual_business", "seq": i,
            "applicant": {"name": "王小明", "id_number": "11010519491231002X",
                          "address": "浙江省杭州市西湖区文三路100号" * 3},
            "business": {"name": "杭州市西湖区青禾百货店", "scope": ["F001"] * 20},
            "services": {"seals": ["official", "finance", "invoice", "legal_person"]}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=300)
    ap.add_argument("--face-kib", type=int, default=280)
    args = ap.parse_args()
    rng = random.Random(1)
    face = rng.randbytes(args.face_kib * 1024)
    signature = rng.randbytes(8 * 1024)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        box = Outbox(Path(tmp) / "outbox.db", X25519PrivateKey.generate().public_key(),
                     disk_free=lambda: 1 << 40)
        floor_db = sqlite3.connect(Path(tmp) / "floor.db", isolation_level=None)
        floor_db.execute("PRAGMA journal_mode=WAL")
        floor_db.execute("PRAGMA synchronous=FULL")
        floor_db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, body BLOB)")
        peer = persistqueue.SQLiteQueue(str(Path(tmp) / "persist-queue"), auto_commit=True)
        peer._putter.execute("PRAGMA synchronous=FULL")   # the same durability as ours
        # The floor stores exactly as many bytes as the outbox: ciphertexts of the same parts.
        box.enqueue("WARM-000", record(0), {"face": face, "signature": signature},
                    "individual_business")
        row = box.report_rows()[0]
        size = row["record_size"] + row["attachments_size"]
        enq, flo, theirs = [], [], []

        def ours(i: int) -> None:
            box.enqueue(f"BENCH-{i:05d}", record(i), {"face": face, "signature": signature},
                        "individual_business")

        def floor(i: int) -> None:
            floor_db.execute("BEGIN")
            floor_db.execute("INSERT INTO t VALUES (?, ?)", (f"F-{i:05d}", bodies[i % 8]))
            floor_db.execute("COMMIT")

        def persist_queue(i: int) -> None:
            peer.put({"id": f"P-{i:05d}", "record": record(i), "face": face,
                      "signature": signature})

        bodies = [os.urandom(size) for _ in range(8)]
        runs = ((ours, enq), (floor, flo), (persist_queue, theirs))
        for i in range(args.n):
            # Each in turn goes first, so none always follows the same neighbour's fsync.
            for k in range(3):
                fn, times = runs[(i + k) % 3]
                t0 = time.perf_counter()
                fn(i)
                times.append(time.perf_counter() - t0)
        box.close()
        floor_db.close()
        peer.close()
    ratios = sorted(e / f for e, f in zip(enq, flo))
    print(f"submission size (ciphertext): {size} bytes, n={args.n}")
    print(f"enqueue median: {statistics.median(enq) * 1e3:.2f} ms")
    print(f"floor (bare synchronous=FULL insert) median: {statistics.median(flo) * 1e3:.2f} ms")
    print(f"median ratio enqueue/floor: {statistics.median(ratios):.2f}x "
          f"(ratio of medians {statistics.median(enq) / statistics.median(flo):.2f}x)")
    ours_rate, their_rate = len(enq) / sum(enq), len(theirs) / sum(theirs)
    print(f"enqueue p99: {percentile(enq, 99) * 1e3:.2f} ms; throughput {ours_rate:.0f}/s "
          f"against persist-queue's {their_rate:.0f}/s (medians {statistics.median(enq) * 1e3:.2f}"
          f" and {statistics.median(theirs) * 1e3:.2f} ms, p90 {percentile(enq, 90) * 1e3:.2f}"
          f" and {percentile(theirs, 90) * 1e3:.2f} ms)")
    emit(Result("queue_enqueue_p99", percentile(enq, 99) * 1e3, "ms", target=25),
         Result("queue_throughput_vs_persist_queue", ours_rate, "puts/s", target=1.0,
                better="higher", baseline=their_rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
