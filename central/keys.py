"""The platform's own keys: load them from the data directory, or create them on first start.

Three keys live in ``DATA/keys/``:

- ``platform_x25519.key``: the X25519 private key kiosks seal submissions for
  (``contract.envelope``); its public half is written as base64 to ``platform_x25519.pub``.
- ``config_ed25519.key``: the Ed25519 key that signs configuration bundles; public half in
  ``config_ed25519.pub``.
- ``decision_ed25519.key``: the Ed25519 key that signs every decision the platform answers
  with (``contract.decisions``); public half in ``decision_ed25519.pub``, which kiosks trust
  as ``[platform] decision_key``.

Decisions have a key of their own, not the config key, because the two are held differently:
the decision key signs on every status answer, so it must sit on the online API server, while
a configuration key can be kept offline by administrators and used rarely. A stolen decision
key must not let anyone push configuration to the fleet, and a config signature can never be
mistaken for a decision (``contract.decisions`` also prefixes what it signs with its purpose).

Private keys are raw 32-byte files readable only by the owner. This module does no signing or
decryption itself and never rotates keys.
"""
from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey

from contract import envelope, signing
from contract.secrets import create_secret

PLATFORM_KEY_FILE = "platform_x25519.key"
PLATFORM_PUB_FILE = "platform_x25519.pub"
CONFIG_KEY_FILE = "config_ed25519.key"
CONFIG_PUB_FILE = "config_ed25519.pub"
DECISION_KEY_FILE = "decision_ed25519.key"
DECISION_PUB_FILE = "decision_ed25519.pub"


class KeyFileError(Exception):
    """A key file exists but cannot be used (wrong length or unreadable)."""


def _raw_private(key: X25519PrivateKey | Ed25519PrivateKey) -> bytes:
    return key.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                             serialization.NoEncryption())


def _write_private(path: Path, raw: bytes) -> None:
    # 0600 from the start and whole or not at all (contract.secrets).
    if not create_secret(path, raw):
        raise FileExistsError(path)


def _read_raw(path: Path) -> bytes:
    raw = path.read_bytes()
    if len(raw) != 32:
        raise KeyFileError(f"{path.name} must hold a raw 32-byte key, found {len(raw)} bytes")
    return raw


@dataclass(frozen=True)
class PlatformKeys:
    """The platform's decryption key, its config-signing key and its decision-signing key."""

    platform: X25519PrivateKey
    config: Ed25519PrivateKey
    decision: Ed25519PrivateKey

    @property
    def platform_public(self) -> X25519PublicKey:
        return self.platform.public_key()

    @property
    def config_public(self) -> Ed25519PublicKey:
        return self.config.public_key()

    @property
    def decision_public(self) -> Ed25519PublicKey:
        return self.decision.public_key()

    def application_key(self, same_application: str) -> str:
        """A keyed hash (HMAC-SHA256 under a key derived from the platform key) of what makes
        two records one application (``kiosk.domain.application.same_application``): equal
        for the same application, and no ID number recoverable from it without the key."""
        secret = hmac.new(_raw_private(self.platform), b"application-key", hashlib.sha256)
        return hmac.new(secret.digest(), same_application.encode(), hashlib.sha256).hexdigest()


def load_or_create(data_dir: Path) -> PlatformKeys:
    """Load the keys under ``data_dir/keys``, creating any that are missing.

    The public halves are (re)written as base64 text files next to the private keys.

    Raises:
        KeyFileError: a key file exists but is not a raw 32-byte key.
    """
    key_dir = Path(data_dir) / "keys"
    key_dir.mkdir(parents=True, exist_ok=True)
    platform_path = key_dir / PLATFORM_KEY_FILE
    if not platform_path.exists():
        _write_private(platform_path, _raw_private(X25519PrivateKey.generate()))
    for name in (CONFIG_KEY_FILE, DECISION_KEY_FILE):
        if not (key_dir / name).exists():
            _write_private(key_dir / name, _raw_private(Ed25519PrivateKey.generate()))
    keys = PlatformKeys(
        platform=X25519PrivateKey.from_private_bytes(_read_raw(platform_path)),
        config=Ed25519PrivateKey.from_private_bytes(_read_raw(key_dir / CONFIG_KEY_FILE)),
        decision=Ed25519PrivateKey.from_private_bytes(_read_raw(key_dir / DECISION_KEY_FILE)),
    )
    (key_dir / PLATFORM_PUB_FILE).write_text(envelope.public_key_text(keys.platform_public) + "\n")
    (key_dir / CONFIG_PUB_FILE).write_text(signing.public_key_text(keys.config_public) + "\n")
    (key_dir / DECISION_PUB_FILE).write_text(signing.public_key_text(keys.decision_public) + "\n")
    return keys
