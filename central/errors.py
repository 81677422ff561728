"""The platform's error answers: ``{"error": code, "message": text}`` with an HTTP status.

Handlers raise ``ApiError``; the app turns it into JSON. Pure ASGI middleware, which runs
outside FastAPI, sends the same shape with ``send_error``. No logging here.
"""
from __future__ import annotations

import json
from typing import Any


class ApiError(Exception):
    """A refusal the client can act on.

    Args:
        status: HTTP status code.
        code: machine-readable reason (``bad_request``, ``idempotency_conflict``, ...).
        message: what is wrong, in plain words.
        extra: more JSON fields for the body (e.g. the right ``offset``).
    """

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.extra = extra

    def body(self) -> dict:
        return {"error": self.code, "message": self.message, **self.extra}


async def send_error(send: Any, error: ApiError, headers: dict[str, str] | None = None) -> None:
    """Send an ApiError as a complete ASGI response."""
    payload = json.dumps(error.body(), ensure_ascii=False).encode()
    raw_headers = [(b"content-type", b"application/json"),
                   (b"content-length", str(len(payload)).encode())]
    raw_headers += [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": error.status, "headers": raw_headers})
    await send({"type": "http.response.body", "body": payload, "more_body": False})
