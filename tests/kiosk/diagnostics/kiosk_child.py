"""A running kiosk without a window, for ``kiosk diag`` to ask over its socket.

Run as ``python tests/kiosk/diagnostics/kiosk_child.py DATA_DIR``: starts the whole kiosk on
embedded defaults, prints one JSON line (the simulators' control channels) once every device
is up, and runs until its standard input closes.
"""
from __future__ import annotations

import json
import sys
import threading
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from kiosk.app import Kiosk  # noqa: E402
from kiosk.config.settings import Settings  # noqa: E402


def main() -> None:
    kiosk = Kiosk.start(Settings(data_dir=Path(sys.argv[1])))
    try:
        up = threading.Event()
        kiosk.manager.subscribe(lambda h: up.set() if all(
            x.usable for x in kiosk.manager.all_health()) else None)
        if not all(x.usable for x in kiosk.manager.all_health()):
            up.wait(30)
        print(json.dumps({"controls": kiosk.devices.controls}), flush=True)
        sys.stdin.read()
    finally:
        kiosk.stop()


if __name__ == "__main__":
    main()
