"""``DiagnosticsBridge``: the technicians' diagnostics mode as the QML singleton ``Kiosk.Diagnostics``.

It translates, as the session's bridge does: the mode's state (``kiosk.diagnostics.mode``) and
what the checks found become properties with change signals; the technician's taps become calls.
Every check and device test runs on one worker thread of the bridge's own, never on the GUI
thread, and its result comes back through a queued signal; the camera preview runs on its own
thread (``CameraPreview``) and is drawn from ``LatestImage``, an image provider that QML reads
synchronously (a data URL would load asynchronously and blink on every frame). It decides nothing: when the mode
opens or closes, what a PIN attempt means and what a test found are the core's. Built without
a ``Diagnostics`` service (a UI preview, the shared test window) it shows nothing and the
gesture does nothing.
"""
from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from kiosk.diagnostics.mode import DiagnosticsMode, ModeState
from kiosk.diagnostics.report import Report
from kiosk.diagnostics.tests import DeviceTest
from kiosk.pin import TECHNICIAN, locked_text
from ui.bridges.latest_image import LatestImage
from ui.qt import Property, QImage, QObject, Qt, QTimer, Signal, Slot

if TYPE_CHECKING:   # the service and the camera pull in OpenCV and TUF: not before the start
    from kiosk.diagnostics.camera import Preview     # page is painted (bench/ui_startup.py)
    from kiosk.diagnostics.service import Diagnostics

log = logging.getLogger(__name__)

PAGES = (("report", "就绪检查"), ("reader", "身份证阅读器"), ("camera", "摄像头"),
         ("receipt", "回执打印机"), ("licence", "营业执照打印机"), ("network", "网络与平台"),
         ("queue", "离线队列"), ("config", "配置"), ("system", "系统"), ("log", "日志"))
_PAGE_IDS = {p for p, _ in PAGES}
LOG_LINES = 60
PROVIDER = "diagnostics"          # image://diagnostics/camera/<n>


