"""``./run`` opens a real window under Xvfb: a short scripted visit on Qt's xcb platform.

The same scripted visit ``kiosk run --headless`` plays offscreen, played on a real X window
under ``xvfb-run -a`` with ``QT_QPA_PLATFORM=xcb``: it needs the xcb libraries that
scripts/bootstrap.sh installs, and fails when one is missing (Qt aborts loading the plugin).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("xvfb-run") is None,
                                reason="xvfb-run not installed (Debian package xvfb; "
                                       "scripts/bootstrap.sh installs it as root)")


def test_a_scripted_visit_runs_on_a_real_x_window(tmp_path: Path) -> None:
    script = textwrap.dedent(f"""
        import json, sys
        sys.path.insert(0, {str(ROOT)!r})
        from pathlib import Path
        from kiosk.config.settings import Settings
        from ui.main import run_headless
        from ui.qt import QGuiApplication
        out, report = run_headless(Settings(data_dir=Path({str(tmp_path / 'data')!r})),
                                   Path({str(tmp_path / 'out')!r}), "individual_business",
                                   service="guide")
        print(json.dumps({{"platform": QGuiApplication.platformName(),
                          "screens": [str(p) for p in report.screens]}}))
    """)
    env = dict(os.environ, QT_QPA_PLATFORM="xcb", HOME=str(tmp_path))
    env.pop("DISPLAY", None)
    done = subprocess.run(["xvfb-run", "-a", "-s", "-screen 0 1080x1920x24", sys.executable,
                           "-c", script], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    assert report["platform"] == "xcb"
    assert report["screens"], "no screen was drawn"
    picture = QImage(report["screens"][-1])
    assert (picture.width(), picture.height()) == (1080, 1920)
    colours = {picture.pixel(x, y) for x in range(0, 1080, 40) for y in range(0, 1920, 40)}
    assert len(colours) > 3, "the window drew nothing"
