"""The real kiosk, started on a settings file with a ``[screen]`` section: how its idle start
page drifts. Run as ``python tests/ui/burn_in_child.py SETTINGS.toml STEPS``; advances the
drift STEPS times (as its minute timer would) and prints one JSON line: the drift's sizes as
the window has them, whether it is active, and the header's offsets after each step."""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.config import settings  # noqa: E402
from ui.main import kiosk_with_ui  # noqa: E402
from ui.qt import QObject, QPointF  # noqa: E402
from ui.robot import Robot  # noqa: E402


def main() -> None:
    with kiosk_with_ui(settings.load(Path(sys.argv[1])), keyboard=False, tick=False) as (_, ui):
        robot = Robot(ui)
        robot.wait(lambda: robot.showing("start_individual_business"), "the start page")
        drift = ui.window.findChild(QObject, "burnIn")
        header = ui.window.findChild(QObject, "header")
        offsets = []
        for _ in range(int(sys.argv[2])):
            drift.advance()
            robot.settle()
            at = header.mapToScene(QPointF(0, 0))
            offsets.append([at.x(), at.y()])
        print(json.dumps({name: drift.property(name)
                          for name in ("active", "maxShift", "idleSteps", "stepMs")}
                         | {"offsets": offsets}))


if __name__ == "__main__":
    main()
