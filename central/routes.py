"""The HTTP endpoints of the platform contract (docs/platform-contract.md).

Handlers check what the shapes in ``central.models`` cannot (cross-field rules, ownership,
offsets), keep POSTs idempotent through ``central.idempotency``, write through the Store in one
transaction each and answer JSON. Every decision they answer with is signed with the
platform's decision key (``contract.decisions``); the shapes kiosks parse are
``contract.wire``'s. Authentication already happened in ``central.auth``; the kiosk id is in
``request.state``. Handlers are ``async`` so every database write runs on the server's one
event-loop thread.
"""
from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import APIRouter, Depends, Header, Path, Query, Request
from fastapi.responses import JSONResponse

from central import idempotency
from central.decide import decide_submission, open_submission
from central.errors import ApiError
from central.models import (ErrorOut, HealthOut, HeartbeatIn, HeartbeatOut,
                            NameCheckOut, RatingIn, RatingOut, RatingSummaryOut, SubjectTypeId,
                            SubmissionIn)
from central.names import check_name, name_key
from central.store import Store, utc_now
from kiosk.domain.application import same_application
from contract.decisions import sign_decision
from contract.envelope import EnvelopeError
from contract.wire import (ATTACHMENT_NAME_PATTERN, ID_PATTERN, AttachmentProgress, Decision,
                           DecisionStatus, SignedDecision, SubmissionAck)

if TYPE_CHECKING:  # app.py imports this module to build the app
    from central.app import Platform

log = logging.getLogger(__name__)


def _kiosk(request: Request,
           x_kiosk_id: Annotated[str, Header(description="the kiosk's registered id")],
           x_kiosk_timestamp: Annotated[str, Header(description="unix seconds")],
           x_kiosk_nonce: Annotated[str, Header(description="16-128 ASCII letters/digits")],
           x_kiosk_signature: Annotated[str, Header(description="base64 Ed25519 signature")],
           ) -> str:
    # The middleware has verified these headers; declaring them documents them in OpenAPI.
    return request.state.kiosk_id


Kiosk = Annotated[str, Depends(_kiosk)]
_ERRORS = {401: {"model": ErrorOut, "description": "not authenticated"},
           413: {"model": ErrorOut, "description": "body too large"},
           400: {"model": ErrorOut}, 422: {"model": ErrorOut}}
router = APIRouter(prefix="/v1", responses=_ERRORS)  # type: ignore[arg-type]
unauthenticated = APIRouter()


def _platform(request: Request) -> Platform:
    return request.app.state.platform


def _store(request: Request) -> Store:
    return _platform(request).store()


@unauthenticated.get("/healthz", summary="Liveness and the platform's clock, unauthenticated",
                     response_model=HealthOut)
async def healthz() -> dict:
    """Kiosks sign every request with their clock and are refused beyond the allowed skew, so
    a kiosk's technician compares its clock with ``time`` (UTC, milliseconds)."""
    now = dt.datetime.now(dt.timezone.utc).isoformat(timespec="milliseconds")
    return {"ok": True, "time": now}


# -- submissions -------------------------------------------------------------------------

def _owned(store: Store, submission_id: str, kiosk_id: str) -> dict:
    row = store.submission(submission_id)
    if row is None or row["kiosk_id"] != kiosk_id:  # another kiosk's submission does not exist
        raise ApiError(404, "not_found", "no such submission from this kiosk")
    return row


def _signed_decision(platform: Platform, row: dict) -> SignedDecision:
    """A stored submission's decision, signed with the platform's decision key."""
    decision = Decision(
        submission_id=row["submission_id"], kiosk_id=row["kiosk_id"],
        status=DecisionStatus(row["status"]), reasons=json.loads(row["reasons"]),
        licence=json.loads(row["licence"]) if row["licence"] else None,
        updated_at=row["updated_at"])
    return sign_decision(platform.keys.decision, decision)


@router.post("/submissions", status_code=201, response_model=SubmissionAck,
             responses={409: {"model": ErrorOut,
                              "description": "idempotency_conflict: this id cannot be used for "
                                             "this body (a different body, or not this kiosk's)"},
                        403: {"model": ErrorOut}})
