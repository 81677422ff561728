"""A kiosk process for the crash campaign: an outbox and its sync worker, killed at observed
points (see ``points.py``).

Run as ``python tests/reliability/kiosk_child.py CONFIG_JSON`` (``batch_bytes`` 0, the default,
delivers one by one with chunked uploads; more sends batches, attachments inline). Commands on stdin: ``ENQUEUE n``
(queue n more submissions, each with a face photo of a few chunks), ``STOP`` (finish and exit
0). It prints ``READY``, ``ACK <id>`` once each `enqueue` has returned (the acknowledgement the
campaign counts), ``DRAINED`` each time nothing is left to send, and ``POINT <name>`` at:

- ``enqueue``: inside the enqueue transaction (the submission row written, not committed);
- ``sending``: an attempt about to be marked (nothing sent yet for it);
- ``delivered``: the platform has all of it, the kiosk's record of that not yet committed.
"""
from __future__ import annotations

import json
import queue
import random
import sys
import threading
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
from tests.reliability.points import Points  # noqa: E402

RULES = (("INSERT INTO submissions", "enqueue"),
         ("UPDATE submissions SET state = 'sending'", "sending"),
         ("UPDATE submissions SET state = 'sent'", "delivered"))


def main() -> None:
    cfg = json.loads(sys.argv[1])
    rng = random.Random(cfg["seed"])
    work: queue.Queue[str] = queue.Queue()
    points = Points(work.put)
    box = Outbox(Path(cfg["db"]), envelope.load_public_key(cfg["platform_key"]),
                 disk_free=lambda: 10 * 1024 ** 3)
    points.trace(box._db.conn, RULES)      # the outbox's own connection: test-only access
    session = requests.Session()
    session.headers["Connection"] = "close"      # one request per connection through the proxy
    client = PlatformClient(cfg["base_url"], cfg["kiosk_id"],
                            Ed25519PrivateKey.from_private_bytes(bytes.fromhex(cfg["kiosk_key"])),
                            timeout=(2, 5), session=session)
    worker = SyncWorker(box, client, chunk_size=cfg["chunk_size"],
                        batch_bytes=cfg.get("batch_bytes", 0),
                        backoff=Backoff(0.01, 0.05, 0.5), heartbeat_s=0, idle_s=0.02, rng=rng)
    worker.start()
    stop = threading.Event()
    threading.Thread(target=_watch, args=(box, points, stop), daemon=True).start()
    points.say("READY")
    n = 0
    while True:
        command = work.get()
        if command == "STOP":
            break
        verb, count = command.split()
        assert verb == "ENQUEUE"
        for _ in range(int(count)):
            sid = f"{cfg['prefix']}-{n:03d}"
            n += 1
            record = {"subject_type": "individual_business", "seq": sid,
                      "created_at": "2026-11-21T10:00:00+08:00",
                      "applicant": {"name": "王小明", "id_number": "11010519491231002X"},
                      "answers": {"name": {"trade_name": sid}}}
            size = rng.randint(cfg["chunk_size"] + 1, 4 * cfg["chunk_size"])
            box.enqueue(sid, record, {"face": rng.randbytes(size)}, "individual_business")
            points.say(f"ACK {sid}")
            worker.kick()
    stop.set()
    worker.stop()
    box.close()


def _watch(box: Outbox, points: Points, stop: threading.Event) -> None:
    # This is the simulated kiosk, not a test: it looks at its own queue every 20 ms.
    was_empty = True
    while not stop.is_set():
        empty = box.summary().depth == 0
        if empty and not was_empty:
            points.say("DRAINED")
        was_empty = empty
        time.sleep(0.02)


if __name__ == "__main__":
    main()
