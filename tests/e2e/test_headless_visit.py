"""The README's main job, end to end, run as a newcomer runs it: ``kiosk run`` in a process.

One visit on embedded defaults with every real part: the simulated reader on a pty, the
simulated person in front of OpenCV, kiosk-central on loopback, the ESC/POS printer simulator on
TCP, the licence to PDF, the screens offscreen. Its own process also keeps its Qt engine apart
from the UI tests' one.
"""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from devices.idcard.simulator import simulated_cards
from offline_queue.outbox import Outbox


def test_a_whole_visit_is_approved_printed_and_leaves_no_personal_data(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{data}"\n', encoding="utf-8")
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", KIOSK_CONFIG=str(config))
    done = subprocess.run([sys.executable, "-m", "kiosk.cli", "run", "--headless", "--out", str(out)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "平台结果：approved" in done.stdout and str(out) in done.stdout

    screens = sorted(p.name for p in (out / "screens").glob("*.png"))
    assert screens[:3] == ["01-id_card.png", "02-face.png", "03-subject_type.png"]
    assert "20-done.png" in screens and screens[-1] == "99-ended.png"
    receipt = (out / "receipt.txt").read_text(encoding="utf-8")
    assert "申请编号" in receipt and "杭州青禾百货有限公司" in receipt
    assert (out / "licence.pdf").stat().st_size > 10_000 and (out / "licence.png").exists()
    # The licence came from a decision whose platform signature the kiosk verified.
    outbox = Outbox(data / "queue" / "outbox.db", None)
    try:
        (row,) = outbox.report_rows()
        status = outbox.status(row["submission_id"])
    finally:
        outbox.close()
    assert status.decided and status.verified and status.licence is not None
    printed = data / "licences" / f"{status.licence['uscc']}-original.pdf"
    assert printed.read_bytes() == (out / "licence.pdf").read_bytes()

    card = simulated_cards()["resident_valid"]
    assert card.name not in receipt and card.id_number not in receipt     # masked on paper
    for f in (data / "queue").iterdir():                                    # sealed at rest
        blob = f.read_bytes()
        assert card.id_number.encode() not in blob and card.name.encode("utf-8") not in blob
    assert not any(p.is_file() for p in (data / "sessions").rglob("*"))     # wiped
