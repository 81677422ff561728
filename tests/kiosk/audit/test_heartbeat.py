"""The audit log's head goes out in the heartbeat and the platform keeps it, so a history
rewritten on the kiosk afterwards no longer holds what the platform saw."""
from __future__ import annotations

from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.testing import SignedClient, running_platform
from kiosk.app import _audit_head
from kiosk.audit.log import AuditLog
from kiosk.audit.verify import Problem, verify
from kiosk.platform.client import PlatformClient
from kiosk.redact import Redactor
from offline_queue.outbox import Outbox
from offline_queue.sync import SyncWorker

KIOSK = "kiosk-audit-0001"


def test_the_platform_keeps_the_head_and_a_truncated_log_shows(tmp_path: Path) -> None:
    audit = AuditLog(tmp_path / "audit.log", redactor=Redactor())
    for n in range(5):
        audit.record("queue-purged", count=n)
    key = Ed25519PrivateKey.generate()
    with running_platform(tmp_path / "central") as platform:
        platform.register_kiosk(KIOSK, key.public_key())
        client = PlatformClient(platform.base_url, KIOSK, key,
                                decision_key=platform.decision_public_key)
        outbox = Outbox(tmp_path / "outbox.db", platform.platform_public_key)
        worker = SyncWorker(outbox, client, heartbeat_s=1,
                            heartbeat_extra=lambda: {"audit": _audit_head(audit)})
        assert worker.run_once().heartbeat_sent
        kept = platform.latest_heartbeat(KIOSK)["audit"]
        outbox.close()
        client.close()
    assert kept == {"seq": 5, "head": audit.head().hash}
    rows = audit.path.read_bytes().split(b"\n")
    audit.path.write_bytes(b"\n".join(rows[:3]) + b"\n")          # the last two entries cut
    assert verify(audit.path).ok
    assert verify(audit.path, expected_head=kept["head"]).kinds() == {Problem.TRUNCATED}


@pytest.mark.parametrize("head", [{"seq": 0, "head": "0" * 64}, {"seq": 1, "head": "zz"},
                                  {"seq": 1, "head": "A" * 64}, {"seq": "1", "head": "0" * 64},
                                  {"seq": 1, "head": "0" * 64, "more": 1}, [1], "head"])
def test_the_platform_refuses_a_malformed_head(tmp_path: Path, head: object) -> None:
    key = Ed25519PrivateKey.generate()
    with running_platform(tmp_path / "central") as platform:
        platform.register_kiosk(KIOSK, key.public_key())
        client = SignedClient(platform.base_url, KIOSK, key)
        body = {"devices": [], "queue": {"depth": 0}, "disk_free_bytes": 1, "low_disk": False,
                "audit": head}
        resp = client.request("POST", f"/v1/kiosks/{KIOSK}/heartbeat", body)
        assert resp.status_code == 422, resp.text
        assert platform.latest_heartbeat(KIOSK) is None
