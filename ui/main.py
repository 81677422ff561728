"""``kiosk run``: the kiosk on a screen, or, with no display, scripted visits rendered to PNG.

Builds the core (``kiosk.app.Kiosk``) with ``post`` running calls on the GUI thread, puts the
UI on its session and runs Qt's event loop (``run_gui``, which feeds systemd's watchdog from
that loop: ``ui.watchdog``), or plays scripted visits on the same
real window offscreen (``run_headless``): one visit with its pictures and paper, or many in one
process as a soak, reporting how the process stands every batch.
"""
from __future__ import annotations

import datetime as dt
import os
import signal
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from kiosk import procstats
from kiosk.app import Kiosk
from kiosk.config.settings import Settings
from kiosk.diagnostics.mode import ModeState
from kiosk.flow.session import Phase
from kiosk.sdnotify import Notifier
from kiosk.domain.samples import trade_name
from kiosk.visit.paper import HallTexts
from ui.app import KioskUi, create_app, prepare_environment
from ui.bridges.diagnostics_bridge import DiagnosticsBridge
from ui.bridges.session_bridge import EventRelay
from ui.qt import QGuiApplication, QObject, QQuickWindow, Qt, QTimer, Signal
from ui.scripted_services import Announce, ScriptedServices
from ui.scripted_visit import ScriptedVisit, VisitReport
from ui.stop_signals import QuitOnSignals
from ui.watchdog import GuiWatchdog

PORTRAIT, LANDSCAPE = (1080, 1920), (1920, 1080)
# What ``kiosk run --headless --service`` plays (after a filing where the service needs one).
SERVICES = ("register", "status-card", "status-number", "status-qr", "licence", "guide",
            "rating", "help")


class GuiPost(QObject):
    """Runs callables posted from any thread on the thread that owns this object (the GUI's)."""

    called = Signal(object)

    def __init__(self) -> None:
        super().__init__()
        self.called.connect(lambda fn: fn(), Qt.ConnectionType.QueuedConnection)

    def __call__(self, fn: Callable[[], None]) -> None:
        self.called.emit(fn)


def has_display() -> bool:
    return bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")) and \
        os.environ.get("QT_QPA_PLATFORM", "") != "offscreen"


@contextmanager
def kiosk_with_ui(settings: Settings, *, keyboard: bool | None = None, tick: bool = True,
                  size: tuple[int, int] = PORTRAIT) -> Iterator[tuple[Kiosk, KioskUi]]:
    """A started kiosk with its window; everything stops when the block ends."""
    prepare_environment(keyboard=keyboard)          # before the application exists
    QGuiApplication.instance() or QGuiApplication([])
    relay = EventRelay()
    kiosk = Kiosk.start(settings, post=GuiPost(), listeners=[relay])
    diagnostics = DiagnosticsBridge(kiosk.diagnostics, kiosk.mode, tick=tick)
    ui: KioskUi | None = None
    try:
        ui = create_app(kiosk.session, relay, keyboard=keyboard, tick=tick, size=size,
                        texts=HallTexts(settings.hall, settings.hotline, settings.tracking_url),
                        diagnostics=diagnostics, voice=kiosk.settings.voice,
                        screen=kiosk.settings.screen)
        kiosk.coordinator.show_frames_to(ui.face.show)     # the face page's live picture
        if ui.names is not None:
            ui.names.use(kiosk.names)                      # the name page's platform check
        kiosk.commit_software()          # the window is up: a release on trial is kept
        yield kiosk, ui
    finally:
        kiosk.coordinator.show_frames_to(None)
        if ui is not None:
            ui.voice.shutdown()
        diagnostics.shutdown()
        kiosk.stop()


#: ``run_gui``'s exit code when a configuration bundle was applied: start again on it.
EXIT_CONFIG_APPLIED = 75


_PHASE_STATUS = {Phase.IDLE: "ready: start page", Phase.ACTIVE: "visit in progress",
                 Phase.WARNING: "visit in progress: idle warning",
                 Phase.FINISHED: "visit finished: done page"}


def kiosk_status(kiosk: Kiosk) -> str:
    """A short state for systemd's ``STATUS=`` (``systemctl status kiosk``); nothing personal."""
    if kiosk.mode.state is not ModeState.CLOSED:
        return "diagnostics mode: a technician is working"
    if kiosk.maintenance is not None and kiosk.maintenance.blocks_visits:
        return "nightly maintenance"
    return _PHASE_STATUS.get(kiosk.session.phase, kiosk.session.phase.value)


def show_window(window: QQuickWindow, *, full_screen: bool) -> None:
    """Show the kiosk window filling the screen it is on (``full_screen``), or as a window of
    that screen's available size: never a fixed size that would run off a smaller panel or
    leave a bigger one half empty. The layout follows the window's shape (Main.qml)."""
    if full_screen:
        window.showFullScreen()
        return
    window.setGeometry(window.screen().availableGeometry())
    window.show()


def run_gui(settings: Settings, *, notifier: Notifier | None = None) -> int:
    """The kiosk full screen until it quits. Every few seconds while no visit is going on, a
    staged configuration bundle is applied; the window then closes with
    ``EXIT_CONFIG_APPLIED`` and the command starts again on the new bundle. Under systemd
    (``$NOTIFY_SOCKET``) it says ``READY=1`` once the start page is painted and pings the
    watchdog from this event loop while it turns. SIGTERM (systemd's stop) and SIGINT end the
    loop as a quit does (exit 0), so the kiosk stops whole: a visit's files go with it."""
    with kiosk_with_ui(settings) as (kiosk, ui), QuitOnSignals(ui.app) as signals:
        show_window(ui.window, full_screen=settings.full_screen)
        watchdog = GuiWatchdog(ui.window, notifier or Notifier.from_environ(),
                               lambda: kiosk_status(kiosk))
        watchdog.start()
        between = QTimer()
        between.timeout.connect(
            lambda: kiosk.between_visits() is not None and ui.app.exit(EXIT_CONFIG_APPLIED))
        between.start(5000)
        code = ui.app.exec()
        watchdog.stop("restarting on a new configuration" if code == EXIT_CONFIG_APPLIED
                      else f"stopping on {signal.Signals(signals.received).name}"
                      if signals.received else "stopping")
        return code


