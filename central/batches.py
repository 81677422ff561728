"""``POST /v1/submission-batches``: many submissions, their attachments whole, in one request.

A kiosk back from a day offline has hundreds of submissions to deliver. One at a time each
costs a POST and a PUT per attachment, each signed, each its own commit; a batch carries up to
``MAX_BATCH_ITEMS`` of them with their (small) attachments inline and is stored in one durable
transaction, answered item by item with what a single POST would have answered, the signed
decision included. The rules are the single POST's own (``central.routes.check_submission``,
``store_submission``), idempotency too: an item's ``body`` is the exact JSON text a single
POST would carry, so its SHA-256 is the same digest either way, and a submission first POSTed
alone (by an older kiosk, or before a crash) is replayed here, its unfinished attachments
completed from the inline ones. One item refused (a conflict, a sealed part that does not
open, an attachment whose SHA-256 differs) does not refuse the others.

What it does not do: chunked uploads (an attachment too big to travel inline is uploaded with
``PUT .../attachments/{name}`` as before), or a partial commit: nothing of a batch is stored
unless all of its acknowledged items are.
"""
from __future__ import annotations

import base64
import binascii
import hashlib
import json
import logging
from typing import TYPE_CHECKING

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from central import idempotency
from central.errors import ApiError
from central.models import BatchIn, BatchItemIn, ErrorOut, SubmissionIn
from central.routes import (_ERRORS, Kiosk, _platform, _signed_decision, _store,
                            check_submission, complete_whole, store_submission)
from central.store import Store
from contract.wire import BatchAck, SubmissionAck, describe

if TYPE_CHECKING:  # app.py imports this module to build the app
    from central.app import Platform

log = logging.getLogger(__name__)

router = APIRouter(prefix="/v1", responses=_ERRORS)  # type: ignore[arg-type]


@router.post("/submission-batches", response_model=BatchAck,
             responses={403: {"model": ErrorOut}})
async def post_batch(request: Request, body: BatchIn, kiosk: Kiosk) -> JSONResponse:
    """Accept up to 64 sealed submissions with their attachments whole, in one transaction.

    Each item answers as ``POST /v1/submissions`` would (``ack``, with ``replayed`` and the
    signed decision once nothing is pending), or with the ``error`` that POST would have got;
    the Idempotency-Key of an item is its submission id. 200 even when every item is refused:
    the refusals are per item."""
    platform = _platform(request)
    store = _store(request)
    answers = []
    # Durable: the kiosk forgets every acknowledged submission once this answer reaches it.
    with store.transaction(durable=True):
        for item in body.submissions:
            answers.append(_item(platform, store, kiosk, item))
    taken = sum(1 for a in answers if "ack" in a)
    log.info("batch from kiosk %s: %d of %d taken", kiosk, taken, len(answers))
    return JSONResponse({"items": answers})


def _item(platform: Platform, store: Store, kiosk: str, item: BatchItemIn) -> dict:
    try:
        sub = SubmissionIn.model_validate_json(item.body)
    except ValidationError as exc:
        return _refused("", ApiError(422, "invalid_request", describe(exc)))
    try:
        with store.savepoint():   # an item that fails half-way leaves nothing, the others stand
            ack = _accept(platform, store, kiosk, sub, item)
    except ApiError as exc:
        return _refused(sub.submission_id, exc)
    return {"submission_id": sub.submission_id, "ack": ack}


def _accept(platform: Platform, store: Store, kiosk: str, sub: SubmissionIn,
            item: BatchItemIn) -> dict:
    if sub.kiosk_id != kiosk:
        raise ApiError(403, "kiosk_mismatch", "kiosk_id in the body is not the signing kiosk")
    digest = hashlib.sha256(item.body.encode()).hexdigest()
    repeated = idempotency.replayed_answer(store.submission(sub.submission_id), kiosk, digest)
    declared = {a.name: a for a in sub.attachments}
    whole = _whole(item, declared)
    if repeated is not None:
        _, answer = repeated
        pending = complete_whole(platform, store, sub.submission_id, whole)
        row = store.submission(sub.submission_id)
        assert row is not None, "replayed from it"
        decision = None if pending else _signed_decision(platform, row)
        return SubmissionAck.model_validate({
            **answer, "pending_attachments": pending,
            "status": decision.status if decision else answer["status"],
            "decision": decision}).model_dump(mode="json")
    checked = check_submission(platform, sub)
    return json.loads(store_submission(platform, store, kiosk, sub, digest, checked, whole))


def _whole(item: BatchItemIn, declared: dict) -> dict[str, bytes]:
    """The inline attachments, each checked against its declaration.

    Raises:
        ApiError: 422 for an undeclared or repeated name, bad base64, or a size or SHA-256
            other than declared (``checksum_mismatch``, as the last chunk of an upload).
    """
    whole: dict[str, bytes] = {}
    for att in item.attachments:
        meta = declared.get(att.name)
        if meta is None or att.name in whole:
            raise ApiError(422, "invalid_request",
                           f"attachment {att.name} is not declared, or given twice")
        try:
            data = base64.b64decode(att.data, validate=True)
        except (binascii.Error, ValueError):
            raise ApiError(422, "invalid_request",
                           f"attachment {att.name} is not valid base64") from None
        if len(data) != meta.size or hashlib.sha256(data).hexdigest() != meta.sha256:
            raise ApiError(422, "checksum_mismatch",
                           f"attachment {att.name} does not match its declared size and SHA-256")
        whole[att.name] = data
    return whole


def _refused(submission_id: str, exc: ApiError) -> dict:
    return {"submission_id": submission_id,
            "error": {"status": exc.status, "error": exc.code, "message": exc.message}}
