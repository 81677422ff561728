"""create_app fails loudly: broken QML raises, a missing CJK font raises; the keyboard loads."""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import ui.app as app_module
from ui.app import FontMissingError, ensure_cjk_font

ROOT = Path(__file__).resolve().parents[2]


def test_broken_qml_raises_with_the_message(tmp_path: Path) -> None:
    # In its own process: in Qt 6.12 a failed load leaves the type registry unfit for the
    # shared UI the other tests use.
    bad = tmp_path / "Broken.qml"
    bad.write_text("import QtQuick\nWindow { visible: true; width: nosuchname.width }\n",
                   encoding="utf-8")
    script = textwrap.dedent(f"""
        import sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from kiosk.flow.session import Session
        from ui.app import QmlLoadError, create_app
        from kiosk.flow.session import NoSubmit
        session = Session(NoSubmit(), Path({str(tmp_path)!r}))
        try:
            create_app(session, keyboard=False, tick=False, main_qml=Path({str(bad)!r}))
        except QmlLoadError as e:
            print("raised:", e)
    """)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=dict(os.environ, QT_QPA_PLATFORM="offscreen"), timeout=120)
    assert "raised: Broken.qml did not load cleanly" in run.stdout, run.stderr[-2000:]
    assert "nosuchname" in run.stdout


def test_a_missing_chinese_font_is_an_error_not_empty_boxes(qapp, monkeypatch) -> None:
    monkeypatch.setattr(app_module, "CJK_FAMILY", "No Such CJK Family SC")
    monkeypatch.setattr(app_module, "CJK_FONT_FILES", ())
    with pytest.raises(FontMissingError, match="fonts-noto-cjk"):
        ensure_cjk_font(qapp)


def test_the_real_font_is_the_simplified_chinese_face(qapp) -> None:
    assert ensure_cjk_font(qapp) == "Noto Sans CJK SC"
    assert qapp.font().family() == "Noto Sans CJK SC"


@pytest.mark.skipif(not app_module.keyboard_available(), reason="Qt Virtual Keyboard not installed")
def test_the_virtual_keyboard_panel_loads_in_its_own_process(tmp_path: Path) -> None:
    # QT_IM_MODULE must be set before the application exists, so this needs a fresh process.
    script = textwrap.dedent(f"""
        import sys, tempfile
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from kiosk.flow.session import Session
        from ui.app import create_app
        from ui.bridges.session_bridge import EventRelay
        from ui.qt import QObject
        from ui.robot import Robot
        from kiosk.flow.session import NoSubmit
        relay = EventRelay()
        session = Session(NoSubmit(), Path({str(tmp_path)!r}), listener=relay)
        ui = create_app(session, relay, tick=False)
        assert ui.window.findChild(QObject, "keyboard") is None      # not before the first frame
        Robot(ui).wait(lambda: ui.window.findChild(QObject, "keyboard") is not None,
                       "the keyboard, made once the start page is on screen", 10)
        ui.session.begin()
        ui.app.processEvents()
        panel = ui.window.findChild(QObject, "keyboard")
        assert ui.app_bridge.keyboard and panel is not None
        assert panel.property("userDataPath") == ui.session.keyboardDir != ""
        assert ui.warnings == []
        print("ok")
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path))
    env.pop("QT_IM_MODULE", None)
    run = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                         env=env, timeout=120)
    assert run.returncode == 0 and run.stdout.strip().endswith("ok"), run.stderr[-2000:]
