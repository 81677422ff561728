"""Build the kiosk's Qt Quick UI around an existing ``Session``: the composition of ``ui/``.

``create_app`` makes (or reuses) the QGuiApplication, checks the Chinese font, registers the
bridges as singletons of the QML module ``Kiosk`` 1.0 (never ``setContextProperty``), loads
``qml/Main.qml`` and raises ``QmlLoadError`` on any QML error or warning instead of printing
and carrying on. It does not build the session, the devices or the queue (the kiosk's
composition root does) and it does not start the event loop.
"""
from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from kiosk.flow.session import Session
from ui.bridges.app_bridge import NO_DRIFT, AppBridge, BurnIn
from ui.bridges.diagnostics_bridge import PROVIDER, DiagnosticsBridge
from ui.bridges.face_preview import PROVIDER as FACE_PROVIDER
from ui.bridges.face_preview import FacePreview
from ui.bridges.name_preview import NamePreviewBridge
from ui.bridges.services_bridge import ServicesBridge
from ui.bridges.session_bridge import EventRelay, SessionBridge
from ui.bridges.voice_bridge import VoiceBridge
from ui.qt import (
    QML_MAJOR,
    QML_MINOR,
    QML_MODULE,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QLibraryInfo,
    QQmlApplicationEngine,
    QQmlComponent,
    QQuickWindow,
    QtMsgType,
    QTimer,
    Qt,
    QUrl,
    multimedia,
    qInstallMessageHandler,
    qmlRegisterSingletonInstance,
)

if TYPE_CHECKING:   # the settings' pydantic models and the voice engines: the caller's
    from kiosk.config.schema import ScreenSettings, VoiceSettings
    from kiosk.visit.paper import HallTexts
    from kiosk.voice.engines import Engine

log = logging.getLogger(__name__)

QML_DIR = Path(__file__).parent / "qml"
MAIN_QML = QML_DIR / "Main.qml"
SCREENS_DIR = QML_DIR / "screens"
CJK_FAMILY = "Noto Sans CJK SC"
CJK_FONT_FILES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
)
DEFAULT_SIZE = (1080, 1920)   # portrait, a typical kiosk panel
WARM_AFTER_MS = 1000          # when the lazy properties are built (ServicesBridge.warm)


class QmlLoadError(RuntimeError):
    """The QML did not load cleanly; the message lists every QML error and warning."""


class FontMissingError(RuntimeError):
    """No Simplified Chinese font: the screens would show empty boxes."""


@dataclass
class KioskUi:
    """What ``create_app`` built; keep a reference for as long as the UI lives."""

    app: QGuiApplication
    engine: QQmlApplicationEngine
    window: QQuickWindow
    session: SessionBridge
    app_bridge: AppBridge
    diagnostics: DiagnosticsBridge
    services: ServicesBridge
    voice: VoiceBridge
    warnings: list[str] = field(default_factory=list)
    face: FacePreview = field(default_factory=FacePreview)    # the face page's live picture
    names: NamePreviewBridge | None = None                     # the name page's preview


def keyboard_available() -> bool:
    """True when the Qt Virtual Keyboard QML module and its input-context plugin are installed."""
    qml = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.QmlImportsPath))
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath))
    return ((qml / "QtQuick" / "VirtualKeyboard" / "qmldir").exists()
            and any((plugins / "platforminputcontexts").glob("*qtvirtualkeyboard*")))


def prepare_environment(*, keyboard: bool | None = None) -> bool:
    """Set what must be set before the QGuiApplication exists. Returns: keyboard in use."""
    use = keyboard_available() if keyboard is None else keyboard and keyboard_available()
    if use and QGuiApplication.instance() is None:
        os.environ.setdefault("QT_IM_MODULE", "qtvirtualkeyboard")
    return use and os.environ.get("QT_IM_MODULE") == "qtvirtualkeyboard"


