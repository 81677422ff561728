"""The GUI thread never waits for a device: with the receipt printer silent, the window keeps
turning while the print waits (the visit coordinator prints on its own thread)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

CHILD = Path(__file__).with_name("gui_thread_child.py")


def test_a_silent_printer_does_not_stop_the_window(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, str(CHILD), str(tmp_path / "data")],
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["outcome"] == "approved"
    assert result["seconds"] >= 1.0, result           # the print really waited for the printer
    assert result["ticks"] >= 40, result              # ~60 a second while it waited
    assert result["max_gap_ms"] < 50, result          # a 16 ms timer still fired within 50 ms
