"""Every diagnostics page on the real window, offscreen, in a process of its own (QML
singletons register once per process): the gesture, a wrong PIN, the right one, each page and
its test, the paper taken out, leaving; each page saved as a PNG."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from PySide6.QtGui import QImage

CHILD = Path(__file__).with_name("diagnostics_child.py")
PAGES = ["report", "reader", "camera", "receipt", "licence", "network", "queue", "config",
         "system", "log"]


def test_every_diagnostics_page_through_the_window(tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = subprocess.run([sys.executable, str(CHILD), str(tmp_path / "data"), str(out)],
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    steps = {s["step"]: s for s in map(json.loads, done.stdout.strip().splitlines())}
    assert steps["gesture"]["state"] == "pin"
    assert steps["wrong-pin"]["state"] == "pin" and "还可以再试4次" in steps["wrong-pin"]["message"]
    assert steps["pin"]["state"] == "open" and steps["pin"]["blocked"]     # no visit meanwhile
    assert all(steps[p]["checks"] == 13 for p in PAGES)
    results = steps["log"]["results"]
    assert results["testRead"]["title"] == "读卡成功：居民身份证"
    assert results["testPrint"]["ok"] and results["licenceTestPage"]["ok"] and results["sync"]["ok"]
    camera = steps["camera"]
    assert camera["preview"] and camera["info"]["faces"] == 1 and camera["info"]["fps"] > 0
    assert steps["paper-out"]["result"]["data"]["status"] == "paper_out"
    left = steps["left"]
    assert left["state"] == "closed" and left["screen"] == "AttractScreen"
    assert left["startBlocked"] == "" and left["endedMessage"] == ""       # a clean start page
    assert left["audit"][:3] == ["diagnostics-pin-refused", "diagnostics-pin-accepted",
                                 "diagnostics-entered"]
    assert left["audit"][-1] == "diagnostics-left" and "device-fault" in left["audit"]
    pngs = sorted(p.name for p in out.glob("*.png"))
    assert len(pngs) == 14 and all(f"-{p}.png" in " ".join(pngs) for p in PAGES)
    for png in out.glob("*.png"):
        image = QImage(str(png))
        assert (image.width(), image.height()) == (1080, 1920), png
    # The camera page shows the picture: many distinct colours, not an empty frame.
    shot = QImage(str(out / "04-camera.png"))
    colours = {shot.pixel(x, y) for x in range(100, 1000, 37) for y in range(700, 1400, 37)}
    assert len(colours) > 100