async def post_submission(request: Request, body: SubmissionIn, kiosk: Kiosk,
                          idempotency_key: Annotated[str, Header(
                              alias="Idempotency-Key",
                              description="must equal the body's submission_id (else 400)")],
                          ) -> JSONResponse:
    """Accept a sealed submission.

    The same key and body from the same kiosk answers as the first time, with
    ``replayed: true``. When there are no attachments the decision is taken at once and the
    answer carries it, signed."""
    raw = await request.body()
    digest = hashlib.sha256(raw).hexdigest()
    if idempotency_key != body.submission_id:
        raise ApiError(400, "bad_request", "Idempotency-Key must equal the body's submission_id")
    store = _store(request)
    if body.kiosk_id != kiosk:
        raise ApiError(403, "kiosk_mismatch", "kiosk_id in the body is not the signing kiosk")
    repeated = idempotency.replay(store.submission(body.submission_id), kiosk, digest)
    if repeated is not None:
        return repeated
    platform = _platform(request)
    checked = check_submission(platform, body)
    # Durable: the kiosk forgets a submission once this answer reaches it.
    with store.transaction(durable=True):
        text = store_submission(platform, store, kiosk, body, digest, checked)
    return JSONResponse(json.loads(text), status_code=201)


@dataclass(frozen=True)
class Checked:
    """A submission body that passed every rule: its envelope, record and opened record."""

    envelope: dict
    record: bytes
    plain: dict


def check_submission(platform: Platform, body: SubmissionIn) -> Checked:
    """The rules a new submission's body must pass before anything is stored (the signing
    kiosk, the Idempotency-Key and replays are the caller's).

    Raises:
        ApiError: 422 naming the rule it broke.
    """
    try:
        dt.datetime.fromisoformat(body.created_at)
    except ValueError:
        raise ApiError(422, "invalid_request", "created_at is not an ISO 8601 time") from None
    if body.envelope.submission_id != body.submission_id:
        raise ApiError(422, "envelope_invalid", "the envelope belongs to another submission")
    names = [a.name for a in body.attachments]
    if len(set(names)) != len(names):
        raise ApiError(422, "invalid_request", "attachment names must be unique")
    try:
        record = base64.b64decode(body.record, validate=True)
    except (binascii.Error, ValueError):
        raise ApiError(422, "invalid_request", "record is not valid base64") from None
    envelope = body.envelope.model_dump()
    try:
        plain = open_submission(platform.keys, envelope, record)
    except EnvelopeError as exc:
        raise ApiError(422, "envelope_invalid", f"cannot open the record: {exc}") from None
    if plain.get("subject_type") != body.subject_type.value:
        raise ApiError(422, "invalid_request", "subject_type differs from the sealed record")
    return Checked(envelope, record, plain)


def store_submission(platform: Platform, store: Store, kiosk: str, body: SubmissionIn,
                     digest: str, checked: Checked, whole: dict[str, bytes] | None = None,
                     ) -> str:
    """Store a new, checked submission inside the caller's durable transaction, with the
    attachments given ``whole`` (already checked against their declarations) complete; decide
    it when nothing is left to upload. Returns the answer's JSON text, also kept for replays.
    """
    whole = whole or {}
    now = utc_now()
    store.insert_submission({
        "submission_id": body.submission_id, "kiosk_id": kiosk, "body_sha256": digest,
        "subject_type": body.subject_type.value, "created_at": body.created_at,
        "envelope": json.dumps(checked.envelope), "record": checked.record,
        "status": DecisionStatus.RECEIVED.value, "received_at": now, "updated_at": now,
        "response_code": 0, "response_body": "",
    }, [a.model_dump() for a in body.attachments],
        platform.keys.application_key(same_application(checked.plain)))
    for name, data in whole.items():
        store.append_chunk(body.submission_id, name, 0, data)
        store.mark_attachment_complete(body.submission_id, name)
    pending = sorted(a.name for a in body.attachments if a.name not in whole)
    decision = None
    if not pending:
        decide_submission(store, platform.keys, platform.settings, body.submission_id)
        decided = store.submission(body.submission_id)
        assert decided is not None, "inserted in this transaction"
        decision = _signed_decision(platform, decided)
    answer = SubmissionAck(
        submission_id=body.submission_id,
        status=decision.status if decision else DecisionStatus.RECEIVED,
        pending_attachments=pending, received_at=now, decision=decision)
    text = answer.model_dump_json()
    store.set_response(body.submission_id, 201, text)
    log.info("submission %s stored from kiosk %s", body.submission_id, kiosk)
    return text


