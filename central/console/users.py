"""Console users: who may log in to the platform's pages, with which role.

Passwords are hashed with argon2id (argon2-cffi's ``PasswordHasher``, its own defaults) and
re-hashed when those defaults grow. Two roles: administrators see the whole fleet; hall staff
see and answer help calls. ``basic_user`` is the FastAPI dependency that lets ``kiosk-admin``
call the ``/admin/`` endpoints with HTTP Basic credentials of an administrator.

No pages here (``central.console.pages``) and no sessions (Starlette's signed cookie).
"""
from __future__ import annotations

import enum
import re
import secrets
from collections.abc import Callable
from typing import Annotated, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.security import HTTPBasic, HTTPBasicCredentials

from central.errors import ApiError
from central.store import Store

USERNAME_PATTERN = r"^[a-z][a-z0-9_.-]{1,31}$"
MIN_PASSWORD = 10
_HASHER = PasswordHasher()
# Verified against when the user does not exist, so a wrong name costs the same time.
_DUMMY_HASH = _HASHER.hash(secrets.token_urlsafe(16))


class Role(str, enum.Enum):
    ADMINISTRATOR = "administrator"
    HALL_STAFF = "hall_staff"

    @property
    def label(self) -> str:
        return {"administrator": "管理员", "hall_staff": "大厅工作人员"}[self.value]


def add_user(store: Store, username: str, password: str, role: str,
             display_name: str = "") -> None:
    """Create or replace a user.

    Raises:
        ValueError: the name does not match ``USERNAME_PATTERN``, the role is unknown, the
            password is shorter than ``MIN_PASSWORD``, or the display name is unusable.
    """
    if not re.match(USERNAME_PATTERN, username):
        raise ValueError("a user name is 2-32 lower-case letters, digits, '.', '_' or '-'")
    Role(role)
    if len(password) < MIN_PASSWORD:
        raise ValueError(f"a password has at least {MIN_PASSWORD} characters")
    display = display_name.strip() or username
    if len(display) > 32 or any(ord(c) < 32 or ord(c) == 127 for c in display):
        raise ValueError("a display name is at most 32 printable characters")
    with store.transaction():
        store.put_user(username, display, role, _HASHER.hash(password))


def authenticate(store: Store, username: str, password: str) -> dict | None:
    """The user row when the password is right, else None (same cost either way)."""
    user = store.user(username) if re.match(USERNAME_PATTERN, username or "") else None
    try:
        _HASHER.verify(user["password_hash"] if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None:
        return None
    if _HASHER.check_needs_rehash(user["password_hash"]):
        store.set_password_hash(username, _HASHER.hash(password))
    return user


_basic = HTTPBasic(auto_error=False)


def basic_user(role: Role) -> Callable[..., Any]:
    """A dependency: the user named by HTTP Basic credentials, who must hold ``role``."""
    def dependency(request: Request,
                   credentials: Annotated[HTTPBasicCredentials | None, Depends(_basic)]) -> dict:
        if credentials is None:
            raise ApiError(401, "login_required", "send HTTP Basic credentials of an "
                                                  "administrator")
        user = authenticate(request.app.state.platform.store(), credentials.username,
                            credentials.password)
        if user is None:
            raise ApiError(401, "bad_credentials", "wrong user name or password")
        if user["role"] != role.value:
            raise ApiError(403, "wrong_role", f"this needs the role {role.value}")
        return user
    return dependency
