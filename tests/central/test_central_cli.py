"""``kiosk-central``: first start creates keys, admin commands change the database, serve works."""
from __future__ import annotations

import json
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


def test_register_publish_and_bad_arguments(tmp_path, capsys):
    data = tmp_path / "data"
    key = Ed25519PrivateKey.generate()
    assert main(["--data", str(data), "--register-kiosk", "kiosk-cli-01",
                 public_key_text(key.public_key())]) == 0
    assert (data / "keys" / "platform_x25519.pub").read_text().strip()
    assert (data / "keys" / "config_ed25519.pub").read_text().strip()
    assert Store.in_dir(data).kiosk_key("kiosk-cli-01") == public_key_text(key.public_key())
    payload = tmp_path / "config.json"
    payload.write_text(json.dumps({"notice": "春节期间暂停邮寄"}, ensure_ascii=False))
    assert main(["--data", str(data), "--publish-config", "pilot", str(payload)]) == 0
    assert "version 1" in capsys.readouterr().out
    assert main(["--data", str(data), "--register-kiosk", "k2", "not-a-key"]) == 2
    assert main(["--data", str(data), "--faults", "{bad json"]) == 2
    assert main(["--data", str(data), "--faults", '{"error_rate": 3}']) == 2
    assert main(["--data", str(data), "--faults", "[1]"]) == 2
    assert main(["--data", str(data), "--region", "33"]) == 2
    payload.write_text("[1, 2]")
    assert main(["--data", str(data), "--publish-config", "pilot", str(payload)]) == 2
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
        assert client.request("GET", "/v1/config/pilot").status_code == 404
        assert client.request("GET", "/v1/config/stable").status_code == 200
    finally:
        proc.terminate()
        proc.wait(timeout=10)