def complete_whole(platform: Platform, store: Store, submission_id: str,
                   whole: dict[str, bytes]) -> list[str]:
    """Complete a stored submission's unfinished attachments from ``whole`` (checked against
    their declarations) inside the caller's durable transaction, replacing any partial upload,
    and decide it if that completed it. Returns the attachments still pending."""
    completed = False
    for att in store.attachments(submission_id):
        if not att["complete"] and att["name"] in whole:
            store.restart_attachment(submission_id, att["name"])
            store.append_chunk(submission_id, att["name"], 0, whole[att["name"]])
            store.mark_attachment_complete(submission_id, att["name"])
            completed = True
    pending = sorted(a["name"] for a in store.attachments(submission_id) if not a["complete"])
    if completed and not pending:
        decide_submission(store, platform.keys, platform.settings, submission_id)
    return pending


@router.get("/submissions/{submission_id}", response_model=SignedDecision,
            responses={404: {"model": ErrorOut}})
async def get_submission(request: Request, kiosk: Kiosk,
                         submission_id: Annotated[str, Path(pattern=ID_PATTERN)],
                         ) -> SignedDecision:
    """The platform's decision on a submission, signed, with the licence once approved."""
    return _signed_decision(_platform(request), _owned(_store(request), submission_id, kiosk))


def _attachment(store: Store, submission_id: str, name: str, kiosk: str) -> dict:
    _owned(store, submission_id, kiosk)
    att = store.attachment(submission_id, name)
    if att is None:
        raise ApiError(404, "unknown_attachment", "this attachment was not declared")
    return att


def _attachment_out(att: dict, status: str | None = None,
                    decision: SignedDecision | None = None) -> dict:
    return {"name": att["name"], "received": att["received"], "size": att["size"],
            "complete": bool(att["complete"]), "status": status,
            "decision": decision.model_dump(mode="json") if decision else None}


@router.get("/submissions/{submission_id}/attachments/{name}", response_model=AttachmentProgress,
            responses={404: {"model": ErrorOut}})
async def get_attachment(request: Request, kiosk: Kiosk,
                         submission_id: Annotated[str, Path(pattern=ID_PATTERN)],
                         name: Annotated[str, Path(pattern=ATTACHMENT_NAME_PATTERN)]) -> dict:
    """How many bytes of an attachment arrived: where a resumed upload continues."""
    return _attachment_out(_attachment(_store(request), submission_id, name, kiosk))


@router.put("/submissions/{submission_id}/attachments/{name}", response_model=AttachmentProgress,
            responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
            openapi_extra={"requestBody": {"required": True, "content": {
                "application/octet-stream": {"schema": {"type": "string",
                                                        "format": "binary"}}}}})
async def put_attachment(request: Request, kiosk: Kiosk,
                         submission_id: Annotated[str, Path(pattern=ID_PATTERN)],
                         name: Annotated[str, Path(pattern=ATTACHMENT_NAME_PATTERN)],
                         upload_offset: Annotated[int, Header(alias="Upload-Offset", ge=0)],
                         ) -> dict:
    """Append one chunk at ``Upload-Offset``; the SHA-256 is checked when the last byte lands."""
    chunk = await request.body()
    store = _store(request)
    att = _attachment(store, submission_id, name, kiosk)
    if att["complete"] or upload_offset != att["received"]:
        raise ApiError(409, "offset_mismatch", "upload from the offset the platform has",
                       offset=att["received"], complete=bool(att["complete"]))
    if not chunk:
        raise ApiError(400, "bad_request", "an attachment chunk must not be empty")
    if upload_offset + len(chunk) > att["size"]:
        raise ApiError(422, "size_exceeded", "the chunk goes past the declared size",
                       size=att["size"])
    platform = _platform(request)
    status = None
    checksum_failed = False
    completes = upload_offset + len(chunk) == att["size"]
    # The chunk that completes the submission is the one after which the kiosk forgets it.
    with store.transaction(durable=completes):
        store.append_chunk(submission_id, name, upload_offset, chunk)
        if completes:
            digest = hashlib.sha256(store.attachment_bytes(submission_id, name)).hexdigest()
            checksum_failed = digest != att["sha256"]
            if checksum_failed:
                # Start over: a byte went wrong somewhere and we cannot tell where.
                store.restart_attachment(submission_id, name)
            else:
                store.mark_attachment_complete(submission_id, name)
                if all(a["complete"] for a in store.attachments(submission_id)):
                    status = decide_submission(store, platform.keys, platform.settings,
                                               submission_id).status.value
    if checksum_failed:
        raise ApiError(422, "checksum_mismatch",
                       "the attachment's SHA-256 does not match; upload it again from 0",
                       offset=0)
    # The chunk that completed the submission carries its signed decision, as the POST does
    # when nothing is pending: the kiosk need not ask again.
    decided = _signed_decision(platform, store.submission(submission_id) or {}) if status else None
    return _attachment_out(store.attachment(submission_id, name) or att, status, decided)


