"""open_reader: configuration, the in-process simulator and its production guard; the CLI."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from devices.idcard import (
    CardRead,
    IdCardReader,
    ReaderConfig,
    SimulatorRefused,
    open_reader,
)
from devices.idcard.simulator import CardSimulator, simulated_cards

ROOT = Path(__file__).resolve().parents[3]


def test_a_device_path_gives_a_plain_reader() -> None:
    reader = open_reader(ReaderConfig(port="/dev/ttyUSB0", poll_interval=0.4))
    assert isinstance(reader, IdCardReader)
    assert reader.url == "/dev/ttyUSB0" and reader.poll_interval == 0.4
    assert reader.simulator is None
    reader.close()


def test_a_mapping_passes_unknown_keys_to_the_reader() -> None:
    reader = open_reader({"port": "loop://", "header_timeout": 0.5, "photo_library": None})
    assert reader.transport.header_timeout == 0.5
    reader.close()


def test_sim_port_starts_the_simulator_in_process(fast) -> None:
    got = []
    reader = open_reader(ReaderConfig(port="sim:resident_minor", options=fast), got.append)
    try:
        assert isinstance(reader.simulator, CardSimulator)
        reader.start()
        import time

        deadline = time.monotonic() + 5
        while not any(isinstance(e, CardRead) for e in got) and time.monotonic() < deadline:
            time.sleep(0.02)
        read = next(e for e in got if isinstance(e, CardRead))
        assert read.identity == simulated_cards()["resident_minor"]
        path = reader.simulator.device_path
    finally:
        reader.close()
    assert not os.path.lexists(path)  # close stopped the simulator it owned


def test_the_simulator_is_refused_in_production(monkeypatch) -> None:
    monkeypatch.setenv("KIOSK_ENV", "production")
    with pytest.raises(SimulatorRefused, match="生产环境"):
        open_reader({"port": "sim:resident_valid"})
    open_reader({"port": "/dev/idcard"}).close()  # real hardware is fine


def test_an_unknown_simulated_card_is_refused() -> None:
    with pytest.raises(ValueError, match="resident_valid"):
        open_reader({"port": "sim:nobody"})


def test_simulator_by_hand(tmp_path: Path, fast) -> None:
    link = tmp_path / "idcard"
    proc = subprocess.Popen(
        [sys.executable, "-m", "devices.idcard.simulator", "--card", "resident_valid", "--link", str(link)],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8",
    )
    try:
        first = proc.stdout.readline()
        assert str(link) in first and "resident_valid" in first
        proc.stdout.readline()

        def say(line: str) -> str:
            proc.stdin.write(line + "\n")
            proc.stdin.flush()
            return proc.stdout.readline()

        reader = IdCardReader(str(link), **fast)
        reader.open()
        assert reader.read_once() == simulated_cards()["resident_valid"]
        assert say("remove") == "removed\n"
        assert reader.read_once() is None
        assert say("place hmt_permit") == "placed hmt_permit\n"
        assert reader.read_once() == simulated_cards()["hmt_permit"]
        assert say("fault read_failure").startswith("fault read_failure")
        assert "error" in say("place nobody")
        assert "plugged=True" in say("status")
        assert "commands:" in say("help")  # several lines: the last question asked
        reader.close()
        proc.stdin.write("quit\n")
        proc.stdin.flush()
        assert proc.wait(timeout=5) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert not link.exists()
