"""Benchmark: `Outbox.enqueue` (seal + durable commit) against the floor of a bare SQLite insert.

The floor is one ``INSERT`` of a blob of the same byte size into a WAL, ``synchronous=FULL``
SQLite file on the same disk, committed: the cost no durable queue can avoid. Both run in the
same process, interleaved, so disk and CPU contention hit them alike. Prints the medians and the
median ratio (enqueue / floor).

    python bench/queue_enqueue.py [--n 80] [--face-kib 60]
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

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

from offline_queue.outbox import Outbox  # noqa: E402


def record(i: int) -> dict:
    return {"subject_type": "individual_business", "seq": i,
            "applicant": {"name": "王小明", "id_number": "11010519491231002X",
                          "address": "浙江省杭州市西湖区文三路100号" * 3},
            "business": {"name": "杭州市西湖区青禾百货店", "scope": ["F001"] * 20},
            "services": {"seals": ["official", "finance", "invoice", "legal_person"]}}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=80)
    ap.add_argument("--face-kib", type=int, default=60)
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
        # The floor stores exactly as many bytes as the outbox: ciphertexts of the same parts.
        box.enqueue("WARM-000", record(0), {"face": face, "signature": signature},
                    "individual_business")
        row = box.report_rows()[0]
        size = row["record_size"] + row["attachments_size"]
        enq, flo = [], []
        for i in range(args.n):
            t0 = time.perf_counter()
            box.enqueue(f"BENCH-{i:05d}", record(i), {"face": face, "signature": signature},
                        "individual_business")
            t1 = time.perf_counter()
            body = os.urandom(size)
            t2 = time.perf_counter()
            floor_db.execute("BEGIN")
            floor_db.execute("INSERT INTO t VALUES (?, ?)", (f"F-{i:05d}", body))
            floor_db.execute("COMMIT")
            t3 = time.perf_counter()
            enq.append(t1 - t0)
            flo.append(t3 - t2)
        box.close()
        floor_db.close()
    ratios = sorted(e / f for e, f in zip(enq, flo))
    print(f"submission size (ciphertext): {size} bytes, n={args.n}")
    print(f"enqueue median: {statistics.median(enq) * 1e3:.2f} ms")
    print(f"floor (bare synchronous=FULL insert) median: {statistics.median(flo) * 1e3:.2f} ms")
    print(f"median ratio enqueue/floor: {statistics.median(ratios):.2f}x "
          f"(ratio of medians {statistics.median(enq) / statistics.median(flo):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
