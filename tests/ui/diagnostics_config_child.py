"""The diagnostics mode's configuration page on the real window, for one scenario of
``tests/kiosk/diagnostics/config_world.py`` in one orientation.

Run as ``python tests/ui/diagnostics_config_child.py TMP OUT SCENARIO portrait|landscape``. It
writes the scenario's data folder under TMP, starts the kiosk with its window, waits for the
configuration agent's first check, taps the corner five times, enters the PIN, opens the
configuration page, grabs it (``config-<scenario>-<orientation>.png``, and ``-end.png`` scrolled
to the end), and prints one JSON line: the page's rows, the layout problems, the report's
``config`` check, and the ``config`` that ``kiosk diag --json`` gets from this running kiosk.
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from argon2 import PasswordHasher  # noqa: E402

from kiosk import logs  # noqa: E402
from kiosk.config.settings import DiagnosticsSettings, parse  # noqa: E402
from tests.kiosk.diagnostics.config_world import prepare  # noqa: E402
from tests.ui import layout  # noqa: E402
from ui.main import LANDSCAPE, PORTRAIT, kiosk_with_ui  # noqa: E402
from ui.qt import QObject  # noqa: E402
from ui.robot import Robot  # noqa: E402

PIN = "246810"


def main() -> None:
    tmp, out, scenario, orientation = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
    config = prepare(tmp, scenario)
    os.environ["KIOSK_CONFIG"] = str(config)          # as kiosk.service starts it
    pin_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PIN)
    settings = parse(config.read_text(encoding="utf-8"), str(config))
    settings = settings.model_copy(update={"diagnostics": DiagnosticsSettings(pin_hash=pin_hash)})
    logs.configure(settings.data_dir)
    size = LANDSCAPE if orientation == "landscape" else PORTRAIT
    with kiosk_with_ui(settings, keyboard=False, tick=False, size=size) as (kiosk, ui):
        robot, d = Robot(ui), ui.diagnostics
        robot.wait(lambda: kiosk.config.wait_checked(0.05), "the configuration agent's first check")
        for _ in range(5):
            robot.tap("diagnosticsCorner")
        for key in PIN:
            robot.tap(f"pinKey{key}")
        robot.tap("pinKeyok")
        robot.tap("diagPage_config")
        robot.wait(lambda: d.busy == "" and d.wait_idle() and "config" in d.facts,
                   "the configuration page's facts")
        name = f"config-{scenario}-{orientation}"
        robot.grab(out / f"{name}.png")
        problems = layout.problems(robot.window)
        body = robot.window.findChild(QObject, "diagPageLoader").parentItem().parentItem()
        body.setProperty("contentY", max(0.0, body.property("contentHeight") - body.height()))
        robot.settle()
        robot.grab(out / f"{name}-end.png")
        problems += layout.problems(robot.window)
        robot.tap("diagPage_report")
        robot.wait(lambda: d.busy == "" and d.wait_idle() and "byName" in d.report,
                   "the readiness report")
        socket = kiosk.diagnostics.answer("report")["config"]     # what kiosk diag is told
        print(json.dumps({"config": d.facts["config"], "problems": problems,
                          "check": d.report["byName"]["config"], "socket": socket},
                         ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
