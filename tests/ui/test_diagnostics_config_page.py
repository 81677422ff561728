"""The diagnostics mode's configuration page on the real window, offscreen, each scenario of
``config_world`` in a process of its own (QML singletons register once per process), in
portrait 1080×1920 and landscape 1920×1080: what it says, that nothing runs off the window,
and that the faults stand out (drawn in the error colour, besides their words)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from PySide6.QtGui import QColor, QImage

CHILD = Path(__file__).with_name("diagnostics_config_child.py")
ERROR_TEXT = QColor("#b3261e").rgb()          # Theme.errorText


def run(tmp: Path, scenario: str, orientation: str) -> tuple[dict, Path]:
    out = tmp / "out"
    done = subprocess.run([sys.executable, str(CHILD), str(tmp / "kiosk"), str(out), scenario,
                           orientation], env=dict(os.environ, QT_QPA_PLATFORM="offscreen"),
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1]), out / f"config-{scenario}-{orientation}"


def said(page: dict) -> dict[str, str]:
    return {r["k"]: r["v"] for r in page["config"]["rows"] + page["config"]["history"]}


def error_pixels(png: Path) -> int:
    image = QImage(str(png))
    return sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
               if image.pixel(x, y) == ERROR_TEXT)


def check_pictures(base: Path, size: tuple[int, int]) -> None:
    for png in (base.with_name(base.name + ".png"), base.with_name(base.name + "-end.png")):
        image = QImage(str(png))
        assert (image.width(), image.height()) == size, png


@pytest.mark.parametrize("orientation, size", [("portrait", (1080, 1920)),
                                               ("landscape", (1920, 1080))])
def test_history_refusal_offline_and_expired_timestamp(tmp_path: Path, orientation: str,
                                                       size: tuple[int, int]) -> None:
    page, base = run(tmp_path, "history", orientation)
    assert page["problems"] == []
    check_pictures(base, size)
    rows = said(page)
    assert rows["当前配置"].startswith("版本 2（发给分组 township）")
    assert "连不上平台的配置仓库（network: connection）" in rows["最近检查"]
    assert "签名密钥不受信任" in rows["最近拒绝"]
    assert "已过期（已过 1 天）" in rows["时间戳元数据"]
    assert "启动失败，已自动回退" in rows["版本 3"] and "已保留" in rows["版本 1"]
    tones = {r["k"]: r["tone"] for r in page["config"]["rows"]}
    assert tones["最近检查"] == tones["时间戳元数据"] == "bad"
    assert not page["check"]["ok"] and "kiosk-admin refresh" in page["check"]["fix"]
    assert page["socket"]["last_check"]["outcome"] == "offline"     # kiosk diag --json, asked
    assert page["socket"]["timestamp"]["expired"] is True           # of the running kiosk
    assert error_pixels(base.with_name(base.name + ".png")) > 500  # the faults stand out


def test_nothing_applied_yet(tmp_path: Path) -> None:
    page, base = run(tmp_path, "fresh", "portrait")
    assert page["problems"] == []
    check_pictures(base, (1080, 1920))
    rows = said(page)
    assert rows["当前配置"] == "尚未应用任何签名配置：使用安装时的设置"
    assert rows["最近检查"].startswith("未启用")
    assert page["config"]["historyNote"] == "本机还没有换过配置"
    assert page["check"]["ok"]
    assert error_pixels(base.with_name(base.name + ".png")) == 0


def test_two_days_left_warns_in_landscape(tmp_path: Path) -> None:
    page, base = run(tmp_path, "warning", "landscape")
    assert page["problems"] == []
    check_pictures(base, (1920, 1080))
    rows = said(page)
    assert "不足 3 天" in rows["时间戳元数据"] and "kiosk-admin refresh" in rows["时间戳元数据"]
    assert "平台可以连接，但还没有配置仓库" in rows["最近检查"]      # the embedded platform
    assert page["check"]["ok"]


def test_damaged_files_do_not_break_the_page(tmp_path: Path) -> None:
    page, base = run(tmp_path, "garbage", "portrait")
    assert page["problems"] == []
    check_pictures(base, (1080, 1920))
    for text in said(page).values():
        assert not any(unicodedata.category(c)[0] == "C" for c in text)
    rows = said(page)      # bundle 7 is not JSON: the kiosk rolled back to its installed settings
    assert rows["当前配置"] == "尚未应用任何签名配置：使用安装时的设置"
    assert "版本 7 启动失败" in rows["自动回退"] and "已回退到安装时的设置" in rows["自动回退"]
