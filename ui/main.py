"""``kiosk run``: the kiosk on a screen, or, with no display, a scripted visit rendered to PNG.

Builds the core (``kiosk.app.Kiosk``), puts the UI on it and runs Qt's event loop. Device
threads reach the session only through ``post``, which here queues the call to the GUI thread.
"""
from __future__ import annotations

import datetime as dt
import os
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from kiosk import procstats
from kiosk.app import Kiosk
from kiosk.config.settings import Settings
from kiosk.demo import DemoReport, run_demo
from kiosk.domain.samples import trade_name
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


@dataclass(frozen=True)
class Batch:
    """How the process stood after ``visits`` scripted visits (for soaks; no personal data)."""

    visits: int
    stats: procstats.ProcessStats
    sessions_left: int        # entries left in the sessions directory after the last wipe
    outbox: int               # submissions the outbox holds, whatever their state
    outcomes: dict[str, int]  # the platform's verdicts so far, by name

    def as_dict(self) -> dict:
        return {"visits": self.visits, **self.stats.as_dict(), "sessions_left": self.sessions_left,
                "outbox": self.outbox, "outcomes": self.outcomes}


def run_headless(settings: Settings, out: Path | None = None,
                 subject: str = "natural_person_llc", *, visits: int = 1, batch: int = 25,
                 on_batch: Callable[[Batch], None] | None = None) -> tuple[Path, DemoReport]:
    """Scripted visits offscreen, one after another in this process.

    The first visit's screens, receipt and licence go to the folder returned; later visits
    leave no pictures (a soak). After every ``batch`` visits, and after the last, ``on_batch``
    hears how the process stands. Returns the folder and the last visit's report.
    """
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from ui.app import create_app
    from ui.render import grab, settle
    out = out or Path("out") / f"demo-{dt.datetime.now():%Y%m%d-%H%M%S}"
    screens = out / "screens"
    screens.mkdir(parents=True, exist_ok=True)
    relay = EventRelay()
    kiosk = Kiosk(settings, listeners=[relay]).start()
    outcomes: Counter[str] = Counter()
    try:
        ui = create_app(kiosk.session, relay, keyboard=False, tick=False, demo=True)

        def shot(step: str, n: int) -> None:
            ui.session.refresh()
            grab(ui, screens / f"{n:02d}-{step}.png")

        def turn(step: str, n: int) -> None:   # a page without a picture: let Qt do its work
            ui.session.refresh()
            settle(ui)

        for n in range(visits):
            report = run_demo(kiosk, out, subject=subject, snapshot=shot if n == 0 else turn,
                              trade=trade_name(n))
            outcomes[report.remote_status or "unsynced"] += 1
            if n == 0:
                ui.session.refresh()
                grab(ui, screens / "99-ended.png")
            if on_batch and ((n + 1) % batch == 0 or n + 1 == visits):
                settle(ui)
                on_batch(Batch(n + 1, procstats.current(), len(list(settings.sessions_dir.iterdir())),
                               sum(kiosk.outbox.summary().counts.values()), dict(outcomes)))
        return out, report
    finally:
        kiosk.stop()
