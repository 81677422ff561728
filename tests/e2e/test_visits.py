"""The README's main job, end to end, run as a newcomer runs it: ``kiosk run --headless --json``.

Each visit is its own process with every real part: the real window offscreen, tapped and
filled in by ``ui.robot``; the simulated reader on a pty; the simulated person in front of
OpenCV; the visit coordinator delivering to kiosk-central on loopback; the ESC/POS printer
simulator on TCP; the licence to PDF. Every outcome comes from the platform's real decision:
秒批 for the three types it approves, a clerk for a branch, a taken name for a correction, and
the platform down for a queued visit that the queue then delivers.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from devices.idcard.simulator import simulated_cards
from kiosk import maintenance


def visit(data: Path, out: Path, *args: str) -> tuple[dict, str]:
    config = data.parent / f"{data.name}.toml"
    config.write_text(f'data_dir = "{data}"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_CONFIG=str(config))
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "run", "--headless", "--json",
                           "--out", str(out), *args],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), done.stdout


@pytest.mark.parametrize("subject, outcome", [
    ("individual_business", "approved"), ("sole_proprietorship", "approved"),
    ("natural_person_llc", "approved"), ("branch", "review")])
def test_each_subject_type_gets_the_platforms_outcome(tmp_path: Path, subject: str,
                                                       outcome: str) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    report, said = visit(data, out, "--subject", subject)
    assert report["outcome"] == report["final"] == outcome
    assert report["application_id"] in said and str(out) in said
    screens = [Path(p).name for p in report["screens"]]
    assert screens[:4] == ["00-start.png", "01-id_card.png", "02-confirm_identity.png",
                           "03-face.png"]
    assert screens[-1].endswith(f"-done-{outcome}.png")       # the page the person sees
    assert not any("subject_type" in name for name in screens)  # chosen on the home screen
    receipt = (out / "receipt.txt").read_text(encoding="utf-8")
    assert report["application_id"] in receipt
    if outcome == "approved":
        assert "已通过审批" in receipt and "统一社会信用代码" in receipt
        assert Path(report["licence"]).stat().st_size > 10_000 and (out / "licence.png").exists()
    else:
        assert "等待登记机关审核" in receipt and report["licence"] is None

    card = simulated_cards()["resident_valid"]
    assert card.name not in receipt and card.id_number not in receipt     # masked on paper
    for f in (data / "queue").iterdir():                                    # sealed at rest
        blob = f.read_bytes()
        assert card.id_number.encode() not in blob and card.name.encode("utf-8") not in blob
    assert not any((data / "sessions").iterdir())                           # wiped
    assert report["rating"] == "sent"                   # rated on the done page, at once


def test_a_name_already_registered_needs_correction_and_says_why(tmp_path: Path) -> None:
    """A person who goes on with a name the name check says is taken; one who does not (the
    script's default) types another 字号 and is approved."""
    data = tmp_path / "data"
    first, _ = visit(data, tmp_path / "first", "--subject", "individual_business")
    # Someone else wants the same name (the same person again would be the same application).
    second, _ = visit(data, tmp_path / "second", "--subject", "individual_business",
                      "--card", "resident_long_term", "--keep-name")
    assert (first["outcome"], second["outcome"]) == ("approved", "needs_correction")
    receipt = (tmp_path / "second" / "receipt.txt").read_text(encoding="utf-8")
    assert "需要补正" in receipt and "字号" in receipt and second["licence"] is None
    third, _ = visit(data, tmp_path / "third", "--subject", "individual_business",
                     "--card", "resident_long_term")
    receipt = (tmp_path / "third" / "receipt.txt").read_text(encoding="utf-8")
    assert third["outcome"] == "approved" and "青禾" not in receipt.split("申请人")[0]


def test_offline_the_visit_is_queued_then_delivered_when_the_network_returns(
        tmp_path: Path) -> None:
    report, said = visit(tmp_path / "data", tmp_path / "out", "--offline", "--orientation",
                         "landscape", "--elderly")
    assert (report["outcome"], report["final"]) == ("queued", "approved")
    assert report["rating"] == "queued"        # kept on the kiosk; sent once the network is back
    assert "网络恢复后自动上传" in (tmp_path / "out" / "receipt.txt").read_text(encoding="utf-8")
    done = QImage(report["screens"][-1])
    assert (done.width(), done.height()) == (1920, 1080)


NIGHTLY_CHILD = Path(__file__).with_name("nightly_child.py")


def test_a_person_turned_away_by_the_nightly_maintenance_taps_again_when_it_ends(
        tmp_path: Path) -> None:
    """A kiosk in a 24-hour hall, at night: the maintenance window is open and its run is held
    when the person comes to 开始办理. The start page says why (before a tap, or after one that
    it turns away); once the run ends the person taps again and files. The scripted visit
    waits as a person would, not 30 s and gives up, as it did in a soak at 03:15."""
    now = dt.datetime.now()                       # the window is in the kiosk's local time
    start, end = now - dt.timedelta(minutes=5), now + dt.timedelta(minutes=30)
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[maintenance]\n'
                      f'start = "{start:%H:%M}"\nend = "{end:%H:%M}"\n', encoding="utf-8")
    done = subprocess.run([sys.executable, str(NIGHTLY_CHILD), str(config)],
                          env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    assert got["blocked"] and got["outcome"] == "approved"
    assert all(maintenance.MESSAGE_ZH in told for told in got["turned_away"])
