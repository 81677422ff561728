"""Closed value sets and plain records shared by the outbox, the sync worker and the CLI.

What it does: names every state a queued submission can be in and the small frozen records the
outbox hands out (status, summary, admission). It also holds the queue's exception hierarchy.
The platform's own statuses are `contract.wire.DecisionStatus`. What it does not do: any I/O,
any SQL, any HTTP.
"""
from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from contract.wire import DecisionStatus

#: Submission ids travel in URL paths and in logs, so they are restricted to URL-safe,
#: non-personal characters. The flow generates them; they are never derived from an ID number.
SUBMISSION_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{2,63}")
#: Attachment names are part of the AAD and of a URL path.
ATTACHMENT_NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
SUBJECT_TYPE_RE = re.compile(r"[a-z0-9][a-z0-9_]{0,47}")


class QueueState(str, enum.Enum):
    """Where a submission is in the kiosk's outbox (local delivery, not the platform's verdict)."""

    QUEUED = "queued"      # stored durably, never tried
    SENDING = "sending"    # an attempt is (or was, before a crash) in progress; resumed on restart
    FAILED = "failed"      # the last attempt failed in a way worth retrying; see next_attempt_at
    HELD = "held"          # the platform refused it for good (e.g. 409); a technician must look
    SENT = "sent"          # the platform confirmed the record and every attachment


#: States that still have to reach the platform.
UNSENT_STATES = (QueueState.QUEUED, QueueState.SENDING, QueueState.FAILED, QueueState.HELD)


class AttemptOutcome(str, enum.Enum):
    """How one delivery attempt ended, as kept in the attempt history."""

    DELIVERED = "delivered"
    RETRY = "retry"
    REFUSED = "refused"
    INTERRUPTED = "interrupted"   # found in `sending` after a restart


class AdmissionReason(str, enum.Enum):
    """Why the outbox does or does not accept a new application."""

    OK = "ok"
    LOW_DISK = "low_disk"


class QueueError(Exception):
    """Base of every error the offline queue raises on purpose."""


class InvalidSubmission(QueueError, ValueError):
    """The caller handed `enqueue` something it cannot store (bad id, name, type or record)."""


class DuplicateSubmission(QueueError):
    """A submission with this id is already in the outbox; nothing was changed."""


class UnknownSubmission(QueueError, KeyError):
    """No submission with this id is in the outbox."""


class OutboxFull(QueueError):
    """The disk is too full to store this submission durably; nothing was stored."""


class LocalCorruption(QueueError):
    """A queued ciphertext no longer matches the checksum recorded when it was sealed: damaged
    on this disk, so it is held for a technician rather than sent to be refused for ever."""


class SchemaError(QueueError):
    """The database file is not an outbox, is corrupt, or was written by a newer version."""


@dataclass(frozen=True)
class Admission:
    """Whether the kiosk may start a new application, and what to tell the citizen if not."""

    ok: bool
    message_zh: str
    reason: AdmissionReason
    free_bytes: int
    needed_bytes: int


@dataclass(frozen=True)
class SubmissionStatus:
    """Everything the receipt and the status query may show about one submission.

    ``remote_status`` is the platform's last known status: ``received`` once delivered, and a
    final one only from a decision whose platform signature verified. ``verified`` says the
    status came from such a signed decision (a delivered submission is ``received`` unverified
    until its first one arrives). ``reasons`` and ``licence`` come only from a verified decision
    (empty and None before one): the kiosk prints a licence from nothing else. ``licence`` is
    the decision's ``contract.wire.Licence`` as JSON (``model_dump(mode="json")``).
    """

    submission_id: str
    subject_type: str
    state: QueueState
    created_at: float
    attempts: int
    next_attempt_at: float | None
    last_error: str | None
    sent_at: float | None
    purged: bool
    remote_status: DecisionStatus | None
    reasons: tuple[str, ...] = ()
    licence: dict | None = None
    remote_updated_at: str | None = None
    verified: bool = False

    @property
    def decided(self) -> bool:
        """The platform's final decision is in, and its signature verified."""
        return self.verified and self.remote_status is not None and self.remote_status.final


@dataclass(frozen=True)
class QueueSummary:
    """Counts and ages for technicians, the heartbeat and the `kiosk queue status` command."""

    counts: dict[QueueState, int]
    depth: int
    oldest_age_s: float | None
    last_error: str | None
    free_bytes: int
    low_disk: bool
    remote_counts: dict[DecisionStatus, int] = field(default_factory=dict)

    def heartbeat_queue(self) -> dict:
        """The `queue` object of the heartbeat body."""
        return {"depth": self.depth, "oldest_age_s": self.oldest_age_s,
                "last_error": self.last_error}

    @property
    def oldest_text(self) -> str:
        """How long the oldest unsent item has waited, as staff read it (无: nothing waits)."""
        return "无" if self.oldest_age_s is None else age_text(self.oldest_age_s)


def age_text(seconds: float) -> str:
    """An age in the unit staff read best: 秒, 分钟, 小时 or 天."""
    if seconds < 120:
        return f"{seconds:.0f} 秒"
    if seconds < 7200:
        return f"{seconds / 60:.0f} 分钟"
    if seconds < 172800:
        return f"{seconds / 3600:.1f} 小时"
    return f"{seconds / 86400:.1f} 天"


def check_submission_id(submission_id: object) -> str:
    """Return the id if it is a valid submission id.

    Raises:
        InvalidSubmission: not a string of 3-64 URL-safe characters.
    """
    if not isinstance(submission_id, str) or not SUBMISSION_ID_RE.fullmatch(submission_id):
        raise InvalidSubmission(
            "submission id must be 3-64 characters of A-Z a-z 0-9 . _ - starting with a letter or digit")
    return submission_id
