"""Importing the receipt encoder (and with it python-escpos) leaves no new temporary folder behind
(python-escpos would make one with a capabilities pickle on every import), and the pickle sits in
a private folder."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def test_each_import_reuses_one_private_folder(tmp_path: Path) -> None:
    tmp, cache = tmp_path / "tmp", tmp_path / "cache"
    tmp.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "ESCPOS_CAPABILITIES_PICKLE_DIR"}
    env.update(TMPDIR=str(tmp), XDG_CACHE_HOME=str(cache))
    for _ in range(3):
        subprocess.run([sys.executable, "-c", "import devices.printers.receipt.encoder"], cwd=ROOT,
                       env=env, check=True, timeout=60)
    assert list(tmp.iterdir()) == []
    folder = cache / "registration-kiosk" / "escpos"
    assert [p.name.endswith(".capabilities.pickle") for p in folder.iterdir()] == [True]
    assert folder.stat().st_mode & 0o077 == 0
