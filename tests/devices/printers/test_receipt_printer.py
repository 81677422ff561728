"""The real driver (python-escpos Network/File/Serial) against the simulator: faults and exactly-once."""
from __future__ import annotations

import os
import pty
import socket
import threading
from pathlib import Path

import pytest

from devices.health import DeviceState
from devices.printers.receipt import (
    EscposTransport, JobState, PrinterStatus, PrinterUri, ReceiptPrinted, ReceiptPrinter,
    ReceiptWaiting, SubmitResult, TransportError, open_receipt_printer,
)
from devices.printers.receipt.parser import EscposParser, TextPrinted
from devices.printers.receipt.simulator import ReceiptPrinterSimulator
from devices.printers.receipt.status import replies_for


@pytest.fixture
def sim(tmp_path: Path):
    with ReceiptPrinterSimulator(out_dir=tmp_path / "paper") as s:
        yield s


@pytest.fixture
def printer(sim: ReceiptPrinterSimulator, tmp_path: Path):
    events: list[object] = []
    p = ReceiptPrinter(EscposTransport(sim.uri, timeout=1.0), tmp_path / "jobs.db", on_event=events.append)
    p.events = events  # type: ignore[attr-defined]
    yield p
    p.close()


def test_full_receipt_over_network(sim, printer, receipt) -> None:  # noqa: ANN001
    assert printer.submit(receipt) is SubmitResult.PRINTED
    (printed,) = sim.wait_for_receipts(1)
    assert "申请编号：A2026112100001" in printed.text
    assert "名称：某某县张三小吃店（个体工商户）" in printed.text
    assert "经营者：张*" in printed.text
    assert f"[二维码 {receipt.qr_payload}]" in printed.text
    assert printed.png is not None and printed.png.stat().st_size > 1000
    assert (printed.png.with_suffix(".txt")).read_text(encoding="utf-8") == printed.text
    assert printer.health().state is DeviceState.READY
    assert printer.events == [ReceiptPrinted(receipt.job_id)]


def test_same_job_twice_prints_once(sim, printer, receipt) -> None:  # noqa: ANN001
    assert printer.submit(receipt) is SubmitResult.PRINTED
    assert printer.submit(receipt) is SubmitResult.ALREADY_PRINTED
    assert len(sim.wait_for_receipts(2, timeout=0.3)) == 1


def test_paper_out_waits_then_prints_exactly_once(sim, printer, receipt) -> None:  # noqa: ANN001
    sim.set_state(PrinterStatus.PAPER_OUT)
    assert printer.submit(receipt) is SubmitResult.WAITING
    assert printer.pending_jobs == (receipt.job_id,)
    h = printer.health()
    assert (h.state, h.code) == (DeviceState.UNAVAILABLE, "paper_out")
    assert "缺纸" in h.message and "1张回执等待打印" in h.message
    assert printer.retry_pending() == []
    sim.set_state(PrinterStatus.READY)  # paper loaded
    assert printer.retry_pending() == [receipt.job_id]
    assert printer.retry_pending() == []
    assert len(sim.wait_for_receipts(2, timeout=0.3)) == 1
    assert sim.spoiled == 0
    assert printer.journal.state(receipt.job_id) is JobState.PRINTED
    assert printer.events[0] == ReceiptWaiting(receipt.job_id, PrinterStatus.PAPER_OUT)


def test_background_poller_prints_when_ready(sim, printer, make_receipt) -> None:  # noqa: ANN001
    sim.set_state(PrinterStatus.COVER_OPEN)
    assert printer.submit(make_receipt("a")) is SubmitResult.WAITING
    assert printer.submit(make_receipt("b")) is SubmitResult.WAITING
    printer.start(poll_interval=0.05)
    sim.set_state(PrinterStatus.READY)
    assert len(sim.wait_for_receipts(2, timeout=5)) == 2
    printer.stop()
    assert printer.pending_jobs == ()


