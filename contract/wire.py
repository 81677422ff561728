"""The answers that cross HTTP from the platform to the kiosk, as pydantic models.

Both sides use these classes: the platform serves them (they are its FastAPI response models,
so ``central/openapi.json`` describes exactly them) and the kiosk's client parses every answer
with ``parse``, strictly: JSON types as declared, no ``79.0`` for an integer, no ``"true"`` for
a boolean, no NaN. Fields an answer adds beyond these are ignored, so the platform can grow;
a decision's signature (``contract.decisions``) covers only the fields declared here.

What it checks: types, lengths, patterns, closed value sets, and that text a licence prints
holds no control or format characters (a line break is allowed only where the licence breaks
lines). What it does not check: the GB 32100 check character of a credit code, which is
``kiosk.domain.identifiers``' rule (the kiosk re-checks every licence with it; the platform
computes codes with it), or anything that needs the applicant's record. No I/O.

The platform's request bodies (what the kiosk sends) stay in ``central.models``: they are
the platform's to refuse, and the kiosk builds them from its own records.
"""
from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, model_validator

from contract.codes import DecisionStatus, HelpCallStatus, HelpReason   # re-exported

__all__ = [
    "ATTACHMENT_NAME_PATTERN", "ID_PATTERN", "LICENCE_NUMBER_PATTERN", "MAX_BATCH_ITEMS",
    "USCC_PATTERN",
    "AttachmentProgress", "BatchAck", "BatchItemAnswer", "Decision", "DecisionStatus",
    "HelpCall", "HelpCallStatus", "HelpReason", "ItemError", "Licence",
    "SignedDecision", "SubmissionAck", "ValidationError", "WireError", "parse",
]

#: Submission, kiosk and rating ids: URL-safe, never personal data.
ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.:-]{2,127}$"
#: Attachment names are part of a URL path and of the envelope's AAD.
ATTACHMENT_NAME_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
#: 统一社会信用代码 (GB 32100-2015): 18 characters of the code alphabet (no I, O, S, V, Z),
#: positions 3-8 the registration authority's region (digits). The check character is not a
#: pattern; ``kiosk.domain.identifiers.validate_credit_code`` checks it.
USCC_PATTERN = r"^[0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10}$"
#: 证照编号 as the reference platform issues it (``central.credit.licence_number``): region (6),
#: year (4), a yearly sequence (7). UNCONFIRMED as the national layout: a province whose numbers
#: differ changes this one line.
LICENCE_NUMBER_PATTERN = r"^[0-9]{17}$"
_SIGNATURE_PATTERN = r"^[A-Za-z0-9+/]{86}==$"   # base64 of a 64-byte Ed25519 signature
_BAD_CATEGORIES = {"Cc", "Cf", "Cs"}   # controls, format (bidi overrides, zero-width), surrogates


class WireError(ValueError):
    """An answer is not the shape the contract promises. The message names fields and error
    kinds only, never their values (a value may be a person's name)."""


def parse(model: type[BaseModel], raw: bytes | str) -> Any:
    """Parse one JSON answer into ``model``, strictly.

    Raises:
        WireError: not JSON, or not the model's shape.
    """
    try:
        return model.model_validate_json(raw, strict=True)
    except ValidationError as exc:
        raise WireError(describe(exc)) from None


def describe(exc: ValidationError) -> str:
    """Where and how a validation failed, without the offending values."""
    parts = [f"{'.'.join(str(x) for x in e['loc']) or 'body'}: {e['type']}"
             for e in exc.errors(include_input=False, include_context=False)[:5]]
    return "; ".join(parts)


def _printable(multiline: bool) -> Any:
    def check(value: str) -> str:
        for ch in value:
            if unicodedata.category(ch) in _BAD_CATEGORIES and not (multiline and ch == "\n"):
                raise ValueError(f"contains the control character U+{ord(ch):04X}")
        if not value.strip():
            raise ValueError("is blank")
        return value
    return AfterValidator(check)


def _text(max_length: int, *, multiline: bool = False) -> Any:
    """A printable, non-blank string of at most ``max_length`` characters."""
    return Annotated[str, Field(min_length=1, max_length=max_length), _printable(multiline)]


# Lengths are generous bounds for what a licence prints, not the registration rules (those are
# the domain's); they stop a huge or hostile answer before it reaches a page.
Label = _text(40)               # 类型, 经营者, 住所 ...
PersonName = _text(60)          # minority and transliterated names can be long
BusinessName = _text(100)       # 分公司 names carry the parent's name
Place = _text(200)
Authority = _text(60)
Amount = _text(60)              # 伍拾万元整
ScopeText = _text(4000, multiline=True)
Reason = _text(500, multiline=True)


