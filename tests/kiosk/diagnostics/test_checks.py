"""The checks that are not devices: the platform's reachability and the clock against it (a
real platform on loopback; the kiosk's clock moved), the queue, removable drives and export."""
from __future__ import annotations

import datetime as dt
import http.server
import json
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey

from central.testing import running_platform
from contract.signing import MAX_SKEW_SECONDS
from devices.printers.receipt.journal import JobState
from kiosk.diagnostics import clock, drives, platform, queue
from kiosk.diagnostics.report import REQUIRED, Check, Report
from kiosk.visit.paper import HallTexts
from offline_queue.outbox import Outbox


@pytest.fixture(scope="module")
def platform_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with running_platform(tmp_path_factory.mktemp("central")) as handle:
        yield handle.base_url


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_a_reachable_platform_with_the_same_clock(platform_url: str) -> None:
    p = platform.probe(platform_url)
    assert p.reachable and 0 < p.latency_ms < 1000 and p.server_time is not None
    assert platform.check(p).ok and "往返" in platform.check(p).detail
    c = clock.check(p)
    assert c.ok and "一致" in c.detail and abs(clock.offset(p)) < 2


@pytest.mark.parametrize("skew, ok, says", [(+400, False, "快 400 秒"), (-350, False, "慢 350 秒"),
                                            (+150, True, "请尽快校准"), (+30, True, "以内")])
def test_a_kiosk_clock_off_by_more_than_the_signatures_allow_is_a_fault(platform_url: str, skew: int,
                                                                         ok: bool, says: str) -> None:
    p = platform.probe(platform_url, wall_clock=lambda: time.time() + skew)
    c = clock.check(p)
    assert c.ok is ok and says in c.detail
    if not ok:
        assert f"{MAX_SKEW_SECONDS} 秒" in c.detail and "timedatectl set-ntp true" in c.fix


def test_an_unreachable_platform_is_a_fault_and_the_clock_cannot_be_checked() -> None:
    p = platform.probe(f"http://127.0.0.1:{closed_port()}")
    assert not p.reachable and "无法连接" in p.error
    assert not platform.check(p).ok and "网线" in platform.check(p).fix
    assert not clock.check(p).ok and "无法与平台对时" in clock.check(p).detail
    none = platform.probe("")
    assert not none.reachable and "kiosk run" in platform.check(none).fix


class Junk(http.server.BaseHTTPRequestHandler):
    bodies: list[tuple[int, bytes, dict]] = []

    def do_GET(self) -> None:  # noqa: N802
        status, body, headers = Junk.bodies.pop(0)
        self.send_response(status)
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.parametrize("status, body, headers", [
    (200, b"not json", {}), (200, b"[1, 2]", {}), (200, b'{"ok": true, "time": "yesterday"}', {}),
    (200, b'{"ok": true, "time": NaN}', {}), (200, b'{"ok": true, "time": "' + b"9" * 5000 + b'"}', {}),
    (200, b'{"ok": 1}', {"Date": "garbage"}), (500, b"{}", {"Date": "Tue, 99 Xyz 2026 99:99:99 GMT"}),
    (200, b'{"ok": true, "time": "2026-11-21T10:00:00"}', {}),       # no zone: not a UTC time
    (301, b"", {"Location": "http://example.invalid/"}),
])
def test_a_platform_answering_garbage_never_breaks_the_probe(status: int, body: bytes,
                                                             headers: dict) -> None:
    server = http.server.HTTPServer(("127.0.0.1", 0), Junk)
    Junk.bodies = [(status, body, headers)]
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        p = platform.probe(f"http://127.0.0.1:{server.server_port}")
    finally:
        thread.join(10)
        server.server_close()
    assert p.url and p.latency_ms is not None
    assert clock.check(p).ok is False or p.server_time is not None
    assert isinstance(platform.check(p), Check)


