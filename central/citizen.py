"""The citizen services any kiosk offers (全城通办): a person's applications, an application's
public progress, and counted, signed licence prints.

- ``POST /v1/citizen/applications``: the applications of the person the kiosk verified
  (``person_key``, ``verified_by``), newest first: states, reasons, credit codes, print counts.
- ``GET /v1/citizen/applications/{id}/progress``: what the receipt's tracking code shows to
  whoever holds the receipt: the state and dates, nothing personal.
- ``POST /v1/citizen/applications/{id}/prints``: count one licence print and answer the
  licence with its print number, signed with the decision key for the asking kiosk. Allowed
  for the person the application belongs to (at any kiosk), or, with no person, for the kiosk
  that submitted it (the original printed on the spot). Idempotent on ``print_id``.

Another person's application does not exist here (404), exactly as an unknown number. The
person is known only by ``contract.citizen.person_key``; the index from submission to person
is filled lazily, on the first lookup after a submission arrived, from the record the platform
already decrypts to decide. No ID number, no applicant name is stored in the index or logged.
"""
from __future__ import annotations

import hashlib
import json
import logging
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ConfigDict, Field

from central import idempotency
from central.decide import open_submission
from central.errors import ApiError
from central.models import ErrorOut
from central.routes import _ERRORS, Kiosk, _platform, _store
from central.store import Store, utc_now
from contract.citizen import (PERSON_KEY_PATTERN, ApplicationList, LicencePrint, Progress,
                              SignedLicencePrint, Verification, person_key, sign_print)
from contract.envelope import EnvelopeError
from contract.wire import ID_PATTERN, DecisionStatus

log = logging.getLogger(__name__)
router = APIRouter(prefix="/v1/citizen", tags=["citizen"], responses=_ERRORS)  # type: ignore[arg-type]
ApplicationId = Annotated[str, Path(pattern=ID_PATTERN)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)


class PersonIn(_Strict):
    person_key: str = Field(pattern=PERSON_KEY_PATTERN,
                            description="contract.citizen.person_key of the card's number")
    verified_by: Verification = Field(strict=False,
                                      description="face: 人证比对 passed; staff: staff checked")


class PrintIn(_Strict):
    print_id: str = Field(pattern=ID_PATTERN, description="the kiosk's id of this print")
    person_key: str | None = Field(default=None, pattern=PERSON_KEY_PATTERN,
                                   description="the verified person; null: the submitting "
                                               "kiosk prints the original on the spot")
    verified_by: Verification | None = Field(default=None, strict=False)


def _index(request: Request, store: Store) -> None:
    """Read whose application each new submission is, once (caller holds a transaction)."""
    from kiosk.domain import review, subject_types   # the platform runs the kiosk's rules

    keys = _platform(request).keys
    for row in store.unindexed_submissions():
        key = name = ""
        try:
            record = open_submission(keys, json.loads(row["envelope"]), row["record"])
            key = person_key(str(record["applicant"]["id_number"]))
            name = review.full_name(subject_types.get(row["subject_type"]), record)
        except (EnvelopeError, KeyError, TypeError, ValueError, AttributeError):
            key = name = ""     # unreadable: indexed as nobody's, and not read again
            log.warning("citizen-index-unreadable submission=%s", row["submission_id"])
        store.index_person(row["submission_id"], key, name[:100])


def _summary(store: Store, row: dict) -> dict:
    licence = json.loads(row["licence"]) if row["licence"] else None
    return {"application_id": row["submission_id"], "subject_type": row["subject_type"],
            "business_name": row["business_name"] or "（名称未填写）",
            "status": row["status"], "reasons": json.loads(row["reasons"]),
            "received_at": row["received_at"], "updated_at": row["updated_at"],
            "credit_code": licence["uscc"] if licence else "",
            "prints": store.print_count(row["submission_id"])}


@router.post("/applications", response_model=ApplicationList)
async def applications_of(request: Request, body: PersonIn, kiosk: Kiosk) -> dict:
    """The applications of the person this kiosk verified, at any kiosk, newest first."""
    store = _store(request)
    with store.transaction():
        _index(request, store)
    rows = store.submissions_of(body.person_key)
    log.info("citizen-applications kiosk=%s verified_by=%s found=%d", kiosk,
             body.verified_by.value, len(rows))
    return {"applications": [_summary(store, r) for r in rows[:200]]}


@router.get("/applications/{application_id}/progress", response_model=Progress,
            responses={404: {"model": ErrorOut}})
async def progress(request: Request, kiosk: Kiosk, application_id: ApplicationId) -> dict:
    """Where one application stands, as its receipt's tracking code shows: no personal data."""
    row = _store(request).submission(application_id)
    if row is None:
        raise ApiError(404, "not_found", "no application with this number")
    return {"application_id": row["submission_id"], "subject_type": row["subject_type"],
            "status": row["status"], "received_at": row["received_at"],
            "updated_at": row["updated_at"]}


def _printable(request: Request, store: Store, application_id: str, body: PrintIn,
               kiosk: str) -> dict:
    """The approved submission this kiosk may print for this person, or 404."""
    row = store.submission(application_id)
    missing = ApiError(404, "not_found", "no application with this number for this person")
    if row is None:
        raise missing
    if body.person_key is None:
        if row["kiosk_id"] != kiosk:
            raise missing
    else:
        if body.verified_by is None:
            raise ApiError(422, "invalid_request", "say how the person was verified")
        _index(request, store)
        if store.person_of(application_id) != body.person_key:
            raise missing
    if row["status"] != DecisionStatus.APPROVED.value or not row["licence"]:
        raise ApiError(409, "not_approved", "this application has no licence to print")
    return row


@router.post("/applications/{application_id}/prints", status_code=201,
             response_model=SignedLicencePrint,
             responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut,
                        "description": "not_approved, or idempotency_conflict for a print_id "
                                       "used with another body"}})
async def count_print(request: Request, body: PrintIn, kiosk: Kiosk,
                      application_id: ApplicationId) -> JSONResponse:
    """Count one licence print; answer the licence and its print number, signed. The first
    print is the original; every later one, at any kiosk, is a 补打."""
    digest = hashlib.sha256(await request.body()).hexdigest()
    store = _store(request)
    repeated = idempotency.replay(store.licence_print(body.print_id), kiosk, digest)
    if repeated is not None:
        return repeated
    with store.transaction():
        row = _printable(request, store, application_id, body, kiosk)
        grant = LicencePrint(application_id=application_id, kiosk_id=kiosk,
                             print_id=body.print_id, number=store.print_count(application_id) + 1,
                             licence=json.loads(row["licence"]), counted_at=utc_now())
        signed = sign_print(_platform(request).keys.decision, grant)
        text = signed.model_dump_json()
        store.insert_licence_print({
            "print_id": body.print_id, "submission_id": application_id, "kiosk_id": kiosk,
            "number": grant.number,
            "verified_by": body.verified_by.value if body.verified_by else "submitting_kiosk",
            "counted_at": grant.counted_at, "body_sha256": digest, "response_code": 201,
            "response_body": text})
    log.info("licence-print-counted submission=%s kiosk=%s number=%d", application_id, kiosk,
             grant.number)
    return JSONResponse(json.loads(text), status_code=201)

