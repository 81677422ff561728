"""Encryption at rest and in transit for one submission (docs/platform-contract.md §Envelope).

Modelled on ODK's encrypted forms: every submission gets a fresh 256-bit data key; the record
and each attachment are sealed with AES-256-GCM under that key; the data key is wrapped for the
platform's X25519 public key (ephemeral ECDH + HKDF-SHA256 + AES-256-GCM). The kiosk keeps
only the public key, so what it has queued it can no longer read. Pure: no I/O.
"""
from __future__ import annotations

import base64
import os
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

ALGORITHM = "X25519-HKDF-SHA256-A256GCM"
VERSION = 1
_WRAP_INFO = b"kiosk-envelope/v1 key-wrap"
_NONCE = 12
_TAG = 16


class EnvelopeError(Exception):
    """An envelope is malformed, for another key, or was tampered with."""


def _b64(b: bytes) -> str:
    return base64.b64encode(b).decode()


def _unb64(s: object, what: str) -> bytes:
    if not isinstance(s, str):
        raise EnvelopeError(f"{what} must be base64 text")
    try:
        return base64.b64decode(s, validate=True)
    except ValueError:
        raise EnvelopeError(f"{what} is not valid base64") from None


def public_key_text(key: X25519PublicKey) -> str:
    """Base64 of the raw 32-byte public key, as kiosk configuration stores it."""
    return _b64(key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))


def load_public_key(text: str) -> X25519PublicKey:
    raw = _unb64(text, "public key")
    if len(raw) != 32:
        raise EnvelopeError("an X25519 public key is 32 bytes")
    return X25519PublicKey.from_public_bytes(raw)


def _kek(shared: bytes, epk: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=epk, info=_WRAP_INFO).derive(shared)


def _aad(submission_id: str, part: str) -> bytes:
    # Binding each part to its submission and name stops swapping parts between submissions.
    return f"{submission_id}\x00{part}".encode()


@dataclass(frozen=True)
class Sealed:
    """A sealed submission: a JSON-safe header, the record ciphertext, attachment ciphertexts."""

    header: dict
    record: bytes
    attachments: dict[str, bytes] = field(default_factory=dict)


class Sealer:
    """One submission's sealing: a fresh data key, wrapped for the platform in `header`.

    `part` returns a part's ciphertext; `part_into` writes it into memory the caller holds
    (``nonce || ciphertext || tag``, `sealed_size` bytes), so that the outbox can seal every
    attachment end to end into the one buffer it stores, without a copy of each.
    """

    def __init__(self, platform_key: X25519PublicKey, submission_id: str) -> None:
        data_key = AESGCM.generate_key(bit_length=256)
        eph = X25519PrivateKey.generate()
        epk = eph.public_key().public_bytes(serialization.Encoding.Raw,
                                            serialization.PublicFormat.Raw)
        wrap_nonce = os.urandom(_NONCE)
        wrapped = AESGCM(_kek(eph.exchange(platform_key), epk)).encrypt(
            wrap_nonce, data_key, _aad(submission_id, "key"))
        self._aead = AESGCM(data_key)
        self._sid = submission_id
        self.header = {
            "v": VERSION, "alg": ALGORITHM, "submission_id": submission_id,
            "epk": _b64(epk), "wrap_nonce": _b64(wrap_nonce), "wrapped_key": _b64(wrapped),
        }

    def part(self, name: str, plain: bytes) -> bytes:
        out = bytearray(sealed_size(len(plain)))
        self.part_into(name, plain, memoryview(out))
        return bytes(out)

    def part_into(self, name: str, plain: bytes, out: memoryview) -> None:
        """Seal ``plain`` into ``out``, which must be exactly ``sealed_size(len(plain))``."""
        nonce = os.urandom(_NONCE)
        out[:_NONCE] = nonce
        self._aead.encrypt_into(nonce, plain, _aad(self._sid, name), out[_NONCE:])


def sealed_size(plain_size: int) -> int:
    """A part's ciphertext size: its nonce, its bytes and the GCM tag."""
    return _NONCE + plain_size + _TAG


def seal(platform_key: X25519PublicKey, submission_id: str, record: bytes,
         attachments: dict[str, bytes] | None = None) -> Sealed:
    """Encrypt a record and its attachments for the platform with a fresh data key."""
    sealer = Sealer(platform_key, submission_id)
    return Sealed(header=sealer.header, record=sealer.part("record", record),
                  attachments={name: sealer.part("attachment:" + name, data)
                               for name, data in (attachments or {}).items()})


def _data_key(private_key: X25519PrivateKey, header: dict) -> tuple[AESGCM, str]:
    if not isinstance(header, dict) or header.get("v") != VERSION or header.get("alg") != ALGORITHM:
        raise EnvelopeError("unknown envelope version or algorithm")
    sid = header.get("submission_id")
    if not isinstance(sid, str) or not sid:
        raise EnvelopeError("envelope has no submission id")
    epk = _unb64(header.get("epk"), "epk")
    if len(epk) != 32:
        raise EnvelopeError("epk must be 32 bytes")
    try:
        shared = private_key.exchange(X25519PublicKey.from_public_bytes(epk))
        key = AESGCM(_kek(shared, epk)).decrypt(
            _unb64(header.get("wrap_nonce"), "wrap_nonce"),
            _unb64(header.get("wrapped_key"), "wrapped_key"), _aad(sid, "key"))
    except (InvalidTag, ValueError):
        raise EnvelopeError("data key cannot be unwrapped: wrong platform key or tampered") from None
    return AESGCM(key), sid


def _open_part(aead: AESGCM, sid: str, name: str, blob: bytes) -> bytes:
    if len(blob) < _NONCE + 16:
        raise EnvelopeError(f"{name} ciphertext is truncated")
    try:
        return aead.decrypt(blob[:_NONCE], blob[_NONCE:], _aad(sid, name))
    except InvalidTag:
        raise EnvelopeError(f"{name} was tampered with or belongs to another submission") from None


def open_record(private_key: X25519PrivateKey, header: dict, record: bytes) -> bytes:
    """Platform side: decrypt the record. Raises EnvelopeError."""
    aead, sid = _data_key(private_key, header)
    return _open_part(aead, sid, "record", record)


def open_attachment(private_key: X25519PrivateKey, header: dict, name: str, blob: bytes) -> bytes:
    """Platform side: decrypt one attachment by its name. Raises EnvelopeError."""
    aead, sid = _data_key(private_key, header)
    return _open_part(aead, sid, "attachment:" + name, blob)
