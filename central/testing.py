"""Test fixture: the real platform served over HTTP on 127.0.0.1, for the kiosk's own tests.

    with running_platform(tmp_path) as platform:
        platform.register_kiosk("kiosk-1", kiosk_key.public_key())
        requests.post(platform.base_url + "/v1/submissions", ...)

The server is the same ``Platform`` the ``kiosk-central`` command serves, run by uvicorn in a
background thread; ``set_faults`` reconfigures fault injection while it runs. Nothing here is
mocked; this module only starts, inspects and stops it.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PublicKey

from contract import envelope, signing
from central.app import Platform
from central.deadlines import ClientDeadlines
from central.decide import PlatformSettings
from central.faults import FaultSettings
from central.server import ServerThread


class PlatformHandle:
    """A running platform: its URL, its public keys and test-side controls."""

    def __init__(self, platform: Platform, server: ServerThread) -> None:
        self.platform = platform
        self._server = server

    @property
    def base_url(self) -> str:
        return self._server.base_url

    @property
    def port(self) -> int:
        return self._server.port

    @property
    def data_dir(self) -> Path:
        return self.platform.data_dir

    @property
    def platform_public_key(self) -> X25519PublicKey:
        return self.platform.keys.platform_public

    @property
    def config_public_key(self) -> Ed25519PublicKey:
        return self.platform.keys.config_public

    @property
    def decision_public_key(self) -> Ed25519PublicKey:
        """What kiosks verify the platform's decisions with."""
        return self.platform.keys.decision_public

    def register_kiosk(self, kiosk_id: str, public_key: Ed25519PublicKey) -> None:
        """Let a kiosk with this key call the API."""
        self.platform.register_kiosk(kiosk_id, public_key)

    def kiosk_settings(self, kiosk_id: str, public_key: Ed25519PublicKey, data_dir: Path) -> str:
        """Register a kiosk with this key and give the start of its settings TOML: its id, its
        data folder and the ``[platform]`` section that reaches this platform. Further sections
        go after it."""
        self.register_kiosk(kiosk_id, public_key)
        return (f'kiosk_id = "{kiosk_id}"\ndata_dir = "{data_dir}"\n'
                f'[platform]\nurl = "{self.base_url}"\n'
                f'public_key = "{envelope.public_key_text(self.platform_public_key)}"\n'
                f'decision_key = "{signing.public_key_text(self.decision_public_key)}"\n')

    def set_faults(self, **settings: Any) -> FaultSettings:
        """Change fault injection: error_rate, slow_rate, slow_seconds, drop_rate,
        lost_answer_rate, seed. Resets the random sequence. Raises ValueError on bad values."""
        return self.platform.faults.configure(**settings)

    @property
    def fault_counts(self) -> dict[str, int]:
        """How many of each fault were injected so far."""
        return dict(self.platform.faults.counts)

    def stored_submission_ids(self) -> list[str]:
        """One entry per stored submission row, in arrival order (duplicates would show)."""
        return self.platform.store().stored_submission_ids()

    def accept_log(self) -> list[dict]:
        """The platform's append-only log of acceptances (a duplicate would show twice)."""
        return self.platform.store().accept_log()

    def submission(self, submission_id: str) -> dict | None:
        """The stored row of a submission (status, reasons, licence as JSON text)."""
        return self.platform.store().submission(submission_id)

    def latest_heartbeat(self, kiosk_id: str) -> dict | None:
        return self.platform.store().latest_heartbeat(kiosk_id)

    def add_user(self, username: str, password: str, role: str, display_name: str = "") -> None:
        """A console user (administrator or hall_staff)."""
        self.platform.add_user(username, password, role, display_name)

    def clerk_decide(self, submission_id: str, status: str,
                     reasons: list[str] | None = None) -> dict:
        """Decide a submission waiting for manual review: approved (licence assigned),
        needs_correction or rejected (with reasons). Raises ValueError when not allowed."""
        return self.platform.clerk_decide(submission_id, status, reasons)

    def answer_help_call(self, call_id: str, staff: str) -> None:
        """What the staff page does when a member of staff takes a call."""
        store = self.platform.store()
        with store.transaction():
            store.set_help_call(call_id, "answered", staff)

    def table_counts(self) -> dict[str, int]:
        return self.platform.store().table_counts()

    def stop(self) -> None:
        self._server.stop()


@contextmanager
def running_platform(data_dir: Path, *, faults: dict | None = None,
                     settings: PlatformSettings | None = None,
                     deadlines: ClientDeadlines = ClientDeadlines()) -> Iterator[PlatformHandle]:
    """Run the real platform over ``data_dir`` on 127.0.0.1 and a free port.

    Args:
        data_dir: keys and database; reused if it already holds them.
        faults: initial fault settings, as for ``set_faults``.
        settings: region and authority (defaults: 330106, 杭州市西湖区市场监督管理局).
        deadlines: how long a client may stall mid-request (``central.deadlines``).
    Yields:
        a PlatformHandle; the server stops when the block ends.
    """
    platform = Platform(Path(data_dir), faults=faults, settings=settings)
    server = ServerThread(platform.asgi, deadlines=deadlines)
    server.start()
    handle = PlatformHandle(platform, server)
    try:
        yield handle
    finally:
        handle.stop()


class SignedClient:
    """A minimal signing HTTP client, for this package's tests, benchmarks and demos.

    The kiosk's real client is ``kiosk.platform.client``; this one exists so the platform can
    be exercised on its own. It signs the exact request target that goes on the wire.
    """

    def __init__(self, base_url: str, kiosk_id: str, key: Any, session: Any = None) -> None:
        import requests

        self.base_url = base_url.rstrip("/")
        self.kiosk_id = kiosk_id
        self.key = key
        self.session = session or requests.Session()

    def request(self, method: str, target: str, body: bytes | dict | None = None,
                headers: dict[str, str] | None = None, **kwargs: Any) -> Any:
        """Send one signed request; ``target`` is the path with any query.

        The signature covers the target as requests puts it on the wire (percent-encoded),
        which is what the platform checks. A dict body is sent as compact UTF-8 JSON.
        Returns the ``requests.Response``.
        """
        import json as _json

        import requests

        from contract.signing import sign_headers

        extra = dict(headers or {})
        if isinstance(body, dict):
            data = _json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
            extra.setdefault("Content-Type", "application/json")
        else:
            data = body or b""
        prepared = self.session.prepare_request(
            requests.Request(method, self.base_url + target, data=data, headers=extra))
        prepared.headers.update(sign_headers(self.key, self.kiosk_id, method,
                                             prepared.path_url, data))
        return self.session.send(prepared, timeout=kwargs.pop("timeout", 30), **kwargs)