def ensure_cjk_font(app: QGuiApplication) -> str:
    """Make Noto Sans CJK SC the application font. Raises FontMissingError when absent."""
    if CJK_FAMILY not in QFontDatabase.families():
        for path in CJK_FONT_FILES:
            if Path(path).exists():
                QFontDatabase.addApplicationFont(path)
    if CJK_FAMILY not in QFontDatabase.families():
        raise FontMissingError(
            f"font family {CJK_FAMILY!r} not found; install fonts-noto-cjk (Debian/Ubuntu) "
            "so Chinese text does not render as empty boxes")
    font = QFont(CJK_FAMILY)
    font.setPixelSize(28)
    app.setFont(font)
    return CJK_FAMILY


def compile_screens(engine: QQmlApplicationEngine) -> list[QQmlComponent]:
    """Every page's screen, compiled off this thread (the engine's loader thread) and kept by
    the engine, so that the first visit after a start opens its pages as fast as later visits
    do: each would else be compiled the first time a person reaches it (up to 20 ms more)."""
    return [QQmlComponent(engine, QUrl.fromLocalFile(str(path)),
                          QQmlComponent.CompilationMode.Asynchronous, engine)
            for path in sorted(SCREENS_DIR.glob("*.qml"))]


class QmlMessages:
    """Collects QML warnings while the engine loads (the engine's own signal misses some)."""

    def __init__(self, *dirs: Path) -> None:
        self.dirs = (QML_DIR, *dirs)
        self.messages: list[str] = []
        self._previous = None

    def __enter__(self) -> QmlMessages:
        self._previous = qInstallMessageHandler(self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        qInstallMessageHandler(self._previous)

    def _handle(self, kind: QtMsgType, context: object, message: str) -> None:
        if kind in (QtMsgType.QtWarningMsg, QtMsgType.QtCriticalMsg, QtMsgType.QtFatalMsg):
            # Ours only: Qt's own modules (e.g. the keyboard's styles) warn about themselves.
            file = getattr(context, "file", "") or ""
            if any(str(d) in file or str(d) in message for d in self.dirs):
                self.messages.append(message)
                return
        log.debug("qt: %s", message)


def create_app(session: Session, relay: EventRelay | None = None, *,
               size: tuple[int, int] = DEFAULT_SIZE, keyboard: bool | None = None,
               demo: bool = False, tick: bool = True,
               clock: Callable[[], float] = time.monotonic,
               texts: HallTexts | None = None, main_qml: Path = MAIN_QML,
               diagnostics: DiagnosticsBridge | None = None,
               voice: VoiceSettings | None = None,
               voice_engine: Engine | None = None,
               screen: ScreenSettings | None = None) -> KioskUi:
    """Build the UI for ``session`` and show Main.qml (the event loop is the caller's).

    Args:
        session: the kiosk's session.
        relay: the ``EventRelay`` the session was built with (``Session(listener=relay)``);
            without it the UI still follows the session but never hears events such as the
            'data deleted' message after a timeout.
        size: window width and height in pixels.
        keyboard: use the on-screen keyboard; None: when installed.
        demo: shown to QML as ``App.demo``.
        tick: drive ``session.tick()`` from a 1 s QTimer (tests turn it off).
        clock: the session's clock, for the seconds left on the idle warning.
        texts: the hall's name, hotline and tracking URL, for the done page's words.
        main_qml: the root QML file (tests load a broken one to see the error raised).
        diagnostics: the technicians' mode (``Kiosk.Diagnostics``); None: one that never opens.
        voice: the ``[voice]`` settings (``Kiosk.Voice``); None: no voice guidance.
        voice_engine: speak with this engine instead of the one ``voice`` names (tests).
        screen: the ``[screen]`` settings (the start page's burn-in drift); None: no drift.
    Returns:
        The app, engine, window and bridges.
    Raises:
        FontMissingError: no Noto Sans CJK SC.
        QmlLoadError: Main.qml or a screen it loads reported an error or warning.
    """
    use_keyboard = prepare_environment(keyboard=keyboard)
    if use_keyboard:
        # The keyboard's QML plugin links Qt Multimedia, whose start-up logs through our Python
        # message handler. Loaded by the QML loader thread inside the dynamic loader's lock, that
        # needs the GIL, which a device thread importing a C extension may hold while it waits
        # for the same lock: a deadlock. Loaded here, on this thread, it cannot.
        multimedia()
    app = QGuiApplication.instance() or QGuiApplication([])
    ensure_cjk_font(app)
    bridge = SessionBridge(session, relay, tick=tick, clock=clock, texts=texts)
    burn_in = NO_DRIFT if screen is None else BurnIn.of(
        screen.burn_in_shift_px, screen.burn_in_after_min, screen.burn_in_every_s)
    app_bridge = AppBridge(keyboard=use_keyboard, demo=demo, burn_in=burn_in)
    diagnostics = diagnostics or DiagnosticsBridge(tick=False)
    qmlRegisterSingletonInstance(SessionBridge, QML_MODULE, QML_MAJOR, QML_MINOR, "Session", bridge)
    qmlRegisterSingletonInstance(AppBridge, QML_MODULE, QML_MAJOR, QML_MINOR, "App", app_bridge)
    qmlRegisterSingletonInstance(DiagnosticsBridge, QML_MODULE, QML_MAJOR, QML_MINOR,
                                 "Diagnostics", diagnostics)
    services = ServicesBridge(session, relay)
    qmlRegisterSingletonInstance(ServicesBridge, QML_MODULE, QML_MAJOR, QML_MINOR, "Services",
                                 services)
    face = FacePreview()
    names = NamePreviewBridge(session)
    qmlRegisterSingletonInstance(NamePreviewBridge, QML_MODULE, QML_MAJOR, QML_MINOR, "NamePreview",
                                 names)
    qmlRegisterSingletonInstance(FacePreview, QML_MODULE, QML_MAJOR, QML_MINOR, "FacePreview", face)
    voice_bridge = VoiceBridge(bridge, voice, engine=voice_engine)
    qmlRegisterSingletonInstance(VoiceBridge, QML_MODULE, QML_MAJOR, QML_MINOR, "Voice",
                                 voice_bridge)
    engine = QQmlApplicationEngine()
    engine.addImageProvider(PROVIDER, diagnostics.images)   # the camera preview's pictures
    engine.addImageProvider(FACE_PROVIDER, face.images)     # the face page's live picture
    errors: list[str] = []
    engine.warnings.connect(lambda ws: errors.extend(w.toString() for w in ws))
    with QmlMessages(Path(main_qml).parent) as messages:
        engine.load(QUrl.fromLocalFile(str(main_qml)))
        app.processEvents()
    roots = engine.rootObjects()
    problems = errors + messages.messages
    if not roots or problems:
        raise QmlLoadError(f"{Path(main_qml).name} did not load cleanly:\n" + "\n".join(problems or ["no root"]))
    window = roots[0]
    assert isinstance(window, QQuickWindow)
    window.setWidth(size[0])
    window.setHeight(size[1])
    window.frameSwapped.connect(app_bridge.first_frame,      # App.shown, once
                                Qt.ConnectionType.SingleShotConnection)
    window.update()             # a frame after the connection, should the load have drawn one
    ui = KioskUi(app, engine, window, bridge, app_bridge, diagnostics, services, voice_bridge,
                 face=face, names=names)
    engine.warnings.connect(lambda ws: ui.warnings.extend(w.toString() for w in ws))
    app_bridge.shownChanged.connect(lambda: compile_screens(engine))   # once the start page shows
    # What only later pages read is built a moment after the start page is painted, long
    # before a person can reach those pages (and on demand, should one get there first).
    QTimer.singleShot(WARM_AFTER_MS, services, services.warm)   # not once the bridge is gone
    return ui