@pytest.mark.parametrize(("state", "device_state"), [
    (PrinterStatus.COVER_OPEN, DeviceState.UNAVAILABLE),
    (PrinterStatus.OFFLINE, DeviceState.UNAVAILABLE),
    (PrinterStatus.ERROR, DeviceState.UNAVAILABLE),
    (PrinterStatus.PAPER_NEAR_END, DeviceState.DEGRADED),
    (PrinterStatus.DISCONNECTED, DeviceState.DISCONNECTED),
])
def test_each_fault_state(sim, printer, receipt, state, device_state) -> None:  # noqa: ANN001
    sim.set_state(state)
    h = printer.health()
    assert (h.device, h.state, h.code) == ("receipt_printer", device_state, state.value)
    result = printer.submit(receipt)
    if state.can_print:
        assert result is SubmitResult.PRINTED
        assert len(sim.wait_for_receipts(1)) == 1
    else:
        assert result is SubmitResult.WAITING
        sim.set_state(PrinterStatus.READY)
        assert printer.retry_pending() == [receipt.job_id]
        assert len(sim.wait_for_receipts(1)) == 1


def test_disconnect_mid_job_retries_and_prints_once(sim, printer, receipt) -> None:  # noqa: ANN001
    sim.drop_after(200)  # the cable comes out after 200 bytes of the receipt
    assert printer.submit(receipt) is SubmitResult.WAITING
    assert sim.wait_for_receipts(1, timeout=0.2) == []
    assert printer.journal.attempts(receipt.job_id) == 1
    assert printer.retry_pending() == [receipt.job_id]
    assert len(sim.wait_for_receipts(1)) == 1
    assert sim.incomplete == 1  # the torn first attempt never reached the cut


def test_paper_runs_out_during_job_is_not_marked_printed(sim, printer, receipt) -> None:  # noqa: ANN001
    original = printer.transport.write

    def write_then_paper_ends(data: bytes) -> None:
        original(data[:100])
        sim.set_state(PrinterStatus.PAPER_OUT)
        original(data[100:])

    printer.transport.write = write_then_paper_ends  # type: ignore[method-assign]
    assert printer.submit(receipt) is SubmitResult.WAITING
    printer.transport.write = original  # type: ignore[method-assign]
    sim.set_state(PrinterStatus.READY)
    assert printer.retry_pending() == [receipt.job_id]
    assert sim.spoiled == 1 and len(sim.wait_for_receipts(1)) == 1


def test_restart_does_not_reprint(sim, tmp_path, receipt) -> None:  # noqa: ANN001
    first = open_receipt_printer(sim.uri, tmp_path / "jobs.db")
    assert first.submit(receipt) is SubmitResult.PRINTED
    first.close()
    second = open_receipt_printer(sim.uri, tmp_path / "jobs.db")
    assert second.submit(receipt) is SubmitResult.ALREADY_PRINTED
    second.close()
    assert len(sim.wait_for_receipts(2, timeout=0.3)) == 1


def test_restart_lists_unfinished_ids_without_content(sim, tmp_path, receipt) -> None:  # noqa: ANN001
    sim.set_state(PrinterStatus.PAPER_OUT)
    first = open_receipt_printer(sim.uri, tmp_path / "jobs.db")
    assert first.submit(receipt) is SubmitResult.WAITING
    first.close()
    second = open_receipt_printer(sim.uri, tmp_path / "jobs.db")
    assert second.journal.unfinished() == [receipt.job_id]
    blob = (tmp_path / "jobs.db").read_bytes() + (tmp_path / "jobs.db-wal").read_bytes() if (
        tmp_path / "jobs.db-wal").exists() else (tmp_path / "jobs.db").read_bytes()
    assert "张".encode() not in blob and b"A2026112100001" not in blob
    sim.set_state(PrinterStatus.READY)
    assert second.submit(receipt) is SubmitResult.PRINTED
    second.close()


def test_discard_pending_is_the_wipe(sim, printer, receipt) -> None:  # noqa: ANN001
    sim.set_state(PrinterStatus.OFFLINE)
    printer.submit(receipt)
    assert printer.discard_pending() == 1
    sim.set_state(PrinterStatus.READY)
    assert printer.retry_pending() == []
    assert printer.journal.state(receipt.job_id) is JobState.DISCARDED


