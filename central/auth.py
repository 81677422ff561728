"""Kiosk authentication for every ``/v1/`` request, as pure ASGI middleware.

For each request it reads the whole body (refusing more than ``MAX_BODY`` bytes with 413),
looks up the kiosk's Ed25519 key, checks the signature and freshness with
``contract.signing.verify_headers`` and remembers the nonce in SQLite so a replay is
refused. It then hands the body on unchanged and puts the kiosk id in ``scope["state"]``.

It does not parse bodies, decide authorisation per resource, or store anything but nonces.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from central.errors import ApiError, send_error
from central.store import Store
from contract.signing import (HEADER_KIOSK, MAX_SKEW_SECONDS, KeyTextError, SignatureError,
                              load_public_key, verify_headers)

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024  # 1 MiB for JSON bodies and attachment chunks alike (the contract)
PROTECTED_PREFIX = "/v1/"


class _TooLarge(Exception):
    pass


async def read_body(receive: Any, limit: int) -> bytes:
    """Read a whole ASGI request body, refusing more than ``limit`` bytes."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ConnectionResetError("client went away while sending the body")
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
        if not message.get("more_body", False):
            return b"".join(chunks)


def request_target(scope: dict) -> str:
    """The path with query exactly as it came over the wire: what the kiosk signed."""
    raw = scope.get("raw_path") or scope["path"].encode()
    target = raw.decode("latin-1")
    query = scope.get("query_string") or b""
    return f"{target}?{query.decode('latin-1')}" if query else target


class AuthMiddleware:
    """Refuse unauthenticated ``/v1/`` requests before the app sees them.

    Args:
        app: the inner ASGI app.
        store: a callable returning the Store of the current thread.
        clock: seconds since the epoch; a parameter so tests can move time.
    """

    def __init__(self, app: Any, store: Callable[[], Store],
                 clock: Callable[[], float] = time.time, max_body: int = MAX_BODY) -> None:
        self.app = app
        self.store = store
        self.clock = clock
        self.max_body = max_body

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith(PROTECTED_PREFIX):
            await self.app(scope, receive, send)
            return
        try:
            body, kiosk_id = await self._authenticate(scope, receive)
        except ApiError as exc:
            log.info("refused %s %s: %s", scope["method"], scope["path"], exc.code)
            await send_error(send, exc)
            return
        except ConnectionResetError:
            return
        state = dict(scope.get("state") or {})
        state["kiosk_id"] = kiosk_id
        sent = False

        async def replay() -> dict:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app({**scope, "state": state}, replay, send)

    async def _authenticate(self, scope: dict, receive: Any) -> tuple[bytes, str]:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        declared = headers.get("content-length")
        if declared is not None:
            if not declared.isdigit():
                raise ApiError(400, "bad_request", "Content-Length is not a number")
            if int(declared) > self.max_body:
                raise ApiError(413, "too_large", f"body is larger than {self.max_body} bytes")
        try:
            body = await read_body(receive, self.max_body)
        except _TooLarge:
            raise ApiError(413, "too_large", f"body is larger than {self.max_body} bytes") from None
        kiosk_id = headers.get(HEADER_KIOSK.lower())
        if not kiosk_id:
            raise ApiError(401, "missing_signature", f"missing header {HEADER_KIOSK}")
        store = self.store()
        key_text = store.kiosk_key(kiosk_id)
        if key_text is None:
            raise ApiError(401, "unknown_kiosk", "this kiosk is not registered with the platform")
        try:
            public_key = load_public_key(key_text)
        except KeyTextError:
            raise ApiError(401, "unknown_kiosk", "the kiosk's registered key is unusable") from None
        now = self.clock()
        try:
            ts, nonce = verify_headers(public_key, headers, scope["method"],
                                       request_target(scope), body, now=now)
        except SignatureError as exc:
            raise ApiError(401, exc.code, str(exc)) from None
        # Keep nonces for twice the skew window: anything older is refused as stale anyway.
        if not store.remember_nonce(kiosk_id, nonce, ts, int(now) - 2 * MAX_SKEW_SECONDS):
            raise ApiError(401, "replayed_request", "this nonce was used before")
        return body, kiosk_id
