"""The small port through which the sync worker talks to the platform.

What it does: declares the five calls the worker needs (a `typing.Protocol`), the optional
batch call (`BatchPort`), what the worker hands them, and the one exception type they raise.
They return the platform's answers as the shared wire models (`contract.wire`:
`SubmissionAck`, `AttachmentProgress`, `Decision`). `kiosk/platform/client.py` implements
the port with requests; tests may implement it too.

Every `Decision` a port returns, from `get_status` or inside `SubmissionAck.decision`, has had
its platform signature verified (`contract.decisions`); a decision that does not verify is a
`PlatformError` of kind `BAD_RESPONSE` and never reaches the outbox. The unsigned `status`
summaries of an ack or an attachment answer are only that.

What it does not do: HTTP, signing, or any knowledge of `kiosk` (the offline queue never imports
it; the composition root injects the client).
"""
from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from contract.wire import AttachmentProgress, Decision, SubmissionAck

__all__ = ["AttachmentMeta", "BatchPort", "ErrorKind", "OutgoingSubmission", "PlatformError",
           "PlatformPort", "WholeSubmission"]


class ErrorKind(str, enum.Enum):
    """What went wrong on a platform call, coarse enough for the worker to decide what to do."""

    NETWORK = "network"            # connection refused/reset/dropped, timeout: nothing known
    SERVER = "server"              # 5xx or 429: the platform is unwell; retry later
    AUTH = "auth"                  # 401: kiosk-wide (clock, key, registration), not the item's fault
    CONFLICT = "conflict"          # 409 idempotency_conflict: same id, different body
    OFFSET = "offset_mismatch"     # 409 on an attachment chunk: `offset` says where to go on
    CHECKSUM = "checksum_mismatch"  # 422 on the last chunk: the upload restarts from 0
    REFUSED = "refused"            # 400/404/413/422: the platform will never take this request
    BAD_RESPONSE = "bad_response"  # the answer is not what the contract promises, or a
    #                                decision whose signature does not verify


_RETRYABLE = {ErrorKind.NETWORK, ErrorKind.SERVER, ErrorKind.AUTH, ErrorKind.OFFSET,
              ErrorKind.CHECKSUM, ErrorKind.BAD_RESPONSE}


class PlatformError(Exception):
    """A platform call failed. The only exception a `PlatformPort` implementation raises.

    Attributes:
        kind: the coarse class of failure.
        code: the platform's machine-readable code (``"idempotency_conflict"``) or a local one
            (``"timeout"``, ``"connection"``).
        http_status: the HTTP status, or None when no answer arrived.
        retryable: whether the same request may succeed later.
        offset: for ``ErrorKind.OFFSET``, the offset the platform expects.
        retry_after: seconds the platform asked the kiosk to wait (``Retry-After``), if any.
    """

    def __init__(self, kind: ErrorKind, code: str, message: str = "", *,
                 http_status: int | None = None, retryable: bool | None = None,
                 offset: int | None = None, retry_after: float | None = None) -> None:
        super().__init__(message or code)
        self.kind = kind
        self.code = code
        self.http_status = http_status
        self.retryable = kind in _RETRYABLE if retryable is None else retryable
        self.offset = offset
        self.retry_after = retry_after

    @property
    def summary(self) -> str:
        """A short, non-personal description for logs and `last_error` (no platform prose:
        a platform message might quote a field of the application)."""
        status = f" (HTTP {self.http_status})" if self.http_status is not None else ""
        return f"{self.kind.value}: {self.code}{status}"


@dataclass(frozen=True)
class AttachmentMeta:
    """One declared attachment: name, ciphertext size and SHA-256 (hex)."""

    name: str
    size: int
    sha256: str


@dataclass(frozen=True)
class OutgoingSubmission:
    """What `post_submission` sends. The client serialises it deterministically, so a retry
    carries a byte-equal body under the same idempotency key."""

    submission_id: str
    created_at: str            # ISO 8601, UTC, fixed at enqueue time
    subject_type: str
    envelope: dict             # the envelope header: no personal data
    record: bytes              # record ciphertext
    attachments: tuple[AttachmentMeta, ...] = ()


@dataclass(frozen=True)
class WholeSubmission:
    """A submission with every declared attachment whole (ciphertext by name), for a batch."""

    submission: OutgoingSubmission
    attachments: dict[str, bytes]


@runtime_checkable
class PlatformPort(Protocol):
    """The calls the sync worker makes. Every call has a timeout; every failure is a
    `PlatformError`."""

    def post_submission(self, submission: OutgoingSubmission) -> SubmissionAck:
        """POST /v1/submissions with `Idempotency-Key: submission_id`."""
        ...

    def attachment_offset(self, submission_id: str, name: str) -> AttachmentProgress:
        """GET the platform's received byte count for one attachment."""
        ...

    def upload_chunk(self, submission_id: str, name: str, offset: int,
                     chunk: bytes) -> AttachmentProgress:
        """PUT one chunk at `offset` (must equal the platform's `received`)."""
        ...

    def get_status(self, submission_id: str) -> Decision:
        """GET the platform's decision on a submission, its signature verified."""
        ...

    def heartbeat(self, payload: dict) -> None:
        """POST the kiosk's heartbeat."""
        ...


@runtime_checkable
class BatchPort(Protocol):
    """A port that can also deliver many submissions, attachments inline, in one call (a
    backlog drains in a few requests). Optional: the worker delivers one by one without it."""

    def post_batch(self, items: Sequence[WholeSubmission]) -> list[SubmissionAck | PlatformError]:
        """Deliver ``items``; one answer per item, in order: the ack (the platform durably holds
        the submission; ``pending_attachments`` says what it still lacks) or why that item was
        refused. Raises `PlatformError` when the call as a whole failed (nothing is known
        about any item), with code ``batch_unsupported`` when the platform has no batches."""
        ...
