"""A finger on the real kiosk window: taps, strokes and filled-in pages, and pictures of them.

What a scripted visit and the tests use to act as a person would: ``tap`` sends a real mouse
press and release to the centre of a visible item (so a button hidden, disabled, or drawn off
the window cannot be "tapped"), ``stroke`` drags a finger across an item, ``fill`` shows the
current page as the person would have filled it in (``Main.qml fillPage``) before the real
continue button is pressed, and ``grab`` saves the window as a PNG. ``wait`` lets the Qt event
loop turn until a condition holds. The robot reads the window and nothing else: it decides no
rule of the flow and never reaches into the session.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ui.app import KioskUi
from ui.qt import (Q_ARG, QCoreApplication, QEvent, QEventLoop, QMetaObject, QMouseEvent,
                   QObject, QPoint, QPointF, QQuickItem, Qt, QTimer)


class RobotError(RuntimeError):
    """The window is not in a state where a person could do what the script asked."""


class Robot:
    def __init__(self, ui: KioskUi) -> None:
        self.ui = ui
        self.window = ui.window
        self._ms = 0             # the touch events' own clock, in milliseconds

    # ----- the event loop -----------------------------------------------------------------
    def settle(self) -> None:
        """Let Qt finish what the last change started, as its event loop would.

        Qt.callLater and Loader work run from the event loop; three passes let bindings settle.
        ``processEvents`` outside ``exec()`` never deletes objects scheduled with ``deleteLater``
        (each page's replaced screen), so a script that drives many pages sends those too.
        """
        for _ in range(3):
            self.ui.app.processEvents()
        QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)

    def wait(self, condition: Callable[[], bool], what: str, timeout_s: float = 30.0) -> None:
        """Turn the event loop until ``condition()`` holds.

        Raises:
            RobotError: it did not hold within ``timeout_s`` (real) seconds.
        """
        deadline = time.monotonic() + timeout_s
        wake = QTimer()              # so a wait for an event that never comes still looks again
        wake.start(15)
        try:
            while not condition():
                if time.monotonic() > deadline:
                    raise RobotError(f"timed out after {timeout_s:.0f} s waiting for {what}")
                self.ui.app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
                QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
        finally:
            wake.stop()
        self.settle()        # and let the window catch up, as a person's eyes would

    # ----- finding things -----------------------------------------------------------------
    def find(self, name: str) -> QQuickItem | None:
        """The item called ``name`` in the window or the current page; None when there is none."""
        found = self.window.findChild(QObject, name)
        if found is None:
            page = self.window.findChild(QObject, "screenLoader").property("item")
            if page is not None:
                found = page if page.objectName() == name else page.findChild(QObject, name)
        if not isinstance(found, QQuickItem) or not found.isVisible():
            # A Repeater's items have no QObject parent to search, and a thing shown in one
            # place or another (portrait / landscape) has a hidden twin: walk the visual tree,
            # where the visible one comes first.
            seen = _visual_child(self.window.contentItem(), name)
            if seen is not None and (seen.isVisible() or not isinstance(found, QQuickItem)):
                found = seen
        return found if isinstance(found, QQuickItem) else None

    def showing(self, name: str) -> bool:
        item = self.find(name)
        return item is not None and item.isVisible() and item.isEnabled()

    def look(self) -> None:
        """Draw the window once, as the screen would before a finger comes down: items are
        laid out (polished) when a frame is made, and a tap must land where they are shown."""
        self.settle()
        self.window.grabWindow()

    def _reveal(self, item: QQuickItem) -> None:
        """Swipe the page so ``item`` is in view, as a person scrolls to a button below the
        fold; an item outside any scrolling page stays where it is."""
        body = self.window.findChild(QObject, "pageBody")
        if not isinstance(body, QQuickItem) or not _inside(item, body):
            return
        top = body.mapToScene(QPointF(0, 0)).y()
        at = item.mapToScene(QPointF(0, 0)).y() - top
        if 0 <= at and at + item.height() <= body.height():
            return
        content_y = float(body.property("contentY")) + at - body.height() / 3
        limit = max(0.0, float(body.property("contentHeight")) - body.height())
        body.setProperty("contentY", min(max(0.0, content_y), limit))
        self.look()

    def _centre(self, name: str) -> QPoint:
        self.look()
        item = self.find(name)
        if item is None or not item.isVisible() or not item.isEnabled():
            raise RobotError(f"no visible, enabled {name!r} to tap on this page")
        self._reveal(item)
        centre = item.mapToScene(QPointF(item.width() / 2, item.height() / 2))
        if not (0 <= centre.x() < self.window.width() and 0 <= centre.y() < self.window.height()):
            raise RobotError(f"{name!r} lies outside the window at {centre.x():.0f},{centre.y():.0f}")
        return centre.toPoint()

    # ----- a finger -----------------------------------------------------------------------
    def _touch(self, kind: QEvent.Type, at: QPoint, pressed: bool, pause_ms: int) -> None:
        # Sent as the window system would, each a little later than the last; a finger lifted
        # and put down again a second later is two strokes, not a double click.
        self._ms += pause_ms
        left = Qt.MouseButton.LeftButton
        event = QMouseEvent(kind, QPointF(at), QPointF(at), QPointF(self.window.mapToGlobal(at)),
                            left, left if pressed else Qt.MouseButton.NoButton,
                            Qt.KeyboardModifier.NoModifier)
        event.setTimestamp(self._ms)
        QCoreApplication.sendEvent(self.window, event)

    def tap(self, name: str) -> None:
        """Press and release a finger on the item ``name``."""
        at = self._centre(name)
        self._touch(QEvent.Type.MouseButtonPress, at, True, 1000)
        self._touch(QEvent.Type.MouseButtonRelease, at, False, 80)
        self.settle()

    def stroke(self, name: str, strokes: Sequence[Sequence[tuple[float, float]]]) -> None:
        """Draw with one finger on the item ``name``; points are fractions of its size."""
        item = self.find(name)
        if item is None or not item.isVisible():
            raise RobotError(f"no visible {name!r} to draw on")
        self._centre(name)   # on the window, or raise

        def at(fx: float, fy: float) -> QPoint:
            return item.mapToScene(QPointF(item.width() * fx, item.height() * fy)).toPoint()

        for points in strokes:
            first, *rest = points
            self._touch(QEvent.Type.MouseButtonPress, at(*first), True, 1000)
            for p in rest:
                self._touch(QEvent.Type.MouseMove, at(*p), True, 16)
            self._touch(QEvent.Type.MouseButtonRelease, at(*(rest[-1] if rest else first)),
                        False, 16)
        self.settle()

    def fill(self, value: Any) -> None:
        """Show the current page filled in with ``value`` (what its submit() would send)."""
        self.settle()        # a page still being built would replace the filled-in one
        QMetaObject.invokeMethod(self.window, "fillPage", Q_ARG("QVariant", value))
        self.settle()

    # ----- pictures -----------------------------------------------------------------------
    def grab(self, path: Path) -> Path:
        """Save the window as it is now to ``path`` (PNG).

        Raises:
            OSError: the frame could not be saved.
        """
        self.settle()
        image = self.window.grabWindow()
        path.parent.mkdir(parents=True, exist_ok=True)
        if image.isNull() or not image.save(str(path), "PNG"):
            raise OSError(f"could not save a frame to {path}")
        return path


def _inside(item: QQuickItem, ancestor: QQuickItem) -> bool:
    parent = item.parentItem()
    while parent is not None:
        if parent == ancestor:
            return True
        parent = parent.parentItem()
    return False


def _visual_child(item: QQuickItem, name: str) -> QQuickItem | None:
    """The first item called ``name`` under ``item`` in the visual tree, visible ones first."""
    stack, hidden = [item], None
    while stack:
        current = stack.pop()
        if current.objectName() == name:
            if current.isVisible():
                return current
            hidden = hidden or current
        stack.extend(reversed(current.childItems()))
    return hidden
