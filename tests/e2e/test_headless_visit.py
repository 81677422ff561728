"""The README's main job, end to end: one visit on embedded defaults with every real part.

Simulated reader on a pty, simulated person in front of OpenCV, the kiosk-central process on
loopback, the receipt printer simulator on TCP, the licence to PDF, the screens offscreen.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from devices.idcard.simulator import simulated_cards
from kiosk.config.settings import Settings

pytestmark = pytest.mark.qt


def test_a_whole_visit_is_approved_printed_and_leaves_no_personal_data(tmp_path: Path) -> None:
    from ui.main import run_headless
    data = tmp_path / "data"
    out, report = run_headless(Settings(data_dir=data), tmp_path / "out")

    assert report.remote_status == "approved"
    assert report.steps[:3] == ["id_card", "face", "subject_type"]
    assert report.steps[-1] == "done"
    screens = sorted(p.name for p in (out / "screens").glob("*.png"))
    assert len(screens) == len(report.steps) + 1 and screens[-1] == "99-ended.png"
    receipt = (out / "receipt.txt").read_text(encoding="utf-8")
    assert report.application_id in receipt and "杭州青禾百货有限公司" in receipt
    assert (out / "licence.pdf").stat().st_size > 10_000 and (out / "licence.png").exists()

    card = simulated_cards()["resident_valid"]
    assert card.name not in receipt and card.id_number not in receipt   # masked on paper
    for f in (data / "queue").iterdir():                                  # sealed at rest
        blob = f.read_bytes()
        assert card.id_number.encode() not in blob and card.name.encode("utf-8") not in blob
    assert not any(p.is_file() for p in (data / "sessions").rglob("*"))   # wiped
