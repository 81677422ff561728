"""Idempotent POSTs: one rule for every endpoint whose client picks the id (submissions, ratings).

The platform stores the first answer to such a POST with the SHA-256 of its body and the kiosk
that sent it. When the same id comes again:

- from the same kiosk with a byte-equal body, it answers what it answered the first time, with
  the same status code, plus ``"replayed": true`` (nothing new was stored);
- otherwise, a different body or another kiosk's id, it answers ``409 idempotency_conflict``
  with one neutral message, the same in both cases. It never says whose the id is or what it
  holds, and never overwrites the first kiosk's record. ``GET`` of another kiosk's submission is
  ``404``, as for an id nobody used.

Why not ids scoped per kiosk, which would hide even that an id is taken: a submission id is the
application number a person reads from the receipt and staff look up on their own, so two
applications must never share one. A clash between honest kiosks is negligible (40 random bits
per day, ``kiosk.domain.application.new_application_id``), and a kiosk learns only "this number
is taken" for a number it already knows, which a receipt shows anyway.

No storage here: the caller looks the id up and passes the row it found.
"""
from __future__ import annotations

import json

from fastapi.responses import JSONResponse

from central.errors import ApiError

CONFLICT_MESSAGE = ("this id cannot be used for this request: repeat the original request "
                    "exactly, or use a new id")


def replay(existing: dict | None, kiosk_id: str, body_sha256: str) -> JSONResponse | None:
    """The answer to a repeated POST, or None when the id is new and the caller goes on.

    Args:
        existing: the stored row for the id (``kiosk_id``, ``body_sha256``, ``response_code``,
            ``response_body``), or None.
        kiosk_id: the kiosk that signed this request.
        body_sha256: hex SHA-256 of this request's body.
    Raises:
        ApiError: 409 ``idempotency_conflict`` for a different body or another kiosk's id.
    """
    repeated = replayed_answer(existing, kiosk_id, body_sha256)
    if repeated is None:
        return None
    code, answer = repeated
    return JSONResponse(answer, status_code=code)


def replayed_answer(existing: dict | None, kiosk_id: str,
                    body_sha256: str) -> tuple[int, dict] | None:
    """``replay`` as data: (status code, first answer with ``"replayed": true``), or None.

    Raises:
        ApiError: 409 ``idempotency_conflict``, as ``replay``.
    """
    if existing is None:
        return None
    if existing["kiosk_id"] != kiosk_id or existing["body_sha256"] != body_sha256:
        raise ApiError(409, "idempotency_conflict", CONFLICT_MESSAGE)
    answer = json.loads(existing["response_body"])
    return existing["response_code"], {**answer, "replayed": True}
