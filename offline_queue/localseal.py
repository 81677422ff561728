"""Sealing of what the kiosk must read back itself: the platform's verdict (reasons, licence).

What it does: keeps one random AES-256-GCM key in a file beside the outbox database
(``<db>.key``, mode 0600, written whole or not at all) and seals/opens small blobs with it, each
bound to its submission id; keyed fingerprints of personal text (to recognise the same
application again without storing who it was). This protects the database file and its copies (a report, a backup,
a technician's USB stick), not a stolen disk that also holds the key file. What it does not do:
touch submissions, which are sealed for the platform and never readable here (`envelope.py`).
"""
from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from contract.secrets import create_secret
from offline_queue.model import SchemaError

_NONCE = 12


class LocalSealer:
    """AES-256-GCM under the kiosk-local key at `key_path` (created on first use).

    Raises:
        SchemaError: the key file exists but is not a 32-byte key.
    """

    def __init__(self, key_path: Path) -> None:
        key = _load_or_create(Path(key_path))
        self._aead = AESGCM(key)
        # A second key for hashing, derived so that the one file still holds everything.
        self._hash_key = hmac.new(key, b"kiosk-local-fingerprint", hashlib.sha256).digest()

    def fingerprint(self, text: str) -> str:
        """HMAC-SHA256 (hex) of personal text under the local key: equal texts give equal
        fingerprints, and an ID number cannot be guessed back from one without the key file."""
        return hmac.new(self._hash_key, text.encode(), hashlib.sha256).hexdigest()

    def seal(self, context: str, plain: bytes) -> bytes:
        nonce = os.urandom(_NONCE)
        return nonce + self._aead.encrypt(nonce, plain, context.encode())

    def open(self, context: str, blob: bytes) -> bytes | None:
        """The plaintext, or None when the blob is damaged or from another key."""
        if len(blob) < _NONCE + 16:
            return None
        try:
            return self._aead.decrypt(blob[:_NONCE], blob[_NONCE:], context.encode())
        except InvalidTag:
            return None


def _load_or_create(path: Path) -> bytes:
    if not path.exists():
        create_secret(path, AESGCM.generate_key(bit_length=256))   # another process may win
    key = path.read_bytes()
    if len(key) != 32:
        raise SchemaError(f"{path.name} is not a 32-byte key")
    return key
