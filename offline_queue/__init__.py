"""The offline queue: finalized applications stored durably and encrypted, then delivered.

`Outbox` (outbox.py) stores submissions sealed with `contract.envelope` in SQLite; `SyncWorker`
(sync.py) delivers them through a `PlatformPort` (port.py) that the composition root injects
(kiosk/platform/client.py); `cli.register` adds ``kiosk queue status|sync|report``. The
platform's answers are `contract.wire` models. This package imports `contract` and never
`kiosk`, `ui`, `devices`, `central` or Qt.
"""
from __future__ import annotations

from offline_queue.model import (
    Admission, AdmissionReason, DuplicateSubmission, InvalidSubmission, OutboxFull, QueueError,
    QueueState, QueueSummary, SchemaError, SubmissionStatus, UnknownSubmission,
)
from offline_queue.outbox import Outbox
from offline_queue.port import ErrorKind, PlatformError, PlatformPort
from offline_queue.sync import SyncReport, SyncWorker

__all__ = [
    "Admission", "AdmissionReason", "DuplicateSubmission", "ErrorKind", "InvalidSubmission",
    "Outbox", "OutboxFull", "PlatformError", "PlatformPort", "QueueError", "QueueState",
    "QueueSummary", "SchemaError", "SubmissionStatus", "SyncReport",
    "SyncWorker", "UnknownSubmission",
]