# -- names, ratings, heartbeats --------------------------------------------------------

@router.get("/names/check", response_model=NameCheckOut)
async def names_check(request: Request, kiosk: Kiosk,
                      name: Annotated[str, Query(min_length=1, max_length=60)],
                      subject_type: SubjectTypeId = SubjectTypeId.individual_business) -> dict:
    """名称自主申报查重: the kiosk's naming rules plus registered names with the same 字号+行业."""
    wanted = name.strip()
    result = check_name(wanted, subject_type.value,
                        _store(request).names_colliding(wanted, name_key(wanted)))
    return {"available": result.available, "conflicts": result.conflicts,
            "problems": result.problems, "message": result.message}


@router.post("/ratings", status_code=201, response_model=RatingOut,
             responses={409: {"model": ErrorOut,
                              "description": "idempotency_conflict: this rating id cannot be "
                                             "used for this body"}})
async def post_rating(request: Request, body: RatingIn, kiosk: Kiosk) -> JSONResponse:
    """好差评: five levels, 1-2 counted as 差评; idempotent on rating_id, as submissions are."""
    raw = await request.body()
    digest = hashlib.sha256(raw).hexdigest()
    store = _store(request)
    repeated = idempotency.replay(store.rating(body.rating_id), kiosk, digest)
    if repeated is not None:
        return repeated
    if any(not 1 <= v <= 5 for v in body.indicators.values()):
        raise ApiError(422, "invalid_request", "each indicator is a level from 1 to 5")
    if any(not t or len(t) > 32 for t in body.tags):
        raise ApiError(422, "invalid_request", "tags are 1 to 32 characters")
    now = utc_now()
    negative = body.level <= 2
    answer = {"rating_id": body.rating_id, "level": body.level, "negative": negative,
              "received_at": now, "replayed": False}
    with store.transaction(durable=True):
        store.insert_rating({
            "rating_id": body.rating_id, "kiosk_id": kiosk, "submission_id": body.submission_id,
            "level": body.level, "negative": int(negative),
            "body": json.dumps(body.model_dump(), ensure_ascii=False), "body_sha256": digest,
            "received_at": now, "response_code": 201,
            "response_body": json.dumps(answer, ensure_ascii=False)})
    return JSONResponse(answer, status_code=201)


@router.get("/ratings/summary", response_model=RatingSummaryOut)
async def ratings_summary(request: Request, kiosk: Kiosk) -> dict:
    counts = _store(request).rating_counts()
    return {"counts": {str(level): counts.get(level, 0) for level in range(1, 6)},
            "total": sum(counts.values()),
            "negative": counts.get(1, 0) + counts.get(2, 0)}


def _own_kiosk(kiosk_id: str, kiosk: str) -> None:
    if kiosk_id != kiosk:
        raise ApiError(403, "kiosk_mismatch", "a kiosk may only report and read for itself")


@router.post("/kiosks/{kiosk_id}/heartbeat", status_code=201, response_model=HeartbeatOut,
             responses={403: {"model": ErrorOut}})
async def post_heartbeat(request: Request, body: HeartbeatIn, kiosk: Kiosk,
                         kiosk_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict:
    """Versions, applied configuration, queue, devices, disk, audit head and last visit;
    every one is kept, the console shows the latest per kiosk."""
    _own_kiosk(kiosk_id, kiosk)
    received_at = _store(request).insert_heartbeat(kiosk_id, body.model_dump())
    return {"kiosk_id": kiosk_id, "received_at": received_at, **body.model_dump()}


@router.get("/kiosks/{kiosk_id}/heartbeat", response_model=HeartbeatOut,
            responses={403: {"model": ErrorOut}, 404: {"model": ErrorOut}})
async def get_heartbeat(request: Request, kiosk: Kiosk,
                        kiosk_id: Annotated[str, Path(pattern=ID_PATTERN)]) -> dict:
    _own_kiosk(kiosk_id, kiosk)
    latest = _store(request).latest_heartbeat(kiosk_id)
    if latest is None:
        raise ApiError(404, "not_found", "no heartbeat from this kiosk yet")
    return latest
