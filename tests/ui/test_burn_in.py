"""Burn-in: on a long-idle start page the static header and footer drift a few pixels, minute
by minute, and snap back the moment the page is used. The minutes are stepped by hand (the
component's timer calls the same ``advance``), on the shared real window; how far and how
often it moves comes from ``[screen]``, read by a kiosk started on such a settings file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from kiosk.config.schema import ScreenSettings
from ui.bridges.app_bridge import BurnIn
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
    default = ScreenSettings()                                   # [screen]'s, the one place
    assert (limit, b.property("stepMs")) == (default.burn_in_shift_px,
                                             default.burn_in_every_s * 1000)

    kit.bridge.begin()                                           # someone taps 开始办理
    kit.settle()
    assert b.property("active") is False and header_at(kit) == (0.0, 0.0)
    kit.bridge.cancel()
    kit.settle()
    assert b.property("active") is True and header_at(kit) == (0.0, 0.0)   # counting again


CHILD = Path(__file__).with_name("burn_in_child.py")


def drift_of(tmp_path: Path, screen: str, steps: int) -> dict:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[screen]\n{screen}\n', encoding="utf-8")
    done = subprocess.run([sys.executable, str(CHILD), str(config), str(steps)],
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_screen_settings_size_and_time_the_drift_for_the_panel(tmp_path: Path) -> None:
    """An OLED panel's kiosk: 10 px at most, a step every 20 s, the first after a minute."""
    got = drift_of(tmp_path, "burn_in_shift_px = 10\nburn_in_after_min = 1\n"
                             "burn_in_every_s = 20", 40)
    assert (got["active"], got["maxShift"], got["idleSteps"], got["stepMs"]) == \
        (True, 10, 3, 20000)
    offsets = got["offsets"]
    assert offsets[:3] == [[0.0, 0.0]] * 3                       # idle for a minute first
    assert all(abs(x) <= 10 and abs(y) <= 10 for x, y in offsets)
    assert max(max(abs(x), abs(y)) for x, y in offsets) > 4      # wider than an LCD's 4 px


def test_no_shift_turns_the_drift_off(tmp_path: Path) -> None:
    got = drift_of(tmp_path, "burn_in_shift_px = 0", 20)
    assert got["active"] is False
    assert got["offsets"] == [[0.0, 0.0]] * 20


@given(after_min=st.integers(1, 120), every_s=st.floats(10, 3600))
def test_the_first_step_comes_once_the_page_has_been_idle_as_long_as_set(after_min: int,
                                                                        every_s: float) -> None:
    drift = BurnIn.of(4, after_min, every_s)
    idle_ms = after_min * 60_000
    assert abs(drift.step_ms - every_s * 1000) <= 0.5
    # Not before the idle time is over, and not a whole step after it.
    assert drift.idle_steps * drift.step_ms >= idle_ms
    assert (drift.idle_steps - 1) * drift.step_ms < idle_ms
