"""The platform's own API shapes (pydantic): what kiosks send, and the answers only it uses.

The answers a kiosk parses (submission status, the signed decision and its licence, the POST
answer, attachment progress) are shared with the kiosk and live in ``contract.wire``; this
module holds the request bodies, which are the platform's to refuse, and the answers of its
other endpoints. Together with the routes they are the source of ``openapi.json``.

Shapes only: length limits, patterns and closed value sets. Cross-field rules (the
Idempotency-Key equals the body's id, the envelope belongs to this submission) live in the
handlers. Request models forbid unknown fields and coerce nothing (strict), so a wrong shape is
a 422.
"""
from __future__ import annotations

import enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from contract.wire import ATTACHMENT_NAME_PATTERN, ID_PATTERN, HelpReason

SHA256_PATTERN = r"^[0-9a-f]{64}$"
CHANNEL_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,31}$"
MAX_ATTACHMENTS = 16
MAX_ATTACHMENT_BYTES = 32 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class SubjectTypeId(str, enum.Enum):
    """The four kinds of applicant the kiosk serves."""

    individual_business = "individual_business"
    sole_proprietorship = "sole_proprietorship"
    natural_person_llc = "natural_person_llc"
    branch = "branch"


class ErrorOut(BaseModel):
    error: str = Field(description="machine-readable reason, e.g. bad_signature")
    message: str


class EnvelopeHeader(_Strict):
    """``contract.envelope.Sealed.header``: no personal data."""

    v: int
    alg: str = Field(max_length=64)
    submission_id: str = Field(pattern=ID_PATTERN)
    epk: str = Field(max_length=64)
    wrap_nonce: str = Field(max_length=64)
    wrapped_key: str = Field(max_length=128)


class AttachmentDeclaration(_Strict):
    name: str = Field(pattern=ATTACHMENT_NAME_PATTERN)
    size: int = Field(ge=1, le=MAX_ATTACHMENT_BYTES, description="bytes of the ciphertext")
    sha256: str = Field(pattern=SHA256_PATTERN, description="hex SHA-256 of the ciphertext")


class SubmissionIn(_Strict):
    submission_id: str = Field(pattern=ID_PATTERN)
    kiosk_id: str = Field(pattern=ID_PATTERN)
    created_at: str = Field(max_length=40, description="ISO 8601 time the kiosk finalized it")
    subject_type: SubjectTypeId = Field(strict=False)  # the enum from its JSON string
    envelope: EnvelopeHeader
    record: str = Field(max_length=1_000_000, description="base64 of the record ciphertext")
    attachments: list[AttachmentDeclaration] = Field(default_factory=list,
                                                     max_length=MAX_ATTACHMENTS)


class NameCheckOut(BaseModel):
    available: bool
    conflicts: list[str]
    problems: list[str]
    message: str


class RatingIn(_Strict):
    rating_id: str = Field(pattern=ID_PATTERN)
    submission_id: str = Field(pattern=ID_PATTERN)
    level: int = Field(ge=1, le=5, description="1 非常不满意 .. 5 非常满意; 1-2 count as 差评")
    indicators: dict[str, int] = Field(default_factory=dict, max_length=32)
    comment: str = Field(default="", max_length=500)
    tags: list[str] = Field(default_factory=list, max_length=20)


class RatingOut(BaseModel):
    rating_id: str
    level: int
    negative: bool = Field(description="差评 (level 1 or 2): followed up by the authority")
    received_at: str
    replayed: bool = Field(default=False,
                           description="true when this answers a repeat of an earlier POST of "
                                       "the same rating: nothing new was stored")


class RatingSummaryOut(BaseModel):
    counts: dict[str, int]
    total: int
    negative: int


class ConfigBundleOut(BaseModel):
    version: int
    payload: dict[str, Any]
    signature: str = Field(description="base64 Ed25519 over canonical JSON of version+payload")


class QueueState(_Strict):
    depth: int = Field(ge=0)
    oldest_age_s: float | None = Field(default=None, ge=0)
    last_error: str | None = Field(default=None, max_length=500)


class HealthOut(BaseModel):
    ok: bool
    time: str = Field(description="the platform's clock: UTC, ISO 8601 with milliseconds")


class AuditHead(_Strict):
    """The newest entry of the kiosk's hash-chained audit log: kept, so a history rewritten
    on the kiosk afterwards no longer contains the head the platform saw."""

    seq: int = Field(ge=1)
    head: str = Field(pattern=r"^[0-9a-f]{64}$")


class HeartbeatIn(_Strict):
    devices: list[dict[str, Any]] = Field(max_length=32)
    queue: QueueState
    config_version: int | None = None
    disk_free_bytes: int = Field(ge=0)
    low_disk: bool
    audit: AuditHead | None = None


class HeartbeatOut(BaseModel):
    kiosk_id: str
    received_at: str
    devices: list[dict[str, Any]]
    queue: dict[str, Any]
    config_version: int | None
    disk_free_bytes: int
    low_disk: bool
    audit: dict[str, Any] | None = None


class HelpCallIn(_Strict):
    call_id: str = Field(pattern=ID_PATTERN)
    page: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$",
                      description="the page the person is on (a step id, e.g. face)")
    reason: HelpReason = Field(default=HelpReason.HELP, strict=False)  # the enum from its JSON string
