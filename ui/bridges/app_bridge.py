"""``AppBridge``: facts about this kiosk's UI that are not the person's session, as ``Kiosk.App``.

Whether the on-screen keyboard is installed, and whether the UI runs as a demo. Constants
for the life of the process; it holds no session data and no rules.
"""
from __future__ import annotations

from ui.qt import Property, QObject, Signal


class AppBridge(QObject):
    changed = Signal()  # constants: declared so QML bindings do not warn

    def __init__(self, *, keyboard: bool, demo: bool = False,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._keyboard = keyboard
        self._demo = demo

    @Property(bool, notify=changed)
    def keyboard(self) -> bool:
        return self._keyboard

    @Property(bool, notify=changed)
    def demo(self) -> bool:
        return self._demo
