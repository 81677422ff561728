"""``kiosk diag`` tells a technician with a keyboard the configuration channel's facts, in
processes as they run it with no kiosk running: nothing applied yet; and the version in force,
the ones before, the refused copy and the expired timestamp metadata (``config_world``)."""
from __future__ import annotations

import json
from pathlib import Path

from tests.kiosk.diagnostics.config_world import prepare
from tests.kiosk.diagnostics.test_diag_cli import diag


def test_nothing_applied_yet_is_said_in_the_json(tmp_path: Path) -> None:
    done = diag(prepare(tmp_path, "fresh"), "--json")
    body = json.loads(done.stdout)
    config = body["config"]
    assert config["version"] is None and config["history"] == [] and config["timestamp"] is None
    assert config["signed_configuration"] is False and config["last_check"]["outcome"] == "off"
    assert any(r["v"] == "尚未应用任何签名配置：使用安装时的设置" for r in config["rows"])
    assert next(c for c in body["checks"] if c["name"] == "config")["ok"] is True


def test_history_refusal_and_expired_timestamp_in_json_and_text(tmp_path: Path) -> None:
    config_file = prepare(tmp_path, "history")
    done = diag(config_file, "--json")
    assert done.returncode == 1, done.stdout + done.stderr[-3000:]
    body = json.loads(done.stdout)
    config = body["config"]
    assert config["version"] == 2 and config["scope"] == "group:township"
    assert [(h["version"], h["outcome"]) for h in config["history"]] == [(3, "rolled-back"),
                                                                          (1, "kept")]
    assert config["refused"]["reason"] == "unknown-key"
    assert config["rolled_back"]["failed"] == 3 and config["rolled_back"]["restored"] == 2
    ts = config["timestamp"]
    assert ts["expired"] and -1.1 < ts["days_left"] < -0.9 and ts["warning"]
    assert config["last_check"]["outcome"] == "not-running"
    check = next(c for c in body["checks"] if c["name"] == "config")
    assert check["ok"] is False and "kiosk-admin refresh" in check["fix"]

    text = diag(config_file)
    assert text.returncode == 1
    assert "配置 (configuration):" in text.stdout
    assert "  当前配置: 版本 2（发给分组 township）" in text.stdout
    assert "  版本 3: " in text.stdout and "已自动回退" in text.stdout
    assert "已过期（已过 1 天）" in text.stdout
