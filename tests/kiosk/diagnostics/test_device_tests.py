"""Each device test against its simulator, healthy and in a fault state: the reader with a card,
with none and unplugged; the receipt printer ready and out of paper (its control channel); the
camera simulated and gone; the licence printer to PDF and to a CUPS queue that is not there.
Also the printed readiness report, as the printer simulator renders it to PNG."""
from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from devices.camera import CameraConfig, open_camera
from devices.health import DeviceState, Health
from devices.idcard.reader import IdCardReader
from devices.idcard.simulator import CardSimulator, simulated_cards
from devices.printers.licence import LicencePrinter, pdf_text
from devices.printers.receipt import open_receipt_printer
from devices.printers.receipt.simulator import ReceiptPrinterSimulator
from devices.simcontrol import send
from kiosk.diagnostics import camera, idcard_reader, licence_printer, receipt_printer
from kiosk.diagnostics.report import Check, Report
from tests.clock import Clock

NOW = dt.datetime(2026, 11, 21, 10, 30)


@pytest.fixture
def reader_sim() -> Iterator[tuple[CardSimulator, str, IdCardReader]]:
    sim = CardSimulator(None, paced=False)
    reader = IdCardReader(sim.start(), header_timeout=0.3, frame_timeout=1.0, retries=0)
    control = sim.open_control()
    reader.open()
    try:
        yield sim, control, reader
    finally:
        reader.close()
        sim.stop()


def test_a_test_read_shows_only_the_card_type_and_a_masked_number(reader_sim) -> None:
    _, control, reader = reader_sim
    send(control, "place resident_valid")
    result = idcard_reader.test_read(reader)
    card = simulated_cards()["resident_valid"]
    assert result.ok and result.title == "读卡成功：居民身份证"
    assert result.data["masked_number"] == card.id_number[:2] + "*" * 14 + card.id_number[-2:]
    assert result.data["check_digit_ok"] is True
    shown = repr(result.as_dict())
    assert card.id_number not in shown and card.name not in shown and card.address not in shown


def test_a_test_read_without_a_card_asks_for_one(reader_sim) -> None:
    _, control, reader = reader_sim
    send(control, "remove")
    result = idcard_reader.test_read(reader)
    assert not result.ok and result.data["status"] == "no_card" and "放在读卡区" in result.detail


def test_a_test_read_with_the_reader_unplugged_says_so(reader_sim) -> None:
    _, control, reader = reader_sim
    send(control, "unplug")
    result = idcard_reader.test_read(reader)
    assert not result.ok and result.data["status"] == "no_reader" and "连接线" in result.detail


def test_the_reader_check_states_the_fix_for_a_fault() -> None:
    down = idcard_reader.check(Health("idcard", DeviceState.DISCONNECTED, "disconnected", "读卡器未连接"), None)
    assert not down.ok and "/dev/idcard" in down.fix
    up = idcard_reader.check(Health("idcard", DeviceState.READY, "ready", "读卡器就绪"), "05.01-1")
    assert up.ok and "05.01-1" in up.detail and up.fix == ""


@pytest.fixture
def printer_sim(tmp_path: Path):
    sim = ReceiptPrinterSimulator(out_dir=tmp_path / "paper", control_port=0).start()
    printer = open_receipt_printer(sim.uri, tmp_path / "receipts.db")
    try:
        yield sim, f"tcp://127.0.0.1:{sim.control_port}", printer
    finally:
        printer.close()
        sim.stop()


def test_a_test_print_comes_out_of_the_printer(printer_sim) -> None:
    sim, _, printer = printer_sim
    result = receipt_printer.test_print(printer, "kiosk-7", NOW)
    assert result.ok
    paper = sim.wait_for_receipt(0)
    assert "打印测试页" in paper.text and "设备编号：kiosk-7" in paper.text and "申请编号" not in paper.text


def test_with_the_paper_out_the_test_page_is_withdrawn_not_printed_later(printer_sim) -> None:
    sim, control, printer = printer_sim
    send(control, "state paper_out")
    result = receipt_printer.test_print(printer, "kiosk-7", NOW)
    assert not result.ok and result.data["status"] == "paper_out"
    assert "缺纸" in result.title and "纸卷" in result.detail
    assert printer.pending_jobs == ()
    send(control, "state ready")
    assert printer.retry_pending() == [] and sim.printed == 0
    health = printer.health()
    assert receipt_printer.check(health).ok


