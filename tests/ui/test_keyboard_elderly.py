"""长辈版 enlarges the on-screen keyboard: taller keys, larger labels and a taller candidate
strip in portrait; in landscape it keeps within half the window. Its own process: the
keyboard needs QT_IM_MODULE before the application exists."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from ui import app as app_module

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(not app_module.keyboard_available(), reason="Qt Virtual Keyboard not installed")
def test_the_keyboard_is_larger_in_elderly_mode(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from kiosk.flow.session import NoSubmit, Session
        from ui.app import create_app
        from ui.bridges.session_bridge import EventRelay
        from ui.qt import QObject
        from ui.robot import Robot
        relay = EventRelay()
        session = Session(NoSubmit(), Path({str(tmp_path)!r}), listener=relay)
        session.elderly_default = session.elderly = True      # a kiosk that starts in 长辈版
        ui = create_app(session, relay, tick=False, size=(1080, 1920))
        assert ui.window.findChild(QObject, "keyboard") is None      # not before the first frame
        Robot(ui).wait(lambda: ui.window.findChild(QObject, "keyboard") is not None,
                       "the keyboard, made once the start page is on screen", 10)
        ui.session.begin()
        ui.app.processEvents()
        panel = ui.window.findChild(QObject, "keyboard")
        strip = ui.window.findChild(QObject, "wordCandidateView")
        for _ in range(5):
            ui.app.processEvents()
        sizes = {{"first": [panel.property("height"), strip.property("height")]}}
        for mode, size in (("standard", (1080, 1920)), ("elderly", (1080, 1920)),
                           ("standard_landscape", (1920, 1080)), ("elderly_landscape", (1920, 1080))):
            ui.session.setElderly(mode.startswith("elderly"))
            ui.window.setWidth(size[0]); ui.window.setHeight(size[1])
            for _ in range(5):
                ui.app.processEvents()
            sizes[mode] = [panel.property("height"), strip.property("height")]
        ui.session.setElderly(False)
        ui.window.setWidth(1080); ui.window.setHeight(1920)
        for _ in range(5):
            ui.app.processEvents()
        sizes["standard_again"] = [panel.property("height"), strip.property("height")]
        print(json.dumps({{"sizes": sizes, "warnings": ui.warnings}}))
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env.pop("QT_IM_MODULE", None)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120)
    assert run.returncode == 0, run.stderr[-2000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    sizes = report["sizes"]
    (keys, strip), (big_keys, big_strip) = sizes["standard"], sizes["elderly"]
    assert big_keys >= 1.25 * keys and big_strip >= 1.25 * strip     # portrait: a third larger
    assert sizes["standard_again"] == sizes["standard"]               # and back again
    assert sizes["first"] == sizes["elderly"]          # also when the kiosk starts in 长辈版
    assert sizes["elderly_landscape"][0] >= sizes["standard_landscape"][0]
    assert sizes["elderly_landscape"][0] <= max(1080 / 2, sizes["standard_landscape"][0])
    assert report["warnings"] == []
