"""``kiosk diag`` as a technician runs it, in processes: the readiness report of a healthy
kiosk and of a broken one (every device and the platform missing), and the device tests asked
of a running kiosk over its socket (it holds the ports), or run by the command itself."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from central.testing import PlatformHandle, running_platform
from contract.envelope import public_key_text
from devices.simcontrol import send
from kiosk.diagnostics.report import REQUIRED

ROOT = Path(__file__).resolve().parents[3]
CHILD = Path(__file__).with_name("kiosk_child.py")


def diag(config: Path | None, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("KIOSK_CONFIG", None)
    if config:
        env["KIOSK_CONFIG"] = str(config)
    return subprocess.run([sys.executable, "-m", "kiosk.cli", "diag", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def central(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlatformHandle]:
    with running_platform(tmp_path_factory.mktemp("central")) as handle:
        yield handle


def raw_ed25519(key) -> str:  # noqa: ANN001
    import base64
    return base64.b64encode(key.public_bytes(serialization.Encoding.Raw,
                                             serialization.PublicFormat.Raw)).decode()


def test_a_healthy_kiosk_reports_every_check_ok(tmp_path: Path, central: PlatformHandle) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n[platform]\nurl = "{central.base_url}"\n'
                      f'public_key = "{public_key_text(central.platform_public_key)}"\n'
                      f'decision_key = "{raw_ed25519(central.decision_public_key)}"\n',
                      encoding="utf-8")
    done = diag(config, "--json")
    assert done.returncode == 0, done.stdout + done.stderr[-3000:]
    report = json.loads(done.stdout)
    names = [c["name"] for c in report["checks"]]
    assert set(REQUIRED) <= set(names) and report["ok"] is True
    assert all(c["ok"] and c["detail"] and set(c) == {"name", "ok", "detail", "fix"}
               for c in report["checks"])
    assert report["kiosk_id"] == "kiosk-dev-0001"


def test_a_broken_kiosk_says_what_is_wrong_and_exits_1(tmp_path: Path) -> None:
    port = closed_port()
    config = tmp_path / "kiosk.toml"
    config.write_text(
        f'data_dir = "{tmp_path / "data"}"\n'
        f'[platform]\nurl = "http://127.0.0.1:{port}"\npublic_key = "{"A" * 43}="\n'
        f'decision_key = "{"A" * 43}="\n'
        f'[devices]\nidcard = "{tmp_path / "no-reader"}"\ncamera = "/dev/video-none-here"\n'
        f'receipt_printer = "tcp://127.0.0.1:{port}"\nlicence_printer = "cups:no-such-queue"\n',
        encoding="utf-8")
    done = diag(config, "--json")
    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    checks = {c["name"]: c for c in json.loads(done.stdout)["checks"]}
    for name in ("idcard_reader", "camera", "receipt_printer", "licence_printer", "platform", "clock"):
        assert checks[name]["ok"] is False and checks[name]["fix"], checks[name]
    assert "读卡器" in checks["idcard_reader"]["detail"]
    assert "摄像头" in checks["camera"]["detail"]
    assert "无法连接回执打印机" in checks["receipt_printer"]["detail"]
    assert "no-such-queue" in checks["licence_printer"]["detail"]
    assert checks["queue"]["ok"] and checks["config"]["ok"] and checks["disk"]["ok"]
    text = diag(config)
    assert text.returncode == 1 and "[故障 FAULT] 身份证阅读器 (idcard_reader)" in text.stdout


def test_device_tests_are_asked_of_the_running_kiosk(tmp_path: Path) -> None:
    data = tmp_path / "data"
    child = subprocess.Popen([sys.executable, str(CHILD), str(data)], cwd=ROOT, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                             env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
    try:
        controls = json.loads(child.stdout.readline())["controls"]
        config = tmp_path / "kiosk.toml"
        config.write_text(f'data_dir = "{data}"\n', encoding="utf-8")
        # The card lies on the running kiosk's reader: only the kiosk itself can read it.
        send(controls["idcard"], "place resident_valid")
        read = diag(config, "test-read", "--json")
        assert read.returncode == 0, read.stdout + read.stderr[-2000:]
        assert json.loads(read.stdout)["data"]["card_type"] == "居民身份证"
        send(controls["receipt_printer"], "state paper_out")
        printed = diag(config, "test-print")
        assert printed.returncode == 1 and "缺纸" in printed.stdout
        send(controls["receipt_printer"], "state ready")
        assert diag(config, "test-print").returncode == 0
        report = json.loads(diag(config, "--json").stdout)
        assert {c["name"] for c in report["checks"]} >= set(REQUIRED)
        assert {c["name"]: c["ok"] for c in report["checks"]}["platform"] is True
    finally:
        child.stdin.close()
        assert child.wait(timeout=60) == 0
    audit = [json.loads(line) for line in (data / "audit" / "audit.log").read_text().splitlines()]
    tests = [(e["event"], e["fields"]["surface"], e["fields"]["disposition"]) for e in audit
             if e["event"].startswith("diagnostics-test")]
    assert tests == [("diagnostics-test-read", "cli", "success"),
                     ("diagnostics-test-print", "cli", "failure"),
                     ("diagnostics-test-print", "cli", "success")]
    assert not (data / "run" / "diag.sock").exists()


def test_without_a_running_kiosk_the_command_opens_the_devices_itself(tmp_path: Path) -> None:
    config = tmp_path / "kiosk.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    read = diag(config, "test-read")
    assert read.returncode == 1 and "读卡区没有证件" in read.stdout    # its own, empty simulator
    printed = diag(config, "test-print", "--json")
    assert printed.returncode == 0 and json.loads(printed.stdout)["ok"] is True


def test_hash_pin_reads_a_pin_and_refuses_a_bad_one(tmp_path: Path) -> None:
    env = dict(os.environ)
    env.pop("KIOSK_CONFIG", None)
    good = subprocess.run([sys.executable, "-m", "kiosk.cli", "diag", "hash-pin"], cwd=ROOT,
                          input="135790\n", capture_output=True, text=True, timeout=60, env=env)
    assert good.returncode == 0 and good.stdout.startswith("$argon2id$")
    bad = subprocess.run([sys.executable, "-m", "kiosk.cli", "diag", "hash-pin"], cwd=ROOT,
                         input="12ab\n", capture_output=True, text=True, timeout=60, env=env)
    assert bad.returncode == 2 and "4到12位数字" in bad.stdout
