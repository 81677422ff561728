"""Talking to the platform as an administrator: publish the repository, read the fleet.

HTTP Basic with a console administrator's credentials over the platform's ``/admin/``
endpoints (``central.tuf_repo``). Every failure is an ``AdminError`` with a message a person
can act on; no retries (the administrator runs the command again).
"""
from __future__ import annotations

import base64
import json

import requests

from admin.repo import Repository


class AdminError(Exception):
    """The platform could not be reached or refused; the message says which and why."""


class PlatformAdmin:
    def __init__(self, url: str, user: str, password: str, timeout: float = 30.0) -> None:
        self.url = url.rstrip("/")
        self.auth = (user, password)
        self.timeout = timeout

    def _call(self, method: str, path: str, body: bytes | None = None) -> dict:
        try:
            resp = requests.request(method, self.url + path, data=body, auth=self.auth,
                                    timeout=self.timeout, allow_redirects=False,
                                    headers={"Content-Type": "application/json"} if body else {})
        except requests.RequestException as exc:
            raise AdminError(f"cannot reach the platform at {self.url}: {type(exc).__name__}") \
                from None
        try:
            data = resp.json()
        except ValueError:
            data = {}
        if resp.status_code >= 300:
            why = data.get("message") or data.get("error") if isinstance(data, dict) else ""
            raise AdminError(f"the platform refused ({resp.status_code}): {why or resp.reason}")
        if not isinstance(data, dict):
            raise AdminError("the platform's answer is not a JSON object")
        return data

    def push(self, repo: Repository) -> dict:
        """Upload every metadata and target file of the repository (the platform keeps what
        it has and checks the rest)."""
        metadata, targets = repo.files()
        body = {"metadata": {n: d.decode("utf-8") for n, d in metadata.items()},
                "targets": {p: base64.b64encode(d).decode() for p, d in targets.items()}}
        return self._call("POST", "/admin/tuf/publish", json.dumps(body).encode())

    def fleet(self) -> list[dict]:
        kiosks = self._call("GET", "/admin/fleet").get("kiosks", [])
        return kiosks if isinstance(kiosks, list) else []
