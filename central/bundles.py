"""Signed configuration bundles: canonical JSON and the Ed25519 signature over it.

The signature covers ``{"version": v, "payload": p}`` serialised canonically: keys sorted,
no spaces, UTF-8 (non-ASCII kept as is). The kiosk verifies with the config public key.
No storage and no HTTP here.
"""
from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8; floats refused (they have no single spelling).

    Raises:
        ValueError: the value holds a float, NaN or a non-JSON type.
    """
    def check(v: Any) -> None:
        if isinstance(v, float):
            raise ValueError("config bundles must not contain floats")
        if isinstance(v, dict):
            for k, item in v.items():
                if not isinstance(k, str):
                    raise ValueError("object keys must be strings")
                check(item)
        elif isinstance(v, list):
            for item in v:
                check(item)
        elif not (v is None or isinstance(v, (str, int, bool))):
            raise ValueError(f"{type(v).__name__} is not a JSON value")

    check(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                      allow_nan=False).encode("utf-8")


def sign_bundle(key: Ed25519PrivateKey, version: int, payload: dict) -> str:
    """Base64 signature of the canonical ``{"version", "payload"}``."""
    message = canonical_json({"version": version, "payload": payload})
    return base64.b64encode(key.sign(message)).decode()
