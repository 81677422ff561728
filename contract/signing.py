"""Request signing for the platform contract (docs/platform-contract.md §Auth).

Every request a kiosk sends carries its id, a timestamp, a nonce and an Ed25519 signature over
the canonical string below. The platform keeps the kiosk's public key and refuses unknown kiosks,
bad signatures, stale timestamps and replayed nonces. Ed25519 public keys travel as base64 of
their raw 32 bytes (``public_key_text`` / ``load_public_key``), for kiosk keys and the
platform's decision key alike. This module is pure: no I/O, and the clock is a parameter.
Remembering nonces is the server's job.
"""
from __future__ import annotations

import base64
import hashlib
import secrets
import time
from collections.abc import Mapping

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

HEADER_KIOSK = "X-Kiosk-Id"
HEADER_TIMESTAMP = "X-Kiosk-Timestamp"
HEADER_NONCE = "X-Kiosk-Nonce"
HEADER_SIGNATURE = "X-Kiosk-Signature"
MAX_SKEW_SECONDS = 300  # a request older or newer than this is refused as stale


class KeyTextError(ValueError):
    """A public key's text is not base64 of 32 raw bytes."""


def public_key_text(key: Ed25519PublicKey) -> str:
    """Base64 of the raw 32-byte public key, as the platform registers it and kiosks trust it."""
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode()


def load_public_key(text: str) -> Ed25519PublicKey:
    """Parse a base64 raw Ed25519 public key (surrounding whitespace ignored).

    Raises:
        KeyTextError: not base64, or not 32 bytes.
    """
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (ValueError, AttributeError):
        raise KeyTextError("public key is not valid base64") from None
    if len(raw) != 32:
        raise KeyTextError("an Ed25519 public key is 32 bytes")
    return Ed25519PublicKey.from_public_bytes(raw)


class SignatureError(Exception):
    """A request's signature headers are missing, malformed, stale or wrong.

    ``code`` is the machine-readable reason the platform answers with.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def canonical_request(method: str, path: str, body: bytes, timestamp: int, nonce: str) -> bytes:
    """The exact bytes that are signed: method, path with query, body hash, timestamp, nonce."""
    digest = hashlib.sha256(body).hexdigest()
    return f"{method.upper()}\n{path}\n{digest}\n{timestamp}\n{nonce}".encode()


def sign_headers(key: Ed25519PrivateKey, kiosk_id: str, method: str, path: str, body: bytes,
                 now: float | None = None, nonce: str | None = None) -> dict[str, str]:
    """Return the four headers that authenticate one request."""
    ts = int(time.time() if now is None else now)
    nonce = nonce or secrets.token_hex(16)
    sig = key.sign(canonical_request(method, path, body, ts, nonce))
    return {
        HEADER_KIOSK: kiosk_id,
        HEADER_TIMESTAMP: str(ts),
        HEADER_NONCE: nonce,
        HEADER_SIGNATURE: base64.b64encode(sig).decode(),
    }


def verify_headers(public_key: Ed25519PublicKey, headers: Mapping[str, str], method: str,
                   path: str, body: bytes, now: float | None = None) -> tuple[int, str]:
    """Check a request's signature and freshness.

    Returns:
        ``(timestamp, nonce)`` so the caller can refuse a replayed nonce.
    Raises:
        SignatureError: ``missing_signature``, ``malformed_signature``, ``stale_request`` or
        ``bad_signature``.
    """
    lower = {k.lower(): v for k, v in headers.items()}
    try:
        ts_text = lower[HEADER_TIMESTAMP.lower()]
        nonce = lower[HEADER_NONCE.lower()]
        sig_text = lower[HEADER_SIGNATURE.lower()]
    except KeyError as exc:
        raise SignatureError("missing_signature", f"missing header {exc.args[0]}") from None
    try:
        ts = int(ts_text)
        sig = base64.b64decode(sig_text, validate=True)
    except ValueError:
        raise SignatureError("malformed_signature", "timestamp or signature is malformed") from None
    if not (16 <= len(nonce) <= 128) or not nonce.isascii() or not nonce.isalnum():
        raise SignatureError("malformed_signature", "nonce must be 16-128 ASCII letters or digits")
    current = time.time() if now is None else now
    if abs(current - ts) > MAX_SKEW_SECONDS:
        raise SignatureError("stale_request", "request timestamp is too far from the platform clock")
    try:
        public_key.verify(sig, canonical_request(method, path, body, ts, nonce))
    except InvalidSignature:
        raise SignatureError("bad_signature", "signature does not match the request") from None
    return ts, nonce