@dataclass(frozen=True)
class Batch:
    """How the process stood after ``visits`` scripted visits (for soaks; no personal data)."""

    visits: int
    stats: procstats.ProcessStats
    sessions_left: int        # entries left in the sessions directory after the last wipe
    outbox: int               # submissions the outbox holds, whatever their state
    outcomes: dict[str, int]  # what the people were told, by outcome

    def as_dict(self) -> dict:
        return {"visits": self.visits, **self.stats.as_dict(), "sessions_left": self.sessions_left,
                "outbox": self.outbox, "outcomes": self.outcomes}


def run_headless(settings: Settings, out: Path | None = None,
                 subject: str = "natural_person_llc", *, offline: bool = False,
                 landscape: bool = False, elderly: bool = False, visits: int = 1,
                 batch: int = 25, on_batch: Callable[[Batch], None] | None = None,
                 between: Callable[[Kiosk, int], bool] | None = None, first_visit: int = 0,
                 service: str = "register", staff_pin: str = "",
                 announce: Announce | None = None,
                 card: str = "resident_valid", keep_name: bool = False
                 ) -> tuple[Path, VisitReport]:
    """Scripted visits offscreen, one after another in this process.

    The first visit's screens, receipt and licence go to the folder returned; later visits
    leave no pictures (a soak). After every ``batch`` visits, and after the last, ``on_batch``
    hears how the process stands. After each visit but the last, ``between(kiosk, visits
    done)`` may end the run early by returning True (a new configuration was applied and the
    kiosk must restart); ``first_visit`` numbers the visits of a run that continues one (each
    visit names its own business); ``card`` is the simulated person's card. Returns the folder
    and the last visit's report. A ``service`` other than "register" plays that citizen service
    once (``SERVICES``), after a filing of ``subject`` where it needs one (its pictures in
    ``out/<service>/``); "help" is a filing whose face check fails and that staff verify with
    ``staff_pin``. The first visit changes its 字号 when the name check says the name is
    taken, as a person would, unless ``keep_name``.
    """
    # Offscreen unless a platform is asked for: QT_QPA_PLATFORM=xcb under xvfb-run plays the
    # same visit on a real X window (tests/e2e/test_xvfb.py).
    if os.environ.get("QT_QPA_PLATFORM", "") in ("", "offscreen") or not has_display():
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    out = out or Path("out") / f"visit-{dt.datetime.now():%Y%m%d-%H%M%S}"
    out.mkdir(parents=True, exist_ok=True)
    outcomes: Counter[str] = Counter()
    with kiosk_with_ui(settings, keyboard=False, tick=False,
                       size=LANDSCAPE if landscape else PORTRAIT) as (kiosk, ui):
        if service != "register":
            return out, _play_service(kiosk, ui, out, service, subject, offline=offline,
                                      elderly=elderly, staff_pin=staff_pin, announce=announce)
        for n in range(visits):
            visit = ScriptedVisit(kiosk, ui, out if n == 0 else None)
            # The first visit looks at the name check (a run before may have filed its name);
            # the others each have a 字号 of their own and go on at once.
            report = visit.run(subject, card=card, trade=trade_name(first_visit + n),
                               offline=offline, elderly=elderly,
                               free_name=n == 0 and not keep_name)
            outcomes[report.final or report.outcome] += 1
            if on_batch and ((n + 1) % batch == 0 or n + 1 == visits):
                on_batch(Batch(n + 1, procstats.current(),
                               len(list(settings.sessions_dir.iterdir())),
                               sum(kiosk.outbox.summary().counts.values()), dict(outcomes)))
            if between is not None and n + 1 < visits and between(kiosk, n + 1):
                break
    return out, report


def _play_service(kiosk: Kiosk, ui: KioskUi, out: Path, service: str, subject: str, *,
                  offline: bool, elderly: bool, staff_pin: str,
                  announce: Announce | None) -> VisitReport:
    """One citizen service, after the filing it needs (that filing's report is kept in it)."""
    def script(folder: str) -> ScriptedServices:
        (out / folder).mkdir(parents=True, exist_ok=True)
        return ScriptedServices(kiosk, ui, out / folder, announce=announce)

    if service == "guide":
        return script("guide").guide(subject)
    if service == "rating":
        return script("rating").rating(2, offline=offline)
    if service == "help":
        filing = script("help")
        return filing.run(subject, elderly=elderly, face=filing.face_by_staff(staff_pin))
    filed = ScriptedVisit(kiosk, ui, out).run(subject, elderly=elderly)
    scripted = script(service)
    if service == "licence":
        report = scripted.licence()
    elif service == "status-qr":
        report = scripted.status("scan", receipt=filed.receipt)
    elif service == "status-number":
        report = scripted.status("number", number=filed.application_id)
    else:
        report = scripted.status("card")
    report.application_id = report.application_id or filed.application_id
    report.outcome, report.final = filed.outcome, filed.final
    report.receipt = report.receipt or filed.receipt
    report.service["filed_licence"] = str(filed.licence) if filed.licence else None
    return report
