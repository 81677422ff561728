"""``NamePreviewBridge``: the name page's preview as the QML singleton ``Kiosk.NamePreview``.

The page calls ``typed`` on every change; after a pause in typing (``DEBOUNCE_MS``, on a timer
that tests inject and fire) the bridge shows the full name and the naming rules it does not
meet yet as hints (``kiosk.services.name_check.preview``), and asks the platform's name check
(``NameChecker``, off the GUI thread) when there is a 字号 to check. An answer for a name the
person has since changed is dropped. Without a checker (a UI preview, the shared test window)
it says the check will be made on upload. It decides nothing: errors still come on continue.
"""
from __future__ import annotations

from typing import Any, Protocol

from kiosk.flow.session import Session
from kiosk.services.name_check import (LATER_TEXT, NameAnswer, NameChecker, NameCheckState,
                                       preview)
from ui.qt import Property, QObject, QTimer, Signal, Slot

DEBOUNCE_MS = 600


class Debounce(Protocol):
    """A single-shot timer: ``start()`` (again) restarts it; ``timeout`` fires once after."""

    timeout: Any

    def start(self) -> None: ...

    def stop(self) -> None: ...


def _qt_debounce() -> QTimer:
    timer = QTimer()
    timer.setSingleShot(True)
    timer.setInterval(DEBOUNCE_MS)
    return timer


class NamePreviewBridge(QObject):
    changed = Signal()

    def __init__(self, session: Session, checker: NameChecker | None = None, *,
                 timer: Debounce | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._session = session
        self._checker = checker
        self.debounce = timer or _qt_debounce()     # tests fire it instead of waiting
        self.debounce.timeout.connect(self._settled)
        self._typed: Any = {}
        self._name, self._hints = "", []
        self._state, self._text = NameCheckState.NONE, ""

    def use(self, checker: NameChecker | None) -> None:
        """The platform's name check (the composition sets it once the kiosk is built)."""
        self._checker = checker

    @Slot("QVariant")
    def typed(self, answer: Any) -> None:
        """The page changed (what its submit() would send): wait for a pause, then preview."""
        self._typed = answer.toVariant() if hasattr(answer, "toVariant") else answer
        self.debounce.start()

    @Slot()
    def clear(self) -> None:
        """The name page went away: forget the preview."""
        self.debounce.stop()
        self._typed = {}
        self._show("", [], NameCheckState.NONE, "")

    def _settled(self) -> None:
        subject = self._session.subject_type
        p = preview(self._typed, subject)
        trade = p.name and isinstance(self._typed, dict) and self._typed.get("trade_name")
        if not trade:
            self._show(p.name, list(p.hints), NameCheckState.NONE, "")
        elif self._checker is None:
            self._show(p.name, list(p.hints), NameCheckState.LATER, LATER_TEXT)
        else:
            self._show(p.name, list(p.hints), NameCheckState.NONE, "")
            self._checker.ask(p.name, self._answered, subject.id if subject else None)

    def _answered(self, answer: NameAnswer) -> None:
        if answer.name == self._name:            # else the person has typed on since
            self._show(self._name, self._hints, answer.state, answer.text)

    def _show(self, name: str, hints: list[str], state: NameCheckState, text: str) -> None:
        if (name, hints, state, text) != (self._name, self._hints, self._state, self._text):
            self._name, self._hints, self._state, self._text = name, hints, state, text
            self.changed.emit()

    def _read_name(self) -> str:
        return self._name

    def _read_hints(self) -> list[str]:
        return list(self._hints)

    def _read_state(self) -> str:
        return self._state.value

    def _read_text(self) -> str:
        return self._text

    name = Property(str, _read_name, notify=changed)
    hints = Property("QVariantList", _read_hints, notify=changed)
    checkState = Property(str, _read_state, notify=changed)
    checkText = Property(str, _read_text, notify=changed)
