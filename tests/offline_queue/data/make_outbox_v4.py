"""Writes ``outbox-v4.db`` (+ its ``.key`` and ``outbox-v4.json``): an outbox as schema version
4 left it, for the migration test (`test_schema.py`). Not a test; run once, with the version 4
code first on the path (it was made from commit ebe15c5)::

    mkdir /tmp/v4 && git archive ebe15c5 offline_queue contract | tar -x -C /tmp/v4
    PYTHONPATH=/tmp/v4:. python tests/offline_queue/data/make_outbox_v4.py

It holds a submission in every state (queued, sending when the kiosk stopped, failed, held,
sent with a signed decision, sent and purged, one without attachments, one with an application
fingerprint); the json keeps the platform's test key and what each submission must still be.
"""
from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from contract.wire import Decision, DecisionStatus
from offline_queue.outbox import Outbox
from offline_queue.schema import SCHEMA_VERSION
from tests.offline_queue.conftest import LICENCE

HERE = Path(__file__).resolve().parent


def main() -> int:
    if SCHEMA_VERSION != 4:
        sys.exit(f"needs the version 4 code first on the path, not version {SCHEMA_VERSION}")
    db = HERE / "outbox-v4.db"
    for old in (db, db.with_name(db.name + ".key"), HERE / "outbox-v4.json"):
        old.unlink(missing_ok=True)
    rng = random.Random(4)
    key = X25519PrivateKey.generate()
    now = [1_760_000_000.0]
    box = Outbox(db, key.public_key(), clock=lambda: now[0], disk_free=lambda: 1 << 40,
                 retention_s=3600)
    expected: dict[str, dict] = {}

    def put(sid: str, parts: dict[str, int], same_as: str | None = None) -> None:
        record = {"subject_type": "individual_business", "seq": sid, "name": "王小明"}
        blobs = {name: rng.randbytes(size) for name, size in parts.items()}
        box.enqueue(sid, record, blobs, "individual_business", same_as=same_as)
        expected[sid] = {"record_sha256": hashlib.sha256(json.dumps(
            record, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()).hexdigest(),
            "parts": {n: hashlib.sha256(b).hexdigest() for n, b in blobs.items()}}
        now[0] += 10

    for sid in ("V4-QUEUED", "V4-SENDING", "V4-FAILED", "V4-HELD", "V4-SENT", "V4-PURGED"):
        put(sid, {"face": 17_000, "signature": 1_500})
    put("V4-BARE", {})
    put("V4-SAME", {"face": 3_000}, same_as="same-application")
    box.begin_attempt("V4-SENDING")
    attempt, _ = box.begin_attempt("V4-FAILED")
    box.finish_failed("V4-FAILED", attempt, "server: http_503 (HTTP 503)", now[0] + 600)
    attempt, _ = box.begin_attempt("V4-HELD")
    box.finish_failed("V4-HELD", attempt, "refused: bad (HTTP 422)", None)
    for sid in ("V4-PURGED", "V4-SENT"):
        attempt, _ = box.begin_attempt(sid)
        approved = sid == "V4-SENT"
        box.finish_delivered(sid, attempt, Decision(
            submission_id=sid, kiosk_id="kiosk-001",
            status=DecisionStatus.APPROVED if approved else DecisionStatus.NEEDS_CORRECTION,
            reasons=[] if approved else ["请补充经营场所证明"],
            licence=LICENCE if approved else None, updated_at="2026-11-21T10:00:00+00:00"))
        if sid == "V4-PURGED":
            now[0] += 7200
            assert box.purge_expired() == 1
    for sid, row in zip(sorted(expected), sorted(box.report_rows(), key=lambda r: r["submission_id"])):
        expected[sid]["row"] = row
        expected[sid]["history"] = [{k: a[k] for k in ("outcome", "error")}
                                    for a in box.history(sid)]
    box.close()
    raw = key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                            serialization.NoEncryption())
    (HERE / "outbox-v4.json").write_text(json.dumps(
        {"platform_private_key": raw.hex(), "submissions": expected}, ensure_ascii=False,
        indent=1, sort_keys=True) + "\n")
    print(f"wrote {db} ({db.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
