"""The offline queue: finalized applications stored durably and encrypted, then delivered.

`Outbox` (outbox.py) stores submissions sealed with `contract.envelope` in SQLite; `SyncWorker`
(sync.py) delivers them through a `PlatformPort` (port.py) that the composition root injects
(kiosk/platform/client.py); `cli.register` adds ``kiosk queue status|sync|report``. The
platform's answers are `contract.wire` models. This package imports `contract` and never
`kiosk`, `ui`, `devices`, `central` or Qt.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

import lazy_loader

# Loaded on first use (PEP 562, through lazy_loader): the outbox pulls in sqlite-utils (and with
# it numpy), which a module needing only ``offline_queue.port``'s error type must not pay for at
# start-up.
__getattr__, __dir__, _lazy = lazy_loader.attach(__name__, submod_attrs={
    "model": ["Admission", "AdmissionReason", "DuplicateSubmission", "InvalidSubmission",
              "OutboxFull", "QueueError", "QueueState", "QueueSummary", "SchemaError",
              "SubmissionStatus", "UnknownSubmission"],
    "outbox": ["Outbox"],
    "port": ["ErrorKind", "PlatformError", "PlatformPort"],
    "sync": ["SyncReport", "SyncWorker"],
})
__all__ = [   # the same names, spelled out for tools that read __all__ literally
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

