"""The whole kiosk with its window: the face page shows the camera's live picture, mirrored,
from the frames the face check reads; 返回首页 wipes the visit and drops the picture.

Run as ``python tests/ui/face_preview_child.py DATA_DIR`` (a child process: the QML
singletons register once per process). Prints one JSON line of what it saw; the data folder
is left for the test to search for frames written to disk.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devices.manager import IDCARD  # noqa: E402
from devices.simcontrol import send  # noqa: E402
from kiosk.config.settings import Settings  # noqa: E402
from ui.main import kiosk_with_ui  # noqa: E402
from ui.qt import QColor, QPointF, QSize  # noqa: E402
from ui.robot import Robot  # noqa: E402


def main() -> None:
    settings = Settings(data_dir=Path(sys.argv[1]))
    with kiosk_with_ui(settings, keyboard=False, tick=False) as (kiosk, ui):
        robot, face, bridge = Robot(ui), ui.face, ui.session
        robot.wait(lambda: robot.showing("start_individual_business"), "the devices")
        robot.tap("start_individual_business")
        send(kiosk.devices.controls[IDCARD], "place resident_valid")
        robot.wait(lambda: bridge.step == "confirm_identity", "the card")
        robot.tap("confirmIdentity")
        robot.wait(lambda: bridge.step == "face" and face.source != "", "a live picture")
        shown = robot.showing("facePreview")
        picture = face.images.requestImage("x", QSize(), QSize())
        oval = robot.find("faceOval")
        centre = oval.mapToScene(QPointF(oval.width() / 2, oval.height() / 2)).toPoint()
        seen = QColor(ui.window.grabWindow().pixel(centre))
        surface = QColor("#f3f5f8")                         # Theme.surface: no picture
        robot.tap("homeButton")
        robot.tap("confirmHome")
        robot.wait(lambda: face.source == "", "the picture to go")
        print(json.dumps({
            "shown": shown, "width": picture.width(), "height": picture.height(),
            "drawn": seen.name() != surface.name(), "after_wipe": face.source,
            "dropped": face.images.requestImage("x", QSize(), QSize()).isNull(),
            "screen": bridge.screen}))


if __name__ == "__main__":
    main()