def test_garbage_status_reply_is_an_error_state(tmp_path, receipt) -> None:  # noqa: ANN001
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]

    def noisy() -> None:
        conn, _ = server.accept()
        with conn:
            while conn.recv(64):
                conn.sendall(b"\xff")

    threading.Thread(target=noisy, daemon=True).start()
    p = open_receipt_printer(f"tcp://127.0.0.1:{port}?timeout=1", tmp_path / "j.db")
    assert p.status() is PrinterStatus.ERROR
    assert p.submit(receipt) is SubmitResult.WAITING
    p.close()
    server.close()


def test_file_transport_writes_the_bytes(tmp_path, receipt) -> None:  # noqa: ANN001
    out = tmp_path / "out.bin"
    p = open_receipt_printer(f"file://{out}", tmp_path / "j.db")
    assert p.submit(receipt) is SubmitResult.PRINTED
    p.close()
    texts = [e.text for e in EscposParser().events(out.read_bytes()) if isinstance(e, TextPrinted)]
    assert "申请编号：A2026112100001" in texts


def test_serial_transport_on_a_pty(tmp_path, receipt) -> None:  # noqa: ANN001
    """python-escpos Serial through pyserial to a pty whose far end answers DLE EOT like a printer."""
    master, slave = pty.openpty()
    import tty
    tty.setraw(slave)
    received = bytearray()
    stop = threading.Event()

    def printer_side() -> None:
        parser = EscposParser()
        ready = replies_for(PrinterStatus.READY)
        while not stop.is_set():
            try:
                data = os.read(master, 4096)
            except OSError:
                return
            received.extend(data)
            for ev in parser.events(data):
                if type(ev).__name__ == "StatusRequested":
                    os.write(master, bytes(((ready.printer, ready.offline_cause, ready.error_cause,
                                             ready.roll_paper)[ev.n - 1],)))  # type: ignore[attr-defined]

    t = threading.Thread(target=printer_side, daemon=True)
    t.start()
    p = open_receipt_printer(f"serial://{os.ttyname(slave)}?baud=115200&timeout=1", tmp_path / "j.db")
    try:
        assert p.submit(receipt) is SubmitResult.PRINTED
    finally:
        p.close()
        stop.set()
        os.close(slave)
        os.close(master)
    assert "A2026112100001".encode() in received


def test_unreachable_printer_is_disconnected(tmp_path, receipt) -> None:  # noqa: ANN001
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    p = open_receipt_printer(f"tcp://127.0.0.1:{port}", tmp_path / "j.db")
    assert p.health().state is DeviceState.DISCONNECTED
    assert p.submit(receipt) is SubmitResult.WAITING
    p.close()


@pytest.mark.parametrize("uri", ["tcp://127.0.0.1:9100", "serial:///dev/ttyS0?baud=9600",
                                 "usb://0x0416:0x5011", "file:///tmp/out.bin"])
def test_uri_schemes_parse(uri: str) -> None:
    u = PrinterUri.parse(uri)
    assert u.scheme == uri.split(":")[0]


@pytest.mark.parametrize("uri", ["", "lpt://1", "tcp://", "usb://nope", "serial://", "file://"])
def test_bad_uris_say_why(uri: str) -> None:
    with pytest.raises(ValueError, match="printer|needs|scheme"):
        PrinterUri.parse(uri)


def test_usb_without_pyusb_is_a_clear_error() -> None:
    t = EscposTransport("usb://0x0416:0x5011")
    with pytest.raises(TransportError, match="pyusb|cannot open"):
        t.open()


def test_control_channel(tmp_path) -> None:  # noqa: ANN001
    with ReceiptPrinterSimulator(control_port=0) as s:
        with socket.create_connection(("127.0.0.1", s.control_port)) as c, c.makefile("rw") as f:
            f.write("state paper_out\n")
            f.flush()
            assert f.readline().startswith("ok state=paper_out")
            f.write("state nonsense\n")
            f.flush()
            assert f.readline().startswith("error")
        assert s.state is PrinterStatus.PAPER_OUT
