"""Time from process start to the first frame of Main.qml, against an empty Qt Quick window.

Each sample is a fresh Python process (offscreen) that builds its window and stops the clock
when the window's first frame is swapped (``frameSwapped``). The floor is the same process
showing an empty ``Window {}``; both pay Python, PySide6 and Qt start-up, so the ratio is
what the kiosk's own QML, bridges and catalogues add. Prints the medians and their ratio.

Both sides are timed as on a kiosk's second boot: one untimed run of each first writes Python's
bytecode (``__pycache__``, even when the caller's environment sets ``PYTHONDONTWRITEBYTECODE``,
which would make only the kiosk's side compile its modules from source on every run: the floor
has none) and Qt's QML disk cache (``~/.cache/<app>/qmlcache``, on by default), as an installed
kiosk has them from its first start on.

    python bench/ui_startup.py [runs]
"""
from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.result import Result, emit  # noqa: E402

CHILD = r"""
import os, sys, time
t0 = float(sys.argv[2])
sys.path.insert(0, sys.argv[3])
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
app = QGuiApplication([])
done = []
def first_frame():
    # May run on the render thread: only note the time; the GUI thread quits (poll below).
    if not done:
        done.append(time.time() - t0)
poll = QTimer()
poll.setInterval(2)
poll.timeout.connect(lambda: app.quit() if done else None)
poll.start()
if sys.argv[1] == "empty":
    from PySide6.QtQml import QQmlApplicationEngine
    engine = QQmlApplicationEngine()
    engine.loadData(b"import QtQuick\nWindow { width: 1080; height: 1920; visible: true }")
    window = engine.rootObjects()[0]
else:
    import tempfile
    from pathlib import Path
    from kiosk.flow.session import Session
    from ui.app import create_app
    from ui.bridges.session_bridge import EventRelay
    from kiosk.flow.session import NoSubmit
    relay = EventRelay()
    session = Session(NoSubmit(), Path(tempfile.mkdtemp()), listener=relay)
    ui = create_app(session, relay, keyboard=False)
    window = ui.window
window.frameSwapped.connect(first_frame, Qt.ConnectionType.DirectConnection)
window.update()
app.exec()
print(done[0])
"""


def sample(kind: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)    # a second boot has its bytecode (docstring)
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, kind, repr(start), str(ROOT)],
                         capture_output=True, text=True, env=env, timeout=120, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(runs: int = 5) -> None:
    empty, main_qml = [], []
    sample("empty"), sample("main")    # untimed: bytecode and QML caches as after a first boot
    for _ in range(runs):          # interleaved, so load on the machine hits both alike
        empty.append(sample("empty"))
        main_qml.append(sample("main"))
    e, m = statistics.median(empty), statistics.median(main_qml)
    print(f"empty Qt Quick window (floor): median {e * 1000:.0f} ms over {runs} runs")
    print(f"Main.qml (start page):          median {m * 1000:.0f} ms over {runs} runs")
    print(f"ratio Main.qml / floor: {m / e:.2f}x")
    emit(Result("cold_start", m * 1e3, "ms", target=1.5, baseline=e * 1e3))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
