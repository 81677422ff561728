"""A kiosk on its real window (``ui.main.run_gui``, offscreen) under a pretend systemd.

Run as ``python tests/e2e/watchdog_child.py DATA_DIR`` with ``NOTIFY_SOCKET`` and
``WATCHDOG_USEC`` set. Lines on stdin steer it: ``block`` makes the GUI thread stop in a slot
(it prints ``blocked`` first) until the next line arrives, the way a hung window would;
``quit`` closes the window. Everything else is the kiosk's own.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from PySide6.QtCore import QSocketNotifier  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402

from kiosk.config.settings import Settings  # noqa: E402
from ui.main import run_gui  # noqa: E402


def main() -> int:
    app = QGuiApplication([])
    stdin = QSocketNotifier(0, QSocketNotifier.Type.Read)

    def command() -> None:
        line = os.read(0, 256)
        if b"block" in line:
            print("blocked", flush=True)
            os.read(0, 256)          # the GUI thread waits here: no event is handled
            print("unblocked", flush=True)
        elif b"quit" in line or not line:
            app.quit()

    stdin.activated.connect(command)
    return run_gui(Settings(data_dir=Path(sys.argv[1])))


if __name__ == "__main__":
    sys.exit(main())
