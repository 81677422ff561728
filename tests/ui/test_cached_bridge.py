"""CachedBridge: properties re-read in one pass, and lazy ones built only once asked for."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from ui.bridges.cached import CachedBridge, props_of
from ui.qt import Signal

ROOT = Path(__file__).resolve().parents[2]

_PROPS: list[str] = []
_LAZY: set[str] = set()
_prop = props_of(_PROPS, _LAZY)


class Probe(CachedBridge):
    _PROPS = _PROPS
    _LAZY = _LAZY
    cheapChanged = Signal()
    costlyChanged = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.values = {"cheap": 1, "costly": 10}
        self.reads: list[str] = []
        self.refresh()

    def _read_cheap(self) -> int:
        self.reads.append("cheap")
        return self.values["cheap"]
    cheap = _prop("cheap", int, cheapChanged)

    def _read_costly(self) -> int:
        self.reads.append("costly")
        return self.values["costly"]
    costly = _prop("costly", int, costlyChanged, lazy=True)


def test_a_lazy_property_is_read_only_once_asked_for_and_followed_from_then_on(qapp):
    probe = Probe()
    changed: list[str] = []
    probe.cheapChanged.connect(lambda: changed.append("cheap"))
    probe.costlyChanged.connect(lambda: changed.append("costly"))
    probe.values.update(cheap=2, costly=20)
    probe.refresh()
    assert probe.reads == ["cheap", "cheap"] and changed == ["cheap"]   # costly never built
    assert probe.costly == 20 and probe.reads[-1] == "costly"           # built when asked for
    probe.values["costly"] = 30
    probe.refresh()
    assert changed == ["cheap", "costly"] and probe.costly == 30        # and followed since


def test_warm_builds_every_lazy_property_once(qapp):
    probe = Probe()
    probe.warm()
    probe.warm()
    assert probe.reads.count("costly") == 1 and probe.costly == 10


def test_the_window_paints_its_start_page_before_building_the_name_regions(tmp_path: Path):
    # In a fresh process: the catalogues are cached for the process, and other tests build them.
    script = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from kiosk.domain import catalogues
        from kiosk.flow.session import NoSubmit, Session
        from ui.app import create_app
        ui = create_app(Session(NoSubmit(), Path({str(tmp_path)!r})), keyboard=False, tick=False)
        print("at start:", catalogues._regions.cache_info().currsize,
              "nameRegions" in ui.services._cache)
        deadline = time.monotonic() + 30
        while "nameRegions" not in ui.services._cache and time.monotonic() < deadline:
            ui.app.processEvents()
        print("warmed:", catalogues._regions.cache_info().currsize,
              "nameRegions" in ui.services._cache)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=120)
    assert "at start: 0 False" in run.stdout, run.stderr[-2000:]
    assert "warmed: 1 True" in run.stdout, run.stderr[-2000:]
