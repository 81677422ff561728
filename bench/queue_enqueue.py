"""Benchmark: `Outbox.enqueue` (seal + durable commit) of a 300 KB submission with attachments.

Three stores, interleaved put by put in one process so disk and CPU contention hit all alike:

- ours: `Outbox.enqueue` called as the kiosk calls it (with ``same_as``), which seals every part
  for the platform, fingerprints the application, looks for an earlier one and commits once;
- ``persist-queue``'s SQLite queue (a well-kept library doing the same job), given the same
  durability: WAL, ``synchronous=FULL`` (checked, not assumed), one commit per put; it pickles
  the same submission (the same record and the same attachment bytes) and encrypts nothing;
- the floor: a bare ``INSERT`` of a blob of our ciphertext's size into a WAL,
  ``synchronous=FULL`` file (the cost no durable queue can avoid), printed beside the others.

Fairness: all three live in the same directory (so the same file system), each gets the same
warm-up puts before timing, each in turn goes first, and every round starts from fresh files so
that no store is timed against a bigger file than the others. Results:

- ``queue_enqueue_p99``: our enqueue's 99th percentile in ms over every round (target 25 ms);
- ``queue_throughput_vs_persist_queue``: puts per second (a store's puts / the sum of its put
  times) of ours and of persist-queue in the round whose ratio is the median of the rounds';
  the ratio must be at least 1 although we also encrypt.

It also prints what one commit writes to the WAL (frames and KiB a put, ours and
persist-queue's), counted untimed on fresh files with automatic checkpoints off, so that the WAL
only grows: the page count is what the outbox's schema is shaped by (`offline_queue/schema.py`).

    python bench/queue_enqueue.py [--rounds 7] [--n 150] [--face-kib 280]

``BENCH_DIR`` chooses the directory (default: the system's temporary directory; it must be a
real disk, not tmpfs, or fsync costs nothing).
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
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import persistqueue  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey  # noqa: E402

from bench.result import Result, emit, percentile  # noqa: E402

from offline_queue.outbox import Outbox  # noqa: E402

WARM = 5   # untimed puts into each store before every round
FULL = 2   # PRAGMA synchronous value of FULL


def record(i: int) -> dict:
    return {"subject_type": "individual_business", "seq": i,
            "applicant": {"name": "王小明", "id_number": "11010519491231002X",
                          "address": "浙江省杭州市西湖区文三路100号" * 3},
            "business": {"name": "杭州市西湖区青禾百货店", "scope": ["F001"] * 20},
            "services": {"seals": ["official", "finance", "invoice", "legal_person"]}}


def same_as(i: int) -> str:
    # The kiosk passes what makes a submission its application (`same_application`); the
    # outbox keeps its keyed fingerprint and looks for an earlier one, so our put does that too.
    return f'{{"id_number":"11010519491231002X","name":"杭州市西湖区青禾百货店{i}"}}'


def one_round(tmp: Path, n: int, face: bytes, signature: bytes
              ) -> tuple[list[float], list[float], list[float], int]:
    """Times of n puts into each store (ours, persist-queue, floor), and our stored size."""
    box = Outbox(tmp / "outbox.db", X25519PrivateKey.generate().public_key(),
                 disk_free=lambda: 1 << 40)
    peer = persistqueue.SQLiteQueue(str(tmp / "persist-queue"), auto_commit=True)
    peer._putter.execute("PRAGMA synchronous=FULL")   # the same durability as ours
    floor_db = sqlite3.connect(tmp / "floor.db", isolation_level=None)
    floor_db.execute("PRAGMA journal_mode=WAL")
    floor_db.execute("PRAGMA synchronous=FULL")
    floor_db.execute("CREATE TABLE t (id TEXT PRIMARY KEY, body BLOB)")
    for conn in (box._db.conn, peer._putter, floor_db):
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
        sync = conn.execute("PRAGMA synchronous").fetchone()[0]
        if mode != "wal" or sync != FULL:
            raise SystemExit(f"unequal durability: journal_mode={mode} synchronous={sync}")
    try:
        attachments = {"face": face, "signature": signature}
        box.enqueue("WARM-00000", record(0), attachments, "individual_business",
                    same_as=same_as(0))
        row = box.report_rows()[0]
        size = row["record_size"] + row["attachments_size"]
        # The floor stores exactly as many bytes as the outbox: ciphertexts of the same parts.
        bodies = [os.urandom(size) for _ in range(8)]

        def ours(i: int) -> None:
            box.enqueue(f"BENCH-{i:05d}", record(i), attachments, "individual_business",
                        same_as=same_as(i))

        def persist_queue(i: int) -> None:
            peer.put({"id": f"P-{i:05d}", "record": record(i), "face": face,
                      "signature": signature})

        def floor(i: int) -> None:
            floor_db.execute("BEGIN")
            floor_db.execute("INSERT INTO t VALUES (?, ?)", (f"F-{i:05d}", bodies[i % 8]))
            floor_db.execute("COMMIT")

        stores: tuple[Callable[[int], None], ...] = (ours, persist_queue, floor)
        for i in range(1, WARM):
            for fn in stores:
                fn(-i)
        times: tuple[list[float], ...] = ([], [], [])
        for i in range(n):
            # Each in turn goes first, so none always follows the same neighbour's fsync.
            for k in range(3):
                j = (i + k) % 3
                t0 = time.perf_counter()
                stores[j](i)
                times[j].append(time.perf_counter() - t0)
    finally:
        box.close()
        peer.close()
        floor_db.close()
    return times[0], times[1], times[2], size


def wal_per_put(tmp: Path, face: bytes, signature: bytes, n: int = 12) -> dict[str, tuple]:
    """``{store: (frames, KiB)}`` one put adds to its WAL, from the file's growth over n puts."""
    box = Outbox(tmp / "count.db", X25519PrivateKey.generate().public_key(),
                 disk_free=lambda: 1 << 40)
    peer = persistqueue.SQLiteQueue(str(tmp / "count-pq"), auto_commit=True)
    conns = {"ours": box._db.conn, "persist-queue": peer._putter}
    puts = {"ours": lambda i: box.enqueue(f"COUNT-{i:03d}", record(i), {"face": face,
                                          "signature": signature}, "individual_business",
                                          same_as=same_as(i)),
            "persist-queue": lambda i: peer.put({"id": i, "record": record(i), "face": face,
                                                 "signature": signature})}
    out = {}
    try:
        for name, conn in conns.items():
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA wal_autocheckpoint=0")
            page = conn.execute("PRAGMA page_size").fetchone()[0]
            wal = Path(conn.execute("PRAGMA database_list").fetchone()[2] + "-wal")
            puts[name](-1)
            before = wal.stat().st_size
            for i in range(n):
                puts[name](i)
            frames = (wal.stat().st_size - before) / n / (page + 24)
            out[name] = (frames, frames * page / 1024, page)
    finally:
        box.close()
        peer.close()
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--n", type=int, default=150, help="timed puts per store and round")
    ap.add_argument("--face-kib", type=int, default=280)
    args = ap.parse_args()
    rng = random.Random(1)
    face = rng.randbytes(args.face_kib * 1024)
    signature = rng.randbytes(8 * 1024)
    with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
        for name, (frames, kib, page) in wal_per_put(Path(tmp), face, signature).items():
            print(f"WAL per put, {name}: {frames:.1f} frames of {page // 1024} KiB = {kib:.0f} KiB")
    enq: list[float] = []
    ours_rates, their_rates, floor_rates = [], [], []
    for r in range(args.rounds):
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_DIR")) as tmp:
            mine, theirs, flo, size = one_round(Path(tmp), args.n, face, signature)
        enq += mine
        ours_rates.append(len(mine) / sum(mine))
        their_rates.append(len(theirs) / sum(theirs))
        floor_rates.append(len(flo) / sum(flo))
        print(f"round {r + 1}: ours {ours_rates[-1]:.0f}/s, persist-queue {their_rates[-1]:.0f}/s"
              f" ({ours_rates[-1] / their_rates[-1]:.2f}x), floor {floor_rates[-1]:.0f}/s; "
              f"medians {statistics.median(mine) * 1e3:.2f}, {statistics.median(theirs) * 1e3:.2f}"
              f", {statistics.median(flo) * 1e3:.2f} ms")
    # The round whose ratio is the median: its two rates, measured side by side, are the result
    # (a ratio of two medians taken from different rounds would pair unlike conditions).
    mid = sorted(range(args.rounds), key=lambda k: ours_rates[k] / their_rates[k])[args.rounds // 2]
    ours_rate, their_rate = ours_rates[mid], their_rates[mid]
    print(f"submission size (ciphertext): {size} bytes; {args.rounds} rounds of {args.n} puts")
    print(f"median round ({mid + 1}): ours {ours_rate:.0f}/s, persist-queue {their_rate:.0f}/s "
          f"({ours_rate / their_rate:.2f}x), floor {floor_rates[mid]:.0f}/s; medians over rounds "
          f"{statistics.median(ours_rates):.0f}, {statistics.median(their_rates):.0f} and "
          f"{statistics.median(floor_rates):.0f}/s")
    print(f"enqueue median {statistics.median(enq) * 1e3:.2f} ms, p90 "
          f"{percentile(enq, 90) * 1e3:.2f} ms, p99 {percentile(enq, 99) * 1e3:.2f} ms")
    emit(Result("queue_enqueue_p99", percentile(enq, 99) * 1e3, "ms", target=25),
         Result("queue_throughput_vs_persist_queue", ours_rate, "puts/s", target=1.0,
                better="higher", baseline=their_rate))
    return 0


if __name__ == "__main__":
    sys.exit(main())
