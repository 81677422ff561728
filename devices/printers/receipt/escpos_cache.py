"""Where python-escpos keeps its capabilities pickle: one private folder, not a new temp dir.

python-escpos 3.1 reads ``ESCPOS_CAPABILITIES_PICKLE_DIR`` when it is first imported, and it
calls ``mkdtemp()`` for the default even when the variable is set: every start of the kiosk left
a temporary folder behind (with a 70 KB pickle when unset), and loading a pickle from a folder
others could write would be unsafe. Importing this module first (this package's modules do)
points escpos at a folder owned by this user only and lets its import make no temporary folder.
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

VARIABLE = "ESCPOS_CAPABILITIES_PICKLE_DIR"


def _private_folder() -> Path:
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    candidates = (base / "registration-kiosk" / "escpos",
                  Path(tempfile.gettempdir()) / f"registration-kiosk-escpos-{os.getuid()}")
    for folder in candidates:
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            st = folder.stat()
            if st.st_uid == os.getuid() and not st.st_mode & 0o022 and os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    return Path(tempfile.mkdtemp(prefix="registration-kiosk-escpos-"))   # last resort


if VARIABLE not in os.environ:
    os.environ[VARIABLE] = str(_private_folder())
_mkdtemp = tempfile.mkdtemp
tempfile.mkdtemp = lambda *a, **k: os.environ[VARIABLE]   # escpos's eager default, only here
try:
    import escpos.capabilities  # noqa: E402,F401 - imported now, with no temporary folder
finally:
    tempfile.mkdtemp = _mkdtemp
