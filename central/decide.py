"""Deciding a complete submission: decrypt, review with the kiosk's domain rules, approve.

Once the record and every declared attachment are in, ``decide_submission`` opens the
envelope with the platform key, runs ``kiosk.domain.review.review_record`` and the name
collision check, and records one of:

- ``needs_correction`` with the problems as reasons (the applicant must fix something);
- ``approved`` (秒批) with a fresh USCC and licence number, the name then registered; the
  licence is built as ``contract.wire.Licence``, so one whose fields the kiosk would refuse to
  print (too long, control characters) is left for a clerk instead;
- ``received`` with the reasons it needs a clerk (valid, but not eligible for 秒批);
- ``rejected`` when the sealed parts cannot be opened (tampered, or for another key).

The platform runs the kiosk's own domain rules (``kiosk.domain``), the one kiosk layer it
imports, so both sides agree on what a valid application is. It runs inside the caller's
transaction and writes through the Store; no HTTP and no signing here (the routes sign what
they answer). Logs carry submission ids and outcomes only, never what the record says.
"""
from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import dataclass, field

from pydantic import ValidationError

from central import credit
from central.keys import PlatformKeys
from central.names import NameCheck, name_key
from central.store import Store
from contract.envelope import EnvelopeError, open_attachment, open_record
from contract.wire import DecisionStatus, Licence

log = logging.getLogger(__name__)

MANUAL_REVIEW = "您的申请已提交，需要登记机关工作人员审核，审核结果会通过短信告知您。"
UNREADABLE = "申报材料无法解密或已被改动，请携带身份证到登记窗口重新办理，给您带来不便请谅解。"


@dataclass(frozen=True)
class PlatformSettings:
    """Who this platform is: its registration authority and that authority's region code."""

    region: str = "330106"
    authority: str = "杭州市西湖区市场监督管理局"

    def __post_init__(self) -> None:
        if len(self.region) != 6 or not self.region.isdigit():
            raise ValueError("region must be a six-digit GB/T 2260 code")
        if not self.authority.strip():
            raise ValueError("authority must be named")


@dataclass(frozen=True)
class Outcome:
    """What deciding recorded: the status, its reasons, and the licence when approved."""

    status: DecisionStatus
    reasons: list[str] = field(default_factory=list)
    licence: dict | None = None   # ``Licence.model_dump(mode="json")``


