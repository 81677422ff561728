"""``kiosk-central``: first start creates keys, admin commands change the database, serve works."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import requests
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from central.__main__ import main
from central.store import Store
from central.testing import SignedClient
from contract.signing import public_key_text

ROOT = Path(__file__).resolve().parents[2]


def test_register_add_user_and_bad_arguments(tmp_path, capsys, monkeypatch):
    data = tmp_path / "data"
    key = Ed25519PrivateKey.generate()
    assert main(["--data", str(data), "--register-kiosk", "kiosk-cli-01",
                 public_key_text(key.public_key())]) == 0
    assert (data / "keys" / "platform_x25519.pub").read_text().strip()
    assert (data / "keys" / "config_ed25519.pub").read_text().strip()
    assert Store.in_dir(data).kiosk_key("kiosk-cli-01") == public_key_text(key.public_key())
    monkeypatch.setenv("KIOSK_CENTRAL_PASSWORD", "a-long-admin-password")
    assert main(["--data", str(data), "--add-user", "wang.admin", "administrator"]) == 0
    assert "wang.admin" in capsys.readouterr().out
    assert Store.in_dir(data).user("wang.admin")["role"] == "administrator"
    assert main(["--data", str(data), "--add-user", "li", "janitor"]) == 2
    monkeypatch.setenv("KIOSK_CENTRAL_PASSWORD", "short")
    assert main(["--data", str(data), "--add-user", "li.staff", "hall_staff"]) == 2
    assert main(["--data", str(data), "--register-kiosk", "k2", "not-a-key"]) == 2
    assert main(["--data", str(data), "--faults", "{bad json"]) == 2
    assert main(["--data", str(data), "--faults", '{"error_rate": 3}']) == 2
    assert main(["--data", str(data), "--faults", "[1]"]) == 2
    assert main(["--data", str(data), "--region", "33"]) == 2
    assert "kiosk-central:" in capsys.readouterr().err


def test_the_command_serves_on_loopback(tmp_path):
    data = tmp_path / "data"
    key = Ed25519PrivateKey.generate()
    assert main(["--data", str(data), "--register-kiosk", "kiosk-cli-01",
                 public_key_text(key.public_key())]) == 0
    proc = subprocess.Popen(
        [sys.executable, "-m", "central", "--data", str(data), "--port", "0",
         "--log-level", "warning", "--faults", '{"slow_rate": 0}'],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "listening on http://127.0.0.1:" in line, proc.stderr.read()
        base = line.split()[3]
        assert requests.get(base + "/healthz", timeout=10).json()["ok"] is True
        client = SignedClient(base, "kiosk-cli-01", key)
        assert client.request("GET", "/v1/tuf/metadata/timestamp.json").status_code == 404
        assert client.request("GET", "/v1/names/check?name=abc").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
