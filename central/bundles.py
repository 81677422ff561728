"""Signed configuration bundles: the Ed25519 signature over canonical JSON.

The signature covers ``{"version": v, "payload": p}`` serialised by
``contract.canonical.canonical_json`` (keys sorted, no spaces, UTF-8, no floats). The kiosk
verifies with the config public key. No storage and no HTTP here.
"""
from __future__ import annotations

import base64

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from contract.canonical import canonical_json


def sign_bundle(key: Ed25519PrivateKey, version: int, payload: dict) -> str:
    """Base64 signature of the canonical ``{"version", "payload"}``.

    Raises:
        ValueError: the payload holds a float or a non-JSON value.
    """
    message = canonical_json({"version": version, "payload": payload})
    return base64.b64encode(key.sign(message)).decode()
