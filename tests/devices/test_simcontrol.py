"""The simulators' control channel: commands over loopback TCP, garbage answered, never a crash."""
from __future__ import annotations

import socket

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.idcard.simulator import CardSimulator
from devices.printers.receipt.simulator import ReceiptPrinterSimulator
from devices.printers.receipt.status import PrinterStatus
from devices.simcontrol import ControlError, ControlServer, send


@pytest.fixture(scope="module")
def echo():
    server = ControlServer(lambda line: f"ok {line}" if line != "boom" else 1 / 0)
    yield server
    server.close()


def test_a_command_gets_its_reply_and_a_failing_command_an_error(echo) -> None:
    assert send(echo.url, "hello") == "ok hello"
    with pytest.raises(ControlError, match="ZeroDivisionError"):
        send(echo.url, "boom")
    assert send(echo.url, "still here") == "ok still here"


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=300))
def test_any_text_is_answered_on_one_line(echo, text) -> None:
    reply = send(echo.url, text.replace("\r", ""))
    assert reply.startswith("ok") and "\n" not in reply


def test_raw_garbage_and_a_huge_line_do_not_end_the_channel(echo) -> None:
    with socket.create_connection(("127.0.0.1", echo.port), timeout=5) as sock:
        sock.sendall(b"\xff\xfe\x00" * 10 + b"\n" + b"x" * 100_000 + b"\n")
        sock.shutdown(socket.SHUT_WR)
        while sock.recv(65536):
            pass
    assert send(echo.url, "after") == "ok after"


def test_nothing_listening_and_a_bad_url_are_control_errors() -> None:
    with pytest.raises(ControlError):
        send("tcp://127.0.0.1:1", "place resident_valid", timeout=1)
    with pytest.raises(ControlError, match="not a control channel"):
        send("/dev/idcard", "x")


def test_the_card_reader_simulator_is_driven_through_its_channel(tmp_path) -> None:
    with CardSimulator(link_path=tmp_path / "idcard") as sim:
        url = sim.open_control()
        assert send(url, "place resident_valid") == "placed resident_valid"
        assert sim.card is not None and sim.card.name == "张三"
        assert send(url, "remove") == "removed" and sim.card is None
        with pytest.raises(ControlError, match="no test card"):
            send(url, "place nobody")
        assert "commands:" in send(url, "help")


def test_the_receipt_printer_simulator_can_be_slow_or_silent() -> None:
    with ReceiptPrinterSimulator(control_port=0) as sim:
        url = f"tcp://127.0.0.1:{sim.control_port}"
        assert send(url, "last") == "ok 0"
        assert send(url, "state paper_out").startswith("ok state=paper_out")
        assert sim.state is PrinterStatus.PAPER_OUT
        assert send(url, "delay 0.5").startswith("ok")
        assert send(url, "silent").startswith("ok")
        with pytest.raises(ControlError):
            send(url, "delay nan")
        with pytest.raises(ControlError):
            send(url, "delay -1")


def test_who_stands_in_front_of_the_camera_simulator_is_set_through_its_channel() -> None:
    from devices.camera.detector import HaarDetector
    from devices.camera.simulator import SimulatedPerson, SimulatorSource

    source = SimulatorSource(SimulatedPerson("live"), fps=1000)
    url = source.open_control()
    try:
        detector = HaarDetector()
        assert detector.detect(source.read())
        assert send(url, "mode absent") == "ok mode=absent"
        assert not detector.detect(source.read())
        with pytest.raises(ControlError, match="unknown mode"):
            send(url, "mode ghost")
        assert send(url, "status") == "ok mode=absent"
    finally:
        source.close()
