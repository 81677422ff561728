"""Assembling the platform: keys, database, FastAPI routes, auth and fault middleware.

``Platform(data_dir, ...)`` loads or creates the keys, opens the database (seeding the
registered names on a fresh one) and builds ``platform.asgi``,
the app to serve: FaultInjector(AuthMiddleware(FastAPI)). It does not start a server; see
``central.server`` and ``central.testing``.
"""
from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from pathlib import Path
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from central import keys as keys_mod
from central.auth import AuthMiddleware
from central.decide import PlatformSettings
from central.errors import ApiError
from central.faults import FaultInjector, FaultSettings
from central.names import SEED_NAMES, name_key
from central.store import Store
from contract import signing
from contract.wire import DecisionStatus

API_TITLE = "自助申报一体机 reference central platform"
API_VERSION = "1.0.0"

_HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed"}


def _validation_message(errors: list[dict]) -> tuple[str, str]:
    """(code, message) for a pydantic/FastAPI validation failure."""
    if any(e.get("type") == "json_invalid" for e in errors):
        return "bad_request", "body is not valid JSON"
    parts = []
    for e in errors[:5]:
        loc = ".".join(str(x) for x in e.get("loc", ()) if x != "body")
        parts.append(f"{loc or 'body'}: {e.get('msg', 'invalid')}")
    return "invalid_request", "; ".join(parts)


def _allowed_methods(api: FastAPI, scope: dict) -> list[str]:
    """Every method the API serves on this request's path, read from its own OpenAPI paths."""
    path = scope.get("path", "")
    methods: set[str] = set()
    for template, operations in api.openapi().get("paths", {}).items():
        # A template's {name} parts match one path segment; its other characters stand as they are.
        pattern = "[^/]+".join(re.escape(part) for part in re.split(r"\{[^/}]+\}", template))
        if re.fullmatch(pattern, path):
            methods |= {m.upper() for m in operations if m.lower() in _HTTP_METHODS}
    return sorted(methods)


_HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}


def _build_fastapi(platform: Platform) -> FastAPI:
    from central.routes import router, unauthenticated

    # No /docs or /redoc: they load Swagger from a CDN, useless on an offline kiosk network.
    api = FastAPI(title=API_TITLE, version=API_VERSION, docs_url=None, redoc_url=None,
                  description="Reference implementation of the kiosk platform contract "
                              "(docs/platform-contract.md). Every /v1/ request is signed by "
                              "the kiosk (X-Kiosk-* headers).")
    api.state.platform = platform

    @api.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse(exc.body(), status_code=exc.status)

    @api.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        errors = list(exc.errors())
        code, message = _validation_message(errors)
        status = 400 if code == "bad_request" else 422
        detail = [{"loc": list(e.get("loc", ())), "msg": e.get("msg"), "type": e.get("type")}
                  for e in errors[:20]]
        return JSONResponse({"error": code, "message": message, "detail": detail},
                            status_code=status)

    @api.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "http_error")
        headers = dict(exc.headers or {})
        if exc.status_code == 405:
            # Starlette names only the first matching route's methods; a path served by
            # several routes (GET and PUT of an attachment) allows all of theirs.
            headers["Allow"] = ", ".join(_allowed_methods(api, request.scope))
        return JSONResponse({"error": code, "message": str(exc.detail)},
                            status_code=exc.status_code, headers=headers)

    @api.exception_handler(Exception)
    async def crashed(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse({"error": "internal_error", "message": type(exc).__name__},
                            status_code=500)

    from central.batches import router as batches
    from central.citizen import router as citizen
    from central.console import install as install_console
    from central.help_calls import router as help_calls
    from central.tuf_repo import admin_router as tuf_admin
    from central.tuf_repo import kiosk_router as tuf_kiosk
    api.include_router(unauthenticated)
    api.include_router(router)
    api.include_router(batches)
    api.include_router(help_calls)
    api.include_router(citizen)
    api.include_router(tuf_kiosk)
    api.include_router(tuf_admin)
    install_console(api, platform.data_dir)
    return api


class Platform:
    """One platform instance over a data directory.

    Args:
        data_dir: where keys and the database live (created if missing).
        settings: region and authority name for issued licences.
        faults: initial fault settings (all off by default).
        clock: seconds since the epoch, for signature freshness.
    Raises:
        KeyFileError: an existing key file is unusable.
        ValueError: bad fault settings.
    """

    def __init__(self, data_dir: Path, *, settings: PlatformSettings | None = None,
                 faults: dict | None = None, clock: Callable[[], float] = time.time) -> None:
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.keys = keys_mod.load_or_create(self.data_dir)
        self.settings = settings or PlatformSettings()
        self._local = threading.local()
        self._seed_fresh_database()
        self.api = _build_fastapi(self)
        self.faults = FaultInjector(AuthMiddleware(self.api, self.store, clock=clock),
                                    FaultSettings.from_dict(faults))
        self.asgi = self.faults

    def store(self) -> Store:
        """This thread's connection to the database."""
        store = getattr(self._local, "store", None)
        if store is None:
            store = self._local.store = Store.in_dir(self.data_dir)
        return store

    def _seed_fresh_database(self) -> None:
        store = self.store()
        with store.transaction():
            if not store.registered_names():
                for name, subject_type in SEED_NAMES:
                    store.add_name(name, subject_type, "seed", name_key(name))
            for name in store.names_without_key():   # registered before names were indexed
                store.set_name_key(name, name_key(name))

    def register_kiosk(self, kiosk_id: str, public_key: Ed25519PublicKey | str) -> None:
        """Allow a kiosk to call the API with this Ed25519 key (replaces an earlier key).

        Raises:
            KeyTextError: the key text is not base64 of 32 raw bytes.
        """
        text = public_key if isinstance(public_key, str) else signing.public_key_text(public_key)
        signing.load_public_key(text)  # refuse a bad key now, not at its first request
        self.store().register_kiosk(kiosk_id, text)

    def add_user(self, username: str, password: str, role: str, display_name: str = "") -> None:
        """Create or replace a console user (administrator or hall staff).

        Raises:
            ValueError: a bad name, role or password (see ``central.console.users``).
        """
        from central.console.users import add_user
        add_user(self.store(), username, password, role, display_name)

    def clerk_decide(self, submission_id: str, status: str, reasons: list[str] | None = None,
                     ) -> dict:
        """Decide a submission left for manual review, as a clerk would.

        Returns:
            the new status, reasons and licence.
        Raises:
            ValueError: see ``central.decide.clerk_decision``.
        """
        from central.decide import clerk_decision

        store = self.store()
        with store.transaction():
            outcome = clerk_decision(store, self.keys, self.settings, submission_id,
                                     DecisionStatus(status), list(reasons or []))
        return {"status": outcome.status.value, "reasons": outcome.reasons,
                "licence": outcome.licence}

    def openapi(self) -> dict:
        return self.api.openapi()
