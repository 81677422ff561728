"""Writing a new secret file (a private key) so that a crash can never leave half of one.

The kiosk's signing key, the queue's local key and the platform's keys are each written once,
on first start. ``create_secret`` writes the bytes to a private temporary file (mode 0600 from
the start), syncs it, links it into place only if no file is there yet, and syncs the folder:
after a crash at any moment there is either no file or the whole key, never a truncated one.
Shared by every layer that keeps a key; no other I/O.
"""
from __future__ import annotations

import os
from pathlib import Path


def create_secret(path: Path, data: bytes) -> bool:
    """Create ``path`` holding ``data``, readable by its owner only.

    Returns:
        True when this call created it; False when the file already existed (another process
        won the race, or it was there before): the existing file is left as it is.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, data)
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        os.link(tmp, path)
        created = True
    except FileExistsError:
        created = False
    finally:
        tmp.unlink()
    dir_fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)
    return created