def test_the_queue_check_holds_a_refused_submission_for_a_technician(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "outbox.db", X25519PrivateKey.generate().public_key())
    assert queue.check(None).ok
    box.enqueue("20261121-AAAABBBB", {"subject_type": "individual_business", "x": 1}, {},
                "individual_business")
    assert queue.check(box.summary()).ok
    attempt, _ = box.begin_attempt("20261121-AAAABBBB")
    box.finish_failed("20261121-AAAABBBB", attempt, "409 conflict", None)
    c = queue.check(box.summary())
    assert not c.ok and "被拒待处理 1" in c.detail and "409 conflict" in c.detail and "放行" in c.fix
    receipt = queue.reprint_receipt(box.status("20261121-AAAABBBB"),
                                    HallTexts("西湖区政务服务中心", "12345", "https://t/{id}"),
                                    dt.datetime(2026, 11, 21, 11, 0))
    rows = dict(receipt.rows)
    assert receipt.application_number == "20261121-AAAABBBB" and receipt.qr_payload == "https://t/20261121-AAAABBBB"
    assert rows["办理事项"] == "设立登记（个体工商户）" and "网络恢复后" in rows["办理结果"]
    assert "补打" in receipt.title and "#reprint-" in receipt.job_id
    box.close()


def test_held_receipts_come_from_the_journal_newest_first() -> None:
    jobs = [("A#reprint-1", JobState.PRINTED, 5.0), ("B", JobState.DISCARDED, 4.0),
            ("diag-test-1", JobState.DISCARDED, 3.0), ("A", JobState.DISCARDED, 2.0),
            ("C", JobState.PRINTED, 1.0)]
    assert [(h.application_id, h.reprinted) for h in queue.held_receipts(jobs)] == [
        ("B", False), ("A", True)]


def sample_report() -> Report:
    checks = tuple(Check(n, n != "clock", "ok", "" if n != "clock" else "对时") for n in REQUIRED)
    return Report("kiosk/../7", "0.1.0", dt.datetime(2026, 11, 21, 10, 30).timestamp(), checks,
                  {"queued": 2})


def test_only_the_usb_stick_is_offered(usb) -> None:
    mounts, sys_root, stick = usb
    found = drives.removable_drives(mounts, sys_root)
    assert [d.mount for d in found] == [stick] and found[0].fstype == "vfat"


def test_the_report_is_exported_to_the_chosen_stick_whole(usb) -> None:
    mounts, sys_root, stick = usb
    result = drives.export(sample_report(), str(stick), drives.removable_drives(mounts, sys_root))
    assert result.ok, result
    files = sorted(p.name for p in stick.iterdir())
    assert files == ["kiosk-report-kiosk_.._7-20261121-103000.json",
                     "kiosk-report-kiosk_.._7-20261121-103000.txt"]
    text = (stick / files[1]).read_text(encoding="utf-8")
    assert "[故障 FAULT] 时钟 (clock)" in text and "处理 (fix): 对时" in text
    body = json.loads((stick / files[0]).read_text(encoding="utf-8"))
    assert {c["name"] for c in body["checks"]} >= set(REQUIRED) and body["ok"] is False


@pytest.mark.parametrize("chosen", ["/", "/tmp", "", None, 7, b"/media", "../../etc",
                                    "x\x00y", "/" * 5000, ["/media"]])
def test_anything_but_a_listed_drive_is_refused(usb, chosen: object) -> None:
    mounts, sys_root, stick = usb
    result = drives.export(sample_report(), chosen, drives.removable_drives(mounts, sys_root))
    assert not result.ok and result.data["status"] == "not_a_drive"
    assert not any(stick.iterdir())


def test_a_missing_or_unreadable_mount_table_lists_no_drive(tmp_path: Path) -> None:
    assert drives.removable_drives(tmp_path / "nothing", tmp_path) == []
    (tmp_path / "m").write_bytes(os.urandom(2000))
    assert drives.removable_drives(tmp_path / "m", tmp_path) == []


def test_the_report_keeps_the_promised_names_in_its_json() -> None:
    body = sample_report().as_json()
    assert [c["name"] for c in body["checks"]] == list(REQUIRED)
    assert set(body["checks"][0]) == {"name", "ok", "detail", "fix"}
