"""Emit Qt signals many times and report what happened to the reference counts of True/False.

Run as ``python tests/ui/refcount_child.py EMITS``; prints one JSON line per way of emitting:
``{"case": ..., "true_before": n, "true_after": n, "false_before": n, "false_after": n}``.
Its own process, because the defect it looks for (PySide6 6.12.0 on CPython 3.11 drops a
reference to True on every ``emit``) ends in ``Fatal Python error: bool_dealloc`` abort, which
must fail one test rather than take down a test worker.
"""
from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import Property, QObject, QUrl, Signal  # noqa: E402
from PySide6.QtGui import QGuiApplication  # noqa: E402
from PySide6.QtQml import QQmlComponent, QQmlEngine  # noqa: E402


class Emitter(QObject):
    bare = Signal()
    flag = Signal(bool)
    text = Signal(str)
    valueChanged = Signal()

    def __init__(self) -> None:
        super().__init__()
        self._value = False

    def _get(self) -> bool:
        return self._value

    def _set(self, value: bool) -> None:
        if value != self._value:
            self._value = value
            self.valueChanged.emit()

    value = Property(bool, _get, _set, notify=valueChanged)


def measure(case: str, n: int, emit: Callable[[int], None]) -> None:
    true_before, false_before = sys.getrefcount(True), sys.getrefcount(False)
    for i in range(n):
        emit(i)
    print(json.dumps({"case": case, "emits": n,
                      "true_before": true_before, "true_after": sys.getrefcount(True),
                      "false_before": false_before, "false_after": sys.getrefcount(False)}),
          flush=True)


def main() -> None:
    n = int(sys.argv[1])
    app = QGuiApplication([])
    o = Emitter()
    measure("no_receiver", n, lambda i: o.bare.emit())
    received: list[object] = []
    o.bare.connect(lambda: received.append(None) if len(received) < 1 else None)
    o.flag.connect(lambda v: None)
    o.text.connect(lambda v: None)
    measure("python_receiver", n, lambda i: o.bare.emit())
    measure("bool_argument", n, lambda i: o.flag.emit(i % 2 == 0))
    measure("str_argument", n, lambda i: o.text.emit("第一步"))
    measure("property_change", n, lambda i: setattr(o, "value", i % 2 == 0))

    # A property bound in QML: the path every bridge property takes on every page.
    engine = QQmlEngine()
    engine.rootContext().setContextProperty("source", o)  # a throwaway test scene, not the app
    component = QQmlComponent(engine)
    component.setData(b"import QtQuick\nItem { property bool seen: source.value }", QUrl())
    item = component.create()
    assert item is not None, component.errorString()
    measure("qml_binding", n, lambda i: setattr(o, "value", i % 2 == 0))

    # The session bridge itself: elderly on and off re-reads the session and emits changes.
    from kiosk.flow.session import Session
    from ui.bridges.session_bridge import SessionBridge
    from kiosk.flow.session import NoSubmit
    import tempfile
    bridge = SessionBridge(Session(NoSubmit(), Path(tempfile.mkdtemp())), tick=False)
    measure("session_bridge", n, lambda i: bridge.setElderly(i % 2 == 0))
    app.processEvents()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
