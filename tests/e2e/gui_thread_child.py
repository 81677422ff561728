"""A kiosk whose receipt printer never answers, and a 16 ms timer on the GUI thread.

Run as ``python tests/e2e/gui_thread_child.py DATA_DIR``. One scripted visit on the real window;
while the done page waits for the printer (the person has submitted; the receipt is printing)
the timer's ticks are recorded. Prints one JSON line: the longest and the median gap between ticks
while the print waited, how many ticks that was, and how the receipt ended.
"""
from __future__ import annotations

import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from devices.simcontrol import send  # noqa: E402
from kiosk.config.settings import Settings  # noqa: E402
from ui.main import kiosk_with_ui  # noqa: E402
from ui.qt import QTimer  # noqa: E402
from ui.scripted_visit import ScriptedVisit  # noqa: E402


def main() -> None:
    settings = Settings(data_dir=Path(sys.argv[1]))
    with kiosk_with_ui(settings, keyboard=False, tick=False) as (kiosk, ui):
        send(kiosk.devices.controls["receipt_printer"], "silent")
        ticks: list[float] = []

        def tick() -> None:
            o = ui.session.outcome
            if o and o.get("receipt") == "printing":
                ticks.append(time.monotonic())

        timer = QTimer()
        timer.setInterval(16)
        timer.timeout.connect(tick)
        timer.start()
        report = ScriptedVisit(kiosk, ui, None).run("natural_person_llc")
        timer.stop()
        gaps = [b - a for a, b in zip(ticks[5:], ticks[6:])]   # after the done page is built
        print(json.dumps({"max_gap_ms": round(max(gaps) * 1000, 1) if gaps else None,
                          "median_gap_ms": round(statistics.median(gaps) * 1000, 1) if gaps else None,
                          "ticks": len(ticks), "seconds": round(ticks[-1] - ticks[0], 2),
                          "outcome": report.outcome}))


if __name__ == "__main__":
    main()
