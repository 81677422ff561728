"""Every simulated reader, camera and printer fault during a visit, on the real window in a
kiosk process of its own (``device_fault_child.py``): the kiosk keeps serving, each page says
what a person needs to hear, and a clean visit follows each family of faults."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from devices.camera.quality import QualityIssue
from kiosk.flow.outcome import Outcome, Paper, VisitOutcome
from kiosk.flow.session import READER_DOWN
from kiosk.visit.paper import HallTexts, done_words

CHILD = Path(__file__).with_name("device_fault_child.py")
READER_FAULTS_SAID = {"reader-unplug", "reader-unplug_mid_frame", "reader-sam_selftest"}
#: What the done page says of a receipt the printer could not print.
RECEIPT_HELD = done_words(VisitOutcome("X", Outcome.APPROVED, receipt=Paper.HELD),
                          HallTexts("", "", "{id}")).receipt


def run_family(tmp_path: Path, family: str) -> dict[str, dict]:
    done = subprocess.run([sys.executable, str(CHILD), str(tmp_path / "data"), family],
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=600)
    visits = {}
    for line in done.stdout.splitlines():
        if line.startswith("{"):
            visit = json.loads(line)
            visits[visit["scenario"]] = visit
    stuck = [v for v in visits.values() if not v["finished"]]
    assert done.returncode == 0 and not stuck, (stuck or done.stderr[-3000:])
    return visits


@pytest.mark.parametrize("family", ["reader", "printer", "camera"])
def test_each_device_fault_during_a_visit(tmp_path: Path, family: str) -> None:
    visits = run_family(tmp_path, family)
    assert f"{family}-after" in visits and len(visits) >= 2
    for name, visit in visits.items():
        assert visit["outcome"] == "approved", name          # the kiosk went on serving
        said = visit["said"]
        if name in READER_FAULTS_SAID:
            assert READER_DOWN in said, name
        elif name.startswith("reader-"):                     # the driver retried: no message
            assert READER_DOWN not in said, name
        if name in ("printer-paper_out", "printer-silent"):
            assert visit["receipt"] == Paper.HELD.value
            assert RECEIPT_HELD and RECEIPT_HELD in said     # the number to show at the desk
        else:
            assert visit["receipt"] == Paper.PRINTED.value, name
        if name == "camera-absent":
            assert QualityIssue.NO_FACE.prompt in said
