"""The device manager against a real receipt printer on its loopback simulator, plus failures."""
from __future__ import annotations

from pathlib import Path

import pytest

from devices.health import DeviceState, Health
from devices.manager import DeviceManager
from devices.printers.receipt import PrinterStatus, open_receipt_printer
from devices.printers.receipt.simulator import ReceiptPrinterSimulator


class Exploding:
    """A driver whose start fails a set number of times, then works; health can raise too."""

    def __init__(self, name: str, start_failures: int = 0) -> None:
        self.name, self.start_failures, self.starts, self.stops = name, start_failures, 0, 0
        self.health_raises = False

    def start(self) -> None:
        self.starts += 1
        if self.starts <= self.start_failures:
            raise OSError("port vanished")

    def stop(self) -> None:
        self.stops += 1

    def health(self) -> Health:
        if self.health_raises:
            raise RuntimeError("driver bug")
        return Health(self.name, DeviceState.READY, "ready", "正常")


@pytest.fixture()
def printer_sim():
    with ReceiptPrinterSimulator() as sim:
        yield sim


def test_real_printer_health_changes_are_published_only_on_change(tmp_path: Path, printer_sim) -> None:
    printer = open_receipt_printer(printer_sim.uri, tmp_path / "journal.db")
    seen: list[Health] = []
    manager = DeviceManager({"receipt_printer": printer}, on_change=seen.append)
    manager.poll_once(0)
    manager.poll_once(1)
    assert [h.state for h in seen] == [DeviceState.READY] and manager.can_print_receipt()
    printer_sim.set_state(PrinterStatus.PAPER_OUT)
    manager.poll_once(2)
    assert seen[-1].code == "paper_out" and not manager.can_print_receipt()
    manager.poll_once(3)
    assert len(seen) == 2                           # unchanged: not published again
    printer_sim.set_state(PrinterStatus.READY)
    manager.poll_once(4)
    assert manager.can_print_receipt() and len(seen) == 3
    manager.stop()


def test_a_failing_device_is_retried_with_backoff_and_does_not_stop_the_others(
        tmp_path: Path, printer_sim) -> None:
    flaky = Exploding("idcard", start_failures=3)
    printer = open_receipt_printer(printer_sim.uri, tmp_path / "journal.db")
    manager = DeviceManager({"idcard": flaky, "receipt_printer": printer},
                            backoff_s=1, max_backoff_s=4)
    manager.poll_once(0)
    assert not manager.can_read_card() and manager.can_print_receipt()
    assert "1秒后重试" in manager.health("idcard").message
    manager.poll_once(0.5)
    assert flaky.starts == 1                        # still backing off
    manager.poll_once(1)                            # 2nd failure -> 2 s
    manager.poll_once(3)                            # 3rd failure -> 4 s
    assert "4秒后重试" in manager.health("idcard").message
    manager.poll_once(6.9)
    assert flaky.starts == 3
    manager.poll_once(7)
    assert flaky.starts == 4 and manager.can_read_card()
    manager.stop()


def test_health_that_raises_is_isolated_and_the_device_restarted(tmp_path: Path) -> None:
    dev = Exploding("camera")
    manager = DeviceManager({"camera": dev}, backoff_s=1)
    manager.poll_once(0)
    dev.health_raises = True
    manager.poll_once(1)
    assert manager.health("camera").state is DeviceState.DISCONNECTED and dev.stops == 1
    dev.health_raises = False
    manager.poll_once(2)
    assert manager.can_capture_face() and dev.starts == 2


def test_unconfigured_devices_are_disabled_and_a_listener_bug_is_contained() -> None:
    def bad_listener(h: Health) -> None:
        raise ValueError("listener bug")
    manager = DeviceManager({"camera": Exploding("camera")}, on_change=bad_listener)
    assert manager.poll_once(0)                     # the bug did not escape
    assert manager.health("licence_printer").state is DeviceState.DISABLED
    assert not manager.can_print_licence()
