"""Benchmark: from a tap to the next page painted, over whole visits.

A child process runs scripted visits on the real kiosk window (offscreen, simulated devices,
the platform on loopback). Every page change of a visit is timed to the first frame swapped
with the next page in it: from the press of the tap that made it (开始办理, a choice, 下一步, 确认
提交), or, where the devices move the visit on (the card read, the face check), from the moment
the session moves on. The first visit of a process is included (its pages are compiled on
first use). The peer, in the same process, is a trivial window whose Loader switches between
two empty items on a tap. Reports the p95 over every page change (target 50 ms) and its ratio
to the peer's.

Run: ``python bench/screen_change.py [--visits N]``
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.result import Result, emit, percentile  # noqa: E402

CHILD = r"""
import json, os, sys, time
from pathlib import Path
sys.path.insert(0, sys.argv[3])
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from kiosk.config.settings import Settings
from kiosk.domain.samples import trade_name
from ui.main import kiosk_with_ui
from ui.qt import QObject, QQmlComponent, QUrl, Qt
from ui.robot import Robot
from ui.scripted_visit import ScriptedVisit

def timed(robot, window, changes):
    # The peer's taps: from the press to the next frame swapped.
    swaps = []
    window.frameSwapped.connect(lambda: swaps.append(time.perf_counter()),
                                Qt.ConnectionType.DirectConnection)
    tap = robot.tap
    def timed_tap(name):
        robot.look()                  # the page as shown before the finger comes down
        start = time.perf_counter()
        tap(name)
        seen = len(swaps)
        window.update()
        robot.wait(lambda: len(swaps) > seen, "a frame of the next page", 10)
        changes.append(swaps[-1] - start)
    robot.tap = timed_tap

class PageChanges:
    # Every page change of the kiosk's visits: from the tap that made it, or, for a change the
    # devices make (the card read, the face check), from the moment the session moved on; to
    # the first frame swapped with the new page in it.
    def __init__(self, ui):
        self.ui, self.changes, self.steps = ui, [], []
        self.start = self.tap_at = None
        self.shown = False
        direct = Qt.ConnectionType.DirectConnection
        ui.session.stepChanged.connect(self.moved, direct)
        ui.session.screenChanged.connect(self.moved, direct)
        ui.window.findChild(QObject, "screenLoader").itemChanged.connect(self.made, direct)
        ui.window.frameSwapped.connect(self.swapped, direct)
    def moved(self):
        if self.start is None:
            self.start, self.shown = self.tap_at or time.perf_counter(), False
    def made(self):
        self.shown = self.start is not None
    def swapped(self):
        if self.start is not None and self.shown:
            self.changes.append(time.perf_counter() - self.start)
            self.steps.append(self.ui.session.step)
            self.start = None
    def painted(self, robot):
        if self.start is not None:
            self.ui.window.update()
            robot.wait(lambda: self.start is None, "a frame of the next page", 10)
    def time_taps(self, robot):
        tap = robot.tap
        def timed_tap(name):
            self.painted(robot)       # a change the devices made, seen before the next tap
            robot.look()              # the page as shown before the finger comes down
            self.tap_at = time.perf_counter()
            try:
                tap(name)
            finally:
                self.tap_at = None
            self.painted(robot)
        robot.tap = timed_tap

settings = Settings(data_dir=Path(sys.argv[1]))
trivial = []
with kiosk_with_ui(settings, keyboard=False, tick=False) as (kiosk, ui):
    pages = PageChanges(ui)
    for n in range(int(sys.argv[2])):
        visit = ScriptedVisit(kiosk, ui, None)
        pages.time_taps(visit.robot)
        visit.run("natural_person_llc", trade=trade_name(n))
        pages.painted(visit.robot)
    # The peer: a Loader switching between two empty items, tapped the same way.
    component = QQmlComponent(ui.engine)
    component.setData(b'''import QtQuick
import QtQuick.Controls.Basic
Window { width: 1080; height: 1920; visible: true
  property bool flip: false
  Loader { anchors.fill: parent; sourceComponent: parent.flip ? a : b }
  Component { id: a; Item {} } Component { id: b; Item {} }
  Button { objectName: "continueButton"; width: 300; height: 100; y: 1700
           onClicked: parent.flip = !parent.flip } }''', QUrl())
    window = component.create()
    class Ui: pass
    peer = Ui(); peer.app, peer.window = ui.app, window
    robot = Robot(peer)
    timed(robot, window, trivial)
    for _ in range(60):
        robot.tap("continueButton")
    window.close()
print(json.dumps({"changes": pages.changes, "steps": pages.steps, "trivial": trivial}))
"""


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--visits", type=int, default=3)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        done = subprocess.run([sys.executable, "-c", CHILD, str(Path(tmp) / "data"),
                               str(args.visits), str(ROOT)],
                              env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                              capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
        return 1
    data = json.loads(done.stdout.strip().splitlines()[-1])
    ours, peer = [t * 1e3 for t in data["changes"]], [t * 1e3 for t in data["trivial"]]
    p95, peer95 = percentile(ours, 95), percentile(peer, 95)
    print(f"{len(ours)} page changes over {args.visits} visits: p95 {p95:.1f} ms, "
          f"max {max(ours):.1f} ms (first visit included); a trivial Loader switch: "
          f"p95 {peer95:.1f} ms")
    emit(Result("screen_change_p95", p95, "ms", target=50),
         Result("screen_change_vs_trivial_loader", p95, "ms", target=3.0, baseline=peer95))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
