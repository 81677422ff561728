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
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from contract.wire import ATTACHMENT_NAME_PATTERN, ID_PATTERN, MAX_BATCH_ITEMS, HelpReason

SHA256_PATTERN = r"^[0-9a-f]{64}$"
MAX_ATTACHMENTS = 16
MAX_ATTACHMENT_BYTES = 32 * 1024 * 1024


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


def _integral(value: Any) -> Any:
    # JSON has one number type, and JSON Schema's "integer" matches 79.0 as well as 79 (the
    # schema of openapi.json must not promise what the platform refuses). Only a float with no
    # fraction becomes an int; "79", true, 79.5, NaN and infinity stay refused by strict int.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


#: An integer field of a request, as JSON Schema means "integer".
JsonInt = Annotated[int, BeforeValidator(_integral)]


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

    v: JsonInt
    alg: str = Field(max_length=64)
    submission_id: str = Field(pattern=ID_PATTERN)
    epk: str = Field(max_length=64)
    wrap_nonce: str = Field(max_length=64)
    wrapped_key: str = Field(max_length=128)


class AttachmentDeclaration(_Strict):
    name: str = Field(pattern=ATTACHMENT_NAME_PATTERN)
    size: JsonInt = Field(ge=1, le=MAX_ATTACHMENT_BYTES, description="bytes of the ciphertext")
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


class InlineAttachment(_Strict):
    """A declared attachment sent whole inside a batch item (instead of uploaded in chunks)."""

    name: str = Field(pattern=ATTACHMENT_NAME_PATTERN)
    data: str = Field(max_length=1_400_000, description="base64 of the whole ciphertext")


class BatchItemIn(_Strict):
    body: str = Field(max_length=1_400_000,
                      description="the exact JSON text a POST /v1/submissions would carry for "
                                  "this submission (a SubmissionIn); its SHA-256 is the "
                                  "submission's idempotency digest, the same either way")
    attachments: list[InlineAttachment] = Field(default_factory=list, max_length=MAX_ATTACHMENTS)


class BatchIn(_Strict):
    submissions: list[BatchItemIn] = Field(min_length=1, max_length=MAX_BATCH_ITEMS)


class NameCheckOut(BaseModel):
    available: bool
    conflicts: list[str]
    problems: list[str]
    message: str


class RatingIn(_Strict):
    rating_id: str = Field(pattern=ID_PATTERN)
    submission_id: str = Field(pattern=ID_PATTERN)
    level: JsonInt = Field(ge=1, le=5, description="1 非常不满意 .. 5 非常满意; 1-2 count as 差评")
    indicators: dict[str, JsonInt] = Field(default_factory=dict, max_length=32)
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


class QueueState(_Strict):
    depth: JsonInt = Field(ge=0)
    oldest_age_s: float | None = Field(default=None, ge=0)
    last_error: str | None = Field(default=None, max_length=500)


class DeviceReport(_Strict):
    device: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    state: str = Field(pattern=r"^[a-z][a-z_]{0,31}$", description="devices.health.DeviceState")
    code: str | None = Field(default=None, max_length=64)


class ConfigRefusal(_Strict):
    reason: str = Field(pattern=r"^[a-z][a-z-]{0,31}$", description="kiosk.config.bundle.Refusal")
    message: str = Field(default="", max_length=200)
    at: str = Field(max_length=40)


class ConfigRollback(_Strict):
    failed: JsonInt | None = Field(default=None, ge=1, description="the bundle that did not start")
    restored: JsonInt | None = Field(default=None, ge=1, description="null: the installed settings")
    why: str = Field(default="", max_length=200)
    at: str = Field(max_length=40)


class ConfigState(_Strict):
    """What the kiosk has applied (``kiosk.config.applied.AppliedConfig.status``)."""

    version: JsonInt | None = Field(default=None, ge=1, description="the bundle in use; null: the "
                                                                "installed settings")
    previous: JsonInt | None = Field(default=None, ge=1)
    staged: JsonInt | None = Field(default=None, ge=1, description="verified, applied between visits")
    trial: bool = Field(default=False, description="applied, not yet past a good start")
    applied_at: str | None = Field(default=None, max_length=40)
    refused: ConfigRefusal | None = None
    rolled_back: ConfigRollback | None = None


class HealthOut(BaseModel):
    ok: bool
    time: str = Field(description="the platform's clock: UTC, ISO 8601 with milliseconds")


class AuditHead(_Strict):
    """The newest entry of the kiosk's hash-chained audit log: kept, so a history rewritten
    on the kiosk afterwards no longer contains the head the platform saw."""

    seq: JsonInt = Field(ge=1)
    head: str = Field(pattern=r"^[0-9a-f]{64}$")


class SoftwareRollback(_Strict):
    failed: str | None = Field(default=None, max_length=80, description="the release that did "
                                                                       "not start")
    restored: str | None = Field(default=None, max_length=80)
    why: str = Field(default="", max_length=200)
    at: str = Field(max_length=40)


class SoftwareState(_Strict):
    """The releases installed side by side (``kiosk.config.releases.Releases.status``)."""

    release: str | None = Field(default=None, max_length=80, description="the release running")
    previous: str | None = Field(default=None, max_length=80, description="kept to roll back to")
    trial: bool = Field(default=False, description="installed, not yet past a good start")
    installed_at: str | None = Field(default=None, max_length=40)
    rolled_back: SoftwareRollback | None = None


class Readiness(_Strict):
    """The nightly readiness check (``kiosk.maintenance``): which checks failed, no details."""

    ok: bool
    checked_at: str = Field(max_length=40)
    faults: list[Annotated[str, Field(pattern=r"^[a-z][a-z_]{0,31}$")]] = Field(
        default_factory=list, max_length=32)


class HeartbeatIn(_Strict):
    devices: list[DeviceReport] = Field(max_length=32)
    queue: QueueState
    config_version: JsonInt | None = None
    disk_free_bytes: JsonInt = Field(ge=0)
    low_disk: bool
    software_version: str = Field(default="", max_length=40)
    config: ConfigState | None = None
    groups: list[str] = Field(default_factory=list, max_length=8)
    audit: AuditHead | None = Field(default=None, description="the newest entry of the kiosk's "
                                                              "hash-chained audit log")
    last_visit_at: str | None = Field(default=None, max_length=40)
    generated_at: str | None = Field(default=None, max_length=40,
                                     description="when the kiosk wrote it (it may have waited "
                                                 "offline)")
    software: SoftwareState | None = None
    readiness: Readiness | None = Field(default=None, description="the last nightly readiness "
                                                                  "check")
    heartbeat_every_s: JsonInt | None = Field(
        default=None, ge=30, le=3600,
        description="how often the kiosk sends one ([fleet] heartbeat_every_s): the console "
                    "calls a kiosk silent after three such intervals without one")


class HeartbeatOut(BaseModel):
    kiosk_id: str
    received_at: str
    devices: list[dict[str, Any]]
    queue: dict[str, Any]
    config_version: int | None
    disk_free_bytes: int
    low_disk: bool
    software_version: str = ""
    config: dict[str, Any] | None = None
    groups: list[str] = []
    audit: dict[str, Any] | None = None
    last_visit_at: str | None = None
    generated_at: str | None = None
    software: dict[str, Any] | None = None
    readiness: dict[str, Any] | None = None


class HelpCallIn(_Strict):
    call_id: str = Field(pattern=ID_PATTERN)
    page: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$",
                      description="the page the person is on (a step id, e.g. face)")
    reason: HelpReason = Field(default=HelpReason.HELP, strict=False)  # the enum from its JSON string
