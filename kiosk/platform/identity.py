"""This kiosk's own Ed25519 signing key: created on first start, kept private on disk."""
from __future__ import annotations

from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.secrets import create_secret
from contract.signing import public_key_text


def load_or_create(path: Path) -> Ed25519PrivateKey:
    """Read the 32-byte raw key at ``path``, creating it (mode 0600) when missing.

    Raises:
        ValueError: the file exists but is not a raw 32-byte key.
    """
    if not path.exists():
        fresh = Ed25519PrivateKey.generate().private_bytes(
            serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
            serialization.NoEncryption())
        create_secret(path, fresh)   # whole or not at all, even if the kiosk dies right now
    raw = path.read_bytes()
    if len(raw) != 32:
        raise ValueError(f"{path}: a kiosk key is 32 raw bytes, found {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_text(key: Ed25519PrivateKey) -> str:
    """Base64 of the raw public key, as the platform registers it."""
    return public_key_text(key.public_key())
