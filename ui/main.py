"""``kiosk run``: the kiosk on a screen, or, with no display, a scripted visit rendered to PNG.

Builds the core (``kiosk.app.Kiosk``), puts the UI on it and runs Qt's event loop. Device
threads reach the session only through ``post``, which here queues the call to the GUI thread.
"""
from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

from kiosk.app import Kiosk
from kiosk.config.settings import Settings
from kiosk.demo import DemoReport, run_demo
from ui.bridges.session_bridge import EventRelay
from ui.qt import QObject, Qt, Signal


class _GuiPost(QObject):
    """Runs callables posted from any thread on the thread that owns this object."""

    called = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.called.connect(lambda fn: fn(), Qt.ConnectionType.QueuedConnection)

    def __call__(self, fn: Callable[[], None]) -> None:
        self.called.emit(fn)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and \
        os.environ.get("QT_QPA_PLATFORM", "") != "offscreen"


def run_gui(settings: Settings) -> int:
    from ui.app import create_app
    relay = EventRelay()
    kiosk = Kiosk(settings, listeners=[relay])
    try:
        kiosk.start()
        ui = create_app(kiosk.session, relay)
        kiosk.post = _GuiPost()
        kiosk.pump()                       # anything posted before the loop existed
        ui.window.showFullScreen()
        return ui.app.exec()
    finally:
        kiosk.stop()


def run_headless(settings: Settings, out: Path | None = None,
                 subject: str = "natural_person_llc") -> tuple[Path, DemoReport]:
    """A scripted visit offscreen; returns the folder with the screens, receipt and licence."""
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ui.app import create_app
    from ui.render import grab
    out = out or Path("out") / f"demo-{dt.datetime.now():%Y%m%d-%H%M%S}"
    screens = out / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    relay = EventRelay()
    kiosk = Kiosk(settings, listeners=[relay]).start()
    try:
        ui = create_app(kiosk.session, relay, keyboard=False, tick=False, demo=True)

        def shot(step: str, n: int) -> None:
            ui.session.refresh()
            grab(ui, screens / f"{n:02d}-{step}.png")

        report = run_demo(kiosk, out, subject=subject, snapshot=shot)
        ui.session.refresh()
        grab(ui, screens / "99-ended.png")
        return out, report
    finally:
        kiosk.stop()
