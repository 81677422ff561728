"""The embedded default platform: the reference platform (``kiosk-central``) run locally.

Started as its own process on loopback, exactly as a separate server would be, so the kiosk
talks to it only over HTTP. It ends with the kiosk: its standard input is a pipe only the kiosk
holds (``kiosk-central --exit-with-stdin``), which the kernel closes when the kiosk's process
ends in any way, SIGKILL and crashes included. Used by ``kiosk run`` on embedded defaults and by demos; a real
deployment configures ``[platform] url``, ``public_key`` and ``decision_key`` instead.
"""
from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import BinaryIO

import requests

# Written by kiosk-central on start (central/keys.py).
PUBLIC_KEY_FILE = Path("keys") / "platform_x25519.pub"     # what submissions are sealed for
DECISION_KEY_FILE = Path("keys") / "decision_ed25519.pub"  # what signs its decisions


class EmbeddedPlatformError(RuntimeError):
    """The local platform did not come up."""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class EmbeddedPlatform:
    """``with EmbeddedPlatform(dir, kiosk_id, pubkey) as p: p.url, p.public_key, p.decision_key``."""

    def __init__(self, data_dir: Path, kiosk_id: str, kiosk_public_key: str,
                 log_path: Path | None = None) -> None:
        self.data_dir = Path(data_dir)
        self.kiosk_id = kiosk_id
        self.kiosk_public_key = kiosk_public_key
        self.log_path = log_path or self.data_dir / "central.log"
        self.port = 0
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: BinaryIO | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def public_key(self) -> str:
        return (self.data_dir / PUBLIC_KEY_FILE).read_text().strip()

    @property
    def decision_key(self) -> str:
        """The platform's decision key (base64 Ed25519), which the kiosk then trusts."""
        return (self.data_dir / DECISION_KEY_FILE).read_text().strip()

    def _central(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "central", "--data", str(self.data_dir), *args]

    def start(self, timeout_s: float = 20.0) -> EmbeddedPlatform:
        """Start it (again): a restart keeps its port, so the kiosk's URL stays right."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(self._central("--register-kiosk", self.kiosk_id, self.kiosk_public_key),
                              capture_output=True, text=True, timeout=60)
        if done.returncode != 0:
            raise EmbeddedPlatformError(f"registering the kiosk failed: {done.stderr.strip()}")
        self.port = self.port or _free_port()
        self._log = self.log_path.open("ab")
        self._proc = subprocess.Popen(
            self._central("--port", str(self.port), "--log-level", "warning", "--exit-with-stdin"),
            stdin=subprocess.PIPE, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise EmbeddedPlatformError(f"kiosk-central exited; see {self.log_path}")
            try:
                if requests.get(self.url + "/healthz", timeout=1).ok:
                    return self
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise EmbeddedPlatformError(f"kiosk-central did not answer within {timeout_s:.0f} s")

    def stop(self) -> None:
        if self._proc and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
        if self._proc and self._proc.stdin:
            self._proc.stdin.close()
        self._proc = None
        if self._log:
            self._log.close()
            self._log = None

    def __enter__(self) -> EmbeddedPlatform:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
