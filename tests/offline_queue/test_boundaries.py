"""Package boundaries and privacy of logs: the queue never imports kiosk, ui or Qt, and what it
logs while storing and sending an application holds no personal data."""
from __future__ import annotations

import ast
import logging
import random
from pathlib import Path

import offline_queue
from offline_queue.backoff import Backoff
from offline_queue.port import ErrorKind, PlatformError
from offline_queue.sync import SyncWorker
from tests.offline_queue.conftest import ID_NUMBER, NAME, PHONE, SUBJECT, personal_record
from tests.offline_queue.test_sync_worker import ContractPort

FORBIDDEN = ("kiosk", "ui", "PySide6", "PyQt5", "PyQt6", "central")


def test_offline_queue_imports_no_kiosk_ui_qt_or_central():
    root = Path(offline_queue.__file__).parent
    offenders = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = [node.module]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] in FORBIDDEN]
    assert offenders == []


def test_logs_hold_no_personal_data(make_outbox, ids, clock, caplog):
    caplog.set_level(logging.DEBUG)
    port = ContractPort()
    box = make_outbox(disk_free=lambda: 10, application_bytes=1)   # low disk: warnings too
    worker = SyncWorker(box, port, backoff=Backoff(1, 2, 0), heartbeat_s=1,
                        rng=random.Random(1))
    sids = [ids() for _ in range(3)]
    for sid in sids:
        try:
            box.enqueue(sid, personal_record(), {"face": b"\x00" * 100}, SUBJECT)
        except Exception:  # noqa: BLE001 - OutboxFull is expected on this tiny disk
            pass
    box._disk_free = lambda: 10 ** 12
    for sid in sids:
        box.enqueue(sid, personal_record(), {"face": b"\x00" * 100}, SUBJECT)
    port.fail[("post", sids[0])] = [PlatformError(ErrorKind.SERVER, "http_500", NAME)]
    port.fail[("post", sids[1])] = [PlatformError(ErrorKind.CONFLICT, "idempotency_conflict",
                                                  f"{NAME} {ID_NUMBER}")]
    worker.run_once()
    clock.advance(5)
    worker.run_once()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "queue-sent" in text and "queue-send-refused" in text   # logging did happen
    for secret in (NAME, ID_NUMBER, PHONE):
        assert secret not in text
    assert all(NAME not in (box.status(s).last_error or "") for s in sids)
