"""The face page's live picture in the whole kiosk (a child process, real simulated camera):
it shows while the check runs, small, drawn inside the oval, and is gone after 返回首页; no
frame is written to disk."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from ui.bridges.face_preview import PREVIEW_WIDTH

CHILD = Path(__file__).with_name("face_preview_child.py")
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".ppm", ".npy"}


def test_the_face_page_shows_the_live_camera_and_drops_it_on_the_way_home(tmp_path: Path) -> None:
    data = tmp_path / "data"
    done = subprocess.run([sys.executable, str(CHILD), str(data)],
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["shown"] and seen["drawn"]
    assert 0 < seen["width"] <= PREVIEW_WIDTH and seen["height"] > 0
    assert seen["after_wipe"] == "" and seen["dropped"] and seen["screen"] == "AttractScreen"
    written = [p for p in data.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES]
    assert written == [], written          # the frames lived in memory only
