"""Burn-in: on a long-idle start page the static header and footer drift a few pixels, minute
by minute, and snap back the moment the page is used. The minutes are stepped by hand (the
component's timer calls the same ``advance``), on the shared real window."""
from __future__ import annotations

from ui.qt import QObject, QPointF

from tests.ui.conftest import UiKit


def burn_in(kit: UiKit) -> QObject:
    found = kit.ui.window.findChild(QObject, "burnIn")
    assert found is not None
    return found


def header_at(kit: UiKit) -> tuple[float, float]:
    header = kit.ui.window.findChild(QObject, "header")
    p = header.mapToScene(QPointF(0, 0))
    return p.x(), p.y()


def test_the_header_drifts_on_an_idle_start_page_and_returns_when_used(fresh_ui: UiKit) -> None:
    kit, b = fresh_ui, burn_in(fresh_ui)
    assert b.property("active") is True and header_at(kit) == (0.0, 0.0)
    limit = b.property("maxShift")
    seen = set()
    for minute in range(1, 61):
        b.advance()
        kit.settle()
        x, y = header_at(kit)
        assert abs(x) <= limit and abs(y) <= limit              # a few pixels, never more
        if minute <= b.property("idleSteps"):
            assert (x, y) == (0.0, 0.0)                          # only once idle for minutes
        seen.add((x, y))
    assert len(seen) >= 12                                       # it wanders, it does not flip
    assert b.property("stepMs") == 60000                         # one step a minute

    kit.bridge.begin()                                           # someone taps 开始办理
    kit.settle()
    assert b.property("active") is False and header_at(kit) == (0.0, 0.0)
    kit.bridge.cancel()
    kit.settle()
    assert b.property("active") is True and header_at(kit) == (0.0, 0.0)   # counting again
