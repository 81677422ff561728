"""Time from process start to the first frame of Main.qml, against an empty Qt Quick window.

Two results against the same floor:

- ``cold_start``: a process that builds a session and the window (the UI's own start);
- ``cold_start_kiosk``: the whole kiosk as systemd starts it (``ui.main.run_gui``: settings, the
  outbox, the devices on their simulators, the platform client, then the window), timed to the
  ``READY=1`` it sends on ``$NOTIFY_SOCKET`` once the start page is painted. Its platform is a
  separate one already running on loopback, as a county's is, not the demo's embedded one.

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
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.result import Result, emit  # noqa: E402
from central.testing import running_platform  # noqa: E402
from kiosk.platform import identity  # noqa: E402

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


KIOSK_CHILD = r"""
import sys
from pathlib import Path
sys.path.insert(0, sys.argv[2])
from kiosk.config import settings
from ui.main import run_gui
sys.exit(run_gui(settings.load(Path(sys.argv[1]))))
"""


def kiosk_sample(config: Path, notify: Path) -> float:
    """Start the whole kiosk on ``config`` and time it to its READY=1; then stop it."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NOTIFY_SOCKET=str(notify))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("WATCHDOG_USEC", None)
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        notify.unlink(missing_ok=True)
        sock.bind(str(notify))
        sock.settimeout(120)
        start = time.monotonic()
        child = subprocess.Popen([sys.executable, "-c", KIOSK_CHILD, str(config), str(ROOT)],
                                 env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        took = None
        try:
            while b"READY=1" not in sock.recv(4096):
                pass
            took = time.monotonic() - start
        except TimeoutError:
            pass
        finally:
            child.terminate()
            _, err = child.communicate(timeout=60)
    if took is None or child.returncode not in (0, -15):
        raise RuntimeError(f"the kiosk {'never said READY=1' if took is None else 'failed'} "
                           f"(exit {child.returncode}): {err.decode()[-3000:]}")
    return took


@contextmanager
def county_platform(work: Path) -> Iterator[Path]:
    """A platform on loopback with this kiosk registered, and the kiosk's settings for it."""
    data = work / "kiosk"
    with running_platform(work / "central") as platform:
        key = identity.load_or_create(data / "identity" / "kiosk.key")
        config = work / "kiosk.toml"
        config.write_text(platform.kiosk_settings("kiosk-bench-start", key.public_key(), data),
                          encoding="utf-8")
        yield config


def sample(kind: str) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)    # a second boot has its bytecode (docstring)
    start = time.time()
    out = subprocess.run([sys.executable, "-c", CHILD, kind, repr(start), str(ROOT)],
                         capture_output=True, text=True, env=env, timeout=120, check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main(runs: int = 5) -> None:
    empty, main_qml, whole = [], [], []
    with tempfile.TemporaryDirectory() as tmp, county_platform(Path(tmp)) as config:
        notify = Path(tmp) / "notify.sock"
        # Untimed: bytecode, the QML cache and the kiosk's data directory as after a first boot.
        sample("empty"), sample("main"), kiosk_sample(config, notify)
        for _ in range(runs):          # interleaved, so load on the machine hits all alike
            empty.append(sample("empty"))
            main_qml.append(sample("main"))
            whole.append(kiosk_sample(config, notify))
    e, m, k = (statistics.median(x) for x in (empty, main_qml, whole))
    print(f"empty Qt Quick window (floor): median {e * 1000:.0f} ms over {runs} runs")
    print(f"Main.qml (start page):          median {m * 1000:.0f} ms over {runs} runs")
    print(f"whole kiosk to READY=1:         median {k * 1000:.0f} ms over {runs} runs")
    print(f"ratio Main.qml / floor: {m / e:.2f}x; whole kiosk / floor: {k / e:.2f}x")
    emit(Result("cold_start_kiosk", k * 1e3, "ms", target=1.5, baseline=e * 1e3))
    emit(Result("cold_start", m * 1e3, "ms", target=1.5, baseline=e * 1e3))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