def open_submission(keys: PlatformKeys, envelope: dict, record: bytes) -> dict:
    """Decrypt and parse a record.

    Raises:
        EnvelopeError: cannot be decrypted, or is not a JSON object.
    """
    plain = open_record(keys.platform, envelope, record)
    try:
        value = json.loads(plain.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EnvelopeError("record is not UTF-8 JSON") from None
    if not isinstance(value, dict):
        raise EnvelopeError("record is not a JSON object")
    return value


def _review(record: dict, store: Store) -> Outcome | dict:
    """Run the domain review; an Outcome when it ends here, else the licence fields."""
    try:
        from kiosk.domain.review import review_record
    except ImportError:
        return Outcome(DecisionStatus.RECEIVED, [MANUAL_REVIEW])
    try:
        review = review_record(record)
        if review.problems:
            return Outcome(DecisionStatus.NEEDS_CORRECTION, list(review.problems))
        fields = dict(review.licence_fields())
    except Exception as exc:  # a bug in the rules must not lose the submission: hand to a clerk
        log.error("review failed (%s); left for manual review", type(exc).__name__)
        return Outcome(DecisionStatus.RECEIVED, [MANUAL_REVIEW])
    # The review already applied the naming rules; only the collision check is left.
    name = str(fields.get("name", ""))
    conflicts = store.names_colliding(name, name_key(name))
    if conflicts:
        return Outcome(DecisionStatus.NEEDS_CORRECTION,
                       [NameCheck(problems=[], conflicts=conflicts).message])
    if not review.instant:
        return Outcome(DecisionStatus.RECEIVED, list(review.reasons) or [MANUAL_REVIEW])
    return fields


def decide_submission(store: Store, keys: PlatformKeys, settings: PlatformSettings,
                      submission_id: str, today: dt.date | None = None) -> Outcome:
    """Decide a submission whose parts are all in and record the outcome.

    The caller holds a transaction on ``store``; the submission row exists.
    """
    row = store.submission(submission_id)
    assert row is not None, "decide_submission needs a stored submission"
    envelope = json.loads(row["envelope"])
    subject_type = row["subject_type"]
    try:
        record = open_submission(keys, envelope, row["record"])
        for att in store.attachments(submission_id):
            open_attachment(keys.platform, envelope, att["name"],
                            store.attachment_bytes(submission_id, att["name"]))
    except EnvelopeError:
        outcome = Outcome(DecisionStatus.REJECTED, [UNREADABLE])
    else:
        reviewed = _review(record, store)
        if isinstance(reviewed, Outcome):
            outcome = reviewed
        else:
            try:
                outcome = _approve(store, settings, subject_type, reviewed,
                                   today or dt.date.today())
            except ValidationError as exc:
                # Valid by the rules, yet not printable as a licence: a clerk looks at it.
                log.error("licence fields unprintable (%d problems); left for manual review",
                          exc.error_count())
                outcome = Outcome(DecisionStatus.RECEIVED, [MANUAL_REVIEW])
    store.set_decision(submission_id, outcome.status.value, outcome.reasons, outcome.licence)
    log.info("submission %s decided: %s", submission_id, outcome.status.value)
    return outcome


def _approve(store: Store, settings: PlatformSettings, subject_type: str, fields: dict,
             today: dt.date) -> Outcome:
    """Issue the licence: a fresh USCC and licence number, and the name registered.

    Raises:
        ValidationError: the fields do not make a printable ``contract.wire.Licence``.
    """
    uscc = credit.credit_code(subject_type, settings.region, store.next_value("organisation"))
    number = credit.licence_number(settings.region, today,
                                   store.next_value(f"licence-{today.year}"))
    capital = fields.get("capital")
    licence = Licence(
        uscc=uscc, licence_number=number, name=str(fields["name"]),
        subject_type_label=str(fields["subject_type_label"]),
        legal_person=str(fields["person_name"]), person_label=str(fields["person_label"]),
        premises=str(fields["premises"]), premises_label=str(fields["premises_label"]),
        scope=str(fields["scope"]), capital=None if capital is None else str(capital),
        established=today, authority=settings.authority, issued_on=today)
    store.add_name(licence.name, subject_type, "approved", name_key(licence.name))
    return Outcome(DecisionStatus.APPROVED, [], licence.model_dump(mode="json"))


def clerk_decision(store: Store, keys: PlatformKeys, settings: PlatformSettings,
                   submission_id: str, status: DecisionStatus, reasons: list[str],
                   today: dt.date | None = None) -> Outcome:
    """A clerk's decision on a submission left for manual review (caller holds a transaction).

    Approving assigns a USCC and licence number exactly as 秒批 does.

    Raises:
        ValueError: unknown submission, not waiting for a clerk (status ``received`` with all
            parts in), approving a record the review finds problems in, or one whose licence
            fields are not printable (a pydantic ``ValidationError``).
    """
    row = store.submission(submission_id)
    if row is None:
        raise ValueError("no such submission")
    if row["status"] != DecisionStatus.RECEIVED.value or \
            not all(a["complete"] for a in store.attachments(submission_id)):
        raise ValueError("only a complete submission waiting for review can be decided")
    if status is DecisionStatus.APPROVED:
        from kiosk.domain.review import review_record

        review = review_record(open_submission(keys, json.loads(row["envelope"]), row["record"]))
        if review.problems:
            raise ValueError("the record has problems; it cannot be approved")
        outcome = _approve(store, settings, row["subject_type"],
                           dict(review.licence_fields()), today or dt.date.today())
    elif status is DecisionStatus.RECEIVED:
        raise ValueError("a clerk decides approved, needs_correction or rejected")
    else:
        if not reasons:
            raise ValueError("say why, in words the applicant can act on")
        outcome = Outcome(status, list(reasons))
    store.set_decision(submission_id, outcome.status.value, outcome.reasons, outcome.licence)
    log.info("submission %s decided by a clerk: %s", submission_id, outcome.status.value)
    return outcome
