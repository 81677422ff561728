"""The canonical JSON that the platform's signatures cover (config bundles, decisions).

Sorted keys, no whitespace, UTF-8 with non-ASCII kept as is, and no floats: a float has no
single spelling, so two honest serialisers could disagree on the bytes and a good signature
would fail. Pure: no I/O.
"""
from __future__ import annotations

import json
from typing import Any


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no whitespace, UTF-8; floats refused (they have no single spelling).

    Raises:
        ValueError: the value holds a float, NaN or a non-JSON type.
    """
    def check(v: Any) -> None:
        if isinstance(v, float):
            raise ValueError("signed JSON must not contain floats")
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
