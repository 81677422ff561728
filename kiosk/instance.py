"""One kiosk process per data folder, and nothing left behind by the one before it.

``hold(lock_path)`` takes an exclusive, non-blocking ``flock`` for as long as the kiosk runs. The
kernel releases it when the process ends, however it ends (SIGKILL, a crash, a power cut), so a
second ``kiosk run`` on the same folder is refused while the first lives, instead of sharing its
outbox and serial ports, and is let in as soon as it is gone.

Holding the lock, the kiosk knows that no visit of another process is going on, so
``clear_leftover_visits`` may remove the visit folders a killed or crashed process left (the
on-screen keyboard's learned words, a face photo): personal data lives only as long as the visit.
What it does not do: decide when a visit ends (the session does).
"""
from __future__ import annotations

import fcntl
import logging
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


class KioskAlreadyRunning(RuntimeError):
    """Another kiosk process holds this data folder."""


@contextmanager
def hold(lock_path: Path) -> Iterator[None]:
    """Hold the folder's lock until the block ends. Raises KioskAlreadyRunning."""
    lock_path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise KioskAlreadyRunning(
                f"another kiosk process is running on {lock_path.parent.parent} "
                f"(it holds {lock_path}); stop it first") from None
        yield
    finally:
        os.close(fd)            # closing the descriptor releases the lock


def clear_leftover_visits(sessions_dir: Path) -> int:
    """Remove what earlier processes left in ``sessions_dir``; returns how many entries went.
    Call it only while holding the lock, before the first visit starts."""
    if not sessions_dir.is_dir():
        return 0
    removed = 0
    for entry in sessions_dir.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed += 1
    if removed:
        log.warning("removed %d visit folder(s) left by a kiosk process that did not end cleanly",
                    removed)
    return removed