class DiagnosticsBridge(QObject):
    changed = Signal()                 # state, page, pin message, busy, results
    reportChanged = Signal()
    factsChanged = Signal()            # queue, config, log, drives, device facts
    previewChanged = Signal()
    closed = Signal()                  # the mode closed: Main.qml shows a clean start page
    _finished = Signal(str, object)    # worker thread -> GUI thread: (what, result)
    _previewed = Signal(object)

    def __init__(self, diagnostics: Diagnostics | None = None, mode: DiagnosticsMode | None = None,
                 *, tick: bool = True, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._d = diagnostics
        self._mode = mode
        self._page = "report"
        self._refusal = ""
        self._busy = ""
        self._results: dict[str, dict[str, Any]] = {}
        self._report: dict[str, Any] = {}
        self._facts: dict[str, Any] = {}
        self._preview_url = ""
        self._preview_info: dict[str, Any] = {}
        self._frames = 0
        self.images = LatestImage()          # registered on the engine by ui/app.py
        self._worker = ThreadPoolExecutor(1, thread_name_prefix="diagnostics")
        self._finished.connect(self._on_finished, Qt.ConnectionType.QueuedConnection)
        self._previewed.connect(self._on_preview, Qt.ConnectionType.QueuedConnection)
        self._camera = None
        if diagnostics is not None:
            from kiosk.diagnostics.camera import CameraPreview
            self._camera = CameraPreview(diagnostics.camera, self._previewed.emit)
        self._last_state = ModeState.CLOSED
        if mode is not None:
            mode.subscribe(self._mode_changed)
        self._timer = QTimer(self)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self.tick)
        if tick:
            self._timer.start()

    def shutdown(self) -> None:
        """Stop the preview and the worker (the window is closing)."""
        self._timer.stop()
        if self._camera:
            self._camera.stop()
        self._worker.shutdown(wait=True, cancel_futures=True)

    # ----- properties ---------------------------------------------------------------------------
    @Property(str, notify=changed)
    def state(self) -> str:
        return self._mode.state.value if self._mode else ModeState.CLOSED.value

    @Property(str, notify=changed)
    def page(self) -> str:
        return self._page

    @Property("QVariantList", constant=True)
    def pages(self) -> list[dict[str, str]]:
        return [{"id": p, "title": t} for p, t in PAGES]

    @Property(bool, notify=changed)
    def pinConfigured(self) -> bool:
        return bool(self._mode and self._mode.gate.configured)

    @Property(str, notify=changed)
    def pinMessage(self) -> str:
        result = self._mode.last_result if self._mode else None
        locked = self._mode.gate.locked_for() if self._mode else 0
        if locked > 0:
            return locked_text(locked)
        if result is not None and not result.ok:
            return result.message
        return "" if self.pinConfigured else TECHNICIAN.unset

    @Property(int, notify=changed)
    def lockedSeconds(self) -> int:
        return int(round(self._mode.gate.locked_for())) if self._mode else 0

    @Property(int, notify=changed)
    def secondsLeft(self) -> int:
        return int(self._mode.seconds_left) if self._mode else 0

    @Property(str, notify=changed)
    def refusal(self) -> str:
        return self._refusal

    @Property(str, notify=changed)
    def busy(self) -> str:
        """What is running now ("" when nothing): the pages show it and wait."""
        return self._busy

    @Property("QVariantMap", notify=changed)
    def results(self) -> dict[str, dict[str, Any]]:
        return dict(self._results)

    @Property("QVariantMap", notify=reportChanged)
    def report(self) -> dict[str, Any]:
        return dict(self._report)

    @Property("QVariantMap", notify=factsChanged)
    def facts(self) -> dict[str, Any]:
        return dict(self._facts)

    @Property(str, notify=previewChanged)
    def preview(self) -> str:
        return self._preview_url

    @Property("QVariantMap", notify=previewChanged)
    def previewInfo(self) -> dict[str, Any]:
        return dict(self._preview_info)

    # ----- the mode -----------------------------------------------------------------------------
    def _mode_changed(self) -> None:
        state = self._mode.state if self._mode else ModeState.CLOSED
        was, self._last_state = self._last_state, state
        if state is ModeState.OPEN and was is not ModeState.OPEN:
            self._page = "report"
            self._results.clear()
            self._load("report")
        if state is ModeState.CLOSED and was is not ModeState.CLOSED:
            self._stop_camera()
            self._results.clear()
            self._report, self._facts = {}, {}
            self.reportChanged.emit()
            self.factsChanged.emit()
            self.closed.emit()
        self.changed.emit()

    @Slot()
    def cornerTapped(self) -> None:
        if self._mode is not None:
            self._refusal = self._mode.corner_tapped()
            self.changed.emit()

    @Slot(str)
    def submitPin(self, pin: str) -> None:
        if self._mode is not None:
            self._mode.enter_pin(pin)
            self.changed.emit()

    @Slot()
    def cancelPin(self) -> None:
        if self._mode is not None:
            self._mode.cancel()

    @Slot()
    def leave(self) -> None:
        if self._mode is not None:
            self._mode.leave()

    @Slot()
    def touch(self) -> None:
        if self._mode is not None:
            self._mode.touch()

    @Slot()
    def tick(self) -> None:
        if self._mode is not None and self._mode.state is not ModeState.CLOSED:
            self._mode.tick()
            self.changed.emit()

    @Slot(str)
    def show(self, page: str) -> None:
        if page not in _PAGE_IDS or self.state != ModeState.OPEN.value:
            return
        self.touch()
        self._page = page
        if page == "camera":
            self._start_camera()
        else:
            self._stop_camera()
        self._load(page)
        self.changed.emit()

    # ----- work off the GUI thread ----------------------------------------------------------------
    def _run(self, what: str, job: Callable[[], Any]) -> None:
        if self._d is None or self.state != ModeState.OPEN.value:
            return
        self.touch()
        self._busy = what
        self.changed.emit()

        def work() -> None:
            try:
                result = job()
            except Exception as exc:  # noqa: BLE001 - a failed check shows, it does not crash
                log.exception("diagnostics-action-failed what=%s", what)
                result = DeviceTest(False, "操作失败", type(exc).__name__)
            self._finished.emit(what, result)

        self._worker.submit(work)

    def _load(self, page: str) -> None:
        d = self._d
        if d is None:
            return
        if page in ("report", "network", "system", "reader", "receipt", "licence", "camera"):
            self._run("report", d.report)
        if page == "queue":
            self._run("facts", lambda: {"queue": d.queue_facts()})
        elif page == "config":
            self._run("facts", lambda: {"config": d.config().as_dict(),
                                        "drives": [x.as_dict() for x in d.drives()]})
        elif page == "log":
            self._run("facts", lambda: {"log": d.log_lines(LOG_LINES)})
        elif page == "report":
            self._run("facts", lambda: {"drives": [x.as_dict() for x in d.drives()]})
        elif page == "reader":
            self._run("facts", lambda: {"reader": d.reader_facts()})

    def _on_finished(self, what: str, result: Any) -> None:
        if self._busy == what:
            self._busy = ""
        if isinstance(result, Report):
            self._report = {"ok": result.ok, "summary": result.summary(), "when": result.when,
                            "version": result.version,
                            "checks": [c.as_dict() for c in result.checks],
                            "byName": {c.name: c.as_dict() for c in result.checks}}
            self.reportChanged.emit()
        elif isinstance(result, DeviceTest):
            self._results[what] = result.as_dict()
            if what in ("sync", "release", "reprint"):
                self._load("queue")
            elif what == "importConfig":
                self._load("config")
        elif isinstance(result, dict):
            self._facts.update(result)
            self.factsChanged.emit()
        self.changed.emit()

    @Slot()
    def recheck(self) -> None:
        self._load(self._page)

    @Slot()
    def testRead(self) -> None:
        if self._d:
            self._run("testRead", lambda: self._d.test_read("touch"))

    @Slot()
    def testPrint(self) -> None:
        if self._d:
            self._run("testPrint", lambda: self._d.test_print("touch"))

    @Slot()
    def licenceTestPage(self) -> None:
        if self._d:
            self._run("licenceTestPage", lambda: self._d.licence_test_page("touch"))

    @Slot()
    def printReport(self) -> None:
        if self._d:
            self._run("printReport", lambda: self._d.print_report("touch"))

    @Slot(str)
    def exportReport(self, mount: str) -> None:
        if self._d:
            self._run("exportReport", lambda: self._d.export_report(mount, "touch"))

    @Slot(str)
    def importConfig(self, mount: str) -> None:
        if self._d:
            self._run("importConfig", lambda: self._d.import_config(mount, "touch"))

    @Slot()
    def forceSync(self) -> None:
        if self._d:
            self._run("sync", lambda: self._d.force_sync("touch"))

    @Slot(str)
    def release(self, submission_id: str) -> None:
        if self._d:
            self._run("release", lambda: self._d.release(submission_id, "touch"))

    @Slot(str)
    def reprint(self, application_id: str) -> None:
        if self._d:
            self._run("reprint", lambda: self._d.reprint(application_id, "touch"))

    # ----- the camera preview -------------------------------------------------------------------
    def _start_camera(self) -> None:
        if self._camera:
            self._camera.start()

    def _stop_camera(self) -> None:
        if self._camera:
            self._camera.stop()
        self._preview_url, self._preview_info = "", {}
        self.previewChanged.emit()

    def _on_preview(self, p: Preview) -> None:
        if self._page != "camera" or self.state != ModeState.OPEN.value:
            return
        self.images.set(QImage.fromData(p.jpeg, "JPEG") if p.jpeg else QImage())
        self._frames += 1
        self._preview_url = f"image://{PROVIDER}/camera/{self._frames}" if p.jpeg else ""
        self._preview_info = p.as_dict()
        self.previewChanged.emit()

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Wait until queued work has run (tests and scripts; the Qt loop must then turn)."""
        done = self._worker.submit(lambda: None)
        try:
            done.result(timeout=timeout_s)
        except TimeoutError:
            return False
        return True

