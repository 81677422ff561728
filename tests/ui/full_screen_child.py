"""The real kiosk window on a screen of a given size: shown as ``kiosk run`` shows it.

Run as ``QT_QPA_PLATFORM=offscreen:configfile=SCREENS.json python tests/ui/full_screen_child.py
DATA_DIR full|windowed``, where SCREENS.json gives Qt's offscreen platform one screen. Prints one
JSON line: the screen's size, the window's size and visibility, and the layout problems on the
start page and on the card page (``tests/ui/layout.py``).
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kiosk.config.settings import Settings  # noqa: E402
from tests.ui import layout  # noqa: E402
from ui.main import kiosk_with_ui, show_window  # noqa: E402
from ui.robot import Robot  # noqa: E402


def main() -> None:
    settings = Settings(data_dir=Path(sys.argv[1]), full_screen=sys.argv[2] == "full")
    with kiosk_with_ui(settings, keyboard=False, tick=False) as (_, ui):
        show_window(ui.window, full_screen=settings.full_screen)
        robot = Robot(ui)
        robot.wait(lambda: robot.showing("start_individual_business"), "the devices to be ready")
        robot.look()
        start = layout.problems(ui.window)
        robot.tap("start_individual_business")
        robot.look()
        card = layout.problems(ui.window)
        screen = ui.window.screen().geometry()
        print(json.dumps({"screen": [screen.width(), screen.height()],
                          "window": [ui.window.width(), ui.window.height()],
                          "visibility": ui.window.visibility().name,
                          "problems": start + card, "step": ui.session.step}))


if __name__ == "__main__":
    main()
