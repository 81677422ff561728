"""Data and media shipped with the kiosk: catalogues, QML, images.

Only file access lives here; what the data means is decided by the package that reads it.
"""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent


def path(*parts: str) -> Path:
    """Return the path of a shipped asset, e.g. ``path("catalogues", "regions.json")``."""
    p = ROOT.joinpath(*parts)
    if not p.exists():
        raise FileNotFoundError(f"asset missing from the installation: {p}")
    return p


@lru_cache(maxsize=None)
def load_json(*parts: str) -> Any:
    """Load a JSON asset once per process (catalogues are read-only)."""
    with path(*parts).open(encoding="utf-8") as fh:
        return json.load(fh)
