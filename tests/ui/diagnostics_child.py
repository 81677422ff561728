"""A kiosk with its window, driven into the diagnostics mode and through every page.

Run as ``python tests/ui/diagnostics_child.py DATA_DIR OUT_DIR``. A finger taps the header's
corner five times, enters the PIN on the pad, opens each page, runs its test (the card placed
and the printer's paper taken out over the simulators' control channels), grabs a PNG of each
page into OUT_DIR, leaves, and prints one JSON line per step, then a last line with what the
start page shows after leaving.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from argon2 import PasswordHasher  # noqa: E402

from devices.simcontrol import send  # noqa: E402
from kiosk import logs  # noqa: E402
from kiosk.config.settings import DiagnosticsSettings, Settings  # noqa: E402
from ui.main import kiosk_with_ui  # noqa: E402
from ui.robot import Robot  # noqa: E402

PIN = "246810"


def main() -> None:
    data, out = Path(sys.argv[1]), Path(sys.argv[2])
    pin_hash = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1).hash(PIN)
    settings = Settings(data_dir=data, diagnostics=DiagnosticsSettings(pin_hash=pin_hash))
    logs.configure(data)
    with kiosk_with_ui(settings, keyboard=False, tick=False) as (kiosk, ui):
        robot, d = Robot(ui), ui.diagnostics
        robot.wait(lambda: all(h.usable for h in kiosk.manager.all_health()), "every device up")

        def say(**fields: object) -> None:
            print(json.dumps(fields, ensure_ascii=False), flush=True)

        def settled() -> bool:
            return d.busy == "" and d.wait_idle()

        for _ in range(5):
            robot.tap("diagnosticsCorner")
        say(step="gesture", state=d.state)
        robot.grab(out / "00-pin.png")
        for key in "1357":                      # a wrong PIN first
            robot.tap(f"pinKey{key}")
        robot.tap("pinKeyok")
        say(step="wrong-pin", state=d.state, message=d.pinMessage)
        robot.grab(out / "01-pin-wrong.png")
        for key in PIN:
            robot.tap(f"pinKey{key}")
        robot.tap("pinKeyok")
        say(step="pin", state=d.state, blocked=kiosk.session.why_not_start())
        send(kiosk.devices.controls["idcard"], "place resident_valid")
        for n, page in enumerate(["report", "reader", "camera", "receipt", "licence", "network",
                                  "queue", "config", "system", "log"], 2):
            robot.tap(f"diagPage_{page}")
            robot.wait(settled, f"the {page} page's checks")
            action = {"reader": "diagTestRead", "receipt": "diagTestPrint",
                      "licence": "diagLicenceTestPage", "queue": "diagForceSync"}.get(page)
            if action:
                robot.tap(action)
                robot.wait(settled, f"{action} to finish")
            if page == "camera":
                robot.wait(lambda: d.preview != "" and d.previewInfo.get("fps", 0) > 0
                           and robot.find("cameraPreview").property("implicitWidth") > 0,
                           "a preview drawn, with its frame rate")
            robot.grab(out / f"{n:02d}-{page}.png")
            say(step=page, results=d.results, checks=len(d.report.get("checks", [])),
                preview=bool(d.preview), info=d.previewInfo)
        send(kiosk.devices.controls["receipt_printer"], "state paper_out")
        kiosk.manager.poll_once()
        robot.tap("diagPage_receipt")
        robot.wait(settled, "the receipt page with paper out")
        robot.tap("diagTestPrint")
        robot.wait(settled, "the test print with paper out")
        robot.grab(out / "12-receipt-paper-out.png")
        say(step="paper-out", result=d.results.get("testPrint"))
        robot.tap("diagLeave")
        robot.settle()
        robot.grab(out / "13-left.png")
        say(step="left", state=d.state, screen=ui.session.screen,
            startBlocked=ui.session.startBlocked, endedMessage=ui.session.endedMessage,
            audit=[line.split('"event":"')[1].split('"')[0]
                   for line in settings.audit_path.read_text().splitlines()])


if __name__ == "__main__":
    main()
