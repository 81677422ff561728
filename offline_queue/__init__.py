"""The offline queue: finalized applications stored durably and encrypted, then delivered.

`Outbox` (outbox.py) stores submissions sealed with `contract.envelope` in SQLite; `SyncWorker`
(sync.py) delivers them through a `PlatformPort` (port.py) that the composition root injects
(kiosk/platform/client.py); `cli.register` adds ``kiosk queue status|sync|report``. The
platform's answers are `contract.wire` models. This package imports `contract` and never
`kiosk`, `ui`, `devices`, `central` or Qt.
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

# Loaded on first use (PEP 562): the outbox pulls in sqlite-utils (and with it numpy), which a
# module needing only ``offline_queue.port``'s error type must not pay for at start-up.
_HOME = {
    **dict.fromkeys(("Admission", "AdmissionReason", "DuplicateSubmission", "InvalidSubmission",
                     "OutboxFull", "QueueError", "QueueState", "QueueSummary", "SchemaError",
                     "SubmissionStatus", "UnknownSubmission"), "offline_queue.model"),
    "Outbox": "offline_queue.outbox",
    **dict.fromkeys(("ErrorKind", "PlatformError", "PlatformPort"), "offline_queue.port"),
    **dict.fromkeys(("SyncReport", "SyncWorker"), "offline_queue.sync"),
}
__all__ = [   # the same names as _HOME, spelled out for tools that read __all__ literally
    "Admission", "AdmissionReason", "DuplicateSubmission", "ErrorKind", "InvalidSubmission",
    "Outbox", "OutboxFull", "PlatformError", "PlatformPort", "QueueError", "QueueState",
    "QueueSummary", "SchemaError", "SubmissionStatus", "SyncReport",
    "SyncWorker", "UnknownSubmission",
]

if TYPE_CHECKING:
    from offline_queue.model import (
        Admission, AdmissionReason, DuplicateSubmission, InvalidSubmission, OutboxFull,
        QueueError, QueueState, QueueSummary, SchemaError, SubmissionStatus, UnknownSubmission,
    )
    from offline_queue.outbox import Outbox
    from offline_queue.port import ErrorKind, PlatformError, PlatformPort
    from offline_queue.sync import SyncReport, SyncWorker


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module 'offline_queue' has no attribute {name!r}")
    value = getattr(importlib.import_module(_HOME[name]), name)
    globals()[name] = value
    return value
