"""Help calls (帮办): a kiosk calls the hall's staff to the person standing at it.

``POST /v1/help-calls`` opens a call (idempotent on ``call_id``, as submissions are), ``GET``
reads it back, ``POST .../cancel`` withdraws it. A call says which kiosk, which page and why, and
nothing about the person. Hall staff see open calls and answer them on the platform's staff
page; the kiosk reads the answer to show "工作人员正在赶来". Only the calling kiosk reads or
cancels its calls.
"""
from __future__ import annotations

import hashlib
import json
from typing import Annotated

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse

from central import idempotency
from central.errors import ApiError
from central.models import ErrorOut, HelpCallIn
from central.routes import _ERRORS, Kiosk, _store
from central.store import Store, utc_now
from contract.wire import ID_PATTERN, HelpCall, HelpCallStatus

router = APIRouter(prefix="/v1", responses=_ERRORS)  # type: ignore[arg-type]
CallId = Annotated[str, Path(pattern=ID_PATTERN)]


def call_out(row: dict, replayed: bool = False) -> dict:
    """A stored call as the API answers it."""
    return {k: row[k] for k in ("call_id", "kiosk_id", "page", "reason", "status", "opened_at",
                                "updated_at", "answered_by")} | {"replayed": replayed}


def _own(store: Store, call_id: str, kiosk: str) -> dict:
    row = store.help_call(call_id)
    if row is None or row["kiosk_id"] != kiosk:   # another kiosk's call does not exist
        raise ApiError(404, "not_found", "no such help call from this kiosk")
    return row


@router.post("/help-calls", status_code=201, response_model=HelpCall,
             responses={409: {"model": ErrorOut}})
async def open_call(request: Request, body: HelpCallIn, kiosk: Kiosk) -> JSONResponse:
    """Call staff to this kiosk; the same call_id and body answers as the first time did."""
    digest = hashlib.sha256(await request.body()).hexdigest()
    store = _store(request)
    repeated = idempotency.replay(store.help_call(body.call_id), kiosk, digest)
    if repeated is not None:
        return repeated
    now = utc_now()
    row = {"call_id": body.call_id, "kiosk_id": kiosk, "page": body.page,
           "reason": body.reason.value, "status": HelpCallStatus.OPEN.value, "opened_at": now,
           "updated_at": now, "answered_by": "", "body_sha256": digest}
    answer = call_out(row)
    with store.transaction():
        store.insert_help_call({**row, "response_code": 201,
                                "response_body": json.dumps(answer, ensure_ascii=False)})
    return JSONResponse(answer, status_code=201)


@router.get("/help-calls/{call_id}", response_model=HelpCall,
            responses={404: {"model": ErrorOut}})
async def read_call(request: Request, kiosk: Kiosk, call_id: CallId) -> dict:
    """Where this kiosk's call stands: open, answered (with who is coming), cancelled, closed."""
    return call_out(_own(_store(request), call_id, kiosk))


@router.post("/help-calls/{call_id}/cancel", response_model=HelpCall,
             responses={404: {"model": ErrorOut}})
async def cancel_call(request: Request, kiosk: Kiosk, call_id: CallId) -> dict:
    """The person cancelled, or the visit ended: staff need not come (a closed call stays so)."""
    store = _store(request)
    with store.transaction():
        row = _own(store, call_id, kiosk)
        if row["status"] in (HelpCallStatus.OPEN.value, HelpCallStatus.ANSWERED.value):
            store.set_help_call(call_id, HelpCallStatus.CANCELLED.value)
    return call_out(_own(store, call_id, kiosk))
