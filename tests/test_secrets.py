"""A new key file is written whole or not at all, private from its first byte, and never
overwrites one that is there (contract.secrets, used by the kiosk, the queue and the platform)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from contract.secrets import create_secret
from kiosk.platform import identity

ROOT = Path(__file__).resolve().parents[1]


def test_a_secret_is_created_private_and_never_replaced(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "a.key"
    assert create_secret(path, b"k" * 32)
    assert path.read_bytes() == b"k" * 32 and (path.stat().st_mode & 0o777) == 0o600
    assert not create_secret(path, b"x" * 32)
    assert path.read_bytes() == b"k" * 32
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.key"]   # no temporary left


def test_a_kiosk_killed_while_making_its_key_leaves_none_or_a_whole_one(tmp_path: Path) -> None:
    # Kill first starts at many points; each time the key file is absent or 32 bytes, and the
    # next start reads it or makes it.
    code = ("import sys; sys.path.insert(0, %r); from pathlib import Path; "
            "from kiosk.platform import identity; import time; "
            "[identity.load_or_create(Path(sys.argv[1]) / f'k{i}.key') for i in range(400)]"
            % str(ROOT))
    for trial in range(6):
        folder = tmp_path / f"t{trial}"
        folder.mkdir()
        child = subprocess.Popen([sys.executable, "-c", code, str(folder)])
        while not any(folder.iterdir()) and child.poll() is None:
            pass                                   # until it has begun writing keys
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
        for key in folder.glob("*.key"):
            assert key.stat().st_size == 32, key.name
            identity.load_or_create(key)
