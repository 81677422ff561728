"""A kiosk process for the crash test: enqueue and sync at once until SIGKILLed.

Run as ``python tests/offline_queue/crash_child.py CONFIG_JSON``. It prints ``READY`` once set
up, then ``ACK <id>`` after each `enqueue` has returned (the acknowledgement the test counts),
while the sync worker runs on its background thread. The parent kills it at a random moment.
"""
from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import requests  # noqa: E402
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey  # noqa: E402

from contract import envelope  # noqa: E402
from kiosk.platform.client import PlatformClient  # noqa: E402
from offline_queue.backoff import Backoff  # noqa: E402
from offline_queue.outbox import Outbox  # noqa: E402
from offline_queue.sync import SyncWorker  # noqa: E402


def main() -> None:
    cfg = json.loads(sys.argv[1])
    rng = random.Random(cfg["seed"])
    box = Outbox(Path(cfg["db"]), envelope.load_public_key(cfg["platform_key"]),
                 disk_free=lambda: 10 * 1024 ** 3)
    session = requests.Session()
    session.headers["Connection"] = "close"
    client = PlatformClient(cfg["base_url"], cfg["kiosk_id"],
                            Ed25519PrivateKey.from_private_bytes(bytes.fromhex(cfg["kiosk_key"])),
                            timeout=(1, 1), session=session)
    worker = SyncWorker(box, client, chunk_size=4096, backoff=Backoff(0.01, 0.1, 0.5),
                        heartbeat_s=0, idle_s=0.01, rng=rng)
    worker.start()
    print("READY", flush=True)
    for i in range(cfg["count"]):
        sid = f"{cfg['prefix']}-{i:03d}"
        record = {"subject_type": "individual_business", "seq": i,
                  "applicant": {"name": "王小明", "id_number": "11010519491231002X"}}
        box.enqueue(sid, record, {"face": rng.randbytes(rng.randint(1, 12_000))},
                    "individual_business")
        print("ACK", sid, flush=True)
        worker.kick()
        time.sleep(rng.random() * 0.02)
    while box.summary().depth:
        time.sleep(0.02)
    print("DONE", flush=True)
    worker.stop()


if __name__ == "__main__":
    main()
