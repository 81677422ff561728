"""Data and media shipped with the kiosk: catalogues, QML, images.

Only file access lives here; what the data means is decided by the package that reads it.
``read_regular`` is the one bounded read of a file that came from elsewhere (settings, bundles,
the catalogues a bundle brings): never a FIFO or a device, never more than asked for.
"""
from __future__ import annotations

import json
import os
import stat
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


class FileRefused(Exception):
    """A file that ``read_regular`` will not read; the message names it and says why."""


def read_regular(path: Path, limit: int) -> bytes:
    """A regular file's bytes, at most ``limit``. Never blocks on a FIFO or reads a device.

    Raises:
        FileRefused: missing, unreadable, not a regular file, or larger than ``limit``.
    """
    try:
        # O_NONBLOCK: opening a FIFO with no writer would otherwise wait forever.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    except OSError as exc:
        raise FileRefused(f"{path}: cannot be read: {exc.strerror or exc}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise FileRefused(f"{path}: is not a regular file (a device, FIFO or folder)")
        if info.st_size > limit:
            raise FileRefused(f"{path}: larger than {limit} bytes")
        data = os.read(fd, limit + 1)
    except OSError as exc:
        raise FileRefused(f"{path}: cannot be read: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:               # it grew between fstat and read
        raise FileRefused(f"{path}: larger than {limit} bytes")
    return data