def _iso_time(value: str) -> str:
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        raise ValueError("is not an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise ValueError("has no time zone")
    return value


IsoTime = Annotated[str, Field(max_length=40, description="ISO 8601 time with its offset"),
                    AfterValidator(_iso_time)]


class _Answer(BaseModel):
    # Frozen: a verified decision cannot be changed after its signature was checked.
    model_config = ConfigDict(extra="ignore", frozen=True)


class Licence(_Answer):
    """The business licence (营业执照) the platform issued: every field the kiosk prints."""

    uscc: str = Field(pattern=USCC_PATTERN, description="统一社会信用代码 (GB 32100)")
    licence_number: str = Field(pattern=LICENCE_NUMBER_PATTERN, description="证照编号")
    name: BusinessName = Field(description="名称")
    subject_type_label: Label = Field(description="类型, e.g. 个体工商户")
    legal_person: PersonName = Field(description="the person's name: 经营者/投资人/法定代表人/负责人")
    person_label: Label = Field(description="经营者 / 投资人 / 法定代表人 / 负责人")
    premises: Place = Field(description="经营场所 / 住所 / 营业场所")
    premises_label: Label
    scope: ScopeText = Field(description="经营范围; blocks on separate lines")
    capital: Amount | None = Field(description="注册资本 / 出资额 in words; null when none")
    established: dt.date = Field(description="成立日期")
    authority: Authority = Field(description="登记机关")
    issued_on: dt.date = Field(description="the day this licence was issued")

    @model_validator(mode="after")
    def _dates_in_order(self) -> Licence:
        if self.issued_on < self.established:
            raise ValueError("issued_on is earlier than established")
        return self


class Decision(_Answer):
    """The platform's decision on one submission: exactly what its signature covers."""

    submission_id: str = Field(pattern=ID_PATTERN)
    kiosk_id: str = Field(pattern=ID_PATTERN,
                          description="the submitting kiosk: a decision signed for one kiosk is "
                                      "no good to another")
    status: DecisionStatus
    reasons: list[Reason] = Field(max_length=50, description="what to fix, or why a clerk looks")
    licence: Licence | None = Field(description="present exactly when approved")
    updated_at: IsoTime

    @model_validator(mode="after")
    def _licence_iff_approved(self) -> Decision:
        if (self.licence is not None) != (self.status is DecisionStatus.APPROVED):
            raise ValueError("a licence comes with an approval, and only with one")
        return self


class SignedDecision(Decision):
    """A decision as it travels: with the platform's decision-key signature."""

    signature: str = Field(pattern=_SIGNATURE_PATTERN,
                           description="base64 Ed25519 by the platform's decision key over "
                                       "contract.decisions.decision_message(decision)")


class SubmissionAck(_Answer):
    """The answer to ``POST /v1/submissions``."""

    submission_id: str = Field(pattern=ID_PATTERN)
    status: DecisionStatus = Field(description="unsigned summary; trust only `decision`")
    pending_attachments: list[str] = Field(max_length=64,
                                           description="declared attachments still to upload")
    received_at: IsoTime
    replayed: bool = Field(default=False,
                           description="true when this answers a repeat of an earlier POST "
                                       "with the same Idempotency-Key and body: nothing new "
                                       "was stored")
    decision: SignedDecision | None = Field(default=None,
                                            description="present when the platform decided at "
                                                        "once (no attachments to wait for)")


class ItemError(_Answer):
    """Why one submission of a batch was not taken: what a single POST would have answered."""

    status: int = Field(ge=400, le=599, description="the HTTP status a single POST would get")
    error: str = Field(max_length=64, description="machine-readable reason, e.g. "
                                                  "idempotency_conflict")
    message: str = Field(default="", max_length=500)


class BatchItemAnswer(_Answer):
    """The platform's answer about one submission of a ``POST /v1/submission-batches``:
    exactly one of ``ack`` (it holds the submission) and ``error``."""

    submission_id: str = Field(max_length=128, description="as the item named it ('' when "
                                                           "its body could not be read)")
    ack: SubmissionAck | None = None
    error: ItemError | None = None

    @model_validator(mode="after")
    def _one_of(self) -> BatchItemAnswer:
        if (self.ack is None) == (self.error is None):
            raise ValueError("an item answer carries an ack or an error, not both or neither")
        return self


#: Submissions one ``POST /v1/submission-batches`` may carry: a round of the kiosk's sync worker
#: fits, a hostile list does not.
MAX_BATCH_ITEMS = 64


class BatchAck(_Answer):
    """The answer to ``POST /v1/submission-batches``: one answer per item, in their order.
    Everything acknowledged here was durably stored before the answer was sent."""

    items: list[BatchItemAnswer] = Field(max_length=MAX_BATCH_ITEMS)


class AttachmentProgress(_Answer):
    """How much of one attachment the platform holds (GET and PUT of an attachment)."""

    name: str = Field(pattern=ATTACHMENT_NAME_PATTERN)
    received: int = Field(ge=0)
    size: int = Field(ge=0)
    complete: bool
    status: DecisionStatus | None = Field(default=None,
                                          description="unsigned; set by the chunk that completed "
                                                      "the submission")
    decision: SignedDecision | None = Field(default=None,
                                            description="the signed decision, on the answer to "
                                                        "the chunk that completed the submission")

    @model_validator(mode="after")
    def _received_within_size(self) -> AttachmentProgress:
        if self.received > self.size:
            raise ValueError("received is larger than size")
        return self


class HelpCall(_Answer):
    """A help call as the platform knows it."""

    call_id: str = Field(pattern=ID_PATTERN)
    kiosk_id: str = Field(pattern=ID_PATTERN)
    page: str = Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")
    reason: HelpReason
    status: HelpCallStatus
    opened_at: str = Field(max_length=40)
    updated_at: str = Field(max_length=40)
    answered_by: str = Field(default="", max_length=32, pattern=r"^[^\x00-\x1f\x7f]*$",
                             description="the staff member's display name, once answered")
    replayed: bool = Field(default=False, description="this answers a repeated POST")
