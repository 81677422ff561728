"""The platform's web pages for people: the fleet console and the hall staff's help calls.

Server-rendered with Jinja2 templates (``templates/``) behind a login with a role
(``central.console.users``); the session is Starlette's signed cookie, its secret made on
first start in ``DATA/keys/console_session.key``. ``install(api, data_dir)`` mounts it all
on the platform's FastAPI app. Pages only show and forward: what a kiosk reported is in the
store, how it reads for a person is ``central.console.fleet``.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.sessions import SessionMiddleware

SESSION_KEY_FILE = Path("keys") / "console_session.key"
SESSION_MAX_AGE_S = 8 * 3600    # one working day; then log in again


def session_secret(data_dir: Path) -> str:
    path = Path(data_dir) / SESSION_KEY_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(48))
    return path.read_text().strip()


def install(api: FastAPI, data_dir: Path) -> None:
    from central.console.pages import router
    api.include_router(router)
    api.add_middleware(SessionMiddleware, secret_key=session_secret(data_dir),
                       session_cookie="kiosk_console", max_age=SESSION_MAX_AGE_S,
                       same_site="strict", https_only=False)