def test_the_printed_report_names_each_fault_and_its_fix(printer_sim, tmp_path: Path) -> None:
    sim, _, printer = printer_sim
    report = Report("kiosk-7", "0.1.0", NOW.timestamp(), (
        Check("idcard_reader", True, "读卡器就绪"),
        Check("receipt_printer", False, "回执打印机缺纸", "装入新的纸卷"),
        Check("clock", False, "本机时钟比平台快 412 秒", "timedatectl set-ntp true")))
    assert receipt_printer.print_report(printer, report).ok
    paper = sim.wait_for_receipt(0)
    for words in ("自助机就绪报告", "2 项需要处理", "故障：回执打印机缺纸", "处理：装入新的纸卷",
                  "timedatectl", "不含任何群众个人信息"):
        assert words in paper.text.replace("\n", ""), words
    image = cv2.imread(str(paper.png))
    assert image is not None and image.shape[1] == 576 and image.shape[0] > 600


def test_a_camera_that_is_gone_is_a_fault_with_the_fix(tmp_path: Path) -> None:
    cam = open_camera(CameraConfig(source="/dev/video-none-here"))
    cam.start()
    try:
        check = camera.check(cam.health())
        assert not check.ok and "摄像头" in check.detail and "/dev/video0" in check.fix
        shot = camera.preview(cam, timeout_s=0.05)
        assert shot.jpeg == b"" and shot.faces == 0 and "摄像头" in shot.status
    finally:
        cam.stop()


def test_the_preview_boxes_the_face_and_runs_the_quality_checks() -> None:
    cam = open_camera(CameraConfig(source="sim://live"))
    cam.start()
    try:
        shot = camera.preview(cam, fps=12.5, timeout_s=5.0)
        assert shot.faces == 1 and shot.ok and shot.prompts == () and shot.fps == 12.5
        picture = cv2.imdecode(np.frombuffer(shot.jpeg, np.uint8), cv2.IMREAD_COLOR)
        assert picture.shape[1] == camera.PREVIEW_WIDTH
        green = (picture[:, :, 1] > 140) & (picture[:, :, 0] < 100) & (picture[:, :, 2] < 100)
        assert green.sum() > 200                      # the box is drawn
        send(cam.control, "mode absent")
        empty = camera.preview(cam, timeout_s=5.0)
        while empty.faces:                            # frames already grabbed still show her
            empty = camera.preview(cam, timeout_s=5.0)
        assert not empty.ok and "未检测到人脸" in empty.prompts[0]
    finally:
        cam.stop()


def test_frames_per_second_come_from_the_camera_and_the_injected_clock() -> None:
    class Stats:
        grabbed = 0

    class Cam:
        def stats(self) -> Stats:
            return Stats

    clock = Clock()
    p = camera.CameraPreview(Cam(), lambda shot: None, clock=clock)   # type: ignore[arg-type]
    assert p.fps() == 0.0
    Stats.grabbed, clock.now = 30, clock.now + 2
    assert p.fps() == 15.0


def test_the_licence_test_page_is_a_specimen_on_the_licence_layout(tmp_path: Path) -> None:
    printer = LicencePrinter(f"pdf://{tmp_path / 'licences'}")
    result = licence_printer.print_test_page(printer, NOW.date())
    assert result.ok, result
    pdf = tmp_path / "licences" / result.data["file"]
    text = pdf_text(pdf)            # QtPdf gives some glyphs back as radicals (页 as ⻚)
    assert "打印机测试" in text and "000000000000000000" in text and "自助机技术维护" in text.replace("⾃", "自")
    assert licence_printer.check(printer, printer.health()).ok


def test_a_cups_queue_that_is_not_there_is_a_fault_with_the_fix() -> None:
    printer = LicencePrinter("cups://no-such-licence-queue")
    result = licence_printer.print_test_page(printer, NOW.date())
    assert not result.ok and result.data["status"] in ("not_found", "no_cups")
    assert "lpstat" in result.detail or "cups" in result.detail
    check = licence_printer.check(printer, printer.health())
    assert not check.ok and "no-such-licence-queue" in check.detail
